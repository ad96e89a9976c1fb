"""JA201, late extra cost: a total that rises at the end of checkout by a cost the customer was not shown.

Independent of the shop's wording: a total that rises while the items and their
quantities did not change is an extra cost, and the new rows of the order summary
that add up to the difference (read by structure, :mod:`summary_block`, or as a
line with one amount) name it. The built-in fee words only help where no row adds
up exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from itertools import combinations
from typing import Any

from journeyaudit.facts import basket_rows, computed, html_tree, ledger, page_text, wording
from journeyaudit.facts import money as money_reader
from journeyaudit.facts.money import Money
from journeyaudit.model import Evidence, Finding, Run, StepRecord
from journeyaudit.rules.registry import rule

# A fee line that says it is already included in the price ("VAT (included)",
# "inkl. 19% MwSt.") does not add to what the customer pays.
_INCLUDED = re.compile(
    r"(?<!\w)(?:incl|inkl|inc|included|including|inclusive|enthalten|inclus|incluse|incluido|incluida)(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_PERSONAL_TOKENS = frozenset(
    "name given-name additional-name family-name email tel tel-national street-address address-line1 address-line2 "
    "address-level1 address-level2 postal-code country country-name organization bday".split()
)
_PERSONAL_WORDS = re.compile(
    r"(?<![a-z])(?:e-?mail|phone|telephone|mobile|tel|first ?name|last ?name|full ?name|surname|name|address|street|"
    r"city|town|zip|post ?code|postal ?code|plz|ort|stra(?:ss|ß)e|vorname|nachname|adresse|ville|nom|prénom|"
    r"code postal|calle|ciudad|nombre|apellidos?|código postal)(?![a-z])",
    re.IGNORECASE,
)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(page_text.normalise(text)))


def _base_label(label: str) -> str:
    """'Shipping (Standard)' -> 'shipping'; 'VAT 19%' -> 'vat': the label without qualifiers."""
    base = re.sub(r"\([^()]*\)|\[[^\[\]]*\]|\d+(?:[.,]\d+)?\s?%", " ", label)
    return page_text.normalise(base).strip(" :-–—")


def _same_money(a: Money, b: Money) -> bool:
    return a.amount == b.amount and money_reader.same_currency(a.currency, b.currency)


def details_step(run: Run) -> int | None:
    """The step at which the customer typed personal details (name, email, address, phone), or None."""
    for step in run.reached():
        for action in step.actions:
            if action.name != "fill":
                continue
            target = action.target or {}
            tokens = str(target.get("autocomplete", "")).lower().split()
            if tokens and tokens[-1] in _PERSONAL_TOKENS:
                return step.index
            if tokens and tokens[-1].startswith("cc-"):
                continue  # card details are payment, not the customer's identity
            if str(target.get("type", "")).lower() in ("email", "tel"):
                return step.index
            said = " ".join(str(target.get(k, "")) for k in ("name", "id", "label")).replace("_", " ")
            if _PERSONAL_WORDS.search(said) and not re.search(r"card|karte|carte|tarjeta|coupon|gift|search|promo", said, re.I):
                return step.index
    return None


def shown_before(label: str, money: Money, earlier: list[StepRecord], labels: list[str]) -> bool:
    """Was this cost (or its amount, next to a word of its label) on one of ``earlier`` pages?

    "Shipping (Standard) €4.90" counts as shown when an earlier page said
    "Standard — €4.90 — arrives in 3–5 business days" or "Shipping: Standard €4.90 or Express €9.90".
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


def chosen_with_price(money: Money, steps: list[StepRecord]) -> bool:
    """Was the amount the price of an option the customer saw while choosing (a shipping or payment method)?

    The option is a native radio, checkbox or select, or a custom one (an element with role
    radio, option or menuitemradio: "Standard Shipping $5.00" as a card of a radio group).
    """
    for step in steps:
        labels = [f.label for f in step.fields if f.type in ("radio", "checkbox", "select") or f.tag == "select"]
        for label in [*labels, *_custom_options(step)]:
            if any(_same_money(money, seen) for seen in money_reader.find_money(label)):
                return True
    return False


