"""Pure helpers over recorded form fields (model.FormField) for the form rules.

What a field is for (card number, postcode...), how a report names it, whether
the page flagged it, and which fields of two steps are the same control.
Word lists cover English, German, French and Spanish; rules expose them as options.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from journeyaudit.model import FormField, StepRecord

# Controls that take no typed or chosen value.
NOT_FIELDS = frozenset({"submit", "button", "reset", "image", "hidden", "file"})
TOGGLES = frozenset({"checkbox", "radio"})

# Card fields by purpose; autocomplete tokens first, then these words in name/id/label/placeholder.
CARD_TOKENS: dict[str, str] = {
    "cc-name": "name",
    "cc-given-name": "name",
    "cc-family-name": "name",
    "cc-number": "number",
    "cc-exp": "expiry",
    "cc-exp-month": "expiry",
    "cc-exp-year": "expiry",
    "cc-csc": "security_code",
}
CARD_WORDS: dict[str, list[str]] = {
    "number": [r"card ?num", r"cc ?num", r"cardnumber", r"card number", r"kartennummer", r"num[ée]ro de (la )?carte",
               r"n[úu]mero de (la )?tarjeta"],
    "security_code": [r"cvc", r"cvv", r"csc", r"security ?code", r"pr[üu]fnummer", r"sicherheitscode", r"kartenpr[üu]fnummer",
                      r"cryptogramme", r"c[óo]digo de seguridad"],
    "expiry": [r"expiry", r"expiration", r"exp ?date", r"cc ?exp", r"card ?exp", r"mm ?/ ?yy", r"ablaufdatum", r"g[üu]ltig bis",
               r"date d.expiration", r"caducidad", r"vencimiento", r"fecha de expiraci[óo]n"],
    "name": [r"name on (the )?card", r"card ?holder", r"cardholder", r"card ?name", r"cc ?name", r"karteninhaber",
             r"nom (du|sur la) (titulaire|carte)", r"titulaire", r"titular", r"nombre (en|del titular de) la tarjeta"],
}

# Every autofill field name of the HTML standard (the last token of an autocomplete value).
AUTOFILL_TOKENS = frozenset(
    """name honorific-prefix given-name additional-name family-name honorific-suffix nickname username
    new-password current-password one-time-code organization-title organization street-address address-line1
    address-line2 address-line3 address-level4 address-level3 address-level2 address-level1 country country-name
    postal-code cc-name cc-given-name cc-additional-name cc-family-name cc-number cc-exp cc-exp-month cc-exp-year
    cc-csc cc-type transaction-currency transaction-amount language bday bday-day bday-month bday-year sex url photo
    tel tel-country-code tel-national tel-area-code tel-local tel-local-prefix tel-local-suffix tel-extension email
    impp""".split()
)


def words(field: FormField) -> str:
    """name, id, label and placeholder as one lower-case phrase ("postal_code" -> "postal code")."""
    raw = " ".join((field.name, field.id, field.label, field.placeholder))
    raw = re.sub(r"([a-z])([A-Z])", r"\1 \2", raw)
    return " ".join(re.sub(r"[_\-\[\].]+", " ", raw).lower().split())


def _matches(text: str, patterns: Iterable[str]) -> bool:
    patterns = tuple(patterns)
    combined = _combined(patterns)
    if combined is not None:
        return combined.search(text) is not None
    return any(re.search(r"(?<!\w)(?:" + p + r")(?!\w)", text) for p in patterns if p)


@lru_cache(maxsize=256)
def _combined(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    """The patterns as one alternation (the same matches as trying each); None where that could differ."""
    kept = [p for p in patterns if p]
    if not kept or any(_BACKREFERENCE.search(p) for p in kept):
        return None  # group numbers would shift
    try:
        return re.compile(r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in kept) + r")(?!\w)")
    except re.error:  # e.g. an inline flag that only works at the start: keep the one-by-one search
        return None


_BACKREFERENCE = re.compile(r"\\[1-9]|\(\?P=|\\g<")


def autocomplete_tokens(field: FormField) -> list[str]:
    return [t for t in field.autocomplete.lower().split() if t != "webauthn"]


def card_kind(field: FormField, card_words: Mapping[str, Iterable[str]] = CARD_WORDS) -> str | None:
    """'number', 'expiry', 'security_code' or 'name' for a payment-card field, else None."""
    tokens = autocomplete_tokens(field)
    if tokens and tokens[-1] in CARD_TOKENS:
        return CARD_TOKENS[tokens[-1]]
    if field.type in TOGGLES or field.type in NOT_FIELDS:
        return None
    text = words(field)
    for kind in ("number", "security_code", "expiry", "name"):
        if _matches(text, card_words.get(kind, ())):
            return kind
    return None


def purpose(field: FormField, purposes: Mapping[str, Iterable[str]], card_words: Mapping[str, Iterable[str]] = CARD_WORDS) -> str | None:
    """The autofill token a field should carry: a card token, or the first of ``purposes`` whose words it matches."""
    if field.type in TOGGLES or field.type in NOT_FIELDS or field.type in ("password", "search"):
        return None
    kind = card_kind(field, card_words)
    if kind is not None:
        return {"name": "cc-name", "number": "cc-number", "expiry": "cc-exp", "security_code": "cc-csc"}[kind]
    if field.type == "email":
        return "email"
    if field.type == "tel":
        return "tel"
    text = words(field)
    for token, patterns in purposes.items():
        if _matches(text, patterns):
            return token
    return None


def is_field(field: FormField) -> bool:
    """A visible control the customer types into, chooses from or ticks."""
    return field.visible and field.type not in NOT_FIELDS


def key(field: FormField) -> tuple[str, str, str]:
    """Identity of a control across steps: the same form re-shown has the same name and id."""
    if field.name or field.id:
        return (field.tag, field.name, field.id)
    return (field.tag, "", field.label or field.placeholder)


def title(field: FormField) -> str:
    """How a report names a field: its label, else its placeholder, else its name."""
    for text in (field.label, field.placeholder, field.name, field.id):
        text = " ".join((text or "").split())
        if text:
            return text if len(text) <= 60 else text[:59] + "…"
    return field.tag


def flagged(field: FormField) -> bool:
    """Did the page mark this field as wrong (aria-invalid, or an error text tied to it)?"""
    return field.invalid or bool(field.error.strip())


def arrived(step: StepRecord) -> list[FormField]:
    """The fields as the step's page first showed them (before the journey filled anything), else at its end."""
    return step.arrival_fields or step.fields


def by_key(step: StepRecord, *, arrival: bool = False) -> dict[tuple[str, str, str], FormField]:
    """Visible fields of a step by identity: at its end, or (``arrival``) as the page first showed them."""
    found: dict[tuple[str, str, str], FormField] = {}
    for field in arrived(step) if arrival else step.fields:
        if is_field(field):
            found.setdefault(key(field), field)
    return found


def submitted(step: StepRecord) -> bool:
    """Did the step start by clicking or pressing something (a submit), rather than by a goto?"""
    return any(action.name in ("click", "press") for action in step.actions)
