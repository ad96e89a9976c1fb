"""How JA705 and JA103 weigh what they find, on the recorded real shops and on the demo shop.

Each rule fires and stays silent at each of its severities on recorded traces
(tests/fixtures/shops/<shop>/ and tests/fixtures/traces/), some doctored in one place to
show the other side of a weight.
"""

from __future__ import annotations

from journeyaudit.rules.confirmation_weight import email_reference
from tests.unit.recorded import findings, recorded, shop_recorded

# --------------------------------------------------------------------------
# JA705: an email's total against the confirmation page's
# --------------------------------------------------------------------------


def test_vendure_email_headline_total_is_medium_when_the_email_also_states_the_page_total():
    (finding,) = findings("JA705", shop_recorded("vendure", "happy-path"))
    assert finding.severity == "medium" and finding.step == 6
    assert (
        "says 'Total Price $19.98' and elsewhere 'Total $22.98'; 'Confirmation' (step 6) said $22.98"
        in finding.message
    )
    assert ("The email also says", "Total $22.98") in [(e.label, e.value) for e in finding.evidence]


def test_vendure_email_whose_only_totals_disagree_is_high():
    trace = shop_recorded("vendure", "happy-path")
    email = trace.emails[0]
    assert "Total:\n$22.98" in email.text
    email.text = email.text.replace("Total:\n$22.98", "Total:\n$19.98")  # the summary now agrees with the headline
    (finding,) = findings("JA705", trace)
    assert finding.severity == "high"
    assert "says the total is 'Total Price $19.98', but 'Confirmation' (step 6) said $22.98" in finding.message


def test_vendure_email_agreeing_with_the_page_is_silent():
    trace = shop_recorded("vendure", "happy-path")
    trace.emails[0].text = trace.emails[0].text.replace("Total Price\n$19.98", "Total Price\n$22.98")
    assert findings("JA705", trace) == []


def test_thank_you_mail_after_a_refusal_stays_high():
    (finding,) = findings("JA705", shop_recorded("shuup", "payment-provider-error"))
    assert finding.severity == "high" and "the shop refused the order" in finding.message


def test_demo_email_with_a_wrong_headline_and_the_right_total_is_medium():
    trace = recorded("mail-order")
    email = trace.emails[0]
    email.text = "Total due: €39.90\n" + email.text  # a headline without shipping, the summary still says €44.80
    (finding,) = findings("JA705", trace)
    assert finding.severity == "medium"
    assert "says 'Total due €39.90' and elsewhere 'Total €44.80'; 'Confirmation' (step 7) said €44.80" in finding.message


def test_demo_email_whose_only_total_disagrees_is_high_and_right_one_is_silent():
    trace = recorded("mail-order")
    assert findings("JA705", trace) == []
    trace.emails[0].text = trace.emails[0].text.replace("Total: €44.80", "Total: €49.80")
    (finding,) = findings("JA705", trace)
    assert finding.severity == "high"


def test_an_item_price_equal_to_the_page_total_is_not_the_total_stated_elsewhere():
    trace = recorded("mail-order")
    email = trace.emails[0]
    # one line item happens to cost what the page's total was; the email's only total is wrong
    email.text = email.text.replace("Total: €44.80", "Total: €49.80").replace("€39.90", "€44.80")
    (finding,) = findings("JA705", trace)
    assert finding.severity == "high"


def test_cheerful_cancellation_stays_high():
    (finding,) = findings("JA705", recorded("cheerful-cancellation"))
    assert finding.severity == "high"


# --------------------------------------------------------------------------
# JA103: a confirmation without its order number
# --------------------------------------------------------------------------

ACKNOWLEDGING = ("Thank you for your order!", "Your order has been received.")


def _without_acknowledgement(trace, index):
    step = next(s for s in trace.steps if s.index == index)
    step.visible_text = "\n".join(
        line for line in step.visible_text.splitlines() if not any(a in line for a in ACKNOWLEDGING)
    )
    return trace


def test_shuup_confirmation_without_number_is_low_when_its_email_carries_the_reference():
    (finding,) = findings("JA103", shop_recorded("shuup", "happy-path"))
    assert finding.severity == "low" and finding.step == 6
    assert finding.message == (
        "The confirmation at 'Confirmation' (step 6) does not show an order number (it does say "
        "'Thank you for your order!'); the confirmation email 'Brew Bench - Order 8 Received' carries the reference '8'."
    )


def test_shuup_confirmation_without_number_is_medium_without_the_email():
    trace = shop_recorded("shuup", "happy-path")
    trace.emails = []
    (finding,) = findings("JA103", trace)
    assert finding.severity == "medium"
    assert "(it does say 'Thank you for your order!')." in finding.message


def test_shuup_confirmation_without_any_acknowledgement_is_high():
    trace = _without_acknowledgement(shop_recorded("shuup", "happy-path"), 6)
    trace.emails = []
    (finding,) = findings("JA103", trace)
    assert finding.severity == "high"
    assert "nothing on it acknowledges the order" in finding.message


def test_demo_bare_thank_you_page_is_medium_and_high_without_the_thank_you():
    (finding,) = findings("JA103", recorded("no-order-number"))
    assert finding.severity == "medium"
    (finding,) = findings("JA103", _without_acknowledgement(recorded("no-order-number"), 7))
    assert finding.severity == "high"


def test_demo_email_reference_makes_a_missing_number_low():
    trace = recorded("no-order-number")
    order = recorded("mail-order")
    trace.emails = [order.emails[0]]
    trace.emails[0].step = 7
    (finding,) = findings("JA103", trace, require=["order number"])
    assert finding.severity == "low" and "carries the reference 'KC-10236'" in finding.message
    # but the page still lacks the total and the items: medium, the email named
    (finding,) = findings("JA103", trace)
    assert finding.severity == "medium" and "carries the reference 'KC-10236'" in finding.message


def test_complete_confirmations_are_silent():
    assert findings("JA103", recorded("happy-path")) == []
    assert findings("JA103", shop_recorded("vendure", "happy-path")) == []


def test_email_references_short_numbers_and_codes_after_words():
    shuup = shop_recorded("shuup", "happy-path")
    confirmation = next(s for s in shuup.steps if s.role == "confirmation")
    assert email_reference(shuup, confirmation, ())[1] == "8"
    vendure = shop_recorded("vendure", "happy-path")
    confirmation = next(s for s in vendure.steps if s.role == "confirmation")
    assert email_reference(vendure, confirmation, ())[1] == confirmation.url.rsplit("/", 1)[1]  # /checkout/confirmation/<code>
    assert len(confirmation.url.rsplit("/", 1)[1]) == 16
    shuup.emails[0].subject = "Brew Bench - your purchase"
    shuup.emails[0].text = "Thank you!\n* 1.0 x AeroPress Go - 39.9\nOrder Total: 44.8\nOrder 2 items shipped soon"
    assert email_reference(shuup, confirmation, ()) is None
