"""Phrases in page text: stock claims (with negation), error and refusal wording, order numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from journeyaudit.facts.page_text import _lines, lines, normalise, text_cache
from journeyaudit.facts.wording import IN_STOCK_PHRASES, ORDER_NUMBER_PATTERNS, OUT_OF_STOCK_PHRASES

# ==========================================================================
# Phrases: stock claims, errors, payment refusals
# ==========================================================================


@lru_cache(maxsize=64)
def _phrase_matcher(phrases: tuple[str, ...]) -> re.Pattern[str] | None:
    keys = sorted({normalise(phrase) for phrase in phrases if phrase and phrase.strip()}, key=len, reverse=True)
    if not keys:
        return None
    # a phrase can only start with one of its first characters: checked first at each position, it saves
    # trying every phrase of the list there (the same matches)
    first = "".join(re.escape(c) for c in sorted({key[0] for key in keys}))
    return re.compile(rf"(?=[{first}])(?<!\w)(?:" + "|".join(re.escape(key) for key in keys) + r")(?!\w)")


def find_phrases(text: str, phrases: Iterable[str]) -> list[str]:
    """The lines of ``text`` that contain any of ``phrases`` (whole words, case- and whitespace-insensitive)."""
    return list(_find_phrases(text or "", tuple(phrases)))


def first_saying(texts: Iterable[str], phrases: Iterable[str]) -> str | None:
    """The first of ``texts`` that :func:`find_phrases` finds any of ``phrases`` in, or None.

    One search over all the texts' normalised lines joined by newlines (:func:`_joined`): a phrase holds
    no newline and a newline is no word character, so the first match is in the first line that has one."""
    matcher = _phrase_matcher(tuple(phrases))
    if matcher is None:
        return None
    texts = tuple(texts)
    joined, owner = _joined(texts)
    match = matcher.search(joined)
    return None if match is None else texts[owner[joined.rfind("\n", 0, match.start()) + 1]]


def first_sayings(texts: Iterable[str], phrase_sets: Iterable[Iterable[str]]) -> list[str | None]:
    """:func:`first_saying` of each of ``phrase_sets``, from one search over the texts for all their phrases.

    A line with a match of one set's phrases has a match of all the sets' phrases (at the same place or
    one that started earlier on that line: matches never cross a line), so the lines the search over all
    finds are the only ones each set's own pattern is tried on, in order."""
    texts = tuple(texts)
    sets = [tuple(phrases) for phrases in phrase_sets]
    matchers = [_phrase_matcher(phrases) for phrases in sets]
    found: list[str | None] = [None] * len(sets)
    left = [index for index, matcher in enumerate(matchers) if matcher is not None]
    union = _phrase_matcher(tuple(phrase for phrases in sets for phrase in phrases)) if left else None
    if union is None:
        return found
    joined, owner = _joined(texts)
    checked = -1
    for match in union.finditer(joined):
        start = joined.rfind("\n", 0, match.start()) + 1
        if start == checked:
            continue  # a line already tried for every set left
        checked = start
        end = joined.find("\n", match.end())
        line = joined[start:] if end < 0 else joined[start:end]  # a newline on either side: the same word edges
        for index in list(left):
            if matchers[index].search(line):  # type: ignore[union-attr]
                found[index] = texts[owner[start]]
                left.remove(index)
        if not left:
            break
    return found


def saying(texts: Iterable[str], phrases: Iterable[str]) -> frozenset[int]:
    """Indexes of the ``texts`` that :func:`find_phrases` finds any of ``phrases`` in: one search over all."""
    return _saying(tuple(texts), tuple(phrases))


@text_cache(maxsize=256)
def _saying(texts: tuple[str, ...], phrases: tuple[str, ...]) -> frozenset[int]:
    matcher = _phrase_matcher(phrases)
    if matcher is None:
        return frozenset()
    joined, owner = _joined(texts)
    return frozenset(owner[joined.rfind("\n", 0, match.start()) + 1] for match in matcher.finditer(joined))


