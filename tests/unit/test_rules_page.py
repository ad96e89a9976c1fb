"""JA402 dead-click, JA504 insecure-checkout, JA505 payment-frame-failed, JA605 accessibility-violation.

On the demo shop's recorded journeys (each rule fires on its own fault journey and
nowhere else) and on hand-made traces for what the demo shop does not do.
"""

from __future__ import annotations

import pytest

from journeyaudit.model import ActionRecord, NetworkEntry
from journeyaudit.rules.ja5xx_technical import _trusted
from tests.unit.recorded import JOURNEYS, findings, recorded, run, shop_recorded, step

CODES = ("JA402", "JA504", "JA505", "JA605")
# the demo audit's option for the shop's own payment widget (audits/demo.yaml)
DEMO_OPTIONS = {"JA505": {"own_patterns": ["/payments/"]}}
MINE = {
    "dead-click": {"JA402"},
    "insecure-checkout": {"JA504"},
    "payment-frame-failed": {"JA505"},
    "a11y-violations": {"JA605"},
    # the bare 'Internal Server Error' page has no <html lang>: axe is run on error states too
    "server-error": {"JA605"},
}
ALL_JOURNEYS = tuple(dict.fromkeys((*JOURNEYS, *MINE)))


def codes(trace) -> set[str]:
    return {f.code for code in CODES for f in findings(code, trace, **DEMO_OPTIONS.get(code, {}))}


@pytest.mark.parametrize("journey", ALL_JOURNEYS)
def test_each_rule_fires_on_its_fault_journey_only(journey):
    assert codes(recorded(journey)) == MINE.get(journey, set())


# --------------------------------------------------------------------------
# JA402 dead-click
# --------------------------------------------------------------------------


def test_dead_place_order_button():
    [finding] = findings("JA402", recorded("dead-click"))
    assert finding.step == 7 and finding.step_name == "Confirmation" and finding.severity == "high"
    assert finding.message.startswith("At 'Confirmation' (step 7) the customer clicked 'Place order' and nothing happened")
    assert "/checkout/review" in finding.message and "no request was sent" in finding.message
    assert any(e.kind == "text" and "Place order" in e.value for e in finding.evidence)


def test_every_click_of_the_happy_path_did_something():
    clicks = [a for s in recorded("happy-path").steps for a in s.actions if a.name == "click"]
    assert len(clicks) == 6
    assert all(a.effect["observed"] and (a.effect["navigated"] or a.effect["requests"]) for a in clicks)
    assert all(a.effect["waited_ms"] < 1000 for a in clicks), "a live click ends the wait at once"


def _click(tag: str, kind: str = "", **effect):
    facts = {"observed": True, "navigated": False, "dom_changed": False, "requests": 0, "dialogs": 0,
             "popups": 0, "waited_ms": 1500, "url_before": "https://shop.example/cart",
             "url_after": "https://shop.example/cart", **effect}
    return ActionRecord("click", "click #go", target={"tag": tag, "type": kind, "text": "Go"}, effect=facts)


@pytest.mark.parametrize(
    "action, dead",
    [
        (_click("button"), True),
        (_click("a"), True),
        (_click("input", "submit"), True),
        (_click("button", dom_changed=True), False),  # e.g. an inline error message appeared
        (_click("button", requests=1), False),
        (_click("button", dialogs=1), False),
        (_click("button", popups=1), False),
        (_click("button", navigated=True), False),
        (_click("input", "checkbox"), False),  # toggles change state, not the DOM
        (_click("button", waited_ms=300), False),  # not watched long enough to call it dead
        (_click("button", observed=False), False),
        (ActionRecord("click", "click #go", target={"tag": "button"}), False),  # recorded before effects existed
    ],
)
def test_what_counts_as_a_dead_click(action, dead):
    trace = run(step(1, "cart", actions=[action]))
    assert bool(findings("JA402", trace)) is dead


