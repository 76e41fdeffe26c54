"""Unchanged answers are written in groups: none is lost, whatever ends the crawl.

The recorder holds back answers that read as their document's latest snapshot and
writes them together (``monitor.recorder``). These tests drive it as a crawl does,
with pages fetched as served, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import monitor.check
import monitor.detect
from crawler.items import FetchedPage
from monitor.recorder import _GROUP, ArchiveRecorder
from storage.archive import Archive
from storage.models import Document, Event, Snapshot

PAGES = 2 * _GROUP + 5  # more than two groups
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
PAGE = """<html><head><title>Notice {n}</title></head><body>
<nav><a href="/">Home</a></nav>
<article><h1>Notice {n}</h1>
<p class="dateline">Published 28 February 2026</p>
<p>The K27 leaves Beijing at 17:26 on {days} and reaches Pyongyang the next morning.</p>
<p>Tickets are sold at the stations of Beijing and Dandong and on the railway's own website.</p>
</article>
<footer>Page generated {stamp} · visits {visits}</footer>
</body></html>"""


def url(n: int) -> str:
    return f"http://rail.example/notice/{n}.html"


def body(n: int, run: int, days: str = "Mondays and Thursdays") -> bytes:
    return PAGE.format(n=n, days=days, stamp=f"2026-03-0{run + 1} 08:00:{n % 60:02d}",
                       visits=1000 * run + n).encode()


def fetched(n: int, run: int, days: str = "Mondays and Thursdays") -> FetchedPage:
    return FetchedPage(source=f"notice-{n}", url=url(n), role="page", status=200, final_url=url(n),
                       headers={"content-type": "text/html; charset=utf-8"}, body=body(n, run, days),
                       fetched_at=START + timedelta(days=run, seconds=n))


def feed(recorder: ArchiveRecorder, items: Sequence[FetchedPage]) -> None:
    """Hand items over as the crawl does: judged first, then recorded."""
    for item in items:
        recorder.needs_confirmation(item)
        recorder.process(item)


@pytest.fixture
def setting(make_config: Callable[..., Any], database_url: str) -> Iterator[tuple[Any, Archive]]:
    config = make_config([{"name": f"notice-{n}", "kind": "page", "url": url(n)} for n in range(PAGES)])
    archive = Archive(database_url)
    recorder = ArchiveRecorder(archive, config, clock=lambda: START)
    recorder.begin(list(config.sources))
    feed(recorder, [fetched(n, 0) for n in range(PAGES)])
    recorder.finish()
    yield config, archive
    archive.close()


def counts(archive: Archive) -> tuple[int, int]:
    with archive.reading() as session:
        return (session.scalar(select(func.count()).select_from(Snapshot)) or 0,
                session.scalar(select(func.count()).select_from(Event)) or 0)


def test_every_unchanged_answer_is_kept_with_its_own_body(setting: tuple[Any, Archive]) -> None:
    config, archive = setting
    recorder = ArchiveRecorder(archive, config, clock=lambda: START + timedelta(days=1))
    recorder.begin(list(config.sources))
    changed = {7, _GROUP + 3}
    feed(recorder, [fetched(n, 1, "Fridays" if n in changed else "Mondays and Thursdays") for n in range(PAGES)])
    outcomes = recorder.finish()
    assert not [o for o in outcomes if o.errors]
    assert counts(archive) == (2 * PAGES, len(changed))
    with archive.unit() as unit:
        for n in (0, _GROUP - 1, _GROUP, PAGES - 1):
            doc = unit.session.scalars(select(Document).where(Document.url == url(n))).one()
            latest = unit.session.get(Snapshot, doc.latest_snapshot_id)
            assert latest is not None and latest.fetched_at.replace(tzinfo=UTC) == START + timedelta(days=1, seconds=n)
            assert latest.body_id is not None and unit.blobs.get(latest.body_id) == body(n, 1)
        # The date of the text, whether it was read again (a change) or kept (noise only).
        for n in (*changed, 0, PAGES - 1):
            latest = unit.session.scalars(select(Snapshot).join(Document, Document.latest_snapshot_id == Snapshot.id)
                                          .where(Document.url == url(n))).one()
            assert latest.published == date(2026, 2, 28)


def test_answers_that_differ_only_after_the_article_are_not_parsed(setting: tuple[Any, Archive],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The footer's clock and counter change on every page; only the pages really edited are read."""
    config, archive = setting
    with archive.reading() as session:
        reaches = session.scalars(select(Document.reach)).all()
    assert len(reaches) == PAGES and all(r and not r.endswith(":-") for r in reaches)
    parsed: list[str] = []
    extract = monitor.detect.extract_text

    def counting(html: str, **kwargs: Any) -> Any:
        parsed.append(kwargs["url"])
        return extract(html, **kwargs)

    monkeypatch.setattr(monitor.detect, "extract_text", counting)
    recorder = ArchiveRecorder(archive, config, clock=lambda: START + timedelta(days=1))
    recorder.begin(list(config.sources))
    feed(recorder, [fetched(n, 1, "Fridays" if n in (3, 9) else "Mondays and Thursdays") for n in range(PAGES)])
    assert not [o for o in recorder.finish() if o.errors]
    assert sorted(parsed) == [url(3), url(9)] and counts(archive) == (2 * PAGES, 2)


def test_a_crawl_that_breaks_off_keeps_the_answers_it_had(setting: tuple[Any, Archive],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    config, archive = setting
    arrived = [fetched(n, 1) for n in range(PAGES // 2)]

    def broken_crawl(config: Any, plans: Any, recorder: ArchiveRecorder, **_: Any) -> None:
        feed(recorder, arrived)
        raise RuntimeError("the reactor stopped")

    monkeypatch.setattr(monitor.check, "run_crawl", broken_crawl)
    with pytest.raises(RuntimeError, match="reactor stopped"):
        monitor.check.run_check(config, archive)
    assert counts(archive) == (PAGES + len(arrived), 0)
