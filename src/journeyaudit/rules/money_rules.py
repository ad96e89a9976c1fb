"""JA2xx: what the customer pays differs from what they were shown."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from journeyaudit.facts import ledger, page_text, structured, wording
from journeyaudit.facts import money as money_reader
from journeyaudit.facts.money import Money
from journeyaudit.model import Evidence, Finding, Run, StepRecord
from journeyaudit.rules.journey_rules import mentions, product_names
from journeyaudit.rules.registry import rule

# A fee line that says it is already included in the price ("VAT (included)",
# "inkl. 19% MwSt.") does not add to what the customer pays.
_INCLUDED = re.compile(
    r"(?<!\w)(?:incl|inkl|inc|included|including|inclusive|enthalten|inclus|incluse|incluido|incluida)(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{3,}")


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(page_text.normalise(text))}


def _base_label(label: str) -> str:
    """'Shipping (Standard)' -> 'shipping'; 'VAT 19%' -> 'vat': the label without qualifiers."""
    base = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|\d+(?:[.,]\d+)?\s?%", " ", label)
    return page_text.normalise(base).strip(" :-–—")


def _same_money(a: Money, b: Money) -> bool:
    return a.amount == b.amount and money_reader.same_currency(a.currency, b.currency)


def _shown_before(label: str, money: Money, earlier: list[StepRecord], labels: list[str]) -> bool:
    """Was this fee (or its amount, next to a word of its label) on an earlier page?

    "Shipping (Standard) €4.90" counts as shown when an earlier page said
    "Standard — €4.90 — arrives in 3–5 business days" (the option the customer
    chose) or "Shipping: Standard €4.90 or Express €9.90".
    """
    base = _base_label(label)
    words = _words(label)
    for step in earlier:
        for other_label, other in money_reader.fee_lines(step.visible_text, labels):
            if _base_label(other_label) == base and _same_money(money, other):
                return True
        for line in page_text.lines(step.visible_text):
            if any(_same_money(money, seen) for seen in money_reader.find_money(line)) and words & _words(line):
                return True
    return False


@rule(
    "JA201",
    "late-extra-cost",
    title="A fee appears first at a late step and raises the total",
    severity="high",
    roles=["review", "confirmation"],
    options={
        "late_roles": ["review", "confirmation"],
        "fee_labels": list(wording.FEE_LABELS),
        "total_labels": list(wording.TOTAL_LABELS),
        "subtotal_labels": list(wording.SUBTOTAL_LABELS),
    },
)
def late_extra_cost(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A fee the customer was not shown before appears at the end of checkout and raises the total.

    Extra costs that appear late (a service, handling, payment or shipping fee
    first seen on the review page) are the most common reason customers give for
    abandoning a checkout (research H5; Baymard: extra costs too high or shown
    too late). The customer who does pay feels tricked, and asks for refunds.

    For each step with one of the ``late_roles`` (default review, confirmation)
    the rule reads its fee lines (``fee_labels``, default the built-in FEE_LABELS:
    "Shipping", "Service fee", "Versandkosten"...). A fee is late when neither
    its label with that amount, nor its amount on a line sharing a word with its
    label, appeared on any earlier step: so a shipping option's price shown on
    the shipping step ("Standard — €4.90") and chosen there counts as shown,
    and so does a cart's "Shipping: Standard €4.90 or Express €9.90". Fees
    written as included ("VAT (incl.)", "inkl. MwSt.") are left out. It is
    reported only when the total grew by at least the fee's amount: compared with
    the last earlier total (``total_labels``), or failing that the last earlier
    subtotal (``subtotal_labels``). A fee is reported once, at the first step
    that shows it. Totals, subtotals and fees are the promise ledger's
    (``ledger.build``): a journey's ``total_selector`` / ``subtotal_selector``
    hints take precedence over the labels.

    Evidence: the fee line as written with its amount and step, the earlier and
    the new total with their steps. Confidence is medium: fees and totals are
    read from the page's wording. Not applicable to a journey without a review or
    confirmation step; silent when no earlier step showed a total or a subtotal.
    """
    late_roles = set(options.get("late_roles") or ())
    fee_labels = list(options["fee_labels"])
    book = ledger.build(run, ledger.Labels.from_options(options))
    shown = ("element", "text")  # what the customer saw (a hinted element, else the page text)
    totals = {f.step: ledger.as_money(f) for f in ledger.facts(book, "total", sources=shown)}
    subtotals = {f.step: ledger.as_money(f) for f in ledger.facts(book, "subtotal", sources=shown)}
    reached = run.reached()
    reported: set[tuple[str, Decimal]] = set()
    for position, step in enumerate(reached):
        if step.role not in late_roles:
            continue
        earlier = reached[:position]
        total_now = totals.get(step.index)
        reference = _last_amount(earlier, totals) or _last_amount(earlier, subtotals)
        if total_now is None or reference is None:
            continue
        ref_step, ref_total = reference
        if not money_reader.same_currency(total_now.currency, ref_total.currency):
            continue
        growth = total_now.amount - ref_total.amount
        fees = [(f.label, ledger.as_money(f)) for f in ledger.facts(book, "fee", step=step.index, sources=shown)]
        for label, money in fees:
            key = (_base_label(label), money.amount)
            if key in reported or money.amount <= 0 or _INCLUDED.search(label):
                continue
            if growth < money.amount or _shown_before(label, money, earlier, fee_labels):
                continue
            reported.add(key)
            yield Finding(
                step=step.index,
                message=(
                    f"A '{label}' of {money.text} appeared first at {step.label}; the total went from "
                    f"{ref_total.text} at {ref_step.label} to {total_now.text}."
                ),
                evidence=[
                    Evidence("amount", f"'{label}' at {step.label}, not shown before", f"{label} {money.text}", step.index),
                    Evidence("amount", f"Total at {ref_step.label}", ref_total.text, ref_step.index),
                    Evidence("amount", f"Total at {step.label}", total_now.text, step.index),
                ],
                confidence="medium",
            )


