"""afwijken: the partij a coördinator chose against the advice, and their typed reason

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00.000000

A coördinator may give a casus to another partij or regisseur than the rules advised, or reopen
a closed one, with a reason. The audit log keeps the old advice and the new choice; the typed
reason stays on the casus, where retention can remove it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("casussen", schema=None) as batch_op:
        batch_op.add_column(sa.Column("afgeweken_partij", sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column("coordinator_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("casussen", schema=None) as batch_op:
        batch_op.drop_column("coordinator_reason")
        batch_op.drop_column("afgeweken_partij")
