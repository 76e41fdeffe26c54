"""SQLite's search index merges its segments eight at a time instead of four.

Each checked document commits its own transaction, so each changed text becomes
one small segment of the FTS5 index. With FTS5's default ``automerge=4`` every
four segments of a level are merged into the next, and a text is rewritten once
per level; with 8 there are about two-thirds as many levels, so about a third
less merging, for a search that reads a few more segments. PostgreSQL has
nothing to set.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_DEFAULT = 4
MERGED_AT_ONCE = 8


def _set_automerge(segments: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', {segments})")


def upgrade() -> None:
    _set_automerge(MERGED_AT_ONCE)


def downgrade() -> None:
    _set_automerge(_DEFAULT)
