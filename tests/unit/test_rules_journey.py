"""JA102 late-payment-failure and JA103 missing-confirmation, on recorded demo traces and real-world markup."""

from __future__ import annotations

import pytest

from journeyaudit.model import ActionRecord, Dialog, FormField
from tests.unit.recorded import EXPECTED, JOURNEYS, findings, recorded, run, step

CODES = ("JA102", "JA103")


# --------------------------------------------------------------------------
# Recorded demo journeys
# --------------------------------------------------------------------------


@pytest.mark.parametrize("journey", JOURNEYS)
def test_codes_per_recorded_journey(journey):
    trace = recorded(journey)
    found = {f.code for code in CODES for f in findings(code, trace)}
    assert found == EXPECTED[journey] & set(CODES)


def test_refused_after_place_order():
    [finding] = findings("JA102", recorded("payment-refused"))
    assert finding.step == 7 and finding.severity == "high" and finding.confidence == "medium"
    assert finding.message == (
        "Entered the card at 'Payment' (step 5); it was refused at 'Confirmation' (step 7), "
        "after 'Place order', with 'Error processing request. Please try again.'"
    )
    evidence = {(e.kind, e.step): e.value for e in finding.evidence}
    assert "Card number" in evidence[("field", 5)] and "cc-number" in evidence[("field", 5)]
    assert ("text", 7) in evidence
    assert any(e.value == "Error processing request. Please try again." and e.step == 7 for e in finding.evidence)


def test_bare_thank_you_page():
    [finding] = findings("JA103", recorded("no-order-number"))
    assert finding.step == 7 and finding.confidence == "medium"
    assert finding.message == (
        "The confirmation at 'Confirmation' (step 7) does not show an order number, the order total or the items ordered"
        " (it does say 'Thank you for your order!')."
    )
    assert finding.severity == "medium"  # the page acknowledges the order: the customer knows it went through
    values = [e.value for e in finding.evidence]
    assert "AeroPress Go" in values  # the basket it should have listed
    assert "€44.80" in values  # the total the customer last saw
    assert any("Thank you for your order!" in v for v in values)


def test_a_failed_confirmation_showing_an_error_is_left_to_ja101():
    trace = recorded("payment-refused")
    confirmation = trace.steps[-1]
    assert confirmation.role == "confirmation" and confirmation.status == "failed"
    assert findings("JA103", trace) == []


def test_require_option_limits_the_checklist():
    [finding] = findings("JA103", recorded("no-order-number"), require=["order number"])
    assert finding.message.endswith("does not show an order number (it does say 'Thank you for your order!').")


# --------------------------------------------------------------------------
# Hand-made traces
# --------------------------------------------------------------------------

CARD = ActionRecord("fill", "fill selector=iframe >> [name=cardnumber] value=••••",
                    target={"tag": "input", "name": "cardnumber", "autocomplete": "cc-number", "label": ""})
CARD_FIELD = FormField("input", type="tel", name="cardnumber", autocomplete="cc-number", secret=True, has_value=True)


def _checkout(*later):
    return run(
        step(1, "product", "Ode Grinder\n€299.00\nIn stock", html="<h1>Ode Grinder</h1>"),
        step(2, "payment", "Zahlung\nKreditkarte", name="Zahlung", actions=[CARD], fields=[CARD_FIELD]),
        *later,
    )


def test_a_prompt_decline_on_the_payment_page_is_not_late():
    declined = step(3, "review", "Zahlung\nIhre Karte wurde abgelehnt. Bitte verwenden Sie eine andere Karte.\nKreditkarte",
                    name="Prüfen", fields=[CARD_FIELD], status="failed", error="expected text 'Bestellung prüfen'")
    assert findings("JA102", _checkout(declined)) == []


def test_a_decline_in_a_dialog_after_place_order_is_late():
    review = step(3, "review", "Bestellung prüfen\nGesamtsumme 299,00 €", name="Prüfen")
    place = step(4, "confirmation", "Bestellung prüfen\nGesamtsumme 299,00 €", name="Bestätigung",
                 actions=[ActionRecord("click", "click text=Jetzt kaufen", target={"tag": "button", "text": "Jetzt kaufen"})],
                 dialogs=[Dialog("alert", "Zahlung fehlgeschlagen: Karte abgelehnt (Code 05).")])
    [finding] = findings("JA102", _checkout(review, place))
    assert finding.message == (
        "Entered the card at 'Zahlung' (step 2); it was refused at 'Bestätigung' (step 4), "
        "after 'Jetzt kaufen', with 'Zahlung fehlgeschlagen: Karte abgelehnt (Code 05).'"
    )


def test_no_card_no_finding_and_refusal_before_the_card_does_not_count():
    trace = run(
        step(1, "cart", "Your last payment failed. Please update your card.", name="Cart"),
        step(2, "payment", "Pay with PayPal", actions=[ActionRecord("click", "click text=PayPal")]),
        step(3, "confirmation", "Payment failed."),
    )
    assert findings("JA102", trace) == []


def test_german_confirmation_with_everything():
    trace = run(
        step(1, "product", "Comandante C40 MK4\n279,00 €", html="<h1>Comandante C40 MK4</h1>",
             structured_data=[{"@type": "Product", "name": "Comandante C40 MK4",
                               "offers": {"@type": "Offer", "price": "279.00", "priceCurrency": "EUR"}}]),
        step(2, "cart", "Warenkorb\nComandante C40 MK4\t1\t279,00 €\nGesamtsumme\t279,00 €"),
        step(3, "confirmation", "Vielen Dank für Ihre Bestellung!\nBestellnummer: 100234571\n"
                                "COMANDANTE C40 MK4 × 1\t279,00 €\nGesamtsumme 1.299,00 €"),
    )
    assert findings("JA103", trace) == []


def test_total_shown_without_label_counts():
    trace = run(
        step(1, "review", "Order total $54.80"),
        step(2, "confirmation", "Thanks for your order! Confirmation #A7X9Q2\nYou paid $54.80 with Visa ending 4242"),
    )
    assert findings("JA103", trace) == []


def test_items_and_total_missing_but_number_present():
    trace = run(
        step(1, "product", "Kalita Wave 185\n$32.00", html='<h1 class="title">Kalita&nbsp;Wave <em>185</em></h1>'),
        step(2, "review", "Total $39.95"),
        step(3, "confirmation", "Thank you, Sam!\nYour order number is 4411-2087.", name="Done"),
    )
    [finding] = findings("JA103", trace)
    assert finding.message == "The confirmation at 'Done' (step 3) does not show the order total or the items ordered."
    assert finding.severity == "medium"  # the order number acknowledges the order
    assert any(e.value == "Kalita Wave 185" for e in finding.evidence)


def test_skipped_confirmation_is_silent():
    trace = run(step(1, "payment", "Pay", status="failed", error="x"), step(2, "confirmation", "", status="skipped"))
    assert findings("JA103", trace) == []


def test_blocked_step_quotes_the_message_the_customer_saw_not_the_page_header():
    from journeyaudit.judge.engine import RuleSettings, judge

    (finding,), _ = judge([recorded("payment-refused")], RuleSettings(select=["JA101"]))
    said = [e for e in finding.evidence if e.kind == "text"]
    assert [(e.label, e.value) for e in said] == [
        ("Message shown to the customer", "Error processing request. Please try again.")
    ]
