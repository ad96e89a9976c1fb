"""What a customer-facing message is: its kind and its quality, and the messages a step showed.

Kind: ``refusal`` (the shop says no: a declined card, an order it cannot place, an
error), ``validation`` (a field's value is wrong or missing), ``success`` (added,
placed, paid) or ``info`` (anything else).

Quality: ``internal`` (the shop's insides leak to the customer: an exception or a
service's name, "timed out", a connection error, an HTTP status code, a stack
trace, SQL, the shop's own state names or error codes: 'Cannot transition Order from
"AddingItems" to "ArrangingPayment"', ``INSUFFICIENT_STOCK_ERROR``), ``generic`` (a refusal or validation that names neither a cause nor a
way out: "A problem occurred while processing payment", "Cart has errors",
"Something went wrong") or ``specific`` (everything else: "Your card was declined
by your bank", "Postcode must have 5 digits").

:func:`classify` reads one text. :func:`step_messages` gathers what a step showed
the customer, each classified: the notices and alerts of the end-of-step HTML,
field errors, dialogs, the messages the in-page watcher saw appear during the step
(toasts that were gone before the snapshot), and the headings of an error page.
:func:`refusal` is the one notion of "the shop refused" shared by JA102 and the
probes' outcome (``judge/probe_outcome.py``). Pure: facts only, no rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from journeyaudit.facts import computed, page_text, phrase_search, wording
from journeyaudit.model import StepRecord

KINDS = ("refusal", "validation", "info", "success")
QUALITIES = ("specific", "generic", "internal")


@dataclass(frozen=True)
class Message:
    """One message the customer was shown on a step, classified."""

    text: str
    kind: str  # refusal | validation | info | success
    quality: str  # specific | generic | internal
    source: str  # notice | field | dialog | heading | shown (seen by the watcher during the step)
    why: str = ""  # for internal and generic: what gives it away ("says 'timed out'")
    at_ms: float | None = None  # the watcher's: when it appeared, from the step's start
    gone_ms: float | None = None  # the watcher's: when it disappeared (None: still there, or not known)

    @property
    def stayed(self) -> bool:
        """Still on the page at the end of the step (a toast that vanished did not stay)."""
        return self.gone_ms is None


# ---- internal: the shop's insides ------------------------------------------------------

_INTERNAL: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(pattern, flags))
    for why, pattern, flags in (
        ("names an exception", r"\b[A-Z][A-Za-z0-9_]*[a-z0-9](?:Error|Exception|Fault)\b|\bNoneType\b|\bTraceback\b"
         r"|\bstack ?trace\b|\bFile \"[^\"]+\", line \d+|\bat [\w.$<>]+ \([^)]*:\d+:\d+\)", 0),
        ("names an exception", r"\b(?:exception|uncaught|unhandled|null ?pointer|segmentation fault|stack overflow)\b"
         r"|\bcannot read propert(?:y|ies) of (?:undefined|null)\b|\b(?:undefined|null) is not\b|\[object Object\]", re.I),
        ("says it timed out", r"\btimed?[- ]?out\b|\btimeout\b|\bdeadline exceeded\b", re.I),
        ("reports a connection error", r"\bconnection (?:to \S+(?: \S+)? )?(?:refused|reset|error|failed|closed|lost|aborted)\b"
         r"|\b(?:could not|cannot|can't|unable to|failed to) connect\b|\bconnection to\b|\bE(?:CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND)\b"
         r"|\bsocket hang up\b|\bgetaddrinfo\b|\bname resolution\b|\bupstream\b|\bnetwork ?error\b|\bfailed to fetch\b", re.I),
        ("shows an HTTP status code", r"\b(?:http|status(?: code)?|error|code)\s*:?\s*[45]\d\d\b|^\W*[45]\d\d\s+error\W*$"
         r"|\b[45]\d\d\s*[-:]?\s*(?:internal server error"
         r"|bad gateway|service unavailable|gateway time-?out|bad request|forbidden|unauthori[sz]ed|unprocessable)"
         r"|\([45]\d\d\)", re.I),
        ("shows SQL", r"\bSQLSTATE\b|\bSQL syntax\b|\bsyntax error at or near\b|\bORA-\d{5}\b|\bduplicate key value\b"
         r"|\bviolates (?:foreign key|unique|not-null|check) constraint\b|\bno such (?:table|column)\b|\bdeadlock\b"
         r"|\bselect\b.{1,80}\bfrom\b.{1,80}\bwhere\b|\binsert into\b|\bupdate \w+ set\b", re.I),
        ("names the shop's internal states or codes",  # 'Cannot transition Order from "AddingItems" to "ArrangingPayment"'
         r"""\bfrom\s+["'“‘][A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+["'”’]\s+to\s+["'“‘][A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+["'”’]"""
         r"""|\b(?:state|status)\s*:?\s*["'“‘][A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)+["'”’]"""
         r"|\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+){2,}\b|\b[A-Z][A-Z0-9]+_(?:ERROR|EXCEPTION|FAILED|FAILURE|NOT_FOUND|INVALID)\b", 0),
        ("names a service", r"\b(?!(?:customer|a|an|the|our|your)\b)[a-z]+[- ](?:service|api|backend|microservice|server|gateway|provider|endpoint)\b"
         r"(?:\W+\w+){0,6}?\W+(?:error|errored|failed|failure|unavailable|unreachable|did not respond|not responding|down|returned)\b"
         r"|\b(?:api|backend|microservice|endpoint|webhook|psp)\b(?:\W+\w+){0,4}?\W+(?:error|failed|failure|unavailable)\b", re.I),
    )
)

