"""``crawl --buy``: after discovery, put a sample of the products in the cart, in Chromium, and read the cart.

The sample is :mod:`crawl.buy_sample`'s; the browser work is ``gather/buy_probe.py``'s; what the cart
page says is ``facts/cart_reading.py``'s. Each sampled product's :class:`~crawl.records.PageRecord`
gets its :class:`~crawl.records.BuyRecord`, which JA301 (at catalogue scale) and JA808 judge.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from journeyaudit.crawl.buy_sample import BuySettings, sample
from journeyaudit.crawl.records import BuyRecord, BuySummary, PageRecord
from journeyaudit.facts.cart_reading import read_cart


def buy_products(
    pages: list[PageRecord], settings: BuySettings, *, base_url: str, choice, on_product: Callable[[PageRecord], None] | None = None,
) -> BuySummary:
    """Probe the sample of ``pages`` (their ``buy`` is filled in); how it went."""
    from journeyaudit.gather.buy_probe import visit_products

    chosen = sample(pages, settings)
    by_url = {page.url: page for page in chosen}
    started = time.monotonic()

    def judge(visit) -> None:
        page = by_url[visit.url]
        record = BuyRecord(clicked=visit.clicked, error=visit.error, seconds=visit.seconds)
        if visit.cart is not None:
            reading = read_cart(visit.cart, page.name, page.visible_price)
            record.cart_url, record.cart_status = visit.cart.url, visit.cart.http_status
            record.in_cart, record.cart_price = reading.in_cart, reading.price
            record.refusal, record.stock_message = reading.refusal, reading.stock_message
        page.buy = record
        if on_product is not None:
            on_product(page)

    if chosen:
        visit_products([page.url for page in chosen], base_url=base_url, choice=choice, on_visit=judge)
    return BuySummary(settings.sample, settings.per, list(settings.include), len(chosen), round(time.monotonic() - started, 2))
