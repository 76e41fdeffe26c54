"""The archive on a real SQLite file and the real PostgreSQL: same behaviour on both."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, inspect, select

from storage import queries
from storage.archive import Archive, NewEvent, NewSnapshot
from storage.db import HEAD, current_revision, head_revision
from storage.models import Base, Blob, Snapshot

NOW = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def page(noise: int, article: str = "K27 runs Mon/Wed/Thu/Sat.") -> bytes:
    related = "".join(f"<li><a href='/r/{i}'>Headline number {i} about weather</a></li>"
                      for i in random.Random(noise).sample(range(40), 5))
    filler = "".join(f"<p>Paragraph {i}: the railway bureau reminds passengers of rule {i}.</p>" for i in range(200))
    return (f"<html><body><nav>menu</nav><article><h1>Notice</h1><p>{article}</p>{filler}</article>"
            f"<aside><ul>{related}</ul></aside><footer>generated {noise}</footer></body></html>").encode()


def store(archive: Archive, body: bytes, when: datetime, text: str = "K27 runs") -> int:
    with archive.unit() as unit:
        source = unit.source("cr-notices", "page", "https://example.org/k27.html", when)
        doc = unit.document(source.id, "https://example.org/k27.html", "page", when)
        return unit.add_snapshot(doc, NewSnapshot(
            fetched_at=when, status=200, final_url=doc.url, headers={"ETag": '"abc"'}, body=body,
            text=text, key_sha256=b"k" * 32, searchable=True))


def test_migrations_create_the_models_schema(database_url: str) -> None:
    archive = Archive(database_url)
    assert current_revision(archive.engine) == head_revision() == HEAD  # HEAD opens an archive without Alembic
    tables = set(inspect(archive.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    Archive(database_url).close()  # a second open is a no-op, not an error
    archive.close()


def test_sqlite_search_index_merges_eight_segments_at_a_time(sqlite_url: str) -> None:
    """Every changed text commits its own segment: merging them eight at a time, not FTS5's four,
    rewrites each text on fewer levels."""
    archive = Archive(sqlite_url)
    with archive.engine.connect() as connection:
        setting = connection.exec_driver_sql("SELECT v FROM search_fts_config WHERE k = 'automerge'").scalar()
    assert setting == 8
    archive.close()


def test_body_round_trips_and_identical_bodies_are_stored_once(database_url: str) -> None:
    archive = Archive(database_url)
    body = page(1)
    first = store(archive, body, NOW)
    second = store(archive, body, NOW + timedelta(hours=1))
    with archive.reading() as session:
        records = queries.snapshots(session, url="https://example.org/k27.html")
        assert [r.id for r in records] == [first, second]
        assert queries.body_of(session, records[1]) == body
        assert session.scalar(select(func.count()).select_from(Blob)) == 2  # one body, one text
    archive.close()


def test_a_body_seen_before_is_stored_once_whichever_document_has_it(database_url: str) -> None:
    archive = Archive(database_url)
    first, second = page(1), page(2)
    ids = [store(archive, body, NOW + timedelta(hours=i)) for i, body in enumerate((first, second, first))]
    with archive.unit() as unit:  # another document answering the same bytes
        source = unit.source("cr-notices", "page", "https://example.org/k27.html", NOW)
        doc = unit.document(source.id, "https://example.org/mirror.html", "page", NOW)
        ids.append(unit.add_snapshot(doc, NewSnapshot(
            fetched_at=NOW, status=200, final_url=doc.url, headers={}, body=second)))
    with archive.reading() as session:
        records = [queries.snapshot(session, i) for i in ids]
        bodies = [queries.body_of(session, record) for record in records if record is not None]
        assert bodies == [first, second, first, second]
        assert session.scalar(select(func.count()).select_from(Blob)) == 3  # two bodies, one text
    archive.close()


def test_snapshots_stored_together_read_back_as_stored_one_by_one(database_url: str) -> None:
    """Unchanged answers of many documents, in one unit: new bodies (noise), the same bytes as
    last time, the same new bytes twice, bytes another document already has."""
    archive = Archive(database_url)
    urls = [f"https://example.org/notice/{n}.html" for n in range(5)]
    with archive.unit() as unit:
        source = unit.source("cr-notices", "page", urls[0], NOW)
        for n, url in enumerate(urls):
            doc = unit.document(source.id, url, "page", NOW)
            unit.add_snapshot(doc, NewSnapshot(fetched_at=NOW, status=200, final_url=url, headers={}, body=page(n),
                                               text=f"notice {n}", key_sha256=bytes([n]) * 32, anchor=f"a{n}"))
    later = NOW + timedelta(hours=1)
    answers = [page(10), page(1), page(12), page(12), page(0)]  # noise, same as last time, twice, another's
    with archive.unit() as unit:
        docs = [unit.find_document(source.id, url) for url in urls]
        pending = [(doc, NewSnapshot(fetched_at=later, status=200, final_url=doc.url, headers={"etag": f'"{n}"'},
                                     body=body, text_as_latest=True, key_sha256=doc.latest_key, anchor=f"a{n}"))
                   for n, (doc, body) in enumerate(zip(docs, answers, strict=True)) if doc is not None]
        ids = unit.add_snapshots_as_latest(pending)
    with archive.reading() as session:
        records = [queries.snapshot(session, i) for i in ids]
        assert [queries.body_of(session, r) for r in records if r is not None] == answers
        assert [queries.text_of(session, r) for r in records if r is not None] == [f"notice {n}" for n in range(5)]
        assert [r.headers for r in records if r is not None] == [{"etag": f'"{n}"'} for n in range(5)]
        # five first bodies and texts, then two new bodies (10 and 12): no copy of the others
        assert session.scalar(select(func.count()).select_from(Blob)) == 12
        latest = [queries.snapshots(session, url=url)[-1].id for url in urls]
        assert latest == ids
    archive.close()


def test_a_document_keeps_its_reach_with_its_anchor(database_url: str) -> None:
    """Stored one by one or together, the reach goes and comes with the anchor it was measured for."""
    archive = Archive(database_url)
    url = "https://example.org/k27.html"
    states = []
    for n, (anchor, reach) in enumerate([("a1", "r1"), ("a1", "r2"), (None, None)]):
        with archive.unit() as unit:
            source = unit.source("cr-notices", "page", url, NOW)
            doc = unit.document(source.id, url, "page", NOW)
            snap = NewSnapshot(fetched_at=NOW + timedelta(hours=n), status=200, final_url=url, headers={},
                               body=page(n), text_as_latest=n == 1, text=None if n == 1 else f"text {n}",
                               key_sha256=b"k" * 32, anchor=anchor, reach=reach)
            unit.add_snapshot(doc, snap)
        with archive.unit() as unit:
            found = unit.find_document(source.id, url)
            assert found is not None
            states.append((found.anchor, found.reach))
    assert states == [("a1", "r1"), ("a1", "r2"), (None, None)]
    archive.close()


def test_sources_are_registered_once_follow_their_configuration_and_keep_their_health(database_url: str) -> None:
    archive = Archive(database_url)
    specs = [(f"s{n}", "page", f"https://example.org/{n}.html") for n in range(3)]
    with archive.unit() as unit:
        first = unit.sources(specs, NOW)
        first[1].consecutive_failures, first[1].last_error, first[1].last_failure_at = 2, "HTTP 503", NOW
        first[2].last_success_at = first[2].baseline_at = NOW
        unit.save_health(first[1:])
    moved = [specs[0], ("s1", "index", "https://example.org/list/"), specs[2], ("s3", "feed", "https://example.org/f")]
    with archive.unit() as unit:
        again = unit.sources(moved, NOW + timedelta(days=1))
    assert [row.id for row in again[:3]] == [row.id for row in first] and again[3].id not in {r.id for r in first}
    assert (again[1].url, again[1].consecutive_failures, again[1].last_error) == ("https://example.org/list/", 2,
                                                                                 "HTTP 503")
    assert again[1].last_failure_at is not None and again[1].last_failure_at.replace(tzinfo=UTC) == NOW
    assert again[2].baseline_at is not None and again[0].baseline_at is None
    with archive.reading() as session:
        health = {row.name: row for row in queries.source_health(session)}
        assert health["s1"].consecutive_failures == 2
    with archive.unit() as unit:
        assert unit.sources_by_id([again[1].id])[again[1].id].url == "https://example.org/list/"
    archive.close()


def test_noise_only_refetch_costs_under_a_kilobyte(database_url: str) -> None:
    archive = Archive(database_url)
    store(archive, page(1), NOW)
    before = _stored_bytes(archive)
    snapshot_id = store(archive, page(2), NOW + timedelta(hours=1))
    added = _stored_bytes(archive) - before
    assert added < 1024, added
    with archive.reading() as session:
        record = queries.snapshot(session, snapshot_id)
        assert record is not None
        assert queries.body_of(session, record) == page(2)
    archive.close()


def _stored_bytes(archive: Archive) -> int:
    with archive.reading() as session:
        return int(session.scalar(select(func.coalesce(func.sum(func.length(Blob.data)), 0))) or 0)


def test_a_failed_unit_of_work_leaves_nothing_behind(database_url: str) -> None:
    archive = Archive(database_url)
    def crash_before_commit() -> None:
        with archive.unit() as unit:
            source = unit.source("s", "page", "https://example.org/", NOW)
            doc = unit.document(source.id, "https://example.org/", "page", NOW)
            unit.add_snapshot(doc, NewSnapshot(NOW, 200, doc.url, {}, b"<p>x</p>", text="x"))
            raise RuntimeError("crash between snapshot and commit")

    with pytest.raises(RuntimeError):
        crash_before_commit()
    with archive.reading() as session:
        assert session.scalar(select(func.count()).select_from(Snapshot)) == 0
        assert queries.source_health(session) == []
    archive.close()


def test_events_and_search(database_url: str) -> None:
    archive = Archive(database_url)
    store(archive, page(1), NOW, text="平壤 K27 列车 resumes on Thursday")
    with archive.unit() as unit:
        source = unit.source("cr-notices", "page", "https://example.org/k27.html", NOW)
        doc = unit.document(source.id, "https://example.org/k27.html", "page", NOW)
        assert not doc.created
        unit.add_event(source.id, doc.id, doc.url, NOW, NewEvent(
            kind="status", summary="Beijing–Pyongyang: suspended → operating", route=["Beijing", "Pyongyang"],
            before={"status": "suspended"}, after={"status": "operating"}), doc.latest_snapshot_id)
    with archive.reading() as session:
        [event] = queries.changes(session, kinds=("status",))
        assert event.as_json()["route"] == ["Beijing", "Pyongyang"]
        assert queries.changes(session, since=NOW + timedelta(seconds=1)) == []
        assert [hit.url for hit in queries.search(session, "resumes")] == ["https://example.org/k27.html"]
        assert len(queries.search(session, "平壤")) == 1
        assert queries.search(session, "Vladivostok") == []
    archive.close()
