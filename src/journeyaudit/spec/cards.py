"""Card numbers typed without ``secret: true``: found, treated as secret, and warned about.

A journey that types a payment card number into a card field but forgot
``secret: true`` would otherwise write the number into traces, reports and
screenshots. A value of 13 to 19 digits (spaces or dashes allowed) that passes
the Luhn check, typed by a ``fill`` whose selector names a card field or in a
``payment`` step, is marked secret, and the journey carries a warning that
``journeyaudit run`` and ``check`` print. Typed into a field whose selector says
nothing (``#f3``), the fill is marked ``maybe_card``: when the journey runs, the
field itself is looked at (``gather/card_fields.py``). An explicit
``secret: false`` is respected.
"""

from __future__ import annotations

import re

from journeyaudit import model

# Selectors that name a card-number field, in the languages shops use most.
CARD_FIELD = re.compile(
    r"card|cc[-_ ]?(?:num|number|no\b)|ccnum|credit|kreditkarte|karten|carte|tarjeta|cart[aã]o|\bpan\b", re.IGNORECASE
)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum every payment card number carries."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def looks_like_card_number(value: object) -> bool:
    """13 to 19 digits, spaces or dashes between them allowed, that pass the Luhn check."""
    compact = re.sub(r"[\s-]", "", str(value or ""))
    return compact.isascii() and compact.isdigit() and 13 <= len(compact) <= 19 and luhn_valid(compact)


def card_like(selector: object, role: str) -> bool:
    """A field meant for a card number: its selector says so, or the step is the payment step."""
    return role == "payment" or bool(CARD_FIELD.search(str(selector or "")))


def mark_card_numbers(journey: model.Journey, explicit: set[int]) -> list[str]:
    """Mark unmarked card-number fills secret; one warning per fill. ``explicit``: ids of actions with a secret key."""
    warnings = []
    for step in journey.steps:
        for action in step.actions:
            if action.name != "fill" or action.secret or id(action) in explicit:
                continue
            if not looks_like_card_number(action.params.get("value")):
                continue
            if not card_like(action.params.get("selector"), step.role):
                action.maybe_card = True  # the field itself is looked at when the journey runs (gather/card_fields.py)
                continue
            action.secret = True
            warnings.append(card_warning(journey.path, action))
    return warnings


def card_warning(path: str, action: model.Action) -> str:
    """What run and check print about a card number typed without ``secret: true`` (never the number)."""
    return (
        f"{path}:{action.line}: the value typed into {action.params.get('selector')!s:.80} "
        "looks like a card number; it is treated as secret. Add `secret: true` to this fill to say so."
    )
