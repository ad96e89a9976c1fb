"""The name a product page gives its product, also on pages without JSON-LD or a text ``<h1>``.

:func:`product_names` is what the rules that name a product read (JA202's price comparison,
JA301's stock-out): the first JSON-LD offer's name and the page's ``<h1>``
(:func:`journeyaudit.facts.ledger_words.product_names`); on a page with neither (its
``<h1>`` is the logo), :func:`other_names`: the heading the page's ``<title>`` names, else
the item row the product added to the next basket. Pure: facts only, no rules.
"""

from __future__ import annotations

import html as html_lib
import re

from journeyaudit.facts import computed, page_text
from journeyaudit.facts.ledger_words import product_names as marked_up_names
from journeyaudit.model import StepRecord

_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_HEADING = re.compile(r"<(h[1-3])\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:·]+\s+")


def product_names(reached: list[StepRecord], step: StepRecord, basket_roles: set[str]) -> list[str]:
    """The product page's names for its product: JSON-LD and ``<h1>``, else :func:`other_names`."""
    return marked_up_names(step) or other_names(reached, step, basket_roles)


def other_names(reached: list[StepRecord], step: StepRecord, basket_roles: set[str]) -> list[str]:
    """The product's name when the page has neither JSON-LD nor a text ``<h1>`` (its ``<h1>`` is the logo).

    First the heading that the page's ``<title>`` names ("Tent - Vendure Remix Storefront"
    and an ``<h2>`` "Tent"), else the row the product added to the next basket: an item
    row (read by structure) that no basket before the product page listed.
    """
    html = step.html or ""
    title = _TITLE.search(html)
    segments = {page_text.normalise(part) for part in _TITLE_SEPARATORS.split(_text(title.group(1)))} if title else set()
    for match in _HEADING.finditer(html):
        heading = _text(match.group(2))
        if heading and len(heading) <= 150 and page_text.normalise(heading) in segments:
            return [heading]
    before = {row.name for s in reached if s.index < step.index and s.role in basket_roles
              for row in computed.basket_block(s).items}
    for later in reached:
        if later.index > step.index and later.role in basket_roles:
            added = [row.name for row in computed.basket_block(later).items if row.name not in before]
            if added:
                return added[:1]
    return []


def _text(markup: str) -> str:
    return " ".join(html_lib.unescape(_TAG.sub(" ", markup)).split())
