"""Documents remember how far into the page their latest text reaches.

An answer that differs from the one the anchor was made from only past that reach
(a rotating sidebar, a footer clock) reads as the latest text without being parsed
(see monitor.content.reach). Existing documents start without one: their next
answer measures it.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("reach", sa.String(160)))


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("reach")
