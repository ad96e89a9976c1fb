"""Third-party failures judged by what they broke (JA502 scripts from other sites, JA505 providers not chosen).

On recorded traces: the Shuup corpus (real markup) with the failing request added as the browser
records it, and the demo shop's payment-frame-failed journey.
"""

from __future__ import annotations

from journeyaudit.model import NetworkEntry, PageError
from tests.unit.recorded import findings, recorded, shop_recorded

JQUERY = "https://code.jquery.com/jquery-3.7.1.min.js"
STRIPE = "https://js.stripe.com/v3/"


def _failed_script(url: str, failure: str = "net::ERR_NAME_NOT_RESOLVED") -> NetworkEntry:
    return NetworkEntry("GET", url, "script", status=None, failure=failure, start_ms=120.0, same_origin=False)


def test_a_cdn_script_that_fails_on_every_page_is_reported_once_with_what_it_broke():
    trace = shop_recorded("shuup", "happy-path")
    for step in trace.steps[:6]:
        step.network.append(_failed_script(JQUERY))
    trace.steps[1].page_errors.append(PageError("ReferenceError: $ is not defined"))
    [finding] = findings("JA502", trace)
    assert finding.step == 1 and finding.severity == "medium" and JQUERY in finding.message
    assert "the page's scripts then crashed: ReferenceError: $ is not defined" in finding.message
    assert "also on 5 more steps" in finding.message
    assert any(e.kind == "request" and JQUERY in e.value for e in finding.evidence)


def test_a_third_party_script_failing_without_consequence_is_low():
    trace = shop_recorded("shuup", "happy-path")
    trace.steps[2].network.append(_failed_script("https://www.googletagmanager.com/gtm.js?id=GTM-X", "net::ERR_BLOCKED_BY_CLIENT"))
    [finding] = findings("JA502", trace)
    assert finding.severity == "low" and "nothing on the page visibly broke" in finding.message


def test_the_shuup_corpus_has_no_failing_third_party_script():
    for journey in ("happy-path", "announced-fee", "late-tax"):
        assert findings("JA502", shop_recorded("shuup", journey)) == []


def test_a_provider_switched_off_while_the_customer_pays_by_invoice_is_medium():
    trace = shop_recorded("shuup", "happy-path")
    payment = trace.steps[3]  # 'Shipping and payment method': the customer checked 'Invoice'
    payment.network.append(_failed_script(STRIPE, "net::ERR_CONNECTION_REFUSED"))
    [finding] = findings("JA505", trace)
    assert finding.severity == "medium" and "Stripe's script" in finding.message and STRIPE in finding.message
    assert "paid another way" in finding.message and "offers no Stripe payment" in finding.message


def test_a_provider_offered_but_failing_says_who_it_hurts():
    trace = shop_recorded("shuup", "happy-path")
    payment = trace.steps[3]
    payment.visible_text += "\nCredit card (Stripe)"
    payment.network.append(_failed_script(STRIPE))
    [finding] = findings("JA505", trace)
    assert finding.severity == "medium" and "Customers who choose Stripe on this page may not be able to pay" in finding.message


def test_the_chosen_provider_failing_stays_high():
    trace = shop_recorded("shuup", "happy-path")
    payment = trace.steps[3]
    payment.network.append(_failed_script(STRIPE))
    next(a for a in payment.actions if "Invoice" in a.description).target["label"] = "Card (Stripe)"
    [finding] = findings("JA505", trace)
    assert finding.severity == "high" and "The payment widget at" in finding.message


def test_a_provider_failing_where_the_journey_stopped_stays_high():
    trace = shop_recorded("shuup", "payment-provider-error")
    trace.steps[5].network.append(_failed_script(STRIPE))  # the step where the payment failed
    [finding] = findings("JA505", trace)
    assert finding.severity == "high"


def test_the_demo_own_widget_the_customer_typed_into_stays_high():
    [finding] = findings("JA505", recorded("payment-frame-failed"), own_patterns=["/payments/"])
    assert finding.severity == "high"
