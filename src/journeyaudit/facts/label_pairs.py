"""Labels and their values read by structure, not by line of text.

An order-status page says "Status" and "Cancelled" on separate lines: in a
definition list (``dt``/``dd``), a table (``th``/``td``, or a header row over a
row of values), or two elements side by side (``<span class="label">Status</span>
<span>Cancelled</span>``). :func:`read` returns each (label, value) pair a page
parsed by :func:`html_tree.parse` (lxml) shows; :func:`text_pairs` does the same for
plain text where a short label line ending in ':' is followed by its value
("Status:" / "Cancelled"). Pure.

Text is what :mod:`html_tree` calls text: what script, style and template hold is
none, and a comment between a label and its value does not part them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

from journeyaudit.facts import html_tree

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


def _ok(label: str, value: str) -> bool:
    return bool(label) and bool(value) and len(label) <= _MAX_LABEL and len(value) <= _MAX_VALUE and label != value


def read(page: Any, texts: html_tree.TextIndex | None = None) -> list[Pair]:
    """Every (label, value) pair of a page parsed by :func:`html_tree.parse`, in page order; [] for None.

    ``texts``: the page's :class:`html_tree.TextIndex`, when the caller has one."""
    if page is None:
        return []
    pairs: list[Pair] = []
    seen: set[Pair] = set()
    if texts is None or texts.root is not page:
        texts = html_tree.TextIndex(page)  # each element's text, found once

    def add(label: str, value: str) -> None:
        label = label.strip().rstrip(":").strip()
        if _ok(label, value) and Pair(label, value) not in seen:
            seen.add(Pair(label, value))
            pairs.append(Pair(label, value))

    for dl in page.iter("dl"):
        label = ""
        for tag in dl.iter("dt", "dd"):
            if tag.tag == "dt":
                label = texts.text(tag)
            elif label:
                add(label, texts.text(tag))
    for table in page.iter("table"):
        _table_pairs(table, add, texts.text)
    for parent in page.iter(etree.Element):
        # fewer than two children of any kind (most elements): no pair
        if len(parent) < 2 or parent.tag in _SKIP or parent.tag in ("dl", "tr", "table", "tbody", "thead"):
            continue
        children = [c for c in parent.iterchildren(etree.Element) if c.tag not in _SKIP and texts.kept(c) != ""]
        if len(children) == 2 and not _own_text(parent):
            second = texts.kept(children[1])
            if second is None:
                continue  # a long text is no value
            first = texts.text(children[0])
            labelled = children[0].tag in ("label", "strong", "b", "th", "dt") or first.endswith(":") or "label" in (
                children[0].get("class", "")
            )
            if labelled:
                add(first, second)
    return pairs


def _own_text(element: Any) -> bool:
    """Does the element hold text of its own, besides its children's? (Comments are no text.)"""
    return bool((element.text or "").strip()) or any((child.tail or "").strip() for child in element)


def _table_pairs(table: Any, add: Any, text_of: Any) -> None:
    rows = [r for r in table.find_all("tr") if r.find_parent("table") is table]
    headers: list[str] = []
    for row in rows:
        cells = [c for c in row.iterchildren("th", "td")]
        kinds = [c.name for c in cells]
        if cells and all(k == "th" for k in kinds) and len(cells) > 1:
            headers = [text_of(c) for c in cells]
            continue
        if len(cells) >= 2 and kinds[0] == "th":
            add(text_of(cells[0]), " ".join(text_of(c) for c in cells[1:]))
        elif len(cells) == 2 and text_of(cells[0]).endswith(":"):
            add(text_of(cells[0]), text_of(cells[1]))
        elif headers and len(cells) == len(headers):
            for header, cell in zip(headers, cells):
                add(header, text_of(cell))


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
