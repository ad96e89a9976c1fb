"""JA7xx, email: duplicates, missing mail, unsubscribe honoured, List-Unsubscribe, mail that contradicts the order."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from journeyaudit.facts import message_kinds, money, phrase_search, wording
from journeyaudit.model import EmailMessage, Evidence, Finding, Run, StepRecord
from journeyaudit.rules.email_reading import (
    CANCELLATION_PHRASES,
    CHEERFUL_PHRASES,
    CONFIRMATION_PHRASES,
    MARKETING_PHRASES,
    ORDER_WORDS,
    PASSWORD_RESET,
    UNSUBSCRIBE_PHRASES,
    UNSUBSCRIBED_PHRASES,
    cancelled_at,
    email_evidence,
    is_marketing,
    order_number,
    says,
    seconds_text,
    step_end,
    step_label,
    watched_seconds,
)
from journeyaudit.rules.evidence import full_stop, quote
from journeyaudit.rules.registry import rule


def _fingerprint(message: EmailMessage) -> tuple[str, str]:
    return (" ".join(message.subject.lower().split()), " ".join(message.text.lower().split()))


@rule(
    "JA701",
    "duplicate-email",
    title="The same email reached the customer more than once",
    severity="medium",
    options={"burst_copies": 5},
    needs=["mail"],
)
def duplicate_email(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The same message (same subject and text) reached the customer more than once for one sending.

    A confirmation sent twice makes the customer wonder whether they ordered (and
    paid) twice; a newsletter sent again and again for one mailing is spam from a
    shop they trusted (customer story: fifteen thousand copies to one reader), and
    gets the shop's domain blocked. Copies are compared over the whole journey and
    the time it watched the inbox afterwards: a second copy that arrives after the
    next step began is still a duplicate. Only a step that asks the shop to send a
    mailing again (``trigger_mailing``) starts a new sending, so the same newsletter
    issue sent on purpose twice is not a duplicate. ``burst_copies`` or more
    copies make the finding high.
    """
    if not run.inbox:
        return
    sendings = [s.index for s in run.steps if any(a.name == "trigger_mailing" for a in s.actions)]
    groups: dict[tuple[int, str, str], list[EmailMessage]] = {}
    for message in sorted(run.emails, key=lambda m: m.received_at):
        at = message.step if message.step is not None else 10**9
        sending = max((index for index in sendings if index <= at), default=0)
        groups.setdefault((sending, *_fingerprint(message)), []).append(message)
    for copies in groups.values():
        if len(copies) < 2:
            continue
        first = copies[0]
        step = first.step
        spread = copies[-1].received_at - first.received_at
        burst = len(copies) >= int(options["burst_copies"])
        steps = list(dict.fromkeys(m.step for m in copies))
        later = f" (the last copy after {step_label(run, steps[-1])})" if len(steps) > 1 else ""
        yield Finding(
            step=step,
            severity="high" if burst else "",
            message=full_stop(
                f"The email {quote(first.subject, 80)!r} reached you {len(copies)} times after "
                f"{step_label(run, step)}, {_spread_text(spread)}{later}"
            ),
            evidence=[
                email_evidence(first),
                Evidence("timing", "Copies received", f"{len(copies)} identical messages {_spread_text(spread)}", step),
            ],
        )


def _spread_text(seconds: float) -> str:
    """How far apart the copies came: "within 3.2 s", or "all at once" (not "within 0.0 s") for a burst."""
    return "all at once" if seconds < 0.05 else f"within {seconds_text(seconds)}"


def _promise_line(step: StepRecord, inbox: str) -> str | None:
    """The page's line about the email (its address masked: reports show the inbox masked)."""
    lines = phrase_search.find_phrases(step.visible_text, ["email", "e-mail", "mail"])
    if not lines:
        return None
    local, _, domain = inbox.rpartition("@")
    return lines[0].replace(inbox, f"{local[:2]}•••@{domain}") if inbox else lines[0]


