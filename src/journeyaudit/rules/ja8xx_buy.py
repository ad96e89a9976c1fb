"""What the crawl's add-to-cart probe (``crawl --buy``) found: JA808, and JA301 at catalogue scale.

Pure functions over the page records whose ``buy`` the probe filled (``crawl/records.BuyRecord``).
A product the probe could not put to the test (no control found, a timeout) is not judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from journeyaudit.crawl.records import PageRecord
from journeyaudit.model import Finding
from journeyaudit.rules.ja8xx_catalogue import _amount, _finding, catalogue_rule

#: The journey rule whose story the probe finds across the catalogue ("said in stock; then would not sell it").
STOCK_CODE = "JA301"


def _bought(pages: list[PageRecord]) -> Iterator[PageRecord]:
    return (page for page in pages if page.is_product and page.buy is not None and page.buy.clicked and not page.buy.error)


def _page_claim(page: PageRecord) -> str:
    if page.visible_availability == "in_stock":
        return f"page: {page.visible_availability_text or 'in stock'}"
    if page.structured_availability == "InStock":
        return "structured data: InStock"
    return "add-to-cart button: enabled"


@catalogue_rule("JA808", "cart-price-mismatch", title="The cart charges another price than the product page", severity="high")
def cart_price_mismatch(pages: list[PageRecord]) -> Iterator[Finding]:
    """Put in the cart by the crawl's add-to-cart probe (``crawl --buy``), the product costs more (or less) than its page says.

    The customer decided at the product page's price; the cart quietly asks for another one, and in the
    EU the price shown must be the price charged. Only products the probe bought are checked.
    Evidence: the product page's price and the cart's.
    """
    for page in _bought(pages):
        buy = page.buy
        if buy and buy.in_cart and buy.cart_price and page.visible_price and Decimal(buy.cart_price) != Decimal(page.visible_price):
            yield _finding(
                page,
                f"{page.label}: the product page says {_amount(page.visible_price, page)}, the cart charges {_amount(buy.cart_price, page)}.",
                ("Product page price", page.visible_price),
                ("Cart price", f"{buy.cart_price} on {buy.cart_url}"),
            )


def refused_in_stock(pages: list[PageRecord]) -> Iterator[Finding]:
    """JA301 at catalogue scale: the page offers the product, the cart refuses it or talks of stock.

    Yields findings without code and slug (``check_catalogue`` gives them JA301's).
    """
    for page in _bought(pages):
        buy = page.buy
        if buy is None:
            continue
        said = (buy.stock_message or buy.refusal).rstrip(". ")
        if buy.in_cart and not buy.stock_message:
            continue
        cart = f"cart: {said}" if said else "cart: does not hold it after 'Add to cart'"
        yield _finding(
            page,
            f"{page.label}: {_page_claim(page)}, but {cart}.",
            ("Product page", _page_claim(page)),
            ("Cart", said or f"no row for {page.label} on {buy.cart_url}"),
        )
