"""The promise ledger: every claim a shop makes to the customer, step by step.

A shop makes promises all along a journey: a price on the product page, "In
stock", "arrives in 3-5 business days", a total on the review page, "Payment
received", "Your order KC-10234 is confirmed". The rules that matter most to a
customer ask whether those promises were kept at step 6. ``build(run)`` reads
them once, from the recorded run, as typed facts (:class:`model.LedgerFact`)
with the step and the evidence they came from:

* ``text``: the rendered visible text (labels from the built-in defaults, or the
  caller's labels for another shop and language);
* ``element``: an HTML element (a table row, a checked option, a disabled
  "Add to cart" button, an element named by a journey hint);
* ``structured_data``: JSON-LD ``Offer`` price and availability;
* ``data_layer``: analytics ``ecommerce`` events (items, purchase value);
* ``network``: same-origin JSON responses, when the recorder kept them.

``changes`` lists the claims whose value changed from one step to a later one.
Pure: no browser, no network, no files (rules and reports both use it).
The words it looks for are in :mod:`ledger_words`, its readers per kind of
claim in :mod:`ledger_readers`; this module builds, compares and answers.
Accessors (``final_total``, ``order_state``, ``order_number``, ``payment_state``,
``items_at``, ``facts``) give other modules a simple way in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from journeyaudit.facts import computed, page_text
from journeyaudit.facts.computed import customer_texts
from journeyaudit.facts.delivery import parse_promise
from journeyaudit.facts.ledger_readers import Builder, read_step
from journeyaudit.facts.ledger_words import (
    ADD_TO_CART_PHRASES,
    HINT_KEYS,
    ORDER_CANCELLED_PHRASES,
    ORDER_CONFIRMED_PHRASES,
    ORDER_FAILED_PHRASES,
    PAYMENT_ACCEPTED_PHRASES,
    PAYMENT_PENDING_PHRASES,
    PRE_ORDER_PHRASES,
    SOURCE_ORDER,
    Labels,
    is_summary_line,
    labels_for_audit,
    mentions,
    page_heading,
    product_names,
    shown_prices,
)
from journeyaudit.facts.money import Money
from journeyaudit.model import Ledger, LedgerChange, LedgerFact, Run

__all__ = [
    "ADD_TO_CART_PHRASES",
    "HINT_KEYS",
    "ORDER_CANCELLED_PHRASES",
    "ORDER_CONFIRMED_PHRASES",
    "ORDER_FAILED_PHRASES",
    "PAYMENT_ACCEPTED_PHRASES",
    "PAYMENT_PENDING_PHRASES",
    "PRE_ORDER_PHRASES",
    "SOURCE_ORDER",
    "Labels",
    "as_money",
    "labels_for_audit",
    "build",
    "customer_texts",
    "facts",
    "final_total",
    "is_summary_line",
    "items_at",
    "mentions",
    "order_number",
    "order_state",
    "page_heading",
    "parse_promise",
    "payment_state",
    "product_names",
    "shown_prices",
]


def build(run: Run, labels: Labels | None = None, hints: Mapping[str, Any] | None = None) -> Ledger:
    """The ledger of one recorded run: its facts in step order, and the changes between steps.

    ``labels`` default to the built-in EN/DE/FR/ES lists; ``hints`` to the run's
    journey hints (``total_selector``, ``price_selector``... see HINT_KEYS).
    While the judge judges the run, every rule asking with the same labels gets
    the same ledger (:mod:`computed`): callers must not change it.
    """
    labels = labels or Labels()
    hints = dict(run.hints if hints is None else hints)
    key = ("ledger", labels, tuple(sorted((k, str(v)) for k, v in hints.items())))
    return computed.memo(run, key, lambda: _build(run, labels, hints))


def _build(run: Run, labels: Labels, hints: dict[str, Any]) -> Ledger:
    builder = Builder(run, labels, hints)
    for step in run.reached():
        read_step(builder, step)
    ledger = Ledger(journey=run.journey_id, facts=builder.facts)
    ledger.changes = _changes(ledger.facts)
    return ledger


# ==========================================================================
# Changes and accessors
# ==========================================================================


def _key(fact: LedgerFact) -> tuple[str, str] | None:
    if fact.kind in ("total", "subtotal"):
        return fact.kind, fact.kind
    if fact.kind in ("item", "price", "fee"):
        return ("item" if fact.kind == "price" else fact.kind), page_text.normalise(fact.label)
    if fact.kind in ("availability", "delivery") and fact.label:
        return fact.kind, page_text.normalise(fact.label)
    if fact.kind in ("payment", "order"):
        return fact.kind, fact.kind
    return None


def _shown(fact: LedgerFact) -> str:
    if fact.amount is not None and fact.kind != "item":
        return _money_text(fact)
    if fact.kind == "item" and fact.amount is not None:
        quantity = f"{fact.quantity} × " if fact.quantity else ""
        return f"{quantity}{_money_text(fact)}"
    return fact.state or fact.text


def _money_text(fact: LedgerFact) -> str:
    return f"{Decimal(fact.amount or 0):.2f} {fact.currency or ''}".strip()


def _changes(all_facts: list[LedgerFact]) -> list[LedgerChange]:
    """Claims (per kind and label, the customer-visible sources first) whose value changed at a later step."""
    last: dict[tuple[str, str], LedgerFact] = {}
    changes: list[LedgerChange] = []
    for fact in _primary(all_facts):
        key = _key(fact)
        if key is None:
            continue
        before = last.get(key)
        if before is not None and before.step != fact.step and _differs(_value(before), _value(fact)):
            changes.append(LedgerChange(fact.kind, fact.label or fact.kind, _shown(before), before.step, _shown(fact), fact.step))
        last[key] = fact
    return changes


def _differs(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    """Values differ where both are known: a page that does not repeat a quantity has not changed it."""
    return any(x is not None and y is not None and x != y for x, y in zip(a, b))


def _value(fact: LedgerFact) -> tuple[Any, ...]:
    if fact.kind in ("item", "price"):
        return (Decimal(fact.amount) if fact.amount is not None else None, fact.currency, fact.quantity)
    if fact.amount is not None:
        return (Decimal(fact.amount), fact.currency, None)
    return (fact.state, None, None)


def _primary(all_facts: list[LedgerFact]) -> list[LedgerFact]:
    """One fact per (step, kind, label): the one the customer saw (element or text) before data."""
    chosen: dict[tuple[int, str, str], LedgerFact] = {}
    for fact in all_facts:
        key = _key(fact)
        if key is None:
            continue
        slot = (fact.step, *key)
        current = chosen.get(slot)
        if current is None or _rank(fact) < _rank(current):
            chosen[slot] = fact
    return sorted(chosen.values(), key=lambda f: f.step)


def _rank(fact: LedgerFact) -> tuple[bool, int]:
    """What the customer saw first; an enabled "Add to cart" button only when nothing says more."""
    return fact.state == "buyable", SOURCE_ORDER.index(fact.source)


def facts(ledger: Ledger, kind: str | None = None, step: int | None = None, sources: Iterable[str] | None = None) -> list[LedgerFact]:
    """The ledger's facts, optionally of one kind, at one step, from some sources."""
    allowed = set(sources) if sources is not None else None
    return [
        f for f in ledger.facts
        if (kind is None or f.kind == kind) and (step is None or f.step == step) and (allowed is None or f.source in allowed)
    ]


