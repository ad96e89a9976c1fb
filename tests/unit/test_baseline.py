"""Baselines: create, load, apply; suppressed findings leave the exit code alone."""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

import pytest

from journeyaudit.history import baseline, store
from journeyaudit.history.baseline import BASELINE_FILE, BaselineError
from journeyaudit.judge.engine import judge
from journeyaudit.model import Result

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "traces"


@lru_cache(maxsize=None)
def _judged(journeys: tuple[str, ...]):
    return judge([store.load_run(FIXTURES / j) for j in journeys])


def result_of(*journeys: str, fail_on: str = "medium") -> Result:
    findings, outcomes = copy.deepcopy(_judged(journeys))
    return Result(audit="demo", base_url="http://127.0.0.1:1", fail_on=fail_on, findings=findings, outcomes=outcomes)


def test_round_trip(tmp_path):
    result = result_of("late-fee", "payment-refused", "console-error")
    path = tmp_path / BASELINE_FILE
    assert baseline.create(result, path) == 5
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert data["audit"] == "demo"
    assert data["created"].endswith("Z")
    first = data["findings"][0]
    assert set(first) == {"fingerprint", "code", "severity", "journey", "step", "message"}
    assert [(e["journey"], e["code"]) for e in data["findings"]] == sorted((e["journey"], e["code"]) for e in data["findings"])

    loaded = baseline.load(path)
    assert loaded.path == path
    assert loaded.audit == "demo"
    assert loaded.fingerprints == {f.fingerprint for f in result.findings}
    fee = next(e for e in loaded.entries if e.code == "JA201")
    assert (fee.journey, fee.step, fee.severity) == ("late-fee", "Review order", "high")
    assert "Service fee" in fee.message


def test_a_folder_means_the_baseline_file_in_it(tmp_path):
    baseline.create(result_of("late-fee"), tmp_path)
    assert (tmp_path / BASELINE_FILE).is_file()
    assert baseline.load(tmp_path).path == tmp_path / BASELINE_FILE


def test_duplicate_findings_are_one_entry(tmp_path):
    result = result_of("late-fee")
    result.findings.append(copy.deepcopy(result.findings[0]))
    assert baseline.create(result, tmp_path / "b.json") == 1


def test_apply_suppresses_known_findings_and_compares(tmp_path):
    known = result_of("late-fee", "console-error", "payment-refused")
    baseline.create(known, tmp_path / BASELINE_FILE)
    loaded = baseline.load(tmp_path / BASELINE_FILE)

    # next run: console error fixed, a generic error is new, the rest still there
    now = result_of("late-fee", "payment-refused", "generic-error")
    console_fixed = store.load_run(FIXTURES / "console-error")
    for step in console_fixed.steps:
        step.console = [m for m in step.console if m.type != "error"]
    findings, outcomes = judge([console_fixed])
    now.findings += findings
    now.outcomes += outcomes
    assert {f.code for f in now.failing()} == {"JA101", "JA102", "JA201", "JA302"}
    comparison = baseline.apply(now, loaded)

    assert comparison.against.startswith(f"baseline {BASELINE_FILE} (")
    statuses = sorted((c.status, c.journey, c.code) for c in comparison.changes)
    assert statuses == [
        ("fixed", "console-error", "JA501"),
        ("new", "generic-error", "JA302"),
        ("still_open", "late-fee", "JA201"),
        ("still_open", "payment-refused", "JA101"),
        ("still_open", "payment-refused", "JA102"),
        ("still_open", "payment-refused", "JA302"),
    ]
    assert [c.status for c in comparison.changes][:2] == ["new", "fixed"]
    assert comparison.timings == []

    suppressed = {(f.journey, f.code) for f in now.findings if f.suppressed}
    assert suppressed == {("late-fee", "JA201"), ("payment-refused", "JA101"), ("payment-refused", "JA102"),
                          ("payment-refused", "JA302")}
    # suppressed findings are still counted and listed, but no longer fail the audit
    assert sum(now.counts().values()) == len(now.findings) == 5
    assert [(f.journey, f.code) for f in now.failing()] == [("generic-error", "JA302")]


def test_a_baseline_of_the_same_result_suppresses_everything(tmp_path):
    result = result_of("payment-refused", "late-fee")
    baseline.create(result, tmp_path)
    again = result_of("payment-refused", "late-fee")
    comparison = baseline.apply(again, baseline.load(tmp_path))
    assert again.failing() == []
    assert {c.status for c in comparison.changes} == {"still_open"}


def test_missing_file_names_the_path(tmp_path):
    with pytest.raises(BaselineError) as info:
        baseline.load(tmp_path / "nope.json")
    assert str(tmp_path / "nope.json") in str(info.value)
    assert "baseline create" in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"findings": [', r"b\.json:1:\d+: not valid JSON"),
        ('["a"]', "not a journeyaudit baseline"),
        ('{"findings": [{"code": "JA101"}]}', r"findings\[0\] has no fingerprint"),
        ('{"schema_version": 99, "findings": []}', "newer than this journeyaudit understands"),
    ],
)
def test_broken_file_is_a_clear_error(tmp_path, text, expected):
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError, match=expected) as info:
        baseline.load(path)
    assert str(path) in str(info.value)


def test_rules_and_journeys_left_out_of_a_run_are_not_fixed(tmp_path):
    """A run narrowed to fewer journeys (or --select) cannot say a finding it never checked is fixed."""
    path = tmp_path / "b.json"
    baseline.create(result_of("late-fee", "console-error"), path)
    narrowed = result_of("late-fee")
    changes = baseline.apply(narrowed, baseline.load(path)).changes
    assert {(c.journey, c.status) for c in changes} == {("late-fee", "still_open")}
    fixed_for_real = result_of("happy-path")
    fixed_for_real.outcomes += [o for o in result_of("late-fee").outcomes]
    fixed_for_real.findings = []
    statuses = {(c.journey, c.code, c.status) for c in baseline.apply(fixed_for_real, baseline.load(path)).changes}
    assert ("late-fee", "JA201", "fixed") in statuses
    assert not any(journey == "console-error" for journey, _, _ in statuses)
