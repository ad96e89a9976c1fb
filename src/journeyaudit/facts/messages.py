"""Error and notice texts that a recorded page shows the customer, read from its HTML.
"""

from __future__ import annotations

import re
from typing import Any

from journeyaudit.facts.page_text import _collapse

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
    tags = list(_visible_soup(html).find_all(True))
    return _texts(tags, _candidates(tags))


def _visible_soup(html: str) -> Any:
    """The page without non-text and hidden elements (and their content)."""
    from bs4 import BeautifulSoup  # local: only this helper needs a parser

    soup = BeautifulSoup(html, "html.parser")
    # Extracted subtrees are skipped by their root's id: bs4's ``decomposed`` goes
    # through a slow attribute lookup (a child search) on every call.
    removed: set[int] = set()
    for tag in soup.find_all(_NOT_TEXT):
        if not any(id(parent) in removed for parent in (tag, *tag.parents)):
            removed.add(id(tag))
            tag.extract()
    for tag in soup.find_all(True):
        if _hidden(tag):
            tag.extract()
    return soup


def _candidates(tags: list[Any]) -> set[int]:
    """ids of the message elements: by role/class/live region, and invalid fields' message targets."""
    by_id = {}
    for tag in tags:
        if tag.get("id") and tag["id"] not in by_id:
            by_id[tag["id"]] = tag
    candidates = {id(tag) for tag in tags if _is_candidate(tag)}
    for tag in tags:
        invalid = str(tag.get("aria-invalid", "")).strip().lower()
        if not invalid or invalid == "false":
            continue
        for attribute in ("aria-describedby", "aria-errormessage"):
            candidates.update(id(by_id[ref]) for ref in str(tag.get(attribute, "")).split() if ref in by_id)
    return candidates


def _texts(tags: list[Any], candidates: set[int]) -> list[str]:
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