def _last(ledger: Ledger, kind: str) -> LedgerFact | None:
    found = [f for f in _primary(ledger.facts) if f.kind == kind]
    return found[-1] if found else None


def as_money(fact: LedgerFact) -> Money:
    """A money fact as the built-in Money, written as the page wrote it ("€44.80")."""
    amount = Decimal(fact.amount or 0)
    return Money(amount, fact.currency, str(fact.detail.get("shown") or f"{amount} {fact.currency or ''}".strip()))


def final_total(ledger: Ledger) -> LedgerFact | None:
    """The last total the customer was shown (page text or a hinted element before analytics data)."""
    return _last(ledger, "total")


def payment_state(ledger: Ledger) -> str | None:
    """accepted | refused | pending, as last shown; None when the shop never said."""
    fact = _last(ledger, "payment")
    return fact.state if fact else None


def order_state(ledger: Ledger) -> str | None:
    """placed | confirmed | cancelled | failed, as last shown; None when no order was mentioned."""
    last_step = max((f.step for f in ledger.facts if f.kind == "order"), default=None)
    if last_step is None:
        return None
    states = {f.state for f in ledger.facts if f.kind == "order" and f.step == last_step}
    for state in ("cancelled", "failed", "confirmed", "placed"):  # bad news wins over a cheerful header
        if state in states:
            return state
    return None


def order_number(ledger: Ledger) -> str | None:
    """The order number the shop gave, from the page or its purchase event."""
    for fact in reversed(ledger.facts):
        if fact.kind == "order" and fact.detail.get("number"):
            return str(fact.detail["number"])
    return None


def items_at(ledger: Ledger, step: int) -> list[LedgerFact]:
    """The line items the page of ``step`` listed (one per name; what the customer saw first)."""
    return [f for f in _primary(ledger.facts) if f.kind == "item" and f.step == step]

