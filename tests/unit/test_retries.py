"""Retries and remote browsers without a browser: settings, the pool's second attempt, kept attempts, JUnit, exit codes.

The real thing (the demo shop's flaky page failing once in Chromium, a real Playwright browser
server and CDP endpoint) is tests/e2e/test_retries.py and tests/e2e/test_remote_browser.py.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from journeyaudit import model
from journeyaudit.cli.common import EXIT_FINDINGS, EXIT_OK, exit_code
from journeyaudit.gather.browser import BrowserChoice, endpoint_secrets, hide_secrets, mask_endpoint, remote_choice
from journeyaudit.gather.workers import JourneyPool
from journeyaudit.history import store
from journeyaudit.report.ci.junit import render_junit
from journeyaudit.retries import Attempts, attempt_failed, keep_attempt
from journeyaudit.spec import settings
from tests.unit.test_settings_env import VALID_JOURNEY, settings_of  # noqa: F401 - its fixtures' helpers
from tests.unit.test_workers import OPTIONS, FakeRunner, journey

TOKEN = "s3cret-t0ken"


def finding(severity: str, code: str = "JA101") -> model.Finding:
    return model.Finding(code=code, severity=severity, journey="j", message="could not\ngo on")


# ---- settings ------------------------------------------------------------------------


def test_retries_and_the_remote_browser_come_from_the_flags(tmp_path):
    journey_file = tmp_path / "j.yaml"
    journey_file.write_text(VALID_JOURNEY.read_text())
    chosen = settings_of([str(journey_file), "--base-url", "https://shop.example", "--retries", "2", "--fail-on-flaky",
                          "--browser-ws", f"wss://grid.example/pw?token={TOKEN}"])
    assert (chosen.retries, chosen.fail_on_flaky, chosen.browser_ws, chosen.browser_cdp) == (
        2, True, f"wss://grid.example/pw?token={TOKEN}", None)
    plain = settings_of([str(journey_file), "--base-url", "https://shop.example"])
    assert (plain.retries, plain.fail_on_flaky, plain.browser_ws, plain.browser_cdp) == (0, False, None, None)


def test_the_command_lines_endpoint_replaces_the_profiles_of_either_kind():
    values = settings.defaults("x") | {"browser_ws": "ws://a:1/", "retries": 3}
    settings.apply_overrides(values, {"browser_cdp": "http://b:9222", "retries": "1"})
    assert (values["browser_ws"], values["browser_cdp"], values["retries"]) == (None, "http://b:9222", 1)


@pytest.mark.parametrize("chosen, message", [
    ({"retries": "11"}, "--retries: retries must be a whole number from 0 to 10"),
    ({"browser_ws": "http://grid/"}, "--browser-ws: the endpoint must be a ws:// or wss:// URL"),
    ({"browser_cdp": "ftp://grid/"}, "--browser-cdp: the endpoint must be"),
    ({"browser_ws": "ws://a/", "browser_cdp": "http://b/"}, "give one remote browser, not both"),
])
def test_bad_retries_and_endpoints_are_usage_errors_that_never_quote_the_url(chosen, message):
    errors = [error.message for error in settings.override_errors(chosen, None)]
    assert any(message in error for error in errors), errors
    assert not any("grid/" in error for error in errors)


def test_the_profile_takes_retries_and_one_remote_browser():
    from pydantic import ValidationError

    from journeyaudit.spec.profile import AuditProfile

    spec = AuditProfile(name="x", journeys=["j.yaml"], retries=2, fail_on_flaky=True, browser_cdp="http://127.0.0.1:9222")
    assert (spec.retries, spec.fail_on_flaky, spec.browser_cdp) == (2, True, "http://127.0.0.1:9222")
    with pytest.raises(ValidationError, match="not both"):
        AuditProfile(name="x", journeys=["j.yaml"], browser_ws="ws://a:1/", browser_cdp="http://b:2/")
    with pytest.raises(ValidationError) as raised:
        AuditProfile(name="x", journeys=["j.yaml"], browser_ws=f"https://grid/?token={TOKEN}")
    assert "ws:// or wss://" in str(raised.value)


# ---- the endpoint's secret -------------------------------------------------------------


def test_an_endpoints_token_and_password_are_masked():
    url = f"wss://user:pa55word@grid.example:443/playwright?token={TOKEN}&region=eu"
    assert mask_endpoint(url) == "wss://user:••••@grid.example:443/playwright?token=••••&region=••••"
    assert TOKEN in endpoint_secrets(url) and "pa55word" in endpoint_secrets(url)
    choice = remote_choice(url, None)
    assert choice.remote == url and TOKEN not in choice.describe()
    assert hide_secrets(f"WebSocket error: {url} 401", choice).count("••••") >= 2
    assert TOKEN not in hide_secrets(f"connecting to {url}", choice)
    assert remote_choice(None, None) is None
    assert remote_choice(None, "http://127.0.0.1:9222").cdp_endpoint == "http://127.0.0.1:9222"
    assert BrowserChoice("/usr/bin/chromium", "PATH").remote is None


# ---- attempts ------------------------------------------------------------------------------


def test_an_attempt_fails_on_a_finding_at_fail_on_or_when_not_recorded():
    run = model.Run("j", "J", "j.yaml", "http://shop")
    assert attempt_failed(run, [finding("high")], "high")
    assert not attempt_failed(run, [finding("medium")], "high")
    assert not attempt_failed(run, [finding("critical")], "none")
    run.status = "error"
    assert attempt_failed(run, [], "none")


def test_a_failed_attempt_moves_into_its_own_folder_and_is_not_a_journey_of_its_own(tmp_path):
    run_dir = tmp_path / "traces" / "j"
    store.save_run(model.Run("j", "J", "j.yaml", "http://shop", status="failed"), run_dir)
    (run_dir / "01-step.jpg").write_bytes(b"jpeg")
    keep_attempt(run_dir, 1)
    assert sorted(p.name for p in run_dir.iterdir()) == ["attempt-1"]
    assert (run_dir / "attempt-1" / "01-step.jpg").is_file()
    store.save_run(model.Run("j", "J", "j.yaml", "http://shop"), run_dir)  # the second attempt
    assert store.find_trace_dirs(tmp_path / "traces") == [run_dir]
    lone = tmp_path / "traces" / "attempt-2"  # a journey that happens to be called attempt-2 is still one
    store.save_run(model.Run("attempt-2", "A", "a.yaml", "http://shop"), lone)
    assert store.find_trace_dirs(tmp_path / "traces") == [lone, run_dir]


def test_attempts_retry_until_none_is_left_and_say_flaky(tmp_path):
    attempts = Attempts(retries=1, fail_on="high")
    failed = model.Run("j", "J", "j.yaml", "http://shop", status="failed", duration_ms=1200.0)
    (tmp_path / "j").mkdir()
    assert attempts.retry(failed, [finding("critical")], 1, tmp_path / "j", "traces/j")
    assert not attempts.retry(failed, [finding("critical")], 2, tmp_path / "j", "traces/j")  # no retry left
    passed = model.Run("j", "J", "j.yaml", "http://shop")
    summary = model.RunSummary("j", "J", "j.yaml", "passed")
    attempts.finish(summary, passed, [], 2)
    assert (summary.attempts, summary.flaky) == (2, True)
    [kept] = summary.failed_attempts
    assert (kept.number, kept.trace, kept.failing) == (1, "traces/j/attempt-1", ["JA101 critical: could not go on"])
    again = model.RunSummary("j", "J", "j.yaml", "failed")
    attempts.finish(again, failed, [finding("high")], 2)
    assert (again.attempts, again.flaky) == (2, False)


class FailsOnce(FakeRunner):
    """Fails a journey's first attempt: the pool is asked for a second and yields it."""

    def run(self, journey, run_dir, on_step=None, attempt=1):
        recorded = super().run(journey, run_dir, on_step)
        recorded.status = "failed" if attempt == 1 else "passed"
        recorded.hints["attempt"] = attempt
        return recorded


