"""The HTML audit report: one self-contained file a product owner can read, mail or attach.

Everything the report shows that came from a shop's pages (messages, evidence,
titles, URLs, step names, error texts) is untrusted. It reaches the template as
plain ``str`` and is escaped by Jinja2's autoescaping; nothing here marks text
as safe. URLs are shown as text, never as links. Screenshots are embedded as
``data:`` URIs (or, in a large report, linked as files of traces/: screenshots.py)
and the page carries a Content-Security-Policy that forbids every other kind of
request, so the file works offline and never calls home.

The one script, ``report.js`` (filters and search), is a static file of this
package, allowed by the CSP through its SHA-256 hash: no inline event handlers,
no other script can run, page text never reaches it except as text.

Only this package imports Jinja2 (rules and the judge must not).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import functools
import gc
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from journeyaudit.facts import failure
from journeyaudit.history.store import atomic_write_text
from journeyaudit.model import (
    SEVERITIES,
    Evidence,
    Finding,
    Result,
    Run,
    RunSummary,
    StepRecord,
    severity_rank,
)
from journeyaudit.report.catalogue_view import catalogue_view  # issue #12: the crawl's catalogue
from journeyaudit.report.changes import comparison_views
from journeyaudit.report.emails import email_views  # issue #5
from journeyaudit.report.formats import (  # Jinja-free, shared with the CI formats
    dropped_lines,
    plural,
    rule_doc,
    verdict,
)
from journeyaudit.report.ledger_view import ledger_views
from journeyaudit.report.probes_view import probe_groups
from journeyaudit.report.rules_view import SEVERITY_LABELS, rule_rows
from journeyaudit.report.screenshots import EMBED_ALL_UP_TO, Shot, Shots, count_screenshots, important_steps
from journeyaudit.report.top_problems import top_problems
from journeyaudit.report.trends import Spark, finding_sparks, step_sparks
from journeyaudit.report.variants_view import variant_groups  # issue 11: devices and locales
from journeyaudit.report.views import EvidenceView, FindingView, JourneyView, StepView  # the view model
from journeyaudit.rules.registry import RuleInfo

__all__ = ["render_html", "write_html"]

TEMPLATE = "report.html"
SCRIPT = "report.js"

# Evidence kinds whose value is text taken from the page or the browser: shown in monospace.
MONOSPACE_KINDS = frozenset({"text", "request", "console", "error", "url", "field", "screenshot"})

RUN_STATUS_LABELS = {"passed": "Completed", "failed": "Failed", "error": "Could not run"}
STEP_STATUS_LABELS = {"passed": "Passed", "failed": "Failed", "skipped": "Not reached"}



# --------------------------------------------------------------------------
# Public interface
# --------------------------------------------------------------------------


def render_html(
    result: Result,
    runs: Mapping[str, Run],
    *,
    trace_root: Path | None,
    rules: Sequence[RuleInfo],
    catalogue: Mapping[str, Any] | None = None,  # a crawl's result data: the catalogue section
    report_dir: Path | None = None,  # the report's folder (screenshot links); trace_root by default
) -> str:
    """The report as one self-contained HTML document.

    ``runs`` maps journey id to its recorded run (a journey whose run errored
    may be missing). Screenshots are read from ``trace_root / summary.trace`` (none
    without it); a large report embeds only those that matter (screenshots.py).
    """
    with (
        _collector_paused(),
        Shots(trace_root, report_dir, embed_all=count_screenshots(runs.values()) <= EMBED_ALL_UP_TO) as shots,
    ):
        shots.prepare(_wanted_shots(result, runs, shots))  # made on the pool while the report is laid out
        return _render(result, runs, rules, catalogue, shots)


@contextlib.contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while the report is built, back as it was after.

    The views and the rendering make a few hundred thousand objects (500 journeys), and each few
    hundred of them start a collection: two or three of those walk the whole heap, which holds the
    audit's runs and pages, for about a third of the report's CPU time. They find nothing to free: a
    report's objects hold no cycles (gc.collect() after one finds no garbage), so memory is the same."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _render(
    result: Result,
    runs: Mapping[str, Run],
    rules: Sequence[RuleInfo],
    catalogue: Mapping[str, Any] | None,
    shots: Shots,
) -> str:
    rule_index = {info.code: info for info in rules}
    names = {summary.journey_id: summary.journey_name or summary.journey_id for summary in result.runs}
    steps_trend = step_sparks(result.trend) if len(result.trend) > 1 else {}
    by_journey = _findings_by_journey(result)
    journeys = [
        _journey_view(number, summary, runs.get(summary.journey_id), by_journey.get(summary.journey_id, []), rule_index,
                      shots, steps_trend)
        for number, summary in enumerate(result.runs, start=1)
    ]
    stray = [f for f in _worst_first(result.findings) if f.journey not in names]
    other_findings = [_finding_view(f"x-f{n}", f, rule_index, None, None, "", shots) for n, f in enumerate(stray, start=1)]
    status_counts = Counter(summary.status for summary in result.runs)
    counts = result.counts()
    failing = result.failing()
    not_run = [j for j in journeys if j.status == "error" or not j.recorded]
    context = {
        "audit": result.audit,
        "base_url": result.base_url,
        "verdict": verdict(result),
        "verdict_tone": _verdict_tone(result),
        "gate": _gate_text(result, len(failing)),
        "severities": [
            {"key": s, "label": SEVERITY_LABELS[s], "count": counts.get(s, 0)} for s in reversed(SEVERITIES)
        ],
        "findings_total": len(result.findings),
        "journeys_total": len(result.runs),
        "journeys_passed": status_counts.get("passed", 0),
        "journeys_failed": status_counts.get("failed", 0),
        "journeys_errored": status_counts.get("error", 0),
        "flaky": sum(1 for summary in result.runs if summary.flaky),
        "steps_total": sum(s.steps_total for s in result.runs),
        "steps_passed": sum(s.steps_passed for s in result.runs),
        "duration": format_duration(result.duration_ms),
        "date": format_date(result.started_at),
        "tool_version": result.tool_version or "unknown",
        "browser": result.browser or "unknown",
        "axe_version": result.axe_version,
        "fail_on": result.fail_on,
        "journeys": journeys,
        "top_problems": top_problems(journeys),  # the few that matter most (_top_problems.html)
        "other_findings": other_findings,
        "errors": list(result.errors),
        "not_run": not_run,
        "rule_rows": rule_rows(result, rule_index, names),
        "rule_errors": sum(1 for o in result.outcomes if o.status == "error"),
        "suppressed": sum(1 for f in result.findings if f.suppressed),
        "changes": comparison_views(
            result.comparisons,
            names,
            {j.id: j.anchor for j in journeys},
            {(j.id, key): anchor for j in journeys for key, anchor in _step_keys(j)},
        ),
        "finding_trends": finding_sparks(result.trend) if len(result.trend) > 1 else [],
        "trend_runs": len(result.trend),
        "filter_rules": sorted({(f.code, f.slug) for f in result.findings}),
        "filter_steps": sorted({f.step_name for f in result.findings if f.step_name}),
        "script": Markup(_script()),  # our own static file, never page text
        "csp": csp(),
        "ledgers": ledger_views(result, runs),  # the promise ledger tables (_ledger.html)
        "emails": email_views(result, runs),  # issue #5: templates/_emails.html
        "probes": probe_groups(result, journeys),
        "variants": variant_groups(result, journeys),  # templates/_variants.html
        "catalogue": catalogue_view(catalogue) if catalogue else None,  # templates/_catalogue.html
        "shots": shots,  # how many screenshots are embedded, how many linked
    }
    return _environment().get_template(TEMPLATE).render(context)


def _wanted_shots(result: Result, runs: Mapping[str, Run], shots: Shots):
    """(trace dir, name) of each screenshot the report will embed, in the order it shows them:
    its findings' evidence, then its steps' own (all of them, or the important ones: screenshots.py)."""
    by_journey = _findings_by_journey(result)
    for summary in result.runs:
        trace_dir = _trace_dir(shots.trace_root, summary)
        run = runs.get(summary.journey_id)
        if trace_dir is None:
            continue
        own = by_journey.get(summary.journey_id, [])
        for finding in own:
            for item in finding.evidence:
                if item.kind == "screenshot" and item.value:
                    yield trace_dir, item.value
        if run is not None:
            keep = None if shots.embed_all else important_steps(run, own)
            for step in run.steps:
                if step.status != "skipped" and step.screenshot and (keep is None or step.index in keep):
                    yield trace_dir, step.screenshot


def _findings_by_journey(result: Result) -> dict[str, list[Finding]]:
    """journey id -> its findings, in the result's order (once, not once per journey: 500 x 657 comparisons)."""
    by_journey: dict[str, list[Finding]] = {}
    for finding in result.findings:
        by_journey.setdefault(finding.journey, []).append(finding)
    return by_journey


