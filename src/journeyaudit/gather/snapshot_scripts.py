"""The page scripts of the end-of-step snapshot (gather/recorder.py): what one evaluate reads.

Form fields (never their values) with the error text that belongs to each, JSON-LD and
``dataLayer`` (each at most ``max`` characters), and the whole snapshot read in one trip.
"""

from __future__ import annotations

from journeyaudit.gather.masks import COVER_SCRIPT, MARK_SECRETS_SCRIPT

FIELDS_SCRIPT = """() => {
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
JSON_LD_SCRIPT = """(max) => {
  const blobs = []; let used = 0, dropped = 0;
  for (const s of document.querySelectorAll('script[type="application/ld+json"]')) {
    const text = s.textContent || '';
    if (used + text.length > max) { dropped++; continue; }
    used += text.length; blobs.push(text);
  }
  return {blobs, dropped};
}"""

DATA_LAYER_SCRIPT = """(max) => {
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
# First the message watcher reports what it has queued (message_watch.py); last, when a screenshot
# follows, the elements showing a secret are marked for its masks (masks.py), after the HTML was read,
# and, for the quick screenshot, the secret fields and marked elements are covered (``cover``: selectors).
# ``changes``: the document's count of changes as read (message_watch.CHANGES_SCRIPT), before the marks.
SNAPSHOT_SCRIPT = f"""([max, maxText, maxHtml, secrets, cover]) => {{
  if (window.__journeyauditFlush) window.__journeyauditFlush();
  const doctype = document.doctype ? new XMLSerializer().serializeToString(document.doctype) : '';
  const html = doctype + (document.documentElement ? document.documentElement.outerHTML : '');
  const data = {{
    title: document.title,
    text: document.body ? document.body.innerText.slice(0, maxText) : '',
    html: html.slice(0, maxHtml),
    fields: ({FIELDS_SCRIPT})(),
    json_ld: ({JSON_LD_SCRIPT})(max),
    layer: ({DATA_LAYER_SCRIPT})(max),
  }};
  data.changes = window.__journeyauditChanges ? window.__journeyauditChanges() : null;
  data.marked = secrets ? ({MARK_SECRETS_SCRIPT})(secrets) : null;
  data.covered = cover ? ({COVER_SCRIPT})(cover) : null;
  return data;
}}"""
