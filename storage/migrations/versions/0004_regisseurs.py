"""regisseurs: absence and blocking, the casus's holder and screening, offer timers, outbox give-up

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 11:40:00.000000

What the casus lifecycle needs: who holds a casus since when, what screening found and noted,
why it was closed; an offer's reminder and expiry as due times (the timers are rows, so a restart
loses none); a person's absence and whether they blocked the bot; an outbox row that is given up
on, and the casus it is about; and on the chat's state row, what a typed reason is about.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _utc(name: str) -> sa.Column[object]:
    return sa.Column(name, storage.models.UTCDateTime(timezone=True), nullable=True)


def upgrade() -> None:
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(_utc("absent_until"))
        batch_op.add_column(_utc("blocked_at"))
    with op.batch_alter_table("intake_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("awaiting_about", sa.String(length=64), nullable=True))
    with op.batch_alter_table("casussen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holder_id", sa.Integer(), nullable=True))
        batch_op.add_column(_utc("holder_since"))
        batch_op.add_column(
            sa.Column("found_betrokken", sa.JSON(), server_default=sa.text("'[]'"), nullable=False)
        )
        batch_op.add_column(sa.Column("screening_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("close_reason", sa.Text(), nullable=True))
        batch_op.add_column(_utc("handover_noted_at"))
        batch_op.create_index(batch_op.f("ix_casussen_holder_id"), ["holder_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_casussen_holder_id_people"), "people", ["holder_id"], ["id"]
        )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason_code", sa.String(length=24), nullable=True))
        batch_op.add_column(_utc("remind_at"))
        batch_op.add_column(_utc("expires_at"))
        batch_op.create_index(batch_op.f("ix_assignments_remind_at"), ["remind_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_assignments_expires_at"), ["expires_at"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(_utc("given_up_at"))
        batch_op.add_column(sa.Column("casus_reference", sa.String(length=24), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("casus_reference")
        batch_op.drop_column("given_up_at")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_expires_at"))
        batch_op.drop_index(batch_op.f("ix_assignments_remind_at"))
        batch_op.drop_column("expires_at")
        batch_op.drop_column("remind_at")
        batch_op.drop_column("reason_code")
    with op.batch_alter_table("casussen", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_casussen_holder_id_people"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_casussen_holder_id"))
        for column in (
            "handover_noted_at",
            "close_reason",
            "screening_note",
            "found_betrokken",
            "holder_since",
            "holder_id",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("intake_states", schema=None) as batch_op:
        batch_op.drop_column("awaiting_about")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("blocked_at")
        batch_op.drop_column("absent_until")
