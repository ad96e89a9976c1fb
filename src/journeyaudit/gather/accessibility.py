"""axe-core in the page: the accessibility check behind JA605 (recording side).

axe-core is the engine browsers' own audit tools build on; the PyPI package
``axe-playwright-python`` ships its script (``axe.min.js``), so the check runs
offline, inside the page the customer sees, at the end of every step, error
states included. Only violations are kept, and only what a report needs: the
rule, its impact, its help text and a few offending elements.
"""

from __future__ import annotations

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


def run_axe(page: Page, tags: tuple[str, ...] = DEFAULT_TAGS, timeout_ms: int = 15_000) -> list[dict[str, Any]] | None:
    """The page's axe-core violations, compacted; None when axe could not run on this page.

    Only the shop's own pages are checked: a blank page (nothing loaded) or the
    browser's own error page is not something the shop served.
    """
    if not page.url.startswith(("http://", "https://")):
        return None
    options = {"runOnly": {"type": "tag", "values": list(tags)}, "resultTypes": ["violations"]}
    try:
        if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
            page.evaluate(axe_script())
        response = page.evaluate(
            """async ([options, timeout]) => {
                 const timer = new Promise((_, reject) => setTimeout(() => reject(new Error('axe timed out')), timeout));
                 return await Promise.race([axe.run(document, options), timer]);
               }""",
            [options, timeout_ms],
        )
    except PlaywrightError:
        return None
    return compact(response.get("violations") or [])


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
