"""Vendure's induced defects as recorded (tests/fixtures/shops/vendure/late-tax, payment-declined).

late-tax: Vendure taxes by the shipping address (AddressBasedTaxZoneStrategy) and the Americas'
rate is 30% (Europe's, the channel's default zone, 20%): the Tripod is $17.98 on the product page
and in the cart, $19.47 from the moment a US address is given. The product page has no JSON-LD
and its only ``<h1>`` is the logo, so JA202 names the product by the heading the page title names.

payment-declined: "Pay with Credit card" (a method whose handler declines every payment, enabled
through the admin API for this journey) ends on the storefront's error page: "400 ERROR" over
"The payment was declined", "Not Found" and "Go back home", rendered in the browser after the
payment action answered 400.
"""

from __future__ import annotations

from journeyaudit.facts import message_kinds, product_naming
from journeyaudit.facts.ledger_words import product_names as marked_up_names
from tests.unit.recorded import findings, shop_recorded

BASKETS = {"cart", "review"}


def test_vendure_product_page_names_the_tripod_only_by_the_heading_its_title_names():
    trace = shop_recorded("vendure", "late-tax")
    product = next(s for s in trace.steps if s.role == "product")
    assert marked_up_names(product) == []  # no JSON-LD, the h1 is the logo: the old reading had no name
    assert product_naming.product_names(trace.reached(), product, BASKETS) == ["Tripod"]


def test_vendure_late_us_tax_is_a_price_mismatch_named_by_the_product():
    (finding,) = findings("JA202", shop_recorded("vendure", "late-tax"))
    assert finding.severity == "high" and finding.step == 6
    assert finding.message.startswith("'Tripod' cost $17.98 at 'Product page' (step 2), but 'Confirmation' (step 6) "
                                      "charged $19.47 for it (more than shown)")
    assert "'Confirmation email' (step 7): $19.47" in finding.message
    amounts = [(e.label, e.value) for e in finding.evidence if e.kind == "amount"]
    assert amounts[:2] == [("Price shown at 'Product page' (step 2)", "$17.98"),
                           ("Price charged at 'Confirmation' (step 6)", "$19.47")]


def test_vendure_uk_address_keeps_the_product_page_price():
    """The control: the same Tripod bought with a UK address (Europe's tax) costs $17.98 throughout."""
    assert findings("JA202", shop_recorded("vendure", "happy-path")) == []


def test_vendure_product_name_falls_back_to_the_row_the_product_added_to_the_basket():
    trace = shop_recorded("vendure", "late-tax")
    product = next(s for s in trace.steps if s.role == "product")
    product.html = product.html.replace("<title>Tripod", "<title>Camera stand")  # the title names no heading
    assert product_naming.product_names(trace.reached(), product, BASKETS) == ["Tripod"]


def test_vendure_declined_card_error_page_shows_its_status_line_as_an_internal_message():
    trace = shop_recorded("vendure", "payment-declined")
    pay = next(s for s in trace.steps if s.role == "confirmation")
    assert message_kinds.error_page_status(pay) == 400
    said = {m.text: (m.kind, m.quality) for m in message_kinds.step_messages(pay)}
    assert said["400 ERROR"] == ("refusal", "internal")
    assert said["The payment was declined"] == ("refusal", "specific")
    (finding,) = findings("JA302", trace)
    assert finding.severity == "medium" and finding.step == 6
    assert "internal: shows an HTTP status code" in finding.message and "'400 ERROR'" in finding.message


def test_a_status_line_is_read_only_on_an_error_page():
    trace = shop_recorded("vendure", "payment-declined")
    pay = next(s for s in trace.steps if s.role == "confirmation")
    pay.network = [e for e in pay.network if not (e.status and e.status >= 400)]
    assert "400 ERROR" not in {m.text for m in message_kinds.step_messages(pay)}
    assert findings("JA302", trace) == []


def test_status_lines_alone_are_internal_but_not_numbers_in_sentences():
    assert message_kinds.classify("404 error")[1] == "internal"
    assert message_kinds.classify("Error 502")[1] == "internal"
    assert message_kinds.classify("We could not find 400 error-free items")[1] != "internal"


def test_vendure_declined_card_is_refused_where_it_was_chosen_not_late():
    """'Pay with Credit card' chooses the method and submits the payment in one click, and the same click is
    refused: a prompt refusal (JA102 is for a choice the shop accepted and a later step refused)."""
    trace = shop_recorded("vendure", "payment-declined")
    assert findings("JA102", trace) == []
    (blocked,) = findings("JA101", trace)
    assert blocked.severity == "critical" and "the page said 'The payment was declined'" in blocked.message
    steps = {s.name: s.status for s in trace.steps}
    assert steps["Confirmation"] == "failed" and steps["Shop admin disables the card method again"] == "passed"


def test_vendure_state_machine_refusal_is_internal():
    """The stock-out's 'Cannot transition Order from "AddingItems" to "ArrangingPayment"' shows the shop's state names."""
    trace = shop_recorded("vendure", "stock-out")
    pay = next(s for s in trace.steps if s.role == "confirmation")
    said = {m.text: (m.quality, m.why) for m in message_kinds.step_messages(pay)}
    assert said['Cannot transition Order from "AddingItems" to "ArrangingPayment"'] == (
        "internal", "names the shop's internal states or codes")
    (finding,) = findings("JA302", trace)
    assert "'Cannot transition Order from \"AddingItems\" to \"ArrangingPayment\"'; '400 ERROR'" in finding.message


def test_state_names_and_error_codes_are_internal_but_product_names_are_not():
    for text in ('Order is in state "PaymentSettled"', "INSUFFICIENT_STOCK_ERROR", "ORDER_STATE_TRANSITION_ERROR"):
        assert message_kinds.classify(text)[1] == "internal", text
    for text in ('"PlayStation" is out of stock', "Upgrade from PlayStation to XboxOne is not possible",
                 "Use code SUMMER_SALE at checkout", "Sorry, KC_HV60 is sold out"):
        assert message_kinds.classify(text)[1] != "internal", text
