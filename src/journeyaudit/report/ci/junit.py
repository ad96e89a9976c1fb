"""JUnit XML (``junit.xml``) as CI test-report readers consume it.

One ``<testsuite>`` per journey, one ``<testcase>`` per journey step
(``classname`` = journey id, ``name`` = ``step N: name``, ``time`` in seconds,
``file``/``line`` = the journey file and the step's line):

* a ``<failure>`` per finding at or above ``fail_on`` that is not suppressed
  (``message`` = the finding, ``type`` = its code, text = its evidence);
* findings below the threshold and suppressed ones as ``<system-out>`` lines;
* a step that failed is a failure: its findings (JA101 says why the customer
  could not go on), or a ``<failure type="step-failed">`` when none of them
  fails the audit; a skipped step is ``<skipped>``;
* a journey the tool could not run is an ``<error>``, and so is each error of
  the audit itself (in a ``journeyaudit`` suite);
* a rule that could not check the journey (an input it needs was not
  recorded: mail capture, accessibility results) is a testcase of its own,
  ``rule CODE slug``, with ``<skipped message="not checked: REASON"/>``: never
  a silent pass.

Findings about the journey as a whole (no step) go to a testcase named
``journey``. A journey run more than once (retries) carries its failed attempts
there as Maven Surefire writes reruns: ``<flakyFailure>`` (``<flakyError>``) when
the last attempt passed, ``<rerunFailure>`` (``<rerunError>``) when none did, and
the suite's ``attempts`` and ``flaky`` properties. Counts follow the usual reading: ``failures`` is the number of
testcases with a failure. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from journeyaudit.facts import failure
from journeyaudit.history.fingerprint import fingerprint_of
from journeyaudit.history.store import atomic_write_text
from journeyaudit.model import Finding, Result, Run, RunSummary, StepRecord
from journeyaudit.report import formats
from journeyaudit.rules.registry import RuleInfo

FILE_NAME = "junit.xml"
JOURNEY_CASE = "journey"

# Characters XML 1.0 cannot carry at all (control characters, lone surrogates, U+FFFE/U+FFFF).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """Text safe for an XML document: characters XML cannot hold become U+FFFD."""
    return _INVALID_XML.sub("\ufffd", "" if text is None else str(text))


def _seconds(ms: float | None) -> str:
    return f"{max(0.0, float(ms or 0.0)) / 1000:.3f}"


def _timestamp(unix: float) -> str | None:
    if not unix:
        return None
    return dt.datetime.fromtimestamp(unix, tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


class _Case:
    def __init__(self, name: str, classname: str, time_ms: float = 0.0, file: str = "", line: int = 0):
        self.element = ET.Element("testcase", {"name": clean(name), "classname": clean(classname), "time": _seconds(time_ms)})
        if file:
            self.element.set("file", clean(file))
        if line:
            self.element.set("line", str(line))
        self.skipped: str | None = None
        self.errors: list[tuple[str, str, str]] = []  # (message, type, text)
        self.failures: list[tuple[str, str, str]] = []
        self.step_failed: tuple[str, str, str] | None = None  # shown only when no finding fails this step
        self.out: list[str] = []
        self.reruns: list[tuple[str, str, str, str]] = []  # (tag, message, type, text): Surefire's flaky/rerun elements

    def all_failures(self) -> list[tuple[str, str, str]]:
        if self.failures or self.step_failed is None:
            return self.failures
        return [self.step_failed]

    def finish(self) -> ET.Element:
        for message, kind, text in self.errors:
            _child(self.element, "error", message, kind, text)
        failures = self.all_failures()
        for message, kind, text in failures:
            _child(self.element, "failure", message, kind, text)
        for tag, message, kind, text in self.reruns:  # after any <failure>, as Surefire writes them
            _child(self.element, tag, message, kind, text)
        if self.skipped is not None and not failures and not self.errors:
            ET.SubElement(self.element, "skipped", {"message": clean(self.skipped)})
        if self.out:
            ET.SubElement(self.element, "system-out").text = clean("\n".join(self.out) + "\n")
        return self.element

    @property
    def outcome(self) -> str:
        if self.errors:
            return "error"
        if self.all_failures():
            return "failure"
        return "skipped" if self.skipped is not None else "passed"


def _child(parent: ET.Element, tag: str, message: str, kind: str, text: str) -> None:
    element = ET.SubElement(parent, tag, {"message": clean(message), "type": clean(kind)})
    if text:
        element.text = clean(text)


def _failure_text(finding: Finding, where: str, rule: RuleInfo | None) -> str:
    lines = [f"{finding.code} {finding.slug} ({finding.severity}, confidence {finding.confidence})"]
    if where:
        lines.append(f"Where: {where}")
    lines.append(f"Fingerprint: {fingerprint_of(finding)}")
    evidence = formats.evidence_lines(finding)
    if evidence:
        lines.append("Evidence:")
        lines.extend(f"- {line}" for line in evidence)
    if rule is not None and formats.rule_summary(rule):
        lines.append(f"Rule: {formats.rule_summary(rule)}")
    return "\n".join(lines)


def _out_line(finding: Finding) -> str:
    mark = "suppressed, " if finding.suppressed else ""
    message = " ".join(finding.message.split())
    return f"[{mark}{finding.severity}] {finding.code} {finding.slug}: {message}"


def _step_cases(
    summary: RunSummary, run: Run | None, findings: Sequence[Finding], path: str
) -> tuple[dict[int, _Case], list[StepRecord]]:
    cases: dict[int, _Case] = {}
    steps = list(run.steps) if run is not None else []
    for step in steps:
        case = _Case(f"step {step.index}: {step.name}", summary.journey_id, step.duration_ms, path, step.line or 0)
        if step.status == "failed":
            reason = failure.customer_reason(step, run.base_url if run is not None else "") or f"step {step.index} failed"
            case.step_failed = (f"step {step.index} '{step.name}' failed: {reason}", "step-failed", reason)
        elif step.status == "skipped":
            case.skipped = "not reached: an earlier step failed"
        details = [f"URL: {step.url}" if step.url else "", f"HTTP {step.http_status}" if step.http_status else ""]
        details = [d for d in details if d]
        if details:
            case.out.append(", ".join(details))
        cases[step.index] = case
    # Traces without the run (a result re-rendered on its own): a testcase per step named in findings.
    for finding in findings:
        if finding.step is not None and finding.step not in cases and run is None:
            cases[finding.step] = _Case(f"step {finding.step}: {finding.step_name}", summary.journey_id, 0.0, path)
    return cases, steps


def _summaries(result: Result, runs: Mapping[str, Run], journeys_with_findings: Sequence[str]) -> list[RunSummary]:
    """The result's runs, plus any run or finding's journey it does not list (never drop one)."""
    summaries = list(result.runs)
    known = {s.journey_id for s in summaries}
    for journey_id, run in runs.items():
        if journey_id not in known:
            summaries.append(
                RunSummary(run.journey_id, run.journey_name, run.journey_path, run.status, run.error, len(run.steps))
            )
            known.add(journey_id)
    for journey_id in journeys_with_findings:  # findings for journeys with neither run nor summary
        if journey_id not in known:
            summaries.append(RunSummary(journey_id, journey_id, "", "failed"))
            known.add(journey_id)
    return summaries


@dataclass
class _Journey:
    """One journey's test cases, and what its testsuite element says about it."""

    summary: RunSummary
    run: Run | None
    path: str
    status: str
    steps: list[StepRecord]
    cases: list[_Case]


