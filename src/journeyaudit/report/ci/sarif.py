"""SARIF 2.1.0 (``journeyaudit.sarif``) for code scanning and other SARIF readers.

* ``tool.driver``: name ``journeyaudit``, its version, and every rule of the
  audit (``id`` = code, ``name`` = slug, ``shortDescription`` = title,
  ``fullDescription`` = the first paragraph of its documentation, ``help`` =
  the whole documentation, ``defaultConfiguration.level`` from its severity).
* one result per finding: ``ruleId``/``ruleIndex``, ``level`` from the
  finding's severity (critical/high -> error, medium -> warning, low -> note),
  the message and its evidence, a location in the journey YAML file (relative
  to ``%SRCROOT%``, the repository) at the step's line, ``partialFingerprints``
  with the finding's fingerprint (the history's, history/fingerprint.py), and ``properties`` with journey, step,
  severity, confidence, suppressed and whether it fails the audit. A finding
  known in the baseline carries an external ``suppressions`` entry.
* journeys that could not run and errors of the audit become
  ``toolExecutionNotifications`` of the invocation.

Standard library only.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from journeyaudit import __version__
from journeyaudit.history.fingerprint import fingerprint_of
from journeyaudit.history.store import atomic_write_text
from journeyaudit.model import Finding, Result, Run
from journeyaudit.report import formats
from journeyaudit.rules.registry import RuleInfo

FILE_NAME = "journeyaudit.sarif"
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "journeyauditFingerprint/v1"

LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}


def level(severity: str) -> str:
    return LEVELS.get(severity, "warning")


def uri(path: str) -> str:
    """A relative path as a URI reference (spaces and the like percent-encoded, slashes kept)."""
    return urllib.parse.quote(path, safe="/")


def _utc(unix: float) -> str | None:
    if not unix:
        return None
    moment = dt.datetime.fromtimestamp(unix, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    doc = formats.rule_doc(info).strip()
    descriptor: dict[str, Any] = {
        "id": info.code,
        "name": info.slug,
        "shortDescription": {"text": info.title or info.slug},
        "fullDescription": {"text": formats.rule_summary(info) or info.title or info.slug},
        "defaultConfiguration": {"level": level(info.severity)},
        "properties": {"severity": info.severity, "tags": ["journeyaudit", "customer-journey"]},
    }
    if doc:
        descriptor["help"] = {
            "text": f"{doc}\n\nMore: journeyaudit rules {info.code}",
            "markdown": f"**{info.code} {info.slug}**: {info.title}\n\n{doc}\n\nMore: `journeyaudit rules {info.code}`",
        }
    if info.roles:
        descriptor["properties"]["roles"] = sorted(info.roles)
    return descriptor


def _message(finding: Finding) -> str:
    text = finding.message.strip() or f"{finding.code} {finding.slug}"
    evidence = formats.evidence_lines(finding)
    if evidence:
        text += "\n\nEvidence:\n" + "\n".join(f"- {line}" for line in evidence)
    return text


def _result(
    finding: Finding,
    result: Result,
    runs: Mapping[str, Run],
    rule_positions: Mapping[str, int],
    root: Path,
) -> dict[str, Any]:
    item: dict[str, Any] = {"ruleId": finding.code or "JA000"}
    if finding.code in rule_positions:
        item["ruleIndex"] = rule_positions[finding.code]
    item["level"] = level(finding.severity)
    item["message"] = {"text": _message(finding)}
    path = formats.relative_path(formats.journey_path(result, runs, finding.journey), root)
    location: dict[str, Any] = {}
    if path:
        location["physicalLocation"] = {
            "artifactLocation": {"uri": uri(path), "uriBaseId": SRCROOT},
            "region": {"startLine": formats.step_line(runs, finding)},
        }
    logical_name = finding.step_name or (f"step {finding.step}" if finding.step is not None else "journey")
    location["logicalLocations"] = [
        {"name": logical_name, "fullyQualifiedName": f"{finding.journey}/{logical_name}"}
    ]
    item["locations"] = [location]
    item["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint_of(finding)}
    if finding.suppressed:
        item["suppressions"] = [{"kind": "external", "justification": "known in the baseline"}]
    properties: dict[str, Any] = {
        "journey": finding.journey,
        "step": finding.step,
        "stepName": finding.step_name,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "suppressed": finding.suppressed,
        "failsAudit": formats.fails(result, finding),
    }
    if finding.evidence:
        properties["evidence"] = [
            {"kind": e.kind, "label": e.label, "value": e.value, **({"step": e.step} if e.step is not None else {})}
            for e in finding.evidence
        ]
    item["properties"] = properties
    return item


def _notifications(result: Result, runs: Mapping[str, Run], root: Path) -> list[dict[str, Any]]:
    notes: list[dict[str, Any]] = []
    for summary in result.runs:
        run = runs.get(summary.journey_id)
        status = run.status if run is not None else summary.status
        if status != "error":
            continue
        reason = (run.error if run is not None else summary.error) or "the journey could not be run"
        note: dict[str, Any] = {
            "level": "error",
            "message": {"text": f"Journey '{summary.journey_id}' could not be run: {reason}"},
            "descriptor": {"id": "journey-error"},
        }
        path = formats.relative_path(formats.journey_path(result, runs, summary.journey_id), root)
        if path:
            note["locations"] = [
                {"physicalLocation": {"artifactLocation": {"uri": uri(path), "uriBaseId": SRCROOT}, "region": {"startLine": 1}}}
            ]
        notes.append(note)
    for error in result.errors:
        notes.append({"level": "error", "message": {"text": error or "audit error"}, "descriptor": {"id": "audit-error"}})
    return notes


def build_sarif(result: Result, runs: Mapping[str, Run], *, rules: Sequence[RuleInfo], root: Path) -> dict[str, Any]:
    """The SARIF log as JSON-ready data."""
    root = Path(root)
    descriptors = [_rule_descriptor(info) for info in rules]
    rule_positions = {info.code: n for n, info in enumerate(rules)}
    # A finding from a rule the caller did not list still gets its rule described.
    for finding in result.findings:
        if finding.code and finding.code not in rule_positions:
            rule_positions[finding.code] = len(descriptors)
            descriptors.append(
                {
                    "id": finding.code,
                    "name": finding.slug or finding.code,
                    "shortDescription": {"text": finding.slug or finding.code},
                    "defaultConfiguration": {"level": level(finding.severity)},
                }
            )
    driver: dict[str, Any] = {
        "name": "journeyaudit",
        "version": result.tool_version or __version__,
        "rules": descriptors,
    }
    version = result.tool_version or __version__
    if version and all(part.isdigit() for part in version.split(".")[:3]) and version.count(".") >= 2:
        driver["semanticVersion"] = version

    invocation: dict[str, Any] = {
        "executionSuccessful": not result.errors and not any(s.status == "error" for s in result.runs),
    }
    start, end = _utc(result.started_at), _utc(result.started_at + (result.duration_ms or 0) / 1000)
    if start:
        invocation["startTimeUtc"] = start
        invocation["endTimeUtc"] = end
    notifications = _notifications(result, runs, root)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications

    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"journeyaudit/{result.audit or 'audit'}/"},
        "invocations": [invocation],
        "originalUriBaseIds": {SRCROOT: {"uri": root.resolve().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": [_result(f, result, runs, rule_positions, root) for f in formats.worst_first(result)],
        "properties": {
            "audit": result.audit,
            "baseUrl": result.base_url,
            "failOn": result.fail_on,
            "verdict": formats.verdict(result),
            "failing": len(result.failing()),
            "browser": result.browser,
        },
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render_sarif(result: Result, runs: Mapping[str, Run], *, rules: Sequence[RuleInfo], root: Path) -> str:
    return json.dumps(build_sarif(result, runs, rules=rules, root=root), indent=2, ensure_ascii=False) + "\n"


def write_sarif(
    result: Result,
    runs: Mapping[str, Run],
    out_dir: Path,
    *,
    rules: Sequence[RuleInfo],
    root: Path,
) -> list[Path]:
    text = render_sarif(result, runs, rules=rules, root=root)
    return [atomic_write_text(Path(out_dir) / FILE_NAME, text)]
