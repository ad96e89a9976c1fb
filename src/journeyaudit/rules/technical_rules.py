"""JA5xx: the page itself is broken (console, network, scripts)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from journeyaudit.model import Evidence, Finding, Run
from journeyaudit.rules.registry import rule


def _ignored(text: str, patterns: list[str]) -> bool:
    return any(re.search(pattern, text, re.IGNORECASE) for pattern in patterns)


@rule(
    "JA501",
    "console-error",
    title="Console errors on a journey step",
    severity="low",
    options={
        # Chrome logs every failed resource load as a console error; JA502 reports
        # those requests with their URL and status, so they are not repeated here.
        "ignore_patterns": [r"^Failed to load resource"],
        "max_per_step": 5,
    },
)
def console_error(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The page logged errors to the browser console while the customer used it.

    A console error is the page telling its developers that something it tried
    did not work: a widget that did not start, a script that could not load its
    data, a tracking or payment library that failed. The customer may see a
    half-working page (a price that never appears, a button that does nothing)
    without any message. One finding per step, listing the messages.

    Options: ``ignore_patterns`` (regular expressions matched against the
    message; failed resource loads are ignored by default because JA502 reports
    them), ``max_per_step`` (messages quoted as evidence).
    """
    patterns = list(options.get("ignore_patterns") or [])
    for step in run.steps:
        errors = [m for m in step.console if m.type == "error" and not _ignored(m.text, patterns)]
        if not errors:
            continue
        evidence = [
            Evidence("console", "Console error" + (f" from {m.url}" if m.url else ""), m.text, step.index)
            for m in errors[: options["max_per_step"]]
        ]
        count = f"{len(errors)} console errors" if len(errors) > 1 else "a console error"
        yield Finding(
            step=step.index,
            message=f"The page at {step.label} logged {count}: {errors[0].text[:160]}",
            evidence=evidence,
        )


def _error_status(entry, min_status: int) -> bool:
    return entry.status is not None and entry.status >= min_status


def _form_answer(entry, statuses: set[int]) -> bool:
    """A submitted form's page coming back with its validation answer (422 and friends)."""
    return entry.method == "POST" and entry.resource_type == "document" and entry.status in statuses


def _real_failure(entry) -> bool:
    # net::ERR_ABORTED is the browser cancelling a request because the customer
    # moved on (a new navigation); that is not the shop failing.
    return bool(entry.failure) and "ERR_ABORTED" not in entry.failure


@rule(
    "JA502",
    "failed-request",
    title="A request of the shop failed",
    severity="medium",
    options={
        "resource_types": ["document", "xhr", "fetch"],
        "min_status": 400,
        "ignore_url_patterns": [],
        "form_answer_statuses": [400, 401, 422],
    },
)
def failed_request(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A page, or data a page asked the shop for, failed to load.

    When the shop's own server answers a page request or a background request
    (XHR/fetch: cart updates, shipping rates, payment calls) with an error
    status (>= 400) or not at all, the customer sees an error page, a spinner
    that never ends, or a page with missing parts. Only same-origin requests are
    checked: third-party trackers failing is not the shop's checkout failing.

    A submitted form (a POST for a page) answered with one of
    ``form_answer_statuses`` (default 400, 401, 422) is the shop showing the form
    again with what to fix: how well it says so is for JA302, JA303 and JA304 to
    judge, it is not a failed request.

    Options: ``resource_types`` (default document, xhr, fetch), ``min_status``
    (default 400), ``ignore_url_patterns`` (regular expressions for URLs whose
    failure is expected), ``form_answer_statuses``.
    Evidence: method, URL, status or network error, for each failed request.
    """
    types = set(options["resource_types"])
    patterns = list(options.get("ignore_url_patterns") or [])
    form_answers = set(options.get("form_answer_statuses") or ())
    for step in run.steps:
        failed = [
            entry
            for entry in step.network
            if entry.same_origin
            and entry.resource_type in types
            and (_error_status(entry, options["min_status"]) or _real_failure(entry))
            and not _ignored(entry.url, patterns)
            and not _form_answer(entry, form_answers)
        ]
        if not failed:
            continue
        evidence = [
            Evidence(
                "request",
                f"{entry.resource_type} request",
                f"{entry.method} {entry.url} -> {entry.status if _error_status(entry, options['min_status']) else entry.failure}",
                step.index,
            )
            for entry in failed
        ]
        first = failed[0]
        what = "The page" if first.resource_type == "document" else "A background request of the page"
        outcome = f"answered {first.status}" if _error_status(first, options["min_status"]) else f"failed ({first.failure})"
        more = f" ({len(failed)} failed requests)" if len(failed) > 1 else ""
        yield Finding(
            step=step.index,
            message=f"{what} at {step.label} {outcome}: {first.method} {first.url}{more}",
            evidence=evidence,
        )


@rule(
    "JA503",
    "uncaught-exception",
    title="An uncaught JavaScript exception",
    severity="medium",
    options={"ignore_patterns": []},
)
def uncaught_exception(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A script on the page crashed with an uncaught exception.

    An uncaught exception stops the script that threw it: whatever that script
    was doing for the customer (updating the basket total, validating the form,
    starting the payment widget) silently stops. One finding per step.

    Options: ``ignore_patterns`` (regular expressions matched against the
    exception message).
    Evidence: the exception message and the top of its stack.
    """
    patterns = list(options.get("ignore_patterns") or [])
    for step in run.steps:
        errors = [e for e in step.page_errors if not _ignored(e.message, patterns)]
        if not errors:
            continue
        evidence = []
        for error in errors:
            top = next((line.strip() for line in error.stack.splitlines()[1:] if line.strip()), "")
            evidence.append(Evidence("error", "Uncaught exception", error.message + (f"\n{top}" if top else ""), step.index))
        yield Finding(
            step=step.index,
            message=f"A script on the page at {step.label} crashed: {errors[0].message[:160]}",
            evidence=evidence,
        )
