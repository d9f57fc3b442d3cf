"""wrong invitation codes per Telegram account, so guessing codes is slowed down

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 10:00:00.000000

`/start CODE` with a wrong code counts in `wrong_codes`, keyed by the Telegram account, so the
wait after too many holds whichever replica serves the next try.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "wrong_codes",
        sa.Column("telegram_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("last_at", storage.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("telegram_id", name=op.f("pk_wrong_codes")),
    )


def downgrade() -> None:
    op.drop_table("wrong_codes")
