"""Pure helpers that read customer-facing facts from recorded pages.

Rules use these to find what a customer saw: amounts of money, the order total,
fee lines, stock claims, error texts, the order number, and the offers a page
declares in JSON-LD. Everything here is a pure function over text, HTML or
parsed JSON: no browser, no network, no files, and no Playwright or Jinja2.

Text heuristics are module-level tuples (``TOTAL_LABELS``, ``FEE_LABELS``,
``OUT_OF_STOCK_PHRASES``...). Rules pass them in and an audit may extend them
for its shop and language; matching is case-insensitive and whitespace-normalised.

Money is parsed without knowing the locale: the decimal separator is inferred
from the digits (``1.299,00`` and ``1,299.00`` are both 1299.00; a single
separator followed by exactly three digits is a thousands separator). Only
numbers next to a currency marker (symbol or ISO code) count as money, so
dates, quantities, postcodes, phone and card numbers are never amounts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

__all__ = [
    "DISCOUNT_LABELS",
    "FEE_LABELS",
    "GENERIC_ERROR_PHRASES",
    "IN_STOCK_PHRASES",
    "ORDER_NUMBER_PATTERNS",
    "OUT_OF_STOCK_PHRASES",
    "PAYMENT_REFUSED_PHRASES",
    "SUBTOTAL_LABELS",
    "TOTAL_LABELS",
    "Money",
    "Offer",
    "error_texts",
    "fee_lines",
    "find_money",
    "find_phrases",
    "find_total",
    "in_stock",
    "labelled_amounts",
    "lines",
    "normalise",
    "offers",
    "order_number",
    "out_of_stock",
    "parse_amount",
    "parse_money",
    "same_currency",
]

# ==========================================================================
# Default label and phrase lists (callers may extend them)
# ==========================================================================

TOTAL_LABELS: tuple[str, ...] = (
    # en
    "Total",
    "Order total",
    "Grand total",
    "Total due",
    "Total due today",
    "Amount due",
    "Total (incl. VAT)",
    "Total incl. VAT",
    "Total including VAT",
    "Total (incl. tax)",
    "Total to pay",
    "Total payable",
    "Amount to pay",
    "Total amount",
    "Estimated total",
    "Total price",
    "Order amount",
    # de
    "Gesamtsumme",
    "Gesamtbetrag",
    "Gesamtpreis",
    "Gesamt",
    "Summe",
    "Endsumme",
    "Endbetrag",
    "Bestellsumme",
    "Rechnungsbetrag",
    "Zu zahlen",
    "Zu zahlender Betrag",
    "Gesamtsumme (inkl. MwSt.)",
    # fr
    "Total TTC",
    "Montant total",
    "Total à payer",
    "Montant à payer",
    "Total de la commande",
    # es
    "Importe total",
    "Total a pagar",
    "Importe a pagar",
    "Total del pedido",
    "Total (IVA incluido)",
)

SUBTOTAL_LABELS: tuple[str, ...] = (
    # en
    "Subtotal",
    "Sub-total",
    "Sub total",
    "Items subtotal",
    "Item subtotal",
    "Cart subtotal",
    "Merchandise subtotal",
    "Order subtotal",
    "Total before tax",
    "Total excl. VAT",
    "Total (excl. VAT)",
    "Total excluding VAT",
    "Total ex VAT",
    "Net total",
    "Total net",
    "Items total",
    # de
    "Zwischensumme",
    "Teilsumme",
    "Warenwert",
    "Summe netto",
    "Nettosumme",
    "Gesamt netto",
    "Gesamtsumme netto",
    # fr
    "Sous-total",
    "Sous total",
    "Total HT",
    "Montant HT",
    # es
    "Total sin IVA",
    "Base imponible",
)

FEE_LABELS: tuple[str, ...] = (
    # en: shipping and delivery
    "Shipping",
    "Shipping cost",
    "Shipping costs",
    "Shipping fee",
    "Shipping & handling",
    "Shipping and handling",
    "Estimated shipping",
    "Shipping insurance",
    "Delivery",
    "Delivery fee",
    "Delivery charge",
    "Delivery costs",
    "Postage",
    "Postage & packing",
    "P&P",
    # en: service, handling, payment
    "Service fee",
    "Service charge",
    "Handling",
    "Handling fee",
    "Payment fee",
    "Payment surcharge",
    "Card fee",
    "Card surcharge",
    "Credit card fee",
    "Processing fee",
    "Booking fee",
    "Convenience fee",
    "Transaction fee",
    "Small order fee",
    "Small order surcharge",
    "Minimum order fee",
    "Packaging fee",
    # en: taxes and duties
    "Tax",
    "Taxes",
    "Sales tax",
    "Estimated tax",
    "Total tax",
    "VAT",
    "Duties",
    "Import duties",
    "Duties & taxes",
    "Customs",
    # de
    "Versand",
    "Versandkosten",
    "Versandgebühr",
    "Lieferung",
    "Lieferkosten",
    "Liefergebühr",
    "Servicegebühr",
    "Bearbeitungsgebühr",
    "Zahlungsgebühr",
    "Zahlartgebühr",
    "Nachnahmegebühr",
    "Mindermengenzuschlag",
    "Verpackungskosten",
    "MwSt.",
    "Mehrwertsteuer",
    "USt.",
    "Umsatzsteuer",
    "Zoll",
    # fr
    "Livraison",
    "Frais de livraison",
    "Frais de port",
    "Expédition",
    "Frais d'expédition",
    "Frais de service",
    "Frais de traitement",
    "Frais de paiement",
    "Frais de dossier",
    "Frais de gestion",
    "TVA",
    "Droits de douane",
    # es
    "Envío",
    "Gastos de envío",
    "Coste de envío",
    "Costo de envío",
    "Entrega",
    "Gastos de gestión",
    "Tarifa de servicio",
    "Cargo por servicio",
    "Comisión",
    "Comisión de pago",
    "Recargo",
    "IVA",
    "Impuestos",
)

DISCOUNT_LABELS: tuple[str, ...] = (
    "Discount",
    "Discounts",
    "Coupon",
    "Voucher",
    "Promo code",
    "Promotion",
    "Gift card",
    "Store credit",
    "Savings",
    "Total savings",
    "Total discount",
    "You save",
    "You saved",
    "Rabatt",
    "Gutschein",
    "Ersparnis",
    "Sie sparen",
    "Remise",
    "Réduction",
    "Code promo",
    "Bon de réduction",
    "Descuento",
    "Cupón",
    "Ahorro",
)

OUT_OF_STOCK_PHRASES: tuple[str, ...] = (
    # en
    "out of stock",
    "sold out",
    "no longer available",
    "currently unavailable",
    "temporarily unavailable",
    "not available",
    "item is unavailable",
    "item unavailable",
    "items are unavailable",
    "product is unavailable",
    "product unavailable",
    "unavailable items",
    "not in stock",
    "no longer in stock",
    "insufficient stock",
    "not enough stock",
    "removed from your cart",
    "removed from your basket",
    "removed from your order",
    "has been removed from your cart",
    "could not be added to your cart",
    "cancelled due to stock",
    "notify me when available",
    "notify me when back in stock",
    "email me when available",
    "email me when back in stock",
    "back-ordered",
    # de
    "nicht verfügbar",
    "nicht mehr verfügbar",
    "derzeit nicht verfügbar",
    "nicht auf lager",
    "nicht vorrätig",
    "nicht lieferbar",
    "ausverkauft",
    "vergriffen",
    "aus dem warenkorb entfernt",
    # fr
    "rupture de stock",
    "en rupture",
    "épuisé",
    "épuisée",
    "indisponible",
    "non disponible",
    "pas disponible",
    "plus disponible",
    "n'est plus disponible",
    "retiré de votre panier",
    # es
    "agotado",
    "agotada",
    "sin stock",
    "sin existencias",
    "no disponible",
    "fuera de stock",
    "eliminado de tu carrito",
    "eliminado de su carrito",
)

IN_STOCK_PHRASES: tuple[str, ...] = (
    # en
    "in stock",
    "available",
    "available now",
    "ships in",
    "ships within",
    "ships today",
    "ready to ship",
    "left in stock",
    # de
    "auf lager",
    "vorrätig",
    "lieferbar",
    "sofort lieferbar",
    "verfügbar",
    # fr
    "en stock",
    "disponible",
    "expédié sous",
    # es
    "disponible",
    "en existencia",
    "hay existencias",
)

GENERIC_ERROR_PHRASES: tuple[str, ...] = (
    # en
    "something went wrong",
    "something has gone wrong",
    "an error occurred",
    "an error has occurred",
    "an unknown error",
    "unknown error",
    "unexpected error",
    "an unexpected error",
    "error processing request",
    "error processing your request",
    "there was an error",
    "there was a problem",
    "oops",
    "please try again later",
    "try again later",
    "internal server error",
    "server error",
    "error 500",
    "http 500",
    "500 error",
    "bad gateway",
    "service unavailable",
    "gateway timeout",
    "request failed",
    # de
    "etwas ist schiefgelaufen",
    "etwas ist schief gelaufen",
    "ein fehler ist aufgetreten",
    "es ist ein fehler aufgetreten",
    "unbekannter fehler",
    "unerwarteter fehler",
    "bitte versuchen sie es später erneut",
    "hoppla",
    # fr
    "une erreur est survenue",
    "une erreur s'est produite",
    "erreur inconnue",
    "erreur inattendue",
    "veuillez réessayer plus tard",
    "oups",
    # es
    "se ha producido un error",
    "ha ocurrido un error",
    "algo salió mal",
    "error desconocido",
    "error inesperado",
    "inténtelo de nuevo más tarde",
    "inténtalo de nuevo más tarde",
)

PAYMENT_REFUSED_PHRASES: tuple[str, ...] = (
    # en
    "payment declined",
    "payment was declined",
    "payment has been declined",
    "card was declined",
    "card has been declined",
    "card declined",
    "declined by your bank",
    "payment failed",
    "payment unsuccessful",
    "payment was unsuccessful",
    "payment was refused",
    "payment refused",
    "payment could not be processed",
    "payment could not be completed",
    "could not process your payment",
    "couldn't process your payment",
    "unable to process your payment",
    "payment details couldn't be verified",
    "error processing request",
    "transaction declined",
    "transaction was declined",
    "transaction failed",
    "insufficient funds",
    "authorization failed",
    "authorisation failed",
    # de
    "zahlung fehlgeschlagen",
    "zahlung ist fehlgeschlagen",
    "zahlung abgelehnt",
    "zahlung wurde abgelehnt",
    "karte abgelehnt",
    "karte wurde abgelehnt",
    "zahlung konnte nicht",
    # fr
    "paiement refusé",
    "paiement a été refusé",
    "paiement a échoué",
    "échec du paiement",
    "carte refusée",
    "carte a été refusée",
    # es
    "pago rechazado",
    "pago ha sido rechazado",
    "pago ha fallado",
    "tarjeta rechazada",
    "tarjeta ha sido rechazada",
    "no se pudo procesar el pago",
)

# An order number: a token of letters, digits, '-', '_' or '/' with at least one
# digit and at least three characters, after one of these keywords. The first
# group of each pattern is the number.
_ORDER_TOKEN = r"#?\s?((?=[A-Za-z0-9\-_/]*\d)[A-Za-z0-9][A-Za-z0-9\-_/]{2,})(?![\w\-/])"
ORDER_NUMBER_PATTERNS: tuple[str, ...] = (
    # en
    r"\border\s*(?:number|no\.?|nr\.?|num\.?|id|reference|ref\.?|code)?\s*[:#]?\s*" + _ORDER_TOKEN,
    r"\b(?:confirmation|reference|booking)\s*(?:number|no\.?|code|id)?\s*[:#]\s*" + _ORDER_TOKEN,
    r"\b(?:confirmation|reference)\s+(?:number|no\.?|code)\s*:?\s*" + _ORDER_TOKEN,
    # de
    r"\b(?:bestellnummer|bestell-nr\.?|bestellnr\.?|auftragsnummer|auftrags-nr\.?|bestellung|auftrag)"
    r"\s*(?:nr\.?|#)?\s*[:#]?\s*" + _ORDER_TOKEN,
    # fr
    r"(?:num[ée]ro|n[°ºo]\.?)\s*de\s*commande\s*[:#]?\s*" + _ORDER_TOKEN,
    r"\bcommande\s*(?:n[°ºo]\.?|num[ée]ro)?\s*[:#]?\s*" + _ORDER_TOKEN,
    # es
    r"(?:n[úu]mero|n\.?[ºo°]\.?)\s*de\s*pedido\s*[:#]?\s*" + _ORDER_TOKEN,
    r"\bpedido\s*(?:n\.?[ºo°]\.?|n[úu]mero)?\s*[:#]?\s*" + _ORDER_TOKEN,
)

# ==========================================================================
# Text basics
# ==========================================================================

_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\u2028\u2029\x85]")
_SPACES = re.compile(r"\s+")


def _collapse(text: str) -> str:
    return _SPACES.sub(" ", text).strip()


def normalise(text: str) -> str:
    """Casefold and collapse whitespace, for comparisons (NFKC, curly quotes made straight)."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u02bc", "'")
    return _collapse(text.casefold())


