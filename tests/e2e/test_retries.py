"""`run --retries N` in real Chromium: a journey that fails once and then passes is flaky, everywhere it is reported.

The demo shop's `/demo/flaky/<key>` answers 503 the first time each key is asked for in the
shop's lifetime and 200 after, and every audit starts its own demo shop: the journey below
fails on its first attempt and passes on its second, every run. late-fee fails every attempt
(its hidden fee is a high finding), happy-path passes at once.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from journeyaudit.history import store
from journeyaudit.history.database import History

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
FLAKY_JOURNEY = """\
name: Open a page that is busy the first time
steps:
  - name: Busy page
    role: product
    actions:
      - goto: /demo/flaky/first-try
      - expect: {text: "Ready: first-try"}
"""


def cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=600)


def profile(tmp: Path, name: str, journeys: list[str], extra: str = "") -> Path:
    (tmp / "flaky-page.yaml").write_text(FLAKY_JOURNEY, encoding="utf-8")
    files = ", ".join(f'"{tmp}/flaky-page.yaml"' if j == "flaky-page" else f'"{ROOT}/journeys/demo/{j}.yaml"' for j in journeys)
    path = tmp / f"{name}.yaml"
    path.write_text(
        f"name: {name}\ndemo_shop: true\njourneys_root: /\njourneys: [{files}]\nfail_on: high\n"
        "timeouts: {action_ms: 3000}\nrules: {ignore: [JA4]}\n"
        "accessibility: false\n" + extra,  # axe-core is the demo audit's (a third of each journey's time here)
        encoding="utf-8",
    )
    return path


def only_folder(parent: Path) -> Path:
    folders = [p for p in parent.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(folders) == 1, folders
    return folders[0]


@pytest.fixture(scope="module")
def retried(tmp_path_factory):
    """One audit with retries: 1 from the profile, its history, JUnit."""
    tmp = tmp_path_factory.mktemp("retries")
    audit = profile(tmp, "retried", ["flaky-page", "happy-path", "late-fee"], "retries: 1\n")
    done = cli("run", audit, "--out", tmp / "out", "--history", tmp / "history.sqlite", "--format", "junit")
    return tmp, done, only_folder(tmp / "out")


def test_a_journey_that_fails_then_passes_is_flaky_in_result_json(retried):
    _, done, folder = retried
    assert done.returncode == 1, done.stdout + done.stderr  # late-fee failed both attempts
    result = store.load_result(folder / "result.json")
    runs = {s.journey_id: s for s in result.runs}
    assert [s.journey_id for s in result.runs] == ["flaky-page", "happy-path", "late-fee"]
    flaky, happy, late = runs["flaky-page"], runs["happy-path"], runs["late-fee"]
    assert (flaky.status, flaky.attempts, flaky.flaky) == ("passed", 2, True)
    assert (happy.attempts, happy.flaky, happy.failed_attempts) == (1, False, [])
    assert (late.attempts, late.flaky, len(late.failed_attempts)) == (2, False, 1)
    assert result.flaky == 1
    [attempt] = flaky.failed_attempts
    assert attempt.number == 1 and attempt.status == "failed" and attempt.trace == "traces/flaky-page/attempt-1"
    assert attempt.failing and attempt.failing[0].startswith("JA101 critical:"), attempt.failing
    assert not [f for f in result.findings if f.journey == "flaky-page"]  # the last attempt's findings only
    assert {f.code for f in result.findings if f.journey == "late-fee"} >= {"JA201"}
    data = json.loads((folder / "result.json").read_text())
    assert data["flaky"] == 1 and data["runs"][0]["attempts"] == 2


def test_the_failed_attempt_is_kept_as_evidence_and_not_judged_again(retried):
    _, _, folder = retried
    kept = store.load_run(folder / "traces" / "flaky-page" / "attempt-1")
    assert kept.status == "failed" and kept.steps[0].http_status == 503
    assert store.load_run(folder / "traces" / "flaky-page").steps[0].http_status == 200
    assert any(p.suffix in (".jpg", ".png") for p in (folder / "traces" / "flaky-page" / "attempt-1").iterdir())
    assert [d.name for d in store.find_trace_dirs(folder / "traces")] == ["flaky-page", "happy-path", "late-fee"]
    again = cli("audit", folder, "--out", folder.parent / "rejudged")
    assert again.returncode in (0, 1), again.stdout + again.stderr
    assert "3 journeys" in again.stdout, again.stdout
    rejudged = store.load_result(folder.parent / "rejudged" / "result.json")  # the attempts the run made are kept
    flaky = next(s for s in rejudged.runs if s.journey_id == "flaky-page")
    assert (flaky.attempts, flaky.flaky, rejudged.flaky) == (2, True, 1)
    kept = (folder.parent / "rejudged" / flaky.failed_attempts[0].trace).resolve()
    assert kept == (folder / "traces" / "flaky-page" / "attempt-1").resolve()


def test_the_terminal_says_flaky(retried):
    _, done, _ = retried
    lines = done.stdout.splitlines()
    done_lines = [line for line in lines if re.match(r"\[\d/3\] \S+\s+\d+/\d+ steps", line)]
    flaky_line = next(line for line in done_lines if "flaky-page" in line)
    assert "FLAKY: passed on attempt 2" in flaky_line, done.stdout
    assert any("flaky-page" in line and "attempt 1 failed" in line and "retrying" in line for line in lines), done.stdout
    assert any("late-fee" in line and "attempt 1 failed" in line for line in lines), done.stdout
    assert "(failed all 2 attempts)" in next(line for line in done_lines if "late-fee" in line)
    assert "1 flaky journey (failed, then passed on a retry): flaky-page" in done.stdout
    assert len(done_lines) == 3  # one line per journey, however often it ran
    running = [line for line in lines if "running" in line and "steps ..." in line]
    assert sum("flaky-page" in line for line in running) == 1, done.stdout  # the retry's start is the "retrying" line


def test_the_report_shows_a_flaky_badge_and_links_the_failed_attempt(retried):
    _, _, folder = retried
    html = (folder / "report.html").read_text()
    assert html.count('class="status status--flaky"') == 2  # the journey list and the journey's card
    assert 'href="traces/flaky-page/attempt-1/trace.json"' in html
    assert 'href="traces/late-fee/attempt-1/trace.json"' in html
    assert "Flaky: this journey failed, then passed on attempt 2." in html
    assert "1 flaky" in html


def test_junit_carries_surefire_flaky_and_rerun_failures(retried):
    _, _, folder = retried
    root = ET.parse(folder / "junit.xml").getroot()
    suites = {suite.get("name"): suite for suite in root.iter("testsuite")}
    flaky = suites["flaky-page"]
    assert flaky.get("failures") == "0" and flaky.get("errors") == "0"
    [element] = flaky.iter("flakyFailure")
    assert element.get("type") == "JA101" and element.get("message").startswith("attempt 1 of 2: JA101 critical")
    assert "trace: traces/flaky-page/attempt-1" in element.text
    properties = {p.get("name"): p.get("value") for p in flaky.iter("property")}
    assert properties["flaky"] == "true" and properties["attempts"] == "2"
    late = suites["late-fee"]
    assert int(late.get("failures")) >= 1 and len(list(late.iter("rerunFailure"))) == 1
    assert not list(suites["happy-path"].iter("flakyFailure")) and not list(suites["happy-path"].iter("rerunFailure"))


def test_the_history_records_the_flaky_journey(retried):
    tmp, _, _ = retried
    history = History(f"sqlite:///{tmp / 'history.sqlite'}")
    try:
        [run] = history.runs("retried")
    finally:
        history.close()
    assert run.flaky == ["flaky-page"] and run.attempts == {"flaky-page": 2, "late-fee": 2}


def test_without_retries_the_flaky_journey_fails_and_with_them_it_passes_unless_fail_on_flaky(tmp_path):
    audit = profile(tmp_path, "flaky-only", ["flaky-page"])
    plain = cli("run", audit, "--out", tmp_path / "plain", "--no-history")
    assert plain.returncode == 1, plain.stdout + plain.stderr
    assert store.load_result(only_folder(tmp_path / "plain") / "result.json").runs[0].attempts == 1
    summary = tmp_path / "step-summary.md"
    retried = subprocess.run(  # two workers: the retry goes to whichever is free
        [*CLI, "run", str(audit), "--out", str(tmp_path / "retried"), "--no-history", "--retries", "1", "--workers", "2",
         "--format", "github"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, "GITHUB_STEP_SUMMARY": str(summary)},
    )
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert "| passed (flaky, attempt 2) |" in summary.read_text(), summary.read_text()
    strict = subprocess.run([*CLI, "run", str(audit), "--out", str(tmp_path / "strict"), "--no-history", "--retries", "1"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "JOURNEYAUDIT_FAIL_ON_FLAKY": "1"})
    assert strict.returncode == 1, strict.stdout + strict.stderr
    assert "--fail-on-flaky: failing." in strict.stdout
    assert store.load_result(only_folder(tmp_path / "strict") / "result.json").fail_on_flaky is True


def test_merge_carries_flaky_and_attempts_through(tmp_path):
    audit = profile(tmp_path, "sharded", ["flaky-page", "happy-path"], "retries: 2\n")
    shards = [cli("run", audit, "--shard", f"{i}/2", "--out", tmp_path / f"shard-{i}", "--no-history") for i in (1, 2)]
    assert all(done.returncode == 0 for done in shards), [d.stdout + d.stderr for d in shards]
    merged = cli("merge", tmp_path / "shard-1", tmp_path / "shard-2", "--out", tmp_path / "merged", "--no-history",
                 "--format", "junit")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    result = store.load_result(tmp_path / "merged" / "result.json")
    flaky = next(s for s in result.runs if s.journey_id == "flaky-page")
    assert (flaky.attempts, flaky.flaky, result.flaky) == (2, True, 1)
    assert (tmp_path / "merged" / "traces" / "flaky-page" / "attempt-1" / "trace.json").is_file()
    assert "1 flaky journey" in merged.stdout
    assert "<flakyFailure" in (tmp_path / "merged" / "junit.xml").read_text()
    strict = cli("merge", tmp_path / "shard-1", tmp_path / "shard-2", "--out", tmp_path / "merged-strict", "--no-history",
                 "--fail-on-flaky")
    assert strict.returncode == 1, strict.stdout + strict.stderr
