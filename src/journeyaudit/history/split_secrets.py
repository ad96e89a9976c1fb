"""A secret split over several parameters of one query string or form body.

A shop may send a card number in four fields (``n1=4242&n2=4242&n3=4242&n4=4242``),
so no single value is the secret and :class:`~journeyaudit.history.store.Redactor`'s
pattern cannot see it. Here the values of neighbouring parameters are joined, decoded
and compared with each secret (spaces and dashes ignored); the values that together
make up a secret are masked, each of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import unquote_plus

# name=value, at the start of a text, after ?, &, &amp;, ;, # or a quote or a space
_PAIR = re.compile(
    r"(?:^|(?<=[?&;#\s\"'])|(?<=&amp;))((?:[A-Za-z0-9_.~\[\]-]|%[0-9A-Fa-f]{2})+)=([^&#\s\"'<>\\]*)"
)
_JOINERS = ("&", "&amp;", ";")


def _plain(value: str) -> str:
    """A value as the shop meant it: percent-decoded (twice at most), spaces and dashes dropped, lower case."""
    for _ in range(2):
        decoded = unquote_plus(value)
        if decoded == value:
            break
        value = decoded
    return re.sub(r"[\s\-]", "", value).lower()


def _runs(text: str) -> list[list[re.Match]]:
    """Neighbouring name=value pairs, each run one query string or form body."""
    runs: list[list[re.Match]] = []
    for match in _PAIR.finditer(text):
        if runs and text[runs[-1][-1].end():match.start()] in _JOINERS:
            runs[-1].append(match)
        else:
            runs.append([match])
    return [run for run in runs if len(run) > 1]


def mask_split(text: str, secrets: Iterable[str], mark: str) -> str:
    """``text`` with every value that is part of a secret split over neighbouring parameters replaced by ``mark``."""
    compacts = {c for c in (re.sub(r"[\s\-]", "", s).lower() for s in secrets) if len(c) >= 6}
    if not compacts or "=" not in text or not ("&" in text or ";" in text):
        return text
    spans: list[tuple[int, int]] = []
    for run in _runs(text):
        values = [_plain(m.group(2)) for m in run]
        for first in range(len(run)):
            joined = ""
            for last in range(first, len(run)):
                joined += values[last]
                if last > first and joined in compacts and all(values[first:last + 1]):
                    spans.extend(run[i].span(2) for i in range(first, last + 1))
                if len(joined) >= max(map(len, compacts)):
                    break
    for start, end in sorted(set(spans), reverse=True):
        text = text[:start] + mark + text[end:]
    return text
