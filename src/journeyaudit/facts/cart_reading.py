"""What a cart page says about one product that was just added: is it there, at what price, refused, stock.

Pure: a reader over a recorded cart page (a :class:`~journeyaudit.model.StepRecord`), used by the
crawl's add-to-cart probe. "Refused" is :func:`message_kinds.refusal`, the notion JA102 and the
probes use; the row and its amounts are :func:`basket_rows.row_amounts`, as the money rules read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from journeyaudit.facts import basket_rows, message_kinds, phrase_search
from journeyaudit.model import StepRecord

ROW_WINDOW = 4  # lines after the product's name in which its amounts may stand (tables)


@dataclass(frozen=True)
class CartReading:
    in_cart: bool
    price: str  # the row's amount that is the page price, else its first amount ("" when none)
    refusal: str  # the refusal or validation message the page showed ("" when none)
    stock_message: str  # a line that says the item is unavailable or short ("" when none)


def read_cart(step: StepRecord, name: str, page_price: str = "") -> CartReading:
    """The cart page ``step`` as it concerns the product ``name`` (shown at ``page_price`` on its page)."""
    text = step.visible_text or ""
    row = basket_rows.row_amounts(text, name, ROW_WINDOW) if name else None
    price = ""
    if row is not None and row[1]:
        amounts = [money.amount for money in row[1]]
        wanted = Decimal(page_price) if page_price else None
        price = f"{wanted if wanted in amounts else amounts[0]:.2f}"
    refused = message_kinds.refusal(step)
    stock = phrase_search.out_of_stock(text)
    return CartReading(
        in_cart=row is not None,
        price=price,
        refusal=refused.text if refused is not None else "",
        stock_message=stock[0] if stock else "",
    )
