"""A recorded page parsed once by lxml, read through the few BeautifulSoup-shaped helpers the facts use.

Parsing each step with BeautifulSoup's ``html.parser`` cost most of a
re-judgement; lxml parses in C. Its elements get the BeautifulSoup subset the
readers were written against (``name``, ``has_attr``, ``find``, ``find_all``,
``find_parent``, ``parents``, ``get_text``, ``stripped_strings``), with
BeautifulSoup's meaning: ``find`` searches descendants (lxml's own ``find``
searches children by path), and text leaves out comments and what script,
style, template, rt and rp hold. Attribute values are strings (``class`` too).
A parsed page is shared: read it, never change it. CSS selectors stay with
BeautifulSoup and soupsieve (:func:`soup`), parsed only for a journey that has
selector hints. Pages nesting deeper than 2,048 levels are cut there (libxml2's
limit with ``huge_tree``; browsers build at most 512 levels from markup).
lxml repairs mis-nested markup as a parsing browser does (a ``<div>`` closes an
open ``<p>``) where ``html.parser`` kept it: recorded pages are the browser's
DOM serialised, so such nesting only comes from a script that built it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from lxml import etree
from lxml import html as lxml_html

# Strings inside these are not text (BeautifulSoup's Script, Stylesheet, TemplateString, Ruby strings).
NOT_TEXT_CONTAINERS = frozenset({"script", "style", "template", "rt", "rp"})


def _names(name: Any) -> frozenset[str] | None:
    """None for any element (``True``), else the set of tag names asked for."""
    if name is True or name is None:
        return None
    return frozenset([name] if isinstance(name, str) else name)


def _attrs_match(element: Any, attrs: dict[str, str] | None) -> bool:
    return not attrs or all(element.get(key) == value for key, value in attrs.items())


def strings(element: Any, skip: Any = None) -> Iterator[str]:
    """The text strings under ``element`` in document order (BeautifulSoup's ``_all_strings``).

    ``skip(child)`` true leaves out a child's subtree (its tail, a sibling string, stays).
    Iterative: pages nest deeper than Python's recursion limit.
    """
    if element.text and element.tag not in NOT_TEXT_CONTAINERS:
        yield element.text
    stack: list[tuple[Iterator[Any], Any]] = [(iter(element), None)]
    while stack:
        children, owner = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if owner is not None and owner.tail:
                yield owner.tail  # after the owner's own content
            continue
        if isinstance(child.tag, str) and child.tag not in NOT_TEXT_CONTAINERS and not (skip and skip(child)):
            if child.text:
                yield child.text
            stack.append((iter(child), child))
        elif child.tail:
            yield child.tail


def text_nodes(element: Any) -> list[tuple[str, Any]]:
    """The text strings under ``element`` (those of :func:`strings`) in document order, each with the
    element that holds it: a tail's holder is its element's parent. One walk, no XPath (an
    ``ancestor::`` test per text node costs five times the walk)."""
    found: list[tuple[str, Any]] = []
    if element.text and element.tag not in NOT_TEXT_CONTAINERS:
        found.append((element.text, element))
    stack: list[tuple[Iterator[Any], Any]] = [(iter(element), element)]
    while stack:
        children, owner = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if stack and owner.tail:
                found.append((owner.tail, stack[-1][1]))
            continue
        if isinstance(child.tag, str) and child.tag not in NOT_TEXT_CONTAINERS:
            if child.text:
                found.append((child.text, child))
            stack.append((iter(child), child))
        elif child.tail:
            found.append((child.tail, owner))
    return found


def elements_without(root: Any, skip: Callable[[Any], bool]) -> tuple[list[Any], list[Any]]:
    """(``root`` and its descendant elements in document order without those ``skip`` is true of and their
    subtrees, the elements skipped). ``root`` itself is kept. libxml2 walks the tree: no recursion limit."""
    kept: list[Any] = []
    skipped: list[Any] = []
    walk = etree.iterwalk(root, events=("start",), tag=etree.Element)
    for _, element in walk:
        if element is not root and skip(element):
            skipped.append(element)
            walk.skip_subtree()
        else:
            kept.append(element)
    return kept, skipped


class TextIndex:
    """Each element's text on one line, ``" ".join(element.get_text(" ").split())``, for a whole tree.

    Asking every element of a page for its text walks each subtree again (quadratic in the
    depth); the index builds the texts bottom-up in one walk, each from its children's. Texts
    longer than ``keep`` characters are not kept (a deep page would hold its text once per
    level) and are read afresh when asked for. Read-only, like the tree: build one per reading.
    """

    def __init__(self, root: Any, keep: int = 1000) -> None:
        self.root, self.keep = root, keep
        self._texts: dict[Any, str | None] = {}  # None: longer than ``keep``
        self._quiet: set[Any] = set()  # inside script, style, template, rt, rp: no text (as get_text)
        for container in root.iter(*NOT_TEXT_CONTAINERS):
            self._quiet.update(container.iterdescendants(etree.Element))
        texts = self._texts
        quiet_tags = NOT_TEXT_CONTAINERS
        for element in reversed(list(root.iter(etree.Element))):  # children before their parents
            parts: list[str] = []
            own = element.text  # each read of .text or .tail builds a new string: read once
            if own and element.tag not in quiet_tags:
                parts.append(" ".join(own.split()))
            long = False
            for child in element:
                tag = child.tag
                if tag.__class__ is str and tag not in quiet_tags:
                    part = texts[child]
                    if part is None:  # a long child makes a long parent
                        long = True
                        break
                    parts.append(part)
                tail = child.tail
                if tail:
                    parts.append(" ".join(tail.split()))
            text = None if long else " ".join(filter(None, parts))
            texts[element] = text if text is not None and len(text) <= keep else None

    def text(self, element: Any) -> str:
        """The element's text on one line ("" inside script, style, template, rt or rp)."""
        if element in self._quiet:
            return ""
        found = self._texts.get(element, None)
        return found if found is not None else " ".join(element.get_text(" ").split())

    def kept(self, element: Any) -> str | None:
        """:meth:`text` when it is at most ``keep`` characters long, else None (without reading a long text
        of this tree; an element of another tree is read afresh)."""
        if element in self._quiet:
            return ""
        if element in self._texts:
            return self._texts[element]
        text = self.text(element)
        return text if len(text) <= self.keep else None


@functools.lru_cache(maxsize=64)
def _compiled_xpath(expression: str) -> Any:
    return etree.XPath(expression)


def xpath(element: Any, expression: str) -> Any:
    """``element.xpath(expression)``, the expression compiled once (compiling it took longer than
    running it over a page)."""
    return _compiled_xpath(expression)(element)


def child_elements(element: Any) -> Iterator[Any]:
    """The element's child elements (no comments or processing instructions)."""
    return element.iterchildren(etree.Element)


def join_text(pieces: Iterable[str], separator: str = "", strip: bool = False) -> str:
    if strip:
        pieces = (piece.strip() for piece in pieces)
        return separator.join(piece for piece in pieces if piece)
    return separator.join(pieces)


class Tag(lxml_html.HtmlElement):
    """An lxml element with the BeautifulSoup reading methods the facts use (no state of its own)."""

    @property
    def name(self) -> str:
        return self.tag if isinstance(self.tag, str) else ""

    def has_attr(self, key: str) -> bool:
        return key in self.attrib

    def find_all(self, name: Any = True, attrs: dict[str, str] | None = None, recursive: bool = True) -> list[Any]:
        """Descendant elements (children only with ``recursive=False``) by tag name(s), in document order."""
        names = _names(name)
        found = self.iterchildren(etree.Element) if not recursive else self.iterdescendants(etree.Element)
        return [e for e in found if (names is None or e.tag in names) and _attrs_match(e, attrs)]

    def find(self, name: Any = True, attrs: dict[str, str] | None = None) -> Any:  # type: ignore[override]
        """The first descendant element by tag name(s), or None (BeautifulSoup's ``find``, not lxml's)."""
        names = _names(name)
        return next((e for e in self.iterdescendants(etree.Element)
                     if (names is None or e.tag in names) and _attrs_match(e, attrs)), None)

    def find_parent(self, name: str) -> Any:
        return next((parent for parent in self.iterancestors(name)), None)

    @property
    def parents(self) -> Iterator[Any]:
        return self.iterancestors()

    def get_text(self, separator: str = "", strip: bool = False) -> str:
        return join_text(self._strings(), separator, strip)

    @property
    def stripped_strings(self) -> Iterator[str]:
        return (piece for piece in (s.strip() for s in self._strings()) if piece)

    def _strings(self) -> Iterator[str]:
        """:func:`strings`, none for an element inside a script, style, template, rt or rp (as BeautifulSoup)."""
        if next(self.iterancestors(*NOT_TEXT_CONTAINERS), None) is not None:
            return iter(())
        return strings(self)


_LOOKUP = etree.ElementDefaultClassLookup(
    element=Tag, comment=lxml_html.HtmlComment, pi=lxml_html.HtmlProcessingInstruction, entity=lxml_html.HtmlEntity
)


def _parser(encoding: str | None) -> Any:
    # one parser per parse (lxml parsers are not shared across threads); huge_tree: libxml2 would
    # otherwise cut a page off at 256 levels of nesting or a 10 MB text, silently
    parser = lxml_html.HTMLParser(encoding=encoding, huge_tree=True)
    parser.set_element_class_lookup(_LOOKUP)
    return parser


def parse(html: str) -> Tag | None:
    """The page's ``<html>`` element (None without markup). Shared: read it, never change it.

    Handed to libxml2 as UTF-8 bytes, which it reads as they are: a str goes over as Latin-1, UTF-16
    or UCS-4 and is converted first (a sixth more time; the same tree for every fixture page and the
    repository's HTML). A str with a lone surrogate (JSON may hold one) cannot be UTF-8: lxml reads it."""
    if not html or not html.strip():
        return None
    try:
        data = html.encode("utf-8")
    except UnicodeEncodeError:
        data = None
    try:
        if data is not None:
            return lxml_html.document_fromstring(data, parser=_parser("utf-8"))
        try:
            return lxml_html.document_fromstring(html, parser=_parser(None))
        except etree.ParserError:
            raise
        except ValueError:  # a str that declares its encoding (<?xml encoding=...?>): hand lxml the bytes
            return lxml_html.document_fromstring(html.encode("utf-8"), parser=_parser("utf-8"))
    except etree.ParserError:  # nothing but comments or a doctype
        return None


def soup(html: str) -> Any:
    """The page parsed by BeautifulSoup, for CSS selectors (soupsieve); None without HTML."""
    if not html:
        return None
    from bs4 import BeautifulSoup  # local: only journeys with selector hints need it

    return BeautifulSoup(html, "html.parser")
