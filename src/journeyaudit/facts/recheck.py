"""An order refused without a cause, and what the product pages said when looked at again.

When the shop refuses the order with a message that names no cause ("We could not place
your order", "Internal Server Error (500)"), a customer goes back to the product page to
see why. The recorder does the same (``gather/recheck.py``): after such a refusal it opens
the journey's product pages again and keeps each as a *recheck* snapshot
(``Run.rechecks``, role ``recheck``, with the index of the product step it looks at again).

:func:`unexplained_refusal` says whether a run needs that look (the one notion shared by
the recorder and the rules); :func:`changes` compares each product page with its recheck
through the promise ledger: the item is now unavailable ("Sold out", its buy button
disabled), or its price changed. Pure: facts only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from journeyaudit.facts import ledger, message_kinds
from journeyaudit.model import Ledger, Run, StepRecord

#: the steps where an order is refused: the basket and the checkout's last stretch
ORDER_ROLES = ("cart", "payment", "review", "confirmation")
MAX_RECHECKS = 5


@dataclass(frozen=True)
class Refusal:
    step: StepRecord
    message: message_kinds.Message


@dataclass(frozen=True)
class Change:
    """What a product page said when looked at again, against what it said during the journey."""

    product: StepRecord  # the journey's product step
    recheck: StepRecord  # the same page, looked at again after the refusal
    name: str  # the product's name
    kind: str  # unavailable | price
    before: str  # what the product step said (the availability claim, or the price)
    now: str  # what the recheck says ("Sold out", "Add to cart (disabled)", or the new price)


def unexplained_refusal(run: Run) -> Refusal | None:
    """The first step after a product page at which the shop refused the order with a message that names no cause.

    A refusal (``message_kinds.refusal``) whose quality is generic or internal: it says
    neither what went wrong nor what to do. A refusal that names its cause ("Sorry,
    AeroPress Go is no longer available") needs no second look.
    """
    seen_product = False
    for step in run.reached():
        if step.role == "product":
            seen_product = True
            continue
        if not seen_product or step.role not in ORDER_ROLES:
            continue
        said = message_kinds.refusal(step)
        if said is not None and said.kind == "refusal" and said.quality != "specific":
            return Refusal(step, said)
    return None


def product_pages(run: Run, before: int) -> list[StepRecord]:
    """The journey's product steps before step ``before`` that showed a page, one per URL, at most MAX_RECHECKS."""
    out: list[StepRecord] = []
    for step in run.reached():
        if step.role == "product" and step.index < before and step.url and step.url not in {s.url for s in out}:
            out.append(step)
    return out[:MAX_RECHECKS]


def changes(run: Run) -> list[Change]:
    """What each recheck shows that its product step did not: the item now unavailable, or a new price."""
    if not run.rechecks:
        return []
    looked = [r for r in run.rechecks if r.status != "failed"]
    # the ledger reads a page as a product page by its role: read each recheck as one
    now_run = replace(run, steps=[replace(r, role="product") for r in looked], rechecks=[])
    then = ledger.build(run)
    now = ledger.build(now_run, hints={})
    out: list[Change] = []
    for recheck in looked:
        product = next((s for s in run.steps if s.index == recheck.index and s.role == "product"), None)
        if product is None:
            continue
        names = ledger.product_names(product)
        name = names[0] if names else product.name
        change = _unavailable(then, now, product, recheck, name) or _repriced(then, now, product, recheck, name)
        if change is not None:
            out.append(change)
    return out


def _unavailable(then: Ledger, now: Ledger, product: StepRecord, recheck: StepRecord, name: str) -> Change | None:
    before = ledger.facts(then, "availability", step=product.index)
    after = ledger.facts(now, "availability", step=recheck.index)
    was_buyable = not any(f.state == "out_of_stock" for f in before)
    gone = [f for f in after if f.state == "out_of_stock"]
    if not was_buyable or not gone:
        return None
    text = next((f.text for f in gone if f.source == "text"), None)
    button = next((f for f in gone if f.source == "element"), None)
    now_says = text or (f"{button.text or 'Add to cart'} (disabled)" if button else gone[0].text)
    claim = next((f.text for f in before if f.state in ("in_stock", "low_stock", "buyable")), "")
    return Change(product, recheck, name, "unavailable", claim, now_says)


def _repriced(then: Ledger, now: Ledger, product: StepRecord, recheck: StepRecord, name: str) -> Change | None:
    before = [f for f in ledger.facts(then, "price", step=product.index) if f.amount]
    after = [f for f in ledger.facts(now, "price", step=recheck.index) if f.amount]
    if not before or not after or before[0].amount == after[0].amount or before[0].currency != after[0].currency:
        return None
    return Change(product, recheck, name, "price", before[0].text, after[0].text)
