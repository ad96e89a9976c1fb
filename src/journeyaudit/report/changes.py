"""The report's "What changed" section: new / fixed / still open, and step time changes.

Built from ``result.comparisons`` (since the last run, since the baseline), which
postrun.py fills from the history and the baseline. Plain values only: the
template lays them out and escapes every text (messages are page-derived).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from journeyaudit.model import Comparison, FindingChange, StepTiming

STATUS_LABELS = {"new": "New", "fixed": "Fixed", "still_open": "Still open"}
# A step's time change is worth showing when it moved this much, both relative and absolute.
SIGNIFICANT_RATIO = 0.25
SIGNIFICANT_MS = 300.0
MAX_TIMINGS = 12


@dataclass
class ChangeRow:
    status: str
    status_label: str
    code: str
    severity: str
    journey: str
    journey_name: str
    journey_anchor: str
    step_name: str
    message: str


@dataclass
class TimingRow:
    journey_name: str
    step_name: str
    anchor: str
    before: str
    now: str
    delta: str
    direction: str  # slower | faster | new | gone


@dataclass
class ComparisonView:
    against: str
    counts: dict[str, int]
    groups: list[tuple[str, str, list[ChangeRow]]]  # (status, label, rows), new first
    timings: list[TimingRow] = field(default_factory=list)
    timings_total: int = 0  # steps compared (the rows are the significant changes only)


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.1f} s" if ms >= 1000 else f"{ms:.0f} ms"


def _timing_rows(
    timings: list[StepTiming], names: Mapping[str, str], anchors: Mapping[tuple[str, str], str]
) -> list[TimingRow]:
    rows = []
    for t in timings:
        if t.before_ms is None and t.now_ms is None:
            continue
        if t.before_ms is None or t.now_ms is None:
            continue  # a step added or removed: the finding list says more than a time does
        delta = t.now_ms - t.before_ms
        if abs(delta) < SIGNIFICANT_MS or abs(delta) < SIGNIFICANT_RATIO * max(t.before_ms, 1.0):
            continue
        sign = "+" if delta > 0 else "−"
        rows.append(
            (
                abs(delta),
                TimingRow(
                    journey_name=names.get(t.journey, t.journey),
                    step_name=t.step_name,
                    anchor=anchors.get((t.journey, t.step_name), ""),
                    before=_seconds(t.before_ms),
                    now=_seconds(t.now_ms),
                    delta=f"{sign}{_seconds(abs(delta))}",
                    direction="slower" if delta > 0 else "faster",
                ),
            )
        )
    rows.sort(key=lambda pair: -pair[0])
    return [row for _, row in rows[:MAX_TIMINGS]]


def _row(change: FindingChange, names: Mapping[str, str], journey_anchors: Mapping[str, str]) -> ChangeRow:
    return ChangeRow(
        status=change.status,
        status_label=STATUS_LABELS.get(change.status, change.status),
        code=change.code,
        severity=change.severity,
        journey=change.journey,
        journey_name=names.get(change.journey, change.journey),
        journey_anchor=journey_anchors.get(change.journey, ""),
        step_name=change.step_name,
        message=change.message,
    )


def comparison_views(
    comparisons: list[Comparison],
    names: Mapping[str, str],
    journey_anchors: Mapping[str, str],
    step_anchors: Mapping[tuple[str, str], str],
) -> list[ComparisonView]:
    views = []
    for comparison in comparisons:
        rows = [_row(c, names, journey_anchors) for c in comparison.changes]
        groups = [
            (status, label, [r for r in rows if r.status == status])
            for status, label in STATUS_LABELS.items()
        ]
        views.append(
            ComparisonView(
                against=comparison.against,
                counts={status: len(items) for status, _, items in groups},
                groups=[g for g in groups if g[2]],
                timings=_timing_rows(comparison.timings, names, step_anchors),
                timings_total=sum(1 for t in comparison.timings if t.before_ms is not None and t.now_ms is not None),
            )
        )
    return views
