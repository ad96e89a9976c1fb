"""Money read from text without knowing the locale, and labelled amounts (totals, fees).

The decimal separator is inferred from the digits (``1.299,00`` and ``1,299.00`` are both
1299.00; a single separator followed by exactly three digits is a thousands separator).
Only numbers next to a currency marker (symbol or ISO code) count as money, so dates,
quantities, postcodes, phone and card numbers are never amounts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from journeyaudit.facts.currency_marks import _AMBIGUOUS, _ISO_CODES, _SYMBOLS, _WORD_SYMBOLS
from journeyaudit.facts.page_text import _cell_lines, normalise, text_cache, text_memo
from journeyaudit.facts.wording import DISCOUNT_LABELS, FEE_LABELS, SUBTOTAL_LABELS, TOTAL_LABELS

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

# Accounting style "($5.00)" is negative: only where the parenthesis opens a line or a cell, or
# follows a colon, so "DHL Express ($9.90)" stays a price.
_OPEN = r"(?P<open>(?:(?<![^\n])|(?<=\t)|(?<=:)|(?<=: )|(?<=  ))\((?=[^()\n]{1,40}\)))?"
# The first character of any amount: a bracket, a sign, a digit or a marker's first character. Checked
# first at each position, it saves trying every branch where no amount can start (3x faster).
_FIRST = "(?=[(\\-−–+\\d" + re.escape("".join(sorted({s[0] for s in (*_SYMBOLS, *_WORD_SYMBOLS, *_ISO_CODES)}))) + "])"
_MONEY_RE = re.compile(
    _FIRST
    + _OPEN
    + rf"(?P<sign>(?<![\w\-−–+]){_SIGN}(?=\S))?"
    r"(?:"
    rf"(?P<m1>{_MARK}){_SP}?(?P<sign2>[-−–])?(?P<n1>{_NUM})(?P<k1>[kK](?![^\W\d_]))?(?:{_SP}?(?P<c1>{_ISO_RE}))?"
    rf"|(?P<n2>{_NUM_SEP}){_SP}?(?P<m2>{_MARK})"
    rf"|(?P<n3>{_INT}){_SP}?(?P<m3>{_MARK})(?!{_SP}?{_SIGN}?\d)"
    rf"|(?<![\d.,'’])(?P<n4>\d{{1,6}})(?P<m4>{_SYM_RE})(?P<f4>\d{{2}})(?![\d]|[.,]\d)"  # "12€50": the symbol as decimal mark
    r")"
    r"(?(open)\))"
)
_ISO_ONLY = re.compile(_ISO_RE)
_DIGIT = re.compile(r"\d")
_PLAIN_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")
_SIGNED_NUMBER = re.compile(rf"([-−]?)({_NUM})")
# Every amount contains one of these strings (its marker): most text with digits has none (dates,
# quantities, addresses), and looking for one costs a fraction of _MONEY_RE's search over the same text.
_SYMBOL_CHAR = re.compile("[" + re.escape("".join(sorted({c for s in _SYMBOLS for c in s if not c.isalpha()}))) + "]")
_WORD_MARKER = re.compile("|".join(re.escape(s) for s in _WORD_SYMBOLS) + "|" + "|".join(_ISO_CODES))


def _any_marker(text: str) -> bool:
    """Does ``text`` hold a currency marker (a superset: the lookarounds are left to _MONEY_RE)? The
    symbol characters first: one class is searched much faster than an alternation that holds it."""
    return _SYMBOL_CHAR.search(text) is not None or _WORD_MARKER.search(text) is not None


_NUMBER_SPACE = re.compile(r"[\s'’\u00a0\u202f\u2009]")
_DASH_CENTS = re.compile(r"[.,][-–]+$")


def _to_decimal(number: str) -> Decimal | None:
    """'1.299,00' / '1,299.00' / "1'299.90" / '12.-' -> Decimal, guessing the decimal separator."""
    digits = _NUMBER_SPACE.sub("", number)
    digits = _DASH_CENTS.sub("", digits)  # "12.-", "5,--"
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


def _scan(text: str) -> tuple[tuple[int, int, Money], ...]:
    """Every amount in ``text`` with its (start, end) offsets (Money is frozen: results are shared)."""
    return _scan_text(text or "") if _DIGIT.search(text or "") else ()  # every amount has a digit


@text_cache(maxsize=4096)  # page lines repeat across steps and are read for several labels
def _scan_text(text: str) -> tuple[tuple[int, int, Money], ...]:
    return tuple(_matches(text)) if _any_marker(text) else ()  # and a marker


def _matches(text: str) -> Iterator[tuple[int, int, Money]]:
    for match in _MONEY_RE.finditer(text):
        number = match.group("n1") or match.group("n2") or match.group("n3") or f"{match.group('n4')}.{match.group('f4')}"
        marker = match.group("m1") or match.group("m2") or match.group("m3") or match.group("m4")
        amount = _to_decimal(number)
        if amount is None:
            continue
        if match.group("k1"):  # "$1.5k"
            amount = (amount * 1000).quantize(Decimal(1)) if (amount * 1000) % 1 == 0 else amount * 1000
        negative = match.group("sign") in ("-", "−", "–") or match.group("sign2") or match.group("open")
        if negative:
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
    if _PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)
    money = parse_money(text)
    if money is not None:
        return money.amount
    match = _SIGNED_NUMBER.fullmatch(text)
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
_GAP = re.compile(r"[ \t]*")


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


@lru_cache(maxsize=64)
@lru_cache(maxsize=64)  # asked for every page with the same few label sets
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
        gap = _GAP.match(rest, i).group(0)  # type: ignore[union-attr]
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


def _labelled(text: str, labels: Iterable[str]) -> tuple[_Labelled, ...]:
    return _labelled_in(text, tuple(labels))


_LINE_MEMOS: dict[tuple[str, ...], dict[str, Any]] = text_memo()  # labels -> line -> _classify(0, line, ...)
_UNREAD = object()


@text_cache(maxsize=256)  # total, subtotal and fees are asked of the same page by the ledger and rules
def _labelled_in(text: str, mine_labels: tuple[str, ...]) -> tuple[_Labelled, ...]:
    mine_re = _label_matcher(mine_labels)
    if mine_re is None:
        return ()
    shadow_re = _label_matcher(_shadows(mine_labels))
    memo = _LINE_MEMOS.get(mine_labels)
    if memo is None or len(memo) > 1 << 14:  # bounded: one memo per set of labels, emptied when it grows
        if len(_LINE_MEMOS) > 64:
            _LINE_MEMOS.clear()
        memo = _LINE_MEMOS[mine_labels] = {}
    entries: list[tuple[str, int, Any]] = []
    for index, line in enumerate(_cell_lines(text)):
        entry = memo.get(line, _UNREAD)
        if entry is _UNREAD:  # a line reads the same on every page: a shop's header and footer repeat
            entry = memo[line] = _classify(0, line, mine_re, shadow_re)
        if entry is not None:
            kind, _, item = entry
            if isinstance(item, _Labelled):
                item = _Labelled(index, item.label, item.key, item.qualifier, item.mine, item.money)
            entries.append((kind, index, item))
    return tuple(item for item in _pair(entries) if item.mine and item.money is not None)


def _classify(
    index: int, line: str, mine_re: re.Pattern[str], shadow_re: re.Pattern[str] | None
) -> tuple[str, int, Any] | None:
    """One line: labelled amount, label only, amount only, other; None for a line to look through."""
    mine = mine_re.match(line)
    shadow = shadow_re.match(line) if shadow_re else None
    if mine and shadow and len(normalise(shadow.group("label"))) > len(normalise(mine.group("label"))):
        match, is_mine = shadow, False
    else:
        match, is_mine = (mine, True) if mine else (shadow, False)
    if match is None:
        kind, money = _unlabelled(line)
        return None if kind is None else (kind, index, money)
    rest = line[match.end():]
    offset, separated, qualifier = _skip_gap(rest)
    written = (line[match.start("label"):match.end()] + rest[:offset]).strip(" \t:：=-–—|")
    tail = rest[offset:]
    key = normalise(match.group("label"))
    if not tail.strip():
        return ("label", index, _Labelled(index, written, key, qualifier, is_mine, None))
    found = list(_scan(tail))
    if found and (found[0][0] == 0 or separated):
        money = _amount_only(tail.strip()) or found[0][2]
        return ("labelled", index, _Labelled(index, written, key, qualifier, is_mine, money))
    return ("other", index, None)


@text_cache(maxsize=4096)  # a line with no label reads the same for every set of labels and on every step
def _unlabelled(line: str) -> tuple[str | None, Money | None]:
    """A line without a label: ("amount", money), ("other", None), or (None, None) to look through."""
    if _QUALIFIER_LINE.fullmatch(line.replace("\t", " ")):
        return None, None  # "(incl. VAT)" or "EUR" on its own line: look through it
    money = _amount_only(line)
    return ("amount", money) if money else ("other", None)


def _pair(entries: list[tuple[str, int, Any]]) -> list[_Labelled]:
    """Labelled lines as they are; runs of label lines take the run of amount lines that follows."""
    result: list[_Labelled] = []
    i = 0
    while i < len(entries):
        kind, _, item = entries[i]
        if kind != "label":
            if kind == "labelled":
                result.append(item)
            i += 1
            continue
        j = i
        while j < len(entries) and entries[j][0] == "label":
            j += 1
        k = j
        while k < len(entries) and entries[k][0] == "amount":
            k += 1
        run_labels = [entry[2] for entry in entries[i:j]]
        run_amounts = [entry[2] for entry in entries[j:k]]
        if run_amounts and len(run_amounts) < len(run_labels):
            run_labels = run_labels[len(run_labels) - len(run_amounts):]  # the labels nearest the values own them
        for label_item, money in zip(run_labels, run_amounts):
            result.append(_Labelled(
                label_item.index, label_item.label, label_item.key, label_item.qualifier, label_item.mine, money
            ))
        i = k if k > j else j
    return result


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