def _last_amount(steps: list[StepRecord], amounts: Mapping[int, Money]) -> tuple[StepRecord, Money] | None:
    """The last of ``steps`` with an amount in ``amounts`` (step index -> amount), with it."""
    found = None
    for step in steps:
        if step.index in amounts:
            found = (step, amounts[step.index])
    return found


# --------------------------------------------------------------------------
# JA202 price-mismatch
# --------------------------------------------------------------------------

_QUANTITY = re.compile(r"(?<![\d.,])(\d{1,3})(?![\d.,]*\d)")


def _row_amounts(text: str, name: str, window: int) -> tuple[str, list[Money]] | None:
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


def _quantities(row: str) -> set[int]:
    without_money = row
    for money in money_reader.find_money(row):
        without_money = without_money.replace(money.text, " ")
    return {int(q) for q in _QUANTITY.findall(without_money) if 1 < int(q) < 1000}


def _charged(prices: list[Money], row: str, amounts: list[Money], tolerance: Decimal) -> Money | None:
    """The unit price a row charges when it is none of the product page's ``prices``; None when it agrees or is unreadable."""
    amounts = [m for m in amounts if money_reader.same_currency(m.currency, prices[0].currency)]
    if not amounts:
        return None
    quantities = {1, *_quantities(row)}
    for price in prices:
        if any(abs(m.amount - price.amount * q) <= tolerance * q for m in amounts for q in quantities):
            return None  # the unit price, or the line total for a quantity on the row
    return amounts[0]


def _declared(offer: structured.Offer) -> Money:
    """A JSON-LD offer's price as Money, written as the data says it: '39.90 EUR'."""
    amount = offer.price if offer.price is not None else Decimal(0)
    shown = f"{amount:.2f}" if amount == amount.quantize(Decimal("0.01")) else str(amount)
    return Money(amount, offer.currency, f"{shown} {offer.currency or ''}".strip())


