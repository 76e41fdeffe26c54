"""The snapshot archive: one object that opens the database and hands out units of work.

Writes happen through :class:`UnitOfWork` (one transaction: one document's
snapshot, its events and its search entry, so a crash leaves nothing
half-written); reads through :mod:`storage.queries`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from storage.blobs import STANDALONE, BlobStore, StoredBlob
from storage.chunks import in_chunks
from storage.db import migrate, open_engine
from storage.models import Blob, Delivery, Document, Event, SearchEntry, Snapshot, Source

__all__ = ["Archive", "DocumentState", "NewEvent", "NewSnapshot", "SourceRow", "UnitOfWork"]


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
    facts_id: int | None = None
    searchable: bool = False
    text_as_latest: bool = False  # the watched text is the document's latest (``text`` is then not given)
    anchor: str | None = None  # digest of what the text was extracted from (kept on the document)
    reach: str | None = None  # how far into the page that text reaches (kept on the document with the anchor)


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


@dataclass
class SourceRow:
    """A source as a run registers it and keeps its health (see ``UnitOfWork.save_health``)."""

    id: int
    name: str
    url: str
    baseline_at: datetime | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = None


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
    latest_facts_id: int | None
    volatile: dict[str, Any] | None
    body: StoredBlob | None = None
    text: StoredBlob | None = None
    text_sha256: bytes | None = None
    body_sha256: bytes | None = None
    anchor: str | None = None
    reach: str | None = None
    latest_title: str | None = None
    latest_published: date | None = None


# Statements of the per-document path, built once: parameters are bound per call.
_INSERT_DOCUMENT = insert(Document).returning(Document.id)
_INSERT_SNAPSHOT = insert(Snapshot).returning(Snapshot.id)
_INSERT_SNAPSHOTS = insert(Snapshot).returning(Snapshot.id, sort_by_parameter_order=True)
_INSERT_EVENT = insert(Event).returning(Event.id)
_INSERT_SEARCH = insert(SearchEntry)
_INSERT_DELIVERY = insert(Delivery)
_UPDATE_DOCUMENT = update(Document).where(Document.id == bindparam("document_id"))
_DOCUMENT_UPDATES: dict[tuple[str, ...], Any] = {}
_SOURCE_ROWS = select(Source.id, Source.name, Source.kind, Source.url, Source.baseline_at, Source.last_success_at,
                      Source.last_failure_at, Source.consecutive_failures, Source.last_error)
_INSERT_SOURCES = insert(Source).returning(Source.id, sort_by_parameter_order=True)
_UPDATE_HEALTH = update(Source).where(Source.id == bindparam("source_id")).values(
    {name: bindparam(name) for name in ("baseline_at", "last_success_at", "last_failure_at", "consecutive_failures",
                                         "last_error")})

_BodyBlob = aliased(Blob)
_TextBlob = aliased(Blob)
_KeyframeBlob = aliased(Blob)  # the body's keyframe: the next body is compressed against it
_STATE_COLUMNS = (
    select(Document.id, Document.source_id, Document.url, Document.role, Document.first_seen_at,
           Document.removed_at, Document.latest_snapshot_id, Document.volatile, Document.anchor,
           Document.reach, Snapshot.status,
           Snapshot.title, Snapshot.published,
           Snapshot.key_sha256, Snapshot.facts_id, Snapshot.body_id, _BodyBlob.codec.label("body_codec"),
           _BodyBlob.base_id.label("body_base"), _BodyBlob.sha256.label("body_sha256"),
           _KeyframeBlob.data.label("keyframe_zstd"),
           Snapshot.text_id, _TextBlob.codec.label("text_codec"),
           _TextBlob.base_id.label("text_base"), _TextBlob.sha256.label("text_sha256"))
    .outerjoin(Snapshot, Snapshot.id == Document.latest_snapshot_id)
    .outerjoin(_BodyBlob, _BodyBlob.id == Snapshot.body_id)
    .outerjoin(_KeyframeBlob, (_KeyframeBlob.id == func.coalesce(_BodyBlob.base_id, _BodyBlob.id))
               & (_KeyframeBlob.codec == STANDALONE))
    .outerjoin(_TextBlob, _TextBlob.id == Snapshot.text_id)
)
_DOCUMENT_STATE = _STATE_COLUMNS.where(Document.source_id == bindparam("source_id"),
                                       Document.url == bindparam("url"))


def _state(row: Any) -> DocumentState:
    return DocumentState(
        id=row.id, url=row.url, role=row.role, created=False, first_seen_at=row.first_seen_at,
        removed_at=row.removed_at, latest_snapshot_id=row.latest_snapshot_id, latest_status=row.status,
        latest_key=row.key_sha256, latest_facts_id=row.facts_id, volatile=row.volatile,
        body=_handle(row.body_id, row.body_codec, row.body_base, row.keyframe_zstd),
        text=_handle(row.text_id, row.text_codec, row.text_base), text_sha256=row.text_sha256,
        body_sha256=row.body_sha256, anchor=row.anchor, reach=row.reach, latest_title=row.title,
        latest_published=row.published,
    )


class UnitOfWork:
    """One transaction over the archive.

    The per-document path (``document``, ``add_snapshot``, ``add_event``) uses a
    handful of Core statements on the transaction's connection: it runs once per
    fetched page. An ORM session, joined to the same transaction, is made only
    for the callers that ask for one (``session``).
    """

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self._session: Session | None = None
        self.blobs = BlobStore(connection)

    @property
    def session(self) -> Session:
        """An ORM session in this unit's transaction (flushed when the unit ends)."""
        if self._session is None:
            self._session = Session(bind=self._connection, expire_on_commit=False)
        return self._session

    def _conn(self) -> Connection:
        return self._connection

    def _end(self) -> None:
        if self._session is not None:
            self._session.flush()
            self._session.close()

    def source(self, name: str, kind: str, url: str, now: datetime) -> SourceRow:
        return self.sources([(name, kind, url)], now)[0]

    def sources(self, specs: Sequence[tuple[str, str, str]], now: datetime) -> list[SourceRow]:
        """The rows of the sources given as (name, kind, url), created when unknown, in the same order.

        One query per few hundred sources and one insert for all the new ones: a run registers
        every configured source.
        """
        known: dict[str, SourceRow] = {}
        kinds: dict[str, tuple[str, str]] = {}
        for chunk in in_chunks([name for name, _, _ in specs]):
            for row in self._conn().execute(_SOURCE_ROWS.where(Source.name.in_(chunk))):
                known[row.name] = _source_row(row)
                kinds[row.name] = (row.kind, row.url)
        new = [(name, kind, url) for name, kind, url in dict.fromkeys(specs) if name not in known]
        if new:
            inserted = self._conn().execute(_INSERT_SOURCES, [
                {"name": name, "kind": kind, "url": url, "created_at": now, "consecutive_failures": 0}
                for name, kind, url in new]).all()
            for (name, _, url), created in zip(new, inserted, strict=True):
                known[name] = SourceRow(created.id, name, url)
        for name, kind, url in specs:
            if name in kinds and kinds[name] != (kind, url):
                self._conn().execute(update(Source).where(Source.id == known[name].id).values(kind=kind, url=url))
                known[name].url = url
                kinds[name] = (kind, url)
        return [known[name] for name, _, _ in specs]

    def sources_by_id(self, ids: Sequence[int]) -> dict[int, SourceRow]:
        """Source rows by id, read in one query per few hundred."""
        found: dict[int, SourceRow] = {}
        for chunk in in_chunks(ids):
            found.update((row.id, _source_row(row)) for row in self._conn().execute(
                _SOURCE_ROWS.where(Source.id.in_(chunk))))
        return found

    def save_health(self, rows: Sequence[SourceRow]) -> None:
        """Write the health and baseline of these sources (one statement for all)."""
        if rows:
            self._conn().execute(_UPDATE_HEALTH, [{
                "source_id": row.id, "baseline_at": row.baseline_at, "last_success_at": row.last_success_at,
                "last_failure_at": row.last_failure_at, "consecutive_failures": row.consecutive_failures,
                "last_error": row.last_error} for row in rows])

    def source_documents(self, source_ids: Sequence[int]) -> dict[tuple[int, str], DocumentState]:
        """The state of each source's own document (the one at the source's URL), by (source id, URL).

        Read in one query per few hundred sources, so that a run over many `page` sources does not
        look each page up on its own.
        """
        found = {}
        for chunk in in_chunks(source_ids):
            query = _STATE_COLUMNS.join(Source, (Source.id == Document.source_id) & (Source.url == Document.url)) \
                .where(Document.source_id.in_(chunk))
            for row in self._conn().execute(query):
                found[(row.source_id, row.url)] = _state(row)
        return found

    def document(self, source_id: int, url: str, role: str, now: datetime) -> DocumentState:
        """The document at ``url``, created (``created=True``) when unknown."""
        found = self.find_document(source_id, url)
        if found is None:
            doc_id = self._conn().execute(
                _INSERT_DOCUMENT, {"source_id": source_id, "url": url, "role": role, "first_seen_at": now}
            ).scalar_one()
            return DocumentState(doc_id, url, role, True, now, None, None, None, None, None, None)
        return found

    def find_document(self, source_id: int, url: str) -> DocumentState | None:
        """The document at ``url``, or None when unknown (nothing is written)."""
        row = self._conn().execute(_DOCUMENT_STATE, {"source_id": source_id, "url": url}).first()
        return None if row is None else _state(row)

    def facts_of(self, doc: DocumentState) -> list[Any] | None:
        """The facts stored on the document's latest snapshot."""
        return None if doc.latest_facts_id is None else list(self.blobs.get_json(doc.latest_facts_id))

    def text_of(self, snapshot_id: int) -> str | None:
        text_id = self.session.scalar(select(Snapshot.text_id).where(Snapshot.id == snapshot_id))
        return None if text_id is None else self.blobs.get(text_id).decode("utf-8")

    def touch(self, document_id: int, now: datetime, *, listed: bool = False, checked: bool = False) -> None:
        values: dict[str, Any] = {"last_listed_at": now} if listed else {}
        if checked:
            values["last_checked_at"] = now
        if values:
            self._update(document_id, **values)

    def set_removed(self, document_id: int, when: datetime | None) -> None:
        self._update(document_id, removed_at=when)

    def set_volatile(self, document_id: int, volatile: dict[str, Any] | None) -> None:
        self._update(document_id, volatile=volatile)

    def _update(self, document_id: int, **values: Any) -> None:
        self._conn().execute(_document_update(tuple(sorted(values))), {"document_id": document_id, **values})

    def add_snapshot(self, doc: DocumentState, snap: NewSnapshot) -> int:
        """Store a snapshot (bodies chained to the document's previous ones); returns its id."""
        if snap.text_as_latest:
            return self.add_snapshots_as_latest([(doc, snap)])[0]
        body = None if snap.body is None else self._chained(snap.body, doc.body, doc.body_sha256)
        text = None if snap.text is None else self._chained(snap.text.encode("utf-8"), doc.text, doc.text_sha256)
        if snap.facts_id is not None:
            facts_id: int | None = snap.facts_id
        else:
            facts_id = self.blobs.put_json(list(snap.facts)).id if snap.facts else None
        snapshot_id: int = self._conn().execute(_INSERT_SNAPSHOT, {
            "document_id": doc.id, "fetched_at": snap.fetched_at, "status": snap.status,
            "final_url": snap.final_url, "headers": dict(snap.headers), "body_id": body.id if body else None,
            "text_id": text.id if text else None, "key_sha256": snap.key_sha256, "encoding": snap.encoding,
            "title": snap.title, "published": snap.published, "facts_id": facts_id,
        }).scalar_one()
        self._update(doc.id, latest_snapshot_id=snapshot_id, last_checked_at=snap.fetched_at, anchor=snap.anchor,
                     reach=snap.reach)
        if snap.searchable and snap.text:
            self._conn().execute(_INSERT_SEARCH, {"snapshot_id": snapshot_id, "document_id": doc.id,
                                                  "text": snap.text})
        return snapshot_id

    def add_snapshots_as_latest(self, pending: Sequence[tuple[DocumentState, NewSnapshot]]) -> list[int]:
        """Store snapshots that keep their document's latest text (``text_as_latest``), many documents
        at once: the same rows as :meth:`add_snapshot`, a few statements for all of them. Returns their ids."""
        if not pending:
            return []
        if any(not snap.text_as_latest or snap.facts is not None for _, snap in pending):
            raise ValueError("only snapshots that keep their document's latest text are stored together")
        if len({doc.id for doc, _ in pending}) < len(pending):
            raise ValueError("one snapshot per document at a time")
        bodies: list[StoredBlob | None] = [None] * len(pending)
        new: list[tuple[bytes, StoredBlob | None, bytes]] = []
        places: list[int] = []  # where in bodies each new blob goes
        for place, (doc, snap) in enumerate(pending):
            if snap.body is None:
                continue
            digest = hashlib.sha256(snap.body).digest()
            bodies[place] = _same_as(doc.body, doc.body_sha256, digest)
            if bodies[place] is None:
                places.append(place)
                new.append((snap.body, doc.body, digest))
        for place, blob in zip(places, self.blobs.put_many(new), strict=True):
            bodies[place] = blob
        rows = self._conn().execute(_INSERT_SNAPSHOTS, [{
            "document_id": doc.id, "fetched_at": snap.fetched_at, "status": snap.status,
            "final_url": snap.final_url, "headers": dict(snap.headers), "body_id": body.id if body else None,
            "text_id": doc.text.id if doc.text else None, "key_sha256": snap.key_sha256, "encoding": snap.encoding,
            "title": snap.title, "published": snap.published, "facts_id": snap.facts_id,
        } for (doc, snap), body in zip(pending, bodies, strict=True)]).all()
        ids: list[int] = [row.id for row in rows]
        self._conn().execute(_document_update(("anchor", "last_checked_at", "latest_snapshot_id", "reach")), [
            {"document_id": doc.id, "latest_snapshot_id": snapshot_id, "last_checked_at": snap.fetched_at,
             "anchor": snap.anchor, "reach": snap.reach}
            for (doc, snap), snapshot_id in zip(pending, ids, strict=True)])
        return ids

    def _chained(self, data: bytes, latest: StoredBlob | None, latest_sha256: bytes | None) -> StoredBlob:
        """``data`` stored as the next version after ``latest`` (the same bytes as last time: no query)."""
        digest = hashlib.sha256(data).digest()
        return _same_as(latest, latest_sha256, digest) or self.blobs.put(data, latest, digest=digest)

    def add_event(self, source_id: int, document_id: int, url: str, now: datetime,
                  event: NewEvent, snapshot_after: int | None) -> int:
        event_id: int = self._conn().execute(_INSERT_EVENT, {
            "source_id": source_id, "document_id": document_id, "url": url, "detected_at": now,
            "kind": event.kind, "summary": event.summary, "route": list(event.route) if event.route else None,
            "before": dict(event.before) if event.before is not None else None,
            "after": dict(event.after) if event.after is not None else None,
            "snapshot_before": event.snapshot_before, "snapshot_after": snapshot_after,
            "detail": dict(event.detail) if event.detail is not None else None,
        }).scalar_one()
        return event_id

    def add_delivery(self, *, message_id: str, endpoint: str, type: str, summary: str, payload: Mapping[str, Any],
                     now: datetime, event_id: int | None = None, source_id: int | None = None) -> None:
        """Owe one message to one endpoint (the outbox row commits with the event that caused it)."""
        self._conn().execute(_INSERT_DELIVERY, {
            "message_id": message_id, "endpoint": endpoint, "type": type, "event_id": event_id,
            "source_id": source_id, "summary": summary, "payload": dict(payload), "state": "owed", "attempts": 0,
            "created_at": now, "next_attempt_at": now,
        })


