"""Issue 13's overhead: the readiness rule after load, and finding the browser without starting Playwright."""

from __future__ import annotations

import time

import pytest

from journeyaudit.gather import browser, waits


class FakeRequest:
    def __init__(self, url: str, resource_type: str = "script"):
        self.url, self.resource_type, self.method, self.failure = url, resource_type, "GET", None


class FakePage:
    url = "http://shop.test/checkout"
    main_frame = object()

    def __init__(self):
        self.handlers = {}

    def on(self, event, handler):
        self.handlers[event] = handler


def _log():
    page = FakePage()
    return page, waits.NetworkLog(page, "http://shop.test")


def test_a_document_whose_requests_all_ended_before_load_is_ready_soon_after_load(monkeypatch):
    page, log = _log()
    script = FakeRequest("http://shop.test/static/app.js")
    page.handlers["request"](script)
    assert not log.settled(300)  # in flight
    page.handlers["requestfinished"](script)
    page.handlers["load"](page)
    now = log.loaded_at
    monkeypatch.setattr(waits.time, "monotonic", lambda: now + 0.01)
    assert not log.settled(300)  # just loaded: a short look first
    monkeypatch.setattr(waits.time, "monotonic", lambda: now + waits.AFTER_LOAD_MS / 1000 + 0.01)
    assert log.settled(300)  # not the whole 300 ms: the scripts ran before load


def test_the_profile_can_ask_for_longer_after_load(monkeypatch):
    """readiness.after_load_ms: a framework hydrating in idle time without a request needs longer than 50 ms."""
    page, log = _log()
    page.handlers["load"](page)
    now = log.loaded_at
    monkeypatch.setattr(waits.time, "monotonic", lambda: now + 0.1)
    assert log.settled(300) and not log.settled(300, after_load_ms=200)
    monkeypatch.setattr(waits.time, "monotonic", lambda: now + 0.21)
    assert log.settled(300, after_load_ms=200)
    assert waits.Readiness().after_load_ms == waits.AFTER_LOAD_MS


def test_a_request_that_ends_after_load_is_followed_by_the_whole_quiet_window(monkeypatch):
    page, log = _log()
    price = FakeRequest("http://shop.test/api/price", "fetch")
    page.handlers["request"](price)
    page.handlers["load"](page)
    page.handlers["requestfinished"](price)  # the hydration's data came after load
    now = time.monotonic()
    monkeypatch.setattr(waits.time, "monotonic", lambda: now + 0.2)
    assert not log.settled(300)
    monkeypatch.setattr(waits.time, "monotonic", lambda: now + 0.31)
    assert log.settled(300)


def test_the_readiness_wait_sleeps_until_the_page_settles_and_no_longer(monkeypatch):
    """The last poll used to overshoot the moment by up to 50 ms on every page."""
    page, log = _log()
    ready = waits.Readiness()
    script = FakeRequest("http://shop.test/static/app.js")
    page.handlers["request"](script)
    assert log.settles_in(300) is None and waits._next_look_ms(log, ready, loaded=True) == waits._POLL_MS
    page.handlers["requestfinished"](script)
    page.handlers["load"](page)
    now = log.loaded_at
    monkeypatch.setattr(waits.time, "monotonic", lambda: now + 0.03)
    assert log.settles_in(300) == pytest.approx(waits.AFTER_LOAD_MS - 30)
    assert waits._next_look_ms(log, ready, loaded=True) in (waits.AFTER_LOAD_MS - 30, waits.AFTER_LOAD_MS - 29)  # ceil
    assert waits._next_look_ms(log, ready, loaded=False) == waits._POLL_MS  # before load: the usual poll
    monkeypatch.setattr(waits.time, "monotonic", lambda: now + 0.2)
    assert log.settles_in(300) == 0 and log.settled(300)


def test_a_new_document_waits_for_its_own_load_again():
    page, log = _log()
    page.handlers["load"](page)
    page.handlers["framenavigated"](page.main_frame)
    assert log.loaded_at is None and not log.ready


def test_no_chromium_in_playwrights_folder_is_known_without_starting_playwright(tmp_path, monkeypatch):
    (tmp_path / ".links").mkdir()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path))
    import playwright.sync_api

    def started(*_args, **_kwargs):
        raise AssertionError("Playwright was started")

    monkeypatch.setattr(playwright.sync_api, "sync_playwright", started)
    assert browser.playwright_chromium_path() is None
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "missing"))
    assert browser.playwright_chromium_path() is None


@pytest.mark.parametrize(("env", "tail"), [
    ({"PLAYWRIGHT_BROWSERS_PATH": "/opt/pw"}, "/opt/pw"),
    ({"XDG_CACHE_HOME": "/var/cache/x"}, "/var/cache/x/ms-playwright"),
])
def test_playwrights_browser_folder_follows_its_registry_rule(env, tail, monkeypatch):
    monkeypatch.setattr(browser.sys, "platform", "linux")
    assert str(browser.playwright_browsers_dir(env)) == tail
    assert browser.playwright_browsers_dir({"PLAYWRIGHT_BROWSERS_PATH": "0"}) is None
