"""Text basics: normalised text and lines of recorded page text.
"""

from __future__ import annotations

import re
import unicodedata

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
