"""Read-only questions to the archive, answered with frozen records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, text
from sqlalchemy.orm import Session

from storage.blobs import BlobStore
from storage.chunks import in_chunks
from storage.models import Blob, Document, Event, SearchEntry, Snapshot, Source

__all__ = [
    "ChangeRecord",
    "DocumentValidators",
    "DocumentVolatility",
    "SearchHit",
    "SnapshotRecord",
    "SourceHealth",
    "body_of",
    "changes",
    "item_urls",
    "search",
    "snapshot",
    "snapshots",
    "source_health",
    "text_of",
    "validators",
    "volatility",
]


@dataclass(frozen=True)
class ChangeRecord:
    id: int
    source: str
    url: str
    detected_at: datetime
    kind: str
    summary: str
    route: list[str] | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    snapshot_before: int | None
    snapshot_after: int | None
    detail: dict[str, Any] | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "detected_at": self.detected_at.isoformat(),
            "kind": self.kind,
            "summary": self.summary,
            "route": self.route,
            "before": self.before,
            "after": self.after,
            "snapshot_before": self.snapshot_before,
            "snapshot_after": self.snapshot_after,
        }


@dataclass(frozen=True)
class SnapshotRecord:
    id: int
    source: str
    url: str
    fetched_at: datetime
    status: int
    final_url: str
    headers: dict[str, Any]
    size: int | None
    encoding: str | None
    title: str | None
    published: date | None
    facts: list[Any] | None
    body_id: int | None
    text_id: int | None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "url": self.url,
            "fetched_at": self.fetched_at.isoformat(),
            "status": self.status,
            "final_url": self.final_url,
            "size": self.size,
            "encoding": self.encoding,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "facts": self.facts,
        }


@dataclass(frozen=True)
class SearchHit:
    snapshot: int
    source: str
    url: str
    fetched_at: datetime
    title: str | None
    snippet: str

    def as_json(self) -> dict[str, Any]:
        return {
            "snapshot": self.snapshot,
            "source": self.source,
            "url": self.url,
            "fetched_at": self.fetched_at.isoformat(),
            "title": self.title,
            "snippet": self.snippet,
        }


@dataclass(frozen=True)
class SourceHealth:
    name: str
    kind: str
    url: str
    baseline_at: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    consecutive_failures: int
    last_error: str | None

    def as_json(self) -> dict[str, Any]:
        def when(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "name": self.name,
            "kind": self.kind,
            "url": self.url,
            "baseline_at": when(self.baseline_at),
            "last_success_at": when(self.last_success_at),
            "last_failure_at": when(self.last_failure_at),
            "consecutive_failures": self.consecutive_failures,
            "last_error": self.last_error,
        }


@dataclass(frozen=True)
class DocumentValidators:
    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True)
class DocumentVolatility:
    """What the change detector learned to ignore in one document (the ``documents.volatile`` column)."""

    source: str
    url: str
    volatile: dict[str, Any]


def changes(session: Session, *, since: datetime | None = None, sources: tuple[str, ...] = (),
            kinds: tuple[str, ...] = ()) -> list[ChangeRecord]:
    query = select(Event, Source.name).join(Source, Source.id == Event.source_id).order_by(Event.id)
    if since is not None:
        query = query.where(Event.detected_at >= since)
    if sources:
        query = query.where(Source.name.in_(sources))
    if kinds:
        query = query.where(Event.kind.in_(kinds))
    return [
        ChangeRecord(e.id, name, e.url, e.detected_at, e.kind, e.summary, e.route, e.before, e.after,
                     e.snapshot_before, e.snapshot_after, e.detail)
        for e, name in session.execute(query)
    ]


def _snapshot_query() -> Any:
    return (
        select(Snapshot, Document.url, Source.name, Blob.size)
        .join(Document, Document.id == Snapshot.document_id)
        .join(Source, Source.id == Document.source_id)
        .outerjoin(Blob, Blob.id == Snapshot.body_id)
    )


def _record(session: Session, row: Any) -> SnapshotRecord:
    snap, url, source, size = row
    facts = BlobStore(session).get_json(snap.facts_id) if snap.facts_id is not None else None
    return SnapshotRecord(snap.id, source, url, snap.fetched_at, snap.status, snap.final_url, snap.headers,
                          size, snap.encoding, snap.title, snap.published, facts, snap.body_id, snap.text_id)


def snapshots(session: Session, *, url: str | None = None, source: str | None = None) -> list[SnapshotRecord]:
    """Snapshots of one document (by URL) or of every document of a source, oldest first."""
    query = _snapshot_query().order_by(Snapshot.id)
    if url is not None:
        query = query.where(or_(Document.url == url, Snapshot.final_url == url))
    if source is not None:
        query = query.where(Source.name == source)
    return [_record(session, row) for row in session.execute(query)]


def snapshot(session: Session, snapshot_id: int) -> SnapshotRecord | None:
    row = session.execute(_snapshot_query().where(Snapshot.id == snapshot_id)).first()
    return None if row is None else _record(session, row)


def volatility(session: Session, *, url: str | None = None, source: str | None = None) -> list[DocumentVolatility]:
    """The learned volatile parts of one document (by URL, as :func:`snapshots` matches it) or of a source's."""
    query = select(Source.name, Document.url, Document.volatile).join(Source, Source.id == Document.source_id)
    if url is not None:
        redirected = select(Snapshot.document_id).where(Snapshot.final_url == url)
        query = query.where(or_(Document.url == url, Document.id.in_(redirected)))
    if source is not None:
        query = query.where(Source.name == source)
    return [DocumentVolatility(name, doc_url, volatile)
            for name, doc_url, volatile in session.execute(query.order_by(Document.id)) if volatile]


