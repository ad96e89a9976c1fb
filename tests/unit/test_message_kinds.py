"""facts.message_kinds: kind and quality of customer-facing messages, on texts and on theme markup
(WooCommerce, Shopify Dawn, Magento Luma), toasts recorded by the watcher, and the rules that read them
(JA302 internal messages, JA102 without a card, the probes' notion of refused)."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit import model
from journeyaudit.facts import message_kinds
from journeyaudit.history import store
from journeyaudit.judge import probe_outcome
from journeyaudit.judge.engine import judge
from journeyaudit.model import Run, ShownMessage, StepRecord
from journeyaudit.rules.registry import get_rule

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MARKUP = FIXTURES / "messages"

CASES = [
    # text, kind, quality
    ("A problem occurred while processing payment for this order", "refusal", "generic"),
    ("connection to payment service timed out", "refusal", "internal"),
    ("Cart has errors", "refusal", "generic"),
    ("Something went wrong", "refusal", "generic"),
    ("Error processing request. Payment failed, please try again.", "refusal", "generic"),
    ("There was an error while updating your cart. Please try again.", "refusal", "generic"),
    ("A server error stopped your order from being placed. Please try to place your order again.", "refusal", "generic"),
    ("Your card was declined.", "refusal", "specific"),
    ("Your card was declined by your bank. Try another card.", "refusal", "specific"),
    ("Your payment could not be processed, so your order has been cancelled. You have not been charged.", "refusal", "specific"),
    ("Hario V60 is sold out.", "refusal", "specific"),
    ("The requested qty is not available", "refusal", "specific"),
    ("You can only add 2 of this item to your cart.", "refusal", "specific"),
    ("Sorry, we do not have enough \"AeroPress\" in stock to fulfill your order (0 available).", "refusal", "specific"),
    ("Internal Server Error (500)", "refusal", "internal"),
    ("Request failed with status code 500", "refusal", "internal"),
    ("TypeError: Cannot read properties of undefined (reading 'total')", "refusal", "internal"),
    ("PaymentGatewayException: upstream returned 502", "refusal", "internal"),
    ("SQLSTATE[23000]: Integrity constraint violation: 1062 Duplicate entry", "refusal", "internal"),
    ("Traceback (most recent call last): File \"/app/shop/views.py\", line 12, in pay", "refusal", "internal"),
    ("ECONNREFUSED 10.0.3.7:5432", "refusal", "internal"),
    ("The payment service is unavailable", "refusal", "internal"),
    ("Please enter a valid email address.", "validation", "specific"),
    ("This field is required.", "validation", "specific"),
    ("Postcode must have 5 digits", "validation", "specific"),
    ("Your card number is incomplete.", "validation", "specific"),
    ("Billing Postcode / ZIP is a required field.", "validation", "specific"),
    ("Thank you for your order", "success", "specific"),
    ("“Hario V60 Dripper” has been added to your cart. View cart", "success", "specific"),
    ("You added Hario V60 Dripper to your shopping cart.", "success", "specific"),
    ("Coupon code applied successfully", "success", "specific"),
    ("Free shipping on orders over €50", "info", "specific"),
    ("★★★★★ 4.8 out of 5 (214 reviews)", "info", "specific"),
    ("Contact customer service if you need help", "info", "specific"),
    ("Required fields are marked *", "info", "specific"),
    ("* indicates required field", "info", "specific"),
]


@pytest.mark.parametrize("text,kind,quality", CASES, ids=[c[0][:40] for c in CASES])
def test_classify(text, kind, quality):
    got_kind, got_quality, why = message_kinds.classify(text)
    assert (got_kind, got_quality) == (kind, quality)
    assert bool(why) == (quality != "specific")


def test_a_field_error_is_a_validation_unless_it_refuses():
    assert message_kinds.classify("Wrong", source="field")[0] == "validation"
    assert message_kinds.classify("Your card was declined", source="field")[0] == "refusal"


def _page(name: str, status: int = 200) -> StepRecord:
    return StepRecord(index=1, name="Checkout", role="review", html=(MARKUP / name).read_text(encoding="utf-8"),
                      http_status=status)


def _said(step: StepRecord) -> dict[str, tuple[str, str]]:
    return {m.text: (m.kind, m.quality) for m in message_kinds.step_messages(step)}


def test_woocommerce_notices():
    said = _said(_page("woo_notices.html"))
    assert said["Billing Postcode / ZIP is a required field."] == ("validation", "specific")
    assert said["A problem occurred while processing payment for this order"] == ("refusal", "generic")
    assert said["Connection to payment service timed out"] == ("refusal", "internal")
    assert said["Please enter a valid email address"] == ("validation", "specific")
    added = next(text for text in said if text.startswith("“Hario V60 Dripper” has been added"))
    assert said[added] == ("success", "specific")


def test_dawn_cart_errors_and_live_region():
    said = _said(_page("dawn_cart.html"))
    assert said["You can only add 2 of this item to your cart."] == ("refusal", "specific")
    assert said["There was an error while updating your cart. Please try again."] == ("refusal", "generic")
    assert said["Updated cart"][0] == "info"
    assert not any("sold out" in text for text in said)  # the product form's error wrapper is hidden
    assert "Loading..." not in said  # aria-hidden


def test_luma_messages():
    said = _said(_page("luma_messages.html"))
    added = next(text for text in said if text.startswith("You added Hario V60 Dripper to your"))
    assert said[added] == ("success", "specific")
    assert said["The requested qty is not available"] == ("refusal", "specific")
    server = "A server error stopped your order from being placed. Please try to place your order again."
    assert said[server] == ("refusal", "generic")
    assert said["This is a required field."] == ("validation", "specific")
    refused = message_kinds.refusal(_page("luma_messages.html"))
    assert refused is not None and refused.text == "The requested qty is not available"


def test_an_error_page_heading_is_a_refusal():
    step = StepRecord(index=6, name="Confirmation", role="confirmation", http_status=500, title="Server Error",
                      html="<html><body><h1>Internal Server Error (500)</h1><p>Try again later.</p></body></html>")
    refused = message_kinds.refusal(step)
    assert refused is not None and refused.source == "heading" and refused.quality == "internal"
    ok = StepRecord(index=6, name="Confirmation", role="confirmation", http_status=200,
                    html="<html><body><h1>Thank you for your order</h1></body></html>")
    assert message_kinds.refusal(ok) is None


def _toast_run() -> Run:
    """A review page, then 'Place order' whose only answer was a toast gone before the snapshot."""
    steps = [
        StepRecord(index=1, name="Payment", role="payment", url="https://shop.example/checkout/payment",
                   actions=[model.ActionRecord("click", "click Continue"),
                            model.ActionRecord("check", "check #cod", target={"label": "Cash on delivery"})]),
        StepRecord(index=2, name="Review", role="review", url="https://shop.example/checkout/review",
                   html="<html><body><h1>Review your order</h1></body></html>"),
        StepRecord(index=3, name="Place order", role="confirmation", url="https://shop.example/checkout/review",
                   actions=[model.ActionRecord("click", "click Place order", target={"text": "Place order"})],
                   html="<html><body><h1>Review your order</h1><div id='toasts'></div></body></html>",
                   messages=[ShownMessage("connection to payment service timed out", 420.0, 3420.0, "class=toast")]),
    ]
    return Run("toast", "toast", "toast.yaml", "https://shop.example", steps=steps)


def test_a_toast_gone_before_the_snapshot_is_read_by_the_rules():
    run = _toast_run()
    [said] = message_kinds.step_messages(run.steps[2])
    assert (said.kind, said.quality, said.source, said.stayed) == ("refusal", "internal", "shown", False)
    [finding] = get_rule("JA302").function(run, get_rule("JA302").options)
    assert "internal error message" in finding.message and "timed out" in finding.message
    assert "shown for 3.0 s" in finding.evidence[0].label


def test_ja102_without_a_card_cash_on_delivery():
    run = _toast_run()
    [finding] = get_rule("JA102").function(run, get_rule("JA102").options)
    assert finding.step == 3
    assert "accepted the payment choice ('Cash on delivery') at 'Payment' (step 1)" in finding.message
    assert "refused the order at 'Place order' (step 3), after 'Place order'" in finding.message


def test_ja102_refused_right_where_the_payment_was_chosen_is_prompt():
    run = _toast_run()
    del run.steps[1]  # no page accepted the choice before the refusal
    run.steps[1].index = 2
    assert list(get_rule("JA102").function(run, get_rule("JA102").options)) == []


def test_ja102_on_shuup_payment_provider_error():
    """Shuup: a card-less payment method chosen at step 4, the review accepted it, 'Place Order' gave a 500 page."""
    run = store.load_run(FIXTURES / "shops" / "shuup" / "payment-provider-error")
    findings, _ = judge([run])
    [late] = [f for f in findings if f.code == "JA102"]
    assert late.step == 6 and "at 'Shipping and payment method' (step 4)" in late.message
    assert "'Internal Server Error (500)'" in late.message


def test_probes_and_ja102_share_refused():
    run = store.load_run(FIXTURES / "traces" / "probes~decline-stripe-generic")
    outcome = probe_outcome.outcome(run)
    findings, _ = judge([run])
    [late] = [f for f in findings if f.code == "JA102"]
    assert outcome.verdict == "refused-late" and outcome.refused_at == late.step
    assert message_kinds.refusal(run.steps[late.step - 1]) is not None


def test_old_traces_load_without_messages():
    data = model.to_dict(StepRecord(index=1, name="x", role="other"))
    del data["messages"]
    assert model.from_dict(StepRecord, data).messages == []
    again = model.from_dict(StepRecord, model.to_dict(_toast_run().steps[2]))
    assert again.messages == _toast_run().steps[2].messages


def test_toasts_are_among_what_the_shop_told_the_customer():
    """Every rule that reads the customer's texts (and the promise ledger) sees a toast that did not stay."""
    from journeyaudit.facts import computed, ledger

    run = _toast_run()
    run.steps[2].messages.append(ShownMessage("Your card was declined by your bank.", 600.0, 2600.0, "role=alert"))
    assert "Your card was declined by your bank." in computed.customer_texts(run.steps[2])
    assert ledger.payment_state(ledger.build(run)) == "refused"
