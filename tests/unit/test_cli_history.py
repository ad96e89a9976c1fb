"""`journeyaudit history`, `baseline create` and the run's history/baseline/format errors.

No browser: bad settings must stop `run` with exit code 2 before one is looked for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from journeyaudit.cli.main import main
from journeyaudit.history import baseline as baselines
from journeyaudit.history import store
from journeyaudit.history.database import History, default_url
from journeyaudit.judge.engine import judge
from journeyaudit.model import Result, RunSummary

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "traces"
T0 = 1_795_000_000.0


def _result(*ids: str, started_at: float = T0, audit: str = "demo") -> Result:
    runs = [store.load_run(FIXTURES / journey) for journey in ids]
    findings, outcomes = judge(runs)
    return Result(
        audit=audit, base_url="http://127.0.0.1:8000", started_at=started_at, duration_ms=1000.0,
        runs=[RunSummary(r.journey_id, r.journey_name, r.journey_path, r.status) for r in runs],
        findings=findings, outcomes=outcomes,
    )


@pytest.fixture
def runner():
    return CliRunner()


def test_history_lists_runs_newest_first_with_trends(tmp_path, runner, monkeypatch):
    monkeypatch.delenv("JOURNEYAUDIT_HISTORY", raising=False)
    reports = tmp_path / "reports"
    with History(default_url(reports)) as history:
        history.record(_result("happy-path", "late-fee", started_at=T0), "reports/a/report.html")
        history.record(_result("happy-path", started_at=T0 + 3600), "reports/b/report.html")
        history.record(_result("happy-path", started_at=T0 + 60, audit="other"), None)
    done = runner.invoke(main, ["history", "--out", str(reports)])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0].split()[:4] == ["date", "audit", "critical", "high"]
    assert "reports/b/report.html" in lines[1] and "reports/a/report.html" in lines[3]
    assert "Trend of demo (last 2 runs, oldest first)" in done.output
    assert "All problems" in done.output and "→" in done.output

    only = runner.invoke(main, ["history", "--history", default_url(reports), "--audit", "other", "--json"])
    assert only.exit_code == 0, only.output
    data = json.loads(only.output)
    assert [run["audit"] for run in data] == ["other"]


def test_history_errors_exit_2(tmp_path, runner, monkeypatch):
    monkeypatch.delenv("JOURNEYAUDIT_HISTORY", raising=False)
    empty = runner.invoke(main, ["history", "--out", str(tmp_path / "none")])
    assert empty.exit_code == 2 and "no history yet" in empty.output
    bad = runner.invoke(main, ["history", "--history", "nosuchdb://x/y"])
    assert bad.exit_code == 2 and "nosuchdb" in bad.output
    down = runner.invoke(main, ["history", "--history", "postgresql://u:secret@127.0.0.1:1/db"])
    assert down.exit_code == 2 and "secret" not in down.output and "***" in down.output


def test_baseline_create_then_run_refuses_a_broken_one(tmp_path, runner):
    result_file = tmp_path / "result.json"
    store.save_result(_result("happy-path", "late-fee", "server-error"), result_file)
    out = tmp_path / "base.json"
    done = runner.invoke(main, ["baseline", "create", str(result_file), "--out", str(out)])
    assert done.exit_code == 0, done.output
    loaded = baselines.load(out)
    assert loaded.entries and {e.journey for e in loaded.entries} == {"late-fee", "server-error"}
    assert f"written to {out}" in done.output

    missing = runner.invoke(main, ["baseline", "create", str(tmp_path / "nope.json")])
    assert missing.exit_code == 2 and "no result file here" in missing.output
    (tmp_path / "junk.json").write_text("[1, 2]")
    junk = runner.invoke(main, ["baseline", "create", str(tmp_path / "junk.json"), "--out", str(tmp_path / "b2.json")])
    assert junk.exit_code == 2 and "not a journeyaudit result" in junk.output


@pytest.mark.parametrize(
    "args, message",
    [
        (["--baseline", "/nonexistent/base.json"], "no baseline file here"),
        (["--history", "nosuchdb://h/x"], "no dialect"),
        (["--format", "pdf"], "Invalid value for '--format'"),
    ],
)
def test_run_stops_before_the_browser_on_bad_settings(args, message, runner, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("JOURNEYAUDIT_BROWSER_PATH", "/nonexistent/chromium")  # would be exit 3
    done = runner.invoke(main, ["run", "audits/demo.yaml", "--out", str(tmp_path), *args])
    assert done.exit_code == 2, done.output
    assert message in done.output
    assert not any(tmp_path.iterdir())


def test_help_teaches_with_examples(runner):
    for args, needles in (
        (["run", "--help"], ["--format", "--history", "--no-history", "--baseline", "Examples:"]),
        (["history", "--help"], ["--audit", "Examples:"]),
        (["baseline", "--help"], ["create", "--baseline .journeyaudit-baseline.json"]),
        (["baseline", "create", "--help"], ["RESULT_JSON", "suppressed"]),
    ):
        done = runner.invoke(main, args)
        assert done.exit_code == 0
        for needle in needles:
            assert needle in done.output, (args, needle)


def test_report_writes_ci_formats_from_a_saved_result(tmp_path, runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    result_file = tmp_path / "result.json"
    store.save_result(_result("happy-path", "late-fee"), result_file)
    done = runner.invoke(main, ["report", str(result_file), "--format", "junit", "--format", "gitlab"])
    assert done.exit_code == 0, done.output
    assert (tmp_path / "report.html").is_file()
    assert f"Wrote {tmp_path / 'junit.xml'}" in done.output
    issues = json.loads((tmp_path / "gl-code-quality-report.json").read_text())
    assert [issue["check_name"].split()[0] for issue in issues] == ["JA201"]
