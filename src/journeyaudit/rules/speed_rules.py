"""JA4xx: the shop is slow or does not react."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from journeyaudit.model import Evidence, Finding, Run
from journeyaudit.rules.registry import rule


@rule(
    "JA401",
    "slow-step",
    title="A step took longer than its budget",
    severity="medium",
    options={"budget_ms": 5000, "role_budgets_ms": {}},
)
def slow_step(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A step of the journey took longer than its time budget.

    Every second a customer waits after pressing "Continue" or "Pay" is a
    moment to doubt the shop, press the button again (and pay twice) or leave.
    The step's time runs from its first action until the page it leads to has
    loaded, so it includes the shop's server time and the page's own loading.

    Budget, most specific first: the step's ``budget_ms`` in the journey file,
    then ``role_budgets_ms`` for its role (e.g. ``{payment: 8000}``), then
    ``budget_ms``. Failed and skipped steps are not timed (JA101 covers them).

    Evidence: the measured time, the budget, and the slowest request of the step.
    """
    role_budgets = options.get("role_budgets_ms") or {}
    for step in run.steps:
        if step.status != "passed":
            continue
        budget = step.budget_ms or role_budgets.get(step.role) or options["budget_ms"]
        if step.duration_ms <= budget:
            continue
        evidence = [
            Evidence("timing", f"Time for {step.label}", f"{step.duration_ms / 1000:.1f} s", step.index),
            Evidence("timing", "Budget", f"{budget / 1000:.1f} s", step.index),
        ]
        timed = [entry for entry in step.network if entry.duration_ms is not None]
        if timed:
            slowest = max(timed, key=lambda entry: entry.duration_ms or 0)
            evidence.append(
                Evidence(
                    "request",
                    "Slowest request",
                    f"{slowest.method} {slowest.url} took {slowest.duration_ms / 1000:.1f} s",
                    step.index,
                )
            )
        yield Finding(
            step=step.index,
            message=(
                f"The customer waited {step.duration_ms / 1000:.1f} s at {step.label}; "
                f"the budget is {budget / 1000:.1f} s."
            ),
            evidence=evidence,
        )
