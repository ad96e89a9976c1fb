"""The demo shop's catalogue (issue #12): a few hundred products over several categories, made up deterministically.

The crawler needs a catalogue to find; its checks need products that lie about themselves. Every
product is clean except the few named in :data:`DEFECTS`, each seeded with one catalogue defect that
one JA8xx rule must find. The shop's original eight products (``catalog.py``) stay as they are.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache

from .catalog import Product

#: Category slug -> shown name. Each gets :data:`PER_CATEGORY` products.
CATEGORIES: dict[str, str] = {
    "grinders": "Grinders",
    "kettles": "Kettles",
    "brewers": "Brewers",
    "cups": "Cups & mugs",
    "beans": "Coffee beans",
    "filters": "Filters & papers",
    "scales": "Scales",
}
#: Its product pages are rendered in the browser (catalogue_client.py): price, stock, cart button and
#: JSON-LD come from a script, so a plain HTTP crawler sees an empty shell and a browser crawl sees all.
CLIENT_CATEGORY = "scales"
CLIENT_COUNT = 6

#: Products in the catalogue: 300, or ``JOURNEYAUDIT_DEMO_CATALOGUE_SIZE`` (benchmarks/crawl.py --memory
#: grows it past 5,000 pages). Spread evenly over the categories; at least 96, so every seeded defect exists.
SIZE_VARIABLE = "JOURNEYAUDIT_DEMO_CATALOGUE_SIZE"
DEFAULT_SIZE = 300
SMALLEST_SIZE = 96


def _size() -> int:
    raw = os.environ.get(SIZE_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_SIZE
    if not raw.isdigit() or int(raw) < SMALLEST_SIZE:
        raise SystemExit(f"{SIZE_VARIABLE} must be a whole number of products, at least {SMALLEST_SIZE}, not {raw!r}")
    return int(raw)


PER_CATEGORY = -(-_size() // (len(CATEGORIES) - 1))  # the client-rendered category has its own few
PAGE_SIZE = 12  # products per listing page

_ADJECTIVES = ("Nordic", "Copper", "Slate", "Maple", "Harbor", "Ember", "Linen", "Cobalt", "Juniper", "Basalt")
_NOUNS = {
    "grinders": "Burr Grinder",
    "kettles": "Pour-Over Kettle",
    "brewers": "Dripper",
    "cups": "Mug",
    "beans": "Espresso Roast",
    "filters": "Paper Filters",
    "scales": "Brew Scale",
}

#: Seeded catalogue defects: product slug -> defect name (the rule that must find it in brackets).
DEFECTS: dict[str, str] = {
    "grinders-copper-burr-grinder-1": "structured-price",  # JA801: JSON-LD price != visible price
    "kettles-slate-pour-over-kettle-2": "listing-price",  # JA802: listing shows another price
    "brewers-maple-dripper-3": "structured-in-stock-sold-out",  # JA803: JSON-LD InStock, page "Sold out"
    "cups-harbor-mug-4": "in-stock-button-disabled",  # JA803: "In stock", add-to-cart disabled
    "beans-ember-espresso-roast-15": "soft-404",  # JA804: 200 with "Product not found"
    "filters-linen-paper-filters-6": "dead-sitemap-url",  # JA805: listed in the sitemap, answers 404
    "grinders-cobalt-burr-grinder-7": "broken-image",  # JA806: main image answers 404
    "kettles-juniper-pour-over-kettle-8": "no-offer",  # JA807: JSON-LD Product without offers
    "scales-maple-brew-scale-3": "structured-in-stock-sold-out",  # JA803, rendered in the browser only
}

#: Seeded add-to-cart defects (the crawl's buy probe, ``crawl --buy``): the product page is honest, and
#: only adding the product to the cart shows the problem. Kept apart from :data:`DEFECTS`, whose every
#: entry a JA8xx page check must find.
CART_DEFECTS: dict[str, str] = {
    "brewers-basalt-dripper-9": "cart-refuses",  # JA301: page "In stock", the cart says it is out of stock
    "cups-cobalt-mug-7": "cart-price",  # JA808: the cart charges €2.00 more than the product page
}
CART_SURCHARGE = 200  # cents the 'cart-price' product costs more in the cart


@dataclass(frozen=True)
class CatalogueProduct:
    slug: str
    name: str
    sku: str
    category: str  # category slug
    price: int  # cents, incl. VAT
    in_stock: bool
    client_rendered: bool = False  # price, stock, button and JSON-LD drawn by a script (catalogue_client.py)

    @property
    def url(self) -> str:
        return f"/catalogue/p/{self.slug}"

    @property
    def image(self) -> str:
        return f"/catalogue/img/{self.slug}.svg"

    @property
    def defect(self) -> str:
        return DEFECTS.get(self.slug, "")

    @property
    def cart_defect(self) -> str:
        return CART_DEFECTS.get(self.slug, "")


@dataclass(frozen=True)
class CartLine(Product):
    """A catalogue product as the cart holds it: the shop's Product, linking back to its catalogue page."""

    @property
    def url(self) -> str:
        return f"/catalogue/p/{self.slug}"


