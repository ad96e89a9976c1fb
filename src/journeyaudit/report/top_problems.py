"""The few problems that matter most, one line each, for the top of the HTML report.

Picked from the findings as the report lays them out (report/html.py's journey views), so each
line links to the step where the customer hit the problem. Worst first; the same problem met in
several journeys is one line ("also in 2 other journeys"); suppressed findings and low ones
stay in their journeys.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from journeyaudit.model import severity_rank

MAX_LINES = 5
MIN_SEVERITY = "medium"
_MAX_TEXT = 170
_STEP_LABEL = re.compile(r"'[^']*' \(step \d+\)|\(step \d+\)|step \d+")


@dataclass
class TopProblem:
    severity: str
    severity_label: str
    code: str
    text: str  # the finding's message, one line, shortened
    journey: str  # the journey's name
    where: str  # "step 2 · Cart" or "whole journey"
    href: str  # the step's anchor (the finding's when it has no step)
    also: int = 0  # other journeys with the same problem


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1].rstrip() + "…"


def _same_problem(view: Any) -> tuple[str, str]:
    return view.code, _STEP_LABEL.sub("", " ".join(view.message.split())).lower()


def top_problems(journeys: Sequence[Any], limit: int = MAX_LINES) -> list[TopProblem]:
    """At most ``limit`` lines: the worst findings of medium or higher, not suppressed, one per problem."""
    candidates = []
    for order, journey in enumerate(journeys):
        for view in journey.findings:
            if view.suppressed or severity_rank(view.severity) < severity_rank(MIN_SEVERITY):
                continue
            candidates.append((-severity_rank(view.severity), order, view.step if view.step is not None else 10**6,
                               view.code, journey, view))
    candidates.sort(key=lambda item: item[:4])
    lines: dict[tuple[str, str], TopProblem] = {}
    seen_in: dict[tuple[str, str], set[str]] = {}
    for *_, journey, view in candidates:
        key = _same_problem(view)
        if key in lines:
            if journey.id not in seen_in[key]:
                seen_in[key].add(journey.id)
                lines[key].also += 1
            continue
        if len(lines) >= limit:
            continue
        seen_in[key] = {journey.id}
        lines[key] = TopProblem(
            severity=view.severity,
            severity_label=view.severity_label,
            code=view.code,
            text=_one_line(view.message),
            journey=journey.name,
            where=f"step {view.step} · {view.step_name}" if view.step is not None else "whole journey",
            href=view.step_anchor or view.anchor,
        )
    return list(lines.values())