def lines(text: str) -> list[str]:
    """Visible text -> stripped, non-empty lines, inner whitespace collapsed to one space."""
    return [line for line in (_collapse(raw) for raw in _LINE_BREAK.split(text or "")) if line]


def _cell_lines(text: str) -> list[str]:
    """Like :func:`lines`, but keeps tabs (table cells in ``inner_text``) as one '\\t' each."""
    result = []
    for raw in _LINE_BREAK.split(text or ""):
        cells = [_collapse(cell) for cell in raw.split("\t")]
        line = "\t".join(cell for cell in cells if cell)
        if line:
            result.append(line)
    return result


# ==========================================================================
# Money
# ==========================================================================


@dataclass(frozen=True)
class Money:
    """An amount of money as seen on a page; ``text`` is the original snippet."""

    amount: Decimal
    currency: str | None  # ISO code when the marker is unambiguous, else the symbol ("$", "¥", "kr")
    text: str

    def __str__(self) -> str:
        return self.text


# Symbols, longest first where one is a prefix of another. Value: ISO code, or
# the symbol itself where several currencies share it.
_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "U$S": "USD",
    "AU$": "AUD",
    "A$": "AUD",
    "CA$": "CAD",
    "C$": "CAD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "NT$": "TWD",
    "MX$": "MXN",
    "S$": "SGD",
    "R$": "BRL",
    "$": "$",
    "€": "EUR",
    "£": "GBP",
    "¥": "¥",
    "￥": "¥",
    "₹": "INR",
    "₩": "KRW",
    "₽": "RUB",
    "₺": "TRY",
    "₪": "ILS",
    "₫": "VND",
    "฿": "THB",
    "₴": "UAH",
    "₱": "PHP",
    "₦": "NGN",
    "₡": "CRC",
    "₸": "KZT",
}
# Markers made of letters: they must not touch other letters.
_WORD_SYMBOLS: dict[str, str] = {
    "SFr.": "CHF",  # not "Fr.": German "Fr. 14.06." is a Friday, not 14.06 francs
    "zł": "PLN",
    "Kč": "CZK",
    "kr.": "kr",
    "kr": "kr",
    "Rs.": "INR",
    "Rs": "INR",
    "lei": "RON",
    "Ft": "HUF",
}
# Upper case only. Codes that are also English words ("TRY", "PEN", "MAD", "ALL") are left
# out: inner_text applies text-transform, so "TRY 30 DAYS FREE" is common on pages.
_ISO_CODES = (
    "USD EUR GBP JPY CNY RMB CHF CAD AUD NZD SEK NOK DKK ISK PLN CZK HUF RON BGN RUB UAH ILS "
    "AED SAR QAR KWD INR PKR BRL MXN ARS CLP COP UYU ZAR NGN KES EGP HKD SGD TWD KRW THB "
    "VND IDR MYR PHP"
).split()
# Symbols shared by several currencies, and the ISO codes each may stand for.
_AMBIGUOUS = {
    "$": {"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN", "TWD", "ARS", "CLP", "COP", "UYU"},
    "¥": {"JPY", "CNY", "RMB"},
    "kr": {"SEK", "NOK", "DKK", "ISK"},
}

