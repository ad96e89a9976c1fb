"""The report formats by name, and what the CI formats share.

``FORMATS`` maps a ``--format`` name to its writer. Every writer has the same
signature::

    writer(result, runs, out_dir, *, rules, root) -> list[Path]   # the files it wrote

``runs`` maps a journey id to its recorded :class:`~journeyaudit.model.Run`
(for step lines and timings; a journey missing from it is reported from the
result alone). ``root`` is the folder journey paths are made relative to (the
repository), so that SARIF and GitLab can anchor a finding to
``journeys/checkout.yaml`` line 14.

The CI writers (junit, sarif, github, gitlab) use the standard library only
and are imported when first used, so that asking for one format never loads
another's code. ``html`` and ``json`` are registered by the modules that own
them (:func:`register`).
"""

from __future__ import annotations

import functools
import importlib
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Protocol

from journeyaudit.model import SEVERITIES, Finding, Result, Run, StepRecord, severity_rank
from journeyaudit.rules.registry import RuleInfo


class Writer(Protocol):
    def __call__(
        self,
        result: Result,
        runs: Mapping[str, Run],
        out_dir: Path,
        *,
        rules: Sequence[RuleInfo],
        root: Path,
    ) -> list[Path]: ...


class _Lazy:
    """A writer imported on first call: ``journeyaudit.report.<module>.<function>``."""

    def __init__(self, module: str, function: str):
        self.module = module
        self.function = function

    def __call__(self, result, runs, out_dir, *, rules, root, **options):
        writer = getattr(importlib.import_module(f"journeyaudit.report.ci.{self.module}"), self.function)
        return writer(result, runs, out_dir, rules=rules, root=root, **options)

    def __repr__(self) -> str:
        return f"<writer journeyaudit.report.ci.{self.module}.{self.function}>"


FORMATS: dict[str, Writer] = {
    "junit": _Lazy("junit", "write_junit"),
    "sarif": _Lazy("sarif", "write_sarif"),
    "github": _Lazy("github", "write_github"),
    "gitlab": _Lazy("gitlab", "write_gitlab"),
}

# What each CI format writes into the output folder (github also prints to stdout).
FILE_NAMES = {
    "junit": "junit.xml",
    "sarif": "journeyaudit.sarif",
    "github": "github-summary.md",  # only when $GITHUB_STEP_SUMMARY is not set
    "gitlab": "gl-code-quality-report.json",
}


class UnknownFormat(ValueError):
    pass


def register(name: str, writer: Writer) -> None:
    """Add (or replace) a format, e.g. ``register("html", write_html_format)``."""
    FORMATS[name] = writer


def format_names() -> list[str]:
    return sorted(FORMATS)


def get_writer(name: str) -> Writer:
    try:
        return FORMATS[name.strip().lower()]
    except KeyError:
        raise UnknownFormat(f"unknown report format {name!r} (formats: {', '.join(format_names())})") from None


def write_format(
    name: str,
    result: Result,
    runs: Mapping[str, Run],
    out_dir: Path,
    *,
    rules: Sequence[RuleInfo],
    root: Path,
) -> list[Path]:
    """Write one format into ``out_dir``; returns the files written."""
    writer = get_writer(name)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return writer(result, runs, out_dir, rules=rules, root=Path(root))


# --------------------------------------------------------------------------
# Shared by the CI writers
# --------------------------------------------------------------------------


def journey_path(result: Result, runs: Mapping[str, Run], journey_id: str) -> str:
    """The journey file as recorded (absolute or relative), '' when unknown."""
    run = runs.get(journey_id)
    if run is not None and run.journey_path:
        return run.journey_path
    summary = next((s for s in result.runs if s.journey_id == journey_id), None)
    return summary.journey_path if summary is not None else ""


def relative_path(path: str, root: Path) -> str:
    """A journey file as a forward-slash path relative to ``root`` (the repository).

    Traces recorded on another machine hold that machine's absolute paths; the
    longest tail of such a path that exists under ``root`` is used then (so
    ``/home/ci/shop/journeys/buy.yaml`` becomes ``journeys/buy.yaml``). A path
    outside ``root`` that cannot be matched is given relative to it (``../x``).
    """
    if not path:
        return ""
    candidate = Path(path)
    if not candidate.is_absolute():
        return _posix(os.path.normpath(path))
    root = Path(root)
    for base in {root, root.resolve()}:
        for target in (candidate, candidate.resolve()):
            try:
                return _posix(str(target.relative_to(base)))
            except ValueError:
                pass
    parts = candidate.parts[1:]
    for start in range(len(parts)):
        tail = Path(*parts[start:])
        if (root / tail).is_file():
            return _posix(str(tail))
    try:
        return _posix(os.path.relpath(candidate, root))
    except ValueError:  # another drive on Windows
        return _posix(str(candidate))


def _posix(path: str) -> str:
    return str(PurePosixPath(*Path(path).parts)) if path not in ("", ".") else path


def step_record(runs: Mapping[str, Run], finding: Finding) -> StepRecord | None:
    run = runs.get(finding.journey)
    if run is None or finding.step is None:
        return None
    return next((step for step in run.steps if step.index == finding.step), None)


def step_line(runs: Mapping[str, Run], finding: Finding) -> int:
    """The step's line in its journey file; 1 for journey-wide findings or traces without lines."""
    step = step_record(runs, finding)
    return step.line if step is not None and step.line and step.line > 0 else 1