def _same_as(latest: StoredBlob | None, latest_sha256: bytes | None, digest: bytes) -> StoredBlob | None:
    """``latest`` when it holds the bytes of ``digest`` (then nothing is stored or looked up)."""
    return latest if latest is not None and digest == latest_sha256 else None


def _source_row(row: Any) -> SourceRow:
    return SourceRow(row.id, row.name, row.url, row.baseline_at, row.last_success_at, row.last_failure_at,
                     row.consecutive_failures, row.last_error)


def _document_update(columns: tuple[str, ...]) -> Any:
    """The update of these columns (sorted) of the document ``document_id``, built once."""
    statement = _DOCUMENT_UPDATES.get(columns)
    if statement is None:
        statement = _DOCUMENT_UPDATES[columns] = _UPDATE_DOCUMENT.values({k: bindparam(k) for k in columns})
    return statement


def _handle(blob_id: int | None, codec: str | None, base_id: int | None,
            keyframe_zstd: bytes | None = None) -> StoredBlob | None:
    if blob_id is None:
        return None
    return StoredBlob.of(blob_id, codec or "", base_id, keyframe_zstd)


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
        with self.engine.begin() as connection:
            unit = UnitOfWork(connection)
            try:
                yield unit
                unit._end()
            finally:
                if unit._session is not None:
                    unit._session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def close(self) -> None:
        self.engine.dispose()
