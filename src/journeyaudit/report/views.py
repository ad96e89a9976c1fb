"""The HTML report's view model: plain values the template only has to lay out (report/html.py builds them).

Everything here is plain text or numbers; the template escapes all of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from journeyaudit.model import RunSummary
from journeyaudit.report.screenshots import Shot
from journeyaudit.report.trends import Spark


@dataclass
class EvidenceView:
    label: str
    value: str
    mono: bool
    step: int | None
    shot: Shot | None = None
    collapsed: bool = False  # raw markup (kind "markup"): shown folded, under a summary


@dataclass
class FindingView:
    anchor: str
    code: str
    slug: str
    severity: str
    severity_label: str
    rule_title: str
    step: int | None
    step_name: str
    step_anchor: str
    message: str
    confidence: str
    evidence: list[EvidenceView]
    rule_doc: list[str]
    journey: str = ""  # journey id, for the filters
    suppressed: bool = False  # known in the baseline: listed, does not fail


@dataclass
class StepView:
    anchor: str
    index: int
    name: str
    role: str
    status: str
    status_label: str
    error: str
    url: str
    title: str
    http_status: int | None
    duration: str
    budget: str
    over_budget: bool
    bar_pct: float
    budget_pct: float | None
    shot: Shot
    findings: list[FindingView] = field(default_factory=list)
    trend: Spark | None = None  # the step's duration over the last runs
    error_raw: str = ""  # the tool's own error, when the customer's wording (error) differs
    dropped: list[str] = field(default_factory=list)  # "N more console messages not kept" (recording limits)


@dataclass
class JourneyView:
    anchor: str
    id: str
    name: str
    path: str
    status: str
    status_label: str
    error: str
    recorded: bool
    steps_total: int
    steps_passed: int
    duration: str
    steps: list[StepView]
    findings: list[FindingView]
    worst: str  # worst severity among its findings, "" when none
    loose_findings: list[FindingView] = field(default_factory=list)  # not at a recorded step
    summary: RunSummary | None = None  # attempts, flaky and the failed attempts' traces (retries)
    playwright_trace: str = ""  # --trace: the trace.zip's path from the report ("" = none)
    playwright_trace_note: str = ""  # why there is none, or what was left out of it
