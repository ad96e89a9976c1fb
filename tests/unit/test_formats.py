"""The CI formats (junit, sarif, github, gitlab) on results judged from the recorded demo traces.

Each format is checked by what reads it: SARIF against the official SARIF 2.1.0
JSON Schema (tests/unit/data/formats/sarif-schema-2.1.0.json, from
oasis-tcs/sarif-spec), JUnit XML with junitparser, the GitLab Code Quality
report against a schema written from GitLab's documented required fields, and
GitHub workflow commands with a parser that unescapes them as the runner does.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from junitparser import Error, Failure, JUnitXml, Skipped

from journeyaudit import __version__
from journeyaudit.history.fingerprint import fingerprint, fingerprint_of
from journeyaudit.judge.engine import judge
from journeyaudit.model import Evidence, Finding, Result, Run, RunSummary
from journeyaudit.report import formats
from journeyaudit.report.ci import github, sarif
from journeyaudit.rules.registry import all_rules
from tests.unit.recorded import JOURNEYS, recorded

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "formats"
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
GITLAB_SCHEMA = json.loads((DATA / "gitlab-code-quality.schema.json").read_text(encoding="utf-8"))

HOSTILE = (
    'Line one\nline two: 100% off, "quoted" <script>alert(1)</script> | a|b ]]> &amp;'
    "\r\n::error::injected\n::set-output name=x::y %0A %25 `code` *bold* [link](http://x)"
)


# --------------------------------------------------------------------------
# Building results from the recorded traces
# --------------------------------------------------------------------------


def summary_of(run: Run) -> RunSummary:
    return RunSummary(
        journey_id=run.journey_id,
        journey_name=run.journey_name,
        journey_path=run.journey_path,
        status=run.status,
        error=run.error,
        steps_total=len(run.steps),
        steps_passed=sum(1 for s in run.steps if s.status == "passed"),
        duration_ms=run.duration_ms,
        trace=f"traces/{run.journey_id}",
    )


def build(runs: dict[str, Run], findings: list[Finding], fail_on: str = "high", errors: list[str] | None = None) -> Result:
    return Result(
        audit="demo",
        base_url="http://127.0.0.1:8000",
        started_at=1_767_225_600.0,
        duration_ms=42_000.0,
        fail_on=fail_on,
        tool_version=__version__,
        browser="Chromium 130",
        runs=[summary_of(run) for run in runs.values()],
        findings=findings,
        errors=list(errors or []),
    )


@functools.lru_cache(maxsize=1)
def _judged() -> tuple[dict[str, Run], list[Finding]]:
    runs = {journey: recorded(journey) for journey in JOURNEYS}
    findings, _ = judge(runs.values())
    return runs, findings


def demo(fail_on: str = "high") -> tuple[Result, dict[str, Run]]:
    """The demo journeys judged (once per session), as a fresh copy each tests may change."""
    runs, findings = copy.deepcopy(_judged())
    return build(runs, findings, fail_on), runs


@pytest.fixture
def demo_result() -> tuple[Result, dict[str, Run]]:
    return demo()


def hostile_case() -> tuple[Result, dict[str, Run]]:
    """One journey with hostile text everywhere: message, evidence, step name, file name."""
    run = copy.deepcopy(recorded("happy-path"))
    run.journey_id = "hostile"
    run.journey_name = "Hostile, journey: 100%"
    run.journey_path = "journeys/a,b:c d%.yaml"
    run.steps[1].name = "Pay: card, now %0A"
    run.steps[1].line = 17
    finding = Finding(
        code="JA302",
        slug="generic-error-message",
        severity="high",
        journey="hostile",
        step=2,
        step_name=run.steps[1].name,
        message=HOSTILE,
        evidence=[Evidence("text", "What the page said: <b>", "bell\x07 nul\x00 esc\x1b " + HOSTILE, 2)],
        confidence="medium",
    )
    return build({"hostile": run}, [finding]), {"hostile": run}


def write(name: str, result: Result, runs: dict[str, Run], out_dir: Path) -> list[Path]:
    return formats.write_format(name, result, runs, out_dir, rules=all_rules(), root=ROOT)


# --------------------------------------------------------------------------
# Registry and layering
# --------------------------------------------------------------------------


def test_formats_registered_and_looked_up(tmp_path):
    assert {"junit", "sarif", "github", "gitlab"} <= set(formats.FORMATS)
    with pytest.raises(formats.UnknownFormat, match="unknown report format 'pdf'"):
        formats.write_format("pdf", demo()[0], {}, tmp_path, rules=[], root=ROOT)
    assert formats.get_writer(" JUnit ") is formats.FORMATS["junit"]


def test_register_adds_a_format(tmp_path):
    calls = []

    def fake(result, runs, out_dir, *, rules, root):
        calls.append(out_dir)
        return [out_dir / "x"]

    saved = dict(formats.FORMATS)
    try:
        formats.register("fake", fake)
        assert formats.write_format("fake", demo()[0], {}, tmp_path / "new", rules=[], root=ROOT) == [tmp_path / "new" / "x"]
        assert (tmp_path / "new").is_dir() and calls
    finally:
        formats.FORMATS.clear()
        formats.FORMATS.update(saved)


@pytest.mark.parametrize("module", ["formats", "ci.junit", "ci.sarif", "ci.github", "ci.gitlab"])
def test_ci_formats_import_neither_playwright_nor_jinja(module):
    code = (
        f"import sys, journeyaudit.report.{module}; "
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('playwright', 'jinja2', 'PIL'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------


def test_relative_path_under_root_elsewhere_and_outside(tmp_path):
    assert formats.relative_path(str(ROOT / "journeys" / "demo" / "late-fee.yaml"), ROOT) == "journeys/demo/late-fee.yaml"
    # A trace recorded on another machine: the longest tail that exists under root.
    assert formats.relative_path("/home/ci/build/shop/journeys/demo/late-fee.yaml", ROOT) == "journeys/demo/late-fee.yaml"
    assert formats.relative_path("./journeys//x.yaml", ROOT) == "journeys/x.yaml"
    assert formats.relative_path(str(tmp_path / "nowhere.yaml"), ROOT).endswith("nowhere.yaml")
    assert formats.relative_path("", ROOT) == ""


def test_ci_fingerprints_are_the_historys(demo_result, tmp_path):
    """GitLab, SARIF and JUnit name a finding by the same fingerprint the history and baselines use."""
    result, runs = demo_result
    for finding in result.findings:
        finding.fingerprint = ""  # as judged, before the history assigns them: the formats compute the same
    expected = [fingerprint(f) for f in result.findings]
    assert expected and all(len(p) == 16 for p in expected)
    written = write("gitlab", result, runs, tmp_path) + write("sarif", result, runs, tmp_path)
    by_name = {path.name: json.loads(path.read_text(encoding="utf-8")) for path in written}
    gitlab_prints = [issue["fingerprint"] for issue in by_name["gl-code-quality-report.json"]]
    sarif_prints = [item["partialFingerprints"][sarif.FINGERPRINT_KEY] for item in by_name["journeyaudit.sarif"]["runs"][0]["results"]]
    assert sorted(gitlab_prints) == sorted(expected)
    assert sorted(sarif_prints) == sorted(expected)
    junit_text = write("junit", result, runs, tmp_path)[0].read_text(encoding="utf-8")
    assert all(f"Fingerprint: {fingerprint(f)}" in junit_text for f in result.findings if formats.fails(result, f))
    assert fingerprint_of(Finding(fingerprint="abc")) == "abc"


def test_worst_first_puts_failing_before_suppressed_and_by_severity(demo_result):
    result, _ = demo_result
    result.findings[0].suppressed = True  # a critical JA101, known in the baseline
    ordered = formats.worst_first(result)
    failing = [f for f in ordered if formats.fails(result, f)]
    assert ordered[: len(failing)] == failing
    assert ordered[-1].suppressed
    ranks = [("low", "medium", "high", "critical").index(f.severity) for f in failing]
    assert ranks == sorted(ranks, reverse=True)


# --------------------------------------------------------------------------
# JUnit XML
# --------------------------------------------------------------------------


def parse_junit(path: Path) -> dict[str, dict[str, object]]:
    xml = JUnitXml.fromfile(str(path))
    return {suite.name: {case.name: case for case in suite} for suite in xml}


def test_junit_suite_per_journey_case_per_step(tmp_path, demo_result):
    result, runs = demo_result
    [path] = write("junit", result, runs, tmp_path)
    assert path == tmp_path / "junit.xml"
    xml = JUnitXml.fromfile(str(path))
    suites = {suite.name: suite for suite in xml}
    assert list(suites) == list(JOURNEYS)
    for journey, suite in suites.items():
        run = runs[journey]
        cases = list(suite)
        assert [c.name for c in cases] == [f"step {s.index}: {s.name}" for s in run.steps]
        assert {c.classname for c in cases} == {journey}
        for case, step in zip(cases, run.steps):
            assert case.time == pytest.approx(step.duration_ms / 1000, abs=0.001)
        assert suite.tests == len(cases)
        assert suite.failures == sum(1 for c in cases if any(isinstance(r, Failure) for r in c.result))
        assert suite.skipped == sum(1 for c in cases if any(isinstance(r, Skipped) for r in c.result))
        assert suite._elem.get("file") == f"journeys/demo/{journey}.yaml"
    assert int(xml._elem.get("tests")) == sum(len(r.steps) for r in runs.values())


def test_junit_failures_are_the_findings_at_or_above_the_threshold(tmp_path, demo_result):
    result, runs = demo_result
    write("junit", result, runs, tmp_path)
    cases = parse_junit(tmp_path / "junit.xml")
    failures = [
        (suite, name, r.type, r.message)
        for suite, by_name in cases.items()
        for name, case in by_name.items()
        for r in case.result
        if isinstance(r, Failure)
    ]
    expected = {(f.journey, f"step {f.step}: {f.step_name}", f.code) for f in result.failing()}
    assert {(s, n, t) for s, n, t, _ in failures} == expected
    # Message = the finding; text = its evidence.
    stock = cases["stock-out"]["step 7: Confirmation"]
    ja301 = next(r for r in stock.result if r.type == "JA301")
    assert ja301.message.startswith("'AeroPress Go' was 'In stock")
    assert "Evidence:" in ja301.text and "Availability claimed at 'Product page' (step 1)" in ja301.text
    # Below the threshold: system-out lines, not failures.
    slow = cases["slow-step"]["step 5: Payment"]
    assert not any(isinstance(r, Failure) for r in slow.result)
    assert "[medium] JA401 slow-step: The customer waited" in slow.system_out
    # A skipped step is skipped.
    assert any(isinstance(r, Skipped) for r in cases["server-error"]["step 6: Review order"].result)


@pytest.mark.parametrize(
    ("fail_on", "expected_codes"),
    [("critical", {"JA101"}), ("low", None), ("none", set())],
)
def test_junit_threshold(tmp_path, fail_on, expected_codes):
    result, runs = demo(fail_on)
    write("junit", result, runs, tmp_path)
    codes = {
        r.type
        for by_name in parse_junit(tmp_path / "junit.xml").values()
        for case in by_name.values()
        for r in case.result
        if isinstance(r, Failure)
    }
    if expected_codes is None:  # everything fails
        expected_codes = {f.code for f in result.findings}
    if fail_on == "none":
        # Nothing fails the audit, but a step that failed still fails its testcase.
        assert codes == {"step-failed"}
    else:
        assert codes == expected_codes


def test_junit_suppressed_finding_is_listed_not_failed(tmp_path, demo_result):
    result, runs = demo_result
    for f in result.findings:
        if f.journey == "late-fee":
            f.suppressed = True
    write("junit", result, runs, tmp_path)
    case = parse_junit(tmp_path / "junit.xml")["late-fee"]["step 6: Review order"]
    assert not case.result
    assert "[suppressed, high] JA201 late-extra-cost" in case.system_out


def test_junit_journey_that_could_not_run_and_audit_errors(tmp_path):
    run = Run("broken", "Broken journey", str(ROOT / "journeys/demo/happy-path.yaml"), "http://x", status="error",
              error="could not launch Chromium: no such file")
    result = build({"broken": run}, [], errors=["journeys/x.yaml:3:1: unknown action 'clik'"])
    write("junit", result, {"broken": run}, tmp_path)
    cases = parse_junit(tmp_path / "junit.xml")
    [error] = [r for r in cases["broken"]["journey"].result if isinstance(r, Error)]
    assert error.type == "journey-error" and "could not launch Chromium" in error.message
    [audit_error] = list(cases["journeyaudit"]["audit error 1"].result)
    assert isinstance(audit_error, Error) and "unknown action 'clik'" in audit_error.message
    root = JUnitXml.fromfile(str(tmp_path / "junit.xml"))
    assert root._elem.get("errors") == "2"


def test_junit_rules_that_could_not_check_are_skipped_cases(tmp_path):
    run = recorded("late-fee")
    run.inbox = ""  # no mail capture: JA104 and JA701-JA705 cannot check
    for step in run.steps:
        step.accessibility = None  # axe-core off: JA605 cannot check
    findings, outcomes = judge([run])
    result = build({run.journey_id: run}, findings)
    result.outcomes = outcomes
    write("junit", result, {run.journey_id: run}, tmp_path)
    suite = next(s for s in JUnitXml.fromfile(str(tmp_path / "junit.xml")) if s.name == "late-fee")
    unchecked = {case.name: case for case in suite if case.name.startswith("rule ")}
    slugs = {info.code: info.slug for info in all_rules()}
    expected = {o.code: o.detail for o in outcomes if o.status == "not_checked"}
    assert set(expected) >= {"JA104", "JA701", "JA702", "JA703", "JA704", "JA705", "JA605"}
    assert set(unchecked) == {f"rule {code} {slugs[code]}" for code in expected}
    for code, reason in expected.items():
        case = unchecked[f"rule {code} {slugs[code]}"]
        [skipped] = case.result
        assert isinstance(skipped, Skipped) and skipped.message == f"not checked: {reason}"
        assert case.classname == "late-fee"
    assert unchecked["rule JA605 " + slugs["JA605"]].result[0].message == "not checked: accessibility checks were off"
    assert suite.skipped == len(unchecked) + sum(1 for s in run.steps if s.status == "skipped")
    assert suite.tests == len(run.steps) + len(unchecked)
    # Rules that did check are not testcases: a passed rule stays silent, as before.
    assert not any(name.startswith("rule JA201") for name in unchecked)


def test_junit_without_traces_uses_the_findings(tmp_path, demo_result):
    result, _ = demo_result
    write("junit", result, {}, tmp_path)
    cases = parse_junit(tmp_path / "junit.xml")
    assert [r.type for r in cases["late-fee"]["step 6: Review order"].result] == ["JA201"]
    assert cases["happy-path"] == {}


def test_junit_hostile_text_is_well_formed_and_kept(tmp_path):
    result, runs = hostile_case()
    write("junit", result, runs, tmp_path)
    case = parse_junit(tmp_path / "junit.xml")["hostile"]["step 2: Pay: card, now %0A"]
    [failure] = [r for r in case.result if isinstance(r, Failure)]
    assert failure.message == " ".join(HOSTILE.split())
    assert "<script>alert(1)</script>" in failure.text and "]]>" in failure.text
    assert "bell\ufffd nul\ufffd esc\ufffd" in failure.text  # control characters XML cannot carry
    assert case._elem.get("line") == "17"


# --------------------------------------------------------------------------
# SARIF 2.1.0
# --------------------------------------------------------------------------


def validate_sarif(data: dict) -> None:
    validator = jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_sarif_schema_is_the_official_one():
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)
    assert SARIF_SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert SARIF_SCHEMA["properties"]["version"]["enum"] == ["2.1.0"]


def test_sarif_validates_and_describes_rules_and_results(tmp_path, demo_result):
    result, runs = demo_result
    runs["late-fee"].steps[5].line = 42  # the step's line, as the runner records it
    for step in runs["stock-out"].steps:
        step.line = 0  # a trace recorded before steps had lines
    [path] = write("sarif", result, runs, tmp_path)
    assert path.name == "journeyaudit.sarif"
    data = json.loads(path.read_text(encoding="utf-8"))
    validate_sarif(data)
    assert data["version"] == "2.1.0"
    [run] = data["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "journeyaudit" and driver["version"] == __version__
    assert "informationUri" not in driver
    rules = driver["rules"]
    assert [r["id"] for r in rules] == [info.code for info in all_rules()]
    ja301 = next(r for r in rules if r["id"] == "JA301")
    assert ja301["name"] == "unannounced-stock-out"
    assert ja301["defaultConfiguration"]["level"] == "error"
    assert ja301["shortDescription"]["text"]
    assert ja301["help"]["text"].startswith(next(i for i in all_rules() if i.code == "JA301").doc[:40])
    assert next(r for r in rules if r["id"] == "JA501")["defaultConfiguration"]["level"] == "note"

    results = run["results"]
    assert len(results) == len(result.findings)
    for item in results:
        assert rules[item["ruleIndex"]]["id"] == item["ruleId"]
        assert item["level"] == sarif.LEVELS[item["properties"]["severity"]]
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"] == f"journeys/demo/{item['properties']['journey']}.yaml"
        assert item["partialFingerprints"][sarif.FINGERPRINT_KEY]
        assert set(item["properties"]) >= {"journey", "step", "severity", "confidence", "suppressed"}
    late_fee = next(r for r in results if r["ruleId"] == "JA201")
    assert late_fee["locations"][0]["physicalLocation"]["region"]["startLine"] == 42
    stock = next(r for r in results if r["ruleId"] == "JA301")
    assert stock["locations"][0]["physicalLocation"]["region"]["startLine"] == 1  # trace without lines
    assert stock["properties"]["confidence"] == "medium" and stock["properties"]["failsAudit"] is True
    # Times are RFC 3339 (format checking of date-time needs an extra package; check by hand).
    invocation = run["invocations"][0]
    for key in ("startTimeUtc", "endTimeUtc"):
        assert dt.datetime.fromisoformat(invocation[key].replace("Z", "+00:00")).tzinfo is not None
    assert invocation["executionSuccessful"] is True
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")


def test_sarif_suppressed_finding_carries_a_suppression(tmp_path, demo_result):
    result, runs = demo_result
    target = next(f for f in result.findings if f.code == "JA201")
    target.suppressed = True
    target.fingerprint = "f" * 32
    data = json.loads(write("sarif", result, runs, tmp_path)[0].read_text(encoding="utf-8"))
    validate_sarif(data)
    item = next(r for r in data["runs"][0]["results"] if r["ruleId"] == "JA201")
    assert item["suppressions"] == [{"kind": "external", "justification": "known in the baseline"}]
    assert item["properties"]["suppressed"] is True and item["properties"]["failsAudit"] is False
    assert item["partialFingerprints"][sarif.FINGERPRINT_KEY] == "f" * 32
    others = [r for r in data["runs"][0]["results"] if r["ruleId"] != "JA201"]
    assert all("suppressions" not in r for r in others)


def test_sarif_hostile_text_and_errors(tmp_path):
    result, runs = hostile_case()
    result.errors.append("the audit broke: " + HOSTILE)
    data = json.loads(write("sarif", result, runs, tmp_path)[0].read_text(encoding="utf-8"))
    validate_sarif(data)
    [item] = data["runs"][0]["results"]
    assert item["message"]["text"].startswith(HOSTILE)
    location = item["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "journeys/a%2Cb%3Ac%20d%25.yaml"
    assert location["region"]["startLine"] == 17
    notes = data["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    assert notes[0]["message"]["text"].endswith(HOSTILE)
    assert data["runs"][0]["invocations"][0]["executionSuccessful"] is False


def test_sarif_with_no_findings_is_valid(tmp_path):
    run = recorded("happy-path")
    result = build({"happy-path": run}, [])
    data = json.loads(write("sarif", result, {"happy-path": run}, tmp_path)[0].read_text(encoding="utf-8"))
    validate_sarif(data)
    assert data["runs"][0]["results"] == []


# --------------------------------------------------------------------------
# GitHub workflow commands and job summary
# --------------------------------------------------------------------------


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command back the way the runner does (ActionCommand: unescape %0D, %0A, %3A, %2C, then %25)."""
    assert line.startswith("::") and "\n" not in line and "\r" not in line
    head, _, data = line[2:].partition("::")
    name, _, props = head.partition(" ")

    def unescape(text: str, prop: bool) -> str:
        text = text.replace("%0D", "\r").replace("%0A", "\n")
        if prop:
            text = text.replace("%3A", ":").replace("%2C", ",")
        return text.replace("%25", "%")

    properties = {}
    for part in props.split(",") if props else []:
        key, _, value = part.partition("=")
        properties[key] = unescape(value, True)
    return name, properties, unescape(data, False)