def test_failed_click_is_journey_blocked_not_dead_click():
    action = _click("button")
    action.status, action.error = "failed", "could not find '#go'"
    assert findings("JA402", run(step(1, "cart", actions=[action]))) == []


# --------------------------------------------------------------------------
# JA504 insecure-checkout
# --------------------------------------------------------------------------


def test_card_form_posting_over_http():
    [finding] = findings("JA504", recorded("insecure-checkout"))
    assert finding.step == 5 and finding.severity == "critical"
    assert finding.message.startswith("The form at 'Payment' (step 5) sends the customer's Card number, ")
    assert "Security code (CVC)" in finding.message and "http://pay.kettle-crumb.test:" in finding.message
    [url] = [e.value for e in finding.evidence if e.kind == "url"]
    assert url.startswith("http://pay.kettle-crumb.test:") and url.endswith("/payments/charge")


def test_loopback_is_trusted_like_browsers_do_but_only_by_option():
    happy = recorded("happy-path")
    assert findings("JA504", happy) == []
    untrusted = findings("JA504", happy, trusted_hosts=[])
    assert {f.step for f in untrusted} >= {3, 4, 5, 6, 7}
    assert any("served over plain HTTP" in f.message for f in untrusted)


@pytest.mark.parametrize(
    "host, trusted",
    [("localhost", True), ("shop.localhost", True), ("127.0.0.1", True), ("127.8.9.10", True),
     ("[::1]", True), ("::1", True), ("shop.example", False), ("10.0.0.5", False), ("localhost.evil.example", False)],
)
def test_potentially_trustworthy_hosts(host, trusted):
    assert _trusted(host, ["localhost", "*.localhost", "127.0.0.0/8", "::1"]) is trusted


def test_mixed_content_and_plain_http_checkout():
    secure = step(1, "payment", url="https://shop.example/checkout/payment", network=[
        NetworkEntry("GET", "http://cdn.example/pay.js", "script", 200, same_origin=False),
        NetworkEntry("GET", "https://cdn.example/ok.js", "script", 200, same_origin=False),
    ])
    plain = step(2, "review", url="http://shop.example/checkout/review")
    found = findings("JA504", run(secure, plain))
    assert [f.step for f in found] == [1, 2]
    assert "mixed content" in found[0].message and "http://cdn.example/pay.js" in found[0].message
    assert found[1].message == "The checkout page at 'Review' (step 2) was served over plain HTTP, not HTTPS: http://shop.example/checkout/review"


def test_plain_http_product_page_is_not_a_checkout():
    assert findings("JA504", run(step(1, "product", url="http://shop.example/p/1"))) == []


def test_script_submitted_card_data_over_http():
    pay = step(1, "payment", url="https://shop.example/pay",
               network=[NetworkEntry("POST", "http://api.pay.example/charge", "fetch", 200, same_origin=False)])
    [finding] = findings("JA504", run(pay))
    assert "POST http://api.pay.example/charge" in finding.message


def test_name_on_card_alone_is_no_secret():
    html = ('<form action="http://shop.example/newsletter"><input name="email" autocomplete="email">'
            '<input name="card_name" autocomplete="cc-name"></form>')
    assert findings("JA504", run(step(1, "payment", url="https://shop.example/pay", html=html))) == []


# --------------------------------------------------------------------------
# JA505 payment-frame-failed
# --------------------------------------------------------------------------


def test_express_checkout_script_answers_503():
    [finding] = findings("JA505", recorded("payment-frame-failed"), own_patterns=["/payments/"])
    assert finding.step == 5 and finding.severity == "high"
    assert finding.message.startswith("The payment widget at 'Payment' (step 5) did not load: its script ")
    assert "/payments/kcpay.js answered 503" in finding.message
    assert all(e.kind == "request" for e in finding.evidence)


def test_the_shops_own_widget_is_only_known_by_option():
    assert findings("JA505", recorded("payment-frame-failed")) == []


