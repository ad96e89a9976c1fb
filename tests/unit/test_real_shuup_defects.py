"""Shuup's induced duplicate email and failing CDN script, as recorded (tests/fixtures/shops/shuup/).

duplicate-email: a second notification script made from Shuup's own "Send Order Confirmation
Email" template (condition: the customer gave a phone number, which only this journey does)
sends the same "Brew Bench - Order N Received" a second time, 33 ms after the first, both during
'Confirmation' (step 6). JA701 compares the copies over the whole journey and its watch period.

third-party-script: an xtheme Snippet at the end of <head> on the Timemore scale's page loads
jQuery from another origin (http://localhost:8731/static/cdn/..., the shop is 127.0.0.1:8731)
that answers 404, then calls ``$``: "$ is not defined". The widget never appears; Shuup's own
jQuery comes at the end of <body>, so "Add to cart" and the checkout work and the guest buys
the scale. JA502 names the URL and weighs it by what it broke for the customer.
"""

from __future__ import annotations

from tests.unit.recorded import findings, shop_recorded

CDN = "http://localhost:8731/static/cdn/jquery/3.6.0/jquery.min.js"


def test_shuup_second_confirmation_script_is_a_duplicate_email():
    [finding] = findings("JA701", shop_recorded("shuup", "duplicate-email"))
    assert finding.severity == "medium" and finding.step == 6
    assert finding.message.startswith("The email 'Brew Bench - Order 14 Received' reached you 2 times after "
                                      "'Confirmation' (step 6)")
    assert any(e.kind == "timing" and "2 identical messages" in e.value for e in finding.evidence)


def test_shuup_one_confirmation_is_no_duplicate():
    for journey in ("happy-path", "announced-fee", "late-tax", "third-party-script"):
        trace = shop_recorded("shuup", journey)
        assert len(trace.emails) == 1, journey
        assert findings("JA701", trace) == [], journey


def test_shuup_second_copy_after_the_next_step_began_is_still_a_duplicate():
    """The same recording with the second copy arriving while the journey watched the inbox (step 7)."""
    trace = shop_recorded("shuup", "duplicate-email")
    watch = trace.steps[6]
    late = trace.emails[1]
    late.step, late.received_at = watch.index, watch.started_at + 3.0
    [finding] = findings("JA701", trace)
    assert finding.step == 6
    assert "2 times after 'Confirmation' (step 6)" in finding.message
    assert "the last copy after 'Confirmation email' (step 7)" in finding.message


def test_shuup_different_emails_are_not_duplicates():
    trace = shop_recorded("shuup", "duplicate-email")
    trace.emails[1].subject = "Brew Bench - Your order 14 has shipped"
    assert findings("JA701", trace) == []


def test_shuup_dead_cdn_jquery_is_named_and_weighed_by_what_it_broke():
    trace = shop_recorded("shuup", "third-party-script")
    [finding] = findings("JA502", trace)
    assert finding.step == 1 and finding.severity == "medium"
    assert finding.message == (
        f"At 'Product page' (step 1) the page's script from another site answered 404: {CDN}; the page's "
        "scripts then crashed: $ is not defined, but the customer went on: nothing they used broke.")
    assert [e.value for e in finding.evidence] == [f"GET {CDN} -> answered 404", "$ is not defined"]


def test_shuup_journeys_without_the_snippet_have_no_failed_request():
    for journey in ("happy-path", "duplicate-email"):
        assert findings("JA502", shop_recorded("shuup", journey)) == [], journey


def test_shuup_dead_cdn_jquery_that_stops_the_customer_on_its_page_is_high():
    """The same page, had 'Add to cart' needed the widget: the next step failed without leaving it."""
    trace = shop_recorded("shuup", "third-party-script")
    product, cart = trace.steps[0], trace.steps[1]
    cart.status, cart.url = "failed", product.url
    cart.error = "'Add to cart' did nothing: the basket stayed empty"
    for later in trace.steps[2:]:
        later.status = "skipped"
    [finding] = findings("JA502", trace)
    assert finding.severity == "high" and finding.step == 1 and CDN in finding.message
    assert "and the customer could not get past 'Cart' (step 2) on that page" in finding.message
    assert finding.evidence[-1].value == "'Add to cart' did nothing: the basket stayed empty"


def test_shuup_a_failure_after_the_customer_left_the_page_stays_medium():
    trace = shop_recorded("shuup", "third-party-script")
    trace.steps[1].status = "failed"  # the basket page (another page) failed, not the product page
    [finding] = findings("JA502", trace)
    assert finding.severity == "medium"


def test_shuup_dead_cdn_script_without_a_crash_is_low():
    trace = shop_recorded("shuup", "third-party-script")
    trace.steps[0].page_errors = []
    [finding] = findings("JA502", trace)
    assert finding.severity == "low" and "nothing on the page visibly broke" in finding.message


def test_shuup_a_crash_that_is_no_missing_library_does_not_make_it_high():
    """A failed step and a crash of another kind: the failed script did not explain the stop."""
    trace = shop_recorded("shuup", "third-party-script")
    product, cart = trace.steps[0], trace.steps[1]
    product.page_errors[0].message = "Error: quota exceeded"
    cart.status, cart.url = "failed", product.url
    [finding] = findings("JA502", trace)
    assert finding.severity == "medium"


def test_shuup_the_crash_the_dead_cdn_script_explains_is_one_finding_not_two():
    trace = shop_recorded("shuup", "third-party-script")
    assert findings("JA503", trace) == []  # JA502 reports it with the URL
    [crash] = findings("JA503", shop_recorded("shuup", "third-party-script"), leave_missing_scripts_to_ja502=False)
    assert crash.message == "A script on the page at 'Product page' (step 1) crashed: $ is not defined"


def test_shuup_a_crash_of_another_kind_next_to_the_dead_script_stays_ja503s():
    trace = shop_recorded("shuup", "third-party-script")
    trace.steps[0].page_errors[0].message = "Error: quota exceeded"
    [crash] = findings("JA503", trace)
    assert "quota exceeded" in crash.message


def test_shuup_two_confirmations_are_no_missing_email():
    assert findings("JA702", shop_recorded("shuup", "duplicate-email")) == []
