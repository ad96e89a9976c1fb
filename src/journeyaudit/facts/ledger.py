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
Accessors (``final_total``, ``order_state``, ``order_number``, ``payment_state``,
``items_at``, ``facts``) give other modules a simple way in.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from journeyaudit.facts import computed, page_text, phrase_search, structured, wording
from journeyaudit.facts import money as money_reader
from journeyaudit.facts.computed import customer_texts
from journeyaudit.facts.delivery import parse_promise
from journeyaudit.facts.money import Money
from journeyaudit.model import Ledger, LedgerChange, LedgerFact, Run, StepRecord

__all__ = [
    "HINT_KEYS",
    "Labels",
    "as_money",
    "labels_for_audit",
    "build",
    "customer_texts",
    "facts",
    "final_total",
    "items_at",
    "mentions",
    "order_number",
    "order_state",
    "page_heading",
    "parse_promise",
    "payment_state",
    "product_names",
]

# Journey hints the ledger honours (``hints:`` in a journey file): CSS selectors
# for shops whose markup the heuristics cannot read, and a default currency.
HINT_KEYS: tuple[str, ...] = (
    "total_selector",
    "subtotal_selector",
    "price_selector",
    "item_selector",
    "delivery_selector",
    "currency",
)

PAYMENT_ACCEPTED_PHRASES: tuple[str, ...] = (
    "payment received",
    "payment successful",
    "payment was successful",
    "payment accepted",
    "payment confirmed",
    "paid with",
    "zahlung erhalten",
    "zahlung erfolgreich",
    "bezahlt mit",
    "paiement reçu",
    "paiement accepté",
    "payé avec",
    "pago recibido",
    "pago aceptado",
    "pagado con",
)

PAYMENT_PENDING_PHRASES: tuple[str, ...] = (
    "payment pending",
    "awaiting payment",
    "payment is being processed",
    "zahlung ausstehend",
    "warten auf zahlung",
    "en attente de paiement",
    "paiement en attente",
    "pago pendiente",
    "pendiente de pago",
)

ORDER_CONFIRMED_PHRASES: tuple[str, ...] = (
    "order is confirmed",
    "order confirmed",
    "order has been confirmed",
    "order has been placed",
    "order placed",
    "order received",
    "order has been received",
    "status: confirmed",
    "bestellung bestätigt",
    "bestellung ist eingegangen",
    "bestellbestätigung",
    "commande confirmée",
    "commande est confirmée",
    "pedido confirmado",
    "pedido realizado",
)

ORDER_CANCELLED_PHRASES: tuple[str, ...] = (
    "order has been cancelled",
    "order has been canceled",
    "order was cancelled",
    "order was canceled",
    "order cancelled",
    "order canceled",
    "status: cancelled",
    "status: canceled",
    "bestellung wurde storniert",
    "bestellung storniert",
    "commande a été annulée",
    "commande annulée",
    "pedido ha sido cancelado",
    "pedido cancelado",
)

ORDER_FAILED_PHRASES: tuple[str, ...] = (
    "order failed",
    "order could not be placed",
    "order could not be completed",
    "could not place your order",
    "status: failed",
    "status: payment failed",
    "bestellung fehlgeschlagen",
    "bestellung konnte nicht",
    "la commande a échoué",
    "commande n'a pas pu",
    "pedido ha fallado",
    "no se pudo realizar el pedido",
)

PRE_ORDER_PHRASES: tuple[str, ...] = ("pre-order", "preorder", "vorbestellen", "vorbestellung", "précommande", "reserva", "preventa")

ADD_TO_CART_PHRASES: tuple[str, ...] = (
    "add to cart",
    "add to basket",
    "add to bag",
    "buy now",
    "in den warenkorb",
    "jetzt kaufen",
    "ajouter au panier",
    "acheter",
    "añadir al carrito",
    "añadir a la cesta",
    "comprar",
)

_LOW_STOCK = re.compile(
    r"\b(?:only|just|nur noch|plus que|solo quedan?|quedan)\s+(\d{1,4})\b|\b(\d{1,4})\s+(?:left|übrig|restants?|disponibles?)\b",
    re.IGNORECASE,
)
_QTY_NAME = re.compile(r"^\s*(\d{1,3})\s*[×x]\s+(.+?)\s*$")