@rule(
    "JA702",
    "missing-email",
    title="An email the customer was promised never came",
    severity="high",
    options={
        "confirmation_phrases": list(CONFIRMATION_PHRASES),
        "expect": [PASSWORD_RESET],
    },
    needs=["mail"],
)
def missing_email(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """An expected message never arrived: the order confirmation, or one the audit configures.

    A customer without a confirmation email has no record of what they bought, for
    how much, or where to ask; many contact support or order again. After a
    confirmation step that shows an order number, an email must arrive that names
    that number or reads as a confirmation (``confirmation_phrases``). ``expect``
    adds further expectations, each ``{name, page_phrases, email_phrases}``: when a
    page says one of ``page_phrases`` (e.g. "we've sent you a link to reset your
    password"), an email saying one of ``email_phrases`` must follow (default: the
    password reset). A cancellation with no notice is JA104's finding, not this one.
    The message states how long the journey watched the inbox.
    """
    if not run.inbox:
        return
    order = order_number(run)
    if order is not None:
        step, number = order
        later = [m for m in run.emails if m.received_at >= step.started_at - 1]
        found = [m for m in later if number in f"{m.subject}\n{m.text}" or says(m, options["confirmation_phrases"])]
        if not found:
            waited = watched_seconds(run, step.started_at)
            evidence = [Evidence("text", f"Order number on {step.label}", number, step.index)]
            promise = _promise_line(step, run.inbox)
            if promise:
                evidence.append(Evidence("text", f"What {step.label} promised", quote(promise), step.index))
            evidence.append(Evidence("timing", "Inbox watched", f"no confirmation email within {seconds_text(waited)}", step.index))
            yield Finding(
                step=step.index,
                message=f"You placed order {number}, but no confirmation email arrived "
                f"(none seen within {seconds_text(waited)} of {step.label}).",
                evidence=evidence,
            )
    for expectation in options.get("expect") or []:
        for step in run.reached():
            said = phrase_search.find_phrases(step.visible_text, expectation.get("page_phrases") or [])
            if not said:
                continue
            later = [m for m in run.emails if m.received_at >= step.started_at - 1]
            if not any(says(m, expectation.get("email_phrases") or []) for m in later):
                waited = watched_seconds(run, step.started_at)
                yield Finding(
                    step=step.index,
                    confidence="medium",
                    message=f"{step.label} said {quote(said[0])!r}, but no {expectation.get('name', 'email')} "
                    f"email arrived (none seen within {seconds_text(waited)}).",
                    evidence=[
                        Evidence("text", f"What {step.label} said", quote(said[0]), step.index),
                        Evidence("timing", "Inbox watched", f"nothing matching within {seconds_text(waited)}", step.index),
                    ],
                )
            break


def unsubscribed_at(run: Run, options: Mapping[str, Any]) -> tuple[StepRecord, str] | None:
    """The step where the customer unsubscribed: its page confirms it, or it followed an unsubscribe link."""
    for step in run.reached():
        said = phrase_search.find_phrases(step.visible_text, options["unsubscribed_phrases"])
        if said:
            return step, said[0]
    for step in run.reached():
        for action in step.actions:
            if action.name == "follow_email_link" and action.status == "passed":
                words = f"{action.target.get('text', '')} {action.target.get('link', '')}"
                if phrase_search.find_phrases(words.replace("/", " ").replace("?", " "), options["unsubscribe_phrases"]):
                    return step, f"followed the link {quote(str(action.target.get('text') or 'Unsubscribe'), 60)!r}"
    return None


@rule(
    "JA703",
    "unsubscribe-not-honoured",
    title="Marketing email kept coming after the customer unsubscribed",
    severity="high",
    options={
        "unsubscribe_phrases": list(UNSUBSCRIBE_PHRASES),
        "unsubscribed_phrases": list(UNSUBSCRIBED_PHRASES),
        "marketing_phrases": list(MARKETING_PHRASES),
    },
    needs=["mail"],
)
def unsubscribe_not_honoured(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Marketing mail arrived after the customer unsubscribed.

    The customer said no; the shop keeps writing. It is the quickest way to the
    spam button, and in the EU and US it is unlawful (GDPR art. 21, CAN-SPAM).
    The journey unsubscribes (its page confirms it, or it follows the email's
    unsubscribe link), triggers the shop's next mailing, and watches the inbox
    for a bounded quiet period. Any mailing (list headers, bulk precedence, or an
    unsubscribe offer in the body) that arrives after the unsubscribe step ends is
    a finding. When none arrives the rule passes: that means "none seen within
    the watched period", stated in the report's email timeline, not "never".

    Options: ``unsubscribed_phrases`` (a page confirming the unsubscribe),
    ``unsubscribe_phrases`` (an unsubscribe link's text or URL, and a mailing's
    small print) and ``marketing_phrases`` (other signs of a mailing).
    """
    if not run.inbox:
        return
    found = unsubscribed_at(run, options)
    if found is None:
        return
    step, said = found
    done = step_end(step)
    later = [m for m in run.emails if m.received_at > done and is_marketing(m, options)]
    if not later:
        return
    first = later[0]
    yield Finding(
        step=first.step,
        message=full_stop(
            f"You unsubscribed at {step.label} ({quote(said, 80)!r}), yet {len(later)} marketing email(s) "
            f"still arrived, the first {seconds_text(first.received_at - done)} later: {quote(first.subject, 80)!r}"
        ),
        evidence=[
            Evidence("text", f"Unsubscribed at {step.label}", quote(said), step.index),
            email_evidence(first, "Marketing email after unsubscribing"),
        ],
    )


_URI = re.compile(r"<\s*(https?://[^>]+|mailto:[^>]+)\s*>", re.IGNORECASE)


def list_unsubscribe_problem(message: EmailMessage) -> str | None:
    """What is missing for a one-click unsubscribe (RFC 2369 + RFC 8058), or None."""
    headers = {k.lower(): v for k, v in message.headers.items()}
    value = headers.get("list-unsubscribe")
    if not value:
        return "no List-Unsubscribe header"
    uris = _URI.findall(value)
    if not uris:
        return f"a List-Unsubscribe header without a <https:…> or <mailto:…> address ({quote(value, 80)!r})"
    if not any(uri.lower().startswith("http") for uri in uris):
        return None  # mailto only: one-click (RFC 8058) needs an HTTP URI, but unsubscribing works
    post = headers.get("list-unsubscribe-post", "")
    if "list-unsubscribe=one-click" not in post.replace(" ", "").lower():
        return "no 'List-Unsubscribe-Post: List-Unsubscribe=One-Click' header"
    return None


@rule(
    "JA704",
    "missing-list-unsubscribe",
    title="Marketing email without a one-click unsubscribe",
    severity="medium",
    options={"unsubscribe_phrases": list(UNSUBSCRIBE_PHRASES), "marketing_phrases": list(MARKETING_PHRASES)},
    needs=["mail"],
)
def missing_list_unsubscribe(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A mailing lacks the List-Unsubscribe / List-Unsubscribe-Post (one-click) headers.

    With them, the customer's mail app shows an "Unsubscribe" button and one click
    ends the mailing (RFC 2369, RFC 8058). Without them, the customer has to find
    the link in the small print, or presses "Report spam" instead; since 2024
    Gmail and Yahoo require one-click unsubscribe from bulk senders and filter
    mail that lacks it. One finding per distinct subject.

    A mailing is a message with List-Id or List-Unsubscribe, ``Precedence: bulk``,
    or text with ``unsubscribe_phrases`` or ``marketing_phrases``.
    """
    if not run.inbox:
        return
    seen: set[str] = set()
    for message in run.emails:
        if not is_marketing(message, options) or message.subject in seen:
            continue
        problem = list_unsubscribe_problem(message)
        if problem is None:
            continue
        seen.add(message.subject)
        yield Finding(
            step=message.step,
            message=f"The mailing {quote(message.subject, 80)!r} has {problem}: your mail app cannot offer "
            "a one-click unsubscribe.",
            evidence=[
                email_evidence(message, "Mailing"),
                Evidence("text", "List-Unsubscribe", message.headers.get("List-Unsubscribe", "(missing)"), message.step),
                Evidence(
                    "text", "List-Unsubscribe-Post", message.headers.get("List-Unsubscribe-Post", "(missing)"), message.step
                ),
            ],
        )


@dataclass
class Contradiction:
    """One thing an email says that the journey's record of the order contradicts."""

    message: EmailMessage
    kind: str  # amount | state (cancelled) | refused (the shop refused the order the email confirms)
    said: str  # what the email says, quoted
    known: str  # what the journey recorded
    known_step: StepRecord | None
    also: str = ""  # amount: the page's total, when the email states it too ("Total $22.98" below "Total Price $19.98")


def order_contradictions(run: Run, options: Mapping[str, Any]) -> list[Contradiction]:
    """Compare every email about the order with what the journey recorded of it.

    The journey's record is its confirmation page (order number, total) and any
    later page stating the order's status. This is the one place that comparison
    lives, so a promise ledger can take it over whole.
    """
    out: list[Contradiction] = []
    refused = refused_order(run)
    order = order_number(run)
    number = order[1] if order else None
    page_total = money.find_total(order[0].visible_text) if order else None
    cancelled = cancelled_at(run, options)
    for message in run.emails:
        body = f"{message.subject}\n{message.text}"
        if number and number not in body:
            continue
        email_total = money.find_total(message.text)
        if (
            page_total is not None
            and email_total is not None
            and money.same_currency(page_total.currency, email_total.currency)
            and page_total.amount != email_total.amount
        ):
            said, also = _email_totals(message.text, email_total, page_total)
            out.append(Contradiction(message, "amount", said, page_total.text, order[0] if order else None, also))
        cheerful = says(message, options["cheerful_phrases"])
        if not cheerful:
            continue
        is_cancellation = bool(phrase_search.find_phrases(message.subject, options["cancellation_phrases"]))
        after_cancel = cancelled is not None and message.received_at >= cancelled[0].started_at
        says_cancel = bool(says(message, options["cancellation_phrases"]))
        if is_cancellation or (after_cancel and not says_cancel):
            known = quote(cancelled[1]) if cancelled else quote(message.subject)
            out.append(Contradiction(message, "state", cheerful[0], known, cancelled[0] if cancelled else None))
        elif refused is not None and message.received_at >= refused[0].started_at and says(message, ORDER_WORDS):
            out.append(Contradiction(message, "refused", cheerful[0], quote(refused[1]), refused[0]))
    return out


def _email_totals(text: str, total: money.Money, page_total: money.Money) -> tuple[str, str]:
    """The email's total as written ("Total Price $19.98"), and the page's total if the email states it too.

    The second counts only as a total: a line with a total label ("Total: $22.98"),
    not a bare amount that an item's price may equal by chance; '' when the
    email never gives the page's total as a total.
    """
    labelled = [(lab.rstrip(":").strip(), amount) for lab, amount in money.labelled_amounts(text, wording.TOTAL_LABELS)]
    said = next((f"{lab} {amount.text}" for lab, amount in labelled if amount == total), total.text)
    also = next(
        (f"{lab} {amount.text}" for lab, amount in labelled
         if amount.amount == page_total.amount and money.same_currency(amount.currency, page_total.currency)),
        "",
    )
    return said, also


_ORDER_ROLES = ("payment", "review", "confirmation")


def refused_order(run: Run) -> tuple[StepRecord, str] | None:
    """The step at which the shop refused to place the order, with what it said, when no later step confirmed it.

    A step of the checkout's last stretch (payment, review, confirmation) that failed
    or ended on a refusal (``message_kinds.refusal``: a refusal or validation message,
    or an error page), with no confirmation step passed after it (a customer who
    retried and got through was not refused in the end).
    """
    for step in run.steps:
        if step.role not in _ORDER_ROLES or step.status == "skipped":
            continue
        said = message_kinds.refusal(step)
        if said is None or (step.status == "passed" and said.kind != "refusal"):
            continue
        if any(s.role == "confirmation" and s.status == "passed" and s.index > step.index for s in run.steps):
            return None
        return step, said.text
    return None


@rule(
    "JA705",
    "email-contradicts-order",
    title="An email contradicts the order's state or amounts",
    severity="high",
    options={
        "cheerful_phrases": list(CHEERFUL_PHRASES),
        "cancellation_phrases": list(CANCELLATION_PHRASES),
    },
    needs=["mail"],
)
def email_contradicts_order(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """An email about the order says something the order's record contradicts.

    A total in the email that differs from the confirmation page leaves the
    customer unsure what they will be charged; a "Thank you for your order, enjoy!"
    on an order that was cancelled (a canned template) makes them wait for a
    parcel that never comes (customer story C1). Emails are compared with the
    confirmation page (order number, total) and with any later page that states
    the order's status. A "Thank you for your order" that arrives after the shop
    refused to place the order (at payment, review or confirmation: a refusal, or
    an error page such as "Internal Server Error (500)", with no confirmation
    reached afterwards) is a contradiction too: the customer saw the order fail and
    is told it was received, and cannot tell whether to order again. Tone phrases are a heuristic (``cheerful_phrases``,
    ``cancellation_phrases``), so state findings carry medium confidence.

    Weight: high when the email's only total disagrees with the page, and for a
    cancelled or refused order. An email whose headline total disagrees but which
    also states the page's total as a total elsewhere (Vendure's "Total Price
    $19.98", the total before tax, above its summary's "Total: $22.98") is medium:
    the customer can find the right amount in the same email, and the message
    names both amounts.
    """
    if not run.inbox:
        return
    for item in order_contradictions(run, options):
        where = item.known_step.label if item.known_step else "its subject"
        severity = ""
        if item.kind == "amount" and item.also:
            message = (
                f"The email {quote(item.message.subject, 80)!r} says {quote(item.said, 80)!r} and elsewhere "
                f"{quote(item.also, 80)!r}; {where} said {item.known}: the customer finds the right amount in the "
                "email, but must work out which of the two totals is the charge."
            )
            confidence, severity = "high", "medium"
        elif item.kind == "amount":
            message = (
                f"The email {quote(item.message.subject, 80)!r} says the total is {quote(item.said, 80)!r}, "
                f"but {where} said {item.known}."
            )
            confidence = "high"
        elif item.kind == "refused":
            message = (
                f"The email {quote(item.message.subject, 80)!r} says {quote(item.said, 100)!r}, "
                f"but at {where} the shop refused the order ({item.known!r}): the customer cannot tell "
                "whether the order stands, was paid, or should be placed again."
            )
            confidence = "medium"
        else:
            message = (
                f"The email {quote(item.message.subject, 80)!r} says {quote(item.said, 100)!r}, "
                f"but the order was cancelled ({where}: {item.known!r})."
            )
            confidence = "medium"
        evidence = [
            email_evidence(item.message),
            Evidence("text", "What the email says", quote(item.said), item.message.step),
        ]
        if item.known_step is not None:
            evidence.append(Evidence("text", f"What {item.known_step.label} showed", item.known, item.known_step.index))
        if item.also:
            evidence.append(Evidence("text", "The email also says", quote(item.also), item.message.step))
        yield Finding(
            step=item.message.step, severity=severity, confidence=confidence, message=message, evidence=evidence
        )

