"""Read one fetched page: is it a product, and what does it claim (price, availability, image)?

Products are recognised by structure, not URL: a JSON-LD or microdata ``Product``, an OpenGraph
``og:type=product``, or an add-to-cart control next to a single price. Listing pages yield their
product cards (microdata ``Product`` items, else links that carry one price) so the listing's price
can be held against the product page's. Pure functions over HTML text: unit tests feed saved pages.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from journeyaudit.crawl.records import ListingClaim, PageRecord
from journeyaudit.facts.money import parse_amount, parse_money

ADD_TO_CART = re.compile(r"\badd to (cart|basket|bag)\b|\bbuy now\b|in den warenkorb", re.I)
SOLD_OUT = re.compile(r"\b(sold out|out of stock|not in stock|currently unavailable|unavailable|ausverkauft)\b", re.I)
IN_STOCK = re.compile(r"\b(in stock|available now|auf lager)\b", re.I)
NOT_FOUND = re.compile(r"\b(not found|404|no longer available|does not exist|doesn't exist)\b", re.I)
PRICE_CLASSES = ("price-big", "product-price", "price")


def _amount(value: Any) -> str:
    amount = parse_amount(value)
    return "" if amount is None else f"{amount:.2f}"


def _visible_amount(text: str) -> str:
    money = parse_money(text)
    return "" if money is None else f"{money.amount:.2f}"


def _walk_json(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for item in node:
            yield from _walk_json(item)
    elif isinstance(node, dict):
        yield node
        for key in ("@graph", "mainEntity", "itemListElement", "item"):
            if key in node:
                yield from _walk_json(node[key])


def _is_type(node: dict[str, Any], name: str) -> bool:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == name for k in kinds)


def json_ld_product(soup: BeautifulSoup) -> dict[str, Any] | None:
    """The first schema.org Product in the page's JSON-LD blocks (broken blocks are skipped)."""
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or script.get_text() or "null")
        except (ValueError, TypeError):
            continue
        for node in _walk_json(data):
            if _is_type(node, "Product"):
                return node
    return None


def _first_offer(product: dict[str, Any]) -> dict[str, Any] | None:
    offers = product.get("offers")
    if isinstance(offers, list):
        offers = offers[0] if offers else None
    if isinstance(offers, dict) and _is_type(offers, "AggregateOffer") and "lowPrice" in offers:
        return {**offers, "price": offers.get("lowPrice")}
    return offers if isinstance(offers, dict) else None


def _image_of(value: Any) -> str:
    if isinstance(value, list):
        return _image_of(value[0]) if value else ""
    if isinstance(value, dict):
        return str(value.get("url") or value.get("contentUrl") or "")
    return str(value or "")


def _meta(soup: BeautifulSoup, prop: str) -> str:
    tag = soup.find("meta", attrs={"property": prop}) or soup.find("meta", attrs={"name": prop})
    return str(tag.get("content") or "").strip() if isinstance(tag, Tag) else ""


def _top_microdata_products(soup: BeautifulSoup) -> list[Tag]:
    items = soup.find_all(attrs={"itemtype": re.compile(r"schema\.org/Product$", re.I)})
    return [tag for tag in items if not tag.find_parent(attrs={"itemtype": re.compile(r"schema\.org/Product$", re.I)})]


def _cart_control(soup: BeautifulSoup) -> Tag | None:
    for tag in soup.find_all(["button", "input"]):
        text = tag.get_text(" ", strip=True) if tag.name == "button" else str(tag.get("value") or "")
        if ADD_TO_CART.search(text):
            return tag
    return None


def _price_rank(tag: Tag) -> int | None:
    """How surely this element is the product's price (lower is surer), None when it is not one."""
    if tag.has_attr("data-price"):
        return 0
    if tag.get("itemprop") == "price" and tag.name != "meta":
        return 1
    classes = tag.get("class") or []
    return next((2 + i for i, name in enumerate(PRICE_CLASSES) if name in classes), None)


def _stock_rank(tag: Tag) -> int | None:
    if tag.get("id") == "availability":
        return 0
    if tag.get("itemprop") == "availability" and tag.name not in ("meta", "link"):
        return 1
    classes = " ".join(tag.get("class") or [])
    return 2 if "availability" in classes else 3 if "stock" in (tag.get("class") or []) else None


def _best_texts(soup: BeautifulSoup) -> tuple[str, str]:
    """The page's price text and stock text, in one walk (CSS selectors cost a walk each)."""
    best: dict[str, tuple[int, str]] = {}
    for tag in soup.find_all(True):
        for kind, rank in (("price", _price_rank(tag)), ("stock", _stock_rank(tag))):
            if rank is None or (kind in best and best[kind][0] <= rank):
                continue
            text = tag.get_text(" ", strip=True)
            if text:
                best[kind] = (rank, text)
    return best.get("price", (0, ""))[1], best.get("stock", (0, ""))[1]