# "Your order KC-10234 is confirmed", "Ihre Bestellung 123 wurde storniert"
_ORDER_IS = re.compile(
    r"\b(?:order|bestellung|commande|pedido)\b[^.!?\n]{0,40}?\b(?:is|has been|was|ist|wurde|est|a été|ha sido|fue)\s+"
    r"(confirmed|placed|cancell?ed|bestätigt|storniert|confirmée|annulée|confirmado|cancelado)\b",
    re.IGNORECASE,
)
_ORDER_STATE_WORDS = {
    "confirmed": "confirmed", "placed": "confirmed", "bestätigt": "confirmed", "confirmée": "confirmed",
    "confirmado": "confirmed", "cancelled": "cancelled", "canceled": "cancelled", "storniert": "cancelled",
    "annulée": "cancelled", "cancelado": "cancelled",
}

SOURCE_ORDER = ("element", "text", "structured_data", "data_layer", "network")


@dataclass(frozen=True)
class Labels:
    """The words a shop uses, per audit and language: the built-in EN/DE/FR/ES defaults unless given."""

    total: tuple[str, ...] = wording.TOTAL_LABELS
    subtotal: tuple[str, ...] = wording.SUBTOTAL_LABELS
    fee: tuple[str, ...] = wording.FEE_LABELS
    in_stock: tuple[str, ...] = wording.IN_STOCK_PHRASES
    out_of_stock: tuple[str, ...] = wording.OUT_OF_STOCK_PHRASES
    payment_refused: tuple[str, ...] = wording.PAYMENT_REFUSED_PHRASES
    payment_accepted: tuple[str, ...] = PAYMENT_ACCEPTED_PHRASES
    payment_pending: tuple[str, ...] = PAYMENT_PENDING_PHRASES
    order_confirmed: tuple[str, ...] = ORDER_CONFIRMED_PHRASES
    order_cancelled: tuple[str, ...] = ORDER_CANCELLED_PHRASES
    order_failed: tuple[str, ...] = ORDER_FAILED_PHRASES
    order_number_patterns: tuple[str, ...] = wording.ORDER_NUMBER_PATTERNS

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "Labels":
        """Labels from a rule's or an audit's options (``total_labels``, ``fee_labels``...); the rest default."""
        keys = {
            "total": "total_labels", "subtotal": "subtotal_labels", "fee": "fee_labels",
            "in_stock": "in_stock_phrases", "out_of_stock": "out_of_stock_phrases",
            "payment_refused": "payment_refused_phrases", "payment_accepted": "payment_accepted_phrases",
            "payment_pending": "payment_pending_phrases", "order_confirmed": "order_confirmed_phrases",
            "order_cancelled": "order_cancelled_phrases", "order_failed": "order_failed_phrases",
            "order_number_patterns": "order_number_patterns",
        }
        given = {name: tuple(options[key]) for name, key in keys.items() if options.get(key)}
        return cls(**given)


def labels_for_audit(rule_options: Mapping[str, Mapping[str, Any]]) -> Labels:
    """The labels an audit set for its rules (``rules: options: JA201: total_labels: [...]``), merged.

    The ledger in result.json then reads the shop's words the way its rules do.
    """
    merged: dict[str, Any] = {}
    for options in (rule_options or {}).values():
        for key, value in (options or {}).items():
            if isinstance(value, (list, tuple)) and value:
                merged[key] = [*merged.get(key, []), *[v for v in value if v not in merged.get(key, [])]]
    if "phrases" in (rule_options or {}).get("JA102", {}):
        merged.setdefault("payment_refused_phrases", list(rule_options["JA102"]["phrases"]))
    return Labels.from_options(merged)


# ==========================================================================
# Page helpers (shared with the rules)
# ==========================================================================

_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def page_heading(step: StepRecord) -> str:
    """The text of the page's first ``<h1>``, or ''."""
    match = _H1.search(step.html or "")
    if not match:
        return ""
    return " ".join(_html.unescape(_TAG.sub(" ", match.group(1))).split())


