"""A card number typed into a field whose selector says nothing: found by looking at the field.

``spec/cards.py`` marks a card-like number secret when the fill's selector names a
card field or the step is the payment step. A journey may type it into ``#f3`` at
a "review" step: then the fill is only ``maybe_card``, and after the fill the
field the browser touched decides (its autocomplete, name, id, label, placeholder).
A card field found that way makes the value secret from then on: in memory now,
and on disk through the journey's secrets, which the run saves with.
"""

from __future__ import annotations

import re
from typing import Any

from journeyaudit import model
from journeyaudit.history.store import Redactor
from journeyaudit.spec.cards import CARD_FIELD, card_warning

# "1234 1234 1234 1234", "•••• •••• •••• ••••": the placeholder of a card number field
_CARD_PLACEHOLDER = re.compile(r"^\s*(?:[0-9•*xX]{4}[\s-]?){3}[0-9•*xX]{1,7}\s*$")


def is_card_field(target: dict[str, Any]) -> bool:
    """The field a fill touched (actions._describe) is meant for a card number."""
    if str(target.get("autocomplete", "")).lower().startswith("cc-"):
        return True
    if _CARD_PLACEHOLDER.match(str(target.get("placeholder", ""))):
        return True
    return any(CARD_FIELD.search(str(target.get(key, ""))) for key in ("name", "id", "label", "placeholder"))


def secret_from_now(action: model.Action, redactor: Redactor) -> Redactor:
    """Mark ``action``'s value secret; the redactor to use from now on (one that knows it)."""
    action.secret = True
    return redactor.with_secret(str(action.params.get("value", "")))


def warning(path: str, action: model.Action) -> str:
    return card_warning(path, action) + " (the field was recognised when the journey ran)"
