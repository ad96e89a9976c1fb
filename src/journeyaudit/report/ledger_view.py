"""The promise ledger as a per-journey table for the HTML report (templates/_ledger.html).

Rows are claims (an item's price, the total, a fee, the delivery promise, the
payment and order state), columns are the steps that made any claim; a cell
that differs from the row's previous value is marked as a change. Values from
other sources at the same step that disagree with what the customer saw
(structured data, analytics events, JSON responses) are listed with the cell.
All text stays plain: the template escapes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from journeyaudit.facts import ledger as ledger_mod
from journeyaudit.model import Ledger, LedgerFact, Result, Run

KIND_LABELS = {
    "item": "Item",
    "price": "Item",
    "subtotal": "Subtotal",
    "fee": "Fee",
    "total": "Total",
    "availability": "Availability",
    "delivery": "Delivery",
    "payment": "Payment",
    "order": "Order",
}
KIND_ORDER = ("item", "availability", "subtotal", "fee", "total", "delivery", "payment", "order")
SOURCE_LABELS = {
    "text": "page text",
    "element": "page element",
    "structured_data": "structured data (JSON-LD)",
    "data_layer": "analytics (dataLayer)",
    "network": "JSON response",
}
STATE_LABELS = {
    "in_stock": "in stock",
    "low_stock": "low stock",
    "out_of_stock": "out of stock",
    "pre_order": "pre-order",
    "buyable": "can be added to cart",
}


@dataclass
class LedgerCell:
    value: str = ""
    title: str = ""  # what the page said, and where it was read from
    changed: bool = False
    others: list[str] = field(default_factory=list)  # other sources that disagree


@dataclass
class LedgerRow:
    label: str
    cells: list[LedgerCell]
    changed: bool = False


@dataclass
class LedgerTable:
    steps: list[tuple[int, str]]  # (index, name)
    rows: list[LedgerRow]
    changes: list[str]


def ledger_views(result: Result, runs: Mapping[str, Run]) -> dict[str, LedgerTable]:
    """journey id -> its ledger table, from result.json's ledgers or, failing that, the recorded runs."""
    ledgers = {item.journey: item for item in getattr(result, "ledgers", []) or []}
    for journey_id, run in runs.items():
        if journey_id not in ledgers and run is not None:
            try:
                ledgers[journey_id] = ledger_mod.build(run)
            except Exception:  # noqa: BLE001 - a report without the table beats no report
                continue
    names = {}
    for journey_id, run in runs.items():
        if run is not None:
            names[journey_id] = {step.index: step.name for step in run.steps}
    return {journey_id: table(item, names.get(journey_id, {})) for journey_id, item in ledgers.items() if item.facts}


def _value(fact: LedgerFact) -> str:
    if fact.amount is not None:
        shown = fact.detail.get("shown") if fact.source in ("text", "element") else None
        if fact.kind == "item" and (fact.quantity or 1) != 1:
            shown = None  # the row's amount may be the line's total; show the unit price
        money = str(shown) if shown and "×" not in str(shown) else f"{Decimal(fact.amount):,.2f} {fact.currency or ''}".strip()
        return f"{fact.quantity} × {money}" if fact.kind == "item" and fact.quantity else money
    if fact.kind == "order" and fact.detail.get("number"):
        return f"{fact.state} ({fact.detail['number']})"
    return STATE_LABELS.get(fact.state, fact.state) or fact.text


def _key(fact: LedgerFact) -> tuple[str, str] | None:
    kind = "item" if fact.kind == "price" else fact.kind
    if kind not in KIND_ORDER or (kind == "delivery" and fact.detail.get("dispatch")):
        return None
    return kind, fact.label if kind in ("item", "fee", "availability", "delivery") else ""


def table(item: Ledger, step_names: Mapping[int, str]) -> LedgerTable:
    """One journey's ledger as rows of claims over the steps that made them."""
    by_cell: dict[tuple[str, str], dict[int, list[LedgerFact]]] = {}
    for fact in item.facts:
        key = _key(fact)
        if key is not None:
            by_cell.setdefault(key, {}).setdefault(fact.step, []).append(fact)
    steps = sorted({step for cells in by_cell.values() for step in cells})
    order = {kind: n for n, kind in enumerate(KIND_ORDER)}
    rows = []
    for key in sorted(by_cell, key=lambda k: (order[k[0]], min(by_cell[k]))):
        kind, label = key
        cells: list[LedgerCell] = []
        previous: tuple | None = None
        any_change = False
        for step in steps:
            found = by_cell[key].get(step, [])
            if not found:
                cells.append(LedgerCell())
                continue
            found.sort(key=lambda f: (f.state == "buyable", ledger_mod.SOURCE_ORDER.index(f.source)))
            main = found[0]
            value = _value(main)
            others = sorted({
                f"{_value(f)} in {SOURCE_LABELS.get(f.source, f.source)}"
                for f in found[1:]
                if f.amount is not None and main.amount is not None and Decimal(f.amount) != Decimal(main.amount)
            })
            compare = _compare(main)
            changed = previous is not None and compare is not None and compare != previous
            any_change = any_change or changed or bool(others)
            cells.append(LedgerCell(value, f"{main.text} ({SOURCE_LABELS.get(main.source, main.source)})", changed, others))
            previous = compare if compare is not None else previous
        name = KIND_LABELS[kind] + (f": {label}" if label else "")
        rows.append(LedgerRow(name, cells, any_change))
    def where(index: int) -> str:
        return f"'{step_names[index]}' (step {index})" if index in step_names else f"step {index}"

    def said(value: str) -> str:
        return STATE_LABELS.get(value, value.replace("_", " "))

    changes = []
    for c in item.changes:
        name = KIND_LABELS.get(c.kind, c.kind) + (f" '{c.label}'" if c.kind not in ("total", "subtotal", "payment", "order") else "")
        changes.append(f"{name}: {said(c.before)} at {where(c.before_step)}, {said(c.after)} at {where(c.after_step)}")
    return LedgerTable([(s, step_names.get(s, f"Step {s}")) for s in steps], rows, changes)


def _compare(fact: LedgerFact) -> tuple | None:
    """What a cell claims, for spotting a change: an amount and currency, or a state ('1 ×' and '€' aside)."""
    if fact.amount is not None:
        return Decimal(fact.amount), (fact.currency or "").upper()
    return (fact.state or fact.text,) if fact.kind != "item" else None
