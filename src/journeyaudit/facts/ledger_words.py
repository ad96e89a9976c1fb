"""The words and names the ledger reads: claim phrases per language, labels, journey hints, page names.

Split from :mod:`ledger` so that the words a shop may use (and an audit may
override, ``Labels``) sit apart from the code that reads them.
"""

from __future__ import annotations

import functools
import html as _html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from journeyaudit.facts import computed, page_text, structured, wording
from journeyaudit.facts import money as money_reader
from journeyaudit.facts.money import Money
from journeyaudit.model import StepRecord

# Journey hints the ledger honours (``hints:`` in a journey file): CSS selectors
# for shops whose markup the heuristics cannot read, and a default currency.
HINT_KEYS: tuple[str, ...] = (
    "total_selector",
    "subtotal_selector",
    "price_selector",
    "item_selector",
    "delivery_selector",
    "currency",
)

PAYMENT_ACCEPTED_PHRASES: tuple[str, ...] = (
    "payment received",
    "payment successful",
    "payment was successful",
    "payment accepted",
    "payment confirmed",
    "paid with",
    "zahlung erhalten",
    "zahlung erfolgreich",
    "bezahlt mit",
    "paiement reçu",
    "paiement accepté",
    "payé avec",
    "pago recibido",
    "pago aceptado",
    "pagado con",
)

PAYMENT_PENDING_PHRASES: tuple[str, ...] = (
    "payment pending",
    "awaiting payment",
    "payment is being processed",
    "zahlung ausstehend",
    "warten auf zahlung",
    "en attente de paiement",
    "paiement en attente",
    "pago pendiente",
    "pendiente de pago",
)

ORDER_CONFIRMED_PHRASES: tuple[str, ...] = (
    "order is confirmed",
    "order confirmed",
    "order has been confirmed",
    "order has been placed",
    "order placed",
    "order received",
    "order has been received",
    "status: confirmed",
    "bestellung bestätigt",
    "bestellung ist eingegangen",
    "bestellbestätigung",
    "commande confirmée",
    "commande est confirmée",
    "pedido confirmado",
    "pedido realizado",
)

ORDER_CANCELLED_PHRASES: tuple[str, ...] = (
    "order has been cancelled",
    "order has been canceled",
    "order was cancelled",
    "order was canceled",
    "order cancelled",
    "order canceled",
    "status: cancelled",
    "status: canceled",
    "bestellung wurde storniert",
    "bestellung storniert",
    "commande a été annulée",
    "commande annulée",
    "pedido ha sido cancelado",
    "pedido cancelado",
)

ORDER_FAILED_PHRASES: tuple[str, ...] = (
    "order failed",
    "order could not be placed",
    "order could not be completed",
    "could not place your order",
    "status: failed",
    "status: payment failed",
    "bestellung fehlgeschlagen",
    "bestellung konnte nicht",
    "la commande a échoué",
    "commande n'a pas pu",
    "pedido ha fallado",
    "no se pudo realizar el pedido",
)

PRE_ORDER_PHRASES: tuple[str, ...] = ("pre-order", "preorder", "vorbestellen", "vorbestellung", "précommande", "reserva", "preventa")

ADD_TO_CART_PHRASES: tuple[str, ...] = (
    "add to cart",
    "add to basket",
    "add to bag",
    "buy now",
    "in den warenkorb",
    "jetzt kaufen",
    "ajouter au panier",
    "acheter",
    "añadir al carrito",
    "añadir a la cesta",
    "comprar",
)

SOURCE_ORDER = ("element", "text", "structured_data", "data_layer", "network")


@dataclass(frozen=True)
class Labels:
    """The words a shop uses, per audit and language: the built-in EN/DE/FR/ES defaults unless given."""

    total: tuple[str, ...] = wording.TOTAL_LABELS
    subtotal: tuple[str, ...] = wording.SUBTOTAL_LABELS
    fee: tuple[str, ...] = wording.FEE_LABELS
    in_stock: tuple[str, ...] = wording.IN_STOCK_PHRASES
    out_of_stock: tuple[str, ...] = wording.OUT_OF_STOCK_PHRASES
    payment_refused: tuple[str, ...] = wording.PAYMENT_REFUSED_PHRASES
    payment_accepted: tuple[str, ...] = PAYMENT_ACCEPTED_PHRASES
    payment_pending: tuple[str, ...] = PAYMENT_PENDING_PHRASES
    order_confirmed: tuple[str, ...] = ORDER_CONFIRMED_PHRASES
    order_cancelled: tuple[str, ...] = ORDER_CANCELLED_PHRASES
    order_failed: tuple[str, ...] = ORDER_FAILED_PHRASES
    order_number_patterns: tuple[str, ...] = wording.ORDER_NUMBER_PATTERNS

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> "Labels":
        """Labels from a rule's or an audit's options (``total_labels``, ``fee_labels``...); the rest default."""
        keys = {
            "total": "total_labels", "subtotal": "subtotal_labels", "fee": "fee_labels",
            "in_stock": "in_stock_phrases", "out_of_stock": "out_of_stock_phrases",
            "payment_refused": "payment_refused_phrases", "payment_accepted": "payment_accepted_phrases",
            "payment_pending": "payment_pending_phrases", "order_confirmed": "order_confirmed_phrases",
            "order_cancelled": "order_cancelled_phrases", "order_failed": "order_failed_phrases",
            "order_number_patterns": "order_number_patterns",
        }
        given = {name: tuple(options[key]) for name, key in keys.items() if options.get(key)}
        for name, key in keys.items():  # extra_<key>: added to the list (given or default), not instead of it
            extra = [v for v in options.get("extra_" + key) or () if isinstance(v, str)]
            if extra:
                current = given.get(name, getattr(cls, name))
                given[name] = (*current, *(v for v in extra if v not in current))
        return cls(**given)


