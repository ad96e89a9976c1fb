"""The ledger's data: every claim the shop made to the customer, step by step (facts/ledger.py).

Part of :mod:`journeyaudit.model` (which re-exports these names), in its own file so the model stays
short enough to read. Standard library only, like the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class LedgerFact:
    """One customer-facing claim, where it was made and what it was read from."""

    kind: str  # price | item | fee | subtotal | total | availability | delivery | payment | order | message
    step: int  # step index
    source: str  # text | element | structured_data | data_layer | network
    text: str  # as the customer (or the data) said it
    label: str = ""  # item name, fee label, shipping method; '' when none
    amount: str | None = None  # decimal string, for money facts
    currency: str | None = None
    quantity: int | None = None
    state: str = ""  # availability: in_stock|low_stock|out_of_stock|pre_order; payment: accepted|refused|pending;
    #                  order: placed|confirmed|cancelled|failed; delivery: its normalised promise ("3-5 days")
    detail: dict[str, Any] = field(default_factory=dict)  # e.g. order number, chosen option, min/max days, date


@dataclass
class LedgerChange:
    """A claim that changed between two steps: 'Total' went from €44.80 at step 5 to €47.75 at step 6."""

    kind: str
    label: str
    before: str
    before_step: int
    after: str
    after_step: int


@dataclass
class Ledger:
    journey: str  # journey id
    facts: list[LedgerFact] = field(default_factory=list)
    changes: list[LedgerChange] = field(default_factory=list)
