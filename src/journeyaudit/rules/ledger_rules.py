"""Promises broken along the way: rules that read the promise ledger (ledger.py).

JA203 sneaked-item, JA204 delivery-promise-drift, JA305 contradictory-message.
Each compares what the shop told the customer at one step with what it did or
said at another, using the typed facts ``ledger.build(run)`` reads once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from journeyaudit.facts import ledger, money, page_text, phrase_search, wording
from journeyaudit.model import Evidence, Finding, LedgerFact, Run, StepRecord
from journeyaudit.rules.journey_rules import THANK_YOU_PHRASES, customer_texts, full_stop, page_evidence, quote
from journeyaudit.rules.registry import rule

# --------------------------------------------------------------------------
# JA203 sneaked-item
# --------------------------------------------------------------------------

ADD_ON_WORDS: tuple[str, ...] = (
    "insurance", "protection", "protect", "warranty", "cover", "care plan", "donate", "donation", "subscribe",
    "subscription", "membership", "gift wrap", "priority",
    "versicherung", "schutz", "garantie", "spende", "abo", "abonnement", "mitgliedschaft", "geschenkverpackung",
    "assurance", "garantie", "don", "adhésion", "emballage cadeau",
    "seguro", "protección", "garantía", "donación", "suscripción", "envoltorio de regalo",
)


def _chosen_names(run: Run) -> list[str]:
    """What the customer chose: the products of the product pages they visited, and items their clicks named."""
    names: list[str] = []
    for step in run.reached():
        if step.role == "product":
            names.extend(n for n in ledger.product_names(step) if n not in names)
    return names


def _clicked(run: Run) -> str:
    return " ".join(
        " ".join([action.description, *(str(v) for v in (action.target or {}).values())])
        for step in run.reached()
        for action in step.actions
        if action.name in ("click", "check", "select", "fill")
    )


_NAME_WORD = re.compile(r"[^\W_]{2,}")


def _words(name: str) -> set[str]:
    return set(_NAME_WORD.findall(page_text.normalise(name)))


def _is_chosen(name: str, chosen: list[str], clicked: str) -> bool:
    """Is a basket row one of the customer's choices? The same name, one inside the other, or mostly the same words.

    "Hario V60 Ceramic Dripper 02" on the product page and "Hario V60 - White / 02"
    in the cart are the same choice (a variant); "Brew Care Plan (2 years)" is not.
    """
    if any(ledger.mentions(name, c) or ledger.mentions(c, name) for c in chosen) or ledger.mentions(clicked, name):
        return True
    mine = _words(name)
    return any(mine and len(mine & _words(c)) >= max(2, (len(mine) + 1) // 2) for c in chosen)


def _money_of(fact: LedgerFact) -> str:
    amount = Decimal(fact.amount or 0)
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(fact.currency or "", "")
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {fact.currency or ''}".strip()


@rule(
    "JA203",
    "sneaked-item",
    title="The basket holds an item or paid option the customer did not choose",
    severity="high",
    roles=["cart", "review", "confirmation"],
    options={
        "basket_roles": ["cart", "review", "confirmation"],
        "add_on_words": list(ADD_ON_WORDS),
    },
)
def sneaked_item(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The basket holds a paid item or option that the customer never chose.

    "Sneak into basket": an insurance, a care plan, a donation or a second
    product is added to the order without the customer asking, or through a
    checkbox that is ticked before the customer sees it (research H8; Mathur
    et al. 2019). The customer pays for something they did not want, or has to
    notice it and take it out; many only find it on their statement.

    The rule reads the ledger's line items (table rows, "2 × Name" lines and the
    analytics items of steps with one of ``basket_roles``, default cart, review
    and confirmation) and reports each paid item that is neither a product whose
    page the customer visited (its JSON-LD name or heading) nor named by one of
    the customer's clicks, checks or selections. It also reports a checkbox that
    was already ticked when the customer saw it (no ``check`` action of the
    journey ticked it) whose label carries an amount of money or one of
    ``add_on_words`` ("insurance", "protection", "donation", "Versicherung"...).

    One finding per item or option, at the first step that shows it. Evidence:
    the row or the option's label with its step, and the products the customer
    did choose. Confidence is medium: items are recognised from the page's rows.
    Not applicable to a journey without a cart, review or confirmation step;
    silent on a journey with no product step (nothing is known to be chosen).
    """
    chosen = _chosen_names(run)
    if not chosen:
        return
    clicked = _clicked(run)
    book = ledger.build(run)
    roles = set(options.get("basket_roles") or ())
    steps = {step.index: step for step in run.reached()}
    reported: set[str] = set()
    for step in run.reached():
        if step.role not in roles:
            continue
        for item in ledger.items_at(book, step.index):
            key = page_text.normalise(item.label)
            if key in reported or item.amount is None or Decimal(item.amount) <= 0:
                continue
            if _is_chosen(item.label, chosen, clicked):
                continue
            reported.add(key)
            later = [s for s in run.reached() if s.index > step.index and any(
                page_text.normalise(f.label) == key for f in ledger.items_at(book, s.index))]
            still = f" It was still in the order at {later[-1].label}." if later else ""
            yield Finding(
                step=step.index,
                message=(
                    f"'{item.label}' ({_money_of(item)}) was in the basket at {step.label}, but the customer "
                    f"only chose {', '.join(repr(c) for c in chosen[:3])}.{still}"
                ),
                evidence=[
                    Evidence("text", f"Item at {step.label}", item.text, step.index),
                    Evidence("text", "What the customer chose", ", ".join(chosen), None),
                    *(Evidence("text", f"Still in the order at {s.label}", s.label, s.index) for s in later[-1:]),
                    *(e for e in page_evidence(steps[step.index]) if e.kind in ("url", "screenshot")),
                ],
                confidence="medium",
            )
    yield from _pre_ticked_options(run, list(options.get("add_on_words") or ()), reported)

