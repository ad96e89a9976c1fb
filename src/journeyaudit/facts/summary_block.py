"""A basket or order summary read by its structure: item rows versus summary rows, whatever the wording.

A cart, checkout or order page lists what is bought and then sums it up. The
two kinds of row look different in every theme (Shuup's basket table, Shopify
Dawn's ``cart-items`` table and ``totals`` box, WooCommerce's block cart and
order summary, Magento Luma's ``shopping-cart-table`` and ``totals`` table), but
they are told apart by structure, not by words:

* an **item row** names something bought and carries a quantity (a number
  input, a cell or badge holding only a small whole number, "2 ×", "× 2") or a
  product picture, with one or two amounts (unit and line price);
* a **summary row** is a label with one amount ("Basket total €39.90",
  "Untaxed €4.90", "Card processing fee £3.95", "Flat rate: $10.00"): no
  quantity, no picture, and a single amount besides an amount in brackets
  ("(€93.90 excl. tax)");
* anything else (a tax breakdown row with a rate and three amounts, a product
  card's price) is neither.

:func:`read` returns both, in page order. Pure: a page parsed by :func:`html_tree.parse`
(lxml) in, rows out; the ledger's item reader and the late-extra-cost rule use it.
Text is what :mod:`html_tree` calls text: comments and what script, style and
template hold are not read (neither as a "2 ×" quantity nor as an amount).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from lxml import etree

from journeyaudit.facts import html_tree
from journeyaudit.facts import money as money_reader
from journeyaudit.facts.money import Money
from journeyaudit.facts.page_text import text_cache

_QTY_TEXT = re.compile(r"^\s*(?:(\d{1,3})\s*[×x✕]|[×x✕]\s*(\d{1,3}))(?=\s|$)|(?:^|\s)(?:[×x✕]\s*(\d{1,3}))\s*$", re.IGNORECASE)
_BARE_INT = re.compile(r"^\s*(\d{1,3})\s*$")
_LEAD_INT = re.compile(r"^\s*(\d{1,3})(?!\S)")
_SPLIT_SYMBOL = re.compile(r"([$€£¥₹])\s+(?=\d)")
_TIMES = re.compile(r"[×x✕]", re.IGNORECASE)  # what _QTY_TEXT needs besides a digit
_QTY_CLASS = re.compile(r"qty|quantity|menge|anzahl|cantidad|quantit", re.IGNORECASE)
_BRACKETED = re.compile(r"\([^()]*\)")
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_HIDDEN_CLASS = re.compile(r"(?<![\w-])(?:visually-hidden|screen-reader-text|sr-only|hidden|dropdown-menu)(?![\w-])")
_CODES = re.compile(r"(?<!\w)(?:USD|EUR|GBP|CAD|AUD|NZD|CHF|JPY|SEK|NOK|DKK|PLN|CZK|HUF|INR|BRL|MXN)(?!\w)")
_ROW_TAGS = ("tr", "li", "div", "dl", "p", "section", "article", "tbody", "span", "dd", "footer")


@dataclass(frozen=True)
class ItemRow:
    """Something bought: its name, quantity (None when not shown), unit and line price, the row as written."""

    name: str
    quantity: int | None
    unit: Money | None
    line: Money | None
    text: str


@dataclass(frozen=True)
class SummaryRow:
    """A label with one amount (a subtotal, a fee, a tax, a discount, a total), the row as written."""

    label: str
    amount: Money
    text: str


@dataclass(frozen=True)
class Block:
    items: tuple[ItemRow, ...]
    summary: tuple[SummaryRow, ...]


def read(page: Any, texts: html_tree.TextIndex | None = None) -> Block:
    """The item rows and the summary rows of a page parsed by :func:`html_tree.parse` (empty for None).

    ``texts``: the page's :class:`html_tree.TextIndex`, when the caller has one. Rules read the
    block through ``computed.basket_block(step)``, once per judged run."""
    if page is None:
        return Block((), ())
    body = page.find("body")
    body = page if body is None else body
    if texts is None or texts.root is not page:
        texts = html_tree.TextIndex(body)
    return _Page(body, texts).block()


def _amounts(text: str) -> list[Money]:
    """The amounts of a row that count: not those in brackets ("(€89.00 excl. tax)")."""
    return list(_counted_amounts(text))


@text_cache(maxsize=4096)  # per text: the same rows come back on the next steps (a header, a summary)
def _counted_amounts(text: str) -> tuple[Money, ...]:
    return tuple(money_reader.find_money(_BRACKETED.sub(" ", text)))


def _within(tag: Any, outer: Any) -> bool:
    """Is ``tag`` ``outer`` or inside it?"""
    return tag is outer or any(parent is outer for parent in tag.iterancestors())


def _hides(element: Any) -> bool:
    """Does this element itself hide its content (a class, ``hidden``, ``aria-hidden``, ``display:none``)?"""
    style = element.get("style", "").replace(" ", "").lower()
    return bool(_HIDDEN_CLASS.search(element.get("class", "")) or "hidden" in element.attrib
                or element.get("aria-hidden", "").lower() == "true" or "display:none" in style)


class _Page:
    """One reading of a page's body: each element's text, hiddenness and quantity anchors found once."""

    def __init__(self, body: Any, texts: html_tree.TextIndex) -> None:
        self.body = body
        self.texts = texts
        # only texts with a digit can hold a quantity or an amount (both readers' first test)
        self.digit_texts = [(text, holder) for text, holder in html_tree.text_nodes(body) if _DIGIT.search(text)]
        self._text: dict[Any, str] = {}
        self._hidden: dict[Any, bool] = {}
        self._names: dict[Any, str] = {}
        # per element, not per text: a grid of 1,600 cards has more texts than the text caches keep
        self._money: dict[Any, tuple[Money, ...]] = {}
        self._row_amounts: dict[Any, tuple[Money, ...]] = {}
        self._labels: dict[Any, str] = {}
        self.number_inputs: dict[Any, int] = {}  # element -> number inputs inside it
        for field in body.iter("input"):
            if field.get("type") == "number":
                for parent in field.iterancestors():
                    self.number_inputs[parent] = self.number_inputs.get(parent, 0) + 1
        self.anchors = self._quantity_anchors()

    def block(self) -> Block:
        every = self._item_tags()
        shown = [t for t in every if not self.hidden(t)]
        item_tags = shown or every  # a page whose only basket is a closed mini-cart still lists it
        items: list[ItemRow] = []
        seen: set[str] = set()
        for tag in item_tags:
            row = self._item_row(tag)
            if row is not None and row.name.casefold() not in seen:
                seen.add(row.name.casefold())
                items.append(row)
        return Block(tuple(items), tuple(self._summary_rows(every)))

    def text(self, tag: Any) -> str:
        """The element's text on one line; a currency symbol in an element of its own rejoins its number ("$ 10.00")."""
        found = self._text.get(tag)
        if found is None:
            found = self.texts.text(tag)
            if _SPLIT_SYMBOL.search(found):  # rare: a substitution costs more than the search
                found = _SPLIT_SYMBOL.sub(r"\1", found)
            self._text[tag] = found
        return found

    def money(self, tag: Any) -> tuple[Money, ...]:
        """Every amount in the element's text."""
        found = self._money.get(tag)
        if found is None:
            found = self._money[tag] = tuple(money_reader.find_money(self.text(tag)))
        return found

    def row_amounts(self, tag: Any) -> tuple[Money, ...]:
        """The amounts of the element's text that count (:func:`_amounts`)."""
        found = self._row_amounts.get(tag)
        if found is None:
            found = self._row_amounts[tag] = _counted_amounts(self.text(tag))
        return found

    def label(self, tag: Any) -> str:
        """The element's words without its amounts (:func:`_label`)."""
        found = self._labels.get(tag)
        if found is None:
            found = self._labels[tag] = _label(self.text(tag))
        return found

    def hidden(self, tag: Any) -> bool:
        """Not shown until the customer opens it (a mini-cart drop-down) or for screen readers only."""
        chain: list[Any] = []
        element, result = tag, False
        while element is not None and element.tag not in ("html", "body"):
            known = self._hidden.get(element)
            if known is not None:
                result = known
                break
            chain.append(element)
            if _hides(element):
                result = True
                break
            element = element.getparent()
        for passed in chain:
            self._hidden[passed] = result
        return result

    # ---- item rows ------------------------------------------------------------------

    def _quantity_anchors(self) -> list[tuple[Any, int, bool]]:
        """Elements that hold a line's quantity, with it: number inputs, bare small numbers, "2 ×" texts
        (the last flag: found in a text, whose element may be the row itself)."""
        anchors: list[tuple[Any, int, bool]] = []
        for field in self.body.iterdescendants("input"):
            kind = field.get("type", "text").lower()
            named = _QTY_CLASS.search(" ".join([field.get("name", ""), field.get("id", ""), field.get("class", "")]))
            value = field.get("value", "").strip()
            if (kind == "number" or (kind == "text" and named)) and value.isdigit() and 0 < int(value) < 1000:
                anchors.append((field, int(value), False))
        for tag in self.body.iterdescendants("td", "span", "div", "strong", "p"):
            kept = self.texts.kept(tag)
            # rejoining symbols removes at most 1 character in 3: still over 40; both patterns below begin with
            # a digit, and the text (stripped) begins with the same character after rejoining
            if not kept or len(kept) > 80 or not kept[0].isdigit():
                continue
            own = self.text(tag)
            if len(own) > 40 or money_reader.find_money(own):
                continue
            bare = _BARE_INT.match(own)
            if bare and 0 < int(bare.group(1)) < 1000 and tag.tag == "td":
                anchors.append((tag, int(bare.group(1)), False))
                continue
            lead = _LEAD_INT.match(own)  # a quantity badge: "2" and, for screen readers, "2 items"
            if lead and 0 < int(lead.group(1)) < 1000 and _QTY_CLASS.search(tag.get("class", "")):
                anchors.append((tag, int(lead.group(1)), False))
        for text, holder in self.digit_texts:
            match = _QTY_TEXT.search(text) if _TIMES.search(text) else None  # every quantity text has a "×"
            if match:
                anchors.append((holder, int(next(g for g in match.groups() if g)), True))
        return anchors

    def _item_tags(self) -> list[Any]:
        """The smallest elements around a quantity (or a product picture) that also hold a name and an amount."""
        found: list[Any] = []
        taken: set[Any] = set()
        for anchor, _, _ in self.anchors:
            row = self._climb(anchor)
            if row is not None and row not in taken:
                found.append(row)
                taken.add(row)
        for img in self.body.iterdescendants("img"):
            row = self._climb(img)
            if row is not None and row not in taken and row.tag in ("tr", "li") and self._quantity_of(row) is None:
                if len({m.amount for m in self.row_amounts(row)}) <= 2:
                    found.append(row)
                    taken.add(row)
        # keep the innermost rows only (no other row inside), in page order
        around_others = {ancestor for row in found for ancestor in row.iterancestors()}
        inner = [t for t in found if t not in around_others]
        order = {t: i for i, t in enumerate(self.body.iter(etree.Element))}
        return sorted(inner, key=lambda t: order.get(t, 0))

    def _climb(self, tag: Any, depth: int = 8) -> Any:
        """The first ancestor (or ``tag``) that holds an amount and a name; never a whole list of items."""
        current = tag
        for _ in range(depth):
            if current is None or current.tag in ("body", "html", "table", "main"):
                return None
            if self.number_inputs.get(current, 0) > 1:
                return None  # a whole list of items
            if current.tag in _ROW_TAGS and self.row_amounts(current) and self._row_name(current):
                table_row = current if current.tag == "tr" else current.find_parent("tr")
                current = table_row if table_row is not None else current  # a table row's cells belong together
                if current.tag == "tbody" or len(self.row_amounts(current)) > 6:
                    return None
                return current
            current = current.getparent()
        return None

    def _row_name(self, tag: Any) -> str:
        """The item's name: its product link's or heading's text, else the first text with letters that is no amount
        (once per element: a grid's cards are climbed from each amount and picture inside them)."""
        name = self._names.get(tag)
        if name is None:
            name = self._names[tag] = self._find_row_name(tag)
        return name

    def _find_row_name(self, tag: Any) -> str:
        for found in tag.iterdescendants("a", "h2", "h3", "h4", "h5", "strong"):
            text = self.text(found)
            if _LETTERS.search(text) and not money_reader.find_money(text) and not self.hidden(found):
                return text
        for piece in tag.stripped_strings:
            piece = " ".join(piece.split())
            if _LETTERS.search(piece) and not money_reader.find_money(piece) and not _QTY_TEXT.fullmatch(piece):
                return piece.strip(" ×x:")
        return ""

    def _quantity_of(self, tag: Any) -> int | None:
        """The first quantity inside the row (a text's element may be the row itself)."""
        for anchor, quantity, in_text in self.anchors:
            if (in_text or anchor is not tag) and _within(anchor, tag):
                return quantity
        return None

    def _item_row(self, tag: Any) -> ItemRow | None:
        text = self.text(tag)
        name = self._row_name(tag)
        struck = {m.amount for s in tag.iterdescendants("s", "del", "strike") for m in money_reader.find_money(self.text(s))}
        amounts = [m for m in _amounts(text) if m.amount not in struck or len(_amounts(text)) == 1]
        if not name or not amounts:
            return None
        quantity = self._quantity_of(tag)
        distinct: list[Money] = []
        for money in amounts:
            if all(money.amount != d.amount for d in distinct):
                distinct.append(money)
        if len(distinct) >= 2:
            unit, line = distinct[0], distinct[-1]
        else:
            line = distinct[0]
            unit = line
            if quantity and quantity > 1:
                unit = Money((line.amount / quantity).quantize(Decimal("0.01")), line.currency, line.text)
        return ItemRow(name, quantity, unit, line, text)

    # ---- summary rows ------------------------------------------------------------------

    def _summary_rows(self, item_tags: list[Any]) -> list[SummaryRow]:
        """Label + one amount: from each amount up to the first element that also holds words, outside item rows."""
        inside = {e for t in item_tags for e in t.iter(etree.Element)}  # in an item row
        around = {e for t in item_tags for e in (t, *t.iterancestors())}  # an item row or around one
        rows: list[SummaryRow] = []
        used: list[Any] = []
        for text, parent in self.digit_texts:  # those with a digit
            if parent.tag in ("option", "button", "select", "label", "s", "del"):
                continue
            if parent in inside or self.hidden(parent):
                continue
            row = self._label_ancestor(parent, inside, around)
            if row is None or any(_within(row, u) or _within(u, row) for u in used):
                continue
            text = self.text(row)
            amounts = self.row_amounts(row)
            if len({m.amount for m in amounts}) != 1:
                continue
            label = self.label(row)
            if not label or len(label) > 80:
                continue
            used.append(row)
            rows.append(SummaryRow(label, amounts[0], text))
        return rows

    def _label_ancestor(self, tag: Any, inside: set[Any], around: set[Any], depth: int = 4) -> Any:
        current = tag
        for _ in range(depth):
            if current is None or current.tag in ("body", "html", "table", "tbody", "thead", "tfoot", "form", "main", "ul", "ol"):
                return None
            if current in inside or current in around:
                return None
            if not self.money(current):
                current = current.getparent()
                continue
            if self.label(current):
                return current
            current = current.getparent()
        return None


_DIGIT = re.compile(r"\d")  # text nodes that hold a digit (the amount check follows)


@text_cache(maxsize=4096)  # per text, across steps; _Page.label keeps it per element within a page
def _label(text: str) -> str:
    """A row's words without its amounts and bracketed notes: 'Total:' -> 'Total'."""
    rest = _BRACKETED.sub(" ", text)
    for money in money_reader.find_money(rest):
        rest = rest.replace(money.text, " ")
    rest = _CODES.sub(" ", rest)
    rest = " ".join(rest.split()).strip(" :–—-=")
    return rest if _LETTERS.search(rest) else ""
