"""One function per journey action: the browser side of docs/journeys.md.

Each function takes the page, the action's parameters and an
:class:`ActionContext`, and either returns (optionally with a description of
the element it acted on) or raises :class:`ActionFailed` with a one-line reason
in plain words. Playwright's long multi-line errors never reach a report.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from journeyaudit.gather import waits


class ActionFailed(Exception):
    """The action could not be done; the message is one line for the report."""


@dataclass
class ActionContext:
    base_url: str
    action_timeout_ms: int = 10_000
    navigation_timeout_ms: int = 30_000
    screenshot_now: dict[str, Any] | None = None  # set by the screenshot action
    extra: dict[str, Any] = field(default_factory=dict)
    last_effect: dict[str, Any] | None = None  # set by click: what the click visibly did (JA402)
    before_change: Callable[[], None] | None = None  # the recorder's: a picture on its way is collected first

    def page_may_change(self) -> None:
        """Called just before the action does something that may change the page."""
        if self.before_change is not None:
            self.before_change()

    def url(self, target: str) -> str:
        """Absolute URLs as they are; anything else is appended to the base URL."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            return target
        return self.base_url.rstrip("/") + "/" + target.lstrip("/")

    def timeout(self, params: dict[str, Any]) -> int:
        return int(params.get("timeout_ms") or self.action_timeout_ms)


ActionFunction = Callable[[Page, dict[str, Any], ActionContext], "dict[str, Any] | None"]
ACTIONS: dict[str, ActionFunction] = {}
#: actions that only look (at the page or the inbox): the picture of the last step may still be on its way
LOOK_ONLY_ACTIONS = frozenset({"expect", "wait_for", "pause", "screenshot", "wait_for_email", "expect_emails",
                               "expect_email_header"})

# Facts about the element a fill/click touched, never its value.
_DESCRIBE_BODY = """
  const label = (el.labels && el.labels[0] && el.labels[0].innerText)
    || el.getAttribute('aria-label') || '';
  const target = {tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '',
          name: el.getAttribute('name') || '', id: el.id || '',
          autocomplete: el.getAttribute('autocomplete') || '',
          placeholder: (el.getAttribute('placeholder') || '').slice(0, 120),
          label: label.trim().slice(0, 120),
          text: (el.innerText || el.value && el.tagName === 'BUTTON' && el.value || '').trim().slice(0, 120)};
"""
_DESCRIBE_TARGET = f"el => {{ {_DESCRIBE_BODY} return target; }}"

def action(name: str) -> Callable[[ActionFunction], ActionFunction]:
    def register(function: ActionFunction) -> ActionFunction:
        ACTIONS[name] = function
        return function

    return register