_SP = "[ \u00a0\u202f\u2009]"
_ISO_RE = r"(?<![A-Za-z])(?:" + "|".join(_ISO_CODES) + r")(?![A-Za-z])"
_SYM_RE = "(?:" + "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True)) + ")"
_WORD_SYM_RE = (
    r"(?<![^\W\d_])(?:"
    + "|".join(re.escape(s) for s in sorted(_WORD_SYMBOLS, key=len, reverse=True))
    + r")(?![^\W\d_])"
)
_MARK = f"(?:{_ISO_RE}{_SP}?{_SYM_RE}|{_SYM_RE}|{_ISO_RE}|{_WORD_SYM_RE})"
_GROUPED = r"(?:\d{1,3}(?:[.,'’\u00a0\u202f\u2009 ]\d{3})+|\d{1,2}(?:,\d{2})+,\d{3})(?!\d)"  # incl. Indian 1,23,456
_DEC = r"[.,](?:\d{1,2}(?!\d)|[-–]{1,2})"
_END = r"(?![\d]|[.,]\d)"
_NUM = rf"(?<![\d.,'’])(?:{_GROUPED}|\d+)(?:{_DEC})?{_END}"
_NUM_SEP = rf"(?<![\d.,'’])(?:{_GROUPED}(?:{_DEC})?|\d+{_DEC}){_END}"
_INT = r"(?<![\d.,'’])\d+(?![\d]|[.,'’]\d)"
_SIGN = "[-−–+]"

