"""Browser mode (``crawl: {render: browser}``): Crawlee's PlaywrightCrawler with the system Chromium.

For shops whose product pages draw their price, stock or structured data with a script: a plain
HTTP crawl sees an empty shell there. The crawl is the same (queue, robots.txt, sitemaps, links,
the same JA8xx checks); only the page is read from the rendered DOM, once the page's own requests
have settled. Images, fonts and style sheets are not loaded (the image check fetches the main
image by itself), which keeps a browser page cheap.

Chromium is the one the journeys use (``JOURNEYAUDIT_BROWSER_PATH``, Playwright's, else the
system's); as root it runs without its sandbox, as the journeys' browser does.
"""

from __future__ import annotations

import os
from typing import Any

from bs4 import BeautifulSoup

#: How long a page may keep fetching after ``load`` before it is read as it is (milliseconds).
SETTLE_MS = 5000
BLOCKED = [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".woff", ".woff2", ".ttf", ".css", ".ico"]


def launch_options(executable: str | None) -> dict[str, Any]:
    """``browser_launch_options`` for Crawlee: our Chromium, no sandbox when running as root."""
    options: dict[str, Any] = {"args": ["--disable-background-networking", "--disable-component-update",
                                        "--no-first-run", "--disable-sync"]}
    if executable:
        options["executable_path"] = executable
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        options["chromium_sandbox"] = False
    return options


def browser_crawler(user_agent: str, executable: str | None, **options: Any):
    """A PlaywrightCrawler configured like the HTTP one (``options``: queue, limits, storage)."""
    from crawlee.crawlers import PlaywrightCrawler, PlaywrightPreNavCrawlingContext

    crawler = PlaywrightCrawler(
        browser_type="chromium",
        headless=True,
        browser_launch_options=launch_options(executable),
        browser_new_context_options={"user_agent": user_agent},
        fingerprint_generator=None,  # the crawl names itself (USER_AGENT); no made-up browser fingerprint
        **options,
    )

    @crawler.pre_navigation_hook
    async def block_heavy(context: PlaywrightPreNavCrawlingContext) -> None:
        await context.block_requests(url_patterns=BLOCKED)

    return crawler


async def rendered(context: Any) -> tuple[int, BeautifulSoup]:
    """The page's HTTP status and its DOM once its scripts' requests have settled."""
    try:
        await context.page.wait_for_load_state("networkidle", timeout=SETTLE_MS)
    except Exception:  # a page that never settles (polling, analytics) is read as it is
        pass
    status = context.response.status if context.response is not None else 0
    return status, BeautifulSoup(await context.page.content(), "lxml")
