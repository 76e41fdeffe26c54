"""The snapshot archive: one object that opens the database and hands out units of work.

Writes happen through :class:`UnitOfWork` (one transaction: one document's
snapshot, its events and its search entry, so a crash leaves nothing
half-written); reads through :mod:`storage.queries`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from storage.blobs import BlobStore, StoredBlob
from storage.db import migrate, open_engine
from storage.models import Document, Event, SearchEntry, Snapshot, Source

__all__ = ["Archive", "DocumentState", "NewEvent", "NewSnapshot", "UnitOfWork"]


@dataclass(frozen=True)
class NewSnapshot:
    """What a fetch stores."""

    fetched_at: datetime
    status: int
    final_url: str
    headers: Mapping[str, str]
    body: bytes | None
    text: str | None = None
    key_sha256: bytes | None = None
    encoding: str | None = None
    title: str | None = None
    published: date | None = None
    facts: Sequence[Mapping[str, Any]] | None = None
    searchable: bool = False


@dataclass(frozen=True)
class NewEvent:
    """A change event to record (its id and time are given on insert)."""

    kind: str
    summary: str
    route: Sequence[str] | None = None
    before: Mapping[str, Any] | None = None
    after: Mapping[str, Any] | None = None
    snapshot_before: int | None = None
    detail: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class DocumentState:
    """A document as the change detector needs it before storing a new snapshot."""

    id: int
    url: str
    role: str
    created: bool
    first_seen_at: datetime
    removed_at: datetime | None
    latest_snapshot_id: int | None
    latest_status: int | None
    latest_key: bytes | None
    latest_facts: list[Any] | None
    volatile: dict[str, Any] | None


class UnitOfWork:
    """One transaction over the archive."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.blobs = BlobStore(session)

    def source(self, name: str, kind: str, url: str, now: datetime) -> Source:
        found = self.session.scalars(select(Source).where(Source.name == name)).first()
        if found is None:
            found = Source(name=name, kind=kind, url=url, created_at=now, consecutive_failures=0)
            self.session.add(found)
            self.session.flush()
        elif (found.kind, found.url) != (kind, url):
            found.kind, found.url = kind, url
        return found

    def document(self, source_id: int, url: str, role: str, now: datetime) -> DocumentState:
        """The document at ``url``, created (``created=True``) when unknown."""
        doc = self.session.scalars(
            select(Document).where(Document.source_id == source_id, Document.url == url)
        ).first()
        created = doc is None
        if doc is None:
            doc = Document(source_id=source_id, url=url, role=role, first_seen_at=now)
            self.session.add(doc)
            self.session.flush()
        status = key = facts = None
        if doc.latest_snapshot_id is not None:
            row = self.session.execute(
                select(Snapshot.status, Snapshot.key_sha256, Snapshot.facts_id).where(
                    Snapshot.id == doc.latest_snapshot_id
                )
            ).one()
            status, key = row.status, row.key_sha256
            facts = self.blobs.get_json(row.facts_id) if row.facts_id is not None else None
        return DocumentState(
            id=doc.id,
            url=doc.url,
            role=doc.role,
            created=created,
            first_seen_at=doc.first_seen_at,
            removed_at=doc.removed_at,
            latest_snapshot_id=doc.latest_snapshot_id,
            latest_status=status,
            latest_key=key,
            latest_facts=facts,
            volatile=doc.volatile,
        )

    def text_of(self, snapshot_id: int) -> str | None:
        text_id = self.session.scalar(select(Snapshot.text_id).where(Snapshot.id == snapshot_id))
        return None if text_id is None else self.blobs.get(text_id).decode("utf-8")

    def touch(self, document_id: int, now: datetime, *, listed: bool = False, checked: bool = False) -> None:
        doc = self.session.get_one(Document, document_id)
        if listed:
            doc.last_listed_at = now
        if checked:
            doc.last_checked_at = now

    def set_removed(self, document_id: int, when: datetime | None) -> None:
        self.session.get_one(Document, document_id).removed_at = when

    def set_volatile(self, document_id: int, volatile: dict[str, Any] | None) -> None:
        self.session.get_one(Document, document_id).volatile = volatile

    def add_snapshot(self, document_id: int, snap: NewSnapshot) -> int:
        """Store a snapshot (bodies chained to the document's previous ones); returns its id."""
        doc = self.session.get_one(Document, document_id)
        body_base = text_base = None
        if doc.latest_snapshot_id is not None:
            prev = self.session.execute(
                select(Snapshot.body_id, Snapshot.text_id).where(Snapshot.id == doc.latest_snapshot_id)
            ).one()
            body_base = self._handle(prev.body_id)
            text_base = self._handle(prev.text_id)
        body = self.blobs.put(snap.body, body_base) if snap.body is not None else None
        text = self.blobs.put(snap.text.encode("utf-8"), text_base) if snap.text is not None else None
        facts = self.blobs.put_json(list(snap.facts)) if snap.facts else None
        row = Snapshot(
            document_id=document_id,
            fetched_at=snap.fetched_at,
            status=snap.status,
            final_url=snap.final_url,
            headers=dict(snap.headers),
            body_id=body.id if body else None,
            text_id=text.id if text else None,
            key_sha256=snap.key_sha256,
            encoding=snap.encoding,
            title=snap.title,
            published=snap.published,
            facts_id=facts.id if facts else None,
        )
        self.session.add(row)
        self.session.flush()
        doc.latest_snapshot_id = row.id
        doc.last_checked_at = snap.fetched_at
        if snap.searchable and snap.text:
            self.session.add(SearchEntry(snapshot_id=row.id, document_id=document_id, text=snap.text))
        return row.id

    def _handle(self, blob_id: int | None) -> StoredBlob | None:
        return None if blob_id is None else self.blobs.stored(blob_id)

    def add_event(self, source_id: int, document_id: int, url: str, now: datetime,
                  event: NewEvent, snapshot_after: int | None) -> int:
        row = Event(
            source_id=source_id,
            document_id=document_id,
            url=url,
            detected_at=now,
            kind=event.kind,
            summary=event.summary,
            route=list(event.route) if event.route else None,
            before=dict(event.before) if event.before is not None else None,
            after=dict(event.after) if event.after is not None else None,
            snapshot_before=event.snapshot_before,
            snapshot_after=snapshot_after,
            detail=dict(event.detail) if event.detail is not None else None,
        )
        self.session.add(row)
        self.session.flush()
        return row.id


class Archive:
    """The archive behind one database URL; the schema is migrated on open."""

    def __init__(self, url: str, *, engine: Engine | None = None) -> None:
        self.url = url
        self.engine = engine or open_engine(url)
        migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def unit(self) -> Iterator[UnitOfWork]:
        """One transaction: committed when the block ends, rolled back on an exception."""
        with self._sessions.begin() as session:
            yield UnitOfWork(session)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
