"""The demo shop's payment provider in test mode: which card numbers it declines.

The shop is a separate program from journeyaudit and imports nothing from it: like any shop
in test mode, it knows its payment providers' documented decline cards (Stripe, Adyen by the
name on the card, Braintree) and one generic card of its own.
"""

from __future__ import annotations

import re

#: (digits, name on the card or None for any name, the refusal reason)
DECLINED: tuple[tuple[str, str | None, str], ...] = (
    ("4000000000000002", None, "generic decline"),  # Stripe: generic decline
    ("4000000000009995", None, "insufficient funds"),  # Stripe: insufficient funds
    ("4000000000009987", None, "lost card"),  # Stripe: lost card
    ("4000000000000069", None, "expired card"),  # Stripe: expired card
    ("4000000000000119", None, "processing error"),  # Stripe: processing error
    ("4111111145551142", "DECLINED", "refused"),  # Adyen: refused by the name on the card
    ("4111111145551142", "CARD_EXPIRED", "expired card"),  # Adyen: expired card
    ("4000111111111115", None, "processor declined"),  # Braintree: Visa, processor declined
    ("5105105105105100", None, "processor declined"),  # Braintree: Mastercard, processor declined
    ("4716108999716408", None, "do not honour"),  # generic: do not honour
)


def decline_reason(number: str, holder_name: str = "") -> str | None:
    """Why the provider's test mode refuses this card (and name on card, for Adyen); None: it works."""
    digits = re.sub(r"[\s-]", "", number or "")
    name = (holder_name or "").strip().upper()
    for card_digits, holder, reason in DECLINED:
        if card_digits == digits and (holder is None or holder == name):
            return reason
    return None
