"""Structured data: schema.org Product / Offer declared in JSON-LD.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from journeyaudit.facts.money import parse_amount
from journeyaudit.facts.page_text import _collapse

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