def _availability(soup: BeautifulSoup, text: str) -> tuple[str, str]:
    """What the page tells the customer about stock: (in_stock | sold_out | "", the words it uses)."""
    for candidate in (text, soup.get_text(" ", strip=True) if not text else ""):
        if SOLD_OUT.search(candidate):
            return "sold_out", SOLD_OUT.search(candidate).group(0)
        if IN_STOCK.search(candidate):
            return "in_stock", text or IN_STOCK.search(candidate).group(0)
    return "", ""


def _fill_structured(record: PageRecord, product: dict[str, Any], url: str) -> None:
    record.product_signals.append("json-ld")
    record.name = str(product.get("name") or "").strip()
    category = product.get("category")
    record.category = category if isinstance(category, str) else ""
    record.image_url = urljoin(url, _image_of(product.get("image"))) if product.get("image") else ""
    offer = _first_offer(product)
    if offer is not None:
        record.structured_price = _amount(offer.get("price"))
        record.structured_currency = str(offer.get("priceCurrency") or "")
        availability = str(offer.get("availability") or "")
        record.structured_availability = availability.rstrip("/").rsplit("/", 1)[-1]
        record.has_structured_offer = bool(record.structured_price and record.structured_availability)


def read_page(url: str, status: int, html: str) -> PageRecord:
    """A page's record: status, soft 404, and for a product its price, stock, cart and image claims."""
    return read_soup(url, status, BeautifulSoup(html, "lxml"))


def read_soup(url: str, status: int, soup: BeautifulSoup) -> PageRecord:
    """:func:`read_page` over a parsed page (the crawler parses each page once)."""
    record = PageRecord(url=url, status=status)
    structured = json_ld_product(soup)
    if structured is not None:
        _fill_structured(record, structured, url)
    microdata = _top_microdata_products(soup)
    control = _cart_control(soup)
    price_text, stock_text = _best_texts(soup)
    record.visible_price = _visible_amount(price_text)
    if _meta(soup, "og:type").lower() in ("product", "og:product", "product.item"):
        record.product_signals.append("opengraph")
    if len(microdata) == 1 and control is not None:
        record.product_signals.append("microdata")
    if control is not None and record.visible_price:
        record.product_signals.append("add-to-cart")
    record.is_product = bool(record.product_signals) and status < 400
    if record.is_product:
        record.name = record.name or _meta(soup, "og:title") or _h1(soup)
        if not record.image_url and _meta(soup, "og:image"):
            record.image_url = urljoin(url, _meta(soup, "og:image"))
        record.visible_availability, record.visible_availability_text = _availability(soup, stock_text)
        if control is not None:
            disabled = control.has_attr("disabled") or str(control.get("aria-disabled", "")).lower() == "true"
            record.add_to_cart = "disabled" if disabled else "enabled"
    elif status == 200:
        heading = " ".join(filter(None, [soup.title.get_text(" ", strip=True) if soup.title else "", _h1(soup)]))
        record.soft_404 = bool(NOT_FOUND.search(heading))
    return record


def _h1(soup: BeautifulSoup) -> str:
    tag = soup.find("h1")
    return tag.get_text(" ", strip=True) if isinstance(tag, Tag) else ""


def listing_cards(url: str, html: str) -> dict[str, ListingClaim]:
    """Product URL -> the claim a listing page makes about it (microdata cards, else links with one price)."""
    return listing_soup(url, BeautifulSoup(html, "lxml"))


def listing_soup(url: str, soup: BeautifulSoup) -> dict[str, ListingClaim]:
    """:func:`listing_cards` over a parsed page."""
    if json_ld_product(soup) is not None:
        return {}  # a product page's own links (recommendations) are not a listing
    cards: dict[str, ListingClaim] = {}
    for item in _top_microdata_products(soup):
        link = item.find(attrs={"itemprop": "url"}) or item.find("a", href=True)
        href = (link.get("href") or link.get("content")) if isinstance(link, Tag) else None
        if not href:
            continue
        price_tag = item.find(attrs={"itemprop": "price"})
        price = ""
        if isinstance(price_tag, Tag):
            price = _amount(price_tag.get("content")) or _visible_amount(price_tag.get_text(" ", strip=True))
        name_tag = item.find(attrs={"itemprop": "name"})
        name = name_tag.get_text(" ", strip=True) if isinstance(name_tag, Tag) else ""
        cards[urljoin(url, str(href))] = ListingClaim(url, price, name)
    if cards:
        return cards
    for link in soup.find_all("a", href=True):
        price = _visible_amount(link.get_text(" ", strip=True))
        if price:
            cards[urljoin(url, str(link["href"]))] = ListingClaim(url, price)
    return cards
