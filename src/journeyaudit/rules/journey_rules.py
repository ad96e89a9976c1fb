"""JA1xx: the customer could not complete the purchase, or was not told what happened."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from journeyaudit.model import Evidence, Finding, Run, StepRecord
from journeyaudit.rules.registry import rule


def page_evidence(step: StepRecord, max_lines: int = 6) -> list[Evidence]:
    """What the customer saw on a step: where, the HTTP status, the first lines, the screenshot."""
    evidence = [Evidence("url", f"Page at {step.label}", step.url, step.index)] if step.url else []
    if step.http_status and step.http_status >= 400:
        evidence.append(Evidence("request", "HTTP status of the page", str(step.http_status), step.index))
    text_lines = [line.strip() for line in step.visible_text.splitlines() if line.strip()]
    if text_lines:
        evidence.append(Evidence("text", "What the page said", "\n".join(text_lines[:max_lines]), step.index))
    if step.screenshot:
        evidence.append(Evidence("screenshot", f"Screenshot of {step.label}", step.screenshot, step.index))
    return evidence


@rule("JA101", "journey-blocked", title="The customer could not get through a step", severity="critical")
def journey_blocked(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The customer could not get through a step of the journey at all.

    A step fails when what the journey expects a customer to be able to do is
    not possible: the button is not there, the page does not load, the shop
    answers with an error page, or the text the customer needs to see (for
    instance "Review your order") never appears. This is the most serious kind
    of problem: a customer who gets here does not buy.

    One finding per failed step (a journey stops at its first failed step
    unless the step says ``continue_on_failure``).
    Evidence: the one-line reason, the URL and HTTP status of the page the
    customer was left on, the first lines of its text, and its screenshot.
    """
    for step in run.steps:
        if step.status != "failed":
            continue
        skipped = sum(1 for later in run.steps if later.index > step.index and later.status == "skipped")
        rest = f" The remaining {skipped} step(s) could not be tried." if skipped else ""
        status = f" (the shop answered HTTP {step.http_status})" if step.http_status and step.http_status >= 400 else ""
        yield Finding(
            step=step.index,
            message=f"The customer could not get past {step.label}{status}: {step.error}.{rest}",
            evidence=[Evidence("error", "Why the step failed", step.error or "", step.index), *page_evidence(step)],
        )
