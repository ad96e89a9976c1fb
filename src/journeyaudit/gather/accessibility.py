"""axe-core in the page: the accessibility check behind JA605 (recording side).

axe-core is the engine browsers' own audit tools build on; the PyPI package
``axe-playwright-python`` ships its script (``axe.min.js``), so the check runs
offline, inside the page the customer sees, at the end of every step, error
states included. Only violations are kept, and only what a report needs: the
rule, its impact, its help text and a few offending elements.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

#: WCAG 2.0-2.2 A and AA: the checks accessibility law and procurement refer to.
#: axe's "best-practice" rules are left out: advice, not a barrier.
DEFAULT_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
MAX_NODES = 5  # offending elements kept per violation
MAX_HTML = 300  # characters of each element's HTML kept

_script: str | None = None


def axe_script() -> str:
    """The axe-core script shipped by axe-playwright-python (read once)."""
    global _script
    if _script is None:
        from axe_playwright_python.base import AXE_SCRIPT

        _script = AXE_SCRIPT
    return _script


def axe_version() -> str:
    """axe-core's version, from the shipped script's banner (``4.12.1``)."""
    head = axe_script()[:200]
    marker = "axe v"
    return head[head.index(marker) + len(marker) :].split()[0] if marker in head else ""


#: A page's shape for axe: every element's tag and the attributes axe's WCAG rules read,
#: and whether it holds text of its own (the text itself is left out: a price or an order
#: number does not change what axe finds; a style sheet's text does). Two documents of one shape give the same violations.
_SHAPE_SCRIPT = """() => {
  const KEEP = /^(id|class|role|type|for|lang|tabindex|alt|title|name|href|src|style|hidden|disabled|scope|headers|autocomplete|aria-.*|xml:lang|dir|accesskey|controls|usemap|data-journeyaudit-.*)$/;
  let hash = 2166136261;
  const add = t => { for (let i = 0; i < t.length; i++) { hash ^= t.charCodeAt(i); hash = Math.imul(hash, 16777619); } };
  let count = 0;
  for (const el of document.getElementsByTagName('*')) {
    count++;
    add('<' + el.tagName);
    for (const a of el.attributes) if (KEEP.test(a.name)) add(' ' + a.name + '=' + a.value);
    if (el.tagName === 'STYLE') add(el.textContent);
    else for (const n of el.childNodes) if (n.nodeType === 3 && n.data.trim()) { add('#'); break; }
  }
  return location.origin + location.pathname + ':' + count + ':' + (hash >>> 0).toString(16);
}"""


def install_axe(page: Page) -> None:
    """Load axe-core in every document the page will show, once per page: the script (570 kB) no
    longer crosses from Python at every step, and the browser compiles it from its own cache."""
    page.add_init_script(axe_script())


# One trip per snapshot: the page's shape; axe-core's violations unless that shape was checked before
# (``known``); ``missing`` when axe-core is not in the page (it is then injected, and asked again).
_RUN_SCRIPT = f"""async ([known, options, timeout]) => {{
  const shape = ({_SHAPE_SCRIPT})();
  if (known.includes(shape)) return {{shape, known: true}};
  if (typeof window.axe !== 'object' || typeof window.axe.run !== 'function') return {{shape, missing: true}};
  const timer = new Promise((_, reject) => setTimeout(() => reject(new Error('axe timed out')), timeout));
  const result = await Promise.race([axe.run(document, options), timer]);
  return {{shape, violations: result.violations || []}};
}}"""


class CheckedShapes:
    """axe-core's violations per page shape, for every journey of an audit.

    The demo audit shows the same templates journey after journey (a product page, the cart, each
    checkout step): checked once, each is reused by every later journey, in every worker (the worker
    threads share one: hence the lock). Only the violations are shared; which elements they point at
    is read again from the page that reuses them (:data:`_SOURCES_SCRIPT`), so no journey's report
    quotes another journey's page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[str, list[dict[str, Any]]] = {}

    def __len__(self) -> int:
        return len(self._found)

    def known(self) -> list[str]:
        with self._lock:
            return list(self._found)

    def get(self, shape: str) -> list[dict[str, Any]] | None:
        """A copy of the violations found on ``shape`` (None: not checked yet)."""
        with self._lock:
            found = self._found.get(shape)
        return copy.deepcopy(found) if found is not None else None

    def add(self, shape: str, found: list[dict[str, Any]]) -> None:
        with self._lock:
            self._found[shape] = copy.deepcopy(found)