# ---- kinds ------------------------------------------------------------------------------

_REFUSAL = re.compile(
    r"\b(?:could ?n[o']?t|can ?n[o']?t|cannot|unable to|not able to|failed|fails|failure|fail to|declined|refused|rejected"
    r"|denied|problem|problems|errors?|went wrong|gone wrong|oops|not (?:be )?(?:processed|completed|placed|possible|allowed"
    r"|accepted|authori[sz]ed)|no longer available|insufficient|unsuccessful|unavailable|not available|sold out"
    r"|out of stock|not enough|not have enough|can only|fehler|fehlgeschlagen|abgelehnt|erreur|échoué|refusée?|error|rechazad[oa]|fallido)\b",
    re.I,
)
_VALIDATION = re.compile(
    r"\b(?:required|is invalid|invalid|not valid|must (?:be|contain|have|include|match)|please (?:enter|provide|fill"
    r"|select|choose|correct|check|use)|enter a valid|too (?:short|long)|incorrect|incomplete|do(?:es)?n[o']?t match"
    r"|does not match|is missing|missing|format|pflichtfeld|erforderlich|ungültig|obligatoire|invalide|obligatorio"
    r"|inválid[oa])\b",
    re.I,
)
_SUCCESS = re.compile(
    r"\b(?:thank you|thanks|success(?:ful(?:ly)?)?|added to (?:your )?(?:cart|basket|bag)|has been (?:added|placed|received"
    r"|confirmed|updated|saved|applied)|was (?:added|placed|received|confirmed|updated|saved|applied)|order (?:is )?confirmed"
    r"|added\b.{1,80}\bto your (?:shopping )?(?:cart|basket|bag)|order (?:placed|received|complete)|payment (?:received|accepted|confirmed)|vielen dank|merci|gracias)\b",
    re.I,
)

# ---- quality: does a refusal or validation name a cause or a way out? ----------------------