_MONEY_RE = re.compile(
    rf"(?P<sign>(?<![\w\-−–+]){_SIGN}(?=\S))?"
    r"(?:"
    rf"(?P<m1>{_MARK}){_SP}?(?P<sign2>[-−–])?(?P<n1>{_NUM})(?:{_SP}?(?P<c1>{_ISO_RE}))?"
    rf"|(?P<n2>{_NUM_SEP}){_SP}?(?P<m2>{_MARK})"
    rf"|(?P<n3>{_INT}){_SP}?(?P<m3>{_MARK})(?!{_SP}?{_SIGN}?\d)"
    r")"
)
_ISO_ONLY = re.compile(_ISO_RE)


def _to_decimal(number: str) -> Decimal | None:
    """'1.299,00' / '1,299.00' / "1'299.90" / '12.-' -> Decimal, guessing the decimal separator."""
    digits = re.sub(r"[\s'’\u00a0\u202f\u2009]", "", number)
    digits = re.sub(r"[.,][-–]+$", "", digits)  # "12.-", "5,--"
    last = max(digits.rfind("."), digits.rfind(","))
    if last >= 0:
        sep, head, tail = digits[last], digits[:last], digits[last + 1 :]
        other = "," if sep == "." else "."
        if len(tail) != 3 or other in head:
            decimal_sep = sep  # "12,50", "1.299,00", "1,299.000"
        elif sep in head or head.strip("0") != "":
            decimal_sep = None  # "1.299", "1,234,567": thousands
        else:
            decimal_sep = sep  # "0.145"
        if decimal_sep is None:
            digits = digits.replace(".", "").replace(",", "")
        else:
            thousands = "," if decimal_sep == "." else "."
            integer, _, fraction = digits.rpartition(decimal_sep)
            digits = integer.replace(thousands, "").replace(decimal_sep, "") + "." + fraction
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def _marker_currency(marker: str) -> str | None:
    marker = marker.strip()
    iso = _ISO_ONLY.search(marker)
    if iso:
        return iso.group(0)
    if marker in _SYMBOLS:
        return _SYMBOLS[marker]
    return _WORD_SYMBOLS.get(marker)


def _scan(text: str) -> Iterator[tuple[int, int, Money]]:
    """Every amount in ``text`` with its (start, end) offsets."""
    for match in _MONEY_RE.finditer(text or ""):
        number = match.group("n1") or match.group("n2") or match.group("n3")
        marker = match.group("m1") or match.group("m2") or match.group("m3")
        amount = _to_decimal(number)
        if amount is None:
            continue
        if match.group("sign") in ("-", "−", "–") or match.group("sign2"):
            amount = -amount
        currency = match.group("c1") or _marker_currency(marker)
        yield match.start(), match.end(), Money(amount, currency, match.group(0).strip())


def find_money(text: str) -> list[Money]:
    """Every amount in a longer text, in order.

    Only numbers next to a currency marker count: ``€54.80``, ``1.299,00 €``,
    ``EUR 12.50``, ``CHF 1'299.90``, ``-€5.00``. Plain numbers (dates, quantities,
    postcodes, phone or card numbers) are ignored.
    """
    return [money for _, _, money in _scan(text)]


def parse_money(text: str) -> Money | None:
    """The single amount in a short string such as a price cell.

    None when there is no amount, or when there are several different ones
    ("Was €60.00 Now €54.80" is ambiguous: use :func:`find_money`).
    """
    found = find_money(text)
    if not found or any(money.amount != found[0].amount for money in found[1:]):
        return None
    return found[0]


