"""JA701-JA705 and JA104 on journeys recorded from the demo shop with real SMTP mail."""

from __future__ import annotations

import pytest

from journeyaudit.judge.engine import options_for
from journeyaudit.model import EmailMessage
from journeyaudit.rules.ja7xx_email import list_unsubscribe_problem, order_contradictions
from tests.unit.recorded import JOURNEYS, findings, recorded, shop_recorded

MY_CODES = ("JA104", "JA701", "JA702", "JA703", "JA704", "JA705")
# each recorded mail journey -> exactly the codes of MY_CODES it must produce
EXPECTED = {
    "mail-order": set(),
    "mail-newsletter": set(),
    "duplicate-confirmation": {"JA701"},
    "newsletter-burst": {"JA701"},
    "no-confirmation-email": {"JA702"},
    "unsubscribe-ignored": {"JA703"},
    "no-list-unsubscribe": {"JA704"},
    "cheerful-cancellation": {"JA705"},
    "silent-cancel": {"JA104"},
}


def codes(trace) -> set[str]:
    return {f.code for code in MY_CODES for f in findings(code, trace)}


@pytest.mark.parametrize("journey", sorted(EXPECTED))
def test_each_mail_journey_gets_exactly_its_findings(journey):
    trace = recorded(journey)
    assert trace.inbox and trace.status == "passed"
    assert codes(trace) == EXPECTED[journey]


@pytest.mark.parametrize("journey", JOURNEYS)
def test_journeys_without_mail_capture_are_not_judged(journey):
    assert codes(recorded(journey)) == set()


def test_duplicate_confirmation_and_burst():
    (dup,) = findings("JA701", recorded("duplicate-confirmation"))
    assert dup.severity == "medium" and "reached you 2 times after 'Confirmation' (step 7)" in dup.message
    assert dup.evidence[0].kind == "email" and "is confirmed" in dup.evidence[0].value
    (burst,) = findings("JA701", recorded("newsletter-burst"))
    assert burst.severity == "high" and "12 times" in burst.message and "Brew notes" in burst.message
    assert "within 0.3 s" in burst.message  # the recorded copies came 0.32 s apart


def test_copies_that_came_together_are_told_as_all_at_once_not_within_0_0_s():
    trace = recorded("newsletter-burst")
    for message in trace.emails:
        message.received_at = trace.emails[0].received_at
    (burst,) = findings("JA701", trace)
    assert "12 times after 'Newsletter arrives' (step 2), all at once." in burst.message
    assert "12 identical messages all at once" in [e.value for e in burst.evidence]


def test_a_copy_arriving_after_the_next_step_began_is_still_a_duplicate():
    trace = recorded("duplicate-confirmation")
    first, second = trace.emails[:2]
    later = next(s for s in trace.steps if s.index > first.step)
    second.step = later.index  # the second copy came while the customer was already on the next step
    (dup,) = findings("JA701", trace)
    assert "reached you 2 times after 'Confirmation' (step 7)" in dup.message
    assert f"the last copy after {later.label}" in dup.message


def test_shuup_confirmation_mail_watched_for_a_while_is_no_duplicate():
    trace = shop_recorded("shuup", "happy-path")
    assert len(trace.emails) == 1 and findings("JA701", trace) == []
    copy = EmailMessage(**{**vars(trace.emails[0]), "step": None, "received_at": trace.emails[0].received_at + 30})
    trace.emails.append(copy)  # the same mail again, read only at the end of the watch period
    (dup,) = findings("JA701", trace)
    assert "Order 8 Received" in dup.message and "the last copy after the end of the journey" in dup.message


def test_newsletter_issues_in_different_steps_are_not_duplicates():
    trace = recorded("unsubscribe-ignored")
    assert len(trace.emails) == 2 and trace.emails[0].step != trace.emails[1].step
    assert findings("JA701", trace) == []


def test_missing_confirmation_says_how_long_the_inbox_was_watched():
    (finding,) = findings("JA702", recorded("no-confirmation-email"))
    assert finding.step == 7 and "no confirmation email arrived (none seen within" in finding.message
    assert [e.label for e in finding.evidence][:2] == ["Order number on 'Confirmation' (step 7)", "What 'Confirmation' (step 7) promised"]
    assert "sent a confirmation email to cu•••@journeyaudit.test" in finding.evidence[1].value


def test_configured_expectation_password_reset():
    trace = recorded("mail-order")
    trace.steps[-1].visible_text += "\nWe've sent you a link to reset your password."
    (finding,) = findings("JA702", trace)
    assert finding.confidence == "medium" and "no password reset email arrived" in finding.message
    reset = trace.emails[0]
    reset.text, reset.received_at = "Reset your password: https://shop.example/reset", trace.steps[-1].started_at + 0.5
    assert findings("JA702", trace) == []