def product_names(step: StepRecord) -> list[str]:
    """Names a product page gives its product: its first JSON-LD offer's, then the ``<h1>``.

    Only the first offer: later ones are often related products or accessories.
    """
    names: list[str] = []
    for offer in structured.offers(step.structured_data):
        if offer.name:
            names.append(offer.name)
            break
    heading = page_heading(step)
    if heading and len(heading) <= 150 and page_text.normalise(heading) not in {page_text.normalise(n) for n in names}:
        names.append(heading)
    return names


def mentions(text: str, name: str) -> bool:
    """Does ``text`` name ``name`` (case-, space- and quote-insensitive, whole words)?"""
    key = page_text.normalise(name)
    if not key:
        return False
    return re.search(r"(?<!\w)" + re.escape(key) + r"(?!\w)", page_text.normalise(text)) is not None


# ==========================================================================
# Building the ledger
# ==========================================================================


@dataclass
class _Builder:
    run: Run
    labels: Labels
    hints: Mapping[str, Any]
    facts: list[LedgerFact] = field(default_factory=list)

    def add(self, kind: str, step: StepRecord, source: str, text: str, **kw: Any) -> LedgerFact:
        fact = LedgerFact(kind=kind, step=step.index, source=source, text=_short(text), **kw)
        self.facts.append(fact)
        return fact

    def money(self, kind: str, step: StepRecord, source: str, text: str, money: Money, label: str = "", **kw: Any) -> None:
        currency = money.currency or self.hints.get("currency") or None
        detail = {**kw.pop("detail", {}), "shown": money.text}
        self.add(kind, step, source, text, label=label, amount=str(money.amount), currency=currency, detail=detail, **kw)


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
    builder = _Builder(run, labels, hints)
    for step in run.reached():
        soup = computed.soup(step)
        notices = computed.error_texts(step)
        texts = computed.customer_texts(step)
        _money_facts(builder, step, soup)
        _item_facts(builder, step, soup)
        _availability_facts(builder, step, soup, texts)
        _delivery_facts(builder, step, soup)
        _state_facts(builder, step, texts, notices)
        _data_layer_facts(builder, step)
        _network_facts(builder, step)
    ledger = Ledger(journey=run.journey_id, facts=builder.facts)
    ledger.changes = _changes(ledger.facts)
    return ledger


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _select_text(soup: Any, selector: str | None) -> list[str]:
    """Texts of the elements a hint's CSS selector names ([] on a bad selector or no match)."""
    if soup is None or not selector:
        return []
    try:
        found = soup.select(str(selector))
    except Exception:  # soupsieve raises its own SelectorSyntaxError: a bad hint reads nothing
        return []
    return [" ".join(tag.get_text(" ").split()) for tag in found if tag.get_text(strip=True)]


# ---- money ------------------------------------------------------------------


def _money_facts(b: _Builder, step: StepRecord, soup: Any) -> None:
    text = step.visible_text
    hinted_total = _first_money(_select_text(soup, b.hints.get("total_selector")))
    if hinted_total is not None:
        b.money("total", step, "element", hinted_total.text, hinted_total, label="Total",
                detail={"selector": b.hints["total_selector"]})
    else:
        total = money_reader.find_total(text, b.labels.total)
        if total is not None:
            line = next((ln for ln in page_text.lines(text) if total.text in ln), total.text)
            b.money("total", step, "text", line, total, label="Total")
    hinted_sub = _first_money(_select_text(soup, b.hints.get("subtotal_selector")))
    if hinted_sub is not None:
        b.money("subtotal", step, "element", hinted_sub.text, hinted_sub, label="Subtotal",
                detail={"selector": b.hints["subtotal_selector"]})
    else:
        found = money_reader.labelled_amounts(text, b.labels.subtotal)
        if found:
            label, money = found[-1]
            b.money("subtotal", step, "text", f"{label} {money.text}", money, label="Subtotal")
    seen: set[tuple[str, Decimal]] = set()
    for label, money in money_reader.fee_lines(text, b.labels.fee):
        key = (page_text.normalise(label), money.amount)
        if key in seen:
            continue
        seen.add(key)
        included = bool(re.search(r"(?<!\w)(?:incl|inkl|inc|included|enthalten|inclus|incluido)(?!\w)", label, re.I))
        b.money("fee", step, "text", f"{label} {money.text}", money, label=label,
                detail={"included": True} if included else {})
    # the product's price: a hint, its structured data, the amount under its heading
    if step.role == "product":
        hinted = _first_money(_select_text(soup, b.hints.get("price_selector")))
        names = product_names(step)
        name = names[0] if names else ""
        if hinted is not None:
            b.money("price", step, "element", hinted.text, hinted, label=name, detail={"selector": b.hints["price_selector"]})
        else:
            shown = shown_prices(step, names)
            if shown:
                b.money("price", step, "text", shown[0].text, shown[0], label=name)
        for offer in structured.offers(step.structured_data)[:1]:
            if offer.price is not None:
                money = Money(offer.price, offer.currency, f"{offer.price} {offer.currency or ''}".strip())
                b.money("price", step, "structured_data", money.text, money, label=offer.name or name)
        micro = _microdata_offer(soup)
        if micro is not None and micro[0] is not None:
            money = Money(micro[0], micro[1], f"{micro[0]} {micro[1] or ''}".strip())
            b.money("price", step, "structured_data", money.text, money, label=name, detail={"microdata": True})


