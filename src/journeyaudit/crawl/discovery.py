"""Discover a shop's catalogue with Crawlee's BeautifulSoupCrawler: robots.txt, sitemaps, listing links.

Crawlee brings the request queue (each URL fetched once), autoscaled concurrency, retries, robots.txt
(and its crawl delay) and sitemap parsing; this module decides what to follow and records each page
with :mod:`journeyaudit.crawl.reading`. Links are followed from non-product pages only (home,
categories, listings): a product page's own links lead back to the same catalogue.
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from crawlee import ConcurrencySettings, Glob, Request, service_locator
from crawlee._utils.robots import RobotsTxtFile
from crawlee._utils.sitemap import Sitemap
from crawlee.configuration import Configuration
from crawlee.crawlers import BeautifulSoupCrawler, BeautifulSoupCrawlingContext
from crawlee.events import LocalEventManager
from crawlee.http_clients import ImpitHttpClient
from crawlee.storage_clients import FileSystemStorageClient, MemoryStorageClient
from crawlee.storages import RequestQueue

from journeyaudit import __version__
from journeyaudit.crawl.politeness import PoliteHttpClient
from journeyaudit.crawl.reading import listing_soup, read_soup
from journeyaudit.crawl.records import ListingClaim, PageRecord
from journeyaudit.crawl.shared_queue import SharedQueue
from journeyaudit.crawl.state import QUEUE_NAME, CrawlState

#: Names the tool, so a shop's logs say who crawled it.
USER_AGENT = f"journeyaudit/{__version__} (catalogue crawler)"


@dataclass
class CrawlSettings:
    max_pages: int = 2000
    max_depth: int = 5
    include: list[str] = field(default_factory=list)  # globs; empty: everything on the host
    exclude: list[str] = field(default_factory=list)
    respect_robots: bool = True
    use_sitemaps: bool = True
    check_images: bool = True
    max_concurrency: int = 32
    per_host_concurrency: int | None = None  # at most this many requests in flight to one host
    delay_ms: int = 0  # at least this long between the starts of two requests to one host
    queue: str | None = None  # redis://host:port/db: a request queue shared by several crawl processes
    queue_name: str | None = None  # the shared queue's name; default: derived from the shop's host and port
    render: str = "http"  # http (BeautifulSoupCrawler) | browser (PlaywrightCrawler: crawl/browser_mode.py)
    browser_executable: str | None = None  # browser mode: the Chromium to run (None: Playwright's own)


@dataclass
class CrawlProgress:
    started: float = field(default_factory=time.monotonic)
    pages: int = 0
    products: int = 0

    @property
    def pages_per_second(self) -> float:
        return self.pages / max(time.monotonic() - self.started, 1e-6)


@dataclass
class CrawlOutcome:
    pages: list[PageRecord]
    sitemap_urls: list[str]
    seconds: float
    interrupted: bool = False  # stopped (Ctrl-C, SIGTERM) before the queue was done: `crawl --resume` continues
    resumed: int = 0  # pages read by the earlier, stopped crawl
    # listing claims about pages this process did not fetch (another process on a shared queue did): kept in
    # result.json so that `crawl --merge` can attach them
    unmatched_claims: dict[str, list[ListingClaim]] = field(default_factory=dict)


def _allowed(url: str, settings: CrawlSettings) -> bool:
    def hit(patterns: list[str]) -> bool:
        return any(Glob(p).regexp.match(url) for p in patterns)

    return (not settings.include or hit(settings.include)) and not hit(settings.exclude)


async def _robots(base_url: str, client: ImpitHttpClient) -> RobotsTxtFile | None:
    try:
        return await RobotsTxtFile.find(base_url, client)
    except Exception:  # no robots.txt, or none readable: nothing is disallowed
        return None


async def _sitemap_urls(
    base_url: str, robots: RobotsTxtFile | None, client: ImpitHttpClient, settings: CrawlSettings
) -> list[str]:
    """Every page URL in the sitemaps robots.txt names (else /sitemap.xml), index files followed."""
    sitemaps = robots.get_sitemaps(enqueue_strategy="same-hostname") if robots else []
    sitemaps = sitemaps or [base_url.rstrip("/") + "/sitemap.xml"]
    try:
        sitemap = await Sitemap.load(sitemaps, client, parse_sitemap_options={"enqueue_strategy": "same-hostname"})
    except Exception:
        return []
    return [url for url in sitemap.urls if _allowed(url, settings)]


def _concurrency(robots: RobotsTxtFile | None, settings: CrawlSettings) -> ConcurrencySettings:
    """Autoscaled, unless robots.txt asks for a Crawl-delay: then one request per delay (one host per crawl).

    Crawlee enforces Crawl-delay only through its ThrottlingRequestManager, whose per-host queues are
    cached per process (a second crawl in the same process found them drained); the crawl covers one
    host, so a task rate does the same job.
    """
    delay = robots.get_crawl_delay() if robots and settings.respect_robots else None
    if delay:
        return ConcurrencySettings(min_concurrency=1, desired_concurrency=1, max_concurrency=1,
                                   max_tasks_per_minute=60 / delay)
    most = min(settings.max_concurrency, settings.per_host_concurrency or settings.max_concurrency)
    return ConcurrencySettings(min_concurrency=min(4, most), desired_concurrency=min(16, most), max_concurrency=most)


def _delay_seconds(robots: RobotsTxtFile | None, settings: CrawlSettings) -> float:
    """The gap between two requests to one host: the profile's ``delay_ms``, or robots.txt's Crawl-delay if longer."""
    crawl_delay = robots.get_crawl_delay() if robots and settings.respect_robots else None
    return max(settings.delay_ms / 1000, float(crawl_delay or 0))


class _KnownWarnings(logging.Filter):
    """Drop two Crawlee warnings that say nothing to a user: that Crawl-delay is not enforced
    (:func:`_concurrency` enforces it), and that its file-system queue made an event manager from the
    default configuration (the crawl passes its own configuration to everything it opens)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return "ThrottlingRequestManager" not in message and "Implicit creation of event manager" not in message