@rule(
    "JA202",
    "price-mismatch",
    title="The price differs between the product page and what is charged",
    severity="high",
    roles=["product"],
    options={
        "compare_roles": ["cart", "review", "confirmation", "email"],
        "window_lines": 8,
        "row_lines": 3,
        "tolerance": "0.00",
    },
)
def price_mismatch(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The price on the product page is not the price the basket, checkout or confirmation charges.

    The customer decided to buy at the price the product page showed. When the
    cart, the review page or the confirmation charges a different unit price,
    or the page's structured data (what search engines and price comparison
    sites show) says another price than the page itself, the customer pays
    something they did not agree to, or was lured by a price that was never
    real (research H7). Either way trust is gone and refunds follow.

    For each product step, the rule reads the product's name (JSON-LD offer
    name or the page's ``<h1>``), its JSON-LD offer price and the visible price
    (the element a journey's ``price_selector`` hint names, else the first
    amount within ``window_lines`` lines after the heading: the ledger's
    price). It
    reports (1) a JSON-LD price that differs from the visible price, and (2)
    for each later step with one of ``compare_roles`` (default cart, review,
    confirmation, email), a row naming the product whose amounts include
    neither the product page's price nor that price times a quantity shown on
    the row: the first amount of the row is taken as the unit price charged.
    A row is the line naming the product, or when it has no amount, up to
    ``row_lines`` (default 3) lines after it (tables put the SKU, a quantity
    input and the prices on lines of their own).
    Totals, subtotal, fee and discount lines are never read as item rows; a
    sentence that names the product ("Sorry, X is no longer available") is not
    a row. Amounts in another currency are not compared. ``tolerance`` (a
    decimal string, default "0.00") allows rounding differences.

    One finding per product for the structured data, and one per product for
    the later steps (at the first step that differs; the other steps are
    evidence). Evidence: each price with its step and the row as written.
    Confidence is medium: prices are read from the page text. Not applicable
    without a product step; silent when the product page shows no price.
    """
    tolerance = Decimal(str(options.get("tolerance") or "0"))
    window = int(options.get("window_lines") or 8)
    row_lines = int(options.get("row_lines") or 3)
    compare_roles = set(options.get("compare_roles") or ())
    book = ledger.build(run)
    reached = run.reached()
    for step in reached:
        if step.role != "product":
            continue
        names = product_names(step)
        offers = [offer for offer in structured.offers(step.structured_data) if offer.price is not None]
        hinted = [ledger.as_money(f) for f in ledger.facts(book, "price", step=step.index, sources=("element",))]
        shown = hinted or ledger.shown_prices(step, names, window)
        name = names[0] if names else "the product"
        declared = _declared(offers[0]) if offers else None
        comparable = [m for m in shown if declared is None or money_reader.same_currency(m.currency, declared.currency)]
        agreeing = [m for m in comparable if declared is not None and abs(m.amount - declared.amount) <= tolerance]
        if declared is not None and comparable and not agreeing:
            visible = comparable[0]
            yield Finding(
                step=step.index,
                message=(
                    f"'{name}' is shown for {visible.text} at {step.label}, but the page tells search engines "
                    f"and price comparison sites {declared.text}."
                ),
                evidence=[
                    Evidence("amount", f"Price shown at {step.label}", visible.text, step.index),
                    Evidence("amount", "Price in the page's structured data (JSON-LD)", declared.text, step.index),
                ],
                confidence="medium",
            )
        price = agreeing[0] if agreeing else (shown[0] if shown else declared)
        if price is None or not names:
            continue
        prices = [price, *(m for m in shown if m is not price)]
        later = [s for s in reached if s.index > step.index and s.role in compare_roles]
        differing = _charged_differently(later, names, prices, row_lines, tolerance)
        if differing:
            yield _charged_finding(step, name, price, differing)


def _charged_differently(
    later: list[StepRecord], names: list[str], prices: list[Money], row_lines: int, tolerance: Decimal
) -> list[tuple[StepRecord, Money, str]]:
    """(step, amount charged, the row as written) for each later step whose row for the product charges another price."""
    differing: list[tuple[StepRecord, Money, str]] = []
    for step in later:
        for candidate in names:
            row = _row_amounts(step.visible_text, candidate, row_lines)
            if row is None:
                continue
            charged = _charged(prices, row[0], row[1], tolerance)
            if charged is not None:
                differing.append((step, charged, row[0]))
            break
    return differing


def _charged_finding(step: StepRecord, name: str, price: Money, differing: list[tuple[StepRecord, Money, str]]) -> Finding:
    first, charged, _ = differing[0]
    more = ""
    if len(differing) > 1:
        more = " Also at " + ", ".join(f"{s.label}: {m.text}" for s, m, _ in differing[1:]) + "."
    direction = "more" if charged.amount > price.amount else "less"
    evidence = [Evidence("amount", f"Price shown at {step.label}", price.text, step.index)]
    for later, money, row in differing:
        evidence.append(Evidence("amount", f"Price charged at {later.label}", money.text, later.index))
        evidence.append(Evidence("text", f"The line at {later.label}", row, later.index))
    return Finding(
        step=first.index,
        message=(
            f"'{name}' cost {price.text} at {step.label}, but {first.label} charged {charged.text} "
            f"for it ({direction} than shown).{more}"
        ),
        evidence=evidence,
        confidence="medium",
    )