def parse_amount(value: Any) -> Decimal | None:
    """A bare number without currency (a JSON-LD ``price``: ``25``, ``"25.00"``, ``"1.299,00"``)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"[-+]?\d+(?:\.\d+)?", text):
        return Decimal(text)
    money = parse_money(text)
    if money is not None:
        return money.amount
    match = re.fullmatch(rf"([-−]?)({_NUM})", text)
    if match:
        amount = _to_decimal(match.group(2))
        if amount is not None and match.group(1):
            amount = -amount
        return amount
    return None


def same_currency(a: str | None, b: str | None) -> bool:
    """Could two ``Money.currency`` values be the same currency? ("$" and "USD": yes; None: unknown, yes)."""
    if a is None or b is None or a == b:
        return True
    return b in _AMBIGUOUS.get(a, ()) or a in _AMBIGUOUS.get(b, ())


# ==========================================================================
# Labelled amounts: totals and fee lines
# ==========================================================================

_INCLUSIVE_WORDS = r"incl|inkl|inc|including|inclusive|includes|inclus|inclut|con|avec|mit"
_EXCLUSIVE_WORDS = r"excl|exkl|ex|excluding|exclusive|zzgl|ohne|sans|sin|hors|plus|before"
_TAX_WORDS = r"vat|tax|taxes|mwst|ust|tva|iva|gst|hst|impuestos|steuern"
_QUALIFIER = re.compile(
    r"\([^()]{0,60}\)|\[[^\[\]]{0,60}\]"
    r"|\d{1,2}(?:[.,]\d{1,2})?\s?%"
    rf"|(?:{_INCLUSIVE_WORDS}|{_EXCLUSIVE_WORDS})\.?\s+(?:of\s+)?(?:\d{{1,2}}(?:[.,]\d{{1,2}})?\s?%\s+)?"
    rf"(?:{_TAX_WORDS})\b\.?"
    rf"|(?:{_TAX_WORDS})\.?\s+(?:incl|inkl|incluido|incluida|inclus|included|inclusive)\b\.?"
    r"|(?:ttc|ht|netto|brutto|net|gross)\b\.?",
    re.IGNORECASE,
)
_EXCLUDING = re.compile(
    rf"(?<![^\W\d_])(?:{_EXCLUSIVE_WORDS}|ht|net|netto)(?![^\W\d_])", re.IGNORECASE
)
_QUALIFIER_LINE = re.compile(
    rf"(?:(?:{_QUALIFIER.pattern})\s*)+|{_ISO_RE}", re.IGNORECASE
)
_BULLET = r"(?:[•·*>+\-–—]\s*)?"


@dataclass(frozen=True)
class _Labelled:
    index: int  # line index of the label
    label: str  # as written on the page (with any qualifier)
    key: str  # the matched label, normalised
    qualifier: str  # qualifiers written after the label: "(incl. VAT)"
    mine: bool  # one of the caller's labels (not a shadowing default)
    money: Money | None  # None: a label-only line


@lru_cache(maxsize=64)
def _label_matcher(labels: tuple[str, ...]) -> re.Pattern[str] | None:
    keys = sorted({normalise(label) for label in labels if label and label.strip()}, key=len, reverse=True)
    if not keys:
        return None
    parts = []
    for key in keys:
        words = [re.escape(word) for word in key.split(" ")]
        pattern = r"\s+".join(words)
        if pattern.endswith(r"\."):
            pattern = pattern[:-2] + r"\.?"
        parts.append(pattern)
    return re.compile(rf"^{_BULLET}(?P<label>{'|'.join(parts)})(?!\w)", re.IGNORECASE)


_DEFAULT_LABEL_SETS = (TOTAL_LABELS, SUBTOTAL_LABELS, FEE_LABELS, DISCOUNT_LABELS)


def _shadows(labels: tuple[str, ...]) -> tuple[str, ...]:
    """Default labels of the other kinds: a line labelled by a longer one of these is not the caller's."""
    mine = {normalise(label) for label in labels}
    shadow: list[str] = []
    for label_set in _DEFAULT_LABEL_SETS:
        if not mine & {normalise(label) for label in label_set}:
            shadow.extend(label_set)
    return tuple(shadow)


def _skip_gap(rest: str) -> tuple[int, bool, str]:
    """Skip separators and qualifiers after a label -> (offset, separated, qualifiers text)."""
    i, separated, qualifiers = 0, False, []
    while i < len(rest):
        gap = re.match(r"[ \t]*", rest[i:]).group(0)  # type: ignore[union-attr]
        if "\t" in gap:
            separated = True
        i += len(gap)
        if i >= len(rest):
            break
        if rest[i] in ":：=":
            separated, i = True, i + 1
            continue
        if rest[i] in "-–—|" and (i + 1 == len(rest) or rest[i + 1] in " \t"):
            separated, i = True, i + 1
            continue
        qualifier = _QUALIFIER.match(rest, i)
        if qualifier and qualifier.end() > i:
            qualifiers.append(qualifier.group(0))
            i = qualifier.end()
            continue
        break
    return i, separated, " ".join(qualifiers)


def _amount_only(line: str) -> Money | None:
    """The amount when a line is nothing but amounts and qualifiers ("€54.80", "€54.80 (incl. VAT)").

    With several amounts outside parentheses the last one wins: a struck-through
    old price comes first ("€60.00 €54.80").
    """
    found = list(_scan(line))
    if not found or found[0][0] != 0:
        return None
    rest = line
    for start, end, _ in reversed(found):
        rest = rest[:start] + " " + rest[end:]
    offset, _, _ = _skip_gap(rest)
    if rest[offset:].strip():
        return None
    depth_at = [line[:start].count("(") - line[:start].count(")") for start, _, _ in found]
    top = [money for (_, _, money), depth in zip(found, depth_at) if depth <= 0]
    return (top or [found[0][2]])[-1]


