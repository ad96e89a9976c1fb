"""The promise ledger: typed claims read from recorded demo journeys and from real-world markup."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from journeyaudit import model
from journeyaudit.facts import computed, ledger
from journeyaudit.model import Dialog, FormField
from tests.unit.recorded import recorded, run, step


def kinds(book, kind, **kw):
    return ledger.facts(book, kind, **kw)


def one(book, kind, **kw):
    found = kinds(book, kind, **kw)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------
# Recorded demo journeys
# --------------------------------------------------------------------------


def test_happy_path_ledger_reads_every_promise():
    trace = recorded("happy-path")
    book = ledger.build(trace)
    total = ledger.final_total(book)
    assert (total.amount, total.currency, total.step) == ("44.80", "EUR", 7)
    assert ledger.order_state(book) == "confirmed"
    assert ledger.order_number(book).startswith("KC-")
    assert ledger.payment_state(book) == "accepted"
    price = one(book, "price", step=1, sources=["text"])
    assert (price.label, price.amount, price.currency) == ("AeroPress Go", "39.90", "EUR")
    assert one(book, "price", step=1, sources=["structured_data"]).amount == "39.90"
    assert {f.state for f in kinds(book, "availability", step=1)} == {"in_stock", "buyable"}
    review = trace.steps[5]
    [item] = ledger.items_at(book, review.index)
    assert (item.label, item.amount, item.quantity, item.source) == ("AeroPress Go", "39.90", 1, "element")
    assert one(book, "fee", step=6).label == "Shipping (Standard)"
    chosen = [f for f in kinds(book, "delivery") if f.detail.get("chosen")]
    assert [(f.label, f.state) for f in chosen] == [("Standard", "3-5 days")]
    assert book.changes == []  # the happy path keeps every promise
    purchase = one(book, "total", step=7, sources=["data_layer"])
    assert Decimal(purchase.amount) == Decimal("44.80")


@pytest.mark.parametrize(
    ("journey", "kind", "label", "before", "after"),
    [
        ("late-fee", "total", "Total", "44.80 EUR", "47.75 EUR"),
        ("price-mismatch", "price", "AeroPress Go", "39.90 EUR", "42.90 EUR"),
        ("delivery-drift", "delivery", "Standard", "3-5 days", "7-10 days"),
    ],
)
def test_a_broken_promise_is_a_change(journey, kind, label, before, after):
    book = ledger.build(recorded(journey))
    changes = [(c.label, c.before.split(" × ")[-1], c.after.split(" × ")[-1]) for c in book.changes]
    assert (label, before, after) in changes


def test_cheerful_failure_ledger_says_refused_and_cancelled():
    book = ledger.build(recorded("cheerful-failure"))
    assert ledger.payment_state(book) == "refused"
    assert ledger.order_state(book) == "cancelled"  # bad news wins over the cheerful header on the same page
    states = {f.state for f in kinds(book, "order", step=7)}
    assert {"confirmed", "cancelled"} <= states


def test_sneaked_item_is_a_line_item_of_the_cart():
    book = ledger.build(recorded("sneaked-item"))
    names = {f.label: f.amount for f in ledger.items_at(book, 2)}
    assert names == {"AeroPress Go": "39.90", "Brew Care Plan (2 years)": "6.90"}


def test_stock_out_is_an_availability_fact():
    book = ledger.build(recorded("stock-out"))
    out = [f for f in kinds(book, "availability") if f.state == "out_of_stock"]
    assert out and "no longer available" in out[0].text


def test_ledger_round_trips_through_result_json():
    book = ledger.build(recorded("late-fee"))
    result = model.Result(audit="demo", base_url="http://x", ledgers=[book])
    again = model.from_dict(model.Result, json.loads(json.dumps(model.to_dict(result))))
    assert again.ledgers[0] == book


def test_the_same_run_is_read_once_while_judged_and_a_changed_run_again():
    trace = recorded("happy-path")
    with computed.judging(trace):
        first = ledger.build(trace)
        assert ledger.build(trace) is first
        assert computed.soup(trace.steps[0]) is computed.soup(trace.steps[0])
    assert ledger.build(trace) is not first
    trace.steps[6].visible_text = trace.steps[6].visible_text.replace("€44.80", "€45.80")
    assert ledger.final_total(ledger.build(trace)).amount == "45.80"


# --------------------------------------------------------------------------
# Money in many formats, labels in four languages
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("Order total\n$1,299.00", "1299.00", "$"),  # '$' alone is ambiguous (USD, CAD, AUD...): kept as written
        ("Gesamtsumme 1.299,00 €", "1299.00", "EUR"),
        ("Total TTC : 1 299,00 €", "1299.00", "EUR"),
        ("Importe total 12,50 €", "12.50", "EUR"),
        ("Total\tEUR 12.50", "12.50", "EUR"),
        ("Grand total £5", "5", "GBP"),
        ("Total à payer 49,90 €", "49.90", "EUR"),
        ("Total a pagar\n€ 12,50", "12.50", "EUR"),
        ("Zu zahlender Betrag: CHF 1'299.50", "1299.50", "CHF"),
    ],
)
def test_total_in_many_formats_and_languages(text, amount, currency):
    book = ledger.build(run(step(1, "review", f"Your order\n{text}")))
    total = ledger.final_total(book)
    assert total is not None, text
    assert Decimal(total.amount) == Decimal(amount) and total.currency == currency


@pytest.mark.parametrize(
    ("text", "label", "amount"),
    [
        ("Shipping: $5.99", "Shipping", "5.99"),
        ("Versandkosten 4,95 €", "Versandkosten", "4.95"),
        ("Frais de livraison 3,50 €", "Frais de livraison", "3.50"),
        ("Gastos de envío 2,99 €", "Gastos de envío", "2.99"),
        ("Service fee £1.50", "Service fee", "1.50"),
    ],
)
def test_fees_in_four_languages(text, label, amount):
    book = ledger.build(run(step(1, "review", f"Subtotal €10.00\n{text}")))
    fee = one(book, "fee")
    assert fee.label == label and Decimal(fee.amount) == Decimal(amount)


def test_audit_labels_replace_the_defaults():
    trace = run(step(1, "review", "Te betalen € 12,50"))
    assert ledger.final_total(ledger.build(trace)) is None
    dutch = ledger.Labels.from_options({"total_labels": ["Te betalen"]})
    assert ledger.final_total(ledger.build(trace, dutch)).amount == "12.50"


# --------------------------------------------------------------------------
# Journey hints
# --------------------------------------------------------------------------

ODD_CHECKOUT = """<div class="basket"><span class="lbl">Zu bezahlen heute</span>
<span class="amount-due" data-total>129,00 €</span></div><p class="pdp-price">€ 119,00</p>"""


def test_total_selector_hint_reads_what_the_labels_cannot():
    trace = run(step(1, "review", "Zu bezahlen heute\n129,00 €", html=ODD_CHECKOUT))
    assert ledger.final_total(ledger.build(trace)) is None
    trace.hints = {"total_selector": "[data-total]"}
    total = ledger.final_total(ledger.build(trace))
    assert (total.amount, total.currency, total.source) == ("129.00", "EUR", "element")
    assert total.detail["selector"] == "[data-total]"


def test_price_selector_hint_and_a_bad_selector():
    html = "<h1>Moka Pot</h1>" + ODD_CHECKOUT
    trace = run(step(1, "product", "Moka Pot\n129,00 €\n€ 119,00", html=html))
    trace.hints = {"price_selector": ".pdp-price"}
    price = one(ledger.build(trace), "price", sources=["element"])
    assert (price.label, price.amount) == ("Moka Pot", "119.00")
    trace.hints = {"price_selector": "p[[["}  # not CSS: read nothing, never crash
    assert kinds(ledger.build(trace), "price", sources=["element"]) == []


def test_currency_hint_for_bare_amounts():
    trace = run(step(1, "review", "", html='<b id="t">49.00</b>'))
    trace.hints = {"total_selector": "#t", "currency": "USD"}
    total = ledger.final_total(ledger.build(trace))
    assert (total.amount, total.currency) == ("49.00", "USD")


# --------------------------------------------------------------------------
# Items, JSON-LD, availability
# --------------------------------------------------------------------------

CART_TABLE = """<table><thead><tr><th>Product</th><th>Qty</th><th>Price</th></tr></thead><tbody>
<tr><td><a href="/p/1">Chemex Classic 6-Cup</a><small>SKU CX-6</small></td><td><input type="number" value="2"></td><td>$47.50</td><td>$95.00</td></tr>
<tr><td>Bonavita Filters</td><td>1</td><td>$6.00</td><td>$6.00</td></tr>
<tr><td>Subtotal</td><td></td><td></td><td>$101.00</td></tr>
</tbody></table>"""


def test_line_items_from_a_table_and_from_summary_lines():
    trace = run(step(1, "cart", "Cart\n2 × Kalita Wave 185\n€79.80", html=CART_TABLE))
    items = {f.label: (f.amount, f.quantity) for f in ledger.items_at(ledger.build(trace), 1)}
    assert items == {
        "Chemex Classic 6-Cup": ("47.50", 2),
        "Bonavita Filters": ("6.00", 1),
        "Kalita Wave 185": ("39.90", 2),  # the line shows 2 × at €79.80: the unit price is kept
    }


JSON_LD_VARIANTS = [
    ({"@type": "Product", "name": "A", "offers": {"@type": "Offer", "price": "19.99", "priceCurrency": "USD",
                                                   "availability": "https://schema.org/InStock"}}, "19.99", "in_stock"),
    ({"@type": "Product", "name": "B", "offers": [{"@type": "Offer", "price": 5, "priceCurrency": "EUR",
                                                    "availability": "http://schema.org/OutOfStock"}]}, "5", "out_of_stock"),
    ({"@context": "https://schema.org", "@graph": [{"@type": "Product", "name": "C", "offers": {
        "@type": "AggregateOffer", "lowPrice": "10.00", "highPrice": "12.00", "priceCurrency": "GBP",
        "availability": "LimitedAvailability"}}]}, "10.00", "low_stock"),
    ({"@type": "Product", "name": "D", "offers": {"@type": "Offer", "price": "1.299,00", "priceCurrency": "EUR",
                                                   "availability": "schema:PreOrder"}}, "1299.00", "pre_order"),
]


@pytest.mark.parametrize(("data", "price", "state"), JSON_LD_VARIANTS)
def test_json_ld_variants(data, price, state):
    book = ledger.build(run(step(1, "product", "", structured_data=[data])))
    assert Decimal(one(book, "price", sources=["structured_data"]).amount) == Decimal(price)
    assert one(book, "availability", sources=["structured_data"]).state == state


@pytest.mark.parametrize(
    ("line", "state", "count"),
    [
        ("In stock", "in_stock", None),
        ("Auf Lager – sofort lieferbar", "in_stock", None),
        ("En stock", "in_stock", None),
        ("En existencia", "in_stock", None),
        ("Only 3 left in stock", "low_stock", 3),
        ("Nur noch 2 auf Lager", "low_stock", 2),
        ("Sold out", "out_of_stock", None),
        ("Rupture de stock", "out_of_stock", None),
        ("Agotado", "out_of_stock", None),
    ],
)
def test_availability_text_in_four_languages(line, state, count):
    book = ledger.build(run(step(1, "product", f"Moka Pot\n€30.00\n{line}", html="<h1>Moka Pot</h1>")))
    fact = one(book, "availability", sources=["text"])
    assert (fact.state, fact.quantity, fact.label) == (state, count, "Moka Pot")


def test_disabled_add_to_cart_button_says_out_of_stock():
    html = '<h1>Moka Pot</h1><button type="submit" disabled>In den Warenkorb</button>'
    fact = one(ledger.build(run(step(1, "product", "Moka Pot", html=html))), "availability", sources=["element"])
    assert (fact.state, fact.detail["button"]) == ("out_of_stock", "disabled")


# --------------------------------------------------------------------------
# Delivery promises, payment and order state
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "value", "method", "dispatch"),
    [
        ("Standard — €4.90 — arrives in 3–5 business days", "3-5 days", "Standard", False),
        ("Express: arrives tomorrow", "1 day", "Express", False),
        ("Lieferung in 1-2 Werktagen", "1-2 days", "", False),
        ("Livraison sous 3 à 5 jours ouvrés", "3-5 days", "", False),
        ("Entrega en 2-4 días hábiles", "2-4 days", "", False),
        ("Get it by Friday, 5 December", "by 12-05", "", False),
        ("Estimated delivery: Dec 8 – Dec 10", "12-08 to 12-10", "", False),
        ("Voraussichtliche Lieferung: 05.12.", "by 12-05", "", False),
        ("In stock — ships in 1–2 business days", "1-2 days", "", True),
        ("Delivery within 2 weeks", "14 days", "", False),
    ],
)
def test_delivery_promises(line, value, method, dispatch):
    promise = ledger.parse_promise(line)
    assert promise is not None, line
    assert (promise["value"], promise["method"], promise["dispatch"]) == (value, method, dispatch)


@pytest.mark.parametrize("line", ["Free returns within 30 days", "Rückgabe innerhalb von 30 Tagen", "Call us Mon–Fri 9–17"])
def test_not_delivery_promises(line):
    assert ledger.parse_promise(line) is None


def test_the_ticked_shipping_option_is_the_chosen_promise():
    fields = [
        FormField("input", "radio", "ship", label="Standard — €4.90 — arrives in 3–5 business days", checked=True),
        FormField("input", "radio", "ship", label="Express — €9.90 — arrives tomorrow", checked=False),
    ]
    book = ledger.build(run(step(1, "shipping", "Shipping", fields=fields)))
    fact = one(book, "delivery")
    assert (fact.label, fact.state, fact.detail["chosen"], fact.source) == ("Standard", "3-5 days", True, "element")


@pytest.mark.parametrize(
    ("text", "kind", "state"),
    [
        ("Your card was declined.", "payment", "refused"),
        ("Zahlung fehlgeschlagen. Bitte anderes Zahlungsmittel wählen.", "payment", "refused"),
        ("Paiement refusé par votre banque.", "payment", "refused"),
        ("Pago rechazado.", "payment", "refused"),
        ("Payment pending: we are waiting for your bank.", "payment", "pending"),
        ("Payment received.", "payment", "accepted"),
        ("Your order has been cancelled.", "order", "cancelled"),
        ("Ihre Bestellung 4711 wurde storniert.", "order", "cancelled"),
        ("Votre commande a été annulée.", "order", "cancelled"),
        ("Tu pedido ha sido cancelado.", "order", "cancelled"),
        ("Vielen Dank! Ihre Bestellung ist bestätigt.", "order", "confirmed"),
    ],
)
def test_payment_and_order_state_in_four_languages(text, kind, state):
    book = ledger.build(run(step(1, "confirmation", text)))
    assert state in {f.state for f in kinds(book, kind)}


def test_order_number_and_dialog_messages():
    trace = run(step(1, "confirmation", "Thank you!\nOrder number: A-77812", dialogs=[Dialog("alert", "Session expired")]))
    book = ledger.build(trace)
    assert ledger.order_number(book) == "A-77812" and ledger.order_state(book) == "placed"
    assert [f.text for f in kinds(book, "message")] == ["Session expired"]


def test_an_empty_or_failed_run_has_an_empty_ledger():
    trace = run(step(1, "product", "", status="skipped"))
    book = ledger.build(trace)
    assert book.facts == [] and ledger.final_total(book) is None and ledger.order_state(book) is None


def test_hint_keys_are_validated_with_a_location(tmp_path):
    from journeyaudit.spec import journey
    from journeyaudit.spec.journey import HintsSpec
    from journeyaudit.spec.yamlsource import ValidationFailed

    assert set(ledger.HINT_KEYS) == set(HintsSpec.model_fields)
    path = tmp_path / "j.yaml"
    path.write_text("name: x\nhints:\n  total_selctor: '#t'\nsteps:\n  - name: P\n    role: product\n"
                    "    actions:\n      - goto: /\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        journey.load_journey(path, {})
    assert f"{path}:3:3: unknown key 'total_selctor' in hints" in str(caught.value)
    path.write_text(path.read_text().replace("total_selctor", "total_selector"), encoding="utf-8")
    assert journey.load_journey(path, {}).hints == {"total_selector": "#t"}


def test_a_cart_apis_json_is_a_source():
    from journeyaudit.model import NetworkEntry

    cart = NetworkEntry("GET", "https://shop.example/api/cart", "fetch", 200, body={
        "currency": "EUR", "subtotal": "39.90",
        "items": [{"name": "AeroPress Go", "quantity": 1, "unit_price": "39.90"}]})
    recs = NetworkEntry("GET", "https://shop.example/api/recommendations", "fetch", 200, body={
        "items": [{"name": "Hario V60", "price": "27.50"}]})
    elsewhere = NetworkEntry("GET", "https://cdn.example/api/cart", "fetch", 200, same_origin=False,
                             body={"subtotal": "1.00"})
    book = ledger.build(run(step(1, "cart", "Cart", network=[cart, recs, elsewhere])))
    sub = one(book, "subtotal", sources=["network"])
    assert (sub.amount, sub.currency, sub.text) == ("39.90", "EUR", "/api/cart: subtotal 39.90")
    assert [(f.label, f.amount, f.quantity) for f in kinds(book, "item", sources=["network"])] == [("AeroPress Go", "39.90", 1)]


def test_an_audits_rule_options_are_the_ledgers_labels():
    labels = ledger.labels_for_audit({
        "JA201": {"total_labels": ["Te betalen"], "fee_labels": ["Verzendkosten"]},
        "JA102": {"phrases": ["betaling geweigerd"]},
    })
    book = ledger.build(run(step(1, "review", "Verzendkosten € 4,95\nTe betalen € 12,50\nBetaling geweigerd.")), labels)
    assert ledger.final_total(book).amount == "12.50"
    assert one(book, "fee").label == "Verzendkosten"
    assert ledger.payment_state(book) == "refused"


def test_microdata_offer():
    html = """<div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Moka Pot</h1>
