"""Email actions for journeys: the customer reads their mail and acts on it.

Registered into :data:`journeyaudit.gather.actions.ACTIONS` like the browser actions, and
documented in docs/journeys.md. They read the journey's own inbox (the address a
journey writes as ``{inbox}``) through the audit's :class:`~journeyaudit.gather.mailbox.Mailbox`,
which the runner puts into ``ActionContext.extra``:

* ``mailbox`` - the Mailbox, ``inbox`` - this journey's address,
* ``mail_used`` - ids of messages an earlier ``wait_for_email`` already matched,
* ``mail_last`` - the message the last ``wait_for_email`` matched (links and headers are
  read from it), ``mail_trigger`` - the profile's default mailing trigger.
"""

from __future__ import annotations

import fnmatch
import time
from typing import Any

from playwright.sync_api import Page

from journeyaudit import model
from journeyaudit.gather.actions import ActionContext, ActionFailed, action
from journeyaudit.gather.mailbox import EMAIL_ACTIONS, MailboxError, html_links  # noqa: F401 (EMAIL_ACTIONS re-exported)

POLL_SECONDS = 0.2
DEFAULT_WAIT_MS = 10_000
DEFAULT_SETTLE_MS = 3_000


class _Inbox:
    """The journey's inbox; a mailbox that cannot be read fails the action, not the audit."""

    def __init__(self, mailbox: Any, address: str) -> None:
        self.mailbox, self.address = mailbox, address

    def messages(self, _address: str = "") -> list[model.EmailMessage]:
        try:
            return self.mailbox.messages(self.address)
        except MailboxError as exc:
            raise ActionFailed(str(exc)) from None


def _mail(ctx: ActionContext) -> tuple[_Inbox, str]:
    mailbox, inbox = ctx.extra.get("mailbox"), ctx.extra.get("inbox")
    if mailbox is None or not inbox:
        raise ActionFailed("this audit captures no mail: add mail: {capture: smtp} to the audit profile")
    return _Inbox(mailbox, inbox), inbox


def matches(message: model.EmailMessage, params: dict[str, Any]) -> bool:
    """Case-insensitive containment on subject, body and sender; absent criteria match anything."""
    subject = str(params.get("subject") or "").lower()
    body = str(params.get("body") or "").lower()
    sender = str(params.get("sender") or "").lower()
    if subject and subject not in message.subject.lower():
        return False
    if body and body not in (message.text or "").lower():
        return False
    return not (sender and sender not in message.sender.lower())


def _criteria(params: dict[str, Any]) -> str:
    parts = [f"{key} containing {params[key]!r}" for key in ("subject", "body", "sender") if params.get(key)]
    return "a message" + (" with " + " and ".join(parts) if parts else "")


def _seconds(ms: float) -> str:
    return f"{ms / 1000:g} s"