def _pre_ticked_options(run: Run, words: list[str], reported: set[str]) -> Iterator[Finding]:
    """Paid options (an amount, or an add-on word, in the label) already ticked when the customer saw them."""
    for step in run.reached():
        for form_field in step.fields:
            if form_field.type != "checkbox" or not form_field.checked or not form_field.visible or not form_field.label:
                continue
            key = "option:" + page_text.normalise(form_field.label)
            if key in reported or _ticked_by_customer(run, step, form_field):
                continue
            amounts = [m for m in money.find_money(form_field.label) if m.amount > 0]
            if not amounts and not phrase_search.find_phrases(form_field.label, words):
                continue
            reported.add(key)
            yield Finding(
                step=step.index,
                message=full_stop(
                    f"At {step.label} the paid option '{quote(form_field.label, 120)}' was already ticked; "
                    "the customer never chose it"
                ),
                evidence=[
                    Evidence("field", f"Ticked option at {step.label}", form_field.label, step.index),
                    *(e for e in page_evidence(step) if e.kind in ("url", "screenshot")),
                ],
                confidence="medium",
            )


def _ticked_by_customer(run: Run, upto: StepRecord, form_field) -> bool:
    names = {v for v in (form_field.id, form_field.name, form_field.label) if v}
    for step in run.reached():
        if step.index > upto.index:
            break
        for action in step.actions:
            if action.name not in ("check", "click"):
                continue
            words = " ".join([action.description, *(str(v) for v in (action.target or {}).values())])
            if any(name in words for name in names):
                return True
    return False


# --------------------------------------------------------------------------
# JA204 delivery-promise-drift
# --------------------------------------------------------------------------


def _method_key(label: str) -> frozenset[str]:
    return frozenset(re.findall(r"[^\W\d_]{3,}", page_text.normalise(label)))


def _same_method(a: str, b: str) -> bool:
    ka, kb = _method_key(a), _method_key(b)
    return bool(ka and kb and (ka <= kb or kb <= ka))


