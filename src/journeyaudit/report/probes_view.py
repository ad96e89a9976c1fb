"""The report's "Probes" table: each happy path with the variants generated from it.

View-building only (no Jinja2 here): plain dataclasses the ``_probes.html`` include
renders, autoescaped like everything else. Page-derived text (what the shop told the
customer) reaches the template as plain strings, never marked safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from journeyaudit.model import Result, severity_rank

KIND_LABELS = {"decline_card": "Decline card", "invalid_input": "Bad input", "fault": "Failing request"}

#: how each verdict reads, and whether it is good news for the customer
VERDICTS = {
    "refused-promptly": ("Refused where it was typed", "good"),
    "refused-late": ("Refused late", "bad"),
    "not-refused": ("Not refused", "bad"),
    "told": ("Customer told", "warn"),
    "not-told": ("Customer told nothing", "bad"),
    "waited": ("Customer waited", "warn"),
    "not-hit": ("Request never made", "warn"),
    "blocked": ("Did not get there", "bad"),
    "not-run": ("Could not run", "bad"),
}


@dataclass
class ProbeRow:
    anchor: str  # the variant's journey card in the report
    kind: str
    label: str
    changes: list[str]
    verdict: str
    tone: str  # good | warn | bad
    summary: str
    findings: list[dict[str, str]] = field(default_factory=list)  # code, slug, severity
    note: str = ""  # the altered field does not look like the one meant


@dataclass
class ProbeGroup:
    name: str  # the happy path's name
    anchor: str
    rows: list[ProbeRow] = field(default_factory=list)


def probe_groups(result: Result, journeys: Sequence[Any]) -> list[ProbeGroup]:
    """Happy paths that have probes, in report order, each with its variants' rows."""
    anchors = {j.id: j.anchor for j in journeys}
    names = {s.journey_id: s.journey_name or s.journey_id for s in result.runs}
    groups: dict[str, ProbeGroup] = {}
    for summary in result.runs:
        info = summary.probe
        if info is None:
            continue
        group = groups.get(info.of)
        if group is None:
            group = groups[info.of] = ProbeGroup(names.get(info.of, info.of), anchors.get(info.of, ""))
        outcome = summary.probe_outcome
        verdict, tone = VERDICTS.get(outcome.verdict, (outcome.verdict, "warn")) if outcome else ("Not judged", "warn")
        own = sorted(
            (f for f in result.findings if f.journey == summary.journey_id),
            key=lambda f: (-severity_rank(f.severity), f.code),
        )
        group.rows.append(
            ProbeRow(
                anchor=anchors.get(summary.journey_id, ""),
                kind=KIND_LABELS.get(info.kind, info.kind),
                label=info.label,
                changes=list(info.changes),
                verdict=verdict,
                tone=tone,
                summary=outcome.summary if outcome else "",
                findings=[{"code": f.code, "slug": f.slug, "severity": f.severity} for f in own],
                note=outcome.note if outcome else "",
            )
        )
    return list(groups.values())
