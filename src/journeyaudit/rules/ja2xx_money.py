"""JA2xx, money: prices that change, items nobody chose, delivery promises that drift (JA201, late extra
costs, in :mod:`ja2xx_late_cost`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from journeyaudit.facts import basket_rows, ledger, page_text, phrase_search, product_cards, product_naming, structured
from journeyaudit.facts import money as money_reader
from journeyaudit.facts.money import Money
from journeyaudit.model import Evidence, Finding, LedgerFact, Run, StepRecord
from journeyaudit.rules import phrases
from journeyaudit.rules.evidence import full_stop, money_text, page_evidence, quote
from journeyaudit.rules.registry import rule


def _declared(offer: structured.Offer) -> Money:
    """A JSON-LD offer's price as Money, written as the data says it: '39.90 EUR'."""
    amount = offer.price if offer.price is not None else Decimal(0)
    shown = f"{amount:.2f}" if amount == amount.quantize(Decimal("0.01")) else str(amount)
    return Money(amount, offer.currency, f"{shown} {offer.currency or ''}".strip())


_BASKET_ROLES = {"cart", "review"}  # where the item row the product added names it, on a page without a name


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
        "name_selector": "",
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

    On a page without structured data, product cards (a category page: repeated
    sibling containers with one name, a heading or link, and one price) pair each
    name with its price, and each card is compared like a product page.
    ``name_selector`` (CSS, default none) names a card's name element; given, cards are always read.

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
        names = product_naming.product_names(reached, step, _BASKET_ROLES)
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
        later = [s for s in reached if s.index > step.index and s.role in compare_roles]
        if not offers or options.get("name_selector"):  # no structured data: the page's product cards
            yield from _cards_charged_differently(step, later, names, options, row_lines, tolerance)
        price = agreeing[0] if agreeing else (shown[0] if shown else declared)
        if price is None or not names:
            continue
        prices = [price, *(m for m in shown if m is not price)]
        differing = _charged_differently(later, names, prices, row_lines, tolerance)
        if differing:
            yield _charged_finding(step, name, price, differing)


def _cards_charged_differently(
    step: StepRecord, later: list[StepRecord], names: list[str], options: Mapping[str, Any], row_lines: int,
    tolerance: Decimal,
) -> Iterator[Finding]:
    """Each product card of the page (name and price by the visible item structure) whose later row charges another price."""
    known = {page_text.normalise(n) for n in names}
    for card in product_cards.cards(step.html, str(options.get("name_selector") or "")):
        if page_text.normalise(card.name) in known:
            continue  # the page's own product, judged above
        differing = _charged_differently(later, [card.name], [card.price], row_lines, tolerance)
        if differing:
            yield _charged_finding(step, card.name, card.price, differing)


def _charged_differently(
    later: list[StepRecord], names: list[str], prices: list[Money], row_lines: int, tolerance: Decimal
) -> list[tuple[StepRecord, Money, str]]:
    """(step, amount charged, the row as written) for each later step whose row for the product charges another price."""
    differing: list[tuple[StepRecord, Money, str]] = []
    for step in later:
        for candidate in names:
            row = basket_rows.row_amounts(step.visible_text, candidate, row_lines)
            if row is None:
                continue
            charged = basket_rows.charged_unit_price(prices, row[0], row[1], tolerance)
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


@rule(
    "JA203",
    "sneaked-item",
    title="The basket holds an item or paid option the customer did not choose",
    severity="high",
    roles=["cart", "review", "confirmation"],
    options={
        "basket_roles": ["cart", "review", "confirmation"],
        "add_on_words": list(phrases.ADD_ON_WORDS),
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
    chosen = basket_rows.chosen_names(run)
    if not chosen:
        return
    clicked = basket_rows.clicked_text(run)
    options_chosen = basket_rows.chosen_options(run)
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
            if basket_rows.is_chosen(item.label, [*chosen, *options_chosen], clicked):
                continue
            reported.add(key)
            later = [s for s in run.reached() if s.index > step.index and any(
                page_text.normalise(f.label) == key for f in ledger.items_at(book, s.index))]
            still = f" It was still in the order at {later[-1].label}." if later else ""
            yield Finding(
                step=step.index,
                message=(
                    f"'{item.label}' ({money_text(item)}) was in the basket at {step.label}, but the customer "
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
            amounts = [m for m in money_reader.find_money(form_field.label) if m.amount > 0]
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