async def _check_image(context: BeautifulSoupCrawlingContext, record: PageRecord) -> None:
    try:
        response = await context.send_request(record.image_url, method="HEAD")
        if response.status_code in (405, 501):  # HEAD not supported: ask for the image itself
            response = await context.send_request(record.image_url, method="GET")
        record.image_status = response.status_code
    except Exception:
        record.image_status = 0


async def _open_queue(state: CrawlState | None, shared: SharedQueue | None) -> tuple[RequestQueue, dict]:
    """The request queue and the crawler's storage options: shared in Redis, in memory, or on disk (resumable)."""
    if shared is not None:
        # only the queue is shared; the crawler's other storages (statistics) stay in this process
        return await shared.open(), {"storage_client": MemoryStorageClient()}
    if state is None:
        storage = MemoryStorageClient()
        # a queue of its own: the default queue is cached per process, so a second crawl would find it drained
        queue = await RequestQueue.open(alias=f"crawl-{uuid.uuid4().hex}", storage_client=storage)
        return queue, {"storage_client": storage}
    # Crawlee caches storages per folder; a cached one from an earlier crawl in this process is bound to
    # that crawl's event loop, so a second crawl (tests, benchmarks) must open its own
    service_locator.storage_instance_manager.clear_cache()
    storage = FileSystemStorageClient()
    configuration = Configuration(storage_dir=state.storage_dir, purge_on_start=False)
    # named: Crawlee never purges a named queue on start, so a resume finds what was left
    queue = await RequestQueue.open(name=QUEUE_NAME, storage_client=storage, configuration=configuration)
    return queue, {"storage_client": storage, "configuration": configuration, "event_manager": LocalEventManager()}


def _quiet_crawlee_logs() -> None:
    """Crawlee's info lines and its advice to developers are not for our users' terminals."""
    logging.getLogger("crawlee").setLevel(logging.WARNING)
    locator_log = logging.getLogger("crawlee._service_locator")  # a parent's filter does not see its records
    if not any(isinstance(f, _KnownWarnings) for f in locator_log.filters):
        locator_log.addFilter(_KnownWarnings())