_CAUSE = re.compile(
    r"\b(?:declined|insufficient funds|expired|expiry|incorrect|invalid|not valid|required|must|too (?:short|long)"
    r"|sold out|out of stock|not enough|not have enough|can only|no longer (?:available|in stock)|not available|unavailable in|limit|exceed(?:s|ed)?|minimum"
    r"|maximum|do(?:es)?n[o']?t match|does not match|incomplete|not supported|only \d+|\d+ (?:digits|characters)"
    r"|digits|characters|already (?:exists|registered|in use|used)|not (?:deliver|ship)\w*|no (?:delivery|shipping)"
    r"|blocked by your bank|do not honou?r|lost or stolen|security code|cvc|cvv|postcode|post code|zip|email address"
    r"|card number|abgelaufen|ungültig|abgelehnt|pflichtfeld|expirée|obligatoire|caducada|obligatorio)\b",
    re.I,
)
_REMEDY = re.compile(
    r"\b(?:try (?:another|a different|again with)|use (?:another|a different)|contact (?:your )?(?:bank|card issuer)"
    r"|check (?:your|the) (?!\w+ and try again)\w+|please (?:enter|provide|select|choose|correct|fill|update|remove)"
    r"|enter a valid|update your|remove (?:it|the item|this item)|choose (?:another|a different)"
    r"|andere (?:karte|zahlungsart)|autre (?:carte|moyen)|(?:have|has|were|was) not been charged|not charged"
    r"|no (?:money|payment) (?:was|has been) taken)\b",
    re.I,
)
# form hints, not messages about what the customer did: "Required fields are marked *"
_HINT = re.compile(
    r"\b(?:fields?|items?) (?:marked|with) (?:an? )?(?:\*|asterisk)|\*\s*(?:indicates|denotes|means|=) (?:a )?required"
    r"|\brequired fields? (?:are|is) marked\b|^\W*(?:required|optional|pflichtfeld|obligatoire|obligatorio)\W*$",
    re.I,
)
_GENERIC_EXTRA = (
    "a problem occurred", "problem occurred", "an error occurred", "has errors", "have errors", "there were errors",
    "there are errors", "contains errors", "please try again", "try again", "error", "errors",
)


def classify(text: str, source: str = "notice") -> tuple[str, str, str]:
    """(kind, quality, why) of one message; ``source`` "field" makes a non-refusal a validation."""
    text = page_text._collapse(text or "")
    internal = next((why for why, pattern in _INTERNAL if pattern.search(text)), "")
    refused = bool(_REFUSAL.search(text)) or bool(phrase_search.find_phrases(text, wording.PAYMENT_REFUSED_PHRASES))
    validation = bool(_VALIDATION.search(text))
    declined = re.search(r"\b(?:declined|refused|rejected|insufficient|abgelehnt|refusée?|rechazad[oa])\b", text, re.I)
    if _HINT.search(text) and not internal:
        return "info", "specific", ""
    if source == "field" and not declined:
        kind = "validation"
    elif validation and not declined and not internal:
        kind = "validation"
    elif refused or internal:
        kind = "refusal"
    elif _SUCCESS.search(text):
        kind = "success"
    else:
        kind = "info"
    if internal:
        return kind, "internal", internal
    generic_phrase = phrase_search.find_phrases(text, wording.GENERIC_ERROR_PHRASES)
    if kind in ("refusal", "validation"):
        if not (_CAUSE.search(text) or _REMEDY.search(text)):
            said = generic_phrase or phrase_search.find_phrases(text, _GENERIC_EXTRA)
            return kind, "generic", "names no cause and no way out" if not said else f"says only '{_said(text)}'"
        return kind, "specific", ""
    if generic_phrase:
        return kind, "generic", f"says only '{_said(text)}'"
    return kind, "specific", ""


