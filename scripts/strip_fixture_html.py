"""Strip the demo shop's repeated <style> and behaviour <script> contents from recorded fixture HTML.

    .venv/bin/python scripts/strip_fixture_html.py [DIR ...]   (default: tests/fixtures/traces)

Every snapshot repeats the same stylesheet and page scripts; no rule reads them.
Data scripts stay as recorded: JSON-LD and other non-JavaScript types, and inline
scripts that feed analytics (dataLayer, gtag...) which rules and the ledger read.
The tags themselves stay (emptied), so the page's structure is unchanged.
scripts/record_fixtures.py applies the same stripping when it records.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style\s*>)", re.IGNORECASE | re.DOTALL)
_SCRIPT = re.compile(r"(<script\b([^>]*)>)(.*?)(</script\s*>)", re.IGNORECASE | re.DOTALL)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript", "application/ecmascript"}
_DATA_WORDS = re.compile(r"dataLayer|gtag\s*\(|digitalData|utag_data|ecommerce|__NEXT_DATA__|ShopifyAnalytics")


def _script(match: re.Match[str]) -> str:
    kind = _TYPE.search(match.group(2))
    if (kind.group(1).lower() if kind else "") not in _JS_TYPES:
        return match.group(0)  # JSON-LD, application/json, templates: data
    if _DATA_WORDS.search(match.group(3)):
        return match.group(0)  # analytics pushes: the ledger's data_layer facts
    return match.group(1) + match.group(4)


def strip_html(html: str) -> str:
    """The page with <style> contents and behaviour <script> contents removed."""
    html = _STYLE.sub(lambda m: m.group(1) + m.group(3), html)
    return _SCRIPT.sub(_script, html)


def main(args: list[str]) -> int:
    folders = [Path(a) for a in args] or [ROOT / "tests" / "fixtures" / "traces"]
    before = after = 0
    for folder in folders:
        for path in sorted(folder.rglob("*.html")):
            html = path.read_text(encoding="utf-8")
            stripped = strip_html(html)
            before, after = before + len(html), after + len(stripped)
            if stripped != html:
                path.write_text(stripped, encoding="utf-8")
    print(f"{before} -> {after} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
