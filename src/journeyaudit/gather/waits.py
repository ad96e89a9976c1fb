"""Waits on what the shop does (issue 11): its requests, its readiness, and a bounded pause.

:class:`NetworkLog` listens to the page for the whole journey (independently of the
recorder's per-step limits) and keeps the requests of the current step: what
``wait_for: {response|request}`` looks for and what a timeout reports. The readiness
wait runs before every action that touches the page: no click before the document has
loaded and its own requests have been quiet for a moment (bounded; once per document).
When everything the document requested had finished by its load event, its scripts have
run (a script, deferred or async, holds the load event until it has run), so the moment is
short (``AFTER_LOAD_MS`` after load); a request that ends after load (a hydration's price
fetch) is followed by the whole quiet window.
"""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from journeyaudit.spec.wait_spec import MAX_PAUSE_MS, regex_of

try:  # Playwright's own URL matching (the same as page.wait_for_response's)
    from playwright._impl.isomorphic.url_match import url_matches
except ImportError:  # pragma: no cover - older Playwright
    from playwright._impl._helper import url_matches  # type: ignore[no-redef]

#: actions that touch the page: they wait for it to be ready first
READY_ACTIONS = frozenset({"click", "fill", "select", "choose", "check", "uncheck", "press"})
#: the kinds of request a page's readiness waits for (not images, fonts, media or long-lived streams)
_SETTLING = frozenset({"document", "script", "xhr", "fetch"})
MAX_SEEN = 2_000  # requests kept per step
_POLL_MS = 50
AFTER_LOAD_MS = 50  # quiet after load when nothing of the page's own was under way or ended after it
STALE_S = 15.0  # a request under way this long (a stream, a long poll, a frame that went away) is no page loading


@dataclass(frozen=True)
class Readiness:
    """The readiness default (profile ``readiness:``): wait up to ``max_ms`` for a quiet ``quiet_ms``."""

    wait: bool = True
    max_ms: int = 3_000
    quiet_ms: int = 300
    after_load_ms: int = AFTER_LOAD_MS


@dataclass
class Seen:
    """One request of the page: what the waits match and what a timeout tells."""

    seq: int
    method: str
    url: str
    resource_type: str
    same_site: bool
    status: int | None = None
    done: bool = False
    failure: str | None = None
    started: float = field(default_factory=time.monotonic)

    def told(self) -> str:
        """``GET /api/cart (200)``: the path, and the host when it is another site."""
        parts = urlsplit(self.url)
        where = parts.path + (f"?{parts.query}" if parts.query else "")
        where = where if self.same_site else f"{parts.hostname}{where}"
        answer = self.failure or (str(self.status) if self.status is not None else "no answer yet")
        return f"{self.method} {where[:120]} ({answer})"


