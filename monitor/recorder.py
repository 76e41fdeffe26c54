"""The crawl's sink: every fetched item becomes snapshots and change events.

Each item is handled in one transaction (one document: its snapshot, its
events, its search entry), so a crash at any point leaves the archive
consistent and the next run redoes only what was not committed.

Baseline rule (SPEC.md): the first successful check of a source records
everything and announces nothing; after it, an item first seen in a listing
is announced (``new``) with its first successful snapshot.

Answers that read as their document's latest snapshot (the usual case: nothing but
noise changed) are written in groups, one transaction for up to ``_GROUP`` of them
(:meth:`ArchiveRecorder.flush`), and other writes do not wait for the group. They owe
no event, so a crash that loses a group loses only fetches the next run makes again.

Confirmation: before a page is recorded, the crawl asks
:meth:`ArchiveRecorder.needs_confirmation`; a page whose comparison key
differs from its latest snapshot's is fetched once more, and what differs
between the two answers is learned as volatile for that document
(:mod:`monitor.content.learned`, kept in ``documents.volatile``). The learned
rules mask the comparison key and the diff from then on; a seeming change
they explain entirely is stored but announced by no event, and noted on the
document for ``railwatch history``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from crawler.items import FetchedPage, FetchFailed, Item, Listing
from monitor.classify import FactsEngine
from monitor.config import Config, SourceConfig
from monitor.content.errorpage import error_page_reason
from monitor.content.learned import IgnoredChange, LearnedVolatility, learn
from monitor.detect import Reading, Unchanged, content_event, new_event, read_document, removed_event
from monitor.notify.enqueue import Enqueuer
from storage.archive import Archive, DocumentState, NewEvent, NewSnapshot, SourceRow, UnitOfWork

__all__ = ["ArchiveRecorder", "SourceOutcome"]

log = logging.getLogger(__name__)
GONE = (404, 410)
_GROUP = 256  # unchanged answers written in one transaction
_GROUP_SECONDS = 2.0  # … or fewer, once the first of them has waited this long


@dataclass
class SourceOutcome:
    """What one run did for one source."""

    name: str
    fetched: int = 0
    unchanged: int = 0
    events: int = 0
    errors: list[str] = field(default_factory=list)
    listing_ok: bool = False


@dataclass(frozen=True, slots=True)
class _Judgement:
    """A reading compared with its document's latest snapshot."""

    key: bytes  # the comparison key to store (masked by the document's learned rules, if any)
    changed: bool
    previous: str | None  # the latest snapshot's text, when it was needed to decide
    ignored: tuple[str, ...] = ()  # learned rules that explain the whole difference, when they do


