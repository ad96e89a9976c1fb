"""What the email rules share: phrase lists and how to read the mailbox against the pages.

Read by :mod:`ja7xx_email` and JA104 in :mod:`ja1xx_journey`. Pure, like them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from journeyaudit.facts import computed, label_pairs, phrase_search
from journeyaudit.model import EmailMessage, Evidence, Run, StepRecord
from journeyaudit.rules.evidence import quote

# ---- phrase lists (English, German, French, Spanish); audits extend them per shop ----

CONFIRMATION_PHRASES: tuple[str, ...] = (
    "order confirmation", "order confirmed", "is confirmed", "thank you for your order", "thanks for your order",
    "bestellbestätigung", "bestellung bestätigt", "vielen dank für ihre bestellung",
    "confirmation de commande", "commande confirmée", "merci pour votre commande",
    "confirmación del pedido", "pedido confirmado", "gracias por tu pedido", "gracias por su pedido",
)

CANCELLATION_PHRASES: tuple[str, ...] = (
    "cancelled", "canceled", "cancellation", "storniert", "stornierung", "annulée", "annulé", "annulation",
    "cancelado", "cancelada", "cancelación",
)

#: Confirmation-tone text that contradicts an order that was cancelled.
CHEERFUL_PHRASES: tuple[str, ...] = (
    "thank you for your order", "thanks for your order", "enjoy your", "we hope you enjoy", "on its way",
    "getting it ready", "has shipped", "vielen dank für ihre bestellung", "danke für ihre bestellung", "viel freude",
    "ist unterwegs", "merci pour votre commande", "est en route", "profitez de", "gracias por tu pedido",
    "gracias por su pedido", "disfruta", "está en camino",
)

#: Words that put a cancellation phrase on a page about the order, not about something else.
ORDER_WORDS: tuple[str, ...] = ("status", "order", "bestellung", "statut", "commande", "estado", "pedido")

UNSUBSCRIBE_PHRASES: tuple[str, ...] = (
    "unsubscribe", "abmelden", "abbestellen", "se désabonner", "désabonner", "se désinscrire", "désinscrire",
    "darse de baja", "darte de baja", "cancelar la suscripción", "cancelar suscripción",
)

UNSUBSCRIBED_PHRASES: tuple[str, ...] = (
    "you have been unsubscribed", "you've been unsubscribed", "you are unsubscribed", "unsubscribed successfully",
    "successfully unsubscribed", "erfolgreich abgemeldet", "sie wurden abgemeldet", "abmeldung bestätigt",
    "vous êtes désabonné", "vous avez été désabonné", "désinscription confirmée", "te has dado de baja",
    "se ha dado de baja", "baja confirmada",
)

MARKETING_PHRASES: tuple[str, ...] = ("newsletter", "you get this because you subscribed", "abonniert", "boletín")

PASSWORD_RESET = {
    "name": "password reset",
    "page_phrases": [
        "we've sent you a link to reset your password", "we have sent you a link to reset your password",
        "password reset link has been sent", "check your email for a reset link",
        "wir haben ihnen einen link zum zurücksetzen", "nous vous avons envoyé un lien de réinitialisation",
        "te hemos enviado un enlace para restablecer",
    ],
    "email_phrases": [
        "reset your password", "password reset", "passwort zurücksetzen", "réinitialiser votre mot de passe",
        "restablecer tu contraseña", "restablecer su contraseña",
    ],
}


# --------------------------------------------------------------------------
# shared helpers
# --------------------------------------------------------------------------


def says(message: EmailMessage, phrases: list[str] | tuple[str, ...]) -> list[str]:
    return phrase_search.find_phrases(f"{message.subject}\n{message.text}", phrases)


def step_label(run: Run, index: int | None) -> str:
    step = next((s for s in run.steps if s.index == index), None)
    return step.label if step else "the end of the journey"


def end_time(run: Run) -> float:
    ran = [s for s in run.steps if s.status != "skipped" and s.started_at]
    if not ran:
        return 0.0
    last = ran[-1]
    end = last.started_at + (last.duration_ms or 0) / 1000
    return max([end, *(m.received_at for m in run.emails)])


def watched_seconds(run: Run, since: float) -> float:
    """How long the journey kept reading its inbox after ``since`` (unix time)."""
    return max(0.0, end_time(run) - since)


def step_end(step: StepRecord) -> float:
    return step.started_at + (step.duration_ms or 0) / 1000


def email_evidence(message: EmailMessage, label: str = "Email") -> Evidence:
    return Evidence("email", f"{label}, received after {label_short(message)}", quote(message.subject), message.step)


def label_short(message: EmailMessage) -> str:
    return f"step {message.step}" if message.step is not None else "the journey"


def seconds_text(value: float) -> str:
    return f"{value:.0f} s" if value >= 10 else f"{value:.1f} s"


def is_marketing(message: EmailMessage, options: Mapping[str, Any]) -> bool:
    """A mailing rather than a transactional message: list headers, bulk precedence or an unsubscribe offer."""
    headers = {k.lower(): v for k, v in message.headers.items()}
    if "list-id" in headers or "list-unsubscribe" in headers:
        return True
    if headers.get("precedence", "").strip().lower() in ("bulk", "list"):
        return True
    return bool(says(message, list(options["unsubscribe_phrases"]) + list(options["marketing_phrases"])))


def order_number(run: Run) -> tuple[StepRecord, str] | None:
    for step in reversed(run.steps):
        if step.role == "confirmation" and step.status == "passed":
            number = phrase_search.order_number(step.visible_text)
            if number:
                return step, number
    return None


def cancelled_at(run: Run, options: Mapping[str, Any]) -> tuple[StepRecord, str] | None:
    """The first step whose page says the order is cancelled, with the line that says so."""
    number = order_number(run)
    phrases = options["cancellation_phrases"]
    for step in run.steps:
        if step.status == "skipped" or step.role == "email" and not step.visible_text:
            continue
        for line in phrase_search.find_phrases(step.visible_text, phrases):
            about_order = phrase_search.find_phrases(line, ORDER_WORDS) or (number and number[1] in line)
            if about_order and len(line) <= 200:
                return step, line
        # "Status" and "Cancelled" apart: a definition list, a table, a label beside its value
        for pair in [*computed.label_value_pairs(step), *label_pairs.text_pairs(step.visible_text)]:
            if phrase_search.find_phrases(pair.label, ORDER_WORDS) and phrase_search.find_phrases(pair.value, phrases):
                return step, pair.line
        badge = _status_badge(step.visible_text, number[1] if number else "", phrases)
        if badge:
            return step, badge
    return None


_BADGE_LINES = 3  # how far from the order's number a status badge may stand (lines of visible text)


def _status_badge(text: str, number: str, phrases: Any) -> str:
    """A badge that says only "Cancelled", a few lines from the order's number; the two as one line, or ''.

    An order history's card ("Order number" / "6ZQR8FTAFSW79942" / "CANCELLED"): the
    status stands alone, with no "Status" label, beside the number the confirmation showed.
    """
    if not number:
        return ""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    for at, line in enumerate(lines):
        if len(line.split()) > 2 or not phrase_search.find_phrases(line, phrases):
            continue
        near = lines[max(0, at - _BADGE_LINES): at + _BADGE_LINES + 1]
        if any(number in other for other in near):
            return f"{number}: {line}"
    return ""