def test_escaping_follows_the_runner():
    assert github.escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert github.escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"
    assert github.escape_data("%0A") == "%250A"
    line = github.command("error", HOSTILE, file="a,b:c.yaml", line=3, title="T: x, y", col=None)
    name, props, data = parse_command(line)
    assert (name, props, data) == ("error", {"file": "a,b:c.yaml", "line": "3", "title": "T: x, y"}, HOSTILE)


def run_github(result, runs, tmp_path, monkeypatch, summary_file: Path | None = None) -> tuple[list[str], list[Path]]:
    if summary_file is None:
        monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    else:
        monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_file))
    stream = io.StringIO()
    written = github.write_github(result, runs, tmp_path, rules=all_rules(), root=ROOT, stream=stream)
    return stream.getvalue().splitlines(), written


def test_github_annotations_worst_first_at_the_step(tmp_path, monkeypatch, demo_result):
    result, runs = demo_result
    runs["late-fee"].steps[5].line = 42
    lines, written = run_github(result, runs, tmp_path, monkeypatch)
    commands = [parse_command(line) for line in lines if line.startswith("::")]
    assert len(commands) == len(result.findings)
    kinds = [name for name, _, _ in commands]
    assert kinds == sorted(kinds, key=("error", "warning", "notice").index)
    assert kinds.count("error") == len(result.failing())
    assert kinds.count("notice") == sum(1 for f in result.findings if f.severity == "low")
    late_fee = next(c for c in commands if c[1]["title"].startswith("JA201"))
    assert late_fee[1] == {"file": "journeys/demo/late-fee.yaml", "line": "42", "title": "JA201 late-extra-cost (high)"}
    assert "Service fee" in late_fee[2] and "\n• Total at 'Payment' (step 5): €44.80" in late_fee[2]
    assert lines[-1].startswith(f"journeyaudit: {len(result.findings)} problems a customer would hit")
    assert written == [tmp_path / "github-summary.md"]


