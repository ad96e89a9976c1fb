"""What the crawl recorded: one record per page fetched, with the product's claims when it is a product.

Plain data, no Crawlee: the JA8xx rules read these and nothing else, and result.json stores them.
Amounts are strings of decimals ("39.90") so they survive JSON unchanged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ListingClaim:
    """A product as a listing page shows it: where, and at what price."""

    listing_url: str
    price: str  # decimal amount as shown, "" when none
    name: str = ""


@dataclass
class BuyRecord:
    """What the add-to-cart probe (``crawl --buy``) saw for one product: its click, then the cart.

    Plain data read by JA301 (at catalogue scale) and JA808; ``crawl/buy.py`` fills it from the
    cart page through ``facts/cart_reading.py``.
    """

    clicked: bool = False  # an add-to-cart control was found and clicked
    error: str = ""  # the probe could not do its part (no control, a timeout): no judgement then
    cart_url: str = ""
    cart_status: int | None = None
    in_cart: bool = False  # a row of the cart names the product
    cart_price: str = ""  # the amount that row charges ("" when none was read)
    refusal: str = ""  # what the cart said to refuse it (a refusal or validation message), if anything
    stock_message: str = ""  # a line of the cart about stock ("out of stock", "only 1 left"), if any
    seconds: float = 0.0


@dataclass
class PageRecord:
    url: str
    status: int  # HTTP status; 0 when the request failed without one
    sources: list[str] = field(default_factory=list)  # how it was found: sitemap, listing, link, start
    depth: int = 0
    error: str = ""  # transport failure, if any
    soft_404: bool = False  # answered 200 but reads as "not found"
    is_product: bool = False
    product_signals: list[str] = field(default_factory=list)  # json-ld, microdata, opengraph, add-to-cart
    name: str = ""
    category: str = ""
    visible_price: str = ""
    structured_price: str = ""
    structured_currency: str = ""
    structured_availability: str = ""  # schema.org term: InStock, OutOfStock, ... ("" if none)
    has_structured_offer: bool = False
    visible_availability: str = ""  # in_stock | sold_out | ""
    visible_availability_text: str = ""
    add_to_cart: str = ""  # enabled | disabled | "" (no control found)
    image_url: str = ""
    image_status: int | None = None  # None: not checked
    listings: list[ListingClaim] = field(default_factory=list)  # filled after the crawl
    buy: BuyRecord | None = None  # the add-to-cart probe's visit (crawl --buy), when the product was sampled

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PageRecord":
        data = dict(data)
        data["listings"] = [ListingClaim(**item) for item in data.get("listings", [])]
        if data.get("buy") is not None:
            data["buy"] = BuyRecord(**data["buy"])
        return cls(**data)

    @property
    def label(self) -> str:
        """How findings name the product: its name, else its URL."""
        return self.name or self.url


@dataclass
class BuySummary:
    """How the add-to-cart probe ran (``crawl: buy:``): its sample and what it did."""

    sample: int | None  # products per group (None: all)
    per: str  # category | template | all
    include: list[str] = field(default_factory=list)
    products: int = 0  # products visited
    seconds: float = 0.0
