"""Evidence and quoting helpers shared by the rule modules: page lines, short quotes, sentence endings."""

from __future__ import annotations

from decimal import Decimal

from journeyaudit.facts import computed, page_text
from journeyaudit.model import Evidence, LedgerFact, StepRecord


def page_evidence(step: StepRecord, max_lines: int = 6) -> list[Evidence]:
    """What the customer saw on a step: where, the HTTP status, what it said, the screenshot.

    "What it said" is the page's error and notice messages when it shows any; the
    first lines of a page are usually its header (free returns, the logo, the
    cart link), which tells a reader nothing about why the customer was stuck.
    """
    evidence = [Evidence("url", f"Page at {step.label}", step.url, step.index)] if step.url else []
    if step.http_status and step.http_status >= 400:
        evidence.append(Evidence("request", "HTTP status of the page", str(step.http_status), step.index))
    shown = computed.error_texts(step)
    if shown:
        evidence.append(Evidence("text", "Message shown to the customer", "\n".join(shown[:max_lines]), step.index))
    else:
        text_lines = page_text.lines(step.visible_text)
        if text_lines:
            evidence.append(Evidence("text", "What the page said", "\n".join(text_lines[:max_lines]), step.index))
    if step.screenshot:
        evidence.append(Evidence("screenshot", f"Screenshot of {step.label}", step.screenshot, step.index))
    return evidence


def full_stop(text: str) -> str:
    """A message ending in a quote that ends a sentence needs no extra full stop."""
    return text if text.rstrip("'\"”’").endswith((".", "!", "?", "…")) else text + "."


def quote(text: str, limit: int = 200) -> str:
    """Page text for a message: verbatim, shortened with an ellipsis when long."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def money_text(fact: LedgerFact) -> str:
    """A ledger amount as a customer reads it: '€4.90', '12.00 CHF'."""
    amount = Decimal(fact.amount or 0)
    symbol = {"EUR": "€", "USD": "$", "GBP": "£"}.get(fact.currency or "", "")
    return f"{symbol}{amount:,.2f}" if symbol else f"{amount:,.2f} {fact.currency or ''}".strip()