class NetworkLog:
    """The page's requests during the current step, and when the page last sent or finished one."""

    def __init__(self, page: Page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.seen: deque[Seen] = deque(maxlen=MAX_SEEN)
        self.by_request: dict[Any, Seen] = {}
        self.taken: set[int] = set()  # matches a wait already took, this step
        self.counter = 0
        self.last_activity = time.monotonic()
        self.ready = False  # the current document was found ready (reset by a main-frame navigation)
        self.loaded_at: float | None = None  # when the current document's load event came (None: not yet)
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("requestfinished", lambda request: self._finish(request, None))
        page.on("requestfailed", lambda request: self._finish(request, request.failure or "failed"))
        page.on("framenavigated", self._on_navigated)
        page.on("load", self._on_load)

    def new_step(self) -> None:
        """A step sees its own requests, and those still under way when it began."""
        self.seen = deque((seen for seen in self.seen if not seen.done), maxlen=MAX_SEEN)
        self.taken.clear()

    def _on_request(self, request) -> None:
        self.counter += 1
        host, own = urlsplit(request.url).hostname, urlsplit(self.page.url or self.base_url).hostname
        seen = Seen(self.counter, request.method, request.url[:2000], request.resource_type, host == own or not host)
        self.seen.append(seen)
        self.by_request[request] = seen
        if seen.resource_type in _SETTLING:
            self.last_activity = time.monotonic()

    def _on_response(self, response) -> None:
        seen = self.by_request.get(response.request)
        if seen is not None:
            seen.status = response.status

    def _finish(self, request, failure: str | None) -> None:
        seen = self.by_request.pop(request, None)
        if seen is not None:
            seen.done, seen.failure = True, failure
            if seen.resource_type in _SETTLING:
                self.last_activity = time.monotonic()

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.ready, self.loaded_at = False, None

    def _on_load(self, _page=None) -> None:
        self.loaded_at = time.monotonic()

    def in_flight(self) -> int:
        """The page's own scripts and data requests under way (one older than STALE_S is not waited for)."""
        now = time.monotonic()
        return sum(1 for seen in self.by_request.values()
                   if seen.same_site and seen.resource_type in _SETTLING and now - seen.started < STALE_S)

    def quiet_for(self, quiet_ms: int) -> bool:
        return self.in_flight() == 0 and (time.monotonic() - self.last_activity) * 1000 >= quiet_ms

    def settled(self, quiet_ms: int, after_load_ms: int = AFTER_LOAD_MS) -> bool:
        """Nothing under way, and quiet for ``quiet_ms`` since the page's last request of its own started or
        ended; when that was before the document's load event, ``after_load_ms`` after load is enough."""
        return self.settles_in(quiet_ms, after_load_ms) == 0

    def settles_in(self, quiet_ms: int, after_load_ms: int = AFTER_LOAD_MS) -> float | None:
        """Milliseconds until :meth:`settled` if the page does nothing more (0: now); None while a request is
        under way. The readiness wait sleeps that long and no longer."""
        if self.in_flight():
            return None
        now, loaded_at = time.monotonic(), self.loaded_at
        if loaded_at is not None and self.last_activity <= loaded_at:
            return max(0.0, min(quiet_ms, after_load_ms) - (now - loaded_at) * 1000)
        return max(0.0, quiet_ms - (now - self.last_activity) * 1000)


# --------------------------------------------------------------------------
# readiness
# --------------------------------------------------------------------------


def wait_ready(page: Page, log: NetworkLog | None, readiness: Readiness) -> int:
    """Wait until the page has loaded and its requests are quiet (bounded); the milliseconds waited."""
    if not readiness.wait or (log is not None and log.ready):
        return 0
    start = time.monotonic()
    loaded = warmed = False
    while True:
        waited = round((time.monotonic() - start) * 1000)
        if not loaded and waited < readiness.max_ms:
            try:  # bounded: a stalled navigation must not hold the journey (never a bare evaluate here)
                page.wait_for_load_state("load", timeout=max(1, readiness.max_ms - waited))
                loaded = True
            except PlaywrightError:
                loaded = False
            waited = round((time.monotonic() - start) * 1000)
        if loaded and (log is None or log.settled(readiness.quiet_ms, readiness.after_load_ms)) or waited >= readiness.max_ms:
            if log is not None:
                log.ready = True
            return waited
        if loaded and not warmed:
            warmed = True
            warm_selectors(page)
            continue
        page.wait_for_timeout(_next_look_ms(log, readiness, loaded))


def _next_look_ms(log: NetworkLog | None, readiness: Readiness, loaded: bool) -> int:
    """How long the readiness wait sleeps before it looks again: until the page would be settled, if that is
    sooner than the next poll (the last 50 ms poll overshot the moment by 25 ms on average, on every page)."""
    if not loaded or log is None:
        return _POLL_MS
    remaining = log.settles_in(readiness.quiet_ms, readiness.after_load_ms)
    return _POLL_MS if remaining is None else max(1, min(_POLL_MS, math.ceil(remaining)))


def warm_selectors(page: Page) -> None:
    """Have Playwright set up its selector engines in the loaded document, while the readiness wait waits anyway.

    The first selector a document sees costs about 50 ms of the renderer's time (Playwright's
    injected script, built once per document in each of its two worlds); the action that
    follows and its look (actions.py) would pay it. Done here, inside a wait for quiet that
    lasts 50 ms or more, it costs the journey nothing; it changes nothing the page can see.
    """
    try:
        page.eval_on_selector("html", "() => 0")
    except PlaywrightError:
        pass


# --------------------------------------------------------------------------
# wait_for: {response|request}, pause
# --------------------------------------------------------------------------


def matcher(pattern: str, base_url: str):
    """A function of a URL: does it match the pattern (a glob, a path, or /regex/), as Playwright matches it."""
    regex = regex_of(pattern)
    if regex is not None:
        return lambda url: bool(regex.search(url))
    return lambda url: url_matches(base_url, url, pattern)


def _found(log: NetworkLog, kind: str, matches, status: int | None) -> Seen | None:
    for seen in log.seen:
        if seen.seq in log.taken or not matches(seen.url):
            continue
        if kind == "request" or (seen.done and not seen.failure and (status is None or seen.status == status)):
            return seen
    return None


def wait_for_traffic(page: Page, log: NetworkLog, kind: str, pattern: str, status: int | None, timeout_ms: int) -> Seen:
    """The first request (or loaded answer) of this step matching the pattern that no wait took before.

    Raises :class:`WaitedInVain` with what the page did request instead.
    """
    matches = matcher(pattern, log.base_url)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        seen = _found(log, kind, matches, status)
        if seen is not None:
            log.taken.add(seen.seq)
            return seen
        if time.monotonic() >= deadline:
            raise WaitedInVain(_in_vain(log, kind, pattern, status, timeout_ms, matches))
        page.wait_for_timeout(_POLL_MS)


class WaitedInVain(Exception):
    """What was awaited did not come; the message says what the page did instead."""


def _in_vain(log: NetworkLog, kind: str, pattern: str, status: int | None, timeout_ms: int, matches) -> str:
    what = "an answer from" if kind == "response" else "a request to"
    wanted = f"{what} {pattern!r}" + (f" with status {status}" if status is not None else "")
    own = [seen for seen in log.seen if seen.resource_type in ("xhr", "fetch", "document")] or list(log.seen)
    close = [seen.told() for seen in own if matches(seen.url)]
    if close:
        return f"waited {timeout_ms / 1000:g} s for {wanted}; the page got only: {', '.join(close[:6])}"
    if not own:
        return f"waited {timeout_ms / 1000:g} s for {wanted}; the page sent no request in this step"
    listed = ", ".join(seen.told() for seen in own[-8:])
    more = f" (and {len(own) - 8} before)" if len(own) > 8 else ""
    return f"waited {timeout_ms / 1000:g} s for {wanted}; the page requested: {listed}{more}"


def pause(page: Page, ms: int) -> None:
    """A fixed wait (bounded), during which the page's events still arrive."""
    page.wait_for_timeout(min(int(ms), MAX_PAUSE_MS))

