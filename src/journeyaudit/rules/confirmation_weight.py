"""How much a confirmation page's gaps weigh (JA103).

A confirmation page without an order number is a receipt without its reference; how much
that hurts depends on what else the customer got:

- no acknowledgement at all (no "Thank you", "Your order has been received", no order
  number): the customer cannot tell whether the order went through: **high**;
- the page acknowledges the order but lacks the number, the total or the items: the
  customer knows it went through, but not what to quote or check: **medium**;
- only the number is missing, and the confirmation email the customer received carries the
  order's reference (Shuup's "Brew Bench - Order 2 Received"): **low**.

Pure: it reads the confirmation step's text and the captured emails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from journeyaudit.facts import phrase_search
from journeyaudit.model import EmailMessage, Evidence, Run, StepRecord
from journeyaudit.rules.evidence import quote

#: An email's subject or text can carry a shop's short order number ("Order 2 Received",
#: "Order #17") or a code after the words ("Order confirmation for #9UEP12U4EF4DA29W"), which
#: the page patterns (a code of at least three characters right after the keyword) leave out.
EMAIL_REFERENCE_PATTERNS: tuple[str, ...] = (
    r"\b(?:order|bestellung|commande|pedido)\s*(?:number|no\.?|nr\.?|n[°ºo]\.?)?\s*[:#]?\s*#?\s?(\d{1,12})\b"
    r"(?![.,]\d)(?!\s*(?:x|×|items?|products?|articles?|artikel|%))",
    r"\b(?:order|bestellung|commande|pedido)\b[^\n#]{0,40}#\s?((?=[A-Za-z0-9\-_/]*\d)[A-Za-z0-9][A-Za-z0-9\-_/]{2,})",
)


@dataclass(frozen=True)
class Weight:
    severity: str  # high | medium | low
    acknowledged: str  # the line that acknowledges the order ('' when none)
    email: EmailMessage | None = None  # the confirmation email that carries the reference
    reference: str = ""  # the reference it carries


def weigh(
    run: Run, step: StepRecord, missing: Sequence[str], thank_you_phrases: Iterable[str],
    number_patterns: Iterable[str],
) -> Weight:
    """The severity of a confirmation step that lacks ``missing`` ("an order number", "the order total", ...)."""
    text = step.visible_text
    said = phrase_search.find_phrases(text, thank_you_phrases)
    number = phrase_search.order_number(text, number_patterns)
    if not said and not number:
        return Weight("high", "")
    acknowledged = said[0] if said else number or ""
    found = email_reference(run, step, number_patterns)
    if found is not None and list(missing) == ["an order number"]:
        return Weight("low", acknowledged, *found)
    if found is not None:
        return Weight("medium", acknowledged, *found)
    return Weight("medium", acknowledged)


def email_reference(
    run: Run, step: StepRecord, number_patterns: Iterable[str]
) -> tuple[EmailMessage, str] | None:
    """The first email received from ``step`` on whose subject or text carries an order reference."""
    patterns = _compiled((*number_patterns, *EMAIL_REFERENCE_PATTERNS))
    for message in run.emails:
        if message.step is not None and message.step < step.index:
            continue
        for text in (message.subject, message.text):
            for line in text.splitlines():
                match = next((m for m in (p.search(line) for p in patterns) if m), None)
                if match:
                    return message, (match.group(1) if match.re.groups else match.group(0)).strip().lstrip("#")
    return None


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


def evidence(weight: Weight, step: StepRecord) -> list[Evidence]:
    """What the weight rests on: the acknowledging line, and the email that carries the reference."""
    out: list[Evidence] = []
    if weight.acknowledged:
        out.append(Evidence("text", f"What {step.label} acknowledges", weight.acknowledged, step.index))
    if weight.email is not None:
        out.append(Evidence("email", "Confirmation email with the order's reference",
                            f"{weight.email.subject} ({weight.reference})", weight.email.step))
    return out


def note(weight: Weight, missing: Sequence[str]) -> str:
    """What the finding's message adds about the weight (nothing when the page shows the order number)."""
    if not weight.acknowledged:
        return ", and nothing on it acknowledges the order: the customer cannot tell whether it went through"
    if "an order number" not in missing:
        return ""
    text = f" (it does say '{quote(weight.acknowledged, 80)}')"
    if weight.email is not None:
        text += f"; the confirmation email '{quote(weight.email.subject, 80)}' carries the reference " \
            f"'{quote(weight.reference, 40)}'"
    return text