def labels_for_audit(rule_options: Mapping[str, Mapping[str, Any]]) -> Labels:
    """The labels an audit set for its rules (``rules: options: JA201: total_labels: [...]``), merged.

    The ledger in result.json then reads the shop's words the way its rules do.
    """
    merged: dict[str, Any] = {}
    for options in (rule_options or {}).values():
        for key, value in (options or {}).items():
            if isinstance(value, (list, tuple)) and value:
                merged[key] = [*merged.get(key, []), *[v for v in value if v not in merged.get(key, [])]]
    if "phrases" in (rule_options or {}).get("JA102", {}):
        merged.setdefault("payment_refused_phrases", list(rule_options["JA102"]["phrases"]))
    return Labels.from_options(merged)


# ==========================================================================
# Page helpers (shared with the rules)
# ==========================================================================

_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def page_heading(step: StepRecord) -> str:
    """The text of the page's first ``<h1>``, or ''."""
    match = _H1.search(step.html or "")
    if not match:
        return ""
    return " ".join(_html.unescape(_TAG.sub(" ", match.group(1))).split())


def product_names(step: StepRecord) -> list[str]:
    """Names a product page gives its product: its first JSON-LD offer's, then the ``<h1>``.

    Only the first offer: later ones are often related products or accessories. Read once per judged
    run (every later step asks about each product step before it).
    """
    return list(computed.memo(step, "product_names", lambda: _product_names(step)))  # a copy: callers add to it


def _product_names(step: StepRecord) -> tuple[str, ...]:
    names: list[str] = []
    for offer in structured.offers(step.structured_data):
        if offer.name:
            names.append(offer.name)
            break
    heading = page_heading(step)
    if heading and len(heading) <= 150 and page_text.normalise(heading) not in {page_text.normalise(n) for n in names}:
        names.append(heading)
    return tuple(names)


def mentions(text: str, name: str) -> bool:
    """Does ``text`` name ``name`` (case-, space- and quote-insensitive, whole words)?"""
    key = page_text.normalise(name)
    if not key:
        return False
    return page_text.word_pattern(re.escape(key)).search(page_text.normalise(text)) is not None


_SUMMARY_SETS = (wording.TOTAL_LABELS, wording.SUBTOTAL_LABELS, wording.FEE_LABELS, wording.DISCOUNT_LABELS)


def is_summary_line(line: str) -> bool:
    """A totals line ("Subtotal €39.90", "Shipping (Standard)"): never an item's row."""
    return _summary_start().match(page_text.normalise(line)) is not None


@functools.lru_cache(maxsize=1)
def _summary_start() -> re.Pattern[str]:
    """One of the summary labels, then no word character: one match instead of a startswith per label."""
    keys = {page_text.normalise(label) for labels in _SUMMARY_SETS for label in labels}
    return re.compile("(?:" + "|".join(re.escape(key) for key in sorted(keys)) + r")(?!\w)")


def shown_prices(step: StepRecord, names: list[str], window: int = 8) -> list[Money]:
    """The amounts the product page shows near the product's name (its heading), first the main one.

    Several amounts are usual: "Regular price €60.00  Sale price €54.80", "€39.90
    (€26.60 / 100 g)". Lines that are totals, fees or discounts are skipped.
    """
    text_lines = page_text.lines(step.visible_text)
    heading = page_heading(step)
    anchors = [heading] if heading else []
    anchors += [n for n in names if n not in anchors]
    for anchor in anchors:
        starts = [i for i, line in enumerate(text_lines) if page_text.normalise(line) == page_text.normalise(anchor)]
        starts = starts or [i for i, line in enumerate(text_lines) if mentions(line, anchor)]
        for start in reversed(starts):  # the heading comes after breadcrumbs that repeat the name
            found = [
                money
                for line in text_lines[start : start + window]
                if not is_summary_line(line)
                for money in money_reader.find_money(line)
                if money.amount > 0
            ]
            if found:
                return found
    return []
