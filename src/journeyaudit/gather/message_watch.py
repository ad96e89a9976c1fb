"""The message watcher: every message that appears on the page during a step, with its time.

Toasts and live-region messages often disappear after a few seconds, before the
end-of-step snapshot. A script installed in every page and frame
(``page.add_init_script``) watches the document with a MutationObserver and
reports each alert, ``role=status``/``log``, ``aria-live`` region, ``<output>`` and
toast-like element (class or id with toast, snackbar, alert, notice, notification,
flash, message, error) whose visible text appears or changes, and again when it
is removed or hidden. The reports reach Python through a binding and are filed,
redacted, on the step that was running (``StepRecord.messages``), at most
``MAX_MESSAGES`` per step. The same script counts the document's changes
(``CHANGES_SCRIPT``): the recorder's early snapshot is kept only while that count stands.
Both watch from the moment the parser is done (``DOMContentLoaded``), when the document as
parsed is looked through once: watching the parser insert every element cost as much as
the parsing itself on a storefront-sized page.
"""

from __future__ import annotations

from typing import Any

from journeyaudit import model

MAX_MESSAGES = 50  # per step: a page that updates a live region every second must not flood the trace
MAX_TEXT = 500  # longer texts are page content, not a message

BINDING = "__journeyauditMessage"

WATCH_SCRIPT = """(() => {
  if (window.__journeyauditWatch) return;
  window.__journeyauditWatch = true;
  const send = (data) => { try { const f = window.__journeyauditMessage; if (f) f(data); } catch (e) {} };
  const SEL = '[role=alert],[role=alertdialog],[role=status],[role=log],[aria-live]:not([aria-live=off]),output,'
    + '[class*=toast i],[class*=snackbar i],[class*=alert i],[class*=notice i],[class*=notification i],'
    + '[class*=flash i],[class*=message i],[class*=error i],[id*=toast i],[id*=notice i],[id*=message i],[id*=error i]';
  const SKIP = new Set(['HTML', 'BODY', 'MAIN', 'FORM', 'HEADER', 'FOOTER', 'NAV', 'ASIDE', 'SCRIPT', 'STYLE',
    'TEMPLATE', 'NOSCRIPT', 'INPUT', 'SELECT', 'TEXTAREA', 'OPTION', 'BUTTON', 'LABEL', 'IMG', 'SVG']);
  const doc = Math.random().toString(36).slice(2);
  const seen = new WeakMap();  // element -> {id, text}
  const live = new Map();      // id -> element, shown and not yet reported gone
  let next = 1, timer = null;
  const queue = new Set();
  const says = el => (el.innerText || '').replace(/\\s+/g, ' ').trim();
  const shown = el => {
    if (!el.isConnected || !el.getClientRects().length) return false;
    if (el.closest('[hidden],[aria-hidden=true]')) return false;
    const st = getComputedStyle(el);
    return st.visibility !== 'hidden' && st.display !== 'none';
  };
  const candidate = el => el && el.nodeType === 1 && !SKIP.has(el.tagName) && el.matches(SEL)
    && !el.querySelector('input:not([type=hidden]),select,textarea');
  const where = el => {
    const role = el.getAttribute('role'), liveAttr = el.getAttribute('aria-live');
    if (role) return 'role=' + role;
    if (liveAttr) return 'aria-live=' + liveAttr;
    if (el.tagName === 'OUTPUT') return 'output';
    return 'class=' + String(el.getAttribute('class') || el.id || '').trim().split(/\\s+/).slice(0, 3).join(' ');
  };
  // the outermost message element around a node, short enough to be a message; ``known``: what candidate()
  // said of each element already, for the changes of one batch (they share their ancestors)
  const outermost = (node, known) => {
    let el = node && (node.nodeType === 1 ? node : node.parentElement), found = null;
    for (let depth = 0; el && depth < 12; depth++, el = el.parentElement) {
      let is = known && known.get(el);
      if (is === undefined) { is = candidate(el); if (known) known.set(el, is); }
      if (is && (el.textContent || '').length <= 4 * %(max_text)d) found = el;
    }
    return found;
  };
  const gone = (id) => { live.delete(id); send({op: 'gone', doc, id, at: Date.now()}); };
  const flush = () => {
    timer = null;
    for (const el of queue) {
      const text = says(el), rec = seen.get(el);
      if (shown(el) && text && text.length <= %(max_text)d) {
        if (rec && rec.text === text) { if (!live.has(rec.id)) { live.set(rec.id, el); send({op: 'shown', doc, id: rec.id, text, at: Date.now(), where: where(el)}); } continue; }
        if (rec && live.has(rec.id)) gone(rec.id);
        const id = next++;
        seen.set(el, {id, text});
        live.set(id, el);
        send({op: 'shown', doc, id, text, at: Date.now(), where: where(el)});
      } else if (rec && live.has(rec.id)) {
        gone(rec.id);
      }
    }
    queue.clear();
    for (const [id, el] of Array.from(live)) { if (!shown(el)) gone(id); }
  };
  window.__journeyauditFlush = flush;
  const note = el => { if (el) { queue.add(el); if (!timer) timer = setTimeout(flush, 50); } };
  // One batch of changes: an element added inside another element added in the same batch is looked
  // through with it (a page built element by element gave one record per element, and each looked
  // through its whole subtree again: a 5,600-element page's render took 196 -> 318 ms).
  const observer = new MutationObserver(records => {
    const known = new Map(), added = new Set();
    for (const r of records) for (const node of r.addedNodes) if (node.nodeType === 1) added.add(node);
    const inAdded = el => { for (let up = el.parentElement; up; up = up.parentElement) if (added.has(up)) return true; return false; };
    for (const r of records) {
      const at = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (at && !added.has(at) && !inAdded(at)) note(outermost(at, known));  // else looked through with what was added
      for (const node of r.addedNodes) {
        if (node.nodeType !== 1 || inAdded(node)) continue;
        note(outermost(node, known));
        for (const inner of node.querySelectorAll(SEL)) note(outermost(inner, known));
      }
      if (r.removedNodes.length && live.size && !timer) timer = setTimeout(flush, 50);
    }
  });
  // Every change of the document but our own (the screenshot's covers and secret marks), counted: the
  // recorder's snapshot taken before a step settled is kept only if nothing changed after it (recorder.py).
  let changes = 0;
  const ours = n => n.nodeType === 1 && n.hasAttribute('data-journeyaudit-cover');
  const tally = records => {
    for (const r of records) {
      if (r.type === 'attributes' && (r.attributeName || '').startsWith('data-journeyaudit')) continue;
      if (r.type === 'childList' && (r.addedNodes.length || r.removedNodes.length)
        && Array.prototype.every.call(r.addedNodes, ours) && Array.prototype.every.call(r.removedNodes, ours)) continue;
      changes++;
    }
  };
  const changed = new MutationObserver(tally);
  window.__journeyauditChanges = () => { tally(changed.takeRecords()); return doc + ':' + changes; };
  // Watched from the moment the parser is done, then the document as parsed is looked through once: an
  // observer during parsing gets a record for every element the parser inserts, which doubled the load of
  // a 5,000-element page (143 -> 287 ms); the early snapshot is only ever taken after the load event.
  const start = () => {
    changed.observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
    observer.observe(document, {subtree: true, childList: true, characterData: true, attributes: true,
      attributeFilter: ['class', 'style', 'hidden', 'aria-hidden', 'open']});
    if (document.body) for (const el of document.body.querySelectorAll(SEL)) note(outermost(el));
  };
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start, {once: true});
  else start();
})();""" % {"max_text": MAX_TEXT}