@text_cache(maxsize=64)  # a step's texts are asked about payment, order and stock phrases
def _joined(texts: tuple[str, ...]) -> tuple[str, dict[int, int]]:
    """The normalised lines of ``texts`` joined by newlines, and the index of the text each line's start is in."""
    parts: list[str] = []
    owner: dict[int, int] = {}
    offset = 0
    for index, text in enumerate(texts):
        for line in _lines(text or ""):
            norm = normalise(line)
            owner[offset] = index
            parts.append(norm)
            offset += len(norm) + 1
    return "\n".join(parts), owner


@text_cache(maxsize=4096)  # the ledger and several rules ask the same lines about the same phrases
def _find_phrases(text: str, phrases: tuple[str, ...]) -> tuple[str, ...]:
    matcher = _phrase_matcher(phrases)
    if matcher is None:
        return ()
    found: list[str] = []
    for line in lines(text):
        if line not in found and matcher.search(normalise(line)):
            found.append(line)
    return tuple(found)


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
    return list(_in_stock(text or "", tuple(phrases), tuple(negative)))


@text_cache(maxsize=1024)
def _in_stock(text: str, phrases: tuple[str, ...], negative: tuple[str, ...]) -> tuple[str, ...]:
    positive_re = _phrase_matcher(phrases)
    negative_re = _phrase_matcher(negative)
    if positive_re is None:
        return ()
    found: list[str] = []
    for line in lines(text):
        norm = normalise(line)
        if negative_re is not None and negative_re.search(norm):
            continue
        if any(not _negated(norm, m.start(), m.end()) for m in positive_re.finditer(norm)):
            if line not in found:
                found.append(line)
    return tuple(found)


def out_of_stock(
    text: str,
    phrases: Iterable[str] = OUT_OF_STOCK_PHRASES,
    positive: Iterable[str] = IN_STOCK_PHRASES,
) -> list[str]:
    """Lines that say an item is unavailable, including negated stock claims ("no longer in stock")."""
    return list(_out_of_stock(text or "", tuple(phrases), tuple(positive)))


@text_cache(maxsize=4096)
def _out_of_stock(text: str, phrases: tuple[str, ...], positive: tuple[str, ...]) -> tuple[str, ...]:
    negative_re = _phrase_matcher(phrases)
    positive_re = _phrase_matcher(positive)
    found: list[str] = []
    for line in lines(text):
        norm = normalise(line)
        hit = bool(negative_re and negative_re.search(norm))
        if not hit and positive_re is not None:
            hit = any(_negated(norm, m.start(), m.end()) for m in positive_re.finditer(norm))
        if hit and line not in found:
            found.append(line)
    return tuple(found)


def out_of_stock_texts(
    texts: Iterable[str],
    phrases: Iterable[str] = OUT_OF_STOCK_PHRASES,
    positive: Iterable[str] = IN_STOCK_PHRASES,
) -> list[str]:
    """The ``texts`` (in order) that :func:`out_of_stock` finds a line in: one search over all of them."""
    texts = tuple(texts)
    return [texts[index] for index in sorted(_out_of_stock_indexes(texts, tuple(phrases), tuple(positive)))]


@text_cache(maxsize=64)
def _out_of_stock_indexes(texts: tuple[str, ...], phrases: tuple[str, ...], positive: tuple[str, ...]) -> frozenset[int]:
    joined, owner = _joined(texts)
    found: set[int] = set()
    negative_re = _phrase_matcher(phrases)
    positive_re = _phrase_matcher(positive)
    for match in negative_re.finditer(joined) if negative_re else ():
        found.add(owner[joined.rfind("\n", 0, match.start()) + 1])  # a phrase holds no newline: one line
    for match in positive_re.finditer(joined) if positive_re else ():
        start = joined.rfind("\n", 0, match.start()) + 1
        end = joined.find("\n", match.end())
        line = joined[start:] if end < 0 else joined[start:end]
        if _negated(line, match.start() - start, match.end() - start):
            found.add(owner[start])
    return frozenset(found)


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
