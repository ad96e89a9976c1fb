"""``journeyaudit record``: a headed Chromium whose user's clicks and typing become events.

An init script (in every document of the top frame) listens to click, input, change and
submit in the capture phase and sends each, with the best selector for its element, to
Python through ``page.expose_binding``; it also sends a ``page`` event when a document is
shown (and on history navigations of single-page shops). ``spec/recording.py`` turns the
events into a journey. Typed values stay in memory: secret ones never reach the file.

The recording ends when the window is closed, or on Ctrl-C. ``script`` (a hidden option,
for tests and demos) replays actions into the same headed page through Playwright, whose
input events are real ones, so they are recorded as a user's would be.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from journeyaudit.gather.browser import BrowserChoice, launch

BINDING = "__journeyauditRecord"
LISTENERS = Path(__file__).with_name("record_listeners.js")
POLL_MS = 200


def _replay(page: Page, script: list[Mapping[str, Any]]) -> None:
    """Play a list of actions into the page as a user would ({click: SEL}, {fill: [SEL, VALUE]}, ...)."""
    for item in script:
        (name, value), = item.items()
        if name == "click":
            page.locator(value).first.click()
        elif name == "fill":
            page.locator(value[0]).first.click()
            page.locator(value[0]).first.press_sequentially(str(value[1]))
        elif name == "select":
            page.locator(value[0]).first.select_option(str(value[1]))
        elif name == "check":
            page.locator(value).first.check()
        elif name == "press":
            page.locator(value[0]).first.press(str(value[1]))
        elif name == "wait_for_url":
            page.wait_for_url(str(value))
        elif name == "wait_ms":
            page.wait_for_timeout(int(value))
        elif name == "close":
            page.wait_for_timeout(300)  # the last events reach us before the window goes
            page.close()
            return
        else:
            raise ValueError(f"unknown scripted action {name!r}")


def record(url: str, browser: BrowserChoice, *, on_event: Callable[[dict[str, Any]], None],
           script: list[Mapping[str, Any]] | None = None, viewport: tuple[int, int] = (1280, 800)) -> str:
    """Open ``url`` in a headed Chromium and pass each recorded event to ``on_event`` until the
    window closes (or Ctrl-C). Returns how it ended: ``closed`` or ``interrupted``."""
    listeners = LISTENERS.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        chromium = launch(playwright, browser, headed=True)
        try:
            context = chromium.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            context.expose_binding(BINDING, lambda source, event: _take(source, event, on_event))
            context.add_init_script(listeners)
            page = context.new_page()
            page.goto(url)
            if script:
                _replay(page, script)
            return _wait_for_close(page)
        finally:
            try:
                chromium.close()
            except PlaywrightError:
                pass


def _take(source: Mapping[str, Any], event: Any, on_event: Callable[[dict[str, Any]], None]) -> None:
    """An event of the top frame of the first page (popups and frames are not recorded)."""
    frame = source.get("frame")
    if frame is not None and frame.parent_frame is not None:
        return
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return
    if str(event.get("url", "")).startswith(("http://", "https://")):  # not the first about:blank
        on_event(event)


def _wait_for_close(page: Page) -> str:
    try:
        while not page.is_closed():
            try:
                page.wait_for_timeout(POLL_MS)  # lets Playwright deliver the events meanwhile
            except PlaywrightError:  # the window was closed (or the browser quit) during the wait
                break
    except KeyboardInterrupt:
        return "interrupted"
    return "closed"