#: The document and its count of changes ("doc:count"); null where the watcher is not installed.
CHANGES_SCRIPT = "() => (window.__journeyauditChanges ? window.__journeyauditChanges() : null)"


class MessageWatch:
    """Files the watcher's reports on the running step (``recorder.step``)."""

    def __init__(self, recorder: Any) -> None:
        self.recorder = recorder
        self._open: dict[tuple[str, int], tuple[model.StepRecord, model.ShownMessage]] = {}
        self._previous: model.StepRecord | None = None
        self._current: model.StepRecord | None = None

    def install(self, page: Any) -> None:
        page.expose_binding(BINDING, self.on_report)
        page.add_init_script(WATCH_SCRIPT)

    def on_report(self, _source: Any, data: Any) -> None:
        step = self.recorder.step
        if step is None or not isinstance(data, dict):
            return
        if step is not self._current:
            self._previous, self._current = self._current, step
        try:
            key = (str(data.get("doc", "")), int(data.get("id", 0)))
            at = float(data.get("at", 0)) / 1000
        except (TypeError, ValueError):
            return
        if data.get("op") == "gone":
            found = self._open.pop(key, None)
            if found is not None and found[1].gone_ms is None:
                found[1].gone_ms = _ms_since(found[0], at)
            return
        text = " ".join(str(data.get("text", "")).split())[:MAX_TEXT]
        if not text:
            return
        target = step
        if at < step.started_at and self._previous is not None:
            target = self._previous  # appeared before this step began: the report came late
        if len(target.messages) >= MAX_MESSAGES:
            return
        redactor = self.recorder.redactor
        shown = model.ShownMessage(
            text=redactor.text(text) if redactor else text,
            at_ms=_ms_since(target, at),
            where=str(data.get("where", ""))[:80],
        )
        target.messages.append(shown)
        self._open[key] = (target, shown)

    def flush(self, page: Any) -> None:
        """Let the page report what it has queued, before the end-of-step snapshot."""
        try:
            page.evaluate("() => { if (window.__journeyauditFlush) window.__journeyauditFlush(); }")
        except Exception:  # noqa: BLE001 - a page that cannot run scripts has nothing to report
            pass

    def close_step(self, step: model.StepRecord, visible_text: str, elapsed_ms: float) -> None:
        """Messages of the step still open but no longer on the page at its end are gone by now."""
        shown_text = " ".join(visible_text.split())
        for message in step.messages:
            if message.gone_ms is None and message.text not in shown_text:
                message.gone_ms = elapsed_ms


def _ms_since(step: model.StepRecord, at: float) -> float:
    return round(max(0.0, (at - step.started_at) * 1000), 1) if at else 0.0