# every element of the page (its root's descendants and itself) with one of these roles; asking for a role
# first leaves the three comparisons to the few elements that have one (a third of the time)
_CUSTOM_OPTIONS = "descendant-or-self::*[@role][@role='radio' or @role='option' or @role='menuitemradio']"


def _custom_options(step: StepRecord) -> list[str]:
    """The texts of the page's custom choice controls (ARIA radios and options), at most 100; read once per
    judged run (every amount of the journey asks each step)."""
    return computed.memo(step, "custom_options", lambda: _read_custom_options(step))


def _read_custom_options(step: StepRecord) -> list[str]:
    soup = computed.soup(step)
    if soup is None:
        return []
    return [element.get_text(" ", strip=True)[:200] for element in html_tree.xpath(soup, _CUSTOM_OPTIONS)[:100]]


# ---- the costs of a step -----------------------------------------------------------


def _rows(step: StepRecord) -> list[tuple[str, Money, str]]:
    """(label, amount, as written) of the step's summary rows and non-product item rows; lines with one amount
    when the page has no such structure."""
    block = computed.basket_block(step)
    rows = [(r.label, r.amount, r.text) for r in block.summary]
    rows += [(i.name, i.line, i.text) for i in block.items if i.line is not None]
    if rows:
        return rows
    found = []
    for line in page_text.lines(step.visible_text):
        amounts = money_reader.find_money(line)
        if len(amounts) == 1:
            label = " ".join(line.replace(amounts[0].text, " ").split()).strip(" :–—-=\t")
            if _WORD.search(label) and len(label) <= 80:
                found.append((label, amounts[0], line))
    return found


def _is_named(label: str, names: tuple[str, ...]) -> bool:
    norm = page_text.normalise(label)
    return any(norm == page_text.normalise(n) or norm.startswith(page_text.normalise(n) + " ") for n in names)


def _new_rows(step: StepRecord, before: StepRecord, ends: set[Decimal], labels: ledger.Labels,
              products: list[str]) -> list[tuple[str, Money, str]]:
    """Rows of ``step`` with a positive amount that ``before`` did not have: no total, subtotal or product."""
    old = {(_base_label(label), money.amount) for label, money, _ in _rows(before)}
    rows = []
    for label, money, text in _rows(step):
        if money.amount <= 0 or money.amount in ends or (_base_label(label), money.amount) in old:
            continue
        if _INCLUDED.search(text) or _is_named(label, (*labels.total, *labels.subtotal)):
            continue
        if basket_rows.is_chosen(label, products, ""):
            continue
        rows.append((label, money, text))
    return rows


def _explaining(rows: list[tuple[str, Money, str]], growth: Decimal) -> list[tuple[str, Money, str]]:
    """The fewest rows whose amounts add up to the growth of the total (at most 3 of the first 10)."""
    unique: list[tuple[str, Money, str]] = []
    for row in rows:
        if not any(row[1].amount == u[1].amount and _words(row[0]) & _words(u[0]) for u in unique):
            unique.append(row)
    for size in (1, 2, 3):
        for combo in combinations(unique[:10], size):
            if sum(r[1].amount for r in combo) == growth:
                return list(combo)
    return []


def _same_items(book: Any, before: int, now: int) -> bool:
    """Did the items and quantities stay as they were (as far as both pages show them)?"""
    now_items = {page_text.normalise(f.label): f for f in ledger.items_at(book, now)}
    for item in ledger.items_at(book, before):
        later = now_items.get(page_text.normalise(item.label))
        if later is not None and item.quantity and later.quantity and item.quantity != later.quantity:
            return False
    return True


