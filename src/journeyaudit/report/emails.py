"""The emails of each journey, as the report shows them at their place in the timeline.

Builds plain view objects for ``templates/_emails.html`` (included once per step in
report.html): sender, masked recipient, subject, time after the step began, the
headers that matter to the rules, an escaped text preview, and the codes of the
findings about each message. A step that watched the inbox says what it saw,
including "none" - an honest "none seen within N s", never "never".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from journeyaudit.model import EmailMessage, Finding, Result, Run

#: headers the report shows: the ones JA703/JA704 reason about
SHOWN_HEADERS = ("List-Unsubscribe", "List-Unsubscribe-Post", "List-Id", "Precedence", "Auto-Submitted")
PREVIEW_CHARS = 600
EMAIL_CODES = ("JA104", "JA701", "JA702", "JA703", "JA704", "JA705")


def mask_address(address: str) -> str:
    """``customer+ab12cd34-mail-order@mail.test`` -> ``cu•••@mail.test`` for reports."""
    local, _, domain = address.rpartition("@")
    if not domain:
        return "•••"
    return f"{local[:2]}•••@{domain}"


@dataclass
class EmailView:
    subject: str
    sender: str
    recipient: str  # masked
    after: str  # "0.4 s after the step began"
    headers: list[tuple[str, str]]
    preview: str  # plain text, escaped by the template
    codes: list[str] = field(default_factory=list)


@dataclass
class StepMail:
    messages: list[EmailView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _after(ms: float) -> str:
    seconds = ms / 1000
    return f"{seconds:.1f} s after the step began" if seconds < 60 else f"{seconds / 60:.1f} min after the step began"


def _codes(message: EmailMessage, findings: list[Finding]) -> list[str]:
    codes = []
    for finding in findings:
        if finding.step != message.step or finding.code not in EMAIL_CODES:
            continue
        if any(e.kind == "email" and e.value and e.value in message.subject for e in finding.evidence):
            codes.append(finding.code)
    return sorted(set(codes))


def _view(message: EmailMessage, inbox: str, findings: list[Finding]) -> EmailView:
    recipient = inbox if inbox and any(r.lower() == inbox.lower() for r in message.recipients) else (
        message.recipients[0] if message.recipients else ""
    )
    text = message.text or ""
    preview = text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1].rstrip() + "…"
    headers = [(name, message.headers[name]) for name in SHOWN_HEADERS if name in message.headers]
    return EmailView(
        subject=message.subject or "(no subject)",
        sender=message.sender,
        recipient=mask_address(recipient) if recipient else "",
        after=_after(message.after_ms),
        headers=headers,
        preview=preview,
        codes=_codes(message, findings),
    )


def _watch_notes(run: Run) -> dict[int, list[str]]:
    notes: dict[int, list[str]] = {}
    for step in run.steps:
        for action in step.actions:
            watched = (action.target or {}).get("watched_ms")
            if action.name not in ("watch_inbox", "expect_emails") or not watched or action.status != "passed":
                continue
            start = step.started_at + action.start_ms / 1000
            end = start + float(watched) / 1000
            seen = [m for m in run.emails if start <= m.received_at <= end + 0.5]
            span = f"{float(watched) / 1000:g} s"
            what = f"{len(seen)} email(s) arrived within {span}" if seen else f"none seen within {span}"
            notes.setdefault(step.index, []).append(f"Watched the inbox: {what}.")
    return notes


def email_views(result: Result, runs: Mapping[str, Run]) -> dict[str, dict[int, StepMail]]:
    """journey id -> step index -> what the report shows at that step."""
    views: dict[str, dict[int, StepMail]] = {}
    for journey_id, run in runs.items():
        if not run.inbox and not run.emails:
            continue
        findings = [f for f in result.findings if f.journey == journey_id]
        steps: dict[int, StepMail] = {}
        for message in run.emails:
            if message.step is None:
                continue
            steps.setdefault(message.step, StepMail()).messages.append(_view(message, run.inbox, findings))
        for index, notes in _watch_notes(run).items():
            steps.setdefault(index, StepMail()).notes.extend(notes)
        if run.mail_error and run.steps:
            steps.setdefault(run.steps[-1].index, StepMail()).notes.append(f"The mailbox could not be read: {run.mail_error}")
        views[journey_id] = steps
    return views
