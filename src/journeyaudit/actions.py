"""One function per journey action: the browser side of docs/journeys.md.

Each function takes the page, the action's parameters and an
:class:`ActionContext`, and either returns (optionally with a description of
the element it acted on) or raises :class:`ActionFailed` with a one-line reason
in plain words. Playwright's long multi-line errors never reach a report.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect


class ActionFailed(Exception):
    """The action could not be done; the message is one line for the report."""


@dataclass
class ActionContext:
    base_url: str
    action_timeout_ms: int = 10_000
    navigation_timeout_ms: int = 30_000
    screenshot_now: dict[str, Any] | None = None  # set by the screenshot action
    extra: dict[str, Any] = field(default_factory=dict)

    def url(self, target: str) -> str:
        """Absolute URLs as they are; anything else is appended to the base URL."""
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
            return target
        return self.base_url.rstrip("/") + "/" + target.lstrip("/")

    def timeout(self, params: dict[str, Any]) -> int:
        return int(params.get("timeout_ms") or self.action_timeout_ms)


ActionFunction = Callable[[Page, dict[str, Any], ActionContext], "dict[str, Any] | None"]
ACTIONS: dict[str, ActionFunction] = {}

# Facts about the element a fill/click touched, never its value.
_DESCRIBE_TARGET = """el => {
  const label = (el.labels && el.labels[0] && el.labels[0].innerText)
    || el.getAttribute('aria-label') || '';
  return {tag: el.tagName.toLowerCase(), type: el.getAttribute('type') || '',
          name: el.getAttribute('name') || '', id: el.id || '',
          autocomplete: el.getAttribute('autocomplete') || '',
          label: label.trim().slice(0, 120),
          text: (el.innerText || el.value && el.tagName === 'BUTTON' && el.value || '').trim().slice(0, 120)};
}"""


def action(name: str) -> Callable[[ActionFunction], ActionFunction]:
    def register(function: ActionFunction) -> ActionFunction:
        ACTIONS[name] = function
        return function

    return register


def perform(page: Page, name: str, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    """Run one action; any Playwright failure becomes a one-line ActionFailed."""
    try:
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
    target = params.get("selector") or params.get("url") or params.get("text") or ""
    if name in ("click", "fill", "select", "check", "uncheck", "press") and target:
        return f"could not find {target!r} on the page within {seconds:g} s"
    if name == "goto":
        return f"page {ctx.url(params['url'])} did not load within {ctx.navigation_timeout_ms / 1000:g} s"
    return f"{name} {target!r}: nothing happened within {seconds:g} s ({_first_line(str(exc))})"


def _describe(locator) -> dict[str, Any]:
    try:
        return locator.evaluate(_DESCRIBE_TARGET, timeout=2_000)
    except PlaywrightError:
        return {}


@action("goto")
def goto(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    url = ctx.url(params["url"])
    response = page.goto(url, wait_until=params.get("wait_until", "load"), timeout=ctx.navigation_timeout_ms)
    return {"status": response.status if response else None}


@action("click")
def click(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    locator.wait_for(state="visible", timeout=ctx.timeout(params))
    target = _describe(locator)
    locator.click(timeout=ctx.timeout(params))
    return target


@action("fill")
def fill(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    locator.fill(str(params["value"]), timeout=ctx.timeout(params))
    return _describe(locator)


@action("select")
def select(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    value = str(params["value"])
    try:
        locator.select_option(value=value, timeout=ctx.timeout(params))
    except PlaywrightError:
        locator.select_option(label=value, timeout=ctx.timeout(params))
    return _describe(locator)


@action("check")
def check(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    locator.check(timeout=ctx.timeout(params))
    return _describe(locator)


@action("uncheck")
def uncheck(page: Page, params: dict[str, Any], ctx: ActionContext) -> dict[str, Any] | None:
    locator = page.locator(params["selector"]).first
    locator.uncheck(timeout=ctx.timeout(params))
    return _describe(locator)


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