def _microdata_offer(soup: Any) -> tuple[Decimal | None, str | None, str | None] | None:
    """schema.org microdata of the page's first offer: (price, currency, availability term), or None."""
    if soup is None:
        return None
    price_tag = soup.find(attrs={"itemprop": "price"})
    availability_tag = soup.find(attrs={"itemprop": "availability"})
    if price_tag is None and availability_tag is None:
        return None

    def value(tag: Any) -> str:
        if tag is None:
            return ""
        return str(tag.get("content") or tag.get("href") or tag.get("value") or tag.get_text(" ")).strip()

    price = money_reader.parse_amount(value(price_tag)) if price_tag is not None else None
    currency = value(soup.find(attrs={"itemprop": "priceCurrency"})) or None
    term = value(availability_tag).rstrip("/").rsplit("/", 1)[-1] or None
    return price, currency, term


def _first_money(texts: list[str]) -> Money | None:
    for text in texts:
        found = money_reader.find_money(text) or ([money_reader.parse_money(text)] if money_reader.parse_money(text) else [])
        if found:
            return found[0]
        amount = money_reader.parse_amount(text)
        if amount is not None:
            return Money(amount, None, text)
    return None


_SUMMARY_SETS = (wording.TOTAL_LABELS, wording.SUBTOTAL_LABELS, wording.FEE_LABELS, wording.DISCOUNT_LABELS)


def is_summary_line(line: str) -> bool:
    """A totals line ("Subtotal €39.90", "Shipping (Standard)"): never an item's row."""
    norm = page_text.normalise(line)
    for labels in _SUMMARY_SETS:
        for label in labels:
            key = page_text.normalise(label)
            if norm.startswith(key) and not re.match(r"\w", norm[len(key):][:1]):
                return True
    return False


def shown_prices(step: StepRecord, names: list[str], window: int = 8) -> list[Money]:
    """The amounts the product page shows near the product's name (its heading), first the main one.

    Several amounts are usual: "Regular price €60.00  Sale price €54.80", "€39.90
    (€26.60 / 100 g)". Lines that are totals, fees or discounts are skipped.
    """
    text_lines = page_text.lines(step.visible_text)
    heading = page_heading(step)
    anchors = [heading] if heading else []
    anchors += [n for n in names if n not in anchors]
    for anchor in anchors:
        starts = [i for i, line in enumerate(text_lines) if page_text.normalise(line) == page_text.normalise(anchor)]
        starts = starts or [i for i, line in enumerate(text_lines) if mentions(line, anchor)]
        for start in reversed(starts):  # the heading comes after breadcrumbs that repeat the name
            found = [
                money
                for line in text_lines[start : start + window]
                if not is_summary_line(line)
                for money in money_reader.find_money(line)
                if money.amount > 0
            ]
            if found:
                return found
    return []


# ---- line items ---------------------------------------------------------------


