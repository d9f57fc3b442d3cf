"""group aanmelding: persons aangemeld together share a group reference and its finding

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:00:00.000000

Every person of a group aanmelding is a casus of its own; `casus_groups` links them, with a
reference of its own (ZVH-2026-G007, numbered per year in `group_counters`) and what the ZVH
regisseurs found about the group. A chat's state row keeps a group while its persons are added.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_counters",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_group_counters")),
    )
    op.create_table(
        "casus_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=24), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("melder_id", sa.Integer(), nullable=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finding", sa.String(length=32), nullable=True),
        sa.Column("finding_note", sa.Text(), nullable=True),
        sa.Column("finding_by", sa.Integer(), nullable=True),
        sa.Column("finding_at", storage.models.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["finding_by"], ["people.id"], name=op.f("fk_casus_groups_finding_by_people")
        ),
        sa.ForeignKeyConstraint(
            ["melder_id"], ["people.id"], name=op.f("fk_casus_groups_melder_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casus_groups")),
        sa.UniqueConstraint("reference", name=op.f("uq_casus_groups_reference")),
        sa.UniqueConstraint("year", "number", name="uq_casus_groups_year_number"),
    )
    op.create_index(op.f("ix_casus_groups_melder_id"), "casus_groups", ["melder_id"], unique=False)
    with op.batch_alter_table("casussen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_casussen_group_id"), ["group_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_casussen_group_id_casus_groups"), "casus_groups", ["group_id"], ["id"]
        )
    with op.batch_alter_table("intake_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_memory", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("intake_states", schema=None) as batch_op:
        batch_op.drop_column("group_memory")
    with op.batch_alter_table("casussen", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_casussen_group_id_casus_groups"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_casussen_group_id"))
        batch_op.drop_column("group_id")
    op.drop_index(op.f("ix_casus_groups_melder_id"), table_name="casus_groups")
    op.drop_table("casus_groups")
    op.drop_table("group_counters")