def _finding_failure(result: Result, runs: Mapping[str, Run], finding: Finding, path: str, rule: RuleInfo | None) -> tuple[str, str, str]:
    line = formats.step_line(runs, finding)
    where = f"{path}:{line}" if path else ""
    if finding.step is not None:
        where += f" (step {finding.step} '{finding.step_name}')" if where else f"step {finding.step}"
    return (" ".join(finding.message.split()), finding.code, _failure_text(finding, where, rule))


def _unchecked_cases(result: Result, journey_id: str, rules: Mapping[str, RuleInfo], path: str) -> list[_Case]:
    """A skipped testcase per rule that could not check the journey, with the reason."""
    cases = []
    for outcome in result.outcomes:
        if outcome.journey != journey_id or outcome.status != "not_checked":
            continue
        rule = rules.get(outcome.code)
        case = _Case(f"rule {outcome.code} {rule.slug}" if rule else f"rule {outcome.code}", journey_id, 0.0, path)
        case.skipped = f"not checked: {outcome.detail or 'an input the rule needs was not recorded'}"
        cases.append(case)
    return cases


def _journey(
    result: Result, runs: Mapping[str, Run], summary: RunSummary, findings: Sequence[Finding], rules: Mapping[str, RuleInfo], root: Path
) -> _Journey:
    """A case per step, and a whole-journey case when something concerns no recorded step."""
    run = runs.get(summary.journey_id)
    path = formats.relative_path(formats.journey_path(result, runs, summary.journey_id), root)
    cases, steps = _step_cases(summary, run, findings, path)
    whole = _Case(JOURNEY_CASE, summary.journey_id, 0.0, path, 1 if path else 0)
    status = run.status if run is not None else summary.status
    if status == "error":
        reason = (run.error if run is not None else summary.error) or "the journey could not be run"
        whole.errors.append((f"could not run the journey: {reason}", "journey-error", reason))
    whole_used = status == "error" or bool(summary.failed_attempts)
    whole.reruns = _attempt_elements(summary)
    for finding in findings:
        case = cases.get(finding.step) if finding.step is not None else None
        if case is None:
            case, whole_used = whole, True
        if formats.fails(result, finding):
            case.failures.append(_finding_failure(result, runs, finding, path, rules.get(finding.code)))
        else:
            case.out.append(_out_line(finding))
    ordered = [cases[index] for index in sorted(cases)] + _unchecked_cases(result, summary.journey_id, rules, path)
    return _Journey(summary, run, path, status, steps, ([whole] if whole_used else []) + ordered)