def test_github_suppressed_findings_are_not_annotated(tmp_path, monkeypatch, demo_result):
    result, runs = demo_result
    for f in result.findings:
        f.suppressed = f.code == "JA101"
    lines, _ = run_github(result, runs, tmp_path, monkeypatch)
    titles = [parse_command(line)[1]["title"] for line in lines if line.startswith("::")]
    assert not any(t.startswith("JA101") for t in titles)
    summary = (tmp_path / "github-summary.md").read_text(encoding="utf-8")
    assert summary.count("(suppressed)") == 3


def many_findings(count: int, severity: str) -> list[Finding]:
    return [
        Finding(code="JA302", slug="generic-error-message", severity=severity, journey="late-fee", step=2,
                step_name="Cart", message=f"{severity} problem number {n}")
        for n in range(count)
    ]


def test_github_caps_annotations_and_says_how_many_were_left_out(tmp_path, monkeypatch):
    runs = {"late-fee": recorded("late-fee")}
    findings = many_findings(25, "high") + many_findings(12, "medium") + many_findings(11, "low")
    result = build(runs, findings)
    lines, _ = run_github(result, runs, tmp_path, monkeypatch)
    kinds = [parse_command(line)[0] for line in lines if line.startswith("::")]
    assert (kinds.count("error"), kinds.count("warning"), kinds.count("notice")) == (10, 10, 10)
    # The worst come first: the first ten high findings are the ones annotated.
    shown = [parse_command(line)[2].split("\n")[0] for line in lines if line.startswith("::error")]
    assert shown == [f"high problem number {n}" for n in range(10)]
    assert "15 errors, 2 warnings, 1 notice not annotated" in lines[-1]
    summary = (tmp_path / "github-summary.md").read_text(encoding="utf-8")
    assert "15 errors, 2 warnings, 1 notice were left out of the annotations" in summary