def _script() -> str:
    env = _environment()
    return env.loader.get_source(env, SCRIPT)[0]  # type: ignore[union-attr]


def csp() -> str:
    """The report's Content-Security-Policy: nothing from the network, only our script (by hash)."""
    digest = base64.b64encode(hashlib.sha256(_script().encode("utf-8")).digest()).decode("ascii")
    return f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{digest}'"


def _step_keys(journey: JourneyView) -> list[tuple[str, str]]:
    """(step name as the history keys it, step anchor) for each step of a journey."""
    seen: dict[str, int] = {}
    keys = []
    for step in journey.steps:
        seen[step.name] = seen.get(step.name, 0) + 1
        name = step.name if seen[step.name] == 1 else f"{step.name} ({seen[step.name]})"
        keys.append((name, step.anchor))
    return keys


def write_html(
    result: Result,
    runs: Mapping[str, Run],
    path: Path,
    *,
    trace_root: Path | None,
    rules: Sequence[RuleInfo],
    catalogue: Mapping[str, Any] | None = None,
) -> Path:
    """Render and write the report atomically (temp file in the same folder, then replace)."""
    html = render_html(result, runs, trace_root=trace_root, rules=rules, catalogue=catalogue, report_dir=Path(path).parent)
    return atomic_write_text(Path(path), html)