@pytest.mark.parametrize("workers", [1, 2])
def test_the_pool_runs_a_journey_again_when_asked_and_counts_it_once(tmp_path, workers):
    journeys = [journey("a"), journey("b"), journey("c")]
    seen = []
    with JourneyPool(OPTIONS, workers, FailsOnce) as pool:
        for done in pool.run(journeys, tmp_path):
            seen.append((done.journey.id, done.attempt, done.run.status, done.count))
            if done.run.status == "failed" and done.journey.id == "b":
                pool.again(done, tmp_path / "b")
    finals = [entry for entry in seen if entry[2] == "passed" or entry[0] != "b"]
    assert sorted((j, a, s) for j, a, s, _ in seen) == [
        ("a", 1, "failed"), ("b", 1, "failed"), ("b", 2, "passed"), ("c", 1, "failed")]
    assert sorted(count for j, a, s, count in finals) == [1, 2, 3]


# ---- reports and exit codes ---------------------------------------------------------------


def flaky_result(fail_on_flaky: bool = False) -> model.Result:
    kept = model.Attempt(1, "failed", failing=["JA101 critical: could not <go> on"], trace="traces/j/attempt-1")
    summary = model.RunSummary("j", "J", "j.yaml", "passed", attempts=2, flaky=True, failed_attempts=[kept])
    return model.Result("demo", "http://shop", runs=[summary], flaky=1, fail_on_flaky=fail_on_flaky)


def test_a_flaky_journey_passes_unless_fail_on_flaky():
    assert exit_code(flaky_result()) == EXIT_OK
    assert exit_code(flaky_result(fail_on_flaky=True)) == EXIT_FINDINGS


def test_junit_writes_surefires_flaky_failure_and_rerun_failure(tmp_path):
    root = ET.fromstring(render_junit(flaky_result(), {}, rules=[], root=tmp_path).split("\n", 1)[1])
    suite = root.find("testsuite")
    assert suite.get("failures") == "0"
    [flaky] = suite.iter("flakyFailure")
    assert flaky.get("type") == "JA101" and flaky.get("message") == "attempt 1 of 2: JA101 critical: could not <go> on"
    result = flaky_result()
    result.runs[0].flaky, result.runs[0].status = False, "failed"
    root = ET.fromstring(render_junit(result, {}, rules=[], root=tmp_path).split("\n", 1)[1])
    assert len(list(root.iter("rerunFailure"))) == 1 and not list(root.iter("flakyFailure"))


def test_a_finding_the_baseline_knows_fails_no_attempt():
    from journeyaudit.history.fingerprint import fingerprint

    run = model.Run("j", "J", "j.yaml", "http://shop", status="failed")
    known = finding("critical")
    assert attempt_failed(run, [finding("critical")], "high")
    assert not attempt_failed(run, [known], "high", frozenset({fingerprint(finding("critical"))}))
    assert attempt_failed(run, [finding("critical", "JA102")], "high", frozenset({fingerprint(known)}))