# The elements a reused violation points at, as axe-core quotes them (its outerHTML; cut after the
# start tag when longer than 300 characters), from the page at hand; null where no element matches.
_SOURCES_SCRIPT = """(targets) => targets.map(target => {
  let element = null;
  try { element = document.querySelector(target); } catch (e) { return null; }
  if (!element) return null;
  const source = element.outerHTML || '';
  return source.length > 300 ? source.slice(0, source.indexOf('>') + 1) : source;
})"""


class AxeRunner:
    """axe-core for one journey's page: run where it can tell something new.

    One run per page shape (:data:`_SHAPE_SCRIPT`) in the whole audit (:class:`CheckedShapes`):
    the same template showing the same elements again (a cart seen twice, a form before and
    after an unrelated click, the product page of the next journey) reuses the violations
    found there, with the elements' HTML read from this page. An error state changes the
    shape (new elements, ``aria-invalid``, a class) and is checked again. The shape, the check
    and the run are one trip to the page.
    """

    def __init__(self, tags: tuple[str, ...] = DEFAULT_TAGS, timeout_ms: int = 15_000, checked: CheckedShapes | None = None):
        self.tags, self.timeout_ms = tags, timeout_ms
        self.seen = checked if checked is not None else CheckedShapes()
        self.runs = 0  # axe-core runs by this journey (a reused shape is not one)

    def __call__(self, page: Page) -> list[dict[str, Any]] | None:
        if not page.url.startswith(("http://", "https://")):
            return None
        options = {"runOnly": {"type": "tag", "values": list(self.tags)}, "resultTypes": ["violations"]}
        try:
            answer = page.evaluate(_RUN_SCRIPT, [self.seen.known(), options, self.timeout_ms])
            if answer.get("missing"):
                page.evaluate(axe_script())
                answer = page.evaluate(_RUN_SCRIPT, [self.seen.known(), options, self.timeout_ms])
        except PlaywrightError:
            return None
        shape = answer.get("shape")
        if answer.get("known"):
            found = self.seen.get(shape)
            if found is not None:
                return _as_on(page, found)
        if "violations" not in answer:
            return None
        self.runs += 1
        found = compact(answer["violations"] or [])
        if shape is not None:
            self.seen.add(shape, found)
        return found


def _as_on(page: Page, violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reused ``violations`` with each element's HTML read from ``page`` (left empty where it cannot be)."""
    nodes = [node for violation in violations for node in violation.get("nodes") or []]
    if not nodes:
        return violations
    try:
        sources = page.evaluate(_SOURCES_SCRIPT, [node.get("target", "") for node in nodes])
    except PlaywrightError:
        sources = [None] * len(nodes)
    for node, source in zip(nodes, sources):
        node["html"] = (source or "")[:MAX_HTML]
    return violations


def compact(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """axe's violation objects reduced to what a rule and a report need."""
    out = []
    for violation in violations:
        nodes = violation.get("nodes") or []
        out.append(
            {
                "id": violation.get("id", ""),
                "impact": violation.get("impact") or "",
                "help": violation.get("help", ""),
                "description": violation.get("description", ""),
                "help_url": violation.get("helpUrl", ""),
                "tags": [t for t in violation.get("tags") or [] if t.startswith("wcag")],
                "count": len(nodes),
                "nodes": [
                    {
                        "target": " ".join(str(t) for t in node.get("target") or [])[:300],
                        "html": (node.get("html") or "")[:MAX_HTML],
                        "summary": (node.get("failureSummary") or "")[:500],
                    }
                    for node in nodes[:MAX_NODES]
                ],
            }
        )
    return out