async def _start_sitemaps(base_url, robots, client, settings, state, start_facts) -> list[str]:
    """The sitemap URLs to start from: read once, and on --resume the ones the first run read."""
    if "sitemap_urls" in start_facts:
        return list(start_facts["sitemap_urls"])
    sitemap_urls = await _sitemap_urls(base_url, robots, client, settings) if settings.use_sitemaps else []
    if state is not None:
        state.remember_start({"base_url": base_url, "sitemap_urls": sitemap_urls})
    return sitemap_urls


def _link_options(settings: CrawlSettings) -> dict:
    """Which links of a listing page to follow: the shop's own host, within the include/exclude patterns."""
    options: dict = {"strategy": "same-hostname", "user_data": {"source": "link"}}
    if settings.include:
        options["include"] = [Glob(p) for p in settings.include]
    if settings.exclude:
        options["exclude"] = [Glob(p) for p in settings.exclude]
    return options


async def crawl(
    base_url: str,
    settings: CrawlSettings | None = None,
    on_page: Callable[[PageRecord, CrawlProgress], None] | None = None,
    state: CrawlState | None = None,
) -> CrawlOutcome:
    """Crawl ``base_url``'s catalogue; every page fetched comes back as a record, products read.

    With ``state`` the queue and the pages read are kept on disk as the crawl goes (crawl/state.py):
    a crawl stopped by Ctrl-C or SIGTERM continues from there when called again with the same state.
    """
    settings = settings or CrawlSettings()
    _quiet_crawlee_logs()
    # the queue first: a shared queue that cannot be reached fails the crawl before any request to the
    # shop, and before the HTTP client's threads start (a process leaving with them still running may
    # abort at exit instead of returning its exit code)
    shared = SharedQueue(settings.queue, settings.queue_name or SharedQueue.default_name(base_url)) if settings.queue else None
    queue, storage_options = await _open_queue(state, shared)
    client = PoliteHttpClient(browser=None, headers={"User-Agent": USER_AGENT})
    client.limit(settings.per_host_concurrency, settings.delay_ms / 1000)
    robots = await _robots(base_url, client)
    client.limit(settings.per_host_concurrency, _delay_seconds(robots, settings))
    records, claims, start_facts = state.load() if state else ({}, {}, {})
    resumed = len(records)
    progress = CrawlProgress()
    options = dict(
        http_client=client,  # robots.txt, sitemaps, the image check (send_request), and pages in HTTP mode
        request_manager=queue,
        max_requests_per_crawl=max(settings.max_pages - resumed, 0),
        max_crawl_depth=settings.max_depth,
        respect_robots_txt_file=settings.respect_robots,
        ignore_http_error_status_codes=list(range(400, 600)),  # a dead page is a finding, not a retry
        max_request_retries=1,
        concurrency_settings=_concurrency(robots, settings),
        configure_logging=False,
        **storage_options,
    )
    crawler = _crawler(settings, options)
    for handler_owner in (crawler.log, logging.getLogger("crawlee")):
        handler_owner.addFilter(_KnownWarnings())
    link_options = _link_options(settings)

    @crawler.router.default_handler
    async def handle(context: BeautifulSoupCrawlingContext) -> None:
        url = context.request.url
        status, soup = await _page(context)
        record = read_soup(url, status, soup)
        record.depth = context.request.crawl_depth
        record.sources = [str(context.request.user_data.get("source") or "link")]
        if record.is_product and record.image_url and settings.check_images:
            await _check_image(context, record)
        listed: dict[str, ListingClaim] = {}
        if not record.is_product and status < 400:
            listed = listing_soup(url, soup)
            for product_url, claim in listed.items():
                claims.setdefault(product_url, []).append(claim)
            await context.enqueue_links(**link_options)
        records[url] = record
        if state is not None:
            state.add(record, listed)
        progress.pages += 1
        progress.products += record.is_product
        if on_page is not None:
            on_page(record, progress)

    sitemap_urls = await _start_sitemaps(base_url, robots, client, settings, state, start_facts)
    start = [Request.from_url(base_url, user_data={"source": "start"})]
    start += [Request.from_url(url, user_data={"source": "sitemap"}) for url in sitemap_urls]
    interrupted = False
    try:
        with _stop_on_sigterm(crawler):
            await crawler.run(start)
        interrupted = not await queue.is_finished() and len(records) < settings.max_pages
    finally:
        await _close_queue(queue, shared, state, interrupted)
    unmatched: dict[str, list[ListingClaim]] = {}
    return CrawlOutcome(
        _merge(records, claims, set(sitemap_urls), unmatched), sitemap_urls, time.monotonic() - progress.started,
        interrupted=interrupted, resumed=resumed, unmatched_claims=unmatched,
    )