def test_unsubscribe_not_honoured_quotes_the_page_and_the_mail():
    (finding,) = findings("JA703", recorded("unsubscribe-ignored"))
    assert finding.step == 4
    assert "You unsubscribed at 'Unsubscribe' (step 3) ('You have been unsubscribed.')" in finding.message
    assert "Brew notes" in finding.evidence[1].value


def test_unsubscribe_honoured_passes_and_transactional_mail_is_not_marketing():
    trace = recorded("mail-newsletter")
    assert findings("JA703", trace) == []
    order = recorded("mail-order").emails[0]
    order.step, order.received_at = 4, trace.emails[-1].received_at + 60
    trace.emails.append(order)  # an order email after unsubscribing is not a mailing
    assert findings("JA703", trace) == []


def test_list_unsubscribe_problems():
    def message(**headers):
        return EmailMessage(id="x", received_at=0, sender="n@s", headers=headers)

    assert list_unsubscribe_problem(message()) == "no List-Unsubscribe header"
    assert list_unsubscribe_problem(message(**{"List-Unsubscribe": "<mailto:u@s.example>"})) is None
    assert "List-Unsubscribe-Post" in list_unsubscribe_problem(message(**{"List-Unsubscribe": "<https://s/u>"}))
    assert list_unsubscribe_problem(
        message(**{"List-Unsubscribe": "<https://s/u>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    ) is None
    assert "without" in list_unsubscribe_problem(message(**{"List-Unsubscribe": "https://s/u"}))


def test_missing_list_unsubscribe_names_the_mailing():
    (finding,) = findings("JA704", recorded("no-list-unsubscribe"))
    assert "has no List-Unsubscribe header" in finding.message
    assert ("List-Unsubscribe", "(missing)") in [(e.label, e.value) for e in finding.evidence]


def test_cheerful_cancellation_contradicts_the_order():
    (finding,) = findings("JA705", recorded("cheerful-cancellation"))
    assert finding.confidence == "medium"
    assert "Thank you for your order" in finding.message and "Status: Cancelled" in finding.message


def test_email_total_that_differs_from_the_confirmation_page():
    trace = recorded("mail-order")
    email = trace.emails[0]
    assert "Total: €44.80" in email.text
    email.text = email.text.replace("Total: €44.80", "Total: €49.80")
    (finding,) = findings("JA705", trace)
    assert finding.confidence == "high" and finding.severity == "high"
    assert "says the total is 'Total €49.80'" in finding.message
    assert "'Confirmation' (step 7) said €44.80" in finding.message
    (item,) = order_contradictions(trace, options_for("JA705"))
    assert item.kind == "amount" and item.known_step.role == "confirmation"


def test_silent_cancellation_uses_page_and_mailbox():
    trace = recorded("silent-cancel")
    (finding,) = findings("JA104", trace)
    assert finding.severity == "critical" and finding.step == 9
    assert "says 'Status: Cancelled') and no email told you: none seen within" in finding.message
    trace.inbox = ""  # no mail capture: the rule cannot tell, so it does not guess
    assert findings("JA104", trace) == []


def test_cancellation_with_a_notice_is_not_silent():
    assert findings("JA104", recorded("cheerful-cancellation")) == []


def test_thank_you_mail_after_the_shop_refused_the_order_contradicts_it():
    """Shuup: 'Place Order' creates the order and mails 'Thank you for your order', then the payment page is a 500."""
    trace = shop_recorded("shuup", "payment-provider-error")
    (finding,) = findings("JA705", trace)
    assert finding.step == 6 and finding.confidence == "medium"
    assert "'Brew Bench - Order 10 Received' says 'Thank you for your order" in finding.message
    assert "at 'Confirmation' (step 6) the shop refused the order ('Internal Server Error (500)')" in finding.message
    (item,) = order_contradictions(trace, options_for("JA705"))
    assert item.kind == "refused" and item.known_step.index == 6


def test_thank_you_mail_is_no_contradiction_when_the_order_went_through_later():
    trace = shop_recorded("shuup", "payment-provider-error")
    failed = next(s for s in trace.steps if s.index == 6)
    retried = next(s for s in trace.steps if s.index == 7)
    retried.role, retried.status = "confirmation", "passed"  # the customer retried and got a confirmation
    assert failed.status == "failed" and findings("JA705", trace) == []


def test_shuup_happy_path_mail_contradicts_nothing():
    assert findings("JA705", shop_recorded("shuup", "happy-path")) == []
