"""The judge: selection, options, not-applicable, and rule errors as outcomes."""

from __future__ import annotations

import pytest

from journeyaudit import model
from journeyaudit.judge.engine import RuleSettings, judge, option_errors, selected_rules, unknown_patterns
from journeyaudit.rules import registry


def _run(*roles: str) -> model.Run:
    steps = [model.StepRecord(index=i, name=f"s{i}", role=role, duration_ms=100) for i, role in enumerate(roles, 1)]
    return model.Run("j", "J", "j.yaml", "http://x", steps=steps)


@pytest.fixture
def broken_rule():
    @registry.rule("JA999", "always-broken", title="t", severity="low", roles=["payment"])
    def always_broken(run, options):
        """Raises, to show that a broken rule is an outcome, not a crash."""
        raise ValueError("boom")

    yield registry._RULES["JA999"]
    del registry._RULES["JA999"]


def test_broken_rule_is_an_error_outcome(broken_rule):
    findings, outcomes = judge([_run("payment")], RuleSettings(select=["JA999"]))
    assert findings == []
    assert outcomes[0].status == "error" and "ValueError: boom" in outcomes[0].detail


def test_rule_without_its_role_is_not_applicable(broken_rule):
    _, outcomes = judge([_run("product")], RuleSettings(select=["JA999"]))
    assert outcomes[0].status == "not_applicable"


def test_select_by_prefix_and_slug_ignore_wins():
    codes = [r.code for r in selected_rules(RuleSettings(select=["JA5", "slow-step"], ignore=["JA502"]))]
    assert "JA401" in codes and "JA501" in codes and "JA503" in codes
    assert "JA502" not in codes and "JA101" not in codes


def test_unknown_codes_and_options_are_reported():
    assert unknown_patterns(["JA5", "JA999", "nope"]) == ["JA999", "nope"]
    problems = option_errors(RuleSettings(options={"JA401": {"budjet_ms": 1}}, severity={"JA401": "huge"}))
    assert any("budjet_ms" in p for p in problems) and any("huge" in p for p in problems)


def test_options_and_severity_override():
    run = _run("product")
    run.steps[0].duration_ms = 2000
    findings, _ = judge([run], RuleSettings(select=["JA401"]))
    assert findings == []
    findings, _ = judge([run], RuleSettings(select=["JA401"], options={"JA401": {"budget_ms": 1000}}, severity={"JA401": "high"}))
    assert [(f.code, f.severity, f.step_name) for f in findings] == [("JA401", "high", "s1")]


def test_errored_run_is_skipped_by_every_rule():
    run = _run("product")
    run.status = "error"
    findings, outcomes = judge([run])
    assert findings == [] and {o.status for o in outcomes} == {"skipped"}


def test_every_rule_is_documented_with_a_permanent_code():
    rules = registry.all_rules()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.slug for r in rules}) == len(rules)
    for info in rules:
        assert len(info.doc) > 200, f"{info.code} needs real documentation"
        assert "customer" in info.doc.lower(), f"{info.code} should say what the customer suffers"
