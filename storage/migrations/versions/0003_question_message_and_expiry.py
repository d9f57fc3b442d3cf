"""the question message and the expiry warning on the chat's state row

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 09:30:00.000000

`question_message_id`: the message that asks the chat's current question, so a typed answer can
close it as a button press does. `expiry_warned_at`: when the melder was told that an untouched
intake will be deleted, so they are told once.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("intake_states", schema=None) as batch_op:
        batch_op.add_column(sa.Column("question_message_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("expiry_warned_at", storage.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("intake_states", schema=None) as batch_op:
        batch_op.drop_column("expiry_warned_at")
        batch_op.drop_column("question_message_id")
