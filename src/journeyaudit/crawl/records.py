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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "PageRecord":
        data = dict(data)
        data["listings"] = [ListingClaim(**item) for item in data.get("listings", [])]
        return cls(**data)

    @property
    def label(self) -> str:
        """How findings name the product: its name, else its URL."""
        return self.name or self.url