def _said(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


def message(text: str, source: str = "notice", at_ms: float | None = None, gone_ms: float | None = None) -> Message:
    kind, quality, why = classify(text, source)
    return Message(text, kind, quality, source, why, at_ms, gone_ms)


# ---- what a step showed ---------------------------------------------------------------------

_MAX_HEADINGS = 3


def step_messages(step: StepRecord) -> list[Message]:
    """Every message the step showed the customer, classified, deduplicated, in this order:

    field errors, notices and alerts of the end-of-step HTML, dialogs, the messages
    the watcher saw appear during the step (with their times; those still shown at
    the end are the same text as a notice and are merged into it), and, on an error
    page (HTTP 4xx/5xx), its headings and title.
    """
    return computed.memo(step, "step_messages", lambda: _step_messages(step))


def _step_messages(step: StepRecord) -> list[Message]:
    found: dict[str, Message] = {}

    def add(text: str, source: str, at_ms: float | None = None, gone_ms: float | None = None) -> None:
        text = page_text._collapse(text or "")
        if not text or len(text) > 500:
            return
        key = page_text.normalise(text)
        earlier = found.get(key)
        if earlier is None:
            found[key] = message(text, source, at_ms, gone_ms)
        elif earlier.at_ms is None and at_ms is not None:
            # the watcher saw it appear: keep when; it stayed if the snapshot still shows it
            found[key] = Message(earlier.text, earlier.kind, earlier.quality, earlier.source, earlier.why, at_ms, None)

    for form_field in step.fields:
        if form_field.visible and form_field.error:
            add(form_field.error, "field")
    for text in computed.error_texts(step):
        add(text, "notice")
    for dialog in step.dialogs:
        add(dialog.message, "dialog")
    for shown in step.messages:
        add(shown.text, "shown", shown.at_ms, shown.gone_ms)
    if error_page_status(step):
        for text in error_page_headings(step):
            add(text, "heading")
        add(_status_line(step), "heading")  # "400 error" over the heading: the status code, shown to the customer
    return list(found.values())


_STATUS_LINE = re.compile(r"^(?:error\s*)?([45]\d\d)(?:\s+error)?$", re.IGNORECASE)


def error_page_status(step: StepRecord) -> int | None:
    """The HTTP status of the error page the step ended on, or None.

    The document's own status (4xx/5xx), or, for a page rendered in the browser after one of
    the shop's requests of the step failed (a single-page shop's error boundary: "400 error"
    over the server's message, while the document itself answered 200 long before), the
    status that a line of the page states alone and that a same-origin request of the step
    answered.
    """
    if step.http_status and step.http_status >= 400:
        return step.http_status
    failed = {entry.status for entry in step.network if entry.same_origin and entry.status and entry.status >= 400}
    if not failed:
        return None
    for line in page_text.lines(step.visible_text or "")[:40]:
        match = _STATUS_LINE.match(line.strip())
        if match and int(match.group(1)) in failed:
            return int(match.group(1))
    return None


def _status_line(step: StepRecord) -> str:
    """The line of an error page that states its HTTP status alone ("400 error", "Error 502"), or ''."""
    return next((line.strip() for line in page_text.lines(step.visible_text or "")[:40]
                 if _STATUS_LINE.match(line.strip())), "")


def error_page_headings(step: StepRecord) -> list[str]:
    """The headings (h1, h2) of the step's page, else its title: what an error page says first."""
    soup = computed.soup(step)
    texts: list[str] = []
    if soup is not None:
        for tag in soup.find_all(["h1", "h2"])[:_MAX_HEADINGS]:
            text = page_text._collapse(tag.get_text(" ", strip=True))
            if text and text not in texts:
                texts.append(text)
    if not texts and step.title:
        texts.append(step.title)
    return texts


def refusal(step: StepRecord) -> Message | None:
    """The message with which the step told the customer no (a refusal, else a validation error), or None.

    The one notion of "refused" of JA102 and of the probes' outcome. An error page
    (HTTP 5xx) that says nothing recognisable still refuses: its heading is the message.
    """
    said = step_messages(step)
    for kinds in (("refusal",), ("validation",)):
        hit = next((m for m in said if m.kind in kinds), None)
        if hit is not None:
            return hit
    if step.http_status and step.http_status >= 500:
        heading = next((m for m in said if m.source == "heading"), None)
        if heading is not None:
            return Message(heading.text, "refusal", heading.quality, "heading", heading.why)
    return None