def _item_facts(b: _Builder, step: StepRecord, soup: Any) -> None:
    """Line items of a basket, checkout or order page: table rows, "2 × Name €9.80" lines, hinted elements."""
    seen: set[str] = set()

    def add(name: str, text: str, source: str, money: Money | None, quantity: int | None, **detail: Any) -> None:
        key = page_text.normalise(name)
        if not key or key in seen:
            return
        seen.add(key)
        kw: dict[str, Any] = {"label": name, "quantity": quantity, "detail": detail}
        if money is not None:
            b.money("item", step, source, text, money, **kw)
        else:
            b.add("item", step, source, text, **kw)

    if soup is not None and b.hints.get("item_selector"):
        try:
            hinted = soup.select(str(b.hints["item_selector"]))
        except Exception:
            hinted = []
        for tag in hinted:
            row = " ".join(tag.get_text(" ").split())
            found = [m for m in money_reader.find_money(row) if m.amount > 0]
            name = _row_name(tag) or (row.split(found[0].text)[0].strip() if found else row)
            add(name, row, "element", found[0] if found else None, _row_quantity(tag, row))
    if soup is not None:
        for row in soup.find_all("tr"):
            cells = row.find_all(["td", "th"], recursive=False)
            if len(cells) < 2 or row.find_parent("thead") is not None:
                continue
            text = " ".join(row.get_text(" ").split())
            amounts = [m for m in money_reader.find_money(text) if m.amount > 0]
            name = _row_name(cells[0])
            if not amounts or not name or is_summary_line(name) or money_reader.find_money(name):
                continue
            add(name, text, "element", amounts[0], _row_quantity(row, text))
    text_lines = page_text.lines(step.visible_text)
    for position, line in enumerate(text_lines):
        match = _QTY_NAME.match(line.replace("\t", " "))
        if not match:
            continue
        rest = match.group(2)
        amounts = money_reader.find_money(rest)
        following = text_lines[position + 1] if position + 1 < len(text_lines) else ""
        if not amounts and following and _amount_only(following):
            amounts = money_reader.find_money(following)  # "1 × AeroPress Go" / "€39.90" on the next line
            line = f"{line} {following}"
        name = rest.split(amounts[0].text)[0].strip() if amounts else rest
        quantity = int(match.group(1))
        unit = None
        if amounts and quantity:  # "2 × Name €79.80" shows the line's total: keep the unit price
            unit = Money((amounts[0].amount / quantity).quantize(Decimal("0.01")), amounts[0].currency, amounts[0].text)
        if name and not is_summary_line(name):
            add(name, line, "text", unit, quantity, line_total=str(amounts[0].amount) if amounts else None)


def _amount_only(line: str) -> bool:
    found = money_reader.find_money(line)
    return len(found) == 1 and not re.sub(re.escape(found[0].text), "", line).strip(" \t:–-")


def _row_name(tag: Any) -> str:
    """The item's name in a row: its first link's text, else the first line of its first cell."""
    link = tag.find("a")
    if link is not None and link.get_text(strip=True):
        return " ".join(link.get_text(" ").split())
    for piece in tag.stripped_strings:
        piece = " ".join(piece.split())
        if piece and not money_reader.find_money(piece):
            return piece
    return ""


def _row_quantity(tag: Any, text: str) -> int | None:
    field_ = tag.find("input", attrs={"type": "number"}) if hasattr(tag, "find") else None
    if field_ is not None and str(field_.get("value", "")).isdigit():
        return int(field_["value"])
    cells = tag.find_all("td") if hasattr(tag, "find_all") else []
    for cell in cells[1:]:
        value = cell.get_text(strip=True)
        if value.isdigit() and 0 < int(value) < 1000:
            return int(value)
    return None


# ---- availability -------------------------------------------------------------