class ArchiveRecorder:
    """Receives crawl items (``crawler.runner.ItemSink``) and records them."""

    def __init__(self, archive: Archive, config: Config, *,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.archive = archive
        self.config = config
        self.clock = clock
        self.facts = FactsEngine(archive, config)
        self.outbox = Enqueuer(config)
        self.outcomes: dict[str, SourceOutcome] = {}
        self._sources: dict[str, tuple[int, datetime | None]] = {}
        self._readings: dict[tuple[str, str], tuple[bytes, Reading | Unchanged]] = {}  # read by needs_confirmation
        # The state of each source's own document, read at `begin`; taken (popped) by the first write.
        self._documents: dict[tuple[int, str], DocumentState] = {}
        self._unwritten: list[tuple[DocumentState, FetchedPage, Unchanged]] = []  # see flush
        self._unwritten_since = 0.0
        # The latest text of documents that seem changed, read by needs_confirmation and used again
        # when the page is recorded; by snapshot id, dropped once the page is recorded.
        self._previous: dict[int, str | None] = {}

    def begin(self, sources: list[SourceConfig]) -> None:
        """Register the sources of this run and note which still await their baseline."""
        now = self.clock()
        with self.archive.unit() as unit:
            rows = unit.sources([(source.name, source.kind, source.url) for source in sources], now)
            for source, row in zip(sources, rows, strict=True):
                self._sources[source.name] = (row.id, row.baseline_at)
                self.outcomes[source.name] = SourceOutcome(source.name)
            self._documents = unit.source_documents([row.id for row in rows])

    def process(self, item: Item) -> None:
        outcome = self.outcomes.setdefault(item.source, SourceOutcome(item.source))
        try:
            if isinstance(item, FetchFailed):
                outcome.errors.append(f"{item.url}: {item.error}")
            elif isinstance(item, Listing):
                self._listing(item)
                outcome.listing_ok = True
                outcome.fetched += 1
            else:
                outcome.events += self._page(item, outcome)
        except Exception as exc:  # one broken document must not stop the others
            log.exception("recording %s failed", item.url)
            outcome.errors.append(f"{item.url}: recording failed: {exc}")

    def needs_confirmation(self, item: FetchedPage) -> bool:
        """True when ``item`` seems changed against its document's latest snapshot (a second fetch should confirm).

        Only documents that have a stored 2xx snapshot, of sources past their
        baseline: a new document, a 304 or a first check never costs a second
        request. The reading is kept for :meth:`process`.
        """
        if item.confirm_body is not None or not 200 <= item.status < 300:
            return False
        source_id, baseline_at = self._sources.get(item.source, (None, None))
        if source_id is None or baseline_at is None:
            return False
        source = self.config.source(item.source)
        doc = self._documents.get((source_id, item.url))
        if doc is None:
            with self.archive.unit() as unit:
                doc = unit.find_document(source_id, item.url)
        if doc is None or doc.latest_snapshot_id is None or not 200 <= (doc.latest_status or 0) < 300:
            return False
        reading = self._reading(item, source, doc)
        if isinstance(reading, Unchanged):
            return False
        if error_page_reason(reading.title, reading.text) is not None:
            return False
        rules = LearnedVolatility.from_json(doc.volatile)
        if doc.latest_key == (rules.key(reading.text) if rules else reading.key):
            return False  # the usual answer: nothing to read from the archive
        with self.archive.unit() as unit:
            return self._judge(unit, doc, reading, rules).changed

    def flush(self) -> None:
        """Write the unchanged answers held back so far, in one transaction."""
        if not self._unwritten:
            return
        group, self._unwritten = self._unwritten, []
        try:
            with self.archive.unit() as unit:
                self._store_as_latest(unit, group)
        except Exception as exc:  # each page of the group failed; the other sources go on
            log.exception("recording %d unchanged pages failed", len(group))
            for _, item, _ in group:
                self.outcomes[item.source].errors.append(f"{item.url}: recording failed: {exc}")

    def finish(self) -> list[SourceOutcome]:
        """Update each source's health and close the baseline of sources checked for the first time."""
        self.flush()
        self._readings.clear()
        self._previous.clear()
        self._documents.clear()
        now = self.clock()
        with self.archive.unit() as unit:
            rows = unit.sources_by_id([source_id for source_id, _ in self._sources.values()])
            touched = []
            for name, outcome in self.outcomes.items():
                source_id = self._sources.get(name, (None, None))[0]
                if source_id is None:
                    continue
                row = rows[source_id]
                touched.append(row)
                failures_before = row.consecutive_failures
                if outcome.errors:
                    row.last_failure_at = now
                    row.consecutive_failures += 1
                    row.last_error = outcome.errors[0][:2000]
                else:
                    row.last_success_at = now
                    row.consecutive_failures = 0
                    row.last_error = None
                self._health_notice(unit, row, failures_before, now)
                if row.baseline_at is None and (outcome.fetched or outcome.listing_ok):
                    row.baseline_at = now
            unit.save_health(touched)
        return list(self.outcomes.values())

    def _health_notice(self, unit: UnitOfWork, row: SourceRow, failures_before: int, now: datetime) -> None:
        """One notice when a source reaches the failing threshold, one when it comes back; none in between."""
        threshold = self.config.delivery.failing_after
        failing = row.consecutive_failures == threshold and failures_before < threshold
        recovered = row.consecutive_failures == 0 and failures_before >= threshold
        if failing or recovered:
            self.outbox.source_health(
                unit, source_id=row.id, source=row.name, url=row.url, failing=failing,
                failures=row.consecutive_failures if failing else failures_before,
                last_error=row.last_error, since=row.last_success_at if failing else row.last_failure_at, now=now)

    # --------------------------------------------------------------- items

    def _listing(self, item: Listing) -> None:
        source_id, _ = self._sources[item.source]
        source = self.config.source(item.source)
        with self.archive.unit() as unit:
            doc = self._document(unit, source_id, item.url, source.kind, item.fetched_at)
            if item.status != 304:
                unit.add_snapshot(doc, NewSnapshot(
                    fetched_at=item.fetched_at, status=item.status, final_url=item.final_url,
                    headers=item.headers, body=item.body))
            else:
                unit.touch(doc.id, item.fetched_at, checked=True)
            for link in item.links:
                listed = unit.document(source_id, link, "item", item.fetched_at)
                unit.touch(listed.id, item.fetched_at, listed=True)

    def _page(self, item: FetchedPage, outcome: SourceOutcome) -> int:
        source_id, baseline_at = self._sources[item.source]
        baselined = baseline_at is not None
        source = self.config.source(item.source)
        if self._held_back(source_id, source, item):
            outcome.fetched += 1
            return 0
        with self.archive.unit() as unit:
            doc = self._document(unit, source_id, item.url, item.role, item.fetched_at)
            if item.status == 304:
                unit.touch(doc.id, item.fetched_at, checked=True)
                outcome.unchanged += 1
                return 0
            outcome.fetched += 1
            if item.status in GONE:
                return self._gone(unit, source_id, doc, item, baselined)
            if item.status >= 400:
                outcome.errors.append(f"{item.url}: HTTP {item.status}")
                return 0
            reading = self._reading(item, source, doc)
            del self._readings[(item.source, item.url)]
            if isinstance(reading, Unchanged):
                self._store_as_latest(unit, [(doc, item, reading)])
                return 0
            appeared = baseline_at is not None and doc.first_seen_at > baseline_at
            reason = error_page_reason(reading.title, reading.text)
            if reason is not None:  # "page removed", anti-bot check…: a failed fetch, not new content
                outcome.errors.append(f"{item.url}: answered {item.status} with an error page: {reason}")
                unit.touch(doc.id, item.fetched_at, checked=True)
                return 0
            return self._content(unit, source_id, source, doc, item, reading, baselined, appeared)

    def _held_back(self, source_id: int, source: SourceConfig, item: FetchedPage) -> bool:
        """Hold back an answer that reads as its document's latest snapshot, to write with others (see flush)."""
        if item.status == 304 or item.status >= 400:
            return False
        doc = self._documents.get((source_id, item.url))
        if doc is None or doc.anchor is None:
            return False
        reading = self._reading(item, source, doc)
        if not isinstance(reading, Unchanged):
            return False  # recorded on its own; the reading is kept for it
        del self._readings[(item.source, item.url)]
        del self._documents[(source_id, item.url)]
        if not self._unwritten:
            self._unwritten_since = time.monotonic()
        self._unwritten.append((doc, item, reading))
        if len(self._unwritten) >= _GROUP or time.monotonic() - self._unwritten_since >= _GROUP_SECONDS:
            self.flush()
        return True

    def _document(self, unit: UnitOfWork, source_id: int, url: str, role: str, now: datetime) -> DocumentState:
        """The document about to be written: its state read at `begin` if any (used once), else from the archive."""
        found = self._documents.pop((source_id, url), None)
        return found if found is not None else unit.document(source_id, url, role, now)

    def _gone(self, unit: UnitOfWork, source_id: int, doc: DocumentState, item: FetchedPage,
              baselined: bool) -> int:
        if doc.removed_at is not None:
            unit.touch(doc.id, item.fetched_at, checked=True)
            return 0
        snapshot_id = unit.add_snapshot(doc, NewSnapshot(
            fetched_at=item.fetched_at, status=item.status, final_url=item.final_url,
            headers=item.headers, body=item.body))
        unit.set_removed(doc.id, item.fetched_at)
        if not baselined or doc.latest_snapshot_id is None or doc.latest_status in GONE:
            return 0
        self._announce(unit, source_id, item.source, doc, item.fetched_at,
                       removed_event(item.status, doc.latest_snapshot_id), snapshot_id)
        return 1

    def _reading(self, item: FetchedPage, source: SourceConfig, doc: DocumentState) -> Reading | Unchanged:
        """The reading of the item's body made earlier in this run, else a new one; kept until the item
        is recorded (``needs_confirmation`` reads a page before it is handed over)."""
        key = (item.source, item.url)
        cached = self._readings.get(key)
        if cached is not None and cached[0] is item.body:
            return cached[1]
        reading = self._read(item.body, item.headers, item, source, doc.anchor, doc.reach)
        self._readings[key] = (item.body, reading)
        return reading

    @staticmethod
    def _read(body: bytes, headers: Mapping[str, str], item: FetchedPage, source: SourceConfig,
              anchor: str | None = None, reach: str | None = None) -> Reading | Unchanged:
        return read_document(body, headers.get("content-type"), url=item.final_url, select=source.select,
                             ignore_selectors=source.ignore_selectors, ignore_patterns=source.ignore_patterns,
                             anchor=anchor, reach=reach)

    @staticmethod
    def _store_as_latest(unit: UnitOfWork, answers: Sequence[tuple[DocumentState, FetchedPage, Unchanged]]) -> None:
        """Store answers that read as their documents' latest snapshots (their extraction input is unchanged)."""
        unit.add_snapshots_as_latest([(doc, NewSnapshot(
            fetched_at=item.fetched_at, status=item.status, final_url=item.final_url, headers=item.headers,
            body=item.body, text_as_latest=True, key_sha256=doc.latest_key, encoding=reading.encoding,
            title=doc.latest_title, published=doc.latest_published, facts_id=doc.latest_facts_id,
            anchor=reading.anchor, reach=reading.reach or doc.reach)) for doc, item, reading in answers])
        for doc, _, _ in answers:
            if doc.removed_at is not None:
                unit.set_removed(doc.id, None)

    def _judge(self, unit: UnitOfWork, doc: DocumentState, reading: Reading, rules: LearnedVolatility) -> _Judgement:
        """Compare a reading with the document's latest snapshot, under the document's learned rules."""
        key = rules.key(reading.text) if rules else reading.key
        if doc.latest_snapshot_id is None:
            return _Judgement(key, True, None)
        if doc.latest_key == key:
            return _Judgement(key, False, None)
        if doc.latest_snapshot_id not in self._previous:
            self._previous[doc.latest_snapshot_id] = unit.text_of(doc.latest_snapshot_id)
        previous = self._previous[doc.latest_snapshot_id]
        if rules and previous is not None and rules.key(previous) == key:  # stored before the latest rules
            return _Judgement(key, False, previous, rules.responsible(previous, reading.text))
        return _Judgement(key, True, previous)

    def _learn(self, unit: UnitOfWork, doc: DocumentState, item: FetchedPage, source: SourceConfig,
               reading: Reading, rules: LearnedVolatility) -> tuple[LearnedVolatility, _Judgement]:
        """Judge a page that has a confirming fetch: learn what differs between the two answers first."""
        judged = self._judge(unit, doc, reading, rules)
        if not judged.changed or judged.previous is None or item.confirm_body is None:
            return rules, judged
        second_type = (item.confirm_headers or item.headers).get("content-type")
        if item.confirm_body == item.body and second_type == item.headers.get("content-type"):
            return rules, judged  # the same answer reads the same: nothing differs, nothing to learn
        try:
            second = self._read(item.confirm_body, item.confirm_headers or item.headers, item, source, reading.anchor)
        except Exception:  # the first answer stands alone
            log.warning("could not read the confirming fetch of %s", item.url, exc_info=True)
            return rules, judged
        if isinstance(second, Unchanged):  # it reads as the first answer: nothing differs, nothing to learn
            return rules, judged
        learned = learn(reading.text, second.text, rules, now=item.fetched_at)
        if learned is rules:
            return rules, judged
        log.info("%s: learned %d volatile part(s)", item.url, len(learned.rules) - len(rules.rules))
        return learned, self._judge(unit, doc, reading, learned)

    def _content(self, unit: UnitOfWork, source_id: int, source: SourceConfig, doc: DocumentState,
                 item: FetchedPage, reading: Reading, baselined: bool, appeared: bool) -> int:
        """Store a 200 answer; ``appeared``: the document was first listed after the baseline."""
        known = LearnedVolatility.from_json(doc.volatile)
        rules, judged = self._learn(unit, doc, item, source, reading, known)
        if doc.latest_snapshot_id is not None:
            self._previous.pop(doc.latest_snapshot_id, None)
        changed, previous_text = judged.changed, judged.previous
        published = reading.published or (item.entry.published.date() if item.entry and item.entry.published
                                           else None)
        if changed or doc.latest_snapshot_id is None:
            facts: list[dict[str, Any]] | None = self.facts.extract(
                reading.text, published or item.fetched_at.date(), source)
            facts_id = None
        else:
            facts, facts_id = None, doc.latest_facts_id  # same watched text (noise aside): same facts
        snapshot_id = unit.add_snapshot(doc, NewSnapshot(
            fetched_at=item.fetched_at, status=item.status, final_url=item.final_url,
            headers=item.headers, body=item.body, text=reading.text, key_sha256=judged.key, anchor=reading.anchor,
            reach=reading.reach,
            encoding=reading.encoding, title=reading.title or (item.entry.title if item.entry else None),
            published=published, facts=facts, facts_id=facts_id, searchable=changed))
        self._remember(unit, doc, rules, known, judged, snapshot_id, item.fetched_at)
        if doc.removed_at is not None:
            unit.set_removed(doc.id, None)
        if not baselined:
            return 0
        first_content = doc.latest_snapshot_id is None or doc.latest_status in GONE
        announced = None
        if doc.role == "item" and doc.latest_snapshot_id is None and appeared:
            announced = new_event(reading, source.keywords)
        classified: list[NewEvent] = []
        if facts is not None and (doc.role != "item" or announced is not None or not first_content):
            classified = self.facts.events(unit, doc, facts, first_content)
        edited = None
        if not classified and not first_content and changed and previous_text is not None:
            # `content` is for changes of no schedule or status meaning.
            before, after = (rules.mask(previous_text), rules.mask(reading.text)) if rules else \
                (previous_text, reading.text)
            edited = content_event(before, after, source.keywords, doc.latest_snapshot_id)
        events = [event for event in (announced, *classified, edited) if event is not None]
        for event in events:
            self._announce(unit, source_id, source.name, doc, item.fetched_at, event, snapshot_id)
        return len(events)

    @staticmethod
    def _remember(unit: UnitOfWork, doc: DocumentState, rules: LearnedVolatility, known: LearnedVolatility,
                  judged: _Judgement, snapshot_id: int, now: datetime) -> None:
        """Keep newly learned rules (stamped with the snapshot that taught them) and the noise they explained."""
        if rules is known and not judged.ignored:
            return
        rules = rules.stamped(snapshot_id)
        if judged.ignored:
            rules = rules.with_ignored(IgnoredChange(snapshot_id, now.isoformat(), judged.ignored))
        unit.set_volatile(doc.id, rules.as_json())

    def _announce(self, unit: UnitOfWork, source_id: int, source: str, doc: DocumentState, now: datetime,
                  event: NewEvent, snapshot_id: int) -> None:
        """Record an event and, in the same transaction, the notifications it owes."""
        event_id = unit.add_event(source_id, doc.id, doc.url, now, event, snapshot_id)
        self.outbox.change(unit, event_id=event_id, source=source, url=doc.url, detected_at=now, event=event,
                           snapshot_after=snapshot_id)
