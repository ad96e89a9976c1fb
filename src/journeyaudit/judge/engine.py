"""Judge recorded runs: apply the selected rules, with their options, as pure functions.

A rule that does not apply to a run (none of its roles was recorded) is
``not_applicable``; a rule missing an input it needs (mail capture,
accessibility results) is ``not_checked``, with the reason; a rule that raises is an ``error`` outcome, never a crash of
the audit. A run the tool could not record at all is ``skipped`` by every rule.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from journeyaudit.facts import computed
from journeyaudit.model import SEVERITIES, Evidence, Finding, RuleOutcome, Run
from journeyaudit.rules.registry import RuleInfo, all_rules, extended_option, get_rule, merge_options


@dataclass
class RuleSettings:
    """What an audit says about rules: which run, how severe, with which options."""

    select: list[str] = field(default_factory=list)  # codes, code prefixes (JA5) or slugs; empty = all
    ignore: list[str] = field(default_factory=list)
    severity: dict[str, str] = field(default_factory=dict)  # code -> severity override
    options: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> option overrides
    evidence_chars: int = 2000  # each piece of a finding's evidence is cut to this many characters


MAX_EVIDENCE = 50  # pieces of evidence per finding; the rest are counted in one last piece


def cap_evidence(finding: Finding, max_chars: int) -> None:
    """Bound what a rule may put in a finding: each value cut to ``max_chars``, at most MAX_EVIDENCE pieces."""
    if len(finding.evidence) > MAX_EVIDENCE:
        left = len(finding.evidence) - (MAX_EVIDENCE - 1)
        finding.evidence = finding.evidence[: MAX_EVIDENCE - 1]
        finding.evidence.append(Evidence("text", "Evidence not kept", f"{left:,} more pieces of evidence not kept"))
    for item in finding.evidence:
        if isinstance(item.value, str) and len(item.value) > max_chars:
            cut = len(item.value) - max_chars
            item.value = f"{item.value[:max_chars]}… ({cut:,} more characters not kept)"
        item.label = item.label[:max_chars]


def matches(info: RuleInfo, patterns: Iterable[str]) -> bool:
    """True when a code, a code prefix (``JA5``, ``ALL``) or the slug names this rule."""
    for pattern in patterns:
        pattern = pattern.strip()
        if pattern.upper() == "ALL" or info.code.startswith(pattern.upper()) or info.slug == pattern.lower():
            return True
    return False


def selected_rules(settings: RuleSettings) -> list[RuleInfo]:
    rules = all_rules()
    if settings.select:
        rules = [info for info in rules if matches(info, settings.select)]
    return [info for info in rules if not matches(info, settings.ignore)]


def unknown_patterns(patterns: Iterable[str]) -> list[str]:
    """Patterns in select/ignore that name no rule: a configuration mistake."""
    rules = all_rules()
    return [p for p in patterns if not any(matches(info, [p]) for info in rules)]


def rule_options(info: RuleInfo, settings: RuleSettings) -> dict[str, Any]:
    """Defaults < profile, for one rule; ``extra_<list option>`` extends the list instead of replacing it."""
    return merge_options(info.options, settings.options.get(info.code, {}))


def option_errors(settings: RuleSettings) -> list[str]:
    """Messages for options or severities that name no rule or no option of it."""
    errors = []
    for code, overrides in settings.options.items():
        info = get_rule(code)
        if info is None:
            errors.append(f"rules.options: no rule {code!r}")
            continue
        for key in overrides:
            if key not in info.options and extended_option(key, info.options) is None:
                known = ", ".join(sorted(info.options)) or "none"
                errors.append(f"rules.options.{code}: {info.code} has no option {key!r} (options: {known})")
    for code, severity in settings.severity.items():
        if get_rule(code) is None:
            errors.append(f"rules.severity: no rule {code!r}")
        elif severity not in SEVERITIES:
            errors.append(f"rules.severity.{code}: {severity!r} is not one of {', '.join(SEVERITIES)}")
    return errors


def judge_run(run: Run, rules: list[RuleInfo], settings: RuleSettings) -> tuple[list[Finding], list[RuleOutcome]]:
    """Every rule over one run; what they compute from the run (pages, ledger) is computed once."""
    with computed.judging(run):
        return _judge_rules(run, rules, settings)


def _judge_rules(run: Run, rules: list[RuleInfo], settings: RuleSettings) -> tuple[list[Finding], list[RuleOutcome]]:
    findings: list[Finding] = []
    outcomes: list[RuleOutcome] = []
    for info in rules:
        if run.status == "error":
            outcomes.append(RuleOutcome(info.code, run.journey_id, "skipped", "the journey could not be recorded"))
            continue
        if not info.applies_to(run):
            roles = ", ".join(sorted(info.roles))
            outcomes.append(RuleOutcome(info.code, run.journey_id, "not_applicable", f"needs a step with role {roles}"))
            continue
        missing = info.missing(run)
        if missing:  # judging without its input, the rule could only say "passed"
            outcomes.append(RuleOutcome(info.code, run.journey_id, "not_checked", missing))
            continue
        try:
            produced = list(info.function(run, _with_probe_options(run, info, rule_options(info, settings))))
        except Exception as exc:  # a broken rule is an outcome, not a crash
            where = traceback.extract_tb(exc.__traceback__)[-1]
            detail = f"{type(exc).__name__}: {exc} ({where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
            outcomes.append(RuleOutcome(info.code, run.journey_id, "error", detail))
            continue
        severity = settings.severity.get(info.code)
        for finding in produced:
            finding.code, finding.slug, finding.journey = info.code, info.slug, run.journey_id
            finding.severity = severity or finding.severity or info.severity
            if finding.step is not None and not finding.step_name:
                finding.step_name = next((s.name for s in run.steps if s.index == finding.step), "")
            cap_evidence(finding, getattr(settings, "evidence_chars", 2000))
            findings.append(finding)
        status = "failed" if produced else "passed"
        outcomes.append(RuleOutcome(info.code, run.journey_id, status, f"{len(produced)} finding(s)" if produced else ""))
    return findings, outcomes


def _with_probe_options(run: Run, info: RuleInfo, options: dict[str, Any]) -> dict[str, Any]:
    """A probe variant tells the rules what it caused itself (e.g. JA502: the request it failed).

    Lists are extended, other values replaced: the profile's own settings still count.
    """
    extra = (run.probe.rule_options if run.probe else {}).get(info.code) or {}
    merged = dict(options)
    for key, value in extra.items():
        if key in merged and isinstance(merged[key], list) and isinstance(value, list):
            merged[key] = [*merged[key], *value]
        elif key in info.options:
            merged[key] = value
    return merged


def judge(runs: Iterable[Run], settings: RuleSettings | None = None) -> tuple[list[Finding], list[RuleOutcome]]:
    """Every selected rule over every run. Pure: same runs and settings, same answer."""
    settings = settings or RuleSettings()
    rules = selected_rules(settings)
    findings: list[Finding] = []
    outcomes: list[RuleOutcome] = []
    for run in runs:
        run_findings, run_outcomes = judge_run(run, rules, settings)
        findings.extend(run_findings)
        outcomes.extend(run_outcomes)
    return findings, outcomes


def options_for(code: str, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A rule's options as a test or a caller would pass them: defaults < overrides."""
    info = get_rule(code)
    if info is None:
        raise KeyError(code)
    return merge_options(info.options, overrides)