async def _close_queue(queue: RequestQueue, shared: SharedQueue | None, state: CrawlState | None, interrupted: bool) -> None:
    """Drop the queue when the crawl is done with it; a shared queue is never dropped (others may still work on it)."""
    if shared is not None:
        await shared.close()
    elif state is None or not interrupted:
        await queue.drop()
    if state is not None and not interrupted:
        state.finished()


def _crawler(settings: CrawlSettings, options: dict):
    """Crawlee's HTTP crawler, or in browser mode its Playwright crawler (crawl/browser_mode.py)."""
    if settings.render == "browser":
        from journeyaudit.crawl.browser_mode import browser_crawler

        return browser_crawler(USER_AGENT, settings.browser_executable, **options)
    return BeautifulSoupCrawler(**options)


async def _page(context) -> tuple[int, BeautifulSoup]:
    """The page's status and parsed HTML: as fetched (HTTP mode), or as rendered (browser mode)."""
    if isinstance(context, BeautifulSoupCrawlingContext):
        return context.http_response.status_code, context.soup
    from journeyaudit.crawl.browser_mode import rendered

    return await rendered(context)


class _stop_on_sigterm:  # noqa: N801 - used as a context manager, read as a phrase
    """SIGTERM (how CI runners stop a job) stops the crawl as Ctrl-C does: the pages read are kept.

    Crawlee handles SIGINT itself; SIGTERM would otherwise kill the process and lose the result.
    """

    def __init__(self, crawler: BeautifulSoupCrawler) -> None:
        self.crawler = crawler
        self.loop: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> None:
        if threading.current_thread() is threading.main_thread():
            self.loop = asyncio.get_running_loop()
            self.loop.add_signal_handler(signal.SIGTERM, self.crawler.stop, "SIGTERM")

    def __exit__(self, *exc) -> None:
        if self.loop is not None:
            self.loop.remove_signal_handler(signal.SIGTERM)


def _key(url: str) -> str:
    return re.sub(r"#.*$", "", url).rstrip("/")


def _merge(
    records: dict[str, PageRecord], claims: dict[str, list[ListingClaim]], sitemap: set[str],
    unmatched: dict[str, list[ListingClaim]] | None = None,
) -> list[PageRecord]:
    """Attach each listing's claims and every way a page was found to its record.

    Claims about a page with no record here go to ``unmatched`` (another process fetched it, or none did).
    """
    by_key = {_key(url): record for url, record in records.items()}
    for url, found in claims.items():
        record = by_key.get(_key(url))
        if record is not None:
            record.listings.extend(found)
            record.sources.append("listing")
        elif unmatched is not None:
            unmatched.setdefault(url, []).extend(found)
    for url in sitemap:
        record = by_key.get(_key(url))
        if record is not None:
            record.sources.append("sitemap")
    for record in records.values():
        record.sources = sorted(set(record.sources))
    return sorted(records.values(), key=lambda r: r.url)


def run_crawl(base_url: str, settings: CrawlSettings | None = None, on_page=None, state: CrawlState | None = None) -> CrawlOutcome:
    """Synchronous entry point for the command line and the tests."""
    return asyncio.run(crawl(base_url, settings, on_page, state))
