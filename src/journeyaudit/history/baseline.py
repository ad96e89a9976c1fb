"""Baselines: known findings that no longer fail the audit, still counted and listed.

``journeyaudit baseline create`` writes ``.journeyaudit-baseline.json`` from a
result; ``--baseline FILE`` marks the findings it knows (by fingerprint) as
``suppressed``: :meth:`Result.failing` ignores them, the reports list them as
suppressed. The file is meant to be committed and reviewed, so each entry carries
the code, journey, step and message for people, sorted so that diffs stay small::

    {
      "schema_version": 1,
      "tool": "journeyaudit",
      "created": "2026-11-22T10:00:00Z",
      "audit": "demo",
      "findings": [
        {"fingerprint": "01a20eee8de0cc18", "code": "JA201", "severity": "high",
         "journey": "late-fee", "step": "Review order", "message": "A 'Service fee' ..."}
      ]
    }
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeyaudit.history.fingerprint import assign, judged_in
from journeyaudit.history.store import write_json
from journeyaudit.model import Comparison, FindingChange, Result, severity_rank

BASELINE_FILE = ".journeyaudit-baseline.json"
BASELINE_SCHEMA_VERSION = 1


class BaselineError(Exception):
    """A baseline file is missing, unreadable or not a baseline."""


@dataclass
class BaselineEntry:
    fingerprint: str
    code: str = ""
    severity: str = ""
    journey: str = ""
    step: str = ""
    message: str = ""


@dataclass
class Baseline:
    path: Path
    audit: str = ""
    created: str = ""  # ISO 8601, UTC
    schema_version: int = BASELINE_SCHEMA_VERSION
    entries: list[BaselineEntry] = field(default_factory=list)

    @property
    def fingerprints(self) -> set[str]:
        return {entry.fingerprint for entry in self.entries}

    def label(self) -> str:
        """How a comparison names it: ``baseline .journeyaudit-baseline.json (2026-11-22)``."""
        created = f" ({self.created[:10]})" if self.created else ""
        return f"baseline {self.path.name}{created}"


def _file(path: Path | str) -> Path:
    path = Path(path)
    return path / BASELINE_FILE if path.is_dir() else path


def create(result: Result, path: Path | str) -> int:
    """Write a baseline of every finding in ``result`` (suppressed ones too) to
    ``path`` (a file, or a folder to hold ``.journeyaudit-baseline.json``).
    Returns how many distinct findings it holds."""
    target = _file(path)
    assign(result.findings, overwrite=False)
    entries: dict[str, dict[str, Any]] = {}
    for f in result.findings:
        entries.setdefault(
            f.fingerprint,
            {
                "fingerprint": f.fingerprint,
                "code": f.code,
                "severity": f.severity,
                "journey": f.journey,
                "step": f.step_name,
                "message": f.message,
            },
        )
    ordered = sorted(entries.values(), key=lambda e: (e["journey"], e["code"], e["step"], e["fingerprint"]))
    data = {
        "schema_version": BASELINE_SCHEMA_VERSION,
        "tool": "journeyaudit",
        "created": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "audit": result.audit,
        "findings": ordered,
    }
    try:
        write_json(target, data)
    except OSError as exc:
        raise BaselineError(f"{target}: cannot write the baseline: {exc.strerror or exc}") from exc
    return len(ordered)


def load(path: Path | str) -> Baseline:
    """Read a baseline file (or the one in a folder); a clear error naming the file otherwise."""
    target = _file(path)
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BaselineError(f"{target}: no baseline file here (create one with `journeyaudit baseline create`)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{target}: cannot read the baseline: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{target}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{target}: not a journeyaudit baseline (no 'findings' list)")
    version = data.get("schema_version", BASELINE_SCHEMA_VERSION)
    if not isinstance(version, int) or version > BASELINE_SCHEMA_VERSION:
        raise BaselineError(
            f"{target}: baseline schema version {version!r} is newer than this journeyaudit understands "
            f"({BASELINE_SCHEMA_VERSION}); upgrade journeyaudit"
        )
    entries = []
    for position, item in enumerate(data["findings"]):
        if not isinstance(item, dict) or not isinstance(item.get("fingerprint"), str) or not item["fingerprint"]:
            raise BaselineError(f"{target}: findings[{position}] has no fingerprint")
        entries.append(
            BaselineEntry(
                fingerprint=item["fingerprint"],
                code=str(item.get("code", "")),
                severity=str(item.get("severity", "")),
                journey=str(item.get("journey", "")),
                step=str(item.get("step", "")),
                message=str(item.get("message", "")),
            )
        )
    return Baseline(
        path=target,
        audit=str(data.get("audit", "")),
        created=str(data.get("created", "")),
        schema_version=version,
        entries=entries,
    )


def apply(result: Result, baseline: Baseline) -> Comparison:
    """Suppress the findings the baseline knows and say what changed against it.

    new: findings not in the baseline (these still fail the audit); still_open:
    findings in both (now ``suppressed``); fixed: baseline entries no finding matches,
    among the rules and journeys this result checked.
    """
    assign(result.findings, overwrite=False)
    known = baseline.fingerprints
    for finding in result.findings:
        if finding.fingerprint in known:
            finding.suppressed = True
    current_prints = {f.fingerprint for f in result.findings}
    changes = [
        FindingChange(f.fingerprint, f.code, f.journey, f.step_name, f.severity, f.message,
                      "still_open" if f.fingerprint in known else "new")
        for f in result.findings
    ]
    changes += [
        FindingChange(e.fingerprint, e.code, e.journey, e.step, e.severity, e.message, "fixed")
        for e in filter(judged_in(result), baseline.entries)
        if e.fingerprint not in current_prints
    ]
    order = {"new": 0, "fixed": 1, "still_open": 2}
    changes.sort(key=lambda c: (order[c.status], -severity_rank(c.severity), c.journey, c.code))
    return Comparison(against=baseline.label(), changes=changes)

