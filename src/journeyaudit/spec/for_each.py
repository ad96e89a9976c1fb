"""Journeys over the crawl: ``for_each: {crawl: products, ...}`` runs a journey once per crawled product.

::

    for_each:
      crawl: products                 # the products of a crawl (run --crawl DIR, or the profile's crawl:)
      where: {available: true, category: Kettles}
      sample: 10                      # at most this many, chosen deterministically
    steps:
      - name: Product
        role: product
        actions: [{goto: "${product.url}"}, {see: "${product.name}"}]

Each product makes a variant ``journey[product-slug]``: its steps with ``${product.url}``,
``${product.name}``, ``${product.price}``, ``${product.slug}`` and ``${product.category}`` filled in.
Pure: the products come in as plain mappings (cli/run.py reads them from the crawl's result.json).
"""

from __future__ import annotations

import copy
import fnmatch
import hashlib
import re
from typing import Any, Literal

from pydantic import Field

from journeyaudit import model
from journeyaudit.spec.actions import _Strict

FIELDS = ("url", "name", "price", "slug", "category")
PLACEHOLDER = re.compile(r"\$\{product\.([A-Za-z_][A-Za-z0-9_]*)\}")
MAX_PRODUCTS = 500  # a sample past this is a crawl, not a journey


class WhereSpec(_Strict):
    """Which crawled products the journey runs for (all given conditions must hold)."""

    __noun__ = "where"
    available: bool | None = Field(None, description="true: only products the customer can buy (in stock, add-to-cart "
                                   "enabled); false: only those that cannot be bought.")
    category: str | None = Field(None, description="Only products of this category (as the crawl read it).")
    url: str | None = Field(None, description="Only products whose URL matches this shell glob (*/catalogue/p/kettles-*).")


class ForEachSpec(_Strict):
    """Run the journey once per crawled product; ${product.url}, ${product.name}, ${product.price} in its steps."""

    __noun__ = "for_each"
    crawl: Literal["products"] = Field(description="What to take from the crawl: its products.")
    where: WhereSpec = Field(default_factory=WhereSpec, description="Which products.")
    sample: int | None = Field(None, ge=1, le=MAX_PRODUCTS, description="At most this many products, chosen by a "
                               "hash of their URL (the same products run after run); default: all, up to 500.")


def placeholders(value: Any, path: tuple = ()) -> list[tuple[tuple, str]]:
    """Every ``${product.FIELD}`` in a parsed journey's values: (path, field)."""
    if isinstance(value, str):
        return [(path, found) for found in PLACEHOLDER.findall(value)]
    if isinstance(value, dict):
        return [hit for key, item in value.items() for hit in placeholders(item, (*path, key))]
    if isinstance(value, list):
        return [hit for index, item in enumerate(value) for hit in placeholders(item, (*path, index))]
    return []


def problems(data: dict[str, Any]) -> list[tuple[tuple, str]]:
    """Located problems of a journey file's ``${product.*}`` use: unknown fields, or no for_each to fill them."""
    found = placeholders(data.get("steps"), ("steps",))
    out = [(path, f"unknown product field '{name}' in ${{product.{name}}} (known: {', '.join(FIELDS)})")
           for path, name in found if name not in FIELDS]
    if found and not data.get("for_each"):
        path = found[0][0]
        out.append((path, "${product.*} needs a for_each: {crawl: products} section to fill it"))
    return out


def _matches(product: dict[str, Any], where: dict[str, Any]) -> bool:
    if where.get("available") is not None and bool(product.get("available")) != where["available"]:
        return False
    if where.get("category") is not None and str(product.get("category", "")).lower() != where["category"].lower():
        return False
    return where.get("url") is None or fnmatch.fnmatchcase(str(product.get("url", "")), where["url"])


def chosen(products: list[dict[str, Any]], for_each: dict[str, Any]) -> list[dict[str, Any]]:
    """The products a for_each runs for: those ``where`` keeps, sampled by URL hash, in URL order."""
    kept = [product for product in products if _matches(product, for_each.get("where") or {})]
    kept.sort(key=lambda product: hashlib.sha1(str(product.get("url", "")).encode("utf-8")).hexdigest())
    return sorted(kept[: for_each.get("sample") or MAX_PRODUCTS], key=lambda product: str(product.get("url", "")))


def _fill(value: Any, product: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return PLACEHOLDER.sub(lambda match: str(product.get(match.group(1), "")), value)
    if isinstance(value, dict):
        return {key: _fill(item, product) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, product) for item in value]
    return value


def label(product: dict[str, Any]) -> str:
    """The variant's label: the product's slug (its URL's last part), else a slug of its name."""
    slug = str(product.get("slug") or "")
    return slug or re.sub(r"[^a-z0-9]+", "-", str(product.get("name", "")).lower()).strip("-") or "product"


def expand(journey: model.Journey, products: list[dict[str, Any]]) -> list[model.Journey]:
    """One variant per chosen product (none when the crawl has none that match); the journey itself without for_each."""
    if not journey.for_each:
        return [journey]
    variants = []
    for product in chosen(products, journey.for_each):
        variant = copy.deepcopy(journey)
        variant.id = f"{journey.id}[{label(product)}]"
        variant.name = f"{journey.name} [{product.get('name') or label(product)}]"
        for step in variant.steps:
            step.name = _fill(step.name, product)
            for action in step.actions:
                action.params = _fill(action.params, product)
        values = {"product": str(product.get("name") or ""), "url": str(product.get("url") or "")}
        variant.variant = model.Variant(of=journey.id, values={**(journey.variant.values if journey.variant else {}), **values})
        variant.for_each = {}
        variants.append(variant)
    return variants


def expand_all(journeys: list[model.Journey], products: list[dict[str, Any]]) -> list[model.Journey]:
    return [variant for journey in journeys for variant in expand(journey, products)]


def needs_products(journeys: list[model.Journey]) -> bool:
    return any(journey.for_each for journey in journeys)