def test_happy_path_loads_the_widget_and_its_frame():
    payment = recorded("happy-path").steps[4]
    widget = [e for e in payment.network if "/payments/" in e.url]
    assert {e.resource_type for e in widget} == {"script", "document"}
    assert all(e.status == 200 for e in widget)


@pytest.mark.parametrize(
    "entry, fires",
    [
        (NetworkEntry("GET", "https://js.stripe.com/v3/", "script", 503, same_origin=False), True),
        (NetworkEntry("GET", "https://checkoutshopper-live.adyen.com/sdk/5.0/adyen.js", "script", None,
                      "net::ERR_NAME_NOT_RESOLVED", same_origin=False), True),
        (NetworkEntry("GET", "https://www.paypal.com/sdk/js?client-id=x", "script", 403, same_origin=False), True),
        (NetworkEntry("GET", "https://js.stripe.com/v3/", "script", 200, same_origin=False), False),
        (NetworkEntry("GET", "https://js.stripe.com/v3/", "script", None, "net::ERR_ABORTED", same_origin=False), False),
        (NetworkEntry("GET", "https://cdn.example/analytics.js", "script", 500, same_origin=False), False),
    ],
)
def test_payment_providers_by_address(entry, fires):
    assert bool(findings("JA505", run(step(1, "payment", network=[entry])))) is fires


# --------------------------------------------------------------------------
# JA605 accessibility-violation
# --------------------------------------------------------------------------


def _axe_ids(finding) -> str:
    return " ".join(e.label for e in finding.evidence)


def test_product_page_barriers_weighed_by_what_the_journey_used():
    # the image, the wishlist button and the faint stock line are none of what the journey used
    # (it clicked 'Add to cart' and filled the checkout fields): barriers, but page chrome
    found = findings("JA605", recorded("a11y-violations"))
    assert all(f.step == 1 for f in found)
    by_rule = {rule: f for f in found for rule in ("image-alt", "button-name", "color-contrast") if rule in f.message}
    assert set(by_rule) == {"image-alt", "button-name", "color-contrast"}
    assert by_rule["image-alt"].severity == "medium"  # axe impact critical, not on the journey
    assert by_rule["button-name"].severity == "medium"  # critical
    assert by_rule["color-contrast"].severity == "low"  # serious
    assert all("the journey did not use" in f.message for f in found)
    image = by_rule["image-alt"].evidence
    assert any(e.kind == "markup" and "barista-pick.svg" in e.value for e in image)  # raw HTML, folded in the report
    assert any(e.kind == "url" and "dequeuniversity.com" in e.value for e in image)


def test_error_pages_are_checked_too():
    [finding] = findings("JA605", recorded("server-error"))
    assert finding.step == 5 and "html-has-lang" in finding.message and finding.severity == "low"


def test_axe_ran_on_every_happy_step_and_found_nothing():
    steps = recorded("happy-path").steps
    assert all(s.accessibility == [] for s in steps), [(s.name, s.accessibility) for s in steps if s.accessibility]


def test_min_impact_and_ignored_rules():
    trace = recorded("a11y-violations")
    assert len(findings("JA605", trace, min_impact="critical")) == 2
    assert len(findings("JA605", trace, ignore_rules=["color-contrast"])) == 2
    severities = {f.severity for f in findings("JA605", trace, chrome_severity={"critical": "high"})}
    assert severities == {"high", "low"}


def test_a_barrier_on_the_field_the_journey_filled_is_high():
    trace = recorded("a11y-violations")
    # the same wishlist button, now a control the customer clicked
    trace.steps[1].actions.append(ActionRecord(name="click", description="click #wishlist", status="passed",
                                               target={"tag": "button", "id": "wishlist", "text": ""}))
    by_rule = {f.message.split("axe-core rule ")[1].split(",")[0]: f for f in findings("JA605", trace)}
    assert by_rule["button-name"].severity == "high" and "used or needs" in by_rule["button-name"].message
    assert by_rule["image-alt"].severity == "medium"


