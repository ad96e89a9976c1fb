"""Labels and their values read by structure, not by line of text.

An order-status page says "Status" and "Cancelled" on separate lines: in a
definition list (``dt``/``dd``), a table (``th``/``td``, or a header row over a
row of values), or two elements side by side (``<span class="label">Status</span>
<span>Cancelled</span>``). :func:`read` returns each (label, value) pair a parsed
page shows; :func:`text_pairs` does the same for plain text where a short label
line ending in ':' is followed by its value ("Status:" / "Cancelled"). Pure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_MAX_LABEL = 40
_MAX_VALUE = 120
_SKIP = ("script", "style", "noscript", "template", "select", "option", "button")


@dataclass(frozen=True)
class Pair:
    label: str
    value: str

    @property
    def line(self) -> str:
        """The pair as one line, as a customer would read it out: 'Status: Cancelled'."""
        return f"{self.label.rstrip(' :')}: {self.value}"


def _text(tag: Any) -> str:
    return " ".join(tag.get_text(" ").split())


def _ok(label: str, value: str) -> bool:
    return bool(label) and bool(value) and len(label) <= _MAX_LABEL and len(value) <= _MAX_VALUE and label != value


def read(soup: Any) -> list[Pair]:
    """Every (label, value) pair of a parsed page, in page order; [] for None."""
    if soup is None:
        return []
    pairs: list[Pair] = []

    def add(label: str, value: str) -> None:
        label = label.strip().rstrip(":").strip()
        if _ok(label, value) and Pair(label, value) not in pairs:
            pairs.append(Pair(label, value))

    for dl in soup.find_all("dl"):
        label = ""
        for tag in dl.find_all(["dt", "dd"]):
            if tag.name == "dt":
                label = _text(tag)
            elif label:
                add(label, _text(tag))
    for table in soup.find_all("table"):
        _table_pairs(table, add)
    for parent in soup.find_all(True):
        if parent.name in _SKIP or parent.name in ("dl", "tr", "table", "tbody", "thead"):
            continue
        children = [c for c in parent.find_all(True, recursive=False) if c.name not in _SKIP and _text(c)]
        own = "".join(s for s in parent.find_all(string=True, recursive=False)).strip()
        if len(children) == 2 and not own:
            first, second = (_text(c) for c in children)
            labelled = children[0].name in ("label", "strong", "b", "th", "dt") or first.endswith(":") or "label" in " ".join(
                children[0].get("class") or []
            )
            if labelled:
                add(first, second)
    return pairs


def _table_pairs(table: Any, add: Any) -> None:
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    headers: list[str] = []
    for row in rows:
        cells = row.find_all(["th", "td"], recursive=False)
        kinds = [c.name for c in cells]
        if cells and all(k == "th" for k in kinds) and len(cells) > 1:
            headers = [_text(c) for c in cells]
            continue
        if len(cells) >= 2 and kinds[0] == "th":
            add(_text(cells[0]), " ".join(_text(c) for c in cells[1:]))
        elif len(cells) == 2 and _text(cells[0]).endswith(":"):
            add(_text(cells[0]), _text(cells[1]))
        elif headers and len(cells) == len(headers):
            for header, cell in zip(headers, cells):
                add(header, _text(cell))


_LABEL_LINE = re.compile(r"^\s*([^\W\d_][^:\n]{0,38}):\s*$")


def text_pairs(text: str) -> list[Pair]:
    """Pairs in plain text: a short line 'Label:' and the next non-empty line as its value."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    pairs = []
    for label, value in zip(lines, lines[1:]):
        match = _LABEL_LINE.match(label)
        if match and _ok(match.group(1), value) and not value.endswith(":"):
            pairs.append(Pair(match.group(1).strip(), value))
    return pairs