def _labelled(text: str, labels: Iterable[str]) -> list[_Labelled]:
    mine_labels = tuple(labels)
    mine_re = _label_matcher(mine_labels)
    if mine_re is None:
        return []
    shadow_re = _label_matcher(_shadows(mine_labels))

    # classify each line: labelled amount, label only, amount only, transparent, other
    entries: list[tuple[str, int, Any]] = []
    for index, line in enumerate(_cell_lines(text)):
        mine = mine_re.match(line)
        shadow = shadow_re.match(line) if shadow_re else None
        if mine and shadow and len(normalise(shadow.group("label"))) > len(normalise(mine.group("label"))):
            match, is_mine = shadow, False
        elif mine or shadow:
            match, is_mine = (mine, True) if mine else (shadow, False)
        else:
            match = None
        if match is not None:
            rest = line[match.end():]
            offset, separated, qualifier = _skip_gap(rest)
            written = (line[match.start("label"):match.end()] + rest[:offset]).strip(" \t:：=-–—|")
            tail = rest[offset:]
            key = normalise(match.group("label"))
            if not tail.strip():
                entries.append(("label", index, _Labelled(index, written, key, qualifier, is_mine, None)))
                continue
            found = list(_scan(tail))
            if found and (found[0][0] == 0 or separated):
                money = _amount_only(tail.strip()) or found[0][2]
                entries.append(("labelled", index, _Labelled(index, written, key, qualifier, is_mine, money)))
                continue
            entries.append(("other", index, None))
            continue
        if _QUALIFIER_LINE.fullmatch(line.replace("\t", " ")):
            continue  # "(incl. VAT)" or "EUR" on its own line: look through it
        money = _amount_only(line)
        entries.append(("amount", index, money) if money else ("other", index, None))

    result: list[_Labelled] = []
    i = 0
    while i < len(entries):
        kind, _, item = entries[i]
        if kind == "labelled":
            result.append(item)
            i += 1
        elif kind == "label":
            j = i
            while j < len(entries) and entries[j][0] == "label":
                j += 1
            k = j
            while k < len(entries) and entries[k][0] == "amount":
                k += 1
            run_labels = [entry[2] for entry in entries[i:j]]
            run_amounts = [entry[2] for entry in entries[j:k]]
            if run_amounts:
                if len(run_amounts) < len(run_labels):
                    # fewer values than labels: the labels nearest the values own them
                    run_labels = run_labels[len(run_labels) - len(run_amounts):]
                for label_item, money in zip(run_labels, run_amounts):
                    result.append(_Labelled(
                        label_item.index, label_item.label, label_item.key, label_item.qualifier, label_item.mine, money
                    ))
            i = k if k > j else j
        else:
            i += 1
    return [item for item in result if item.mine and item.money is not None]


def labelled_amounts(text: str, labels: Iterable[str]) -> list[tuple[str, Money]]:
    """Amounts that the page labels with one of ``labels``: ``[(label as written, amount), ...]``.

    Understands "Total  €54.80", "Total: €54.80", table rows that ``inner_text``
    renders as "Total\\t€54.80", qualifiers ("Total (incl. VAT) €54.80",
    "VAT 19% €8.75"), and a label line followed by its amount on the next line
    (also runs of label lines followed by as many amount lines). A label must
    start its line; between label and amount only separators and qualifiers
    may stand, unless a colon or a tab separates them ("Shipping: DHL €4.95").
    A line whose longer label belongs to another default kind is not the
    caller's: with TOTAL_LABELS, "Total HT" (a subtotal) and "Total savings"
    are skipped.
    """
    return [(item.label, item.money) for item in _labelled(text, labels) if item.money is not None]


def find_total(text: str, labels: Iterable[str] = TOTAL_LABELS) -> Money | None:
    """The order total: the amount of the most specific total label on the page.

    Subtotals are never totals ("Subtotal", "Zwischensumme", "Total HT", and any
    total qualified as excluding tax or shipping). Among equally specific labels
    the last one on the page wins (order summaries come after mini-carts).
    """
    best: _Labelled | None = None
    for item in _labelled(text, labels):
        if _EXCLUDING.search(item.qualifier):
            continue  # "Total (excl. VAT)", "Total (before shipping)"
        if best is None or len(item.key) >= len(best.key):
            best = item
    return best.money if best else None


def fee_lines(text: str, labels: Iterable[str] = FEE_LABELS) -> list[tuple[str, Money]]:
    """Fee lines (shipping, delivery, service, handling, payment, tax...) with their amounts."""
    return labelled_amounts(text, labels)


# ==========================================================================
# Phrases: stock claims, errors, payment refusals
# ==========================================================================


@lru_cache(maxsize=64)
def _phrase_matcher(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    keys = sorted({normalise(phrase) for phrase in phrases if phrase and phrase.strip()}, key=len, reverse=True)
    if not keys:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(key) for key in keys) + r")(?!\w)")


def find_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """The lines of ``text`` that contain any of ``phrases`` (whole words, case- and whitespace-insensitive)."""
    matcher = _phrase_matcher(tuple(phrases))
    if matcher is None:
        return []
    found: list[str] = []
    for line in lines(text):
        if line not in found and matcher.search(normalise(line)):
            found.append(line)
    return found


_NEGATION_BEFORE = re.compile(
    r"(?:(?<!\w)(?:not|no|no longer|never|isn't|aren't|isnt|arent|nicht|kein|keine|keinen|pas|non|nunca|zero|null|0)"
    r"|\w+n't)\s+(?:[\w'-]+\s+){0,2}$"
)
_NEGATION_AFTER = re.compile(r"^\s*[:\-–]?\s*(?:no|nein|non|none|0)(?!\w)")


def _negated(line_norm: str, start: int, end: int) -> bool:
    return bool(_NEGATION_BEFORE.search(line_norm[:start]) or _NEGATION_AFTER.match(line_norm[end:]))


def in_stock(
    text: str,
    phrases: Iterable[str] = IN_STOCK_PHRASES,
    negative: Iterable[str] = OUT_OF_STOCK_PHRASES,
) -> list[str]:
    """Lines that claim availability ("In stock", "Auf Lager", "Ships in 2 days").

    A negated claim ("not in stock", "nicht verfügbar", "Available: no") or a
    line that also says out of stock does not count.
    """
    positive_re = _phrase_matcher(tuple(phrases))
    negative_re = _phrase_matcher(tuple(negative))
    if positive_re is None:
        return []
    found: list[str] = []
    for line in lines(text):
        norm = normalise(line)
        if negative_re is not None and negative_re.search(norm):
            continue
        if any(not _negated(norm, m.start(), m.end()) for m in positive_re.finditer(norm)):
            if line not in found:
                found.append(line)
    return found


