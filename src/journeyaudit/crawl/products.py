"""A crawl's products as ``for_each`` journeys see them (spec/for_each.py): url, name, price, slug, category, available.

Read from a crawl's result data (``result.json`` of ``journeyaudit crawl``, or the crawl a run did first).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from journeyaudit.crawl.result import NotACrawlResult, load_result

UNAVAILABLE = ("OutOfStock", "SoldOut", "Discontinued")


class CrawlNotFound(ValueError):
    """The folder holds no crawl result (a usage error for ``run --crawl``)."""


def read_crawl(folder: str | Path) -> dict[str, Any]:
    """The result data of the crawl in ``folder`` (its result.json, or the file itself)."""
    try:
        return load_result(folder)
    except NotACrawlResult as exc:
        raise CrawlNotFound(f"--crawl {folder}: {exc}") from None


def _slug(url: str) -> str:
    last = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^a-z0-9]+", "-", last.lower()).strip("-")


def available(product: dict[str, Any]) -> bool:
    """Can a customer buy it, as the crawl read the page: a working page, not sold out, the cart button not disabled."""
    status = int(product.get("status") or 0)
    return (
        200 <= status < 400 and not product.get("soft_404")
        and product.get("visible_availability") != "sold_out" and product.get("add_to_cart") != "disabled"
        and product.get("structured_availability") not in UNAVAILABLE
    )


def journey_products(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every product of the crawl, in the shape ``${product.*}`` reads (the crawled shop's URLs as paths)."""
    out = []
    base = str(data.get("base_url") or "").rstrip("/")
    for product in data.get("products") or []:
        url = str(product.get("url") or "")
        if base and url.startswith(base + "/"):  # the shop's own page: a path, joined to the run's base URL
            url = url[len(base):]
        out.append({
            "url": url,
            "name": str(product.get("name") or ""),
            "price": str(product.get("visible_price") or product.get("structured_price") or ""),
            "slug": _slug(url),
            "category": str(product.get("category") or ""),
            "available": available(product),
        })
    return out