def _attempt_elements(summary: RunSummary) -> list[tuple[str, str, str, str]]:
    """The journey's failed attempts as Maven Surefire writes reruns: ``<flakyFailure>``/``<flakyError>`` in a
    test that passed on a rerun, ``<rerunFailure>``/``<rerunError>`` in one that failed every time."""
    elements = []
    for attempt in summary.failed_attempts:
        error = attempt.status == "error"
        tag = ("flaky" if summary.flaky else "rerun") + ("Error" if error else "Failure")
        first = (attempt.error or "could not be recorded") if error else (attempt.failing[0] if attempt.failing else "failed")
        kind = "journey-error" if error else (first.split(" ", 1)[0] if attempt.failing else "attempt-failed")
        text = "\n".join([*attempt.failing, f"trace: {attempt.trace}"])
        elements.append((tag, f"attempt {attempt.number} of {summary.attempts}: {first}", kind, text))
    return elements


def _set_counts(suite: ET.Element, cases: Sequence[_Case], totals: dict[str, int]) -> None:
    counts = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.outcome == "failure"),
        "errors": sum(1 for c in cases if c.outcome == "error"),
        "skipped": sum(1 for c in cases if c.outcome == "skipped"),
    }
    for key, value in counts.items():
        suite.set(key, str(value))
        totals[key] += value


def _journey_suite(parent: ET.Element, result: Result, journey: _Journey, totals: dict[str, int]) -> float:
    """Append the journey's testsuite; returns its duration in ms."""
    summary, run = journey.summary, journey.run
    duration = run.duration_ms if run is not None else summary.duration_ms
    suite = ET.SubElement(parent, "testsuite", {"name": clean(summary.journey_id)})
    _set_counts(suite, journey.cases, totals)
    suite.set("time", _seconds(duration))
    started = run.started_at if run is not None else 0.0
    stamp = _timestamp(started or (journey.steps[0].started_at if journey.steps else 0.0) or result.started_at)
    if stamp:
        suite.set("timestamp", stamp)
    if journey.path:
        suite.set("file", clean(journey.path))
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("journey", summary.journey_name),
        ("journey_file", journey.path),
        ("base_url", result.base_url),
        ("fail_on", result.fail_on),
        ("status", journey.status),
        ("attempts", str(summary.attempts) if summary.attempts > 1 else ""),
        ("flaky", "true" if summary.flaky else ""),
    ):
        if value:
            ET.SubElement(properties, "property", {"name": name, "value": clean(value)})
    for case in journey.cases:
        suite.append(case.finish())
    return duration or 0.0


def _errors_suite(parent: ET.Element, errors: Sequence[str], totals: dict[str, int]) -> None:
    """The audit's own errors, one erroring testcase each."""
    suite = ET.SubElement(parent, "testsuite", {"name": "journeyaudit"})
    cases = []
    for n, error in enumerate(errors, start=1):
        case = _Case(f"audit error {n}", "journeyaudit")
        case.errors.append((error.splitlines()[0] if error.strip() else "audit error", "audit-error", error))
        cases.append(case)
    _set_counts(suite, cases, totals)
    suite.set("time", "0.000")
    for case in cases:
        suite.append(case.finish())


def render_junit(result: Result, runs: Mapping[str, Run], *, rules: Sequence[RuleInfo], root: Path) -> str:
    """The JUnit XML document for a result, as text."""
    rule_by_code = formats.rule_index(rules)
    by_journey: dict[str, list[Finding]] = {}
    for finding in formats.worst_first(result):
        by_journey.setdefault(finding.journey, []).append(finding)
    suites_element = ET.Element("testsuites", {"name": clean(f"journeyaudit: {result.audit}")})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    total_ms = 0.0
    unchecked = [o.journey for o in result.outcomes if o.status == "not_checked" and o.journey not in by_journey]
    for summary in _summaries(result, runs, [*by_journey, *dict.fromkeys(unchecked)]):
        journey = _journey(result, runs, summary, by_journey.get(summary.journey_id, []), rule_by_code, root)
        total_ms += _journey_suite(suites_element, result, journey, totals)
    if result.errors:
        _errors_suite(suites_element, result.errors, totals)
    for key, value in totals.items():
        suites_element.set(key, str(value))
    suites_element.set("time", _seconds(result.duration_ms or total_ms))
    stamp = _timestamp(result.started_at)
    if stamp:
        suites_element.set("timestamp", stamp)
    ET.indent(suites_element)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites_element, encoding="unicode") + "\n"


def write_junit(
    result: Result,
    runs: Mapping[str, Run],
    out_dir: Path,
    *,
    rules: Sequence[RuleInfo],
    root: Path,
) -> list[Path]:
    text = render_junit(result, runs, rules=rules, root=root)
    return [atomic_write_text(Path(out_dir) / FILE_NAME, text)]
