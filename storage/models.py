"""SQLAlchemy 2.0 typed models of the snapshot archive.

The schema is owned by the Alembic migrations in ``storage/migrations``; these
models must match them (a test compares the two).

    sources ─┬─< documents ─< snapshots >── blobs (body, text; content-addressed)
             └─< events (change events, never rewritten) ─< deliveries (the outbox)
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

__all__ = ["Base", "Blob", "Delivery", "Document", "Event", "SearchEntry", "Snapshot", "Source", "UTCDateTime"]


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the archive")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Source(Base):
    """A configured source, and its health."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    baseline_at: Mapped[datetime | None] = mapped_column(default=None)
    last_success_at: Mapped[datetime | None] = mapped_column(default=None)
    last_failure_at: Mapped[datetime | None] = mapped_column(default=None)
    consecutive_failures: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)

    documents: Mapped[list[Document]] = relationship(back_populates="source")


class Document(Base):
    """One URL of a source: its page, its index or feed, or one of its items."""

    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("source_id", "url", name="uq_documents_source_url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(10))
    first_seen_at: Mapped[datetime]
    last_checked_at: Mapped[datetime | None] = mapped_column(default=None)
    last_listed_at: Mapped[datetime | None] = mapped_column(default=None)
    removed_at: Mapped[datetime | None] = mapped_column(default=None)
    latest_snapshot_id: Mapped[int | None] = mapped_column(Integer, default=None)
    volatile: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    # Digest of the part of the page the latest text was extracted from (see monitor.content.extract):
    # a later answer with the same digest reads the same, and is not extracted again.
    anchor: Mapped[str | None] = mapped_column(String(64), default=None)
    # How far into the page that text reaches (see monitor.content.reach): an answer that differs from
    # the one the anchor was made from only past it reads the same, and is not even parsed.
    reach: Mapped[str | None] = mapped_column(String(160), default=None)

    source: Mapped[Source] = relationship(back_populates="documents")


class Blob(Base):
    """A content-addressed, compressed body or text, stored once.

    ``codec`` is ``zstd`` (standalone) or ``zstd-delta`` (compressed with the
    blob ``base_id`` as a raw-content dictionary, so a noise-only re-fetch
    costs a few hundred bytes).
    """

    __tablename__ = "blobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[bytes] = mapped_column(LargeBinary(32), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    codec: Mapped[str] = mapped_column(String(12))
    base_id: Mapped[int | None] = mapped_column(ForeignKey("blobs.id"), default=None)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Snapshot(Base):
    """One fetch of a document: response, extracted text and facts. Never rewritten.

    Body, text and facts (JSON) are blobs: a re-fetch that states the same facts
    points at the same facts blob instead of storing them again.
    """

    __tablename__ = "snapshots"
    __table_args__ = (Index("ix_snapshots_document_fetched", "document_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    fetched_at: Mapped[datetime]
    status: Mapped[int]
    final_url: Mapped[str] = mapped_column(Text)
    headers: Mapped[dict[str, Any]] = mapped_column(JSON)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("blobs.id"), default=None)
    text_id: Mapped[int | None] = mapped_column(ForeignKey("blobs.id"), default=None)
    key_sha256: Mapped[bytes | None] = mapped_column(LargeBinary(32), default=None)
    encoding: Mapped[str | None] = mapped_column(String(40), default=None)
    title: Mapped[str | None] = mapped_column(Text, default=None)
    published: Mapped[date | None] = mapped_column(Date, default=None)
    facts_id: Mapped[int | None] = mapped_column(ForeignKey("blobs.id"), default=None)


class Event(Base):
    """A change event, as `railwatch changes --json` prints it."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    url: Mapped[str] = mapped_column(Text)
    detected_at: Mapped[datetime] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text)
    route: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    snapshot_before: Mapped[int | None] = mapped_column(Integer, default=None)
    snapshot_after: Mapped[int | None] = mapped_column(Integer, default=None)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)


class SearchEntry(Base):
    """The text of every snapshot whose content differs from the one before it.

    SQLite indexes it with an FTS5 table kept in step by triggers; PostgreSQL
    with a GIN index over ``to_tsvector('simple', text)``.
    """

    __tablename__ = "search_entries"

    snapshot_id: Mapped[int] = mapped_column(ForeignKey("snapshots.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    text: Mapped[str] = mapped_column(Text)


class Delivery(Base):
    """One message owed to one notify endpoint: the outbox.

    A change event's deliveries are inserted in the event's own transaction,
    so no event exists without them. ``message_id`` is fixed at insert and is
    what the receiver sees (``webhook-id``): a repeat after a crash carries the
    same one. ``state`` goes ``owed`` → ``done``, or ``failed`` once the
    configured age limit passes or the endpoint refuses it for good.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(80), unique=True)
    endpoint: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id"), default=None, index=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), default=None)
    summary: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(10), default="owed")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    done_at: Mapped[datetime | None] = mapped_column(default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    lease_until: Mapped[datetime | None] = mapped_column(default=None)
    lease_holder: Mapped[str | None] = mapped_column(String(120), default=None)