def out_of_stock(
    text: str,
    phrases: Iterable[str] = OUT_OF_STOCK_PHRASES,
    positive: Iterable[str] = IN_STOCK_PHRASES,
) -> list[str]:
    """Lines that say an item is unavailable, including negated stock claims ("no longer in stock")."""
    negative_re = _phrase_matcher(tuple(phrases))
    positive_re = _phrase_matcher(tuple(positive))
    found: list[str] = []
    for line in lines(text):
        norm = normalise(line)
        hit = bool(negative_re and negative_re.search(norm))
        if not hit and positive_re is not None:
            hit = any(_negated(norm, m.start(), m.end()) for m in positive_re.finditer(norm))
        if hit and line not in found:
            found.append(line)
    return found


# ==========================================================================
# Order numbers
# ==========================================================================


@lru_cache(maxsize=32)
def _compile_patterns(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(pattern, re.IGNORECASE) for pattern in patterns)


def order_number(text: str, patterns: Iterable[str] = ORDER_NUMBER_PATTERNS) -> str | None:
    """The order number the page shows ("Order KC-10234" -> "KC-10234"; "Order #A1B2" -> "A1B2").

    Each pattern's group "number" (or else its first group) is the number; the
    earliest match in the text wins.
    """
    compiled = _compile_patterns(tuple(patterns))
    for line in lines(text):
        matches = [match for match in (pattern.search(line) for pattern in compiled) if match]
        for match in sorted(matches, key=lambda m: m.start()):
            number = match.groupdict().get("number") or (match.group(1) if match.re.groups else match.group(0))
            number = (number or "").strip().lstrip("#").strip()
            if number:
                return number
    return None


# ==========================================================================
# Structured data: schema.org Product / Offer in JSON-LD
# ==========================================================================


@dataclass(frozen=True)
class Offer:
    """A product offer declared in JSON-LD."""

    name: str
    sku: str | None
    price: Decimal | None
    currency: str | None
    availability: str | None  # schema.org term: "InStock", "OutOfStock", "PreOrder", ...


_AVAILABILITY_TERMS = (
    "InStock",
    "OutOfStock",
    "PreOrder",
    "PreSale",
    "BackOrder",
    "Discontinued",
    "InStoreOnly",
    "LimitedAvailability",
    "OnlineOnly",
    "SoldOut",
    "MadeToOrder",
)
_AVAILABILITY = {term.casefold(): term for term in _AVAILABILITY_TERMS}
_PRODUCT_TYPES = {"Product", "IndividualProduct", "ProductModel", "SomeProducts", "Vehicle", "Car"}
_OFFER_TYPES = {"Offer", "AggregateOffer"}


def _term(value: Any) -> str | None:
    """'https://schema.org/InStock', 'schema:InStock', 'InStock' -> 'InStock'."""
    if isinstance(value, dict):
        value = value.get("@id") or value.get("@value") or value.get("name")
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    text = re.split(r"[/:#]", text.rstrip("/"))[-1]
    return text


def _types(node: dict[str, Any]) -> set[str]:
    value = node.get("@type")
    values = value if isinstance(value, list) else [value]
    return {term for term in (_term(v) for v in values) if term}


def _availability(value: Any) -> str | None:
    term = _term(value)
    if term is None:
        return None
    return _AVAILABILITY.get(re.sub(r"[\s_-]", "", term).casefold(), term)


def _text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name")
    if isinstance(value, list):
        value = next((v for v in value if v), None)
    if value is None or isinstance(value, (dict, list)):
        return None
    text = _collapse(str(value))
    return text or None


def _json_amount(value: Any) -> Decimal | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return parse_amount(value)
    return parse_amount(_text(value))


def _price_of(offer: dict[str, Any]) -> tuple[Decimal | None, str | None]:
    currency = _text(offer.get("priceCurrency"))
    for key in ("price", "lowPrice"):
        price = _json_amount(offer.get(key))
        if price is not None:
            return price, currency
    specs = offer.get("priceSpecification")
    specs = specs if isinstance(specs, list) else [specs] if isinstance(specs, dict) else []
    # prefer the price actually charged over list/strike-through prices
    specs = sorted(
        (spec for spec in specs if isinstance(spec, dict)),
        key=lambda spec: (_term(spec.get("priceType")) or "") in ("ListPrice", "StrikethroughPrice", "SRP", "MSRP"),
    )
    for spec in specs:
        price = _json_amount(spec.get("price"))
        if price is not None:
            return price, currency or _text(spec.get("priceCurrency"))
    nested = offer.get("offers")
    nested = nested if isinstance(nested, list) else [nested] if isinstance(nested, dict) else []
    prices = [p for p in (_price_of(n) for n in nested if isinstance(n, dict)) if p[0] is not None]
    if prices:
        low = min(prices, key=lambda p: p[0])  # type: ignore[arg-type, return-value]
        return low[0], currency or low[1]
    return None, currency


def _offer(node: dict[str, Any], name: str | None, sku: str | None) -> Offer:
    price, currency = _price_of(node)
    availability = _availability(node.get("availability"))
    if availability is None and "AggregateOffer" in _types(node):
        nested = node.get("offers")
        nested = nested if isinstance(nested, list) else [nested] if isinstance(nested, dict) else []
        terms = [_availability(n.get("availability")) for n in nested if isinstance(n, dict)]
        terms = [t for t in terms if t]
        if terms:
            availability = "InStock" if "InStock" in terms else terms[0]
    item = node.get("itemOffered")
    item = item[0] if isinstance(item, list) and item else item
    if isinstance(item, dict):
        name = name or _text(item.get("name"))
        sku = sku or _text(item.get("sku"))
    return Offer(
        name=name or _text(node.get("name")) or "",
        sku=_text(node.get("sku")) or sku,
        price=price,
        currency=currency,
        availability=availability,
    )


