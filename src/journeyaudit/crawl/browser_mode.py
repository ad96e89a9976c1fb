"""Browser mode (``crawl: {render: browser}``): Crawlee's PlaywrightCrawler with the system Chromium.

For shops whose product pages draw their price, stock or structured data with a script: a plain
HTTP crawl sees an empty shell there. The crawl is the same (queue, robots.txt, sitemaps, links,
the same JA8xx checks); only the page is read from the rendered DOM, once the page's own requests
have settled (SETTLE_SCRIPT). Images, fonts and style sheets are not loaded (the image check fetches the main
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
#: The page is read once its own fetch/XHR requests (and their bodies) are done and its DOM has not
#: changed for QUIET_MS: cheaper than Playwright's "networkidle", which always waits 500 ms.
QUIET_MS = 100
SETTLE_SCRIPT = """(() => {
  let pending = 0, last = Date.now();
  const done = () => setTimeout(() => { pending -= 1; last = Date.now(); }, 0);
  const count = (promise) => { pending += 1; promise.then(done, done); return promise; };
  if (window.fetch) {
    const fetch = window.fetch;
    window.fetch = function () { return count(fetch.apply(this, arguments)); };
    for (const name of ["json", "text", "blob", "arrayBuffer"]) {
      const read = Response.prototype[name];
      Response.prototype[name] = function () { return count(read.apply(this, arguments)); };
    }
  }
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function () {
    pending += 1;
    this.addEventListener("loadend", done);
    return send.apply(this, arguments);
  };
  new MutationObserver(() => { last = Date.now(); }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  Object.defineProperty(window, "__journeyauditSettled", {value: (quiet) =>
    document.readyState === "complete" && pending === 0 && Date.now() - last >= quiet});
})();"""
BLOCKED = [".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".woff", ".woff2", ".ttf", ".css", ".ico"]


def launch_options(executable: str | None) -> dict[str, Any]:
    """``browser_launch_options`` for Crawlee: our Chromium, no sandbox when running as root."""
    options: dict[str, Any] = {"args": ["--disable-background-networking", "--disable-component-update",
                                        "--no-first-run", "--disable-sync", "--renderer-process-limit=2", "--disable-gpu", "--disable-extensions"]}
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
    async def prepare(context: PlaywrightPreNavCrawlingContext) -> None:
        await context.block_requests(url_patterns=BLOCKED)
        await context.page.add_init_script(SETTLE_SCRIPT)

    return crawler


async def rendered(context: Any) -> tuple[int, BeautifulSoup]:
    """The page's HTTP status and its DOM once its scripts' requests have settled."""
    try:
        await context.page.wait_for_function(
            f"() => !window.__journeyauditSettled || window.__journeyauditSettled({QUIET_MS})",
            polling=25, timeout=SETTLE_MS,
        )
    except Exception:  # a page that never settles (polling, analytics) is read as it is
        pass
    status = context.response.status if context.response is not None else 0
    return status, BeautifulSoup(await context.page.content(), "lxml")