@action("wait_for_email")
def wait_for_email(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    """Wait for the next message (not matched before in this journey) that matches."""
    mailbox, inbox = _mail(ctx)
    used: set[str] = ctx.extra.setdefault("mail_used", set())
    timeout = int(params.get("timeout_ms") or DEFAULT_WAIT_MS)
    deadline = time.monotonic() + timeout / 1000
    while True:
        found = [m for m in mailbox.messages(inbox) if m.id not in used and matches(m, params)]
        if found:
            message = found[0]
            used.add(message.id)
            ctx.extra["mail_last"] = message
            return {"subject": message.subject, "message": message.id}
        if time.monotonic() >= deadline:
            raise ActionFailed(f"no email arrived: expected {_criteria(params)} within {_seconds(timeout)}")
        time.sleep(POLL_SECONDS)


@action("expect_emails")
def expect_emails(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    """Let mail settle for ``settle_ms``, then count the matching messages of the journey."""
    mailbox, inbox = _mail(ctx)
    settle = int(params.get("settle_ms") or DEFAULT_SETTLE_MS)
    time.sleep(settle / 1000)
    count = sum(1 for m in mailbox.messages(inbox) if matches(m, params))
    want = int(params["count"])
    if count != want:
        raise ActionFailed(f"expected {want} email(s) ({_criteria(params)}), {count} arrived within {_seconds(settle)}")
    return {"count": count, "watched_ms": settle}


def _message_for(params: dict[str, Any], ctx: ActionContext) -> model.EmailMessage:
    """The message a link or header action reads: the latest matching ``subject``, else the last waited for."""
    if params.get("subject"):
        mailbox, inbox = _mail(ctx)
        found = [m for m in mailbox.messages(inbox) if matches(m, {"subject": params["subject"]})]
        if not found:
            raise ActionFailed(f"no email with a subject containing {params['subject']!r} has arrived")
        return found[-1]
    message = ctx.extra.get("mail_last")
    if message is None:
        raise ActionFailed("no email to read: wait_for_email first, or give 'subject'")
    return message


def find_link(message: model.EmailMessage, wanted: str) -> tuple[str, str] | None:
    """(text, url) of the first link whose text contains ``wanted``, or whose URL matches it (glob or substring)."""
    needle = wanted.lower()
    links = html_links(message.html) or [("", url) for url in message.links]
    for text, url in links:
        if needle in text.lower():
            return text, url
    for text, url in links:
        if needle in url.lower() or fnmatch.fnmatch(url, wanted):
            return text, url
    return None


@action("follow_email_link")
def follow_email_link(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    """Open a link from the message in the browser, as a customer clicking it in their mail app."""
    message = _message_for(params, ctx)
    found = find_link(message, str(params["link"]))
    if found is None:
        raise ActionFailed(f"the email {message.subject!r} has no link {params['link']!r}")
    text, url = found
    response = page.goto(url, timeout=ctx.navigation_timeout_ms)
    return {"link": url, "text": text, "subject": message.subject, "status": response.status if response else None}


@action("expect_email_header")
def expect_email_header(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    """The message has the header (and, with ``contains``, a value containing that text)."""
    message = _message_for(params, ctx)
    name = str(params["header"])
    value = next((v for k, v in message.headers.items() if k.lower() == name.lower()), None)
    if value is None:
        raise ActionFailed(f"the email {message.subject!r} has no {name} header")
    contains = params.get("contains")
    if contains and str(contains).lower() not in value.lower():
        raise ActionFailed(f"the email's {name} header is {value!r}, without {contains!r}")
    return {"header": name}


@action("trigger_mailing")
def trigger_mailing(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    """Ask the shop to send its next mailing now (the campaign job), with the customer's cookies."""
    default = ctx.extra.get("mail_trigger") or {}
    url = params.get("url") or default.get("url")
    if not url:
        raise ActionFailed("trigger_mailing needs a url, here or in the profile's mail: {trigger: {url: ...}}")
    method = str(params.get("method") or default.get("method") or "POST").upper()
    response = page.request.fetch(ctx.url(url), method=method, timeout=ctx.navigation_timeout_ms)
    if response.status >= 400:
        raise ActionFailed(f"the mailing trigger {method} {url} answered HTTP {response.status}")
    return {"url": url, "method": method, "status": response.status}


@action("watch_inbox")
def watch_inbox(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    """Give mail time to arrive: a bounded quiet period whose length the rules and report state."""
    _mail(ctx)
    ms = int(params["ms"])
    time.sleep(ms / 1000)
    return {"watched_ms": ms}


def place_in_timeline(messages: list[model.EmailMessage], steps: list[model.StepRecord]) -> list[model.EmailMessage]:
    """Give each message the step during which it arrived and the time since that step began.

    A message that arrives between two steps, or after the last one, belongs to the
    step before: it is what that step's action (place order, unsubscribe) caused.
    A message a step's ``wait_for_email`` found had arrived by then: it is never placed
    after that step, whatever the mail server's clock says (a message stamped a few
    milliseconds before the next step began was placed in it, 50 ms being allowed for
    clocks that differ).
    """
    ran = [s for s in steps if s.status != "skipped" and s.started_at]
    awaited: dict[str, model.StepRecord] = {}  # message id -> the first step whose action found it
    for step in ran:
        for entry in step.actions:
            found = (entry.target or {}).get("message") if entry.name == "wait_for_email" else None
            if found and found not in awaited:
                awaited[found] = step
    placed = []
    for message in sorted(messages, key=lambda m: m.received_at):
        owner = None
        for step in ran:
            if step.started_at <= message.received_at + 0.05:
                owner = step
        if owner is None and ran:
            owner = ran[0]
        seen_by = awaited.get(message.id)
        if seen_by is not None and (owner is None or owner.index > seen_by.index):
            owner = seen_by
        message.step = owner.index if owner else None
        message.after_ms = round(max(0.0, (message.received_at - owner.started_at) * 1000), 1) if owner else 0.0
        placed.append(message)
    return placed
