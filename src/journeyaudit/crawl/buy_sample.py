"""Which products the add-to-cart probe buys: a deterministic sample, per category, page template or all.

Pure (no browser): the same crawl gives the same sample, run after run, so a finding that comes
back is about the same product. Within a group the products are ordered by a hash of their URL,
not alphabetically, so a sample of 20 spreads over the catalogue instead of taking its first page.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from journeyaudit.crawl.records import PageRecord

PER = ("category", "template", "all")
DEFAULT_SAMPLE = 20


@dataclass
class BuySettings:
    """The ``crawl: buy:`` section (and ``crawl --buy N --buy-per ...``)."""

    sample: int | None = DEFAULT_SAMPLE  # products per group; None: every candidate
    per: str = "category"  # category | template | all
    include: list[str] = field(default_factory=list)  # URL globs: only products they match (empty: all)


def candidates(pages: list[PageRecord]) -> list[PageRecord]:
    """Products a customer could put in the cart: a working page with an enabled add-to-cart control that
    does not say "sold out" (an honest sold-out product is not a refusal to find)."""
    return [
        page for page in pages
        if page.is_product and 200 <= page.status < 400 and not page.soft_404 and not page.error
        and page.add_to_cart == "enabled" and page.visible_availability != "sold_out"
    ]


def group_of(page: PageRecord, per: str) -> str:
    """The group a product is sampled in: its category (else its URL's folder), its template, or one group."""
    if per == "category":
        return page.category or urlsplit(page.url).path.rsplit("/", 1)[0]
    if per == "template":
        return "+".join(sorted(page.product_signals)) or "unknown"
    return ""


def _order(url: str) -> str:
    return hashlib.sha1(url.encode("utf-8")).hexdigest()


def sample(pages: list[PageRecord], settings: BuySettings) -> list[PageRecord]:
    """The products to buy, in URL order: up to ``settings.sample`` per group of the candidates."""
    from crawlee import Glob  # the crawl's own glob (whole URL), as crawl: include/exclude

    patterns = [Glob(pattern).regexp for pattern in settings.include]
    groups: dict[str, list[PageRecord]] = defaultdict(list)
    for page in candidates(pages):
        if not patterns or any(pattern.match(page.url) for pattern in patterns):
            groups[group_of(page, settings.per)].append(page)
    chosen = []
    for members in groups.values():
        members.sort(key=lambda page: _order(page.url))
        chosen += members if settings.sample is None else members[: settings.sample]
    return sorted(chosen, key=lambda page: page.url)
