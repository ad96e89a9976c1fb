"""JA4xx, speed and response: slow steps, clicks that do nothing the customer can see."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from journeyaudit.model import Evidence, Finding, Run
from journeyaudit.rules.registry import rule

_BUTTON_TYPES = {"submit", "button", "image", "reset"}

# Actions whose time is the tool's own, not the shop's: waiting for or watching the inbox, asking the
# shop's mailer to send, taking a screenshot, setting up an interception, a journey's fixed pause.
TOOL_ACTIONS = frozenset({
    "wait_for_email", "watch_inbox", "expect_emails", "expect_email_header", "trigger_mailing", "screenshot", "intercept",
    "pause",
})


def shop_time_ms(step) -> tuple[float, float]:
    """(the step's time the customer spent waiting for the shop, the tool's own waits in it)."""
    ours = sum(a.duration_ms or 0.0 for a in step.actions if a.name in TOOL_ACTIONS)
    return max(0.0, (step.duration_ms or 0.0) - ours), ours


def _is_button(target: Mapping[str, Any]) -> bool:
    tag = (target.get("tag") or "").lower()
    return tag in ("button", "a", "summary") or (tag == "input" and (target.get("type") or "").lower() in _BUTTON_TYPES)


def _click_name(action, target: Mapping[str, Any]) -> str:
    name = (target.get("text") or target.get("label") or "").strip()
    if name:
        return name.splitlines()[0][:80]
    return action.description.removeprefix("click ").strip()[:80]


@rule(
    "JA402",
    "dead-click",
    title="A button click changed nothing",
    severity="high",
    options={"min_wait_ms": 1000},
)
def dead_click(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The customer clicked a button or link and nothing happened.

    After each click the recorder watches the page for a short while: did the
    address change, did anything on the page change (a DOM mutation: a
    message, a spinner, a disabled button), did the page send a request, open
    a dialog or a window? A click on a button or link that did none of these
    is a dead click: the customer clicks again, waits, and leaves. Typical
    causes are a script that failed to load or a handler bound to an element
    a theme update renamed.

    Only the shop's own requests count as an effect: a click whose only answer
    is an error report or a tracking beacon sent to another site (an error
    collector, analytics) did nothing for the customer. Only buttons, links and
    submit inputs count (checkboxes and radios change state without touching
    the DOM). Options: ``min_wait_ms``: a click counts
    as dead only when the recorder watched it for at least this long.
    Evidence: the click, the address before and after, what was watched.
    """
    for step in run.steps:
        for action in step.actions:
            effect = action.effect or {}
            if action.name != "click" or action.status != "passed" or not effect.get("observed"):
                continue
            if not _is_button(action.target or {}):
                continue
            alive = effect.get("navigated") or effect.get("dom_changed") or effect.get("requests") or effect.get(
                "dialogs"
            ) or effect.get("popups")
            waited = effect.get("waited_ms") or 0
            if alive or waited < options["min_wait_ms"]:
                continue
            name = _click_name(action, action.target or {})
            seconds = f"{waited / 1000:.1f}".rstrip("0").rstrip(".")
            others = [str(host) for host in effect.get("third_party_requests") or [] if host]
            sent = (
                f"the only requests went to other sites ({', '.join(others[:3])}), which the customer does not see"
                if others else "no request was sent"
            )
            yield Finding(
                step=step.index,
                message=(
                    f"At {step.label} the customer clicked '{name}' and nothing happened: the page stayed at "
                    f"{effect.get('url_after') or step.url}, nothing on it changed and {sent} "
                    f"within {seconds} s."
                ),
                evidence=[
                    Evidence("text", f"Click at {step.label}", action.description, step.index),
                    Evidence("url", "Address before and after the click", effect.get("url_after") or "", step.index),
                    Evidence(
                        "timing",
                        "Watched after the click",
                        f"{waited} ms: no navigation, no DOM change, {effect.get('requests', 0)} requests to the shop, "
                        f"{effect.get('dialogs', 0)} dialogs, {effect.get('popups', 0)} new windows",
                        step.index,
                    ),
                ],
            )


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
    Only the shop's time counts: the tool's own waits (watching the inbox for
    an email, asking the shop to send a mailing, screenshots, a journey's
    ``pause``) are taken out.

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
        shop_ms, ours = shop_time_ms(step)
        if shop_ms <= budget:
            continue
        evidence = [
            Evidence("timing", f"Time for {step.label}", f"{shop_ms / 1000:.1f} s", step.index),
            Evidence("timing", "Budget", f"{budget / 1000:.1f} s", step.index),
        ]
        if ours:
            evidence.append(Evidence("timing", "Not counted: the tool's own waits", f"{ours / 1000:.1f} s", step.index))
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
                f"The customer waited {shop_ms / 1000:.1f} s at {step.label}; "
                f"the budget is {budget / 1000:.1f} s."
            ),
            evidence=evidence,
        )

