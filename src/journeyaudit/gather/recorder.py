"""Page listeners and end-of-step snapshots: what a step records (DESIGN.md).

The recorder listens to one page for the whole journey and files every event
(request, console message, page error, dialog) under the step that was running
when it happened. At the end of a step it snapshots the page: URL, title,
rendered text, HTML, form fields (never values), JSON-LD, ``dataLayer`` and a
masked JPEG screenshot. Secrets are redacted before anything leaves here.
"""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from journeyaudit import model
from journeyaudit.gather import page_data
from journeyaudit.gather.limits import RecordingLimits, room
from journeyaudit.gather.masks import cover_selectors
from journeyaudit.gather.message_watch import CHANGES_SCRIPT, MessageWatch
from journeyaudit.gather.snapshot_scripts import DATA_LAYER_SCRIPT, FIELDS_SCRIPT, JSON_LD_SCRIPT, SNAPSHOT_SCRIPT
from journeyaudit.gather.step_pictures import StepPictures
from journeyaudit.history.store import Redactor

QUIET_MS = 120  # a step has settled when no request was in flight for this long...
CALM_QUIET_MS = 40  # ...or this long when the page was already quiet for QUIET_MS as the action ended
SETTLE_MAX_MS = 1_500  # ...or after this long at most
#: requests that change nothing the customer sees: the browser's own favicon fetch, prefetches (not waited for)
IDLE_KINDS = frozenset({"other"})
POLL_MS = 20  # how often settle() looks (each look lets Playwright deliver the page's events)
#: ...and a document whose own requests all ended before its load event has settled this long after load
AFTER_LOAD_MS = 50
MAX_TEXT = 200_000  # characters of visible text kept per step
MAX_HTML = 2_000_000  # characters of HTML kept per step


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class Recorder:
    """Records one journey on one page into StepRecords."""

    def __init__(
        self, page: Page, *, base_url: str, run_dir: Path, redactor: Redactor, secret_selectors=(),
        limits: RecordingLimits | None = None,
    ):
        self.page = page
        self.limits = limits or RecordingLimits()
        self.base_origin = origin(base_url)
        self.run_dir = Path(run_dir)
        self.redactor = redactor
        self.secret_selectors = tuple(secret_selectors)  # filled with a secret by the journey (masks.py adds the rest)
        self.crashed = False
        self.axe = None  # axe-core at each snapshot (JA605): the runner turns it on (check_accessibility)
        self.pictures = StepPictures(page, self.run_dir)  # the masked screenshots (step_pictures.py)
        self.step: model.StepRecord | None = None
        self._step_t0 = time.monotonic()
        self._pending: dict[Any, tuple[model.NetworkEntry, float]] = {}
        self._last_activity = time.monotonic()  # when a request last started or ended
        self._activity = 0  # requests started or ended so far (an early snapshot is kept while it stands)
        self._loaded_at: float | None = None  # the current document's load event (None: not yet, or a new one)
        self._early = True  # snapshots may be taken inside the settle window (off once it could not be checked)
        self._restless = False  # this document changed after an early snapshot: not tried again on it
        self._json_responses: list[tuple[model.NetworkEntry, Any]] = []  # read at the snapshot (ledger source)
        self._deaf: set[str] = set()  # events not listened to until the next step (count ceiling reached)
        page.on("request", self._on_request)
        page.on("response", self._on_response)
        page.on("requestfinished", self._on_request_done)
        page.on("requestfailed", self._on_request_failed)
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("dialog", self._on_dialog)
        page.on("crash", self._on_crash)
        page.on("load", self._on_load)
        page.on("framenavigated", self._on_navigated)
        self.watch = MessageWatch(self)  # toasts and alerts that appear during a step (StepRecord.messages)
        self._safe(lambda: self.watch.install(page), None)

    def check_accessibility(self, checked=None) -> None:
        """Run axe-core at every snapshot, loaded once into the page (gather/accessibility.py); ``checked``:
        the audit's :class:`~journeyaudit.gather.accessibility.CheckedShapes`, reused across its journeys."""
        from journeyaudit.gather.accessibility import AxeRunner, install_axe

        self._safe(lambda: install_axe(self.page), None)
        self.axe = AxeRunner(checked=checked)

    # -- step boundaries ---------------------------------------------------

    def begin_step(self, index: int, step: model.Step) -> model.StepRecord:
        self._json_responses = []
        for event in self._deaf:
            self._safe(lambda event=event: self.page.on(event, self._listener(event)), None)
        self._deaf = set()
        self.step = model.StepRecord(index=index, name=step.name, role=step.role, budget_ms=step.budget_ms)
        self.step.started_at = time.time()
        self._step_t0 = time.monotonic()
        return self.step

    #: Actions that change a form: the fields are captured once per step before the first of them.
    FORM_ACTIONS = frozenset({"fill", "select", "choose", "check", "uncheck"})

    def before_action(self, name: str) -> None:
        """Capture the form as the customer found it, before the journey's first entry on this step."""
        record = self.step
        if record is None or name not in self.FORM_ACTIONS or self.crashed or getattr(self, "_arrival_of", None) is record:
            return
        self._arrival_of = record
        self._safe(lambda: self.page.wait_for_load_state("load", timeout=5_000), None)
        fields = [model.FormField(**data) for data in self._safe(lambda: self.page.evaluate(FIELDS_SCRIPT), [])]
        if self.redactor:
            for form_field in fields:
                form_field.error = self.redactor.text(form_field.error)
                form_field.placeholder = self.redactor.text(form_field.placeholder)
        record.arrival_fields = fields

    def elapsed_ms(self) -> float:
        return round((time.monotonic() - self._step_t0) * 1000, 1)

    def settle(self, early=None) -> float:
        """Let the page finish what the last action started, as a customer would wait; the elapsed ms then.

        The page has loaded and no request of its own has been in flight for
        ``QUIET_MS`` since the last one started or ended (the recorder sees every
        request start and end: a page quiet for 80 ms already waits 40 ms more), waiting
        ``SETTLE_MAX_MS`` at most: a fixed network-idle wait (500 ms of silence)
        after every step was most of the tool's own time. A request already
        running longer than the bound (a long poll, a stalled answer) does not
        hold the step up again. A page already quiet for ``QUIET_MS`` when the
        action ended (a step that ends with typing) is watched ``CALM_QUIET_MS`` only.
        A document loaded by the step whose requests all ended before its load event ran its
        scripts by then (a script holds the load event until it has run): ``AFTER_LOAD_MS`` after
        load is enough.
        The browser's favicon fetch after every load (type ``other``) is no activity of the page.

        ``early``: called once, as soon as the page has loaded and nothing is in flight, to use
        the quiet window (the end-of-step snapshot: :meth:`finish_step`) instead of waiting it out.
        """
        if self.crashed:
            return self.elapsed_ms()
        self._safe(lambda: self.page.wait_for_load_state("load", timeout=10_000), None)
        t0 = time.monotonic()
        calm = not self._busy_pending() and t0 - self._last_activity >= QUIET_MS / 1000
        window = (CALM_QUIET_MS if calm else QUIET_MS) / 1000
        quiet_since = t0 if calm else self._last_activity  # quiet counts from the last request's start or end
        while True:
            now = time.monotonic()
            busy = any(now - started < SETTLE_MAX_MS / 1000 and entry.resource_type not in IDLE_KINDS
                       for entry, started in self._pending.values())
            if busy:  # the last action started something after all: the whole window
                quiet_since, calm, window = now, False, QUIET_MS / 1000
            elif not calm:
                quiet_since = max(quiet_since, self._last_activity)
            quiet_at = quiet_since + window
            loaded_at = self._loaded_at
            if not (busy or calm) and loaded_at is not None and self._last_activity <= loaded_at:
                quiet_at = min(quiet_at, loaded_at + AFTER_LOAD_MS / 1000)
            if now >= quiet_at or now - t0 >= SETTLE_MAX_MS / 1000 or self.crashed:
                settled = min(now, quiet_at)  # an early snapshot may have run past the moment it settled
                return round((settled - self._step_t0) * 1000, 1)
            if early is not None and not busy and loaded_at is not None:
                early, take = None, early
                take()
                continue
            pause = max(1, min(POLL_MS, math.ceil((quiet_at - now) * 1000)))  # not past the moment it settles
            if self._safe(lambda pause=pause: self.page.wait_for_timeout(pause), False) is False:
                return self.elapsed_ms()  # the page closed

    def finish_step(self, *, screenshot: bool = True) -> float:
        """Settle, then the end-of-step snapshot; the elapsed ms when the page settled (the step's duration).

        Waiting out the settle's quiet window and then snapshotting cost both, on every step.
        When the page has loaded and nothing is in flight, the snapshot is taken inside the
        window instead, and kept only if the page did nothing more until the window ended:
        no request started or ended, and its document did not change (the watcher's count,
        message_watch.py). Otherwise it is taken again, as before. A document that changed
        after such a snapshot (a carousel, a clock) is not tried again.

        The screenshot of a page with nothing to cover is collected later (:meth:`flush_shot`).
        """
        taken: list = []

        def early() -> None:
            if self.crashed or self.page.is_closed():
                return
            before = self._activity
            token = self._capture(screenshot=screenshot, look=False, defer=True)
            if token is None:
                self._early = False  # no watcher in this page: the early snapshot cannot be checked
                return
            taken.append((before, token))

        settled = self.settle(early if self._early and not self._restless else None)
        if taken and self._still(*taken[0]):
            self._close_snapshot()
        else:
            self._capture(screenshot=screenshot, defer=True)
            self._close_snapshot()
        return settled

    def _still(self, activity: int, token: str) -> bool:
        """True when nothing happened since the early snapshot: no request, the same document unchanged."""
        if self.crashed or self.page.is_closed() or self._activity != activity:
            return False
        now = self._safe(lambda: self.page.evaluate(CHANGES_SCRIPT), None)
        if now == token:
            return True
        document = token.split(":")[0]
        if isinstance(now, str) and now.split(":")[0] == document:
            self._restless = True  # this document keeps changing: its snapshots wait for the window
        return False

    def _busy_pending(self) -> bool:
        return any(entry.resource_type not in IDLE_KINDS for entry, _started in self._pending.values())

    def snapshot(self, *, screenshot: bool = True, full_page: bool = False) -> None:
        """Capture the page as the customer sees it at the end of the step."""
        self._capture(screenshot=screenshot, full_page=full_page)
        self._close_snapshot()

    def _capture(self, *, screenshot: bool, full_page: bool = False, look: bool = True, defer: bool = False,
                 ) -> str | None:
        """The snapshot's reads, screenshot and accessibility run; the document's change count as read.

        ``look``: first make sure the page can be read (:meth:`_responsive`); an early snapshot
        (:meth:`finish_step`) is taken only on a loaded page with nothing in flight, and skips it.
        ``defer``: a picture with nothing covered may be collected later (:meth:`flush_shot`).
        """
        record = self.step
        assert record is not None
        self.flush_shot()
        if self.crashed or self.page.is_closed():
            record.error = record.error or "the browser page crashed"
            return None
        page = self.page
        if look and not self._responsive():
            record.url = page.url
            crashed = self.crashed or page.is_closed()  # the crash event may come after the step's first look
            record.error = record.error or ("the browser page crashed" if crashed else "the page stopped responding")
            return None
        record.url = page.url
        secrets = self._secrets() if screenshot else []
        quick = screenshot and not full_page and self.pictures.quick
        marked, covered, changes = self._read_page(record, secrets, cover_selectors(self.secret_selectors) if quick else None)
        page_data.read_json_bodies(self._json_responses)
        self._json_responses = []
        if screenshot:
            record.screenshot = self.pictures.take(record, self._secrets(), self.secret_selectors, full_page=full_page,
                                                   marked=marked, covered=covered, defer=defer)
        if self.axe is not None:
            record.accessibility = self.axe(page)
        return changes if isinstance(changes, str) else None

    def _secrets(self) -> list[str]:
        return [s for s in getattr(self.redactor, "secrets", ()) if s]

    def flush_shot(self) -> None:
        """Collect the end-of-step picture still on its way (step_pictures.py): before anything may change the page
        (the next action that is not a pure look, the next snapshot, the journey's end)."""
        self.pictures.flush(gone=self.crashed or self.page.is_closed())

    def _close_snapshot(self) -> None:
        """What the snapshot settles for the step: the messages no longer shown, and secrets redacted."""
        record = self.step
        assert record is not None
        self.watch.close_step(record, record.visible_text, self.elapsed_ms())
        self._redact(record)

    def _read_page(self, record: model.StepRecord, secrets: list[str], cover: list[str] | None = None,
                   ) -> tuple[int | None, int | None, str | None]:
        """Title, text, HTML, fields, JSON-LD and dataLayer in one trip to the page; then the elements
        marked as showing one of ``secrets`` and the covers drawn over what ``cover`` selects, counted
        (None: not marked / not covered; covers -1: a selector is not CSS, nothing drawn), and the
        document's change count as read (None: not known).

        Each read was a round trip of its own; when the one trip fails (a
        navigation replaced the document under it), each is read on its own
        again, so that what can be read still is.
        """
        page, cap = self.page, self.limits.structured_data_chars
        try:
            data = page.evaluate(SNAPSHOT_SCRIPT, [cap, MAX_TEXT, MAX_HTML, secrets or None, cover])
        except PlaywrightError:
            self.watch.flush(page)
            data = {
                "title": self._safe(page.title, ""),
                "text": self._safe(lambda: page.inner_text("body", timeout=5_000), ""),
                "html": self._safe(page.content, ""),
                "fields": self._safe(lambda: page.evaluate(FIELDS_SCRIPT), []),
                "json_ld": self._safe(lambda: page.evaluate(JSON_LD_SCRIPT, cap), None),
                "layer": self._safe(lambda: page.evaluate(DATA_LAYER_SCRIPT, cap), None),
            }
        record.title = data.get("title") or ""
        record.visible_text = (data.get("text") or "")[:MAX_TEXT]
        record.html = (data.get("html") or "")[:MAX_HTML]
        record.fields = [model.FormField(**field) for field in data.get("fields") or []]
        page_data.read_structured(record, data.get("json_ld") or {}, data.get("layer") or {}, cap)
        return data.get("marked"), data.get("covered"), data.get("changes")

    def _responsive(self) -> bool:
        """True when the page can be read; stops a navigation that hangs so it can be.

        A shop that accepts the connection and never answers leaves the frame in a
        pending navigation, and every read of the page (content, evaluate) would wait
        forever. Stopping the load returns the frame to the last document shown.
        The look is a bounded wait for the root element: on a new document it costs about
        a fifth of ``wait_for_function``'s (11 against 55 ms at load 14), which first
        builds Playwright's poller in the page's main world.
        """
        for attempt in range(2):
            try:
                self.page.locator(":root").wait_for(state="attached", timeout=2_000)
                return True
            except PlaywrightError as exc:
                self.crashed = self.crashed or "crashed" in str(exc)  # "Target crashed", maybe before the event
                if attempt or self.crashed or self.page.is_closed():
                    return False  # a crashed page: its CDP session's detach would wait forever
            try:
                cdp = self.page.context.new_cdp_session(self.page)
                cdp.send("Page.stopLoading")
                cdp.detach()
            except PlaywrightError:
                return False
        return False

    def _redact(self, record: model.StepRecord) -> None:
        r = self.redactor
        if not r:
            return
        record.url, record.title = r.text(record.url), r.text(record.title)
        record.visible_text, record.html = r.text(record.visible_text), r.text(record.html)
        record.error = r.text(record.error) if record.error else record.error
        record.structured_data = r.data(record.structured_data)
        record.data_layer = r.data(record.data_layer)
        for entry in record.network:
            entry.url = r.text(entry.url)
            if entry.body is not None:
                entry.body = r.data(entry.body)
        for message in record.console:
            message.text = r.text(message.text)
        for error in record.page_errors:
            error.message, error.stack = r.text(error.message), r.text(error.stack)
        for dialog in record.dialogs:
            dialog.message = r.text(dialog.message)
        for act in record.actions:
            act.error = r.text(act.error) if act.error else act.error
            act.effect = r.data(act.effect)
        if record.accessibility:
            record.accessibility = r.data(record.accessibility)
        for form_field in [*record.fields, *record.arrival_fields]:
            form_field.error, form_field.placeholder = r.text(form_field.error), r.text(form_field.placeholder)

    @staticmethod
    def _safe(call, default):
        try:
            return call()
        except PlaywrightError:
            return default

    # -- listeners -----------------------------------------------------------

    def _listener(self, event: str):
        return {"console": self._on_console, "request": self._on_request}[event]

    def _full(self, kind: str, event: str) -> bool:
        """True when the step keeps no more of ``kind``; past the count ceiling, stop listening to ``event``."""
        step = self.step
        if step is None:
            return True
        if room(step, kind, self.limits):
            return False
        if step.dropped[kind] >= self.limits.count_ceiling and event not in self._deaf:
            self._deaf.add(event)
            step.uncounted.append(kind)
            self._safe(lambda: self.page.remove_listener(event, self._listener(event)), None)
        return True

    def _on_load(self, _page=None) -> None:
        self._loaded_at = time.monotonic()

    def _on_navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self._loaded_at, self._restless = None, False

    def _on_request(self, request) -> None:
        now = time.monotonic()
        if request.resource_type not in IDLE_KINDS:
            self._last_activity = now
            self._activity += 1
        if self._full("network", "request"):
            return
        entry = model.NetworkEntry(
            method=request.method,
            url=request.url[:2000],
            resource_type=request.resource_type,
            start_ms=self.elapsed_ms(),
            same_origin=origin(request.url) == self.base_origin,
        )
        self.step.network.append(entry)
        self._pending[request] = (entry, now)

    def _on_response(self, response) -> None:
        request = response.request
        pending = self._pending.get(request)
        if pending:
            pending[0].status = response.status
            if page_data.json_candidate(pending[0], response) and len(self._json_responses) < page_data.MAX_JSON_BODIES:
                self._json_responses.append((pending[0], response))
        if self.step is not None and request.is_navigation_request() and request.frame == self.page.main_frame:
            self.step.http_status = response.status

    def _finish(self, request, failure: str | None) -> None:
        pending = self._pending.pop(request, None)
        if request.resource_type not in IDLE_KINDS:
            self._last_activity = time.monotonic()
            self._activity += 1
        if pending:
            entry, started = pending
            entry.duration_ms = round((time.monotonic() - started) * 1000, 1)
            entry.failure = failure

    def _on_request_done(self, request) -> None:
        self._finish(request, None)

    def _on_request_failed(self, request) -> None:
        self._finish(request, request.failure or "failed")

    def _on_console(self, message) -> None:
        if not self._full("console", "console"):
            location = message.location or {}
            self.step.console.append(model.ConsoleMessage(message.type, message.text[:2000], location.get("url", "")))

    def _on_page_error(self, error) -> None:
        if self.step is not None and room(self.step, "page_errors", self.limits):
            self.step.page_errors.append(model.PageError(str(error.message)[:2000], (error.stack or "")[:4000]))

    def _on_dialog(self, dialog) -> None:
        # A customer reads the dialog and says OK; record what it said.
        if self.step is not None and room(self.step, "dialogs", self.limits):
            self.step.dialogs.append(model.Dialog(dialog.type, dialog.message[:2000]))
        try:
            dialog.accept()
        except PlaywrightError:
            pass

    def _on_crash(self, _page) -> None:
        self.crashed = True
