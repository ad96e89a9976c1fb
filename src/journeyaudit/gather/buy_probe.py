"""The crawl's add-to-cart probe in Chromium: open a product page, click its add-to-cart control, open
the cart, and keep the cart page as a recorded step for ``facts/cart_reading.py`` to read.

One fresh browser context per product (its own cart, its own cookies), one browser for the lot.
Like the runner, it never raises for a shop that misbehaves: what went wrong is the visit's ``error``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from journeyaudit.gather.browser import BrowserChoice, launch
from journeyaudit.model import StepRecord

#: The names an add-to-cart control goes by (the crawl's own recognition, in four languages).
ADD_TO_CART = re.compile(
    r"add to (?:cart|basket|bag)|buy now|in den (?:warenkorb|einkaufswagen)|ajouter au panier|añadir al carrito", re.I
)
CART_PATH = re.compile(r"/(?:cart|basket|warenkorb|panier|carrito)(?:[/?#.]|$)", re.I)
MAX_TEXT = 200_000
MAX_HTML = 1_000_000


@dataclass
class Visit:
    url: str
    clicked: bool = False
    error: str = ""
    cart: StepRecord | None = None  # the cart page after the click
    seconds: float = 0.0


def _add_to_cart(page):
    """The first visible, enabled add-to-cart button (or submit input) of the page, or None."""
    buttons = page.get_by_role("button", name=ADD_TO_CART)  # <button> and <input type=submit value=...>
    for i in range(min(buttons.count(), 10)):
        candidate = buttons.nth(i)
        if candidate.is_visible() and candidate.is_enabled():
            return candidate
    return None


def _cart_url(page, base_url: str) -> str:
    """Where the cart is: the page the click led to, else the page's cart link, else ``/cart``."""
    if CART_PATH.search(urlsplit(page.url).path):
        return page.url
    links = page.locator("a[href]")
    for i in range(min(links.count(), 200)):
        href = links.nth(i).get_attribute("href") or ""
        if CART_PATH.search(urlsplit(href).path):
            return urljoin(page.url, href)
    return urljoin(base_url, "/cart")


def _snapshot(page, status: int | None) -> StepRecord:
    return StepRecord(
        index=1, name="Open the cart", role="cart", url=page.url, title=page.title(), http_status=status,
        visible_text=page.inner_text("body", timeout=5_000)[:MAX_TEXT], html=page.content()[:MAX_HTML],
    )


def _visit(browser, url: str, base_url: str, timeout_ms: int) -> Visit:
    visit = Visit(url)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        documents: list[int] = []  # the statuses of the main frame's documents, last one last
        page.on("response", lambda response: documents.append(response.status)
                if response.request.resource_type == "document" and response.frame == page.main_frame else None)
        page.goto(url, wait_until="load")
        button = _add_to_cart(page)
        if button is None:
            visit.error = "no enabled add-to-cart control on the page"
            return visit
        button.click()
        visit.clicked = True
        page.wait_for_load_state("load")
        try:
            page.wait_for_load_state("networkidle", timeout=min(timeout_ms, 1_500))
        except Exception:  # a page that keeps polling: the cart is read anyway
            pass
        cart = _cart_url(page, base_url)
        if cart != page.url:
            page.goto(cart, wait_until="load")
        visit.cart = _snapshot(page, documents[-1] if documents else None)
    except Exception as exc:  # a shop that breaks is data, not a crash
        visit.error = " ".join(str(exc).split())[:300]
    finally:
        context.close()
    return visit


def visit_products(
    urls: Iterable[str], *, base_url: str, choice: BrowserChoice, timeout_ms: int = 15_000,
    on_visit: Callable[[Visit], None] | None = None,
) -> list[Visit]:
    """Visit each product URL in one Chromium, each in its own context; a Visit per URL, in order."""
    from playwright.sync_api import sync_playwright

    visits = []
    with sync_playwright() as playwright:
        browser = launch(playwright, choice)
        try:
            for url in urls:
                started = time.monotonic()
                visit = _visit(browser, url, base_url, timeout_ms)
                visit.seconds = round(time.monotonic() - started, 3)
                visits.append(visit)
                if on_visit is not None:
                    on_visit(visit)
        finally:
            browser.close()
    return visits
