"""GitHub Actions: workflow-command annotations and a Markdown job summary.

Annotations (``::error file=…,line=…,title=…::message``) are printed to stdout,
worst first, anchored to the journey YAML file at the step's line:

* a finding that fails the audit (at or above ``fail_on``, not suppressed) is
  an ``error``; any other finding is a ``warning``, or a ``notice`` when it is
  low; suppressed findings are not annotated (the summary lists them);
* a journey the tool could not run is an ``error`` too, before the findings.

GitHub shows at most 10 annotations of each kind (error, warning, notice) per
step and 50 per job, and drops the rest without a word. We print no more than
that, worst first, and say in the log and in the summary how many were left
out. Every finding is in the summary table (up to ``SUMMARY_ROWS``) and in the
report.

The job summary is appended to the file named by ``$GITHUB_STEP_SUMMARY``
(``github-summary.md`` in the output folder outside GitHub Actions).

Escaping follows the runner (actions/toolkit ``command.ts``): in the message
``%``, CR and LF become ``%25``, ``%0D``, ``%0A``; in properties ``:`` and
``,`` become ``%3A`` and ``%2C`` as well. Standard library only.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from journeyaudit.history.store import atomic_write_text
from journeyaudit.model import SEVERITIES, Finding, Result, Run, RunSummary
from journeyaudit.report import formats
from journeyaudit.rules.registry import RuleInfo

SUMMARY_FILE = "github-summary.md"
ANNOTATIONS_PER_KIND = 10  # per step, for each of error, warning and notice
ANNOTATIONS_PER_JOB = 50
SUMMARY_ROWS = 50  # findings listed in the job summary table
JOURNEY_ROWS = 50
CELL_LIMIT = 300  # characters per table cell
MESSAGE_LIMIT = 4000  # characters per annotation message
KINDS = ("error", "warning", "notice")

SEVERITY_MARK = {"critical": "🟣", "high": "🔴", "medium": "🟠", "low": "🔵"}


# --------------------------------------------------------------------------
# Workflow commands
# --------------------------------------------------------------------------


def escape_data(text: object) -> str:
    """Escape a workflow command's message (the part after ``::``)."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: object) -> str:
    """Escape a workflow command's property value (``file=``, ``title=``, ...)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    """``::name key=value,key=value::message`` with empty properties left out."""
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items() if value not in (None, ""))
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def annotation_kind(result: Result, finding: Finding) -> str | None:
    """error / warning / notice for a finding; None for one that is not annotated (suppressed)."""
    if finding.suppressed:
        return None
    if formats.fails(result, finding):
        return "error"
    return "notice" if finding.severity == "low" else "warning"


def _annotation_message(finding: Finding) -> str:
    lines = [finding.message.strip() or finding.code]
    evidence = formats.evidence_lines(finding)
    if evidence:
        lines.append("")
        lines.extend(f"• {line}" for line in evidence)
    where = f"Journey '{finding.journey}'"
    if finding.step is not None:
        where += f", step {finding.step} '{finding.step_name}'"
    lines.extend(["", f"{where} · severity {finding.severity} · confidence {finding.confidence}"])
    return formats.clip("\n".join(lines), MESSAGE_LIMIT)


class Annotations:
    """The commands to print, worst first and capped, and how many were left out per kind."""

    def __init__(self, lines: list[str], shown: Counter, omitted: Counter):
        self.lines = lines
        self.shown = shown
        self.omitted = omitted

    @property
    def omitted_total(self) -> int:
        return sum(self.omitted.values())


def annotations(
    result: Result,
    runs: Mapping[str, Run],
    root: Path,
    *,
    per_kind: int = ANNOTATIONS_PER_KIND,
    per_job: int = ANNOTATIONS_PER_JOB,
) -> Annotations:
    lines: list[str] = []
    shown: Counter = Counter()
    omitted: Counter = Counter()

    def add(kind: str, message: str, **properties: object) -> None:
        if shown[kind] >= per_kind or sum(shown.values()) >= per_job:
            omitted[kind] += 1
            return
        shown[kind] += 1
        lines.append(command(kind, message, **properties))

    for summary in result.runs:
        run = runs.get(summary.journey_id)
        status = run.status if run is not None else summary.status
        if status != "error":
            continue
        reason = (run.error if run is not None else summary.error) or "the journey could not be run"
        path = formats.relative_path(formats.journey_path(result, runs, summary.journey_id), root)
        add(
            "error",
            f"journeyaudit could not run the journey '{summary.journey_id}': {reason}",
            file=path,
            line=1 if path else None,
            title=f"Journey could not run: {summary.journey_id}",
        )
    for finding in formats.worst_first(result):
        kind = annotation_kind(result, finding)
        if kind is None:
            continue
        path = formats.relative_path(formats.journey_path(result, runs, finding.journey), root)
        add(
            kind,
            _annotation_message(finding),
            file=path,
            line=formats.step_line(runs, finding) if path else None,
            title=f"{formats.finding_title(finding)} ({finding.severity})",
        )
    return Annotations(lines, shown, omitted)


def _omitted_text(omitted: Counter) -> str:
    parts = [formats.plural(omitted[kind], kind) for kind in KINDS if omitted[kind]]
    return ", ".join(parts)


# --------------------------------------------------------------------------
# Job summary (Markdown)
# --------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]|#~"})


def md(text: object, limit: int = CELL_LIMIT) -> str:
    """Plain text safe in a Markdown table cell: one line, no HTML, no markup, at most ``limit`` characters."""
    flat = " ".join(str(text if text is not None else "").split())
    flat = formats.clip(flat, limit)
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return flat.translate(_MD_SPECIAL)


def _duration(ms: float) -> str:
    seconds = max(0.0, ms or 0.0) / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def _date(unix: float) -> str:
    if not unix:
        return ""
    return dt.datetime.fromtimestamp(unix, tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _summary_head(result: Result, failing: Sequence[Finding], errored: Sequence[RunSummary]) -> list[str]:
    """Title with the gate's outcome, the verdict, counts by severity and the run's facts."""
    if failing:
        icon, state = "❌", "fails"
    elif result.findings or errored or result.errors:
        icon, state = "⚠️", "passes with findings" if result.findings else "passes, but not every journey ran"
    else:
        icon, state = "✅", "passes"
    out = [f"## {icon} journeyaudit: {md(result.audit or 'audit', 120)} {state}", ""]
    out += [f"**{md(formats.verdict(result), 500)}.** {md(formats.gate(result), 500)}", ""]
    counts = result.counts()
    suppressed = sum(1 for f in result.findings if f.suppressed)
    header = [f"{SEVERITY_MARK[s]} {s}" for s in reversed(SEVERITIES)] + ["suppressed", f"failing (fail on: {md(result.fail_on, 20)})"]
    values = [str(counts.get(s, 0)) for s in reversed(SEVERITIES)] + [str(suppressed), str(len(failing))]
    out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), "| " + " | ".join(values) + " |", ""]
    passed = sum(1 for s in result.runs if s.status == "passed")
    failed = sum(1 for s in result.runs if s.status == "failed")
    facts = [f"Shop: {md(result.base_url, 200)}" if result.base_url else "",
             f"journeys: {passed} passed, {failed} failed, {len(errored)} could not run",
             f"took {_duration(result.duration_ms)}" if result.duration_ms else "",
             _date(result.started_at),
             f"journeyaudit {md(result.tool_version, 40)}" if result.tool_version else ""]
    return out + [" · ".join(f for f in facts if f), ""]


def _summary_errors(errors: Sequence[str]) -> list[str]:
    if not errors:
        return []
    out = ["**The audit reported errors:**", ""]
    out += [f"- {md(error, 500)}" for error in errors[:20]]
    if len(errors) > 20:
        out.append(f"- … and {len(errors) - 20} more")
    return out + [""]


def _finding_row(result: Result, runs: Mapping[str, Run], root: Path, finding: Finding) -> str:
    severity = f"{SEVERITY_MARK.get(finding.severity, '')} {md(finding.severity, 20)}".strip()
    if finding.suppressed:
        severity += " (suppressed)"
    elif formats.fails(result, finding):
        severity = f"**{severity}**"
    where = formats.relative_path(formats.journey_path(result, runs, finding.journey), root)
    journey = md(finding.journey, 80) + (f" ({md(where, 120)}:{formats.step_line(runs, finding)})" if where else "")
    step = f"{finding.step} {md(finding.step_name, 80)}" if finding.step is not None else "whole journey"
    return f"| {severity} | {md(formats.finding_title(finding), 80)} | {journey} | {step} | {md(finding.message)} |"


def _summary_findings(result: Result, runs: Mapping[str, Run], root: Path, rows: int) -> list[str]:
    ordered = formats.worst_first(result)
    if not ordered:
        return []
    out = ["### Findings, worst first", ""]
    out += ["| Severity | Rule | Journey | Step | What the customer hit |", "|---|---|---|---|---|"]
    out += [_finding_row(result, runs, root, finding) for finding in ordered[:rows]]
    if len(ordered) > rows:
        more = len(ordered) - rows
        out.append("")
        out.append(f"… and {more} more {('finding' if more == 1 else 'findings')}: see the HTML report (`report.html`) or `result.json`.")
    return out + [""]


def _summary_journeys(result: Result) -> list[str]:
    out = ["<details><summary>Journeys</summary>", "", "| Journey | Status | Steps passed | Findings |", "|---|---|---|---|"]
    per_journey = Counter(f.journey for f in result.findings)
    for summary in result.runs[:JOURNEY_ROWS]:
        status = md(summary.status, 20) + (f": {md(summary.error, 200)}" if summary.error else "")
        if summary.attempts > 1:  # retries: flaky, or failed every attempt
            status += f" (flaky, attempt {summary.attempts})" if summary.flaky else f" ({summary.attempts} attempts)"
        out.append(
            f"| {md(summary.journey_name or summary.journey_id, 120)} | {status} "
            f"| {summary.steps_passed}/{summary.steps_total} | {per_journey.get(summary.journey_id, 0)} |"
        )
    if len(result.runs) > JOURNEY_ROWS:
        out.append(f"| … and {len(result.runs) - JOURNEY_ROWS} more | | | |")
    return out + ["", "</details>", ""]


def job_summary(
    result: Result,
    runs: Mapping[str, Run],
    root: Path,
    notes: Annotations | None = None,
    *,
    rows: int = SUMMARY_ROWS,
) -> str:
    """The Markdown job summary: verdict, counts, journeys and findings worst first."""
    failing = result.failing()
    errored = [s for s in result.runs if s.status == "error"]
    out = _summary_head(result, failing, errored)
    out += _summary_errors(result.errors)
    out += _summary_findings(result, runs, root, rows)
    if len(result.runs) > 1 or errored or any(s.attempts > 1 for s in result.runs):  # retries are told there
        out += _summary_journeys(result)
    if notes is not None and notes.omitted_total:
        out.append(
            f"> GitHub shows at most {ANNOTATIONS_PER_KIND} error, {ANNOTATIONS_PER_KIND} warning and "
            f"{ANNOTATIONS_PER_KIND} notice annotations per step ({ANNOTATIONS_PER_JOB} per job): "
            f"{_omitted_text(notes.omitted)} were left out of the annotations. "
            "The table above and the report list every finding."
        )
        out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------------
# The writer
# --------------------------------------------------------------------------


def write_github(
    result: Result,
    runs: Mapping[str, Run],
    out_dir: Path,
    *,
    rules: Sequence[RuleInfo],
    root: Path,
    stream: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Path]:
    """Print the annotations to ``stream`` (stdout) and write the job summary; returns the summary file."""
    stream = stream if stream is not None else sys.stdout
    environ = environ if environ is not None else os.environ
    notes = annotations(result, runs, Path(root))
    for line in notes.lines:
        stream.write(line + "\n")
    closing = f"journeyaudit: {' '.join(formats.verdict(result).split())}. {formats.gate(result)}"
    if notes.omitted_total:
        closing += (
            f" {_omitted_text(notes.omitted)} not annotated: GitHub shows {ANNOTATIONS_PER_KIND} of each kind "
            "per step; the job summary lists them."
        )
    stream.write(closing + "\n")
    stream.flush()

    summary = job_summary(result, runs, Path(root), notes)
    target = environ.get("GITHUB_STEP_SUMMARY", "").strip()
    if target:
        path = Path(target)
        path.parent.mkdir(parents=True, exist_ok=True)
        lead = "\n" if path.is_file() and path.stat().st_size else ""
        with path.open("a", encoding="utf-8") as handle:  # GitHub's file: append, as every step does
            handle.write(lead + summary + "\n")
        return [path]
    return [atomic_write_text(Path(out_dir) / SUMMARY_FILE, summary + "\n")]