def _walk(node: Any, found: list[Offer], depth: int = 0) -> None:
    if depth > 20:
        return
    if isinstance(node, list):
        for item in node:
            _walk(item, found, depth + 1)
        return
    if not isinstance(node, dict):
        return
    types = _types(node)
    if types & _PRODUCT_TYPES:
        name, sku = _text(node.get("name")), _text(node.get("sku"))
        raw = node.get("offers")
        raw_offers = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
        for offer in raw_offers:
            if isinstance(offer, dict):
                found.append(_offer(offer, name, sku))
        for key, value in node.items():  # variants, related products...
            if key not in ("offers", "@context"):
                _walk(value, found, depth + 1)
        return
    if types & _OFFER_TYPES:
        found.append(_offer(node, None, None))
        return
    for key, value in node.items():
        if key != "@context":
            _walk(value, found, depth + 1)


def offers(structured_data: list[dict]) -> list[Offer]:
    """Offers declared in JSON-LD, in document order.

    Handles a Product object, a list, an ``@graph``, Products nested in other
    nodes (``mainEntity``, ``hasVariant``), offers as an object or a list,
    AggregateOffer (``lowPrice``), prices as numbers or strings or in a
    ``priceSpecification``, and availability as a full schema.org URL (http or
    https), a ``schema:`` term or a bare term. Products without offers are left out.
    """
    found: list[Offer] = []
    _walk(structured_data or [], found)
    return found


# ==========================================================================
# Error texts from HTML
# ==========================================================================

_ERROR_CLASS = re.compile(r"error|alert|danger|invalid|notice|flash|message|warning", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASSES = {"hidden", "d-none", "is-hidden", "u-hidden"}
_NOT_TEXT = ("script", "style", "template", "noscript", "head", "title", "meta", "link", "svg")
_NO_CANDIDATE = {"html", "body", "input", "select", "option", "textarea", "button", "img", "form"}
_MAX_MESSAGE = 500


def _hidden(tag: Any) -> bool:
    if tag.has_attr("hidden"):
        return True
    if str(tag.get("aria-hidden", "")).strip().lower() == "true":
        return True
    if _HIDDEN_STYLE.search(str(tag.get("style", ""))):
        return True
    if tag.name == "dialog" and not tag.has_attr("open"):
        return True
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = classes.split()
    return bool(_HIDDEN_CLASSES & {c.lower() for c in classes})


def _is_candidate(tag: Any) -> bool:
    if tag.name in _NO_CANDIDATE:
        return False
    roles = str(tag.get("role", "")).lower().split()
    if "alert" in roles or "alertdialog" in roles:
        return True
    live = tag.get("aria-live")
    if live is not None and str(live).strip().lower() != "off":
        return True
    classes = tag.get("class") or []
    if isinstance(classes, str):
        classes = [classes]
    return any(_ERROR_CLASS.search(c) for c in classes) or bool(_ERROR_CLASS.search(str(tag.get("id", ""))))


def error_texts(html: str) -> list[str]:
    """Texts of visible-ish elements that show the customer an error or a notice.

    Candidates: ``role=alert``/``alertdialog``, ``aria-live`` regions, the
    ``aria-describedby``/``aria-errormessage`` targets of ``aria-invalid``
    fields, and elements whose class or id mentions error, alert, danger,
    invalid, notice, flash, message or warning. Elements with ``hidden``,
    ``aria-hidden=true``, ``display:none``/``visibility:hidden`` styles or
    hiding classes (``hidden``, ``d-none``) are skipped, with all their content;
    so are script/style/template. When candidates nest, the innermost wins; a
    list candidate gives one text per item. Texts are whitespace-normalised,
    deduplicated, in document order.
    """
    if not html:
        return []
    from bs4 import BeautifulSoup  # local: only this helper needs a parser

    soup = BeautifulSoup(html, "html.parser")
    # Drop non-text and hidden elements with their content. Extracted subtrees are
    # skipped by their root's id: bs4's ``decomposed`` goes through a slow
    # attribute lookup (a child search) on every call.
    removed: set[int] = set()
    for tag in soup.find_all(_NOT_TEXT):
        if not any(id(parent) in removed for parent in (tag, *tag.parents)):
            removed.add(id(tag))
            tag.extract()
    for tag in soup.find_all(True):
        if _hidden(tag):
            tag.extract()

    tags = list(soup.find_all(True))
    by_id = {}
    for tag in tags:
        if tag.get("id") and tag["id"] not in by_id:
            by_id[tag["id"]] = tag
    candidates = {id(tag) for tag in tags if _is_candidate(tag)}
    for tag in tags:
        invalid = str(tag.get("aria-invalid", "")).strip().lower()
        if invalid and invalid != "false":
            for attribute in ("aria-describedby", "aria-errormessage"):
                for ref in str(tag.get(attribute, "")).split():
                    if ref in by_id:
                        candidates.add(id(by_id[ref]))

    texts: list[str] = []
    for tag in tags:
        if id(tag) not in candidates:
            continue
        if any(id(inner) in candidates for inner in tag.find_all(True)):
            continue  # the innermost candidate speaks
        items = tag.find_all("li") if tag.name in ("ul", "ol") else []
        parts = [item.get_text(" ", strip=True) for item in items] or [tag.get_text(" ", strip=True)]
        for part in parts:
            part = _collapse(part)
            if part and len(part) <= _MAX_MESSAGE and re.search(r"\w", part) and part not in texts:
                texts.append(part)
    return texts
