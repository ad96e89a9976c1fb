"""JA203 sneaked-item, JA204 delivery-promise-drift, JA305 contradictory-message, on recorded traces and hand-made markup.

Also: the ledger-based JA102/JA103/JA201/JA202/JA301/JA302 on the three new demo journeys.
"""

from __future__ import annotations

import pytest

from journeyaudit.model import ActionRecord, FormField
from tests.unit.recorded import EXPECTED, JOURNEYS, findings, recorded, run, step

CODES = ("JA203", "JA204", "JA305")
LEDGER_JOURNEYS = ("sneaked-item", "delivery-drift", "cheerful-failure")
ALL_JOURNEYS = (*JOURNEYS, *LEDGER_JOURNEYS)
MINE = {
    "sneaked-item": {"JA203"},
    "delivery-drift": {"JA204"},
    "cheerful-failure": {"JA305"},
}
# the codes the older rules give the new journeys (exactly)
OLDER = {"sneaked-item": set(), "delivery-drift": set(), "cheerful-failure": {"JA102"}}
OLDER_CODES = ("JA102", "JA103", "JA201", "JA202", "JA301", "JA302")


@pytest.mark.parametrize("journey", ALL_JOURNEYS)
def test_codes_per_recorded_journey(journey):
    trace = recorded(journey)
    found = {f.code for code in CODES for f in findings(code, trace)}
    assert found == MINE.get(journey, set())


@pytest.mark.parametrize("journey", LEDGER_JOURNEYS)
def test_older_rules_on_the_new_journeys(journey):
    trace = recorded(journey)
    found = {f.code for code in OLDER_CODES for f in findings(code, trace)}
    assert found == OLDER[journey]
    assert set(EXPECTED) >= set(JOURNEYS)  # the shared table still covers the older journeys


def test_sneaked_item_names_the_item_and_what_was_chosen():
    [finding] = findings("JA203", recorded("sneaked-item"))
    assert finding.step == 2 and finding.severity == "high" and finding.confidence == "medium"
    assert finding.message == (
        "'Brew Care Plan (2 years)' (€6.90) was in the basket at 'Cart' (step 2), but the customer only chose "
        "'AeroPress Go'. It was still in the order at 'Confirmation' (step 7)."
    )
    values = [(e.label, e.value) for e in finding.evidence]
    assert ("What the customer chose", "AeroPress Go") in values
    assert any("Brew Care Plan (2 years)" in value and "€6.90" in value for _, value in values)


def test_delivery_drift_quotes_both_promises():
    [finding] = findings("JA204", recorded("delivery-drift"))
    assert finding.step == 7 and finding.severity == "medium"
    assert finding.message == (
        "Standard delivery was promised as 'Standard — arrives in 3–5 business days' at 'Review order' (step 6); "
        "at 'Confirmation' (step 7) the shop says 'Standard — arrives in 7–10 business days' (later than promised)."
    )


def test_cheerful_failure_quotes_both_messages():
    [finding] = findings("JA305", recorded("cheerful-failure"))
    assert finding.step == 7 and finding.severity == "high"
    assert finding.message.startswith("At 'Confirmation' (step 7) the shop said 'Thank you! Your order KC-")
    assert "'Your payment could not be processed, so your order has been cancelled." in finding.message
    labels = [e.label for e in finding.evidence]
    assert "Cheerful message at 'Confirmation' (step 7)" in labels


# --------------------------------------------------------------------------
# Hand-made traces: markup the demo shop does not have
# --------------------------------------------------------------------------


def _product(name="Moka Express 6", price="€39.00"):
    return step(1, "product", f"{name}\n{price}\nIn den Warenkorb", name="Produkt", html=f"<h1>{name}</h1>")


def test_pre_ticked_paid_option_is_sneaked():
    donation = FormField("input", "checkbox", "donate", label="Round up and donate €1.00 to Coffee Kids", checked=True)
    newsletter = FormField("input", "checkbox", "news", label="Send me the newsletter", checked=True)
    trace = run(_product(), step(2, "cart", "Warenkorb\nMoka Express 6 €39.00", fields=[donation, newsletter]))
    [finding] = findings("JA203", trace)
    assert finding.message == (
        "At 'Cart' (step 2) the paid option 'Round up and donate €1.00 to Coffee Kids' was already ticked; "
        "the customer never chose it."
    )


def test_an_option_the_customer_ticked_is_chosen():
    insurance = FormField("input", "checkbox", "insurance", id="insurance", label="Shipping insurance (+€2.50)", checked=True)
    cart = step(2, "cart", "Cart", fields=[insurance],
                actions=[ActionRecord("check", "check #insurance", target={"id": "insurance"})])
    assert findings("JA203", run(_product(), cart)) == []


def test_a_second_product_the_customer_added_is_chosen():
    cart_html = """<table><tr><td><a href="/p/moka">Moka Express 6</a></td><td>1</td><td>€39.00</td></tr>
<tr><td><a href="/p/cups">Espresso cups (set of 2)</a></td><td>1</td><td>€12.00</td></tr></table>"""
    cart = step(2, "cart", "Cart", html=cart_html)
    assert [f.code for f in findings("JA203", run(_product(), cart))] == ["JA203"]
    cart.actions = [ActionRecord("click", "click text=Add Espresso cups (set of 2)", target={"text": "Espresso cups (set of 2)"})]
    assert findings("JA203", run(_product(), cart)) == []


def test_german_delivery_drift_from_the_chosen_option():
    option = FormField("input", "radio", "versand", label="DHL Paket — 4,90 € — Lieferung in 1-2 Werktagen", checked=True)
    trace = run(
        _product(),
        step(2, "shipping", "Versand", name="Versand", fields=[option]),
        step(3, "confirmation", "Vielen Dank!\nDHL Paket — Lieferung in 5-7 Werktagen", name="Bestätigung"),
    )
    [finding] = findings("JA204", trace)
    assert finding.message.startswith("DHL Paket delivery was promised as 'DHL Paket — 4,90 € — Lieferung in 1-2 Werktagen'")
    assert finding.step == 3


def test_another_methods_promise_is_not_drift():
    option = FormField("input", "radio", "m", label="Standard — arrives in 3–5 business days", checked=True)
    trace = run(
        _product(),
        step(2, "shipping", "Shipping", fields=[option]),
        step(3, "confirmation", "Express upgrade: arrives tomorrow\nStandard — arrives in 3–5 business days"),
    )
    assert findings("JA204", trace) == []


def test_a_plain_failure_page_is_not_contradictory():
    trace = run(_product(), step(2, "confirmation", "Your payment was declined.\nPlease try another card."))
    assert findings("JA305", trace) == []


def test_spanish_cancelled_order_with_a_thank_you():
    trace = run(_product(), step(2, "confirmation", "¡Gracias por tu pedido!\nTu pedido ha sido cancelado."))
    [finding] = findings("JA305", trace)
    assert "'¡Gracias por tu pedido!'" in finding.message and "Tu pedido ha sido cancelado." in finding.message


def test_a_variant_of_the_chosen_product_is_not_sneaked():
    product = step(1, "product", "Hario V60 Ceramic Dripper 02\n€27.50", html="<h1>Hario V60 Ceramic Dripper 02</h1>")
    cart = step(2, "cart", "Cart", html="<table><tr><td><a>Hario V60 Dripper - White / 02</a></td><td>1</td><td>€27.50</td></tr></table>")
    assert findings("JA203", run(product, cart)) == []