def _violation(rule_id: str, impact: str, count: int = 1) -> dict:
    return {"id": rule_id, "impact": impact, "help": f"help for {rule_id}", "help_url": "", "count": count,
            "nodes": [{"target": f"#el{i}", "html": f"<img id=el{i}>", "summary": "Fix any of the following: x"}
                      for i in range(count)]}


def test_one_finding_per_axe_rule_and_page_template():
    first = step(1, "product", url="https://shop.example/p/12-kettle/", accessibility=[_violation("image-alt", "critical", 4)])
    second = step(2, "product", name="Other product", url="https://shop.example/p/13-grinder/?x=1",
                  accessibility=[_violation("image-alt", "critical"), _violation("label", "moderate")])
    third = step(3, "cart", url="https://shop.example/basket/", accessibility=[_violation("image-alt", "critical")])
    fourth = step(4, "shipping", accessibility=None)  # axe did not run
    found = findings("JA605", run(first, second, third, fourth))
    assert [(f.step, f.message.split("rule ")[1].split(",")[0]) for f in found] == [
        (1, "image-alt"), (2, "label"), (3, "image-alt")]
    assert "4 elements" in found[0].message and "also on 'Other product' (step 2)" in found[0].message
    assert len([e for e in found[0].evidence if e.kind == "field"]) == 3  # max_elements
    assert found[0].evidence[0].value == "#el0: x" and found[0].evidence[1].value == "<img id=el0>"


# Shuup 3.1.0 (examples/shops/shuup): its theme's barriers, weighed on real markup


def test_shuup_happy_path_has_no_high_accessibility_finding():
    trace = shop_recorded("shuup", "happy-path")
    found = findings("JA605", trace)
    assert found and all(f.severity in ("medium", "low") for f in found), [(f.severity, f.message) for f in found]
    # the quantity input nobody typed into, the thumbnail without alt: chrome (critical impact -> medium)
    label = next(f for f in found if "rule label," in f.message)
    assert label.severity == "medium" and "did not use" in label.message
    # the checkout button the customer clicked, the submit button of the address step: on the journey
    contrast = {f.step: f for f in found if "color-contrast" in f.message}
    assert "used or needs" in contrast[2].message and ".btn-checkout" in contrast[2].evidence[0].value
    assert "used or needs" in contrast[3].message and "did not use" in contrast[1].message
    # one finding per page template: confirmation page and the email step share one
    assert len([f for f in found if "image-alt" in f.message]) == 3
    assert any("also on 'Confirmation email' (step 7)" in f.message for f in found if "image-alt" in f.message)


def test_shuup_label_is_high_when_the_journey_typed_into_that_field():
    trace = shop_recorded("shuup", "happy-path")
    quantity = next(f for f in trace.steps[1].fields if f.name.startswith("dq_"))
    trace.steps[1].actions.append(ActionRecord(name="fill", description="fill quantity", status="passed",
                                               target={"tag": "input", "id": quantity.id, "name": quantity.name}))
    [label] = [f for f in findings("JA605", trace) if "rule label," in f.message]
    assert label.severity == "high" and "used or needs" in label.message


@pytest.mark.parametrize(
    "form, insecure",
    [
        ("<form action='http://pay.example/charge'>", True),
        ("<form method=post action=http://pay.example/charge>", True),
        ('<FORM class="x" ACTION="http://pay.example/charge?a=1&amp;b=2">', True),
        ('<form action="/charge">', False),  # relative to the secure page
        ("<form>", False),
        ('<form action="https://pay.example/charge">', False),
    ],
)
def test_card_form_action_in_real_world_markup(form, insecure):
    html = f'<html><body>{form}<label for=c>Card</label><input id=c name="cardnumber"></form></body></html>'
    found = findings("JA504", run(step(1, "payment", url="https://shop.example/pay", html=html)))
    assert bool(found) is insecure
    if insecure:
        assert "cardnumber" in found[0].message and "http://pay.example/charge" in found[0].message
