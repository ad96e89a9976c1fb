"""Run history on SQLite: record, previous, list, trend and compare.

The tests take the store's URL from the ``history_url`` fixture, so that
tests/e2e/test_history_postgres.py runs the very same tests on PostgreSQL.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from journeyaudit.history import store
from journeyaudit.history.database import (
    History,
    HistoryError,
    StoredRun,
    database_url,
    default_url,
    format_runs,
    mask_url,
)
from journeyaudit.judge.engine import judge
from journeyaudit.model import Result, Run, RunSummary

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "traces"
DAY = 86400.0
T0 = 1_795_000_000.0  # some day in 2026


def fixture_run(journey_id: str) -> Run:
    return store.load_run(FIXTURES / journey_id)


def without_console_errors(run: Run) -> Run:
    """The console-error journey after the shop fixed its reviews widget."""
    fixed = copy.deepcopy(run)
    for step in fixed.steps:
        step.console = [m for m in step.console if m.type != "error"]
    return fixed


def slower(run: Run, step_name: str, ms: float) -> Run:
    changed = copy.deepcopy(run)
    for step in changed.steps:
        if step.name == step_name:
            step.duration_ms = ms
    return changed


_JUDGED: dict[tuple[int, ...], tuple[list, list]] = {}


def make_result(runs: list[Run], started_at: float, audit: str = "demo") -> Result:
    key = tuple(id(run) for run in runs)  # the run sets below are cached, so ids are stable
    if key not in _JUDGED:
        _JUDGED[key] = judge(runs)
    findings, outcomes = copy.deepcopy(_JUDGED[key])
    result = Result(
        audit=audit,
        base_url=runs[0].base_url,
        started_at=started_at,
        duration_ms=sum(r.duration_ms for r in runs),
        tool_version="0.1.0",
        runs=[
            RunSummary(r.journey_id, r.journey_name, r.journey_path, r.status,
                       steps_total=len(r.steps), steps_passed=sum(s.status == "passed" for s in r.steps),
                       duration_ms=r.duration_ms, trace=f"traces/{r.journey_id}")
            for r in runs
        ],
        findings=findings,
        outcomes=outcomes,
    )
    return result


@lru_cache(maxsize=None)
def _first_runs() -> tuple[Run, ...]:
    return tuple(fixture_run(j) for j in ("happy-path", "late-fee", "console-error", "slow-step"))


def first_runs() -> list[Run]:
    return list(_first_runs())


def second_runs() -> list[Run]:
    return list(_second_runs())


@lru_cache(maxsize=None)
def _second_runs() -> tuple[Run, ...]:
    """console-error fixed, generic-error new, late-fee still open, Payment slower."""
    first = {run.journey_id: run for run in first_runs()}
    return (
        first["happy-path"],
        first["late-fee"],
        without_console_errors(first["console-error"]),
        slower(first["slow-step"], "Payment", 9100.0),
        fixture_run("generic-error"),
    )


@pytest.fixture
def history_url(tmp_path) -> str:
    return default_url(tmp_path / "reports")


@pytest.fixture
def history(history_url):
    with History(history_url) as opened:
        yield opened


# --------------------------------------------------------------------------


def test_record_and_read_back(history):
    runs = first_runs()
    result = make_result(runs, T0)
    run_id = history.record(result, "reports/one/report.html", runs=runs)
    assert isinstance(run_id, int)
    assert all(f.fingerprint for f in result.findings)  # record assigns them

    [stored] = history.runs()
    assert isinstance(stored, StoredRun)
    assert stored.id == run_id
    assert (stored.audit, stored.base_url, stored.started_at) == ("demo", result.base_url, T0)
    assert stored.counts == result.counts()
    assert stored.total == len(result.findings) == 3
    assert stored.report_path == "reports/one/report.html"
    assert stored.tool_version == "0.1.0"
    assert stored.journeys == 4
    assert abs(stored.duration_ms - result.duration_ms) < 0.01
    assert sorted(f.fingerprint for f in stored.findings) == sorted(f.fingerprint for f in result.findings)
    assert {f.code for f in stored.findings} == {"JA201", "JA501", "JA401"}
    assert stored.timings[("slow-step", "Payment")] == pytest.approx(6661.8)
    assert len(stored.timings) == sum(len(r.steps) for r in runs)
    assert history.get(run_id).id == run_id
    assert history.get(run_id + 1000) is None


def test_second_run_shows_fixed_new_still_open_and_timing_changes(history):
    first = make_result(first_runs(), T0)
    history.record(first, "r1/report.html", runs=first_runs())
    runs = second_runs()
    second = make_result(runs, T0 + DAY)

    earlier = history.previous("demo", before=second.started_at)
    assert earlier is not None and earlier.started_at == T0
    comparison = history.compare(second, earlier, "last run", runs=runs)
    assert comparison.against == "last run"

    by_status = {}
    for change in comparison.changes:
        by_status.setdefault(change.status, []).append(change.code)
    assert by_status == {"new": ["JA302"], "fixed": ["JA501"], "still_open": ["JA201", "JA401"]}
    fixed = next(c for c in comparison.changes if c.status == "fixed")
    assert (fixed.journey, fixed.step_name, fixed.severity) == ("console-error", "Product page", "low")
    assert "console error" in fixed.message
    assert [c.status for c in comparison.changes] == ["new", "fixed", "still_open", "still_open"]

    timing = {(t.journey, t.step_name): t for t in comparison.timings}
    payment = timing[("slow-step", "Payment")]
    assert payment.before_ms == pytest.approx(6661.8) and payment.now_ms == 9100.0
    new_journey = timing[("generic-error", "Cart")]
    assert new_journey.before_ms is None and new_journey.now_ms is not None
    unchanged = timing[("happy-path", "Cart")]
    assert unchanged.before_ms == unchanged.now_ms

    # default label names the earlier run's date
    assert history.compare(second, earlier, runs=runs).against.startswith("last run (")


def test_previous_is_the_latest_earlier_run_of_the_same_audit(history):
    runs = first_runs()
    for offset in (0, 2, 1):  # recorded out of order
        history.record(make_result(runs, T0 + offset * DAY), None, runs=runs)
    history.record(make_result(runs, T0 + 5 * DAY, audit="staging"), None, runs=runs)
    assert history.previous("demo", before=T0) is None
    assert history.previous("demo", before=T0 + 1.5 * DAY).started_at == T0 + DAY
    assert history.previous("demo", before=T0 + 10 * DAY).started_at == T0 + 2 * DAY
    assert history.previous("staging", before=T0 + 10 * DAY).audit == "staging"
    assert history.previous("nope", before=T0 + 10 * DAY) is None


def test_runs_newest_first_with_limit_and_audit_filter(history):
    runs = first_runs()
    for day in range(4):
        history.record(make_result(runs, T0 + day * DAY), f"r{day}", runs=runs)
    history.record(make_result(runs, T0 + 9 * DAY, audit="staging"), "s", runs=runs)
    assert [r.report_path for r in history.runs()] == ["s", "r3", "r2", "r1", "r0"]
    assert [r.report_path for r in history.runs("demo", limit=2)] == ["r3", "r2"]
    assert [r.audit for r in history.runs("staging")] == ["staging"]
    assert history.runs("nope") == []


def test_trend_is_oldest_first(history):
    runs = first_runs()
    history.record(make_result(runs, T0), None, runs=runs)
    history.record(make_result(second_runs(), T0 + DAY), None, runs=second_runs())
    history.record(make_result(runs, T0 + 2 * DAY), None, runs=runs)
    trend = history.trend("demo")
    assert [p.started_at for p in trend] == [T0, T0 + DAY, T0 + 2 * DAY]
    assert trend[0].findings == {"low": 1, "medium": 1, "high": 1, "critical": 0}
    assert trend[1].findings == {"low": 0, "medium": 2, "high": 1, "critical": 0}
    assert trend[0].step_ms["slow-step/Payment"] == pytest.approx(6661.8)
    assert trend[1].step_ms["slow-step/Payment"] == 9100.0
    assert [p.started_at for p in history.trend("demo", limit=2)] == [T0 + DAY, T0 + 2 * DAY]
    assert [p.started_at for p in history.trend("demo", before=T0 + 2 * DAY)] == [T0, T0 + DAY]


def test_timings_come_from_saved_traces_without_runs(history, tmp_path):
    out = tmp_path / "reports" / "2026-demo"
    runs = first_runs()
    for run in runs:
        store.save_run(run, out / "traces" / run.journey_id)
    result = make_result(runs, T0)
    store.save_result(result, out / store.RESULT_FILE)
    history.record(result, str(out / "report.html"))
    stored = history.previous("demo", before=T0 + 1)
    assert stored.timings[("slow-step", "Payment")] == pytest.approx(6661.8)
    comparison = history.compare(result, stored, "x", report_path=str(out))
    assert all(t.before_ms == t.now_ms for t in comparison.timings)
    assert {c.status for c in comparison.changes} == {"still_open"}


def test_suppressed_findings_are_stored(history):
    runs = first_runs()
    result = make_result(runs, T0)
    result.findings[0].suppressed = True
    history.record(result, None, runs=runs)
    [stored] = history.runs()
    assert stored.suppressed == 1
    assert sum(f.suppressed for f in stored.findings) == 1


def test_data_survives_reopening(history_url):
    runs = first_runs()
    with History(history_url) as first:
        first.record(make_result(runs, T0), None, runs=runs)
    with History(history_url) as again:
        assert len(again.runs()) == 1


def test_format_runs_for_the_history_command(history):
    assert format_runs(history.runs()) == "no runs recorded yet"
    runs = first_runs()
    history.record(make_result(runs, T0), "reports/one/report.html", runs=runs)
    history.record(make_result(second_runs(), T0 + DAY), None, runs=second_runs())
    lines = format_runs(history.runs()).splitlines()
    assert lines[0].split() == ["date", "audit", "critical", "high", "medium", "low", "suppressed", "flaky", "duration", "report"]
    newest, oldest = lines[1].split(), lines[2].split()
    assert newest[2:6] == ["demo", "0", "1", "2"] and newest[-1] == "-"
    assert oldest[2:7] == ["demo", "0", "1", "1", "1"] and oldest[-1] == "reports/one/report.html"
    assert oldest[-3:-1] == [f"{make_result(runs, T0).duration_ms / 1000:.1f}", "s"]


# --------------------------------------------------------------------------
# URLs and errors (SQLite / no server needed)
# --------------------------------------------------------------------------


def test_default_url_is_a_file_in_the_reports_folder(tmp_path):
    url = default_url(tmp_path / "reports")
    assert url == f"sqlite:///{tmp_path.resolve()}/reports/history.sqlite"
    with History(url) as history:
        history.runs()
    assert (tmp_path / "reports" / "history.sqlite").is_file()


def test_postgresql_urls_go_through_psycopg():
    assert database_url("postgresql://u:p@db/ja").drivername == "postgresql+psycopg"
    assert database_url("postgres://u:p@db/ja").drivername == "postgresql+psycopg"
    assert database_url("postgresql+psycopg://u:p@db/ja").drivername == "postgresql+psycopg"
    assert database_url("sqlite:///x.sqlite").drivername == "sqlite"


def test_mask_url_hides_the_password():
    assert mask_url("postgresql://bob:s3cret@db:5432/ja") == "postgresql://bob:***@db:5432/ja"
    assert "s3cret" not in mask_url("weird://bob:s3cret@@@")


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    bad = tmp_path / "history.sqlite"
    bad.write_text("this is not a database\n" * 100)
    with pytest.raises(HistoryError) as info:
        History(f"sqlite:///{bad}")
    assert str(bad) in str(info.value)
    assert "not a database" in str(info.value)


def test_a_folder_in_place_of_the_file_is_a_clear_error(tmp_path):
    with pytest.raises(HistoryError, match="unable to open database file"):
        History(f"sqlite:///{tmp_path}")


def test_an_unknown_database_kind_is_a_clear_error():
    with pytest.raises(HistoryError, match="no dialect"):
        History("nosuchdb://u:p@host/x")
    with pytest.raises(HistoryError, match="not a database URL"):
        History("::::")


def test_an_unreachable_server_names_the_url_without_its_password():
    with pytest.raises(HistoryError) as info:
        History("postgresql://ja:topsecret@127.0.0.1:1/journeyaudit")
    message = str(info.value)
    assert "postgresql://ja:***@127.0.0.1:1/journeyaudit" in message
    assert "topsecret" not in message
    assert "could not be opened" in message


def test_history_and_baseline_import_neither_playwright_nor_jinja():
    code = (
        "import sys, journeyaudit.history.database, journeyaudit.history.baseline, journeyaudit.history.fingerprint; "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('playwright', 'jinja2'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""
