"""After the run: baseline, history, "since the last run", trend and CI formats together.

Runs recorded from the demo shop (tests/fixtures/traces) are judged like an
audit would; a second audit judges the same journeys after the late fee was
fixed (the late-fee journey recorded without its fault is the happy path's
twin, so the JA201 finding is simply gone).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from journeyaudit.history import baseline as baselines
from journeyaudit.history import store
from journeyaudit.history.database import History, default_url
from journeyaudit.judge.engine import RuleSettings, judge
from journeyaudit.model import Result, Run, RunSummary
from journeyaudit.postrun import SetupError, finish, prepare

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "traces"
T0 = 1_795_000_000.0


def _runs(*ids: str) -> dict[str, Run]:
    return {journey: store.load_run(FIXTURES / journey) for journey in ids}


def _result(runs: dict[str, Run], started_at: float, settings: RuleSettings | None = None) -> Result:
    findings, outcomes = judge(runs.values(), settings or RuleSettings())
    return Result(
        audit="demo",
        base_url="http://127.0.0.1:8000",
        started_at=started_at,
        duration_ms=sum(r.duration_ms for r in runs.values()),
        fail_on="high",
        runs=[
            RunSummary(r.journey_id, r.journey_name, r.journey_path, r.status, steps_total=len(r.steps),
                       steps_passed=sum(s.status == "passed" for s in r.steps), duration_ms=r.duration_ms,
                       trace=f"traces/{r.journey_id}")
            for r in runs.values()
        ],
        findings=findings,
        outcomes=outcomes,
    )


def _late_fee_fixed(runs: dict[str, Run]) -> dict[str, Run]:
    """The same recordings with the late 'Service fee' line gone: as if the shop had dropped it.

    (Ignoring JA201 would not do: a rule that did not run says nothing about what is fixed.)
    """
    fixed = copy.deepcopy(runs)
    for step in fixed["late-fee"].steps:
        step.visible_text = "\n".join(line for line in step.visible_text.splitlines() if "Service fee" not in line)
    return fixed


@pytest.fixture
def history_url(tmp_path) -> str:
    """SQLite here; tests/e2e/test_history_postgres.py runs the same test on PostgreSQL."""
    return default_url(tmp_path / "reports")


def test_second_run_shows_the_fixed_finding_and_a_two_point_trend(tmp_path, history_url):
    url = history_url
    runs = _runs("happy-path", "late-fee", "console-error")

    first = _result(runs, T0)
    post = prepare(history_url=url)
    finish(post, first, runs, tmp_path / "r1")
    post.close()
    assert post.recorded_id == 1 and post.warnings == []
    assert first.comparisons == []  # nothing to compare with yet
    assert len(first.trend) == 1
    assert all(f.fingerprint for f in first.findings)
    late_fee = next(f for f in first.findings if f.code == "JA201")

    second = _result(_late_fee_fixed(runs), T0 + 3600)
    post = prepare(history_url=url)
    finish(post, second, runs, tmp_path / "r2")
    post.close()
    (since_last,) = second.comparisons
    assert since_last.against.startswith("last run")
    fixed = [c for c in since_last.changes if c.status == "fixed"]
    assert [(c.code, c.journey, c.fingerprint) for c in fixed] == [("JA201", "late-fee", late_fee.fingerprint)]
    assert {c.status for c in since_last.changes} <= {"fixed", "still_open"}
    assert any(c.status == "still_open" and c.code == "JA501" for c in since_last.changes)
    assert since_last.timings and all(t.before_ms is not None for t in since_last.timings)
    assert [sum(p.findings.values()) for p in second.trend] == [len(first.findings), len(second.findings)]
    assert "late-fee/Review order" in second.trend[-1].step_ms

    with History(url) as history:
        assert [run.id for run in history.runs("demo")] == [2, 1]


def test_baseline_suppresses_known_findings_and_says_what_is_new(tmp_path):
    runs = _runs("happy-path", "late-fee")
    known = _result(runs, T0)
    baselines.create(known, tmp_path / "base.json")

    now_runs = _runs("happy-path", "late-fee", "server-error")
    result = _result(now_runs, T0 + 60)
    post = prepare(baseline=tmp_path / "base.json")
    finish(post, result, now_runs, tmp_path / "out")
    late = [f for f in result.findings if f.journey == "late-fee"]
    assert late and all(f.suppressed for f in late)
    assert all(not f.suppressed for f in result.findings if f.journey == "server-error")
    assert result.failing() and all(f.journey == "server-error" for f in result.failing())
    (against,) = result.comparisons
    assert against.against.startswith("baseline base.json")
    assert {c.journey for c in against.changes if c.status == "new"} == {"server-error"}
    assert {c.journey for c in against.changes if c.status == "still_open"} == {"late-fee"}

    # a baseline that knows everything: nothing fails, everything is still listed
    baselines.create(result, tmp_path / "all.json")
    again = _result(now_runs, T0 + 120)
    finish(prepare(baseline=tmp_path / "all.json"), again, now_runs, tmp_path / "out2")
    assert again.findings and again.failing() == [] and all(f.suppressed for f in again.findings)


def test_formats_are_written_next_to_the_result(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    runs = _runs("happy-path", "late-fee")
    result = _result(runs, T0)
    post = prepare(formats=["html", "json", "junit", "sarif", "gitlab", "junit"])
    assert post.formats == ["junit", "sarif", "gitlab"]
    finish(post, result, runs, tmp_path)
    assert sorted(p.name for p in post.written) == ["gl-code-quality-report.json", "journeyaudit.sarif", "junit.xml"]
    sarif = json.loads((tmp_path / "journeyaudit.sarif").read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"history_url": "nosuchdb://host/x"}, "no dialect"),
        ({"history_url": "not a url"}, "not a database URL"),
        ({"baseline": "/nonexistent/.journeyaudit-baseline.json"}, "no baseline file here"),
        ({"formats": ["pdf"]}, "unknown report format 'pdf'"),
    ],
)
def test_prepare_fails_early_and_clearly(kwargs, message):
    with pytest.raises(SetupError, match=message):
        prepare(**kwargs)


def test_unreadable_baseline_names_the_file_and_line(tmp_path):
    bad = tmp_path / "b.json"
    bad.write_text('{"findings": [\n  {"fingerprint": }\n]}')
    with pytest.raises(SetupError, match=rf"{bad}:2:\d+: not valid JSON"):
        prepare(baseline=bad)


def test_history_failing_after_the_run_is_a_warning_not_a_lost_report(tmp_path):
    runs = _runs("happy-path")
    result = _result(runs, T0)
    post = prepare(history_url=default_url(tmp_path))
    post.history.engine.dispose()
    (tmp_path / "history.sqlite").unlink()
    (tmp_path / "history.sqlite").mkdir()  # the database file became a folder
    finish(post, result, runs, tmp_path / "out")
    assert post.recorded_id is None
    assert post.warnings and "not in the history" in post.warnings[0]


def test_read_only_history_compares_without_recording(tmp_path):
    url = default_url(tmp_path)
    runs = _runs("happy-path", "late-fee")
    finish(prepare(history_url=url), _result(runs, T0), runs, tmp_path / "r1")
    rejudged = _result(_late_fee_fixed(runs), T0 + 60)
    post = prepare(history_url=url, record=False)
    finish(post, rejudged, runs, tmp_path / "r2")
    assert [c.code for c in rejudged.comparisons[0].changes if c.status == "fixed"] == ["JA201"]

    narrowed = _result(runs, T0 + 120, RuleSettings(ignore=["JA201"]))
    finish(prepare(history_url=url, record=False), narrowed, runs, tmp_path / "r3")
    assert not [c for c in narrowed.comparisons[0].changes if c.status == "fixed"], "a rule left out is not fixed"
    assert len(rejudged.trend) == 2 and post.recorded_id is None
    with History(url) as history:
        assert len(history.runs("demo")) == 1


def test_nothing_asked_nothing_done(tmp_path):
    runs = _runs("late-fee")
    result = _result(runs, T0)
    before = copy.deepcopy(result.findings)
    finish(prepare(), result, runs, tmp_path)
    assert result.comparisons == [] and result.trend == []
    assert [f.code for f in result.findings] == [f.code for f in before]
    assert all(f.fingerprint for f in result.findings)
    assert list(tmp_path.iterdir()) == []
