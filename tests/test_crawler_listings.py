"""Index and feed sources: the listing, its item pages, known items, 304 listings, failures."""

from __future__ import annotations

from datetime import UTC, datetime

from mockserver import MockServer

from crawler.items import FeedEntry, FetchedPage, FetchFailed, Listing
from crawler.links import canonical_url
from crawler.plan import SourcePlan, Validators
from monitor.config import IndexSource


def index(name: str, url: str, **extra: object) -> dict[str, object]:
    return {"name": name, "kind": "index", "url": url, "links": "ul.notices a", **extra}


def test_an_index_yields_its_listing_then_each_item(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    mockserver.set_index("basic", ["/notice/b1", "/notice/b2?utm_source=x", "/notice/b3"])
    config = make_config([index("basic", mockserver.url("/index/basic"))])
    result = crawl_worker.crawl(config)
    listing = result.one("basic", Listing)
    index_url = canonical_url(mockserver.url("/index/basic"))
    assert listing.url == index_url
    assert listing.status == 200
    assert b"Notices" in listing.body
    expected = tuple(
        canonical_url(mockserver.url(p)) for p in ("/notice/b1", "/notice/b2?utm_source=x", "/notice/b3")
    )
    assert listing.links == expected
    items = result.of("basic", FetchedPage)
    assert sorted(item.url for item in items) == sorted(expected)
    assert {(item.role, item.status, item.listing) for item in items} == {("item", 200, index_url)}
    assert result.items[0] == listing, "the listing comes before its items"
    assert len(mockserver.hits("/notice/b1")) == 1, "a link repeated on the page is fetched once"


def test_the_heuristic_finds_items_without_a_selector(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    mockserver.set_index("heuristic", ["/notice/h1", "/notice/h2", "/notice/h3"])
    source = {"name": "heuristic", "kind": "index", "url": mockserver.url("/index/heuristic")}
    result = crawl_worker.crawl(make_config([source]))
    links = result.one("heuristic", Listing).links
    assert {canonical_url(mockserver.url(f"/notice/h{n}")) for n in (1, 2, 3)} <= set(links)


def test_max_items_and_known_items(mockserver: MockServer, crawl_worker, make_config) -> None:
    mockserver.set_index("capped", ["/notice/c1", "/notice/c2", "/notice/c3", "/notice/c4"])
    config = make_config([index("capped", mockserver.url("/index/capped"), max_items=2)])
    known = tuple(
        canonical_url(mockserver.url(p)) for p in ("/notice/c1", "/notice/gone", "/notice/missing-c")
    )
    result = crawl_worker.crawl(config, [SourcePlan(config.sources[0], known_items=known)])
    assert len(result.one("capped", Listing).links) == 4
    fetched = {item.url.rsplit("/", 1)[-1]: item.status for item in result.of("capped", FetchedPage)}
    assert fetched == {"c1": 200, "c2": 200, "gone": 410, "missing-c": 404}
    assert not mockserver.hits("/notice/c3")
    assert len(mockserver.hits("/notice/c1")) == 1, "a known item that is listed is fetched once"


def test_a_304_listing_rechecks_the_known_items(mockserver: MockServer, crawl_worker, make_config) -> None:
    mockserver.set_index("unchanged", ["/notice/u1"])
    config = make_config([index("unchanged", mockserver.url("/index/unchanged"))])
    first = crawl_worker.crawl(config).one("unchanged", Listing)
    item = canonical_url(mockserver.url("/notice/u1"))
    plan = SourcePlan(
        config.sources[0],
        validators={first.url: Validators(first.headers["etag"], None)},
        known_items=(item,),
    )
    result = crawl_worker.crawl(config, [plan])
    listing = result.one("unchanged", Listing)
    assert (listing.status, listing.body, listing.links) == (304, b"", ())
    assert [page.url for page in result.of("unchanged", FetchedPage)] == [item]


def test_feeds_attach_their_entries_to_the_articles(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    config = make_config(
        [
            {"name": "rss", "kind": "feed", "url": mockserver.url("/feed.rss")},
            {"name": "atom", "kind": "feed", "url": mockserver.url("/feed.atom")},
            {"name": "html", "kind": "feed", "url": mockserver.url("/not-a-feed")},
        ]
    )
    result = crawl_worker.crawl(config)
    rss = result.one("rss", Listing)
    assert rss.links == tuple(
        canonical_url(mockserver.url(f"/article/{n}?utm_source=rss")) for n in (1, 2, 3)
    )
    articles = {page.url: page for page in result.of("rss", FetchedPage)}
    assert set(articles) == set(rss.links)
    first = articles[rss.links[0]]
    assert first.role == "item"
    assert first.listing == rss.url
    assert first.entry == FeedEntry("Notice 1", datetime(2026, 3, 1, 0, 0, tzinfo=UTC), "Summary of notice 1")

    atom = result.one("atom", Listing)
    assert atom.links == tuple(canonical_url(mockserver.url(f"/article/{n}")) for n in (4, 5))
    entries = sorted((page.entry.title, page.entry.published) for page in result.of("atom", FetchedPage))
    assert entries == [
        ("Atom 4", datetime(2026, 3, 4, 8, 0, tzinfo=UTC)),
        ("Atom 5", datetime(2026, 3, 5, 8, 0, tzinfo=UTC)),
    ]

    not_a_feed = result.one("html")
    assert isinstance(not_a_feed, FetchFailed)
    assert not_a_feed.role == "feed"
    assert not_a_feed.error.startswith("not a feed")


def test_listing_and_item_failures_are_items(mockserver: MockServer, crawl_worker, make_config) -> None:
    mockserver.set_index("partial", ["/notice/p1", "/notice/broken-p2"])
    config = make_config(
        [
            index("down", mockserver.url("/status/503")),
            index("partial", mockserver.url("/index/partial")),
            {"name": "dead-feed", "kind": "feed", "url": mockserver.url("/status/404")},
        ],
        retries=0,
    )
    result = crawl_worker.crawl(config)
    down = result.one("down")
    assert (down.role, down.status, down.error) == ("index", 503, "HTTP 503 Service Unavailable")
    dead = result.one("dead-feed")
    assert (dead.role, dead.status) == ("feed", 404)
    assert result.one("partial", FetchedPage).url.endswith("/notice/p1")
    broken = result.one("partial", FetchFailed)
    assert (broken.role, broken.status) == ("item", 500)
    assert broken.url == canonical_url(mockserver.url("/notice/broken-p2"))


def test_a_malformed_item_url_fails_alone(mockserver: MockServer, crawl_worker, make_config) -> None:
    mockserver.set_index("odd", ["/notice/o1"])
    config = make_config([index("odd", mockserver.url("/index/odd"))])
    plan = SourcePlan(config.sources[0], known_items=("http://[bad/x", "notaurl"))
    result = crawl_worker.crawl(config, [plan])
    assert result.one("odd", FetchedPage).url.endswith("/notice/o1")
    failed = result.of("odd", FetchFailed)
    assert [(item.role, item.error.startswith("invalid URL")) for item in failed] == [("item", True)] * 2


def test_a_listing_that_cannot_be_read_is_a_failure(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    config = make_config([index("fine", mockserver.url("/index/fine"))])
    # The configuration refuses such a selector; a listing can still defeat the parser some other way.
    broken = IndexSource.model_construct(
        name="bad-selector", url=mockserver.url("/index/bad-selector"), links="xpath://a[@@"
    )
    result = crawl_worker.crawl(config, [SourcePlan(config.sources[0]), SourcePlan(broken)])
    failed = result.one("bad-selector")
    assert isinstance(failed, FetchFailed)
    assert (failed.role, failed.status) == ("index", 200)
    assert failed.error.startswith("could not read the listing")
    assert result.one("fine", Listing).links


def test_two_sources_listing_one_item_share_one_fetch(
    mockserver: MockServer, crawl_worker, make_config
) -> None:
    shared = "/slow?seconds=0.5&item=shared"  # still in flight when the second listing is read
    mockserver.set_index("left", [shared])
    mockserver.set_index("right", [shared])
    config = make_config(
        [index("left", mockserver.url("/index/left")), index("right", mockserver.url("/index/right"))]
    )
    result = crawl_worker.crawl(config)
    left, right = result.one("left", FetchedPage), result.one("right", FetchedPage)
    assert left.url == right.url
    assert left.body is right.body
    assert (left.listing, right.listing) == (
        canonical_url(mockserver.url("/index/left")),
        canonical_url(mockserver.url("/index/right")),
    )
    assert len([hit for hit in mockserver.hits("/slow") if "item=shared" in hit.query]) == 1
