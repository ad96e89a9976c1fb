"""The report's rules table: per rule, how its outcomes went and why it could not check some journeys.

View-building only (no Jinja2 here): plain dataclasses the report template reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from journeyaudit.model import SEVERITIES, Result, RuleOutcome
from journeyaudit.report.formats import rule_doc, rule_summary
from journeyaudit.rules.registry import RuleInfo

SEVERITY_LABELS = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low"}
OUTCOME_STATUSES = ("passed", "failed", "not_applicable", "not_checked", "error", "skipped")

@dataclass
class RuleRow:
    code: str
    slug: str
    title: str
    severity: str
    severity_label: str
    summary: str
    counts: dict[str, int]
    errors: list[tuple[str, str]]  # (journey name, detail)
    ran: bool
    unchecked: list[tuple[str, str]] = field(default_factory=list)  # (why, journey names): an input was not recorded
    doc: list[str] = field(default_factory=list)  # the rule's explanation, once, when it found something


def rule_rows(result: Result, rule_index: Mapping[str, RuleInfo], names: Mapping[str, str]) -> list[RuleRow]:
    codes = sorted(set(rule_index) | {o.code for o in result.outcomes})
    found = {finding.code for finding in result.findings}
    by_code: dict[str, list[RuleOutcome]] = {}
    for outcome in result.outcomes:  # once, not once per rule: 32 rules x 15,000 outcomes for 500 journeys
        by_code.setdefault(outcome.code, []).append(outcome)
    rows = []
    for code in codes:
        info = rule_index.get(code)
        outcomes = by_code.get(code, [])
        counts = {status: 0 for status in OUTCOME_STATUSES}
        for outcome in outcomes:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        severity = info.severity if info and info.severity in SEVERITIES else ""
        rows.append(
            RuleRow(
                code=code,
                slug=info.slug if info else "",
                title=info.title if info else "",
                severity=severity,
                severity_label=SEVERITY_LABELS.get(severity, ""),
                summary=rule_summary(info) if info else "",
                counts=counts,
                errors=[(names.get(o.journey, o.journey), o.detail) for o in outcomes if o.status == "error"],
                ran=bool(outcomes),
                unchecked=_unchecked(outcomes, names),
                doc=_paragraphs(rule_doc(info)) if info and code in found else [],
            )
        )
    return rows


def _unchecked(outcomes: list[RuleOutcome], names: Mapping[str, str]) -> list[tuple[str, str]]:
    """Why a rule could not check some journeys, one line per reason: (reason, journey names)."""
    journeys: dict[str, list[str]] = {}
    for outcome in outcomes:
        if outcome.status == "not_checked":
            journeys.setdefault(outcome.detail, []).append(names.get(outcome.journey, outcome.journey))
    return [(reason, ", ".join(found)) for reason, found in journeys.items()]


def _paragraphs(doc: str) -> list[str]:
    return [part.strip() for part in doc.split("\n\n") if part.strip()]
