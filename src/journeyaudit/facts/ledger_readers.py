"""The ledger's readers: each turns one kind of claim on a recorded step into facts.

Money, line items, availability, delivery promises, payment and order state,
analytics events and JSON responses; :func:`ledger.build` runs them step by step.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from journeyaudit.facts import computed, label_pairs, page_text, phrase_search, structured
from journeyaudit.facts import money as money_reader
from journeyaudit.facts.delivery import parse_promise
from journeyaudit.facts.ledger_words import (
    ADD_TO_CART_PHRASES,
    PRE_ORDER_PHRASES,
    Labels,
    is_summary_line,
    mentions,
    product_names,
    shown_prices,
)
from journeyaudit.facts.money import Money
from journeyaudit.model import LedgerFact, Run, StepRecord

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
_STATUS_LABEL = re.compile(r"(?<!\w)(?:status|state|bestellstatus|statut|estado|état)(?!\w)", re.IGNORECASE)
_ORDER_STATE_WORDS = {
    "confirmed": "confirmed", "placed": "confirmed", "bestätigt": "confirmed", "confirmée": "confirmed",
    "confirmado": "confirmed", "cancelled": "cancelled", "canceled": "cancelled", "storniert": "cancelled",
    "annulée": "cancelled", "cancelado": "cancelled",
}

@dataclass
class Builder:
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



def read_step(b: Builder, step: StepRecord) -> None:
    """Every claim one recorded step makes, added to ``b``; the page is parsed once (:mod:`computed`)."""
    soup = computed.soup(step)
    texts = computed.customer_texts(step)
    _money_facts(b, step)
    _item_facts(b, step, soup)
    _availability_facts(b, step, soup, texts)
    _delivery_facts(b, step)
    _state_facts(b, step, texts, computed.error_texts(step))
    _data_layer_facts(b, step)
    _network_facts(b, step)


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _select_text(step: StepRecord, selector: str | None) -> list[str]:
    """Texts of the elements a hint's CSS selector names ([] on a bad selector or no match)."""
    soup = computed.selector_soup(step) if selector else None
    if soup is None:
        return []
    try:
        found = soup.select(str(selector))
    except Exception:  # soupsieve raises its own SelectorSyntaxError: a bad hint reads nothing
        return []
    return [" ".join(tag.get_text(" ").split()) for tag in found if tag.get_text(strip=True)]


# ---- money ------------------------------------------------------------------


def _money_facts(b: Builder, step: StepRecord) -> None:
    text = step.visible_text
    hinted_total = _first_money(_select_text(step, b.hints.get("total_selector")))
    if hinted_total is not None:
        b.money("total", step, "element", hinted_total.text, hinted_total, label="Total",
                detail={"selector": b.hints["total_selector"]})
    else:
        total = money_reader.find_total(text, b.labels.total)
        if total is not None:
            line = next((ln for ln in page_text.lines(text) if total.text in ln), total.text)
            b.money("total", step, "text", line, total, label="Total")
    hinted_sub = _first_money(_select_text(step, b.hints.get("subtotal_selector")))
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
        hinted = _first_money(_select_text(step, b.hints.get("price_selector")))
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
        micro = _microdata_offer(step, name)
        if micro is not None and micro.price is not None:
            money = Money(micro.price, micro.currency, f"{micro.price} {micro.currency or ''}".strip())
            b.money("price", step, "structured_data", money.text, money, label=name,
                    detail={"syntax": micro.syntax, "microdata": micro.syntax == "microdata"})


def _microdata_offer(step: StepRecord, name: str) -> structured.Offer | None:
    """The product's own offer in the page's microdata or OpenGraph, read per item from the recorded
    HTML (a mini-cart line's price never pairs with the product's availability); JSON-LD too when
    the recorder kept none (it drops blocks with comments or trailing commas)."""
    syntaxes = ("microdata", "opengraph") if structured.offers(step.structured_data) else structured.PAGE_SYNTAXES
    found = structured.page_offers(step.html, syntaxes)
    key = page_text.normalise(name)
    named = [offer for offer in found if key and offer.name and page_text.normalise(offer.name) == key]
    products = [offer for offer in found if offer.name]
    return (named or products or found or [None])[0]


def _first_money(texts: list[str]) -> Money | None:
    for text in texts:
        found = money_reader.find_money(text) or ([money_reader.parse_money(text)] if money_reader.parse_money(text) else [])
        if found:
            return found[0]
        amount = money_reader.parse_amount(text)
        if amount is not None:
            return Money(amount, None, text)
    return None


# ---- line items ---------------------------------------------------------------


def _item_facts(b: Builder, step: StepRecord, soup: Any) -> None:
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

    if soup is not None:
        _element_items(step, b.hints.get("item_selector"), add)
        if step.role != "product":  # a product page's quantity box is its purchase form, not a basket
            _block_items(step, add)
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


def _element_items(step: StepRecord, selector: Any, add: Callable[..., None]) -> None:
    """Items in elements a journey's ``item_selector`` names (the basket block itself: :func:`_block_items`)."""
    try:
        hinted = computed.selector_soup(step).select(str(selector)) if selector else []
    except Exception:  # soupsieve's SelectorSyntaxError: a bad hint reads nothing
        hinted = []
    for tag in hinted:
        row = " ".join(tag.get_text(" ").split())
        found = [m for m in money_reader.find_money(row) if m.amount > 0]
        name = _row_name(tag) or (row.split(found[0].text)[0].strip() if found else row)
        add(name, row, "element", found[0] if found else None, _row_quantity(tag, row))


