"""Documents remember the digest of what their latest text was extracted from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("anchor", sa.String(64)))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("anchor")
