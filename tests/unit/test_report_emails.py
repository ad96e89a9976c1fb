"""Emails in the HTML report: at their step, masked, escaped, with their findings."""

from __future__ import annotations

from journeyaudit.audit import summarise
from journeyaudit.judge.engine import RuleSettings, judge
from journeyaudit.model import Result
from journeyaudit.report.emails import email_views
from journeyaudit.report.html import render_html
from journeyaudit.rules import all_rules
from tests.unit.recorded import recorded


def report(*journeys: str) -> tuple[str, Result, dict]:
    runs = {j: recorded(j) for j in journeys}
    found, outcomes = judge(runs.values(), RuleSettings(select=["JA7", "JA104"]))
    result = Result(audit="mail", base_url="http://127.0.0.1", findings=found, outcomes=outcomes)
    result.runs = [summarise(run, f"traces/{run.journey_id}") for run in runs.values()]
    return render_html(result, runs, trace_root=None, rules=all_rules()), result, runs


def test_emails_appear_at_their_step_with_masked_recipient_and_headers():
    html, result, runs = report("mail-newsletter")
    views = email_views(result, runs)["mail-newsletter"]
    (issue,) = views[2].messages
    assert issue.subject.startswith("Brew notes") and issue.recipient == "cu•••@journeyaudit.test"
    assert ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click") in issue.headers
    assert issue.after.endswith("s after the step began")
    assert views[4].notes == ["Watched the inbox: none seen within 3 s."]
    assert "Watched the inbox: none seen within 3 s." in html
    assert runs["mail-newsletter"].inbox not in html  # the full address is masked


def test_findings_are_linked_from_their_email():
    html, result, runs = report("duplicate-confirmation")
    (message, copy) = email_views(result, runs)["duplicate-confirmation"][7].messages
    assert message.codes == copy.codes == ["JA701"]
    assert 'class="email email--flagged"' in html


def test_email_text_is_escaped():
    runs_html, _, _ = report("mail-order")
    trace = recorded("mail-order")
    trace.emails[0].subject = "<script>alert(1)</script>"
    trace.emails[0].text = "<img src=x onerror=alert(1)>"
    result = Result(audit="mail", base_url="http://127.0.0.1", runs=[summarise(trace, "t")])
    html = render_html(result, {"mail-order": trace}, trace_root=None, rules=all_rules())
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