def _block_items(step: StepRecord, add: Callable[..., None]) -> None:
    """Item rows of the page's basket or order summary, read by structure (:mod:`summary_block`): a row
    with a quantity or a picture, a name and its prices; summary rows ("Basket total", "Untaxed") never."""
    for row in computed.basket_block(step).items:
        price = row.unit or row.line
        add(row.name, row.text, "element", price if price is not None and price.amount > 0 else None, row.quantity,
            line_total=str(row.line.amount) if row.line is not None else None)


def _amount_only(line: str) -> bool:
    found = money_reader.find_money(line)
    return len(found) == 1 and not line.replace(found[0].text, "").strip(" \t:–-")


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
        return int(str(field_.get("value")))
    cells = tag.find_all("td") if hasattr(tag, "find_all") else []
    for cell in cells[1:]:
        value = cell.get_text(strip=True)
        if value.isdigit() and 0 < int(value) < 1000:
            return int(value)
    return None


# ---- availability -------------------------------------------------------------


def _availability_facts(b: Builder, step: StepRecord, soup: Any, texts: list[str]) -> None:
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
        micro = _microdata_offer(step, name)
        if micro is not None and micro.availability in _SCHEMA_STATES:
            b.add("availability", step, "structured_data", str(micro.availability), label=name,
                  state=_SCHEMA_STATES[str(micro.availability)],
                  detail={"syntax": micro.syntax, "microdata": micro.syntax == "microdata"})
        button = _add_to_cart_button(soup)
        if button is not None:
            disabled = button.has_attr("disabled") or str(button.get("aria-disabled", "")).lower() == "true"
            b.add(
                "availability", step, "element", " ".join(button.get_text(" ").split()) or str(button.get("value", "")),
                label=name, state="out_of_stock" if disabled else "buyable", detail={"button": "disabled" if disabled else "enabled"},
            )
    else:
        known = [n for s in b.run.reached() if s.role == "product" and s.index < step.index for n in product_names(s)]
        for text in phrase_search.out_of_stock_texts(texts, b.labels.out_of_stock, b.labels.in_stock):
            if len(text) <= 300:
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


def _delivery_facts(b: Builder, step: StepRecord) -> None:
    seen: set[str] = set()
    chosen = [f for f in step.fields if f.type in ("radio", "checkbox") and f.checked and f.label]
    for form_field in chosen:
        promise = parse_promise(form_field.label)
        if promise and not promise["dispatch"]:
            seen.add(form_field.label)
            b.add("delivery", step, "element", form_field.label, label=promise["method"], state=promise["value"],
                  detail={**promise, "chosen": True})
    texts = _select_text(step, b.hints.get("delivery_selector")) or page_text.lines(step.visible_text)
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


def _state_facts(b: Builder, step: StepRecord, texts: list[str], notices: list[str]) -> None:
    labels = b.labels
    # where each state is first said: one search over the step's texts for every state's phrases
    refused, pending, accepted, any_order, cancelled, failed, confirmed = phrase_search.first_sayings(texts, (
        labels.payment_refused, labels.payment_pending, labels.payment_accepted,
        (*labels.order_confirmed, *labels.order_cancelled, *labels.order_failed),
        labels.order_cancelled, labels.order_failed, labels.order_confirmed,
    ))
    for state, said in (("refused", refused), ("pending", pending), ("accepted", accepted)):
        if said is not None:
            b.add("payment", step, "text", said, state=state)
    number = None
    if step.role == "confirmation" or any_order is not None:
        number = phrase_search.order_number(step.visible_text, b.labels.order_number_patterns)
    order_states = []
    for text in texts:
        match = _ORDER_IS.search(text)
        if match and len(text) <= 300:
            state = _ORDER_STATE_WORDS[match.group(1).lower()]
            if state not in order_states:
                order_states.append(state)
                b.add("order", step, "text", text, state=state, detail={"number": number} if number else {})
    for state, said in (("cancelled", cancelled), ("failed", failed), ("confirmed", confirmed)):
        if said is not None and state not in order_states:
            order_states.append(state)
            b.add("order", step, "text", said, state=state, detail={"number": number} if number else {})
    for pair in [*computed.label_value_pairs(step), *label_pairs.text_pairs(step.visible_text)]:
        if not _STATUS_LABEL.search(pair.label):
            continue  # "Status" / "Cancelled" on lines of their own: a definition list, a table, side by side
        state = next((s for s, p in (("cancelled", b.labels.order_cancelled), ("failed", b.labels.order_failed),
                                     ("confirmed", b.labels.order_confirmed)) if phrase_search.find_phrases(pair.line, p)), None)
        state = state or _ORDER_STATE_WORDS.get(pair.value.strip(" .!").lower())
        if state and state not in order_states:
            order_states.append(state)
            b.add("order", step, "element", pair.line, state=state, detail={"number": number} if number else {})
    if number and not order_states:
        b.add("order", step, "text", number, state="placed", detail={"number": number})
    for text in [*notices, *(d.message for d in step.dialogs)]:
        b.add("message", step, "element", text, state="notice")


def _data_layer_facts(b: Builder, step: StepRecord) -> None:
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


def _network_facts(b: Builder, step: StepRecord) -> None:
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
