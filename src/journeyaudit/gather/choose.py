"""The ``choose`` action (issue 11): pick an option the way a customer does, whatever the widget.

* a native ``<select>``: its option, by label or value;
* an ARIA combobox or listbox button: click it, then the ``role=option`` named so;
* a common custom select (a button that opens a list): click it, then the list item that
  appeared near it (its ``aria-controls`` target, else a list in its container).

The field is found by a Playwright selector, or by its label or accessible name. When no
option matches, the error lists the options the customer saw.
"""

from __future__ import annotations

import re
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
  if (!options.length) {
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


def no_option(field: str, wanted: str, options: list[dict[str, Any]]) -> str:
    """The error when nothing matches: the options seen, in the customer's words."""
    if not options:
        return f"{field!r} showed no options to choose {wanted!r} from"
    names = [option["label"] or option["value"] for option in options if not option.get("disabled")]
    listed = ", ".join(repr(name) for name in names[:12]) + (f" and {len(names) - 12} more" if len(names) > 12 else "")
    return f"{field!r} has no option {wanted!r}; the options are {listed}"


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
    timeout = ctx.timeout(params)
    target = find_field(page, field, timeout)
    described = _describe(target)
    if described.get("tag") == "select":
        options = target.evaluate(_NATIVE_OPTIONS)
        index = pick(options, wanted)
        if index is None:
            raise ActionFailed(no_option(field, wanted, options))
        target.select_option(value=options[index]["value"], timeout=timeout)
    else:
        _open_and_pick(page, target, field, wanted, timeout)
    ctx.last_effect = {"chose": wanted}
    return described


def _open_and_pick(page: Page, target: Locator, field: str, wanted: str, timeout: int) -> None:
    """Open the widget (unless it is a listbox shown already) and click the option."""
    if (target.get_attribute("role") or "") != "listbox":
        target.click(timeout=timeout)
    options: list[dict[str, Any]] = []
    for _ in range(max(1, min(timeout, 3_000) // 100)):  # the list may open after an animation or a fetch
        options = target.evaluate(_OPTIONS)
        if options:
            break
        page.wait_for_timeout(100)
    index = pick(options, wanted)
    if index is None:
        _close(page, target)
        raise ActionFailed(no_option(field, wanted, options))
    try:
        page.locator(f'[data-ja-option="{index}"]').first.click(timeout=timeout)
    except PlaywrightTimeout:
        raise ActionFailed(f"the option {options[index]['label']!r} of {field!r} could not be clicked") from None
    try:
        page.evaluate(_UNMARK)
    except PlaywrightError:  # the pick navigated: nothing left to tidy
        pass


def _close(page: Page, target: Locator) -> None:
    try:
        page.evaluate(_UNMARK)
        target.press("Escape", timeout=1_000)
    except PlaywrightError:
        pass