<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
<meta itemprop="priceCurrency" content="EUR"><span itemprop="price" content="29.90">29,90 €</span>
<link itemprop="availability" href="https://schema.org/OutOfStock"></div></div>"""
    book = ledger.build(run(step(1, "product", "Moka Pot\n29,90 €", html=html)))
    price = one(book, "price", sources=["structured_data"])
    assert (price.amount, price.currency, price.detail["microdata"]) == ("29.90", "EUR", True)
    assert one(book, "availability", sources=["structured_data"]).state == "out_of_stock"


def test_item_and_delivery_selector_hints():
    html = """<ul class="mini-cart"><li class="line"><span class="t">Kalita Wave 185</span> <b>2</b> <i>€29.00</i></li>
<li class="line"><span class="t">Filter papers</span> <i>€7.50</i></li></ul>
<p class="eta">Zustellung voraussichtlich 2-3 Werktage</p>"""
    trace = run(step(1, "cart", "Kalita Wave 185 2 €29.00\nFilter papers €7.50\nZustellung voraussichtlich 2-3 Werktage",
                     html=html))
    trace.hints = {"item_selector": "li.line", "delivery_selector": ".eta"}
    book = ledger.build(trace)
    assert [(f.label, f.amount, f.source) for f in ledger.items_at(book, 1)] == [
        ("Kalita Wave 185", "29.00", "element"), ("Filter papers", "7.50", "element")]
    promise = one(book, "delivery")
    assert (promise.source, promise.state) == ("element", "2-3 days")


def test_a_hint_that_is_not_css_is_a_located_error(tmp_path):
    from journeyaudit.spec import journey
    from journeyaudit.spec.yamlsource import ValidationFailed

    path = tmp_path / "j.yaml"
    path.write_text("name: x\nhints:\n  price_selector: 'p[[['\nsteps:\n  - name: P\n    role: product\n"
                    "    actions:\n      - goto: /\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as caught:
        journey.load_journey(path, {})
    assert f"{path}:3:3:" in str(caught.value) and "price_selector: 'p[[[' is not a CSS selector" in str(caught.value)
