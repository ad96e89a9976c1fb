"""GitLab Code Quality report (``gl-code-quality-report.json``).

A JSON array with one issue per finding, in the subset of the Code Climate
format that GitLab reads (docs: "Code Quality report format"):

* ``description``: the finding's message (suppressed ones say so);
* ``check_name``: ``JA301 unannounced-stock-out``;
* ``fingerprint``: the finding's fingerprint as the run history and baselines
  know it (history/fingerprint.py; GitLab shows findings with the same
  fingerprint once, and compares them between branches by it);
* ``severity``: low -> minor, medium -> major, high -> critical,
  critical -> blocker;
* ``location.path``: the journey YAML file relative to the repository, and
  ``location.lines.begin``: the step's line.

``type`` and ``content.body`` (the evidence, Markdown) are optional Code
Climate fields that GitLab ignores and other readers show. Standard library
only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from journeyaudit.history.fingerprint import fingerprint_of
from journeyaudit.history.store import atomic_write_text
from journeyaudit.model import Finding, Result, Run
from journeyaudit.report import formats
from journeyaudit.rules.registry import RuleInfo

FILE_NAME = "gl-code-quality-report.json"
SEVERITIES = {"low": "minor", "medium": "major", "high": "critical", "critical": "blocker"}
UNKNOWN_PATH = "journeys"  # location.path is required; a finding whose journey file is unknown points here


def severity(value: str) -> str:
    return SEVERITIES.get(value, "info")


def _issue(finding: Finding, result: Result, runs: Mapping[str, Run], root: Path) -> dict[str, Any]:
    description = " ".join(finding.message.split()) or formats.finding_title(finding)
    if finding.suppressed:
        description += " (suppressed: known in the baseline)"
    path = formats.relative_path(formats.journey_path(result, runs, finding.journey), root) or UNKNOWN_PATH
    issue: dict[str, Any] = {
        "type": "issue",
        "description": description,
        "check_name": formats.finding_title(finding) or "journeyaudit",
        "fingerprint": fingerprint_of(finding),
        "severity": severity(finding.severity),
        "location": {"path": path, "lines": {"begin": formats.step_line(runs, finding)}},
    }
    body = []
    if finding.step is not None:
        body.append(f"Journey `{finding.journey}`, step {finding.step} '{finding.step_name}'.")
    else:
        body.append(f"Journey `{finding.journey}`.")
    evidence = formats.evidence_lines(finding)
    if evidence:
        body.append("")
        body.extend(f"- {line}" for line in evidence)
    issue["content"] = {"body": "\n".join(body)}
    return issue


def build_gitlab(result: Result, runs: Mapping[str, Run], *, rules: Sequence[RuleInfo], root: Path) -> list[dict[str, Any]]:
    return [_issue(finding, result, runs, Path(root)) for finding in formats.worst_first(result)]


def write_gitlab(
    result: Result,
    runs: Mapping[str, Run],
    out_dir: Path,
    *,
    rules: Sequence[RuleInfo],
    root: Path,
) -> list[Path]:
    issues = build_gitlab(result, runs, rules=rules, root=root)
    # No byte order mark: GitLab's parser refuses one.
    text = json.dumps(issues, indent=2, ensure_ascii=False) + "\n"
    return [atomic_write_text(Path(out_dir) / FILE_NAME, text)]