def perform(page: Page, name: str, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    """Run one action; any Playwright failure becomes a one-line ActionFailed.

    An action that touches the page first waits for it to be ready (gather/waits.py); one that
    may change it first lets the recorder collect the picture still on its way (``page_may_change``).
    """
    try:
        if name in waits.READY_ACTIONS:
            ready_ms = waits.wait_ready(page, ctx.extra.get("network_log"), ctx.extra.get("readiness") or waits.Readiness())
            ctx.extra["ready_ms"] = ready_ms
        if name not in LOOK_ONLY_ACTIONS and name != "click":  # click looks at its target first, then calls it
            ctx.page_may_change()
        return ACTIONS[name](page, params, ctx)
    except ActionFailed:
        raise
    except PlaywrightTimeout as exc:
        raise ActionFailed(_timeout_reason(name, params, ctx, exc)) from None
    except AssertionError as exc:
        raise ActionFailed(_first_line(str(exc)) or f"{name} failed") from None
    except PlaywrightError as exc:
        raise ActionFailed(f"{name} failed: {_first_line(exc.message)}") from None


def _first_line(text: str) -> str:
    for line in (text or "").splitlines():
        line = line.strip()
        if line and not line.startswith("=") and not line.lower().startswith("call log"):
            return line[:300]
    return ""


def _timeout_reason(name: str, params: dict[str, Any], ctx: ActionContext, exc: Exception) -> str:
    seconds = ctx.timeout(params) / 1000
    target = params.get("selector") or params.get("url") or params.get("text") or params.get("field") or ""
    if name in ("click", "fill", "select", "check", "uncheck", "press", "choose") and target:
        return f"could not find {target!r} on the page within {seconds:g} s"
    if name == "goto":
        return f"page {ctx.url(params['url'])} did not load within {ctx.navigation_timeout_ms / 1000:g} s"
    return f"{name} {target!r}: nothing happened within {seconds:g} s ({_first_line(str(exc))})"


def _describe(locator) -> dict[str, Any]:
    try:
        return locator.evaluate(_DESCRIBE_TARGET, timeout=2_000)
    except PlaywrightError:
        return {}


def _describe_at(page: Page, selector: str) -> dict[str, Any]:
    """:func:`_describe` of the first element ``selector`` matches, in one trip when it is there."""
    try:
        return on_element(page, selector, _DESCRIBE_TARGET, None, 2_000)
    except PlaywrightError:
        return {}


def on_element(page: Page, selector: str, script: str, arg: Any, timeout_ms: int) -> Any:
    """``script`` on the first element ``selector`` matches (``page.locator(selector).first``).

    One trip to the browser when the element is there (``eval_on_selector``: the same
    selector engines, the first match); a locator's evaluate makes three (find, evaluate,
    release), about 4 ms more per look, a look for every click and fill. Not there yet: the
    locator waits for it up to ``timeout_ms`` (a timeout raises as the locator's does).
    """
    try:
        return page.eval_on_selector(selector, script, arg)
    except PlaywrightError as exc:
        if "Failed to find element" not in str(exc):
            raise
    return page.locator(selector).first.evaluate(script, arg, timeout=timeout_ms)


@action("goto")
def goto(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    url = ctx.url(params["url"])
    response = page.goto(url, wait_until=params.get("wait_until", "load"), timeout=ctx.navigation_timeout_ms)
    return {"status": response.status if response else None}


@action("click")
def click(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    selector = params["selector"]
    locator = page.locator(selector).first
    seen = _look(page, selector, ctx.timeout(params), watch=True)
    if not seen.get("visible"):  # not shown yet: wait as Playwright would, then look again
        locator.wait_for(state="visible", timeout=ctx.timeout(params))
        seen = _look(page, selector, ctx.timeout(params), watch=True)
    frame = None if seen.get("top", False) else _frame_of(locator, page)  # an iframe's button: its document
    ctx.page_may_change()
    watch = ClickWatch(page, frame, watching=seen.get("watching") or None)
    try:
        locator.click(timeout=ctx.timeout(params))
        ctx.last_effect = watch.result(int(ctx.extra.get("click_settle_ms", CLICK_SETTLE_MS)))
        if ctx.extra.get("ready_ms"):  # how long the page took to be ready for the click (gather/waits.py)
            ctx.last_effect["ready_ms"] = ctx.extra["ready_ms"]
    finally:
        watch.stop()
    return seen.get("target") or {}


def _look(page: Page, selector: str, timeout_ms: int, *, watch: bool = False) -> dict[str, Any]:
    """:data:`_LOOK_SCRIPT` on the element, waiting up to ``timeout_ms`` for it to exist; {} when it
    could not be read (a navigation replaced the document under it). Not finding it raises the timeout."""
    try:
        return on_element(page, selector, _LOOK_SCRIPT, watch, timeout_ms) or {}
    except PlaywrightTimeout:
        raise
    except PlaywrightError:
        return {}


_FORMATTING = re.compile(r"[\s\-/.()]+")


def compare_input(typed: str, kept: str) -> str:
    """matches; formatted (the same letters and digits, only spaces, dashes, slashes, dots or case changed,
    as a card-number or phone mask does); or differs (a character lost, added or replaced)."""
    if kept == typed:
        return "matches"
    if _FORMATTING.sub("", kept).casefold() == _FORMATTING.sub("", typed).casefold():
        return "formatted"
    return "differs"


def _frame_of(locator, page: Page):
    """The frame the element lives in, when it is not the page's own document (an iframe's button)."""
    try:
        frame = locator.element_handle(timeout=2_000).owner_frame()
    except PlaywrightError:
        return None
    return frame if frame is not None and frame != page.main_frame else None


@action("fill")
def fill(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    typed = str(params["value"])
    locator.fill(typed, timeout=ctx.timeout(params))
    try:  # what the field holds now (a mask, a script or a maxlength may have rewritten it: JA606), and what it is
        seen = _look(page, params["selector"], 2_000)
    except PlaywrightTimeout:  # filled, then gone at once
        seen = {}
    kept = seen.get("value")
    if kept is not None:  # the runner masks both values of a secret field before anything is stored
        ctx.last_effect = {"input": compare_input(typed, kept), "typed": typed, "kept": kept}
    return seen.get("target") or {}


@action("select")
def select(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    value = str(params["value"])
    try:
        locator.select_option(value=value, timeout=ctx.timeout(params))
    except PlaywrightError:
        locator.select_option(label=value, timeout=ctx.timeout(params))
    return _describe_at(page, params["selector"])


@action("check")
def check(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    locator.check(timeout=ctx.timeout(params))
    return _describe_at(page, params["selector"])


@action("uncheck")
def uncheck(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    locator.uncheck(timeout=ctx.timeout(params))
    return _describe_at(page, params["selector"])


@action("press")
def press(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    if params.get("selector"):
        page.locator(params["selector"]).first.press(params["key"], timeout=ctx.timeout(params))
    else:
        page.keyboard.press(params["key"])
    return None


@action("wait_for")
def wait_for(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    timeout = ctx.timeout(params)
    if "url" in params:
        _wait_for_url(page, params["url"], timeout)
    elif "text" in params:
        _expect_text(page, params["text"], timeout)
    elif "selector" in params:
        page.locator(params["selector"]).first.wait_for(state=params.get("state", "visible"), timeout=timeout)
    elif "load_state" in params:
        page.wait_for_load_state(params["load_state"], timeout=timeout)
    else:
        return _wait_for_traffic(page, params, ctx, timeout)
    return None


def _wait_for_traffic(page: Page, params: dict[str, Any], ctx: ActionContext, timeout: int) -> dict[str, Any]:
    """wait_for: {response: glob, status: 200} or {request: glob}: the shop's own requests (gather/waits.py)."""
    log = ctx.extra.get("network_log")
    if log is None:
        raise ActionFailed("wait_for a request: this run does not watch the page's requests")
    kind = "response" if "response" in params else "request"
    try:
        seen = waits.wait_for_traffic(page, log, kind, params[kind], params.get("status"), timeout)
    except waits.WaitedInVain as exc:
        raise ActionFailed(str(exc)) from None
    ctx.last_effect = {"method": seen.method, "url": seen.url, "status": seen.status}
    return None


@action("pause")
def pause(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    waits.pause(page, params["ms"])
    return None


@action("expect")
def expect_(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    timeout = ctx.timeout(params)
    if "text" in params:
        _expect_text(page, params["text"], timeout)
    elif "no_text" in params:
        try:
            expect(page.locator("body")).not_to_contain_text(params["no_text"], timeout=timeout, use_inner_text=True)
        except AssertionError:
            raise ActionFailed(f"expected no {params['no_text']!r} on the page, but it is shown") from None
    elif "url" in params:
        _wait_for_url(page, params["url"], timeout)
    elif "visible" in params:
        try:
            expect(page.locator(params["visible"]).first).to_be_visible(timeout=timeout)
        except AssertionError:
            raise ActionFailed(f"expected {params['visible']!r} to be visible; it is not") from None
    elif "hidden" in params:
        try:
            expect(page.locator(params["hidden"]).first).to_be_hidden(timeout=timeout)
        except AssertionError:
            raise ActionFailed(f"expected {params['hidden']!r} to be hidden; it is shown") from None
    return None


@action("screenshot")
def screenshot(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    ctx.screenshot_now = {"full_page": bool(params.get("full_page", False))}
    return None


def _expect_text(page: Page, text: str, timeout: int) -> None:
    try:
        expect(page.locator("body")).to_contain_text(text, timeout=timeout, use_inner_text=True)
    except AssertionError:
        raise ActionFailed(f"expected {text!r} on the page; it did not appear within {timeout / 1000:g} s") from None


def _wait_for_url(page: Page, pattern: str, timeout: int) -> None:
    try:
        page.wait_for_url(pattern, timeout=timeout, wait_until="commit")
    except PlaywrightTimeout:
        raise ActionFailed(f"expected to arrive at {pattern!r}, but the page is {page.url}") from None


# --------------------------------------------------------------------------
# What a click did (JA402 dead-click)
# --------------------------------------------------------------------------

#: How long a click may take to show any effect before it counts as having done nothing.
CLICK_SETTLE_MS = 1_500

# Counts DOM mutations from now on; a new document starts without the counter.
_WATCH_DOM = """() => {
  window.__jaMutations = 0;
  if (window.__jaObserver) window.__jaObserver.disconnect();
  window.__jaObserver = new MutationObserver(records => { window.__jaMutations += records.length; });
  window.__jaObserver.observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  return true;
}"""
_READ_DOM = "() => (typeof window.__jaMutations === 'number' ? window.__jaMutations : -1)"

# One trip to the page per click or fill (each was three to five): the element's description, what a
# field holds now (Playwright's input_value: an input, textarea or select, or a label's control), whether
# it is visible (Playwright's rule), whether it lives in the page's own document, and, for a click on a
# visible element, the mutation counter of ClickWatch installed in its document (``watch``).
_LOOK_SCRIPT = f"""(el, watch) => {{
  {_DESCRIBE_BODY}
  const own = ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName), box = el.closest('label');
  const field = own ? el : (box && box.control) || el;
  const value = ['INPUT', 'TEXTAREA', 'SELECT'].includes(field.tagName) ? field.value : null;
  const rect = el.getBoundingClientRect(), style = getComputedStyle(el);
  const visible = rect.width > 0 && rect.height > 0 && style.visibility === 'visible';
  let watching = false;
  if (watch && visible) {{
    watching = ({_WATCH_DOM})();
  }}
  return {{target, value, visible, top: window === window.top, watching}};
}}"""


def _site(host: str) -> str:
    if not host or host.replace(".", "").isdigit() or ":" in host or host.count(".") < 2:
        return host
    return ".".join(host.split(".")[-2:])


def same_site(url: str, page_url: str) -> bool:
    """The request goes to the shop's own site (same host, or a sibling such as cdn.shop.example)."""
    target, page = urlsplit(url), urlsplit(page_url)
    if target.scheme in ("data", "blob", "about") or not target.hostname:
        return True
    return target.hostname == page.hostname or _site(target.hostname) == _site(page.hostname or "")


class ClickWatch:
    """Before/after facts around one click: URL, DOM mutations, requests, dialogs, popups.

    A click that does none of these within a short wait changed nothing the
    customer could see: the button is dead (JA402). The wait ends as soon as
    something happens, so live clicks cost nothing extra.
    """

    def __init__(self, page: Page, frame=None, *, watching: bool | None = None):
        self.page = page
        self.scope = frame or page  # the document whose DOM is watched: an iframe's for a click inside it
        self.url_before = page.url
        self.requests = 0  # the shop's own requests (its site): the click did something
        self.third_party: list[str] = []  # hosts of other sites' requests (analytics, error collectors)
        self.dialogs = 0
        self.popups = 0
        # the counter is installed here unless the click's look at its element did it (watching=True)
        self.watching = True if watching else self._eval(_WATCH_DOM) is True
        page.on("request", self._on_request)
        page.on("dialog", self._on_dialog)
        page.on("popup", self._on_popup)

    def _on_request(self, request) -> None:
        # an error report or a tracking beacon to another site is nothing the customer sees
        if same_site(getattr(request, "url", ""), self.url_before):
            self.requests += 1
        else:
            self.third_party.append(urlsplit(request.url).hostname or "")

    def _on_dialog(self, _dialog) -> None:
        self.dialogs += 1

    def _on_popup(self, _page) -> None:
        self.popups += 1

    def _eval(self, script: str):
        try:
            return self.scope.evaluate(script)
        except PlaywrightError:  # a navigation destroyed the context: the click did something
            return None

    def _snapshot(self) -> dict[str, Any]:
        url = self.page.url
        facts = {
            "url_before": self.url_before,
            "url_after": url,
            "navigated": url != self.url_before,
            "dom_changed": False,
            "requests": self.requests,
            "third_party_requests": sorted(set(self.third_party)),
            "dialogs": self.dialogs,
            "popups": self.popups,
        }
        if self.watching and not self._alive(facts):  # only look at the DOM while nothing else happened
            mutations = self._eval(_READ_DOM)
            facts["navigated"] = mutations in (None, -1)  # the counter is gone: a new document
            facts["dom_changed"] = bool(mutations and mutations > 0)
        return facts

    @staticmethod
    def _alive(facts: dict[str, Any]) -> bool:
        return bool(facts["navigated"] or facts["dom_changed"] or facts["requests"] or facts["dialogs"] or facts["popups"])

    def result(self, settle_ms: int) -> dict[str, Any]:
        start = time.monotonic()
        facts = self._snapshot()
        while not self._alive(facts) and (time.monotonic() - start) * 1000 < settle_ms:
            self.page.wait_for_timeout(100)
            facts = self._snapshot()
        facts["observed"] = self.watching
        facts["waited_ms"] = round((time.monotonic() - start) * 1000)
        return facts

    def stop(self) -> None:
        for event, handler in (("request", self._on_request), ("dialog", self._on_dialog), ("popup", self._on_popup)):
            try:
                self.page.remove_listener(event, handler)
            except Exception:  # the page is gone: nothing left to listen to
                pass
