"""JA502's scripts from other sites (a CDN copy of jQuery, a widget), judged by what their failure broke.

A script from another site that fails to load is reported once per address, with the step where
it first failed and how many more steps it failed on. Its weight is what it broke for the customer:

- low: nothing on the page visibly broke (no uncaught exception on the steps where it failed);
- medium: the page's scripts then crashed (``$ is not defined``) but the customer went on past
  that page: what broke was not something they used;
- high: the page's scripts crashed as they do when a library is missing (``X is not defined``,
  ``... is not a function``) and the customer was stopped on that page: the step that loaded it
  failed, or the next step failed without leaving the page (the button the customer pressed
  there did nothing).

Payment providers' scripts are JA505's, not reported here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urldefrag

from journeyaudit.model import Evidence, Finding, NetworkEntry, PageError, Run, StepRecord


def failed_scripts(run: Run, options: Mapping[str, Any], ignored: list[str],
                   payment_patterns: list[str]) -> Iterator[Finding]:
    """One finding per failed third-party address (``third_party_types``, default script)."""
    types = set(options.get("third_party_types") or ())
    seen: dict[str, list[tuple[StepRecord, NetworkEntry]]] = {}
    for step in run.steps:
        for entry in step.network:
            if (not entry.same_origin and entry.resource_type in types
                    and _outcome(entry, options["min_status"])
                    and not _matches(entry.url, ignored) and not _matches(entry.url, payment_patterns)):
                seen.setdefault(entry.url, []).append((step, entry))
    for url, hits in seen.items():
        yield _finding(run, url, hits, options["min_status"])


def _finding(run: Run, url: str, hits: list[tuple[StepRecord, NetworkEntry]], min_status: int) -> Finding:
    step, entry = hits[0]
    outcome = _outcome(entry, min_status)
    steps = list(dict.fromkeys(s.index for s, _ in hits))
    crashes: list[PageError] = [e for s, _ in hits for e in s.page_errors]
    missed = [e for e in crashes if _MISSING.search(e.message)]
    stopped = next((s for s in (_stopped_on(run, hit) for hit, _ in hits) if s is not None), None) if missed else None
    if not crashes:
        severity, broke = "low", "; nothing on the page visibly broke"
    elif stopped is not None:
        severity = "high"
        broke = (f"; the page's scripts then crashed: {missed[0].message[:120]}, "
                 f"and the customer could not get past {stopped.label} on that page")
    else:
        severity = "medium"
        broke = (f"; the page's scripts then crashed: {crashes[0].message[:120]}, "
                 "but the customer went on: nothing they used broke")
    also = f" (also on {len(steps) - 1} more step{'s' if len(steps) > 2 else ''})" if len(steps) > 1 else ""
    evidence = [Evidence("request", f"{entry.resource_type} from another site", f"{entry.method} {url} -> {outcome}", step.index)]
    evidence += [Evidence("error", "Uncaught exception after it", e.message, step.index) for e in crashes[:2]]
    if stopped is not None and crashes:
        evidence.append(Evidence("text", f"Why {stopped.label} failed", stopped.error or "the step failed", stopped.index))
    return Finding(
        step=step.index,
        severity=severity,
        message=f"At {step.label} the page's {entry.resource_type} from another site {outcome}: {url}{broke}{also}.",
        evidence=evidence,
    )


#: What a page's script says when a library it expected is missing: the crash the failed script explains.
_MISSING = re.compile(r"\bis not defined\b|\bis not a (function|constructor)\b|of undefined \(reading", re.I)


def explained_crashes(step: StepRecord, payment_patterns: list[str], min_status: int = 400) -> set[str]:
    """The step's crashes that a failed script from another site explains (JA503 leaves them to JA502)."""
    failed = any(not e.same_origin and e.resource_type == "script" and _outcome(e, min_status)
                 and not _matches(e.url, payment_patterns) for e in step.network)
    return {e.message for e in step.page_errors if _MISSING.search(e.message)} if failed else set()


def _stopped_on(run: Run, step: StepRecord) -> StepRecord | None:
    """The failed step that kept the customer on the page this step loaded, if any."""
    if step.status == "failed":
        return step
    later = [s for s in run.reached() if s.index > step.index]
    if later and later[0].status == "failed" and _page(later[0].url) == _page(step.url):
        return later[0]
    return None


def _page(url: str) -> str:
    return urldefrag(url or "")[0].rstrip("/")


def _outcome(entry: NetworkEntry, min_status: int) -> str:
    if entry.status is not None and entry.status >= min_status:
        return f"answered {entry.status}"
    if entry.failure and "ERR_ABORTED" not in entry.failure:
        return f"failed ({entry.failure})"
    return ""


def _matches(url: str, patterns: list[str]) -> bool:
    return any(re.search(pattern, url, re.IGNORECASE) for pattern in patterns)
