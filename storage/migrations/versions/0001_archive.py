"""The snapshot archive: sources, documents, blobs, snapshots, events, search.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.models import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("baseline_at", UTCDateTime),
        sa.Column("last_success_at", UTCDateTime),
        sa.Column("last_failure_at", UTCDateTime),
        sa.Column("consecutive_failures", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False, index=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("first_seen_at", UTCDateTime, nullable=False),
        sa.Column("last_checked_at", UTCDateTime),
        sa.Column("last_listed_at", UTCDateTime),
        sa.Column("removed_at", UTCDateTime),
        sa.Column("latest_snapshot_id", sa.Integer),
        sa.Column("volatile", sa.JSON),
        sa.UniqueConstraint("source_id", "url", name="uq_documents_source_url"),
    )
    op.create_table(
        "blobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sha256", sa.LargeBinary(32), nullable=False, unique=True),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("codec", sa.String(12), nullable=False),
        sa.Column("base_id", sa.Integer, sa.ForeignKey("blobs.id")),
        sa.Column("data", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "snapshots",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("final_url", sa.Text, nullable=False),
        sa.Column("headers", sa.JSON, nullable=False),
        sa.Column("body_id", sa.Integer, sa.ForeignKey("blobs.id")),
        sa.Column("text_id", sa.Integer, sa.ForeignKey("blobs.id")),
        sa.Column("key_sha256", sa.LargeBinary(32)),
        sa.Column("encoding", sa.String(40)),
        sa.Column("title", sa.Text),
        sa.Column("published", sa.Date),
        sa.Column("facts_id", sa.Integer, sa.ForeignKey("blobs.id")),
    )
    op.create_index("ix_snapshots_document_fetched", "snapshots", ["document_id", "fetched_at"])
    op.create_table(
        "events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id"), nullable=False, index=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("detected_at", UTCDateTime, nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("route", sa.JSON),
        sa.Column("before", sa.JSON),
        sa.Column("after", sa.JSON),
        sa.Column("snapshot_before", sa.Integer),
        sa.Column("snapshot_after", sa.Integer),
        sa.Column("detail", sa.JSON),
    )
    op.create_table(
        "search_entries",
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "sqlite":
        # Trigram tokens find CJK words, which have no spaces between them.
        op.execute(
            "CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_entries', "
            "content_rowid='snapshot_id', tokenize='trigram')"
        )
        op.execute(
            "CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN "
            "INSERT INTO search_fts(rowid, text) VALUES (new.snapshot_id, new.text); END"
        )
    else:
        op.execute(
            "CREATE INDEX ix_search_entries_tsv ON search_entries USING gin (to_tsvector('simple', text))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS search_entries_ai")
        op.execute("DROP TABLE IF EXISTS search_fts")
    for table in ("search_entries", "events", "snapshots", "blobs", "documents", "sources"):
        op.drop_table(table)
