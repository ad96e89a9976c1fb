"""Bounded recordings (issue 14, class 5): what a step and a finding may hold, and that the rest is counted.

The recorder's caps are checked on a real Chromium page in tests/e2e/test_security_recording.py
(150,000 console lines leave a trace of under 3 MB); here: the caps themselves, the profile's
limits section, the judge's cap on evidence, old traces and the report's "N more ... not kept".
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journeyaudit import model
from journeyaudit.gather.limits import RecordingLimits, cap_items, room
from journeyaudit.history import store
from journeyaudit.judge.engine import MAX_EVIDENCE, RuleSettings, cap_evidence, judge_run, selected_rules
from journeyaudit.report.formats import dropped_lines
from journeyaudit.report.html import render_html
from journeyaudit.rules.registry import all_rules
from journeyaudit.spec import config
from journeyaudit.spec.yamlsource import ValidationFailed


def test_each_kind_of_event_is_kept_up_to_the_cap_and_the_rest_counted():
    step = model.StepRecord(1, "Product", "product")
    limits = RecordingLimits(events_per_step=10)
    for n in range(25):
        if room(step, "console", limits):
            step.console.append(model.ConsoleMessage("log", f"line {n}"))
    for _ in range(3):
        if room(step, "dialogs", limits):
            step.dialogs.append(model.Dialog("alert", "hi"))
    assert [m.text for m in step.console] == [f"line {n}" for n in range(10)]
    assert step.dropped == {"console": 15} and len(step.dialogs) == 3
    assert limits.count_ceiling == 200


def test_structured_data_is_cut_by_size_and_the_rest_counted():
    items = [{"@type": "Product", "name": "x" * 90} for _ in range(50)]
    kept, dropped = cap_items(items, 1_000)
    assert 0 < len(kept) < 50 and len(kept) + dropped == 50
    assert len(json.dumps(kept)) <= 1_000 + 2 * len(kept)
    assert cap_items(items[:3], 1_000) == (items[:3], 0)


def test_the_profile_sets_the_limits_with_sane_defaults(tmp_path):
    journey = tmp_path / "j.yaml"
    journey.write_text("name: J\nsteps:\n  - name: Home\n    role: product\n    actions:\n      - goto: /\n")
    profile = tmp_path / "audit.yaml"
    profile.write_text(f"name: a\nbase_url: https://shop.test\njourneys: [{journey.name}]\n")
    settings = config.resolve([profile])
    assert (settings.limits.events_per_step, settings.limits.structured_data_chars) == (500, 200_000)
    assert settings.rules.evidence_chars == 2_000
    profile.write_text(f"name: a\nbase_url: https://shop.test\njourneys: [{journey.name}]\n"
                       "limits: {events_per_step: 50, structured_data_chars: 5000, evidence_chars: 300}\n")
    settings = config.resolve([profile])
    assert (settings.limits.events_per_step, settings.limits.structured_data_chars) == (50, 5_000)
    assert settings.rules.evidence_chars == 300
    profile.write_text(f"name: a\nbase_url: https://shop.test\njourneys: [{journey.name}]\nlimits: {{events_per_step: 0}}\n")
    with pytest.raises(ValidationFailed) as failed:
        config.resolve([profile])
    assert "audit.yaml:4" in str(failed.value) and "events_per_step" in str(failed.value)


def test_every_piece_of_evidence_is_capped():
    finding = model.Finding(evidence=[model.Evidence("console", "Console error", "x" * 5_000)])
    cap_evidence(finding, 2_000)
    assert finding.evidence[0].value == "x" * 2_000 + "… (3,000 more characters not kept)"
    many = model.Finding(evidence=[model.Evidence("request", f"Request {n}", "GET /") for n in range(500)])
    cap_evidence(many, 2_000)
    assert len(many.evidence) == MAX_EVIDENCE
    assert many.evidence[-1].value == f"{500 - MAX_EVIDENCE + 1:,} more pieces of evidence not kept"


def test_the_judge_caps_what_a_rule_quotes():
    step = model.StepRecord(1, "Product", "product", console=[model.ConsoleMessage("error", "E" * 1_900)])
    run = model.Run("j", "J", "j.yaml", "https://shop.test", steps=[step])
    settings = RuleSettings(select=["JA501"], evidence_chars=120)
    findings, _ = judge_run(run, selected_rules(settings), settings)
    assert findings and all(len(e.value) < 200 for f in findings for e in f.evidence)
    assert any("1,780 more characters not kept" in e.value for f in findings for e in f.evidence)
    assert {info.code for info in selected_rules(settings)} == {"JA501"} and all_rules()


def test_a_trace_written_before_the_limits_still_loads(tmp_path):
    run = model.Run("j", "J", "j.yaml", "https://shop.test", steps=[model.StepRecord(1, "Home", "product")])
    data = model.to_dict(run)
    for step in data["steps"]:
        del step["dropped"], step["uncounted"]
    (tmp_path / store.TRACE_FILE).write_text(json.dumps(data))
    loaded = store.load_run(tmp_path)
    assert loaded.steps[0].dropped == {} and loaded.steps[0].uncounted == []


def test_the_report_says_what_was_not_kept(tmp_path: Path):
    step = model.StepRecord(1, "Home", "product", dropped={"console": 149_500, "network": 12}, uncounted=["network"])
    assert dropped_lines(step) == ["149,500 more console messages not kept", "at least 12 more requests not kept"]
    run = model.Run("j", "J", "j.yaml", "https://shop.test", steps=[step])
    result = model.Result("a", "https://shop.test", runs=[model.RunSummary("j", "J", "j.yaml", "passed", trace="traces/j")])
    html = render_html(result, {"j": run}, trace_root=tmp_path, rules=all_rules())
    assert "149,500 more console messages not kept" in html and "at least 12 more requests not kept" in html