def test_github_caps_annotations_per_job():
    runs = {"late-fee": recorded("late-fee")}
    result = build(runs, many_findings(8, "high") + many_findings(8, "medium") + many_findings(8, "low"))
    notes = github.annotations(result, runs, ROOT, per_kind=10, per_job=20)
    assert len(notes.lines) == 20 and notes.omitted_total == 4 and notes.omitted["notice"] == 4


def test_github_job_summary_appended_to_step_summary_file(tmp_path, monkeypatch, demo_result):
    result, runs = demo_result
    summary_file = tmp_path / "step" / "summary.md"
    summary_file.parent.mkdir()
    summary_file.write_text("## Earlier step\n", encoding="utf-8")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    _, written = run_github(result, runs, out_dir, monkeypatch, summary_file)
    assert written == [summary_file]
    assert not (out_dir / "github-summary.md").exists()
    text = summary_file.read_text(encoding="utf-8")
    assert text.startswith("## Earlier step\n\n## ❌ journeyaudit: demo fails")
    assert f"**{len(result.findings)} problems a customer would hit, 3 critical.**" in text
    # 3 critical + 4 high: the bare thank-you page (no-order-number) is a medium JA103, it acknowledges the order
    assert "Fails the threshold: 7 problems at severity high or worse." in text
    c = result.counts()
    assert f"| {c['critical']} | {c['high']} | {c['medium']} | {c['low']} | 0 | 7 |" in text
    table = [line for line in text.splitlines() if line.startswith("| ") and "JA" in line]
    assert len(table) == len(result.findings)
    assert "JA101 journey-blocked" in table[0] and "JA501 console-error" in table[-1]
    assert "journeys/demo/late-fee.yaml:1" in text


