"""Structured data: schema.org Product / Offer declared in JSON-LD, microdata or OpenGraph.

``offers`` reads the JSON-LD the recorder kept; ``page_offers`` reads a recorded
page's HTML with extruct, item by item, so one item's price never pairs with
another item's availability, and JSON-LD the recorder dropped (comments,
trailing commas) is read by a lenient fallback.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from journeyaudit.facts.money import parse_amount
from journeyaudit.facts.page_text import _collapse, text_cache

# ==========================================================================
# Structured data: schema.org Product / Offer in JSON-LD
# ==========================================================================


@dataclass(frozen=True)
class Offer:
    """A product offer declared in JSON-LD."""

    name: str
    sku: str | None
    price: Decimal | None
    currency: str | None
    availability: str | None  # schema.org term: "InStock", "OutOfStock", "PreOrder", ...
    syntax: str = "json-ld"  # where the page declared it: json-ld | microdata | opengraph


_AVAILABILITY_TERMS = (
    "InStock",
    "OutOfStock",
    "PreOrder",
    "PreSale",
    "BackOrder",
    "Discontinued",
    "InStoreOnly",
    "LimitedAvailability",
    "OnlineOnly",
    "SoldOut",
    "MadeToOrder",
)
_AVAILABILITY = {term.casefold(): term for term in _AVAILABILITY_TERMS}
_PRODUCT_TYPES = {"Product", "IndividualProduct", "ProductModel", "SomeProducts", "Vehicle", "Car"}
_OFFER_TYPES = {"Offer", "AggregateOffer"}


def _term(value: Any) -> str | None:
    """'https://schema.org/InStock', 'schema:InStock', 'InStock' -> 'InStock'."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("@value") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    text = re.split(r"[/:#]", text.rstrip("/"))[-1]
    return text


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {term for term in (_term(v) for v in values) if term}


def _availability(value: Any) -> str | None:
    term = _term(value)
    if term is None:
        return None
    return _AVAILABILITY.get(re.sub(r"[\s_-]", "", term).casefold(), term)


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if value is None or isinstance(value, (dict, list)):
        return None
    text = _collapse(str(value))
    return text or None


def _json_amount(value: Any) -> Decimal | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_amount(value)
    return parse_amount(_text(value))


def _price_of(offer: dict[str, Any]) -> tuple[Decimal | None, str | None]:
    currency = _text(offer.get("priceCurrency"))
    for key in ("price", "lowPrice"):
        price = _json_amount(offer.get(key))
        if price is not None:
            return price, currency
    specs = offer.get("priceSpecification")
    specs = specs if isinstance(specs, list) else [specs] if isinstance(specs, dict) else []
    # prefer the price actually charged over list/strike-through prices
    specs = sorted(
        (spec for spec in specs if isinstance(spec, dict)),
        key=lambda spec: (_term(spec.get("priceType")) or "") in ("ListPrice", "StrikethroughPrice", "SRP", "MSRP"),
    )
    for spec in specs:
        price = _json_amount(spec.get("price"))
        if price is not None:
            return price, currency or _text(spec.get("priceCurrency"))
    nested = offer.get("offers")
    nested = nested if isinstance(nested, list) else [nested] if isinstance(nested, dict) else []
    prices = [p for p in (_price_of(n) for n in nested if isinstance(n, dict)) if p[0] is not None]
    if prices:
        low = min(prices, key=lambda p: p[0])  # type: ignore[arg-type, return-value]
        return low[0], currency or low[1]
    return None, currency


def _offer(node: dict[str, Any], name: str | None, sku: str | None) -> Offer:
    price, currency = _price_of(node)
    availability = _availability(node.get("availability"))
    if availability is None and "AggregateOffer" in _types(node):
        nested = node.get("offers")
        nested = nested if isinstance(nested, list) else [nested] if isinstance(nested, dict) else []
        terms = [_availability(n.get("availability")) for n in nested if isinstance(n, dict)]
        terms = [t for t in terms if t]
        if terms:
            availability = "InStock" if "InStock" in terms else terms[0]
    item = node.get("itemOffered")
    item = item[0] if isinstance(item, list) and item else item
    if isinstance(item, dict):
        name = name or _text(item.get("name"))
        sku = sku or _text(item.get("sku"))
    return Offer(
        name=name or _text(node.get("name")) or "",
        sku=_text(node.get("sku")) or sku,
        price=price,
        currency=currency,
        availability=availability,
    )


def _walk(node: Any, found: list[Offer], depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(node, list):
        for item in node:
            _walk(item, found, depth + 1)
        return
    if not isinstance(node, dict):
        return
    types = _types(node)
    if types & _PRODUCT_TYPES:
        name, sku = _text(node.get("name")), _text(node.get("sku"))
        raw = node.get("offers")
        raw_offers = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
        for offer in raw_offers:
            if isinstance(offer, dict):
                found.append(_offer(offer, name, sku))
        for key, value in node.items():  # variants, related products...
            if key not in ("offers", "@context"):
                _walk(value, found, depth + 1)
        return
    if types & _OFFER_TYPES:
        found.append(_offer(node, None, None))
        return
    for key, value in node.items():
        if key != "@context":
            _walk(value, found, depth + 1)


def offers(structured_data: list[dict]) -> list[Offer]:
    """Offers declared in JSON-LD, in document order.

    Handles a Product object, a list, an ``@graph``, Products nested in other
    nodes (``mainEntity``, ``hasVariant``), offers as an object or a list,
    AggregateOffer (``lowPrice``), prices as numbers or strings or in a
    ``priceSpecification``, and availability as a full schema.org URL (http or
    https), a ``schema:`` term or a bare term. Products without offers are left out.
    """
    found: list[Offer] = []
    _walk(structured_data or [], found)
    return found


# ==========================================================================
# The recorded page's HTML: JSON-LD, microdata and OpenGraph, per item
# ==========================================================================

PAGE_SYNTAXES = ("json-ld", "microdata", "opengraph")
_MARKERS = {"json-ld": "ld+json", "microdata": "itemscope", "opengraph": "og:"}
_JSON_LD_XPATH = (
    "//script[translate(normalize-space(@type), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
    " = 'application/ld+json']"
)


def page_offers(html: str, syntaxes: tuple[str, ...] = PAGE_SYNTAXES) -> list[Offer]:
    """Offers the page's HTML declares, one per product item, in the given syntaxes' order.

    Each item (a JSON-LD node, a microdata ``itemscope``, an OpenGraph product)
    keeps its own price, currency and availability: a mini-cart line's price is
    never read as the main product's.
    """
    return list(_page_offers(html or "", tuple(syntaxes)))


@text_cache(maxsize=8)  # the ledger asks for a step's price and its availability
def _page_offers(html: str, syntaxes: tuple[str, ...]) -> tuple[Offer, ...]:
    lowered = html.lower()
    syntaxes = tuple(s for s in syntaxes if _MARKERS.get(s, "") in lowered)  # parse only what the page may hold
    if not syntaxes:
        return ()
    tree = _tree(html)
    if tree is None:
        return ()
    found: list[Offer] = []
    for syntax in syntaxes:
        if syntax == "json-ld":
            found += _tagged(json_ld_items(tree), "json-ld")
        elif syntax == "microdata":
            found += _tagged(_extruct(tree, "microdata"), "microdata")
        elif syntax == "opengraph":
            found += [o for o in map(_og_offer, _extruct(tree, "opengraph")) if o is not None]
    return tuple(found)


def _tree(html: str) -> Any:
    if not html.strip():
        return None
    from extruct.utils import parse_html

    try:
        return parse_html(html.encode("utf-8", "replace"), encoding="UTF-8")
    except (ValueError, TypeError):  # lxml: an empty or unparsable document
        return None


def _extruct(tree: Any, syntax: str) -> list[dict]:
    import extruct

    try:
        data = extruct.extract(tree, syntaxes=[syntax], uniform=True, errors="log")
    except Exception:  # noqa: BLE001 -- a third-party parser on shop HTML: no fact, not a crash
        return []
    return [item for item in data.get(syntax, []) if isinstance(item, dict)]


def _tagged(items: list[dict], syntax: str) -> list[Offer]:
    """Offers of each top-level item on its own (``_walk`` per item, not over the whole page)."""
    found: list[Offer] = []
    for item in items:
        mine: list[Offer] = []
        _walk(item, mine)
        found += [replace(offer, syntax=syntax) for offer in mine]
    return found


def _og_offer(item: dict) -> Offer | None:
    """An OpenGraph product (``og:type`` product; ``product:price:amount`` or ``og:price:amount``)."""
    if str(item.get("@type", "")).split(".")[0].casefold() not in ("product", "og:product"):
        return None

    def first(*keys: str) -> str | None:
        for key in keys:
            value = item.get(key)
            value = value[0] if isinstance(value, list) and value else value
            if value:
                return str(value).strip()
        return None

    price = parse_amount(first("product:price:amount", "og:price:amount", "product:sale_price:amount"))
    availability = first("product:availability", "og:availability")
    if price is None and availability is None:
        return None
    return Offer(
        name=_collapse(first("og:title") or ""),
        sku=first("product:retailer_item_id"),
        price=price,
        currency=first("product:price:currency", "og:price:currency", "product:sale_price:currency"),
        availability=_availability(availability),
        syntax="opengraph",
    )


def json_ld_items(tree: Any) -> list[dict]:
    """Every JSON-LD node of the page, block by block: extruct's parser, else the lenient one.

    One broken block loses only itself (extruct alone drops the page's JSON-LD).
    """
    from extruct.jsonld import JsonLdExtractor

    extractor = JsonLdExtractor()
    found: list[dict] = []
    for script in tree.xpath(_JSON_LD_XPATH):
        try:
            items = list(extractor.extract_items(script))
        except ValueError:
            items = lenient_json(script.xpath("string()"))
        for item in items:
            for node in item if isinstance(item, list) else [item]:
                if isinstance(node, dict):
                    found.append(node)
    return found


_SEPARATORS = re.compile(r"[\s;,]*")


def lenient_json(text: str) -> list[Any]:
    """JSON as shops write it: comments, trailing commas, HTML comment or CDATA wrappers,
    a trailing semicolon, several objects one after the other. Unreadable parts are skipped."""
    text = re.sub(r"^\s*(?:<!--|<!\[CDATA\[)|(?:-->|\]\]>)\s*$", "", text.strip())
    text = _drop_trailing_commas(_strip_comments(text))
    decoder = json.JSONDecoder(strict=False)
    found: list[Any] = []
    index = 0
    while index < len(text):
        start = _SEPARATORS.match(text, index).end()  # type: ignore[union-attr]
        if start >= len(text):
            break
        try:
            value, index = decoder.raw_decode(text, start)
        except ValueError:
            break
        found.append(value)
    return found


def _strip_comments(text: str) -> str:
    """Removes // and /* */ comments outside strings."""
    out: list[str] = []
    index, quote = 0, ""
    while index < len(text):
        char = text[index]
        if quote:
            out.append(text[index:index + 2] if char == "\\" else char)
            index += 2 if char == "\\" else 1
            quote = "" if char == quote else quote
            continue
        if text.startswith("//", index):
            end = text.find("\n", index)
            index = len(text) if end < 0 else end
            continue
        if text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = len(text) if end < 0 else end + 2
            continue
        quote = char if char == '"' else ""
        out.append(char)
        index += 1
    return "".join(out)


_CLOSER = re.compile(r"\s*[}\]]")


def _drop_trailing_commas(text: str) -> str:
    """'[1, 2,]' -> '[1, 2]' and '{"a": 1,}' -> '{"a": 1}', outside strings."""
    out: list[str] = []
    index, quote = 0, False
    while index < len(text):
        char = text[index]
        if char == "\\" and quote:
            out.append(text[index:index + 2])
            index += 2
            continue
        if char == '"':
            quote = not quote
        elif char == "," and not quote and _CLOSER.match(text, index + 1):
            index += 1
            continue
        out.append(char)
        index += 1
    return "".join(out)
