"""Facts computed once per judged run and shared by every rule (Lighthouse's computed artifacts).

Thirty-odd rules read the same steps: parsing each page's HTML for every rule
that wants its error messages cost ten times more than the rules themselves.
While the judge judges a run (``with judging(run):``), the parsed page, its
error texts and customer texts per step, and the ledger per set of labels are
computed on first use and then shared. The memo lives only for that judgement
and is looked up by object identity, so a run changed afterwards (or another
run) is read afresh. Outside ``judging`` every call computes directly: rules
called on their own stay correct, only slower.

Shared values must not be changed by their users (a parsed page is read-only).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from journeyaudit.facts import html_tree, label_pairs, messages, page_text, summary_block
from journeyaudit.model import Run, StepRecord

_T = TypeVar("_T")


class RunFacts:
    """Memo of one run's computed facts, keyed by (the object it was read from, what was read)."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self._values: dict[tuple[int, Hashable], tuple[object, Any]] = {}

    def get(self, owner: object, key: Hashable, compute: Callable[[], _T]) -> _T:
        slot = (id(owner), key)
        found = self._values.get(slot)
        if found is not None and found[0] is owner:
            return found[1]
        value = compute()
        self._values[slot] = (owner, value)  # holding owner keeps its id from being reused meanwhile
        return value


_CURRENT: ContextVar[RunFacts | None] = ContextVar("journeyaudit_run_facts", default=None)


@contextmanager
def judging(run: Run) -> Iterator[RunFacts]:
    """Share computed facts between the rules judging ``run``, for the duration of the block.

    Nested for the same run, the outer memo is reused: the audit judges a run and then builds its
    ledger for result.json inside one block, so the pages are parsed and the ledger read once."""
    current = _CURRENT.get()
    if current is not None and current.run is run:
        yield current
        return
    facts = RunFacts(run)
    token = _CURRENT.set(facts)
    try:
        yield facts
    finally:
        _CURRENT.reset(token)


def memo(owner: object, key: Hashable, compute: Callable[[], _T]) -> _T:
    """``compute()``, once per judged run for this owner (a Run or a StepRecord) and key."""
    facts = _CURRENT.get()
    return compute() if facts is None else facts.get(owner, key, compute)


def soup(step: StepRecord) -> Any:
    """The step's HTML parsed once by lxml, read through BeautifulSoup-shaped helpers
    (:mod:`html_tree`); None without HTML. Shared: read, never change it."""
    return memo(step, "page", lambda: html_tree.parse(step.html))


def selector_soup(step: StepRecord) -> Any:
    """The step's HTML parsed by BeautifulSoup, for a journey's CSS selector hints (soupsieve) only."""
    return memo(step, "soup", lambda: html_tree.soup(step.html))


def page_texts(step: StepRecord) -> tuple[Any, html_tree.TextIndex | None]:
    """The step's parsed page and each element's text on one line (:class:`html_tree.TextIndex`), built
    from that same page; (None, None) without HTML."""
    def compute() -> tuple[Any, html_tree.TextIndex | None]:
        page = soup(step)  # outside ``judging`` every call parses afresh: the index must be of this page
        return page, None if page is None else html_tree.TextIndex(page)

    return memo(step, "page_texts", compute)


def basket_block(step: StepRecord) -> summary_block.Block:
    """The step's basket/summary block read by structure (:mod:`summary_block`), once per judged run."""
    return memo(step, "basket_block", lambda: summary_block.read(*page_texts(step)))


def label_value_pairs(step: StepRecord) -> list[Any]:
    """The step's label/value pairs read by structure (:mod:`label_pairs`), once per judged run."""
    return memo(step, "label_pairs", lambda: list(label_pairs.read(*page_texts(step))))


def error_texts(step: StepRecord) -> list[str]:
    """The step's error and notice messages (:func:`messages.error_texts`); [] without HTML."""
    return memo(step, "error_texts", lambda: messages.error_texts_in(soup(step)))


def customer_texts(step: StepRecord) -> list[str]:
    """What the shop told the customer on a step: notices/errors from the HTML, dialogs, messages that
    appeared during the step (toasts, possibly gone by its end), then text lines."""
    return memo(step, "customer_texts", lambda: _customer_texts(step))


def _customer_texts(step: StepRecord) -> list[str]:
    texts: list[str] = []
    for text in [*error_texts(step), *(d.message for d in step.dialogs), *(m.text for m in step.messages),
                 *page_text.lines(step.visible_text)]:
        if text and text not in texts:
            texts.append(text)
    return texts