def fails(result: Result, finding: Finding) -> bool:
    """True when this finding counts against ``fail_on`` (at or above it, not suppressed)."""
    threshold = severity_rank(result.fail_on)
    return threshold >= 0 and not finding.suppressed and severity_rank(finding.severity) >= threshold


def worst_first(result: Result, findings: Sequence[Finding] | None = None) -> list[Finding]:
    """Findings that fail the audit first, then by severity, confidence, journey order and step."""
    findings = list(result.findings if findings is None else findings)
    journey_order = {summary.journey_id: n for n, summary in enumerate(result.runs)}
    return sorted(
        findings,
        key=lambda f: (
            not fails(result, f),
            f.suppressed,
            -severity_rank(f.severity),
            f.confidence != "high",
            journey_order.get(f.journey, len(journey_order)),
            f.step if f.step is not None else 10**6,
            f.code,
        ),
    )


def evidence_lines(finding: Finding) -> list[str]:
    """Each piece of evidence as one 'label: value' entry (values may span lines)."""
    lines = []
    for item in finding.evidence:
        label = item.label.strip() or item.kind
        lines.append(f"{label}: {item.value}" if item.value else label)
    return lines


def rule_index(rules: Sequence[RuleInfo]) -> dict[str, RuleInfo]:
    return {info.code: info for info in rules}


# Internal research notes in rule docstrings ("research H5", "customer story C1", "H12"):
# meaningful to the rule's authors, noise to the people reading a report.
_INTERNAL_NOTE = re.compile(r"(?:research\s+H\d+|customer\s+story\b[^;]*|H\d+)")
_RESEARCH_PREFIX = re.compile(r"^\s*research\s+H\d+\s*:\s*")
_PARENTHESIS = re.compile(r"(\s*)\(([^()]*)\)")


def _without_internal_notes(match: re.Match[str]) -> str:
    space, inside = match.group(1), match.group(2)
    parts = [_RESEARCH_PREFIX.sub("", part).strip() for part in inside.split(";")]
    kept = [part for part in parts if part and not _INTERNAL_NOTE.fullmatch(part)]
    if len(kept) == len(parts) and kept == [p.strip() for p in inside.split(";")]:
        return match.group(0)
    return f"{space}({'; '.join(kept)})" if kept else ""


def rule_doc(info: RuleInfo) -> str:
    """A rule's documentation for users: its docstring without the internal research notes."""
    return _doc_for_users(info.doc)


@functools.lru_cache(maxsize=256)  # a report asks once per finding, for a few dozen rules
def _doc_for_users(doc: str) -> str:
    return _PARENTHESIS.sub(_without_internal_notes, doc)


def rule_summary(info: RuleInfo) -> str:
    """First paragraph of :func:`rule_doc`, on one line."""
    return " ".join(rule_doc(info).split("\n\n", 1)[0].split())


def finding_title(finding: Finding) -> str:
    return f"{finding.code} {finding.slug}".strip()


def plural(count: int, word: str, plural_form: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural_form or word + 's')}"


def verdict(result: Result) -> str:
    """One sentence in the customer's terms ("3 problems a customer would hit, 1 critical").

    The HTML report's headline too: it lives here because these writers must
    not import Jinja2, and report/html.py imports it from here.
    """
    errored = sum(1 for s in result.runs if s.status == "error")
    ran = len(result.runs) - errored
    suffix = f"; {plural(errored, 'journey')} could not be run" if errored else ""
    if not result.findings:
        if not result.runs:
            return "No journeys were run"
        if ran == 0:
            return "The journey could not be run" if errored == 1 else f"None of the {errored} journeys could be run"
        return f"No problems found on {plural(ran, 'journey')}{suffix}"
    counts = result.counts()
    worst = next((s for s in reversed(SEVERITIES) if counts.get(s, 0)), "")
    total = len(result.findings)
    text = f"{plural(total, 'problem')} a customer would hit"
    if worst:
        if total == 1:
            text += f" ({worst})"
        elif counts[worst] == total:
            text += f", all {worst}"
        else:
            text += f", {counts[worst]} {worst}"
    return text + suffix


def gate(result: Result) -> str:
    """What the threshold made of the findings, in one sentence."""
    failing = len(result.failing())
    if severity_rank(result.fail_on) < 0:
        return "The threshold is off (fail on: none): findings do not fail the build."
    if failing:
        return f"Fails the threshold: {plural(failing, 'problem')} at severity {result.fail_on} or worse."
    return f"Passes the threshold: nothing at severity {result.fail_on} or worse."


def clip(text: str, limit: int) -> str:
    """At most ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


# What StepRecord.dropped's keys mean, for the report: "3 more console messages not kept".
DROPPED_NOUNS = {
    "console": "console messages",
    "network": "requests",
    "page_errors": "page errors",
    "dialogs": "dialogs",
    "structured_data": "structured data (JSON-LD) objects",
    "data_layer": "dataLayer entries",
}


def dropped_lines(record: StepRecord) -> list[str]:
    """``["149,500 more console messages not kept", ...]`` for a step's dropped counts."""
    return [
        f"{'at least ' if kind in record.uncounted else ''}{count:,} more {DROPPED_NOUNS.get(kind, kind)} not kept"
        for kind, count in sorted(record.dropped.items())
        if count
    ]