# --------------------------------------------------------------------------
# Wording
# --------------------------------------------------------------------------


_plural = plural


def _verdict_tone(result: Result) -> str:
    if result.failing():
        return "bad"
    if result.findings or result.errors or any(s.status == "error" for s in result.runs):
        return "warn"
    return "good"


def _gate_text(result: Result, failing: int) -> str:
    if severity_rank(result.fail_on) < 0:
        return "The audit threshold is off (fail on: none), so findings do not fail the build."
    level = result.fail_on
    if failing:
        return (
            f"This audit fails its threshold: {_plural(failing, 'problem')} "
            f"at severity {level} or worse."
        )
    return f"This audit passes its threshold: nothing at severity {level} or worse."


def format_duration(ms: float | None) -> str:
    if ms is None:
        return ""
    ms = max(0.0, float(ms))
    if ms < 1000:
        return f"{ms:.0f} ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds} s"


def format_date(timestamp: float) -> str:
    if not timestamp:
        return "unknown"
    moment = dt.datetime.fromtimestamp(timestamp, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _doc_paragraphs(doc: str) -> list[str]:
    return [part.strip() for part in doc.split("\n\n") if part.strip()]


# --------------------------------------------------------------------------
# Building the view
# --------------------------------------------------------------------------


def _worst_first(findings: Sequence[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (-severity_rank(f.severity), f.step if f.step is not None else 10**9, f.code),
    )


def _trace_dir(trace_root: Path | None, summary: RunSummary) -> Path | None:
    if trace_root is None or not summary.trace:
        return None
    return Path(trace_root) / summary.trace


def _evidence_view(item: Evidence, trace_dir: Path | None, shots: Shots) -> EvidenceView:
    picture = None
    if item.kind == "screenshot" and item.value:
        candidate = shots.get(trace_dir, item.value, item.label)
        picture = candidate if candidate.src else None
    return EvidenceView(
        label=item.label,
        value=str(item.value),
        mono=item.kind in MONOSPACE_KINDS,
        step=item.step,
        shot=picture,
        collapsed=item.kind == "markup",
    )


def _finding_view(
    anchor: str,
    finding: Finding,
    rule_index: Mapping[str, RuleInfo],
    run: Run | None,
    trace_dir: Path | None,
    journey_anchor: str,
    shots: Shots,
) -> FindingView:
    info = rule_index.get(finding.code)
    step_name = finding.step_name
    if finding.step is not None and not step_name and run is not None:
        step_name = next((s.name for s in run.steps if s.index == finding.step), "")
    has_step = finding.step is not None and run is not None and any(s.index == finding.step for s in run.steps)
    severity = finding.severity if finding.severity in SEVERITIES else (info.severity if info else "low")
    return FindingView(
        anchor=anchor,
        code=finding.code,
        slug=finding.slug or (info.slug if info else ""),
        severity=severity,
        severity_label=SEVERITY_LABELS[severity],
        rule_title=info.title if info else "",
        step=finding.step,
        step_name=step_name,
        step_anchor=f"{journey_anchor}-s{finding.step}" if has_step else "",
        message=finding.message,
        confidence=finding.confidence,
        evidence=[_evidence_view(item, trace_dir, shots) for item in finding.evidence],
        rule_doc=_doc_paragraphs(rule_doc(info)) if info else [],
        journey=finding.journey,
        suppressed=finding.suppressed,
    )


def _step_view(anchor: str, step: StepRecord, scale: float, trace_dir: Path | None, shots: Shots, embed: bool,
               base_url: str = "") -> StepView:
    duration = max(0.0, float(step.duration_ms or 0.0))
    budget = step.budget_ms
    ran = step.status != "skipped"
    reason = failure.customer_reason(step, base_url)
    return StepView(
        anchor=f"{anchor}-s{step.index}",
        index=step.index,
        name=step.name,
        role=step.role,
        status=step.status if step.status in STEP_STATUS_LABELS else "failed",
        status_label=STEP_STATUS_LABELS.get(step.status, step.status),
        error=reason,
        error_raw=step.error if step.error and step.error != reason else "",
        url=step.url,
        title=step.title,
        http_status=step.http_status,
        duration=format_duration(duration) if ran else "",
        budget=format_duration(budget) if budget else "",
        over_budget=bool(budget) and duration > (budget or 0),
        bar_pct=round(min(100.0, 100.0 * duration / scale), 1) if ran and scale else 0.0,
        budget_pct=round(min(100.0, 100.0 * budget / scale), 1) if budget and scale else None,
        shot=shots.get(trace_dir, step.screenshot, f"Screenshot of step {step.index}", embed=embed) if ran else Shot(note=""),
        dropped=dropped_lines(step),
    )


def _journey_view(
    number: int,
    summary: RunSummary,
    run: Run | None,
    findings_of_journey: Sequence[Finding],
    rule_index: Mapping[str, RuleInfo],
    shots: Shots,
    steps_trend: Mapping[str, Spark] | None = None,
) -> JourneyView:
    anchor = f"j{number}"
    trace_dir = _trace_dir(shots.trace_root, summary)
    own = _worst_first(findings_of_journey)
    findings = [
        _finding_view(f"{anchor}-f{n}", f, rule_index, run, trace_dir, anchor, shots) for n, f in enumerate(own, start=1)
    ]
    steps: list[StepView] = []
    if run is not None:
        scale = max([max(s.duration_ms or 0.0, s.budget_ms or 0) for s in run.steps] or [0.0])
        keep = important_steps(run, own)
        steps = [_step_view(anchor, s, scale, trace_dir, shots, s.index in keep, run.base_url) for s in run.steps]
        by_index = {s.index: s for s in steps}
        for view in findings:
            if view.step is not None and view.step in by_index:
                by_index[view.step].findings.append(view)
            for item in view.evidence:  # the step shows this screenshot already: embedded once, pointed at here
                if item.shot and item.step in by_index and by_index[item.step].shot.src == item.shot.src:
                    item.shot = Shot(note="", alt=item.shot.alt, href=item.shot.href, same_as=by_index[item.step].anchor)
    placed = {id(view) for s in steps for view in s.findings}
    error = summary.error or (run.error if run is not None else None) or ""
    if run is None and not error:
        error = "No recording of this journey is available."
    status = summary.status if summary.status in RUN_STATUS_LABELS else "error"
    journey = JourneyView(
        anchor=anchor,
        id=summary.journey_id,
        name=summary.journey_name or summary.journey_id,
        path=summary.journey_path,
        status=status,
        status_label=RUN_STATUS_LABELS.get(summary.status, summary.status),
        error=error,
        recorded=run is not None,
        steps_total=summary.steps_total,
        steps_passed=summary.steps_passed,
        duration=format_duration(summary.duration_ms),
        steps=steps,
        findings=findings,
        worst=findings[0].severity if findings else "",
        loose_findings=[view for view in findings if id(view) not in placed],
        summary=summary,
        playwright_trace=summary.playwright_trace,
        playwright_trace_note=summary.playwright_trace_note,
    )
    if steps_trend:
        for (key, _), step in zip(_step_keys(journey), journey.steps):
            step.trend = steps_trend.get(f"{summary.journey_id}/{key}")
    return journey


@functools.lru_cache(maxsize=1)
def _environment() -> Environment:
    # autoescape=True for every template, whatever its name; StrictUndefined so a
    # typo in a template fails the tests instead of silently rendering nothing.
    env = Environment(
        loader=PackageLoader("journeyaudit.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the templates are package files: no stat per {% include %} (500 journeys: 0.3 s)
    )
    env.filters["plural"] = _plural
    return env
