"""Page listeners and end-of-step snapshots: what a step records (DESIGN.md).

The recorder listens to one page for the whole journey and files every event
(request, console message, page error, dialog) under the step that was running
when it happened. At the end of a step it snapshots the page: URL, title,
rendered text, HTML, form fields (never values), JSON-LD, ``dataLayer`` and a
masked JPEG screenshot. Secrets are redacted before anything leaves here.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

from journeyaudit import model
from journeyaudit.gather.limits import RecordingLimits, cap_items, room
from journeyaudit.gather.masks import field_masks, marked_secrets
from journeyaudit.gather.message_watch import MessageWatch
from journeyaudit.history.store import Redactor, atomic_write_bytes, step_file_stem

_FIELDS_SCRIPT = """() => {
  // The visible error text that belongs to a field: the elements its aria-errormessage or
  // aria-describedby point to that look like errors, else an error element inside the
  // field's own container (the nearest ancestor holding no other form control).
  const ERR = /error|invalid|danger|alert/i;
  const shown = n => { if (!n) return false; const r = n.getBoundingClientRect(), st = getComputedStyle(n);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none'; };
  const says = n => ((n.innerText || n.textContent) || '').replace(/\\s+/g, ' ').trim();
  const looksError = n => ERR.test(String(n.className || '') + ' ' + (n.id || '') + ' ' + (n.getAttribute('role') || ''));
  const fieldError = el => {
    const out = [];
    const refs = ((el.getAttribute('aria-errormessage') || '') + ' ' + (el.getAttribute('aria-describedby') || ''))
      .split(/\\s+/).filter(Boolean);
    for (const id of refs) {
      const n = document.getElementById(id);
      if (n && shown(n) && (looksError(n) || id === el.getAttribute('aria-errormessage')) && says(n)) out.push(says(n));
    }
    if (!out.length) {
      let box = el.parentElement;
      for (let depth = 0; box && depth < 3; depth++, box = box.parentElement) {
        if (box.querySelectorAll('input:not([type=hidden]), select, textarea').length > 1 || box.tagName === 'FORM') break;
        for (const n of box.querySelectorAll('*')) {
          if (n !== el && looksError(n) && shown(n) && says(n) && !n.querySelector('*[class*=error i]')) out.push(says(n));
        }
        if (out.length) break;
      }
    }
    return Array.from(new Set(out)).join(' ');
  };
  return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => (el.getAttribute('type') || '').toLowerCase() !== 'hidden')
  .slice(0, 200)
  .map(el => {
    const text = n => (n && (n.innerText || n.textContent) || '').replace(/\\s+/g, ' ').trim();
    let label = el.labels ? Array.from(el.labels).map(text).filter(Boolean).join(' ') : '';
    if (!label) label = (el.getAttribute('aria-label') || '').trim();
    if (!label && el.getAttribute('aria-labelledby')) {
      label = el.getAttribute('aria-labelledby').split(/\\s+/)
        .map(id => text(document.getElementById(id))).filter(Boolean).join(' ');
    }
    if (!label) label = (el.getAttribute('title') || '').trim();
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    const type = (el.getAttribute('type') || (el.tagName === 'INPUT' ? 'text' : '')).toLowerCase();
    const autocomplete = el.getAttribute('autocomplete') || '';
    const toggle = type === 'checkbox' || type === 'radio';
    const secret = type === 'password' || /^cc-(number|csc|exp)/.test(autocomplete)
      || /card.?num|cvc|cvv|security.?code/i.test((el.name || '') + ' ' + (el.id || ''));
    return {
      tag: el.tagName.toLowerCase(), type, name: el.getAttribute('name') || '', id: el.id || '',
      label: label.slice(0, 200), autocomplete,
      required: el.required || el.getAttribute('aria-required') === 'true',
      visible: rect.width > 0 && rect.height > 0 && style.visibility !== 'hidden' && style.display !== 'none',
      has_value: toggle ? el.checked : el.value !== '',
      checked: toggle ? el.checked : null,
      secret,
      invalid: (el.getAttribute('aria-invalid') || 'false').toLowerCase() !== 'false',
      error: fieldError(el).slice(0, 300),
      placeholder: (el.getAttribute('placeholder') || '').trim().slice(0, 120),
    };
  });
}"""

# Both read at most ``max`` characters in the page: a shop's megabytes never cross to Python.
_JSON_LD_SCRIPT = """(max) => {
  const blobs = []; let used = 0, dropped = 0;
  for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
    const text = s.textContent || '';
    if (used + text.length > max) { dropped++; continue; }
    used += text.length; blobs.push(text);
  }
  return {blobs, dropped};
}"""

_DATA_LAYER_SCRIPT = """(max) => {
  const items = []; let used = 0, dropped = 0;
  try {
    if (!Array.isArray(window.dataLayer)) return {items, dropped};
    for (const item of window.dataLayer) {
      let text; try { text = JSON.stringify(item); } catch (e) { text = undefined; }
      if (text === undefined) text = 'null';
      if (items.length >= 200 || used + text.length > max) { dropped++; continue; }
      used += text.length; items.push(JSON.parse(text));
    }
  } catch (e) { /* a hostile dataLayer: what was read so far */ }
  return {items, dropped};
}"""

# The end-of-step reads in one evaluate (Playwright's page.content() and inner_text("body") in page terms).
_SNAPSHOT_SCRIPT = f"""([max, maxText, maxHtml]) => {{
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
  const html = doctype + (document.documentElement ? document.documentElement.outerHTML : '');
  return {{
    title: document.title,
    text: document.body ? document.body.innerText.slice(0, maxText) : '',
    html: html.slice(0, maxHtml),
    fields: ({_FIELDS_SCRIPT})(),
    json_ld: ({_JSON_LD_SCRIPT})(max),
    layer: ({_DATA_LAYER_SCRIPT})(max),
  }};
}}"""

QUIET_MS = 120  # a step has settled when no request was in flight for this long...
CALM_QUIET_MS = 40  # ...or this long when the page was already quiet for QUIET_MS as the action ended
SETTLE_MAX_MS = 1_500  # ...or after this long at most
POLL_MS = 20  # how often settle() looks (each look lets Playwright deliver the page's events)
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
        self.step: model.StepRecord | None = None
        self._step_t0 = time.monotonic()
        self._pending: dict[Any, tuple[model.NetworkEntry, float]] = {}
        self._last_activity = time.monotonic()  # when a request last started or ended
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
        self.watch = MessageWatch(self)  # toasts and alerts that appear during a step (StepRecord.messages)
        self._safe(lambda: self.watch.install(page), None)

    def check_accessibility(self) -> None:
        """Run axe-core at every snapshot, loaded once into the page (gather/accessibility.py)."""
        from journeyaudit.gather.accessibility import AxeRunner, install_axe

        self._safe(lambda: install_axe(self.page), None)
        self.axe = AxeRunner()

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
        fields = [model.FormField(**data) for data in self._safe(lambda: self.page.evaluate(_FIELDS_SCRIPT), [])]
        if self.redactor:
            for form_field in fields:
                form_field.error = self.redactor.text(form_field.error)
                form_field.placeholder = self.redactor.text(form_field.placeholder)
        record.arrival_fields = fields

    def elapsed_ms(self) -> float:
        return round((time.monotonic() - self._step_t0) * 1000, 1)

    def settle(self) -> None:
        """Let the page finish what the last action started, as a customer would wait.

        The page has loaded and no request of its own has been in flight for
        ``QUIET_MS`` (the recorder sees every request start and end), waiting
        ``SETTLE_MAX_MS`` at most: a fixed network-idle wait (500 ms of silence)
        after every step was most of the tool's own time. A request already
        running longer than the bound (a long poll, a stalled answer) does not
        hold the step up again. A page already quiet for ``QUIET_MS`` when the
        action ended (a step that ends with typing) is watched ``CALM_QUIET_MS`` only.
        """
        if self.crashed:
            return
        self._safe(lambda: self.page.wait_for_load_state("load", timeout=10_000), None)
        t0 = time.monotonic()
        quiet_since = t0
        calm = not self._pending and t0 - self._last_activity >= QUIET_MS / 1000
        window = (CALM_QUIET_MS if calm else QUIET_MS) / 1000
        while True:
            now = time.monotonic()
            busy = any(now - started < SETTLE_MAX_MS / 1000 for _entry, started in self._pending.values())
            if busy:
                quiet_since = now
            if now - quiet_since >= window or now - t0 >= SETTLE_MAX_MS / 1000 or self.crashed:
                return
            if self._safe(lambda: self.page.wait_for_timeout(POLL_MS), False) is False:
                return  # the page closed

    def snapshot(self, *, screenshot: bool = True, full_page: bool = False) -> None:
        """Capture the page as the customer sees it at the end of the step."""
        record = self.step
        assert record is not None
        if self.crashed or self.page.is_closed():
            record.error = record.error or "the browser page crashed"
            return
        page = self.page
        if not self._responsive():
            record.url = page.url
            crashed = self.crashed or page.is_closed()  # the crash event may come after the step's first look
            record.error = record.error or ("the browser page crashed" if crashed else "the page stopped responding")
            return
        self.watch.flush(page)
        record.url = page.url
        self._read_page(record)
        self.watch.close_step(record, record.visible_text, self.elapsed_ms())
        self._read_json_bodies()
        if screenshot:
            record.screenshot = self._screenshot(record, full_page)
        if self.axe is not None:
            record.accessibility = self.axe(page)
        self._redact(record)

    def _read_page(self, record: model.StepRecord) -> None:
        """Title, text, HTML, fields, JSON-LD and dataLayer in one trip to the page.

        Each read was a round trip of its own; when the one trip fails (a
        navigation replaced the document under it), each is read on its own
        again, so that what can be read still is.
        """
        page, cap = self.page, self.limits.structured_data_chars
        try:
            data = page.evaluate(_SNAPSHOT_SCRIPT, [cap, MAX_TEXT, MAX_HTML])
        except PlaywrightError:
            data = {
                "title": self._safe(page.title, ""),
                "text": self._safe(lambda: page.inner_text("body", timeout=5_000), ""),
                "html": self._safe(page.content, ""),
                "fields": self._safe(lambda: page.evaluate(_FIELDS_SCRIPT), []),
                "json_ld": self._safe(lambda: page.evaluate(_JSON_LD_SCRIPT, cap), None),
                "layer": self._safe(lambda: page.evaluate(_DATA_LAYER_SCRIPT, cap), None),
            }
        record.title = data.get("title") or ""
        record.visible_text = (data.get("text") or "")[:MAX_TEXT]
        record.html = (data.get("html") or "")[:MAX_HTML]
        record.fields = [model.FormField(**field) for field in data.get("fields") or []]
        self._read_structured(record, data.get("json_ld") or {}, data.get("layer") or {})

    def _read_structured(self, record: model.StepRecord, json_ld: dict, layer: dict) -> None:
        """JSON-LD and dataLayer, each up to the limit in characters; what did not fit is counted."""
        cap = self.limits.structured_data_chars
        items, over = cap_items(_parse_json_ld(json_ld.get("blobs") or []), cap)
        record.structured_data = items
        record.data_layer, layer_over = cap_items(list(layer.get("items") or []), cap)
        for kind, count in (("structured_data", over + int(json_ld.get("dropped") or 0)),
                            ("data_layer", layer_over + int(layer.get("dropped") or 0))):
            if count:
                record.dropped[kind] = count

    def _responsive(self) -> bool:
        """True when the page can be read; stops a navigation that hangs so it can be.

        A shop that accepts the connection and never answers leaves the frame in a
        pending navigation, and every read of the page (content, evaluate) would wait
        forever. Stopping the load returns the frame to the last document shown.
        """
        for attempt in range(2):
            try:
                self.page.wait_for_function("() => true", timeout=2_000)
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

    def _screenshot(self, record: model.StepRecord, full_page: bool) -> str | None:
        """A JPEG with secret fields and every element showing a secret covered (a failed marking: no shot)."""
        masks = field_masks(self.page, self.secret_selectors)
        try:
            with marked_secrets(self.page, getattr(self.redactor, "secrets", ())) as shown:
                image = self.page.screenshot(
                    type="jpeg", quality=60, full_page=full_page, mask=masks + shown, timeout=10_000
                )
        except PlaywrightError:
            return None
        name = step_file_stem(record.index, record.name) + ".jpg"
        atomic_write_bytes(self.run_dir / name, image)
        return name

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

    def _read_json_bodies(self) -> None:
        """Keep the JSON of small same-origin XHR/fetch answers (a cart API's totals) for the promise ledger.

        Read here, not in the response listener: the listener must not wait on
        the browser. A body the browser no longer has, too big or not JSON is skipped,
        and so is one whose request has not finished loading: ``response.body()``
        would wait for it for ever (a stalled or intercepted answer the page never read).
        """
        for entry, response in self._json_responses:
            if entry.duration_ms is None or entry.failure:
                continue
            try:
                raw = response.body()
            except PlaywrightError:
                continue
            if len(raw) > MAX_JSON_BODY:
                continue
            try:
                entry.body = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                continue
        self._json_responses = []

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

    def _on_request(self, request) -> None:
        self._last_activity = time.monotonic()
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
        self._pending[request] = (entry, self._last_activity)

    def _on_response(self, response) -> None:
        request = response.request
        pending = self._pending.get(request)
        if pending:
            pending[0].status = response.status
            if _json_candidate(pending[0], response) and len(self._json_responses) < MAX_JSON_BODIES:
                self._json_responses.append((pending[0], response))
        if self.step is not None and request.is_navigation_request() and request.frame == self.page.main_frame:
            self.step.http_status = response.status

    def _finish(self, request, failure: str | None) -> None:
        pending = self._pending.pop(request, None)
        self._last_activity = time.monotonic()
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


MAX_JSON_BODIES = 20  # per step
MAX_JSON_BODY = 64 * 1024  # bytes


def _json_candidate(entry: model.NetworkEntry, response) -> bool:
    """A small same-origin XHR/fetch answer that says it is JSON."""
    if not entry.same_origin or entry.resource_type not in ("xhr", "fetch"):
        return False
    headers = response.headers  # no round trip to the browser
    if "json" not in headers.get("content-type", "").lower():
        return False
    length = headers.get("content-length")
    return not (length and length.isdigit() and int(length) > MAX_JSON_BODY)


def _parse_json_ld(blobs: list[str]) -> list[dict[str, Any]]:
    """Parsed JSON-LD objects; a broken blob is skipped (shops ship broken JSON-LD)."""
    found: list[dict[str, Any]] = []
    for blob in blobs or []:
        try:
            data = json.loads(blob)
        except (TypeError, ValueError):
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict):
                found.append(item)
    return found