@rule(
    "JA204",
    "delivery-promise-drift",
    title="The delivery promise changes between steps",
    severity="medium",
    roles=["shipping", "review", "confirmation"],
    options={"from_roles": ["product", "cart", "shipping", "payment", "review"]},
)
def delivery_promise_drift(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The delivery date or speed promised before the order differs from the one given later.

    The customer chose a shipping option for its promise ("arrives in 3–5
    business days", "get it by Friday"). When the confirmation or a later step
    promises another date or speed, the customer plans around a date the shop
    does not keep, or learns only after paying that it will be late (research
    H9; Baymard: delivery dates drive the choice of shipping).

    The ledger reads delivery promises per step: the label of the ticked
    shipping option, and lines that name a delivery speed or date with a
    delivery word ("arrives", "delivery", "Lieferung", "livraison", "entrega";
    ranges such as "3–5 business days", "1-2 Werktage", "tomorrow", dates such
    as "5 December" or "05.12."). Dispatch times ("ships in 1–2 days") and
    return periods are left out. When the customer ticked an option, only that
    method's promises count (lines naming another method, like the cart's
    "Express: arrives tomorrow", are left out). The last promise seen at a step
    with one of ``from_roles`` is the promise; the first later step that gives
    the same method a different speed or date is reported.

    One finding per journey. Evidence: the promise with its step and the later
    one. Confidence is medium: promises are read from the page's wording. Not
    applicable to a journey without a shipping, review or confirmation step.
    """
    book = ledger.build(run)
    from_roles = set(options.get("from_roles") or ())
    steps = {step.index: step for step in run.reached()}
    promises = [f for f in ledger.facts(book, "delivery") if not f.detail.get("dispatch") and f.step in steps]
    chosen = next((f.label for f in reversed(promises) if f.detail.get("chosen") and f.label), "")
    promised: dict[frozenset[str], LedgerFact] = {}  # per method: the last promise before the order
    for fact in promises:
        method = fact.label or chosen
        if chosen and method and not _same_method(method, chosen):
            continue  # another method's promise ("Express: arrives tomorrow") is not the customer's
        key = _method_key(method)
        before = promised.get(key)
        if before is not None and fact.step > before.step and fact.state != before.state:
            then, now = steps[before.step], steps[fact.step]
            name = f"{method} delivery" if method else "Delivery"
            slower = (fact.detail.get("max_days") or 0) > (before.detail.get("max_days") or 0)
            yield Finding(
                step=fact.step,
                message=(
                    f"{name} was promised as '{quote(before.text, 100)}' at {then.label}; at {now.label} the shop "
                    f"says '{quote(fact.text, 100)}'" + (" (later than promised)." if slower else ".")
                ),
                evidence=[
                    Evidence("text", f"Delivery promised at {then.label}", before.text, then.index),
                    Evidence("text", f"Delivery promised at {now.label}", fact.text, now.index),
                    *(e for e in page_evidence(now) if e.kind in ("url", "screenshot")),
                ],
                confidence="medium",
            )
            return
        if steps[fact.step].role in from_roles and (before is None or fact.step >= before.step):
            promised[key] = fact


# --------------------------------------------------------------------------
# JA305 contradictory-message
# --------------------------------------------------------------------------

CHEERFUL_PHRASES: tuple[str, ...] = (
    *THANK_YOU_PHRASES,
    "is confirmed",
    "has been confirmed",
    "complete satisfaction",
    "completely satisfied",
    "enjoy your purchase",
    "we hope you enjoy",
    "on its way",
    "successfully placed",
    "payment received",
    "payment successful",
    "ist bestätigt",
    "viel freude",
    "est confirmée",
    "merci pour votre achat",
    "está confirmado",
    "que lo disfrutes",
)


@rule(
    "JA305",
    "contradictory-message",
    title="A cheerful message on a failed or cancelled outcome",
    severity="high",
    options={
        "cheerful_phrases": list(CHEERFUL_PHRASES),
        "payment_refused_phrases": list(wording.PAYMENT_REFUSED_PHRASES),
        "order_cancelled_phrases": list(ledger.ORDER_CANCELLED_PHRASES),
        "order_failed_phrases": list(ledger.ORDER_FAILED_PHRASES),
    },
)
def contradictory_message(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The page thanks the customer or confirms the order while the payment failed or the order was cancelled.

    A canned "Thank you! Your order is confirmed." next to "your payment could
    not be processed" or "your order has been cancelled": the customer cannot
    tell which is true, believes the happier one, and waits for a parcel that
    never comes (research H29; customer story C1). The outcome must be said
    once, plainly.

    For each step the customer reached, the ledger's payment and order facts
    say whether the page reported a refused payment (``payment_refused_phrases``)
    or a cancelled or failed order (``order_cancelled_phrases``,
    ``order_failed_phrases``). When the same page also shows a cheerful text
    (``cheerful_phrases``: "thank you for your order", "is confirmed",
    "complete satisfaction", "Vielen Dank"...) that is not itself the bad news,
    the rule reports the contradiction.

    One finding per step. Evidence: the cheerful text and the bad news, both
    quoted verbatim, with the page. Confidence is medium: both are recognised by
    their wording.
    """
    labels = ledger.Labels.from_options(options)
    book = ledger.build(run, labels)
    cheerful = list(options.get("cheerful_phrases") or ())
    bad_phrases = [*labels.payment_refused, *labels.order_cancelled, *labels.order_failed]
    for step in run.reached():
        bad = [
            f for f in book.facts
            if f.step == step.index and f.source == "text"
            and ((f.kind == "payment" and f.state == "refused") or (f.kind == "order" and f.state in ("cancelled", "failed")))
        ]
        if not bad:
            continue
        happy = [
            text for text in customer_texts(step)
            if phrase_search.find_phrases(text, cheerful) and not phrase_search.find_phrases(text, bad_phrases) and len(text) <= 300
        ]
        if not happy:
            continue
        news = bad[0].text
        yield Finding(
            step=step.index,
            message=full_stop(
                f"At {step.label} the shop said '{quote(happy[0], 120)}' while the same page said '{quote(news, 160)}'"
            ),
            evidence=[
                Evidence("text", f"Cheerful message at {step.label}", happy[0], step.index),
                Evidence("text", f"What actually happened, at {step.label}", news, step.index),
                *(e for e in page_evidence(step) if e.kind in ("url", "screenshot")),
            ],
            confidence="medium",
        )