def _availability_facts(b: _Builder, step: StepRecord, soup: Any, texts: list[str]) -> None:
    names = product_names(step) if step.role == "product" else []
    name = names[0] if names else ""
    if step.role == "product":
        for line in phrase_search.in_stock(step.visible_text, b.labels.in_stock, b.labels.out_of_stock):
            low = _LOW_STOCK.search(line)
            if low:
                count = int(low.group(1) or low.group(2))
                b.add("availability", step, "text", line, label=name, state="low_stock", quantity=count)
            else:
                b.add("availability", step, "text", line, label=name, state="in_stock")
        for line in phrase_search.out_of_stock(step.visible_text, b.labels.out_of_stock, b.labels.in_stock):
            b.add("availability", step, "text", line, label=name, state="out_of_stock")
        for line in phrase_search.find_phrases(step.visible_text, PRE_ORDER_PHRASES):
            b.add("availability", step, "text", line, label=name, state="pre_order")
        for offer in structured.offers(step.structured_data):  # every variant: one in stock is a claim
            state = _SCHEMA_STATES.get(offer.availability or "")
            if state:
                b.add("availability", step, "structured_data", str(offer.availability), label=offer.name or name,
                      state=state, detail={"sku": offer.sku} if offer.sku else {})
        micro = _microdata_offer(soup)
        if micro is not None and micro[2] in _SCHEMA_STATES:
            b.add("availability", step, "structured_data", micro[2], label=name, state=_SCHEMA_STATES[micro[2]],
                  detail={"microdata": True})
        button = _add_to_cart_button(soup)
        if button is not None:
            disabled = button.has_attr("disabled") or str(button.get("aria-disabled", "")).lower() == "true"
            b.add(
                "availability", step, "element", " ".join(button.get_text(" ").split()) or str(button.get("value", "")),
                label=name, state="out_of_stock" if disabled else "buyable", detail={"button": "disabled" if disabled else "enabled"},
            )
    else:
        known = [n for s in b.run.reached() if s.role == "product" and s.index < step.index for n in product_names(s)]
        for text in texts:
            if phrase_search.out_of_stock(text, b.labels.out_of_stock, b.labels.in_stock) and len(text) <= 300:
                label = next((n for n in known if mentions(text, n)), "")
                b.add("availability", step, "text", text, label=label, state="out_of_stock")


_SCHEMA_STATES = {
    "InStock": "in_stock",
    "InStoreOnly": "in_stock",
    "OnlineOnly": "in_stock",
    "LimitedAvailability": "low_stock",
    "OutOfStock": "out_of_stock",
    "SoldOut": "out_of_stock",
    "Discontinued": "out_of_stock",
    "PreOrder": "pre_order",
    "PreSale": "pre_order",
    "BackOrder": "pre_order",
}


def _add_to_cart_button(soup: Any) -> Any:
    if soup is None:
        return None
    for tag in soup.find_all(["button", "input"]):
        if tag.name == "input" and str(tag.get("type", "")).lower() not in ("submit", "button"):
            continue
        words = " ".join([tag.get_text(" "), str(tag.get("value", "")), str(tag.get("aria-label", ""))])
        if phrase_search.find_phrases(words, ADD_TO_CART_PHRASES):
            return tag
    return None


# ---- delivery promises ----------------------------------------------------------


def _delivery_facts(b: _Builder, step: StepRecord, soup: Any) -> None:
    seen: set[str] = set()
    chosen = [f for f in step.fields if f.type in ("radio", "checkbox") and f.checked and f.label]
    for form_field in chosen:
        promise = parse_promise(form_field.label)
        if promise and not promise["dispatch"]:
            seen.add(form_field.label)
            b.add("delivery", step, "element", form_field.label, label=promise["method"], state=promise["value"],
                  detail={**promise, "chosen": True})
    texts = _select_text(soup, b.hints.get("delivery_selector")) or page_text.lines(step.visible_text)
    source = "element" if b.hints.get("delivery_selector") and texts != page_text.lines(step.visible_text) else "text"
    labels = {f.label for f in step.fields if f.type in ("radio", "checkbox")}
    for line in texts:
        if line in seen or line in labels or len(line) > 200:
            continue
        promise = parse_promise(line)
        if promise is None:
            continue
        seen.add(line)
        kind_label = "dispatch" if promise["dispatch"] else promise["method"]
        b.add("delivery", step, source, line, label=kind_label, state=promise["value"], detail=promise)


# ---- payment and order state, messages -----------------------------------------------


