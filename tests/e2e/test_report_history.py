"""Issue #4 end to end: two real demo audits into one history, CI formats, baseline,
and the HTML report opened in a real headless Chromium.

The first audit runs three demo journeys (happy path, late fee, console error)
with every CI format. The second runs copies of the same journeys in which the
late-fee journey no longer switches its fault on: the shop simply does not add
the fee any more. Its report must show JA201 as fixed since the last run, the
console error as still open (and suppressed by the baseline made from the first
run), and trends of two points.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from junitparser import Failure, JUnitXml
from playwright.sync_api import expect

from journeyaudit.history import store
from journeyaudit.model import Evidence, Finding

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests" / "unit" / "data" / "formats"
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
JOURNEYS = ("happy-path", "late-fee", "console-error")
HOSTILE = "<img src=x onerror=\"window.__pwned=1;alert(1)\"> </script><script>window.__pwned=2;alert(2)</script>"
BROWSER_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def cli(*args: str, env: dict | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


def _profile(folder: Path) -> Path:
    (folder / "journeys").mkdir(parents=True)
    for journey in JOURNEYS:
        shutil.copy(ROOT / "journeys" / "demo" / f"{journey}.yaml", folder / "journeys" / f"{journey}.yaml")
    profile = folder / "audit.yaml"
    profile.write_text(
        "name: report-e2e\n"
        "demo_shop: true\n"
        'journeys: ["journeys/*.yaml"]\n'
        "fail_on: high\n"
        "timeouts: {action_ms: 5000}\n"
        "rules:\n  options:\n    JA401: {budget_ms: 5000}\n"
        "accessibility: false\n",  # axe-core is the demo audit's (tests/e2e/conftest.py)
        encoding="utf-8",
    )
    return profile


def _latest(out: Path) -> Path:
    return (out / "latest").resolve()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("history-e2e")
    out = base / "reports"
    first_profile = _profile(base / "before")
    summary = base / "step-summary.md"
    first = cli("run", str(first_profile), "--out", str(out), "--format", "junit", "--format", "sarif",
                "--format", "github", "--format", "gitlab", env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert first.returncode == 1, first.stdout + first.stderr  # JA201 is high
    first_dir = _latest(out)
    made = cli("baseline", "create", str(first_dir / "result.json"), "--out", str(base / "baseline.json"))
    assert made.returncode == 0, made.stdout + made.stderr

    second_profile = _profile(base / "after")
    late_fee = second_profile.parent / "journeys" / "late-fee.yaml"
    text = late_fee.read_text(encoding="utf-8")
    assert "?fault=late-fee" in text
    late_fee.write_text(text.replace("?fault=late-fee", "?fault=none"), encoding="utf-8")
    second = cli("run", str(second_profile), "--out", str(out), "--baseline", str(base / "baseline.json"))
    assert second.returncode == 0, second.stdout + second.stderr
    second_dir = _latest(out)
    assert second_dir != first_dir
    return {"out": out, "base": base, "first": first, "first_dir": first_dir, "second": second,
            "second_dir": second_dir, "summary": summary}


def test_ci_formats_from_the_command_line_validate(two_runs):
    folder = two_runs["first_dir"]
    result = store.load_result(folder / "result.json")
    late = [f for f in result.findings if f.code == "JA201"]
    assert late and all(f.fingerprint for f in result.findings)

    sarif = json.loads((folder / "journeyaudit.sarif").read_text())
    jsonschema.validate(sarif, json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text()))
    results = sarif["runs"][0]["results"]
    ja201 = next(r for r in results if r["ruleId"] == "JA201")
    location = ja201["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("journeys/late-fee.yaml")
    assert location["region"]["startLine"] > 1

    gitlab = json.loads((folder / "gl-code-quality-report.json").read_text())
    jsonschema.validate(gitlab, json.loads((SCHEMAS / "gitlab-code-quality.schema.json").read_text()))
    assert {issue["fingerprint"] for issue in gitlab} >= {late[0].fingerprint}

    junit = JUnitXml.fromfile(str(folder / "junit.xml"))
    failures = [r.type for suite in junit for case in suite for r in case.result if isinstance(r, Failure)]
    assert failures == ["JA201"]
    ET.parse(folder / "junit.xml")

    stdout = two_runs["first"].stdout
    assert "::error file=" in stdout and "JA201" in stdout
    assert "JA201" in two_runs["summary"].read_text()
    for name in ("junit.xml", "journeyaudit.sarif", "gl-code-quality-report.json"):
        assert f"Wrote {folder / name}" in stdout


def test_second_run_shows_the_fix_the_baseline_and_a_two_point_trend(two_runs):
    result = store.load_result(two_runs["second_dir"] / "result.json")
    assert not [f for f in result.findings if f.code == "JA201"]
    since_last, since_baseline = result.comparisons
    assert since_last.against.startswith("last run")
    assert [(c.code, c.journey) for c in since_last.changes if c.status == "fixed"] == [("JA201", "late-fee")]
    assert any(c.status == "still_open" and c.code == "JA501" for c in since_last.changes)
    assert not [c for c in since_last.changes if c.status == "new"]
    assert since_last.timings and all(t.before_ms and t.now_ms for t in since_last.timings)
    assert since_baseline.against.startswith("baseline baseline.json")
    assert [c.code for c in since_baseline.changes if c.status == "fixed"] == ["JA201"]
    console = [f for f in result.findings if f.code == "JA501"]
    assert console and all(f.suppressed for f in console)
    assert len(result.trend) == 2
    assert [p.findings["high"] for p in result.trend] == [1, 0]
    assert "late-fee/Review order" in result.trend[-1].step_ms
    stdout = two_runs["second"].stdout
    assert "Since the last run" in stdout and "1 fixed" in stdout
    assert "known finding" in stdout and "suppressed" in stdout

    listed = cli("history", "--out", str(two_runs["out"]))
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.count("report-e2e") >= 3  # two runs and the trend heading
    assert "Trend of report-e2e (last 2 runs" in listed.stdout


def _open(page_url: str, sync_api, check):
    chromium = os.environ.get("JOURNEYAUDIT_BROWSER_PATH") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
        except Exception as exc:
            pytest.skip(f"cannot launch Chromium: {exc}")
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            seen = {"console": [], "requests": [], "errors": [], "dialogs": [], "failed": []}
            page.on("console", lambda m: seen["console"].append((m.type, m.text)))
            page.on("request", lambda r: seen["requests"].append(r.url))
            page.on("requestfailed", lambda r: seen["failed"].append(r.url))
            page.on("pageerror", lambda e: seen["errors"].append(str(e)))
            page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
            page.goto(page_url)
            page.wait_for_load_state("load")
            check(page, seen)
        finally:
            browser.close()


def test_second_report_in_chromium(two_runs):
    sync_api = pytest.importorskip("playwright.sync_api")
    report = two_runs["second_dir"] / "report.html"
    url = report.as_uri()

    def check(page, seen):
        assert [m for m in seen["console"] if m[0] in ("error", "warning")] == []
        assert seen["errors"] == [] and seen["dialogs"] == [] and seen["failed"] == []
        assert all(u == url or u.startswith("data:") for u in seen["requests"]), seen["requests"]
        assert page.locator("#filters").is_visible()  # the hashed script ran under the CSP
        changes = page.locator("section.changes").first
        assert "Since the last run" in changes.locator("h3").inner_text()
        fixed = changes.locator("li.change--fixed")
        assert fixed.count() == 1 and "JA201" in fixed.inner_text()
        assert page.locator("section.trends li.trend").first.locator("svg polyline").count() == 1
        assert page.locator("li.step svg.spark--step").count() >= 14
        # the console error: inline at its step, suppressed, filterable
        suppressed = page.locator(".finding.suppressed[data-code=JA501]")
        assert suppressed.count() >= 1 and suppressed.first.is_visible()
        page.locator("#filters input[name=suppressed]").uncheck()
        assert suppressed.first.is_hidden()
        page.locator("#filters input[name=suppressed]").check()
        page.locator("#filters select[name=severity]").select_option("high")
        assert page.locator(".finding:visible").count() == 0
        assert "Showing 0 of" in page.locator("#f-count").inner_text()
        page.locator("#filters button[type=reset]").click()
        expect(page.locator(".finding:not([hidden])").first).to_be_attached()
        # a screenshot enlarges on click, without script
        shot = page.locator("section.journey li.step details.shot").first
        shot.locator("summary").click()
        assert shot.evaluate("d => d.open") is True
        page.set_viewport_size({"width": 380, "height": 800})
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        page.emulate_media(media="print")
        assert page.locator("#filters").is_hidden()

    _open(url, sync_api, check)


def test_hostile_evidence_is_inert_in_chromium(two_runs, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    folder = tmp_path / "hostile"
    shutil.copytree(two_runs["first_dir"], folder, symlinks=True)
    result = store.load_result(folder / "result.json")
    result.findings.append(
        Finding("JA302", "generic-error-message", "critical", "late-fee", 6, "Review order", f"The page said {HOSTILE}",
                [Evidence("text", f"What the page said {HOSTILE}", HOSTILE, 6)], confidence="medium")
    )
    store.save_result(result, folder / "result.json")
    done = cli("report", str(folder / "result.json"))
    assert done.returncode == 0, done.stderr
    html = (folder / "report.html").read_text()
    assert html.lower().count("<script") == 1

    def check(page, seen):
        assert seen["dialogs"] == [] and seen["errors"] == []
        assert page.evaluate("window.__pwned === undefined")
        assert [m for m in seen["console"] if m[0] == "error"] == []
        card = page.locator(".finding[data-code=JA302]")
        assert HOSTILE in card.locator(".finding-message").inner_text()
        assert HOSTILE in card.locator(".evidence pre").inner_text()
        assert page.locator("img[src=x]").count() == 0
        # searching for the hostile text finds it, as text
        page.locator("#filters input[name=q]").fill("onerror=")
        assert page.locator(".finding:visible").count() == 1
        assert seen["dialogs"] == [] and page.evaluate("window.__pwned === undefined")

    _open((folder / "report.html").as_uri(), sync_api, check)
