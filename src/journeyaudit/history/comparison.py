"""What changed between an earlier run and this one: findings by fingerprint, step durations.

Used by the history (:meth:`History.compare`) and by ``postrun``; pure apart from
reading step durations from saved traces when the runs are not at hand.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from journeyaudit.history.fingerprint import compare_findings, judged_in
from journeyaudit.model import Comparison, Result, Run, StepTiming

if TYPE_CHECKING:
    from journeyaudit.history.database import StoredRun


def step_timings(runs: Iterable[Run]) -> list[tuple[str, str, float]]:
    """(journey, step name, duration ms) of every step that ran, in order.

    A step name used twice in one journey gets `` (2)``, `` (3)``... so that each
    step keeps its own line.
    """
    timings = []
    for run in runs:
        seen: dict[str, int] = {}
        for step in run.steps:
            name = _unique(step.name, seen)
            if step.status != "skipped":
                timings.append((run.journey_id, name, float(step.duration_ms)))
    return timings


def _unique(name: str, seen: dict[str, int]) -> str:
    seen[name] = seen.get(name, 0) + 1
    return name if seen[name] == 1 else f"{name} ({seen[name]})"


def _timings_from_traces(result: Result, report_path: str | None) -> list[tuple[str, str, float]]:
    """Best effort: read step durations from the traces saved next to the report."""
    if not report_path:
        return []
    root = Path(report_path)
    if root.suffix:  # report.html / result.json: traces are relative to its folder
        root = root.parent
    timings = []
    for summary in result.runs:
        if not summary.trace:
            continue
        trace_file = (root / summary.trace / "trace.json") if not Path(summary.trace).is_absolute() else Path(summary.trace) / "trace.json"
        try:
            data = json.loads(trace_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        seen: dict[str, int] = {}
        for step in data.get("steps") or []:
            name = _unique(str(step.get("name", "")), seen)
            if step.get("status") != "skipped":
                timings.append((summary.journey_id, name, float(step.get("duration_ms") or 0.0)))
    return timings


def _as_runs(runs: Iterable[Run] | Mapping[str, Run] | None) -> list[Run] | None:
    if runs is None:
        return None
    if isinstance(runs, Mapping):
        return list(runs.values())
    return list(runs)


def timings_now(
    result: Result, runs: Iterable[Run] | Mapping[str, Run] | None = None, report_path: str | None = None
) -> list[tuple[str, str, float]]:
    """This run's step durations: from ``runs``, else from the traces next to ``report_path``."""
    run_list = _as_runs(runs)
    return step_timings(run_list) if run_list is not None else _timings_from_traces(result, report_path)


def compare(
    result: Result,
    earlier: StoredRun,
    against: str | None = None,
    *,
    runs: Iterable[Run] | Mapping[str, Run] | None = None,
    report_path: str | None = None,
) -> Comparison:
    """Findings new / fixed / still_open by fingerprint, and every step's duration
    before and now (steps of this run in order, then steps only the earlier run had).
    Earlier findings of rules or journeys this result did not check are left out.

    Step durations come from ``runs`` or the traces next to ``report_path``; with
    neither, "now" is unknown (None) for every step.
    """
    changes = compare_findings(result.findings, list(filter(judged_in(result), earlier.findings)))
    now = timings_now(result, runs, report_path)
    timings = []
    seen = set()
    for journey, step, ms in now:
        timings.append(StepTiming(journey, step, earlier.timings.get((journey, step)), ms))
        seen.add((journey, step))
    for (journey, step), ms in earlier.timings.items():
        if (journey, step) not in seen:
            timings.append(StepTiming(journey, step, ms, None))
    return Comparison(against=against or earlier.label(), changes=changes, timings=timings)