@rule(
    "JA201",
    "late-extra-cost",
    title="A fee appears first at a late step and raises the total",
    severity="high",
    roles=["payment", "review", "confirmation"],
    options={
        "late_roles": ["review", "confirmation"],
        "after_details": True,
        "fee_labels": list(wording.FEE_LABELS),
        "total_labels": list(wording.TOTAL_LABELS),
        "subtotal_labels": list(wording.SUBTOTAL_LABELS),
    },
)
def late_extra_cost(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A cost the customer was not shown before handing over their details raises the total late in checkout.

    Extra costs that appear late (a service, handling, payment or shipping fee
    first seen at payment or on the review page) are the most common reason customers give for
    abandoning a checkout (research H5; Baymard: extra costs too high or shown
    too late). The customer who does pay feels tricked, and asks for refunds.

    The rule does not depend on the shop's words. A total that rises while the
    items and their quantities stay the same is an extra cost; the rows of the
    order summary that were not there before and add up to the rise are its
    label ("Card processing fee £3.95", "Flat rate shipping: $10.00", whatever
    the wording and wherever the label stands). Rows are read by structure
    (summary rows: a label and one amount; order lines that are no product the
    customer chose), or as lines with one amount on a page without structure.
    Where no rows add up exactly, fee lines found by ``fee_labels`` that the
    rise covers are the cost (the old, worded reading). Rows written as
    included ("VAT (incl.)") never count.

    A cost is late when it was not shown, not even as an estimate (its amount
    next to a word of its label), on any page up to the one where the customer
    typed personal details (name, email, address, phone: ``after_details``,
    default on), whether it then appears at the payment step or at review. A
    price the customer saw while choosing (a shipping or payment method with
    its price, as a native radio or select or a custom one: ``role=radio`` or
    ``option``) is never late. Steps with one of ``late_roles`` (default review,
    confirmation) are judged too, and are all that is judged when the journey
    types no personal details or ``after_details`` is off; then "shown before"
    means on any earlier page. The rise is measured from the last earlier total
    (``total_labels``), or failing that the last earlier subtotal
    (``subtotal_labels``); a journey's ``total_selector`` / ``subtotal_selector``
    hints take precedence. A cost is reported once, at the first step it raised
    the total.

    Evidence: the cost as written with its amount and step, the earlier and the
    new total with their steps. Confidence is medium: totals and rows are read
    from the page. Not applicable to a journey without a payment, review or
    confirmation step; silent when no earlier step showed a total or a subtotal.
    """
    late_roles = set(options.get("late_roles") or ())
    labels = ledger.Labels.from_options(options)
    fee_labels = list(labels.fee)
    book = ledger.build(run, labels)
    shown = ("element", "text")  # what the customer saw (a hinted element, else the page text)
    totals = {f.step: ledger.as_money(f) for f in ledger.facts(book, "total", sources=shown)}
    subtotals = {f.step: ledger.as_money(f) for f in ledger.facts(book, "subtotal", sources=shown)}
    reached = run.reached()
    details = details_step(run) if options.get("after_details", True) else None
    products = basket_rows.chosen_names(run)
    reported: set[tuple[str, Decimal]] = set()
    for position, step in enumerate(reached):
        if step.role not in late_roles and (details is None or step.index <= details):
            continue
        earlier = reached[:position]
        total_now = totals.get(step.index)
        reference = _last_amount(earlier, totals) or _last_amount(earlier, subtotals)
        if total_now is None or reference is None:
            continue
        ref_step, ref_total = reference
        growth = total_now.amount - ref_total.amount
        if growth <= 0 or not money_reader.same_currency(total_now.currency, ref_total.currency):
            continue
        if not _same_items(book, ref_step.index, step.index):
            continue
        worded = [(f.label, ledger.as_money(f), f.text) for f in ledger.facts(book, "fee", step=step.index, sources=shown)]
        worded = [w for w in worded if w[1].amount > 0 and not _INCLUDED.search(w[0])]
        rows = _new_rows(step, ref_step, {total_now.amount, ref_total.amount}, labels, products)
        costs = _explaining([*rows, *worded], growth) or [w for w in worded if w[1].amount <= growth]
        announced = [s for s in earlier if details is None or s.index <= details]
        for label, money, _ in costs:
            key = (_base_label(label), money.amount)
            if key in reported or chosen_with_price(money, [*earlier, step]):
                continue
            if shown_before(label, money, announced, fee_labels):
                continue
            reported.add(key)
            yield _finding(step, label, money, ref_step, ref_total, total_now)


def _finding(step: StepRecord, label: str, money: Money, ref_step: StepRecord, ref_total: Money, total_now: Money) -> Finding:
    return Finding(
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
