"""named values and the chat's state row

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:12:03.000000

The chat's state row (intake_states) loses the unused message_id and gains `awaiting` (the
dialogue that waits for the chat's free text) and `handled_updates` (recent Telegram update ids).

The database refuses a role, casus status, assignment status or screening outcome outside
rules.vocabulary. The values are copied here, not imported: a migration keeps describing the
schema it made when the vocabulary grows later (that takes a new migration).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("melder", "regisseur", "coordinator")
CASUS_STATUSES = (
    "aangemeld",
    "aangeboden",
    "opgepakt",
    "in_screening",
    "geen_inzet",
    "signalerend",
    "procesregie",
    "bij_oov",
    "gesloten",
)
ASSIGNMENT_STATUSES = ("aangeboden", "geaccepteerd", "afgewezen", "verlopen", "ingetrokken")
SCREENING_OUTCOMES = ("geen_inzet", "signalerend", "procesregie")

# table -> (column, allowed values); each check is named ck_<table>_<column>.
CHECKS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "people": [("role", ROLES)],
    "invitations": [("role", ROLES)],
    "casussen": [("status", CASUS_STATUSES), ("screening_outcome", SCREENING_OUTCOMES)],
    "assignments": [("status", ASSIGNMENT_STATUSES)],
}


def upgrade() -> None:
    with op.batch_alter_table("intake_states", schema=None) as batch_op:
        batch_op.drop_column("message_id")
        batch_op.add_column(sa.Column("awaiting", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column("handled_updates", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, values in checks:
                allowed = ", ".join(f"'{value}'" for value in values)
                batch_op.create_check_constraint(
                    op.f(f"ck_{table}_{column}"), f"{column} IN ({allowed})"
                )


def downgrade() -> None:
    for table, checks in CHECKS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column, _values in checks:
                batch_op.drop_constraint(op.f(f"ck_{table}_{column}"), type_="check")
    with op.batch_alter_table("intake_states", schema=None) as batch_op:
        batch_op.drop_column("handled_updates")
        batch_op.drop_column("awaiting")
        batch_op.add_column(sa.Column("message_id", sa.BigInteger(), nullable=True))