def body_of(session: Session, record: SnapshotRecord) -> bytes | None:
    return None if record.body_id is None else BlobStore(session).get(record.body_id)


def text_of(session: Session, record: SnapshotRecord) -> str | None:
    return None if record.text_id is None else BlobStore(session).get(record.text_id).decode("utf-8")


def source_health(session: Session) -> list[SourceHealth]:
    return [
        SourceHealth(s.name, s.kind, s.url, s.baseline_at, s.last_success_at, s.last_failure_at,
                     s.consecutive_failures, s.last_error)
        for s in session.scalars(select(Source).order_by(Source.name))
    ]


def validators(session: Session, sources: Sequence[str]) -> dict[str, list[DocumentValidators]]:
    """ETag / Last-Modified of each live document's newest 200 snapshot, by source name (for conditional
    requests); one query for all the sources of a run."""
    found: dict[str, list[DocumentValidators]] = {name: [] for name in sources}
    for chunk in in_chunks(list(found)):
        query = (
            select(Source.name, Document.url, Snapshot.headers)
            .join(Source, Source.id == Document.source_id)
            .join(Snapshot, Snapshot.id == Document.latest_snapshot_id)
            .where(Source.name.in_(chunk), Snapshot.status == 200, Document.removed_at.is_(None))
        )
        for name, url, headers in session.execute(query):
            lowered = {key.lower(): value for key, value in (headers or {}).items()}
            if lowered.get("etag") or lowered.get("last-modified"):
                found[name].append(DocumentValidators(url, lowered.get("etag"), lowered.get("last-modified")))
    return found


def item_urls(session: Session, source: str, limit: int) -> list[str]:
    """The source's live item documents, most recently listed first."""
    query = (
        select(Document.url)
        .join(Source, Source.id == Document.source_id)
        .where(Source.name == source, Document.role == "item", Document.removed_at.is_(None))
        .order_by(Document.last_listed_at.desc().nulls_last(), Document.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def search(session: Session, terms: str, limit: int = 50) -> list[SearchHit]:
    """Full-text search over every stored version of every document, newest first."""
    dialect = session.get_bind().dialect.name
    match: ColumnElement[bool]
    if dialect == "sqlite" and len(terms) >= 3:
        phrase = '"' + terms.replace('"', '""') + '"'
        ids = select(text("rowid")).select_from(text("search_fts")).where(text("search_fts MATCH :q"))
        match = SearchEntry.snapshot_id.in_(ids.params(q=phrase))
    elif dialect == "postgresql" and terms.isascii():
        match = func.to_tsvector("simple", SearchEntry.text).op("@@")(func.plainto_tsquery("simple", terms))
    else:
        match = SearchEntry.text.contains(terms, autoescape=True)
    query = (
        select(SearchEntry.snapshot_id, SearchEntry.text, Source.name, Document.url, Snapshot.fetched_at,
               Snapshot.title)
        .join(Snapshot, Snapshot.id == SearchEntry.snapshot_id)
        .join(Document, Document.id == SearchEntry.document_id)
        .join(Source, Source.id == Document.source_id)
        .where(match)
        .order_by(Snapshot.id.desc())
        .limit(limit)
    )
    return [
        SearchHit(sid, name, url, fetched, title, _snippet(body, terms))
        for sid, body, name, url, fetched, title in session.execute(query)
    ]


def _snippet(body: str, terms: str, width: int = 80) -> str:
    at = body.lower().find(terms.lower())
    if at < 0:
        at = 0
    start = max(0, at - width // 2)
    piece = body[start : start + width + len(terms)].replace("\n", " ")
    return ("…" if start else "") + piece + ("…" if start + width + len(terms) < len(body) else "")
