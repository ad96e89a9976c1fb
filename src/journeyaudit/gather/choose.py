"""The ``choose`` action (issue 11): pick an option the way a customer does, whatever the widget.

* a native ``<select>``: its option, by label or value;
* an ARIA combobox or listbox button: click it, then the ``role=option`` named so;
* a common custom select (a button that opens a list): click it, then the list item that
  appeared near it (its ``aria-controls`` target, else a list in its container);
* a type-to-filter combobox (an editable field, ``aria-autocomplete="list"``: autocompletes,
  React-Select, Headless UI, downshift), whose options appear only after typing: when the
  click shows no matching option, type the start of the option (``search``, else its first
  three characters, then all of it), wait until the options have settled (no request of the
  page's in flight, the list unchanged), and click the match.

The field is found by a Playwright selector, or by its label or accessible name. When no
option matches, the error lists the options the customer saw.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from journeyaudit.gather.actions import ActionContext, ActionFailed, _describe, action

_SELECTOR = re.compile(r"^(css|xpath|text|role|label|id|data-testid|internal:[a-z-]+)=|^[#.\[/]|^\w+\[|^\w+#|^\w+\.")

# Options of an opened widget, marked (data-ja-option) so Python can click the one it chose.
_OPTIONS = """(el) => {
  const shown = n => { const r = n.getBoundingClientRect(), st = getComputedStyle(n);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; };
  const says = n => ((n.getAttribute('aria-label') || n.innerText || n.textContent || '') + '').replace(/\\s+/g, ' ').trim();
  document.querySelectorAll('[data-ja-option]').forEach(n => n.removeAttribute('data-ja-option'));
  const ids = ((el.getAttribute('aria-controls') || '') + ' ' + (el.getAttribute('aria-owns') || '')).split(/\\s+/).filter(Boolean);
  let lists = el.getAttribute('role') === 'listbox' ? [el] : ids.map(id => document.getElementById(id)).filter(n => n && shown(n));
  let options = [];
  for (const list of lists) options.push(...list.querySelectorAll('[role=option]'));
  if (!options.length) options = Array.from(document.querySelectorAll('[role=option]')).filter(shown);
  // an ARIA combobox's list holds role=option only: a "No matches" line near it is no option
  const aria = el.getAttribute('role') === 'combobox' || lists.some(l => l.getAttribute('role') === 'listbox');
  if (!options.length && !aria) {
    let box = el.parentElement;
    for (let depth = 0; box && depth < 3 && !options.length; depth++, box = box.parentElement) {
      for (const list of box.querySelectorAll('ul, ol, [role=listbox], [role=menu]')) {
        if (list.contains(el) || !shown(list)) continue;
        options = Array.from(list.querySelectorAll('li, [role=menuitem], [role=menuitemradio], [data-value]')).filter(shown);
        if (options.length) break;
      }
    }
  }
  return options.filter(shown).slice(0, 300).map((n, i) => {
    n.setAttribute('data-ja-option', String(i));
    return {label: says(n).slice(0, 120), value: n.getAttribute('data-value') || n.getAttribute('value') || n.id || '',
            disabled: n.getAttribute('aria-disabled') === 'true'};
  });
}"""

_NATIVE_OPTIONS = """(el) => Array.from(el.options).map(o => ({label: (o.label || o.text || '').replace(/\\s+/g, ' ').trim(),
  value: o.value, disabled: o.disabled}))"""

_TYPEABLE = """(el) => el.isContentEditable || el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT'
  && /^(|text|search|email|tel|url)$/.test((el.getAttribute('type') || '').toLowerCase()))"""

TYPE_DELAY_MS = 40  # between keys, as a quick typist: autocompletes listen to keys and input events
SETTLE_QUIET_MS = 200  # no request of the page's for this long
EMPTY_AFTER_MS = 1_200  # an empty list counts as the answer only after this long (debounce + fetch)

_UNMARK = "() => document.querySelectorAll('[data-ja-option]').forEach(n => n.removeAttribute('data-ja-option'))"


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().casefold()


def pick(options: list[dict[str, Any]], wanted: str) -> int | None:
    """The index of the option the customer means: its label, else its value, else the one label containing it."""
    key = _plain(wanted)
    for test in (lambda o: _plain(o["label"]) == key, lambda o: _plain(o["value"]) == key):
        found = [i for i, option in enumerate(options) if test(option) and not option.get("disabled")]
        if found:
            return found[0]
    containing = [i for i, option in enumerate(options) if key and key in _plain(option["label"]) and not option.get("disabled")]
    return containing[0] if len(containing) == 1 else None


def no_option(field: str, wanted: str, options: list[dict[str, Any]], typed: str | None = None) -> str:
    """The error when nothing matches: the options seen (after typing ``typed``), in the customer's words."""
    after = f" after typing {typed!r}" if typed is not None else ""
    if not options:
        return f"{field!r} showed no options{after} to choose {wanted!r} from"
    names = [option["label"] or option["value"] for option in options if not option.get("disabled")]
    listed = ", ".join(repr(name) for name in names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    return f"{field!r} has no option {wanted!r}; the options{after} are {listed}"


def search_terms(wanted: str, search: str | None) -> list[str]:
    """What to type into a type-to-filter combobox, in turn: ``search``, else the option's start, then all of it."""
    if search:
        return [search]
    text = re.sub(r"\s+", " ", wanted).strip()
    start = text[:3].rstrip()
    return [start, text] if start and start != text else [text]


def find_field(page: Page, field: str, timeout: int) -> Locator:
    """The field: a selector as it is, else by label, then as a combobox, listbox or button of that name."""
    if _SELECTOR.search(field):
        candidates = [page.locator(field)]
    else:
        exact = re.compile(rf"^\s*{re.escape(field)}\s*\*?\s*:?\s*$", re.I)
        candidates = [page.get_by_label(field, exact=True), page.get_by_role("combobox", name=exact),
                      page.get_by_role("button", name=exact), page.get_by_role("listbox", name=exact),
                      page.get_by_label(field), page.get_by_role("combobox", name=field),
                      page.get_by_role("button", name=field)]
    step = 100
    for waited in range(0, max(timeout, step), step):
        for candidate in candidates:
            try:
                visible = [n for n in candidate.all() if n.is_visible()]
            except PlaywrightError:
                visible = []
            if visible:
                return visible[0]
        if waited + step < timeout:
            page.wait_for_timeout(step)
    raise ActionFailed(f"could not find the field {field!r} on the page within {timeout / 1000:g} s")


@action("choose")
def choose(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    field, wanted = str(params["field"]), str(params["option"])
    search = str(params["search"]) if params.get("search") else None
    timeout = ctx.timeout(params)
    target = find_field(page, field, timeout)
    described = _describe(target)
    if described.get("tag") == "select":
        options = target.evaluate(_NATIVE_OPTIONS)
        index = pick(options, wanted)
        if index is None:
            raise ActionFailed(no_option(field, wanted, options))
        target.select_option(value=options[index]["value"], timeout=timeout)
        ctx.last_effect = {"chose": wanted}
    else:
        typed = _open_and_pick(page, target, Wanted(field, wanted, search), timeout, ctx.extra.get("network_log"))
        ctx.last_effect = {"chose": wanted, **({"typed": typed} if typed is not None else {})}
    return described


@dataclass(frozen=True)
class Wanted:
    field: str
    option: str
    search: str | None = None


def _typeable(target: Locator) -> bool:
    """An editable text field (not a read-only combobox, not a button): options may come only by typing."""
    try:
        return bool(target.evaluate(_TYPEABLE)) and target.is_editable()
    except PlaywrightError:
        return False


def _open_and_pick(page: Page, target: Locator, wanted: Wanted, timeout: int, log: Any) -> str | None:
    """Open the widget (unless it is a listbox shown already), type to filter when it must, click the option.

    Returns what was typed, or None when the option was picked without typing.
    """
    if (target.get_attribute("role") or "") != "listbox":
        target.click(timeout=timeout)
    typeable = _typeable(target)
    options: list[dict[str, Any]] = []
    # the list may open after an animation or a fetch; a field one types into may show nothing until then
    for _ in range(max(1, min(timeout, 500 if typeable else 3_000) // 100)):
        options = target.evaluate(_OPTIONS)
        if options:
            break
        page.wait_for_timeout(100)
    index = pick(options, wanted.option)
    typed = None
    if index is None and typeable:
        options, typed = _type_to_filter(page, target, wanted, timeout, log)
        index = pick(options, wanted.option)
    if index is None:
        _close(page, target)
        raise ActionFailed(no_option(wanted.field, wanted.option, options, typed))
    try:
        page.locator(f'[data-ja-option="{index}"]').first.click(timeout=timeout)
    except PlaywrightTimeout:
        raise ActionFailed(f"the option {options[index]['label']!r} of {wanted.field!r} could not be clicked") from None
    try:
        page.evaluate(_UNMARK)
    except PlaywrightError:  # the pick navigated: nothing left to tidy
        pass
    return typed


def _type_to_filter(page: Page, target: Locator, wanted: Wanted, timeout: int,
                    log: Any) -> tuple[list[dict[str, Any]], str]:
    """Type each search term in turn (the field cleared first) until the settled options hold the wanted one.

    Returns the options last seen (the last non-empty list, for the error) and what was typed for them
    (else what was typed last).
    """
    deadline = time.monotonic() + timeout / 1000
    seen: tuple[list[dict[str, Any]], str] = ([], "")
    for term in search_terms(wanted.option, wanted.search):
        target.fill("", timeout=timeout)
        target.press_sequentially(term, delay=TYPE_DELAY_MS, timeout=timeout)
        options = _settled_options(page, target, log, deadline)
        if options or not seen[0]:
            seen = (options, term)
        if pick(options, wanted.option) is not None:
            return options, term
    return seen


def _settled_options(page: Page, target: Locator, log: Any, deadline: float) -> list[dict[str, Any]]:
    """The options once they stop changing and the page's requests are quiet.

    A list with the options is taken when it is the same for two looks in a row and no request is
    under way; an empty one only after EMPTY_AFTER_MS (a debounced search may not have started).
    """
    typed_at = time.monotonic()
    before: list[dict[str, Any]] | None = None
    while True:
        options = target.evaluate(_OPTIONS)
        quiet = log is None or log.quiet_for(SETTLE_QUIET_MS)
        waited_ms = (time.monotonic() - typed_at) * 1000
        if quiet and options == before and (options or waited_ms >= EMPTY_AFTER_MS):
            return options
        if time.monotonic() >= deadline:
            return options
        before = options
        page.wait_for_timeout(100)


def _close(page: Page, target: Locator) -> None:
    try:
        page.evaluate(_UNMARK)
        target.press("Escape", timeout=1_000)
    except PlaywrightError:
        pass
