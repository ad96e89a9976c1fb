"""Products and their prices on a page without structured data: the visible item structure.

A listing (a category page, search results, "you may also like") shows each product as a
card: a repeated sibling container holding one name-ish element (a link or a heading) and one
price. With neither JSON-LD nor an ``<h1>`` per product, that structure is what pairs a name
with its price. :func:`cards` finds the largest group of sibling containers of the same tag
and class, each holding one name and one price. ``name_selector`` (a CSS selector, a journey's
or a rule's hint) names the element inside a card that holds the product's name, for markup
the heuristics cannot read. The card's price is the one a sighted customer pays: a
struck-through former price (``<del>``, ``<s>``: WooCommerce's sale cards) and screen-reader
copies ("Original price was: $20.00") are left out. Its name is the element whose class says
title, name or heading (``wc-block-grid__product-title``, ``card__heading``), else the first
heading or link. Pure: facts only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bs4 import BeautifulSoup
from bs4.element import Tag

from journeyaudit.facts import money
from journeyaudit.facts.money import Money

_NAME_TAGS = ("h2", "h3", "h4", "h5", "h6", "a")
_STRUCK = ("del", "s", "strike")
_HIDDEN = re.compile(r"(?<![\w-])(?:screen-reader-text|visually-hidden|sr-only)(?![\w-])")
_SPLIT_SYMBOL = re.compile(r"([$€£¥₹])\s+(?=\d)")
_NAME_CLASS = re.compile(r"(?:title|name|heading)(?![\w])", re.IGNORECASE)
MAX_CARDS = 200


@dataclass(frozen=True)
class Card:
    name: str
    price: Money
    text: str  # the card's text, one line


def cards(html: str, name_selector: str = "") -> list[Card]:
    """The product cards of a page: the largest group of same-shaped siblings with one name and one price each."""
    if not html:
        return []
    soup = BeautifulSoup(html, "html.parser")
    best: list[Card] = []
    for parent in soup.find_all(True):
        kids = [c for c in parent.children if isinstance(c, Tag)]
        if len(kids) < 2:
            continue
        shapes = Counter(_shape(c) for c in kids)
        for shape, count in shapes.items():
            if count < 2 or count <= len(best):
                continue
            found = [card for c in kids if _shape(c) == shape and (card := _card(c, name_selector)) is not None]
            if len(found) >= 2 and len(found) * 2 >= count and len(found) > len(best):
                best = found[:MAX_CARDS]
    return best


def _shape(tag: Tag) -> tuple[str, str]:
    return tag.name, " ".join(sorted(tag.get("class") or []))


def _card(tag: Tag, name_selector: str) -> Card | None:
    text = " ".join(tag.get_text(" ").split())
    if not text or len(text) > 600:
        return None
    charged = _price_text(tag)
    amounts = {(m.amount, m.currency) for m in money.find_money(charged)}
    if len(amounts) != 1:
        return None  # no price, or several (a list of lists, a price range)
    price = money.find_money(charged)[0]
    name = _name(tag, name_selector, price)
    return Card(name, price, text) if name else None


def _price_text(tag: Tag) -> str:
    """The card's text as a sighted customer reads its price: without the struck-through former price
    (``<del>``, ``<s>``) and without screen-reader copies ("Original price was: $20.00")."""
    kept = []
    for text in tag.strings:
        if any(p.name in _STRUCK or _HIDDEN.search(" ".join(p.get("class") or [])) for p in _up_to(text, tag)):
            continue
        kept.append(text)
    return _SPLIT_SYMBOL.sub(r"\1", " ".join(" ".join(kept).split()))  # "$ 18.00" (two text nodes) -> "$18.00"


def _up_to(text: Any, tag: Tag) -> Iterator[Tag]:
    for parent in text.parents:
        if parent is tag or parent is None:
            return
        yield parent


def _name(tag: Tag, name_selector: str, price: Money) -> str:
    """The card's name: the ``name_selector`` element; else an element whose class says title, name or
    heading (WooCommerce's ``wc-block-grid__product-title``, Dawn's ``card__heading``); else a heading or link."""
    if name_selector:
        hit: Any = tag.select_one(name_selector)
        return " ".join(hit.get_text(" ").split())[:150] if hit is not None else ""
    named = [c for c in tag.find_all(True) if _NAME_CLASS.search(" ".join(c.get("class") or []))]
    for candidate in [*named, *tag.find_all(_NAME_TAGS)]:
        words = " ".join(candidate.get_text(" ").split())
        if 2 <= len(words) <= 150 and price.text not in words and not money.find_money(words):
            return words
    return ""
