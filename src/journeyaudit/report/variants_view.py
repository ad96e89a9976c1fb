"""The report's "Devices and locales" table: each journey with a matrix, its variants side by side.

View-building only (no Jinja2): plain dataclasses the ``_variants.html`` include renders,
autoescaped. For each group, the columns that differ between the variants are the ones
that matter (outcome, findings, duration): ``differs`` names them, and the cells of a
column that differs are marked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from journeyaudit.model import Result, severity_rank

STATUS_LABELS = {"passed": "Passed", "failed": "Failed", "error": "Could not run"}


@dataclass
class VariantRow:
    anchor: str
    values: dict[str, str]  # device, locale, ... -> as written
    status: str
    status_label: str
    findings: list[dict[str, str]] = field(default_factory=list)  # code, slug, severity
    duration_ms: float = 0.0
    duration: str = ""


@dataclass
class VariantGroup:
    of: str  # the journey's own id
    name: str
    axes: list[str]  # device, locale, timezone, geolocation: the matrix's keys
    rows: list[VariantRow] = field(default_factory=list)
    differs: list[str] = field(default_factory=list)  # outcome, findings, duration: what differs between rows


def _seconds(ms: float) -> str:
    return f"{ms / 1000:.1f} s"


def variant_groups(result: Result, journeys: Sequence[Any]) -> list[VariantGroup]:
    """Journeys that ran as a matrix, in report order, each with its variants and what differs between them."""
    anchors = {j.id: j.anchor for j in journeys}
    groups: dict[str, VariantGroup] = {}
    for summary in result.runs:
        variant = summary.variant
        if variant is None:
            continue
        group = groups.get(variant.of)
        if group is None:
            name = (summary.journey_name or variant.of).rsplit(" [", 1)[0]
            group = groups[variant.of] = VariantGroup(variant.of, name, list(variant.values))
        own = sorted((f for f in result.findings if f.journey == summary.journey_id),
                     key=lambda f: (-severity_rank(f.severity), f.code))
        group.rows.append(VariantRow(
            anchor=anchors.get(summary.journey_id, ""),
            values=dict(variant.values),
            status=summary.status,
            status_label=STATUS_LABELS.get(summary.status, summary.status),
            findings=[{"code": f.code, "slug": f.slug, "severity": f.severity} for f in own],
            duration_ms=summary.duration_ms,
            duration=_seconds(summary.duration_ms),
        ))
    for group in groups.values():
        group.differs = _differences(group.rows)
    return list(groups.values())


def _differences(rows: list[VariantRow]) -> list[str]:
    differs = []
    if len({row.status for row in rows}) > 1:
        differs.append("outcome")
    if len({tuple(f["code"] for f in row.findings) for row in rows}) > 1:
        differs.append("findings")
    durations = [row.duration_ms for row in rows]
    if durations and min(durations) > 0 and max(durations) >= 2 * min(durations) and max(durations) - min(durations) >= 2000:
        differs.append("duration")  # twice as long, and two seconds or more: not noise
    return differs
