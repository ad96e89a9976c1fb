"""Rules that need mail capture or axe-core results are "not checked" without them, never "passed"."""

from __future__ import annotations

import pytest

from journeyaudit.judge.engine import RuleSettings, judge
from journeyaudit.model import Result, Run, from_dict, to_dict
from journeyaudit.report.html import render_html
from journeyaudit.report.terminal import unchecked_lines
from journeyaudit.rules.registry import all_rules, get_rule, rule
from tests.unit.recorded import recorded

MAIL_RULES = ["JA104", "JA701", "JA702", "JA703", "JA704", "JA705"]


def outcomes(trace, codes):
    _, found = judge([trace], RuleSettings(select=codes))
    return {o.code: o for o in found}


def test_mail_rules_declare_mail_and_ja605_axe():
    declared = {info.code for info in all_rules() if "mail" in info.needs}
    assert declared == set(MAIL_RULES)
    assert get_rule("JA605").needs == {"accessibility"}


@pytest.mark.parametrize("journey", ["silent-cancel", "mail-order", "happy-path"])
def test_without_mail_capture_the_mail_rules_are_not_checked(journey):
    trace = recorded(journey)
    trace.inbox = ""
    found = outcomes(trace, MAIL_RULES)
    assert {code: (o.status, o.detail) for code, o in found.items()} == {
        code: ("not_checked", "no mail capture configured") for code in MAIL_RULES
    }


@pytest.mark.parametrize(
    ("captured", "reason"),
    [(True, "the journey never gives the shop its {inbox} address"), (False, "no mail capture configured")],
)
def test_the_reason_tells_a_journey_without_inbox_from_no_capture(captured, reason):
    trace = recorded("happy-path")
    trace.inbox = ""  # the journey typed no {inbox} address
    trace.mail_captured = captured
    found = outcomes(trace, MAIL_RULES)
    assert {code: (o.status, o.detail) for code, o in found.items()} == {code: ("not_checked", reason) for code in MAIL_RULES}


def test_mail_captured_is_recorded_and_old_traces_load_without_it(tmp_path):
    trace = recorded("happy-path")
    trace.inbox, trace.mail_captured = "", True
    data = to_dict(trace)
    assert data["mail_captured"] is True
    assert from_dict(Run, data).mail_captured is True
    del data["mail_captured"]  # a trace recorded before the field existed
    old = from_dict(Run, data)
    assert old.mail_captured is False
    assert outcomes(old, ["JA701"])["JA701"].detail == "no mail capture configured"


def test_with_mail_capture_the_mail_rules_judge():
    found = outcomes(recorded("silent-cancel"), MAIL_RULES)
    assert found["JA104"].status == "failed"
    assert all(o.status in ("passed", "failed") for o in found.values()), found
    assert outcomes(recorded("duplicate-confirmation"), ["JA701"])["JA701"].status == "failed"
    assert outcomes(recorded("mail-order"), ["JA701"])["JA701"].status == "passed"


def test_an_unreadable_mailbox_is_not_checked_either():
    trace = recorded("mail-order")
    trace.mail_error = "connection refused"
    assert outcomes(trace, ["JA702"])["JA702"].detail == "the mailbox could not be read: connection refused"


def test_ja605_is_not_checked_without_axe_results_and_judges_with_them():
    assert outcomes(recorded("a11y-violations"), ["JA605"])["JA605"].status == "failed"
    assert outcomes(recorded("happy-path"), ["JA605"])["JA605"].status == "passed"  # axe ran, found nothing
    trace = recorded("a11y-violations")
    for step in trace.steps:
        step.accessibility = None
    found = outcomes(trace, ["JA605"])["JA605"]
    assert (found.status, found.detail) == ("not_checked", "accessibility checks were off")


def test_an_unknown_need_is_refused():
    with pytest.raises(ValueError, match="needs"):
        rule("JA998", "no-such-need", title="x", severity="low", needs=["telepathy"])


def test_reports_say_which_rules_could_not_check_and_why():
    trace = recorded("late-fee")
    findings, found = judge([trace], RuleSettings(select=["JA104", "JA605", "JA201"]))
    assert unchecked_lines(found) == ["JA104 (no mail capture configured)", "JA605 (accessibility checks were off)"]
    result = Result(audit="t", base_url=trace.base_url, findings=findings, outcomes=found)
    html = render_html(result, {trace.journey_id: trace}, trace_root=None, rules=all_rules())
    assert "Not checked (no mail capture configured)" in html
    assert "Not checked (accessibility checks were off)" in html


def test_the_terminal_says_on_how_many_journeys_a_rule_could_not_check():
    from journeyaudit.model import RuleOutcome

    reason = "the journey never gives the shop its {inbox} address"
    found = [RuleOutcome("JA701", "happy-path", "not_checked", reason),
             RuleOutcome("JA104", "happy-path", "not_checked", reason),
             RuleOutcome("JA701", "late-fee", "not_checked", reason),
             RuleOutcome("JA701", "newsletter-burst", "passed"),
             RuleOutcome("JA605", "happy-path", "not_checked", "accessibility checks were off"),
             RuleOutcome("JA605", "late-fee", "not_checked", "accessibility checks were off"),
             RuleOutcome("JA605", "newsletter-burst", "not_checked", "accessibility checks were off")]
    assert unchecked_lines(iter(found)) == [f"JA104, JA701 on 2 of 3 journeys ({reason})",
                                            "JA605 (accessibility checks were off)"]
