"""Basket rows read from page text: the row that names a product, its amounts and quantities, and
whether a row is one of the customer's own choices. Pure; read by the money rules (JA202, JA203)."""

from __future__ import annotations

import re
from decimal import Decimal

from journeyaudit.facts import ledger, page_text
from journeyaudit.facts import money as money_reader
from journeyaudit.facts.ledger import mentions
from journeyaudit.facts.money import Money
from journeyaudit.model import Run

_WORD = re.compile(r"[^\W\d_]{3,}")


_QUANTITY = re.compile(r"(?<![\d.,])(\d{1,3})(?![\d.,]*\d)")


def row_amounts(text: str, name: str, window: int) -> tuple[str, list[Money]] | None:
    """The row of a basket or order that lists ``name``: (its text, its amounts), or None.

    The row is the line naming the item plus, when that line has no amount,
    the next lines up to the first with amounts (tables often put the name and
    the prices on different lines). A line where the name is part of a sentence
    ("Sorry, X is no longer available") is not a row.
    """
    text_lines = page_text.lines(text.replace("\t", "  "))
    for i, line in enumerate(text_lines):
        if not mentions(line, name):
            continue
        rest = page_text.normalise(line).replace(page_text.normalise(name), " ")
        if money_reader.find_money(line):
            return line, [m for m in money_reader.find_money(line) if m.amount > 0]
        if len(_WORD.findall(rest)) > 4:
            continue  # a sentence that names the item, not the item's row
        row = [line]
        for following in text_lines[i + 1 : i + 1 + window]:
            if ledger.is_summary_line(following):
                break
            row.append(following)
            found = [m for m in money_reader.find_money(following) if m.amount > 0]
            if found:
                return " / ".join(row), found
    return None


def row_quantities(row: str) -> set[int]:
    without_money = row
    for money in money_reader.find_money(row):
        without_money = without_money.replace(money.text, " ")
    return {int(q) for q in _QUANTITY.findall(without_money) if 1 < int(q) < 1000}


def charged_unit_price(prices: list[Money], row: str, amounts: list[Money], tolerance: Decimal) -> Money | None:
    """The unit price a row charges when it is none of the product page's ``prices``; None when it agrees or is unreadable."""
    amounts = [m for m in amounts if money_reader.same_currency(m.currency, prices[0].currency)]
    if not amounts:
        return None
    quantities = {1, *row_quantities(row)}
    for price in prices:
        if any(abs(m.amount - price.amount * q) <= tolerance * q for m in amounts for q in quantities):
            return None  # the unit price, or the line total for a quantity on the row
    return amounts[0]


def chosen_names(run: Run) -> list[str]:
    """What the customer chose: the products of the product pages they visited, and items their clicks named."""
    names: list[str] = []
    for step in run.reached():
        if step.role == "product":
            names.extend(n for n in ledger.product_names(step) if n not in names)
    return names


def chosen_options(run: Run) -> list[str]:
    """Options the customer ticked or selected (a shipping or payment method with its price), amounts left out:
    a shop that lists the chosen method as an order line ("Standard shipping: Shipping €4.90") did not sneak it in."""
    labels: list[str] = []
    acted = clicked_text(run)
    for step in run.reached():
        for form_field in step.fields:
            if form_field.type not in ("radio", "checkbox") or not form_field.checked or not form_field.label:
                continue
            if form_field.type == "checkbox" and not any(v and v in acted for v in (form_field.id, form_field.name)):
                continue  # a box ticked before the customer came is no choice of theirs
            label = form_field.label
            for money in money_reader.find_money(label):
                label = label.replace(money.text, " ")
            label = " ".join(label.split()).strip(" -–—:+()")
            if label and label not in labels:
                labels.append(label)
    return labels


def clicked_text(run: Run) -> str:
    return " ".join(
        " ".join([action.description, *(str(v) for v in (action.target or {}).values())])
        for step in run.reached()
        for action in step.actions
        if action.name in ("click", "check", "select", "fill")
    )


_NAME_WORD = re.compile(r"[^\W_]{2,}")


def is_chosen(name: str, chosen: list[str], clicked: str) -> bool:
    """Is a basket row one of the customer's choices? The same name, one inside the other, or mostly the same words.

    "Hario V60 Ceramic Dripper 02" on the product page and "Hario V60 - White / 02"
    in the cart are the same choice (a variant); "Brew Care Plan (2 years)" is not.
    """
    if any(ledger.mentions(name, c) or ledger.mentions(c, name) for c in chosen) or ledger.mentions(clicked, name):
        return True
    mine = name_words(name)
    return any(mine and len(mine & name_words(c)) >= max(2, (len(mine) + 1) // 2) for c in chosen)


def name_words(name: str) -> set[str]:
    return set(_NAME_WORD.findall(page_text.normalise(name)))
