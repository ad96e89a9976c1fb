"""Probe variants recorded from the demo shop (journeys/demo/probes.yaml): outcome and the rules' verdicts.

Recorded by ``scripts/record_fixtures.py probes`` with a real Chromium; the rules and
:func:`journeyaudit.judge.probe_outcome.outcome` are judged here in milliseconds.
"""

from __future__ import annotations

import pytest

from journeyaudit.judge import probe_outcome
from journeyaudit.judge.engine import RuleSettings, judge
from journeyaudit.report.probes_view import probe_groups
from tests.unit.recorded import recorded

VARIANTS = (
    "probes~decline-stripe-generic",
    "probes~bad-email",
    "probes~short-postcode",
    "probes~card-typo",
    "probes~expired-date",
    "probes~fail-shipping-rates",
)

# Codes that a variant could draw by accident (the happy path's later expectations, the
# form's 4xx answer, the failed request, the tool's wait): exactly these must show.
# The shop runs with late-decline, late-validation and input-lost: the probes must find those
# faults (JA102/JA105/JA302, JA303, JA304) and nothing the variants cause themselves.
WATCHED = frozenset({"JA101", "JA102", "JA103", "JA105", "JA302", "JA303", "JA304", "JA401", "JA502"})
EXPECTED = {
    "probes": set(),
    "probes~decline-stripe-generic": {"JA102", "JA105", "JA302"},
    "probes~bad-email": {"JA303"},
    "probes~short-postcode": {"JA303", "JA304"},
    "probes~card-typo": {"JA303"},
    "probes~expired-date": {"JA303"},
    "probes~fail-shipping-rates": {"JA302"},
}


@pytest.mark.parametrize("journey", sorted(EXPECTED))
def test_rules_find_the_probed_faults_and_no_consequential_noise(journey):
    found, outcomes = judge([recorded(journey)], RuleSettings(options={"JA401": {"budget_ms": 5000}}))
    assert not [o for o in outcomes if o.status == "error"]
    assert {f.code for f in found} & WATCHED == EXPECTED[journey]


def test_each_variant_says_which_happy_path_it_probes():
    for journey in VARIANTS:
        run = recorded(journey)
        assert run.probe is not None and run.probe.of == "probes", journey
    assert recorded("probes").probe is None and probe_outcome.outcome(recorded("probes")) is None


def test_the_late_decline_outcome_names_the_step_the_message_and_the_wiped_card():
    outcome = probe_outcome.outcome(recorded("probes~decline-stripe-generic"))
    assert outcome.verdict == "refused-late"
    assert (outcome.refused_at, outcome.refused_step) == (7, "Confirmation")
    assert outcome.message == "Error processing request. Payment failed, please try again."
    assert outcome.kept == [] and set(outcome.lost) == {
        "Name on card", "Card number", "Expiry date (MM/YY)", "Security code (CVC)"
    }
    assert outcome.summary.startswith("Refused at 'Confirmation' (step 7), only 2 steps later, saying: ")


def test_bad_inputs_are_refused_where_the_form_was_sent():
    expected = {
        "probes~bad-email": ("Shipping address", "Enter an email address in the correct format, like name@example.com"),
        "probes~short-postcode": ("Payment", "Enter a real postcode, like 10115"),
        "probes~card-typo": ("Review order", "This card number is not valid; check for a mistyped digit"),
        "probes~expired-date": ("Review order", "This card has expired; use a card with a future expiry date"),
    }
    for journey, (step_name, message) in expected.items():
        run = recorded(journey)
        outcome = probe_outcome.outcome(run)
        assert outcome.verdict == "refused-promptly", journey
        assert (outcome.refused_step, outcome.message) == (step_name, message), journey
        stopped = [s for s in run.steps if s.probe_stop]
        assert [s.name for s in stopped] == [step_name], journey
        assert all(s.status == "skipped" for s in run.steps if s.index > stopped[0].index)
        assert all(s.status == "passed" for s in run.steps if s.index <= stopped[0].index)
    # 'input-lost': the shipping form comes back empty
    postcode = probe_outcome.outcome(recorded("probes~short-postcode"))
    assert postcode.kept == [] and postcode.lost == ["Full name", "Street address", "Postcode", "Town or city"]
    card = probe_outcome.outcome(recorded("probes~card-typo"))
    assert card.kept == ["Name on card", "Expiry date (MM/YY)"] and card.lost == ["Card number", "Security code (CVC)"]


def test_the_failing_request_outcome_quotes_what_the_customer_was_told():
    run = recorded("probes~fail-shipping-rates")
    outcome = probe_outcome.outcome(run)
    assert outcome.verdict == "told" and outcome.refused_step == "Shipping address"
    assert outcome.message == "An error occurred. Please try again later."
    assert run.steps[0].actions[0].name == "intercept"


def test_the_report_groups_variants_under_their_happy_path():
    from journeyaudit.audit import summarise
    from journeyaudit.model import Result

    runs = [recorded(j) for j in ("probes", *VARIANTS)]
    findings, _ = judge(runs, RuleSettings())
    result = Result("demo", "http://shop", runs=[summarise(r, "") for r in runs], findings=findings)

    class View:  # what probe_groups needs of a journey card: its id and anchor
        def __init__(self, number, run):
            self.id, self.anchor = run.journey_id, f"j{number}"

    (group,) = probe_groups(result, [View(n, r) for n, r in enumerate(runs, start=1)])
    assert group.anchor == "j1" and len(group.rows) == len(VARIANTS)
    late = group.rows[0]
    assert (late.kind, late.verdict, late.tone) == ("Decline card", "Refused late", "bad")
    assert {f["code"] for f in late.findings} >= {"JA102", "JA302"}
    assert [r.verdict for r in group.rows[1:5]] == ["Refused where it was typed"] * 4


def test_page_text_in_the_probes_table_is_escaped():
    from journeyaudit.audit import summarise
    from journeyaudit.model import Result
    from journeyaudit.report.html import render_html
    from journeyaudit.rules.registry import all_rules

    run = recorded("probes~fail-shipping-rates")
    summary = summarise(run, "")
    summary.probe_outcome.summary = "told: '<script>alert(1)</script>'"
    result = Result("demo", "http://shop", runs=[summary])
    html = render_html(result, {run.journey_id: run}, trace_root=None, rules=all_rules())
    assert "<h2>Probes</h2>" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html


def test_the_recorded_field_confirms_the_guess_or_says_it_was_wrong():
    run = recorded("probes~bad-email")
    assert run.probe.field == "email" and run.probe.selector == "#email"
    assert probe_outcome.outcome(run).note == ""
    # had the guess picked the postcode for the email, the recorded autocomplete says so
    run = recorded("probes~short-postcode")
    run.probe.field = "email"
    note = probe_outcome.outcome(run).note
    assert "'Postcode' (postal-code)" in note and "probes.fields.email" in note


def test_a_notice_on_a_later_page_is_not_what_the_customer_was_told_about_the_request():
    run = recorded("probes~fail-shipping-rates")
    shipping = next(s for s in run.steps if s.name == "Shipping address")
    shipping.html = shipping.html.replace("An error occurred. Please try again later.", "")
    shipping.html = shipping.html.replace('id="rates-error" role="alert"', 'id="rates-error"')
    outcome = probe_outcome.outcome(run)
    assert outcome.verdict == "not-told", outcome.summary
    assert outcome.summary == "The request failed at 'Shipping address' (step 4); the customer was told nothing."
