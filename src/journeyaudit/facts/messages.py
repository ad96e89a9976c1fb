"""Error and notice texts that a recorded page shows the customer, read from its HTML.
"""

from __future__ import annotations

import re
from typing import Any

from journeyaudit.facts import html_tree
from journeyaudit.facts.page_text import _collapse

# ==========================================================================
# Error texts from HTML
# ==========================================================================

_ERROR_CLASS = re.compile(r"error|alert|danger|invalid|notice|flash|message|warning", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HIDDEN_CLASSES = {"hidden", "d-none", "is-hidden", "u-hidden"}  # each holds "hidden" or "d-none" (see _hidden)
_NOT_TEXT = ("script", "style", "template", "noscript", "head", "title", "meta", "link", "svg")
_NO_CANDIDATE = {"html", "body", "input", "select", "option", "textarea", "button", "img", "form"}
_MAX_MESSAGE = 500


def _hidden(tag: Any) -> bool:
    attrib = tag.attrib  # one lookup per attribute: every element of every page is asked
    if not attrib:  # most elements: no attribute that could hide them
        return tag.tag == "dialog"
    if "hidden" in attrib:
        return True
    if attrib.get("aria-hidden", "").strip().lower() == "true":
        return True
    style = attrib.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    if tag.tag == "dialog" and "open" not in attrib:
        return True
    classes = attrib.get("class")
    if not classes:
        return False
    lowered = classes.lower()  # every hiding class holds "hidden" or "d-none": most class lists hold neither
    return ("hidden" in lowered or "d-none" in lowered) and bool(_HIDDEN_CLASSES & {c.lower() for c in classes.split()})


def _is_candidate(tag: Any) -> bool:
    attrib = tag.attrib
    return bool(attrib) and tag.tag not in _NO_CANDIDATE and _names_a_message(attrib)


def _names_a_message(attrib: Any) -> bool:
    """Do an element's attributes (there are some) make it a message: role alert, a live region, an error-ish class or id?"""
    roles = attrib.get("role", "").lower().split()
    if "alert" in roles or "alertdialog" in roles:
        return True
    live = attrib.get("aria-live")
    if live is not None and live.strip().lower() != "off":
        return True
    classes = attrib.get("class")
    return bool(classes and _ERROR_CLASS.search(classes)) or bool(_ERROR_CLASS.search(attrib.get("id", "")))


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
    return error_texts_in(html_tree.parse(html)) if html else []


def error_texts_in(page: Any) -> list[str]:
    """:func:`error_texts` of a page already parsed by :func:`html_tree.parse` (which is not changed)."""
    if page is None:
        return []
    view = _VisibleView(page)
    return _texts(view.tags, _candidates(view.tags), view)


class _VisibleView:
    """The page without non-text and hidden elements (and their content), read without changing it.

    Like taking those subtrees out of the tree: their tails (the text after
    them) stay, as separate strings.
    """

    def __init__(self, page: Any) -> None:
        self._out: set[Any] = set()
        self.tags: list[Any] = []  # the visible elements, in document order
        if _hidden(page):
            self._out.add(page)
            return
        self.tags, skipped = html_tree.elements_without(page, lambda e: e.tag in _NOT_TEXT or _hidden(e))
        self._out.update(skipped)

    def visible(self, element: Any) -> bool:
        return element not in self._out and not any(parent in self._out for parent in element.iterancestors())

    def text(self, element: Any) -> str:
        """``get_text(" ", strip=True)`` of what remains visible under ``element``."""
        return html_tree.join_text(html_tree.strings(element, self._out.__contains__), " ", strip=True)


def _candidates(tags: list[Any]) -> set[int]:
    """ids of the message elements: by role/class/live region, and invalid fields' message targets.

    One pass over the elements (most have no attribute: nothing to ask them)."""
    by_id: dict[str, Any] = {}
    candidates: set[int] = set()
    invalid: list[Any] = []
    for tag in tags:
        attrib = tag.attrib
        if not attrib:
            continue
        ident = attrib.get("id")
        if ident and ident not in by_id:
            by_id[ident] = tag
        if tag.tag not in _NO_CANDIDATE and _names_a_message(attrib):
            candidates.add(id(tag))
        state = attrib.get("aria-invalid")
        if state is not None and state.strip().lower() not in ("", "false"):
            invalid.append(tag)
    for tag in invalid:
        for attribute in ("aria-describedby", "aria-errormessage"):
            candidates.update(id(by_id[ref]) for ref in str(tag.get(attribute, "")).split() if ref in by_id)
    return candidates


def _texts(tags: list[Any], candidates: set[int], view: _VisibleView) -> list[str]:
    texts: list[str] = []
    for tag in tags:
        if id(tag) not in candidates:
            continue
        if any(id(inner) in candidates for inner in tag.find_all(True)):
            continue  # the innermost candidate speaks
        items = [item for item in tag.find_all("li") if view.visible(item)] if tag.name in ("ul", "ol") else []
        parts = [view.text(item) for item in items] or [view.text(tag)]
        for part in parts:
            part = _collapse(part)
            if part and len(part) <= _MAX_MESSAGE and re.search(r"\w", part) and part not in texts:
                texts.append(part)
    return texts