def test_github_summary_table_is_capped_and_hostile_text_is_inert(tmp_path, monkeypatch):
    result, runs = hostile_case()
    result.findings += many_findings(60, "medium")
    for f in result.findings[1:]:
        f.journey = "hostile"
    lines, _ = run_github(result, runs, tmp_path, monkeypatch)
    text = (tmp_path / "github-summary.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| ") and "JA302" in line]
    assert len(rows) == github.SUMMARY_ROWS
    assert "… and 11 more findings" in text
    hostile_row = rows[0]
    assert "<script>" not in text and "&lt;script&gt;" in hostile_row
    assert hostile_row.count(" | ") == 4  # five cells: pipes in the text are escaped
    assert "a\\|b" in hostile_row and "\\*bold\\*" in hostile_row
    # The annotation round-trips and cannot inject a command of its own.
    name, props, data = parse_command(lines[0])
    assert name == "error" and props["file"] == "journeys/a,b:c d%.yaml" and props["line"] == "17"
    assert data.startswith(HOSTILE)
    assert all(line.startswith(("::error ", "::warning ", "::notice ", "journeyaudit: ")) for line in lines)


def test_github_journey_that_could_not_run_is_an_error(tmp_path, monkeypatch):
    run = Run("broken", "Broken", str(ROOT / "journeys/demo/happy-path.yaml"), "http://x", status="error",
              error="navigation timeout")
    result = build({"broken": run}, [])
    lines, _ = run_github(result, {"broken": run}, tmp_path, monkeypatch)
    name, props, data = parse_command(lines[0])
    assert name == "error" and props["file"] == "journeys/demo/happy-path.yaml" and "navigation timeout" in data
    assert "could not run" in (tmp_path / "github-summary.md").read_text(encoding="utf-8")