def _make() -> list[CatalogueProduct]:
    products = []
    for c, category in enumerate(CATEGORIES):
        for i in range(CLIENT_COUNT if category == CLIENT_CATEGORY else PER_CATEGORY):
            adjective = _ADJECTIVES[i % len(_ADJECTIVES)]
            name = f"{adjective} {_NOUNS[category]} {i}"
            slug = f"{category}-{adjective.lower()}-{_NOUNS[category].lower().replace(' ', '-')}-{i}"
            price = 490 + ((c * 7919 + i * 104729) % 23000) // 10 * 10  # €4.90 .. €234.80, deterministic
            in_stock = (i % 9) != 5  # a few honest "Sold out" products: clean, every claim agrees
            if DEFECTS.get(slug) in ("structured-in-stock-sold-out", "in-stock-button-disabled"):
                in_stock = DEFECTS[slug] == "in-stock-button-disabled"
            products.append(CatalogueProduct(slug, name, f"KC-{c + 1}{i:03d}", category, price, in_stock,
                                             client_rendered=category == CLIENT_CATEGORY))
    return products


PRODUCTS: list[CatalogueProduct] = _make()
BY_SLUG: dict[str, CatalogueProduct] = {p.slug: p for p in PRODUCTS}

#: Products whose URL answers a real product page (what a crawl must find).
REAL_PRODUCTS: list[CatalogueProduct] = [p for p in PRODUCTS if p.defect not in ("soft-404", "dead-sitemap-url")]
#: What only a browser can read (render: browser); a plain HTTP crawl does not see them as products.
CLIENT_RENDERED: list[CatalogueProduct] = [p for p in PRODUCTS if p.client_rendered]


def in_category(category: str) -> list[CatalogueProduct]:
    """The products a category's listing shows (the dead sitemap URL is listed only in the sitemap)."""
    return [p for p in PRODUCTS if p.category == category and p.defect != "dead-sitemap-url"]


def listing_price(product: CatalogueProduct) -> int:
    """The price a listing card shows ('listing-price': €5 less than the product page)."""
    return product.price - 500 if product.defect == "listing-price" else product.price


def structured_price(product: CatalogueProduct) -> int:
    """The price JSON-LD claims ('structured-price': an old price, €10 below what the page shows)."""
    return product.price - 1000 if product.defect == "structured-price" else product.price


@lru_cache(maxsize=None)
def cart_product(slug: str) -> CartLine | None:
    """What the cart sells for a catalogue slug (None: not a catalogue product the cart can hold).

    'cart-price' charges :data:`CART_SURCHARGE` more than the product page shows.
    """
    product = BY_SLUG.get(slug)
    if product is None or product.defect in ("soft-404", "dead-sitemap-url"):
        return None
    price = product.price + (CART_SURCHARGE if product.cart_defect == "cart-price" else 0)
    category = CATEGORIES[product.category]
    return CartLine(product.slug, product.name, product.sku, "Kettle & Crumb", category, price, product.name, product.name)


def cart_refuses(slug: str) -> bool:
    """The cart will not take it: a product sold out, or the seeded 'cart-refuses' (its page says in stock)."""
    product = BY_SLUG.get(slug)
    return product is not None and (not product.in_stock or product.cart_defect == "cart-refuses")


assert all(slug in BY_SLUG for slug in DEFECTS), "every seeded defect names a real catalogue product"
assert all(BY_SLUG[slug].in_stock and not BY_SLUG[slug].defect for slug in CART_DEFECTS), "cart defects: clean pages"