def _state_facts(b: _Builder, step: StepRecord, texts: list[str], notices: list[str]) -> None:
    for state, state_phrases in (
        ("refused", b.labels.payment_refused),
        ("pending", b.labels.payment_pending),
        ("accepted", b.labels.payment_accepted),
    ):
        said = next((t for t in texts if phrase_search.find_phrases(t, state_phrases)), None)
        if said is not None:
            b.add("payment", step, "text", said, state=state)
    number = None
    if step.role == "confirmation" or any(
        phrase_search.find_phrases(t, (*b.labels.order_confirmed, *b.labels.order_cancelled, *b.labels.order_failed)) for t in texts
    ):
        number = phrase_search.order_number(step.visible_text, b.labels.order_number_patterns)
    order_states = []
    for text in texts:
        match = _ORDER_IS.search(text)
        if match and len(text) <= 300:
            state = _ORDER_STATE_WORDS[match.group(1).lower()]
            if state not in order_states:
                order_states.append(state)
                b.add("order", step, "text", text, state=state, detail={"number": number} if number else {})
    for state, state_phrases in (
        ("cancelled", b.labels.order_cancelled),
        ("failed", b.labels.order_failed),
        ("confirmed", b.labels.order_confirmed),
    ):
        said = next((t for t in texts if phrase_search.find_phrases(t, state_phrases)), None)
        if said is not None and state not in order_states:
            order_states.append(state)
            b.add("order", step, "text", said, state=state, detail={"number": number} if number else {})
    if number and not order_states:
        b.add("order", step, "text", number, state="placed", detail={"number": number})
    for text in [*notices, *(d.message for d in step.dialogs)]:
        b.add("message", step, "element", text, state="notice")


def _data_layer_facts(b: _Builder, step: StepRecord) -> None:
    for event in step.data_layer:
        if not isinstance(event, dict):
            continue
        ecommerce = event.get("ecommerce") if isinstance(event.get("ecommerce"), dict) else None
        if ecommerce is None:
            continue
        name = str(event.get("event") or "ecommerce")
        currency = ecommerce.get("currency")
        for item in ecommerce.get("items") or []:
            if not isinstance(item, dict) or not item.get("item_name"):
                continue
            price = money_reader.parse_amount(item.get("price"))
            quantity = item.get("quantity") if isinstance(item.get("quantity"), int) else None
            text = f"{name}: {item['item_name']}"
            fact = b.add("item", step, "data_layer", text, label=str(item["item_name"]), quantity=quantity,
                         detail={"event": name})
            if price is not None:
                fact.amount, fact.currency = str(price), currency
        value = money_reader.parse_amount(ecommerce.get("value"))
        if name == "purchase" and value is not None:
            b.add("total", step, "data_layer", f"purchase value {value} {currency or ''}".strip(), label="Total",
                  amount=str(value), currency=currency, detail={"event": name})
            number = ecommerce.get("transaction_id")
            if number:
                b.add("order", step, "data_layer", f"purchase {number}", state="placed", detail={"number": str(number)})


_NET_TOTAL_KEYS = ("total", "grand_total", "order_total", "total_amount")
_NET_SUBTOTAL_KEYS = ("subtotal", "sub_total", "items_total")


def _network_facts(b: _Builder, step: StepRecord) -> None:
    """A cart or order API's answer (same-origin JSON the recorder kept): its totals and, with them, its items.

    Items are read only from an answer that also carries a total or a subtotal:
    a list of recommendations is not a basket. Amounts are taken as written
    (decimal strings or numbers; integer cents are not guessed).
    """
    for entry in step.network:
        body = entry.body
        if not entry.same_origin or not isinstance(body, dict):
            continue
        currency = body.get("currency") if isinstance(body.get("currency"), str) else None
        found = False
        for keys, kind in ((_NET_TOTAL_KEYS, "total"), (_NET_SUBTOTAL_KEYS, "subtotal")):
            key = next((k for k in keys if k in body and money_reader.parse_amount(body[k]) is not None), None)
            if key is not None:
                amount = money_reader.parse_amount(body[key])
                found = True
                b.add(kind, step, "network", f"{_path(entry.url)}: {key} {body[key]}", label=kind.capitalize(),
                      amount=str(amount), currency=currency, detail={"url": entry.url})
        if not found:
            continue
        for item in body.get("items") or []:
            if not isinstance(item, dict):
                continue
            name = next((str(item[k]) for k in ("name", "title", "product_name", "item_name") if item.get(k)), "")
            price = next((money_reader.parse_amount(item[k]) for k in ("unit_price", "price") if k in item), None)
            quantity = item.get("quantity") if isinstance(item.get("quantity"), int) else None
            if name:
                b.add("item", step, "network", f"{_path(entry.url)}: {name}", label=name, quantity=quantity,
                      amount=str(price) if price is not None else None, currency=currency, detail={"url": entry.url})


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or url


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
