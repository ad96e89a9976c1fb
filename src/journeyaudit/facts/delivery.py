"""Delivery promises in one line of shop text: speed, range or date, and the shipping method named.

"Standard — €4.90 — arrives in 3–5 business days", "Lieferung in 1-2 Werktagen",
"Livraison sous 3 à 5 jours ouvrés", "Get it by Friday, 5 December": the promise
ledger (ledger.py) reads these per step so that JA204 can compare them. Pure.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from journeyaudit.facts import money, page_text, phrase_search, wording

__all__ = ["DELIVERY_WORDS", "MONTH_LOCALES", "month_table", "parse_promise"]

# A delivery promise: the words that make a line about delivery or dispatch.
DELIVERY_WORDS: tuple[str, ...] = (
    "arrive", "arrives", "arriving", "delivery", "delivered", "deliver", "get it", "ships", "shipped", "dispatch",
    "dispatched", "lieferung", "geliefert", "lieferzeit", "zustellung", "versand", "versandfertig", "livraison",
    "livré", "livrée", "expédié", "expédition", "entrega", "recíbelo", "envío", "enviado",
    "consegna", "consegnato", "levering", "bezorging", "bezorgd", "geleverd",
)
# the words' first characters checked first at each position: the same matches, without trying every word there
_DELIVERY_WORD = re.compile(
    "(?=[" + "".join(sorted({re.escape(word[0]) for word in DELIVERY_WORDS})) + r"])(?<!\w)(?:"
    + "|".join(re.escape(word) for word in DELIVERY_WORDS) + ")"
)
_DISPATCH = re.compile(r"\b(?:ships|shipped|dispatch\w*|versand\w*|expédié\w*|enviado)\b", re.IGNORECASE)
_DASH = "[-–—]"
_RANGE = re.compile(
    r"(\d{1,2})\s*(?:" + _DASH + r"|to|bis|à|a|and)\s*(\d{1,2})\s*(?:business\s+|working\s+)?"
    r"(days?|tage?n?|werktage?n?|arbeitstage?n?|jours?|d[ií]as?|weeks?|wochen?|semaines?|semanas?)",
    re.IGNORECASE,
)
_SINGLE = re.compile(
    r"(?<![\d\-–—])(\d{1,2})\s*(?:business\s+|working\s+)?"
    r"(days?|tage?n?|werktage?n?|arbeitstage?n?|jours?|d[ií]as?|weeks?|wochen?|semaines?|semanas?)\b",
    re.IGNORECASE,
)
_RETURNS = re.compile(r"(?<!\w)(?:returns?|rückgabe|rücksendung|retours?|devoluci[oó]n(?:es)?)(?!\w)", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s+[—–·|]\s+|\s*:\s+|\s+-\s+")
_TOMORROW = re.compile(r"\b(?:tomorrow|next[- ]day|morgen|demain|mañana)\b", re.IGNORECASE)
_TODAY = re.compile(r"\b(?:today|same[- ]day|heute|aujourd'hui|hoy)\b", re.IGNORECASE)
# The locales whose month names dates are read in ("5 déc.", "5. März", "3 dic", "12 abr."): CLDR's via Babel.
MONTH_LOCALES = ("en", "en_GB", "de", "fr", "es", "it", "nl", "pt", "pt_PT")


def _fold(word: str) -> str:
    """'Déc.' -> 'dec': lower case, no accents, no trailing dot."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().rstrip("."))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@functools.lru_cache(maxsize=1)
def month_table() -> dict[str, int]:
    """Folded month name -> month number: wide and abbreviated, format and stand-alone, every
    supported locale, plus unambiguous prefixes of the wide names of at least 3 letters ("sept", "janv")."""
    from babel import Locale

    exact: dict[str, int] = {}
    prefixes: dict[str, set[int]] = {}
    for code in MONTH_LOCALES:
        months = Locale.parse(code).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months[context][width].items():
                    exact.setdefault(_fold(name), number)
                    if width == "wide":
                        for end in range(3, len(_fold(name)) + 1):
                            prefixes.setdefault(_fold(name)[:end], set()).add(number)
    unique = {prefix: numbers.pop() for prefix, numbers in prefixes.items() if len(numbers) == 1}
    return {**unique, **exact}


