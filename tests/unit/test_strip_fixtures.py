"""The fixture HTML keeps what rules read: data scripts stay, styles and page behaviour go."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("strip_fixture_html", ROOT / "scripts" / "strip_fixture_html.py")
strip = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(strip)  # type: ignore[union-attr]

PAGE = """<html><head><style>.a { color: red }</style><STYLE media="print">b{}</STYLE>
<script>window.dataLayer = window.dataLayer || [];</script>
<script type="application/ld+json">{"@type": "Product", "name": "A"}</script>
<script type="application/json" id="state">{"cart": 1}</script>
<script src="/static/app.js" defer></script>
<script>document.getElementById('x').addEventListener('click', function () {});</script>
<script type="module">import "/x.js";</script>
</head><body><p>Keep me</p><script>window.dataLayer.push({"event": "view_item"});</script></body></html>"""


def test_strip_keeps_data_scripts_and_drops_styles_and_behaviour():
    out = strip.strip_html(PAGE)
    assert "<style></style>" in out and '<STYLE media="print"></STYLE>' in out
    assert "color: red" not in out and "addEventListener" not in out and 'import "/x.js"' not in out
    for kept in ('window.dataLayer = window.dataLayer || [];', '{"@type": "Product", "name": "A"}', '{"cart": 1}',
                 '<script src="/static/app.js" defer></script>', '"event": "view_item"', "<p>Keep me</p>"):
        assert kept in out, kept
    assert strip.strip_html(out) == out


def test_recorded_fixtures_are_stripped():
    """Re-record with scripts/record_fixtures.py (it strips) or run scripts/strip_fixture_html.py."""
    pages = sorted((ROOT / "tests" / "fixtures" / "traces").rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert strip.strip_html(html) == html, page.name
        assert not re.search(r"<style\b[^>]*>\s*[^<\s]", html, re.IGNORECASE), page.name
