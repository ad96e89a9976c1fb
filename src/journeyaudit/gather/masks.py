"""What a screenshot must cover: fields secret by nature, and every element that shows a secret.

The recorder masks the fields a journey filled with a secret and those that are
secret by nature (passwords, card fields). A page may also show a secret
elsewhere: a confirmation line "Card 4242 4242 4242 4242", a read-only field the
journey never filled, a payment provider's iframe (another origin) that echoes it. :func:`marked_secrets` marks those elements in the page
just before the screenshot and takes the marks off after it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, Locator, Page

# Fields whose contents are secret by nature, masked in every screenshot.
SECRET_FIELD_SELECTORS = (
    "input[type=password]",
    "input[autocomplete^='cc-']",
    "input[name*='card' i]",
    "input[id*='card' i]",
    "input[name*='cvc' i]",
    "input[name*='cvv' i]",
)
_SECRET_FIELDS = ", ".join(SECRET_FIELD_SELECTORS)  # one locator per frame: each mask is resolved apart

# Marks every element that shows a secret (its own text, or an input's value), spaces and dashes
# ignored: the deepest element holding the whole secret, so a secret split over spans is found too.
SECRET_MARK = "data-journeyaudit-secret"
MARK_SECRETS_SCRIPT = """(secrets) => {
  const norm = t => (t || '').replace(/[\\s\\u00a0-]+/g, '').toLowerCase();
  const tests = secrets.map(norm).filter(s => s.length >= 3).map(s => /^\\d+$/.test(s)
    ? (n => new RegExp('(?<!\\\\d)' + s + '(?!\\\\d)').test(n)) : (n => n.includes(s)));
  const shows = t => { const n = norm(t); return tests.some(test => test(n)); };
  let marked = 0;
  const mark = el => { el.setAttribute('data-journeyaudit-secret', ''); marked++; };
  const walk = el => {
    if (!shows(el.textContent)) return false;
    let inner = false;
    for (const child of el.children) inner = walk(child) || inner;
    if (!inner) mark(el);
    return true;
  };
  if (tests.length && document.body) {
    walk(document.body);
    for (const el of document.querySelectorAll('input, textarea')) if (shows(el.value)) mark(el);
  }
  return marked;
}"""
_UNMARK_SCRIPT = """() => { for (const el of document.querySelectorAll('[data-journeyaudit-secret]'))
  el.removeAttribute('data-journeyaudit-secret'); }"""


# A page with more frames than this (ads, trackers) has its first frames searched: the payment
# iframe is among them on every shop we know; more would make each screenshot slow.
MAX_FRAMES = 24


def frames(page: Page) -> list[Frame]:
    """The page's frames, main frame first, cross-origin ones (a payment provider's card form) included."""
    return [frame for frame in page.frames[:MAX_FRAMES] if not frame.is_detached()]


def field_masks(page: Page, journey_selectors: Iterable[str]) -> list[Locator]:
    """The fields to cover: those the journey filled with a secret, and those secret by nature in every frame."""
    masks = [page.locator(selector) for selector in journey_selectors]
    return masks + [frame.locator(_SECRET_FIELDS) for frame in frames(page)]


@contextlib.contextmanager
def marked_secrets(page: Page, secrets: Iterable[str], main_marked: int | None = None) -> Iterator[list[Locator]]:
    """The locators to mask for ``secrets`` (none without secrets); the marks are removed afterwards.

    Every frame is searched, a cross-origin payment iframe that echoes the card number too.
    A marking that fails in the main frame raises PlaywrightError: the caller takes no screenshot.
    In a child frame it is skipped (the frame went away while we looked). ``main_marked``: the main
    frame was marked already (the recorder's snapshot read does it in the same trip), this many elements.
    """
    secrets = [s for s in secrets if s]
    if not secrets:
        yield []
        return
    marked: list[Frame] = [page.main_frame] if main_marked else []
    try:
        for frame in frames(page):
            if main_marked is not None and frame is page.main_frame:
                continue
            try:
                if frame.evaluate(MARK_SECRETS_SCRIPT, secrets):
                    marked.append(frame)
            except PlaywrightError:
                if frame is page.main_frame:
                    raise
        yield [frame.locator(f"[{SECRET_MARK}]") for frame in marked]
    finally:
        for frame in marked:
            with contextlib.suppress(PlaywrightError):
                frame.evaluate(_UNMARK_SCRIPT)


# The quick screenshot (the recorder's, through CDP): the covers are drawn by the page itself, Playwright's
# way (a #FF00FF box over each client rectangle, fixed to the viewport, above everything), over every
# element the CSS selectors find in the document and its open shadow roots. A selector that is not plain
# CSS (role=, text=, >>, :visible) draws nothing and answers -1: Playwright's screenshot masks instead.
COVER_ATTR = "data-journeyaudit-cover"
COVER_SCRIPT = """(selectors) => {
  const roots = [document];
  for (let i = 0; i < roots.length; i++)
    for (const el of roots[i].querySelectorAll('*')) if (el.shadowRoot) roots.push(el.shadowRoot);
  const found = new Set();
  for (const sel of selectors) {
    for (const root of roots) {
      let list;
      try { list = root.querySelectorAll(sel); } catch (e) { return -1; }
      for (const el of list) found.add(el);
    }
  }
  let drawn = 0;
  for (const el of found) {
    for (const r of el.getClientRects()) {
      if (r.width <= 0 || r.height <= 0) continue;
      const box = document.createElement('div');
      box.setAttribute('data-journeyaudit-cover', '');
      box.style.cssText = 'position:fixed;margin:0;padding:0;border:0;pointer-events:none;'
        + 'z-index:2147483647;background:#FF00FF;left:' + r.left + 'px;top:' + r.top + 'px;width:'
        + r.width + 'px;height:' + r.height + 'px';
      document.documentElement.appendChild(box);
      drawn++;
    }
  }
  return drawn;
}"""
UNCOVER_SCRIPT = """() => {
  for (const el of document.querySelectorAll('[data-journeyaudit-cover]')) el.remove();
  for (const el of document.querySelectorAll('[data-journeyaudit-secret]')) el.removeAttribute('data-journeyaudit-secret');
}"""


def cover_selectors(journey_selectors: Iterable[str]) -> list[str]:
    """What the quick screenshot covers: the journey's secret fields, those secret by nature, and marked ones."""
    return [*journey_selectors, *SECRET_FIELD_SELECTORS, f"[{SECRET_MARK}]"]

# In a child frame (a payment provider's iframe): its elements showing a secret marked, then covered.
_FRAME_COVER_SCRIPT = f"""([secrets, cover]) => {{
  if (secrets.length) ({MARK_SECRETS_SCRIPT})(secrets);
  return ({COVER_SCRIPT})(cover);
}}"""


def cover_child_frames(page: Page, secrets: Iterable[str]) -> tuple[list[Frame], bool]:
    """Covers drawn in every child frame (the main frame's come with the snapshot's read): the frames
    looked at, to uncover after the picture (their marks go too), and whether none of them drew a
    cover (then the picture may be taken after the uncovering). A frame that went away is skipped."""
    secrets = [s for s in secrets if s]
    selectors = [*SECRET_FIELD_SELECTORS, f"[{SECRET_MARK}]"]
    covered, clear = [], True
    for frame in frames(page):
        if frame is page.main_frame:
            continue
        with contextlib.suppress(PlaywrightError):
            drawn = frame.evaluate(_FRAME_COVER_SCRIPT, [secrets, selectors])
            covered.append(frame)
            clear = clear and drawn == 0
    return covered, clear


def uncover(covered: Iterable[Frame]) -> None:
    for frame in covered:
        with contextlib.suppress(PlaywrightError):
            frame.evaluate(UNCOVER_SCRIPT)