_MONTH_RE = r"([^\W\d_]{3,})(?!\w)"  # any word; _month() tells whether it names a month
_DATE_DM = re.compile(r"\b(\d{1,2})\.?\s+(?:de\s+)?" + _MONTH_RE, re.IGNORECASE)
_DATE_MD = re.compile(r"\b" + _MONTH_RE + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b", re.IGNORECASE)
_DATE_NUM = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(?:(\d{2,4})\b)?")


def parse_promise(text: str) -> dict[str, Any] | None:
    """A delivery or dispatch promise in one line: its kind, method and normalised speed, or None.

    "Standard — €4.90 — arrives in 3–5 business days" -> {"method": "Standard",
    "min_days": 3, "max_days": 5, "value": "3-5 days", "dispatch": False}.
    Dates ("by Friday, 5 December", "05.12.") become {"date": "12-05"}.
    """
    found = _promise(text)  # a shop's lines (its footer, its shipping choices) repeat from step to step
    return None if found is None else dict(found)  # a copy: the caller may change it


@page_text.text_cache(maxsize=4096)
def _promise(text: str) -> dict[str, Any] | None:
    norm = page_text.normalise(text)
    if not _DELIVERY_WORD.search(norm) and not _TOMORROW.search(norm):
        return None
    if _RETURNS.search(norm):
        return None  # "Free returns within 30 days": a return policy, not a delivery promise
    promise: dict[str, Any] = {}
    rng = _RANGE.search(text)
    single = _SINGLE.search(text) if rng is None else None
    weeks = lambda unit: 7 if unit.lower().startswith(("week", "woche", "semaine", "semana")) else 1  # noqa: E731
    if rng:
        factor = weeks(rng.group(3))
        promise.update(min_days=int(rng.group(1)) * factor, max_days=int(rng.group(2)) * factor)
    elif single:
        factor = weeks(single.group(2))
        promise.update(min_days=int(single.group(1)) * factor, max_days=int(single.group(1)) * factor)
    elif _TODAY.search(text):
        promise.update(min_days=0, max_days=0)
    elif _TOMORROW.search(text):
        promise.update(min_days=1, max_days=1)
    dates = _dates(text)
    if dates:
        promise["date"] = dates[-1]
        if len(dates) > 1:
            promise["date_from"] = dates[0]
    if not promise:
        return None
    if "date" in promise:
        promise["value"] = (promise.get("date_from", "") + " to " if "date_from" in promise else "by ") + promise["date"]
    elif promise["min_days"] == promise["max_days"]:
        promise["value"] = f"{promise['max_days']} day" + ("" if promise["max_days"] == 1 else "s")
    else:
        promise["value"] = f"{promise['min_days']}-{promise['max_days']} days"
    promise["dispatch"] = bool(_DISPATCH.search(text)) and not re.search(r"arriv|deliver|liefer|livr|entreg", norm)
    promise["method"] = _method(text)
    return promise


def _dates(text: str) -> list[str]:
    found: list[tuple[int, str]] = []
    for match in _DATE_DM.finditer(text):
        month = _month(match.group(2))
        if month:
            found.append((match.start(), f"{month:02d}-{int(match.group(1)):02d}"))
    for match in _DATE_MD.finditer(text):
        month = _month(match.group(1))
        if month:
            found.append((match.start(), f"{month:02d}-{int(match.group(2)):02d}"))
    for match in _DATE_NUM.finditer(text):
        day, month = int(match.group(1)), int(match.group(2))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.append((match.start(), f"{month:02d}-{day:02d}"))
    return [value for _, value in sorted(found)]


def _month(word: str) -> int | None:
    return month_table().get(_fold(word))


def _method(text: str) -> str:
    """The shipping method a promise line names first ("Standard — ...", "Express: ..."), or ''."""
    head = _SEPARATOR.split(text.strip(), maxsplit=1)[0].strip()
    head = re.sub(r"^(?:method|versandart|méthode|método|shipping|delivery)\s+", "", head, flags=re.IGNORECASE)
    words = head.split()
    if not 1 <= len(words) <= 3 or head == text.strip() or money.find_money(head):
        return ""
    if _DELIVERY_WORD.search(page_text.normalise(head)) or re.search(r"\d", head):
        return ""
    if phrase_search.find_phrases(head, wording.IN_STOCK_PHRASES):
        return ""
    return head