def test_github_through_write_format_prints_to_stdout(tmp_path, monkeypatch, capsys, demo_result):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result, runs = demo_result
    assert write("github", result, runs, tmp_path) == [tmp_path / "github-summary.md"]
    assert capsys.readouterr().out.startswith("::error file=journeys/demo/")


# --------------------------------------------------------------------------
# GitLab Code Quality
# --------------------------------------------------------------------------


def test_gitlab_schema_follows_the_documented_fields():
    jsonschema.Draft7Validator.check_schema(GITLAB_SCHEMA)
    documented = [{"description": "'unused' is assigned a value but never used.", "check_name": "no-unused-vars",
                   "fingerprint": "7815696ecbf1c96e6894b779456d330e", "severity": "minor",
                   "location": {"path": "lib/index.js", "lines": {"begin": 42}}}]
    jsonschema.validate(documented, GITLAB_SCHEMA)  # GitLab's own example
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**documented[0], "severity": "high"}], GITLAB_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**documented[0], "location": {"path": "/abs/x.js", "lines": {"begin": 1}}}], GITLAB_SCHEMA)


def test_gitlab_report(tmp_path, demo_result):
    result, runs = demo_result
    runs["late-fee"].steps[5].line = 42
    [path] = write("gitlab", result, runs, tmp_path)
    assert path.name == "gl-code-quality-report.json"
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # GitLab refuses a byte order mark
    issues = json.loads(raw)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    assert len(issues) == len(result.findings)
    mapping = {"low": "minor", "medium": "major", "high": "critical", "critical": "blocker"}
    by_check = {}
    for issue, finding in zip(issues, formats.worst_first(result)):
        assert issue["severity"] == mapping[finding.severity]
        assert issue["check_name"] == f"{finding.code} {finding.slug}"
        assert issue["location"]["path"] == f"journeys/demo/{finding.journey}.yaml"
        by_check[issue["check_name"]] = issue
    assert by_check["JA201 late-extra-cost"]["location"]["lines"]["begin"] == 42
    fingerprints = [i["fingerprint"] for i in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    # Stable: the same recordings give the same fingerprints.
    again = json.loads(write("gitlab", *demo(), tmp_path / "again")[0].read_text(encoding="utf-8"))
    assert [i["fingerprint"] for i in again] == fingerprints


def test_gitlab_uses_the_finding_fingerprint_and_marks_suppressed(tmp_path, demo_result):
    result, runs = demo_result
    target = next(f for f in result.findings if f.code == "JA301")
    target.fingerprint, target.suppressed = "0123abcd", True
    issues = json.loads(write("gitlab", result, runs, tmp_path)[0].read_text(encoding="utf-8"))
    jsonschema.validate(issues, GITLAB_SCHEMA)
    issue = next(i for i in issues if i["check_name"].startswith("JA301"))
    assert issue["fingerprint"] == "0123abcd"
    assert issue["description"].endswith("(suppressed: known in the baseline)")


def test_gitlab_hostile_text(tmp_path):
    result, runs = hostile_case()
    issues = json.loads(write("gitlab", result, runs, tmp_path)[0].read_text(encoding="utf-8"))
    jsonschema.validate(issues, GITLAB_SCHEMA)
    [issue] = issues
    assert issue["description"] == " ".join(HOSTILE.split())
    assert issue["location"] == {"path": "journeys/a,b:c d%.yaml", "lines": {"begin": 17}}
