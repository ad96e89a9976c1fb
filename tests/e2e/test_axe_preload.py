"""axe-core's preloading asked for only where a rule run here reads it (gather/accessibility.py), in Chromium.

Of the WCAG A/AA rules JA605 runs, only ``no-autoplay-audio`` needs preloaded assets (the
media's duration); preloading on a page without autoplaying media cost about 60 ms per new
document. The page decides: media where an autoplaying ``audio``/``video`` is, in the
document or an open shadow root; nothing elsewhere. The violations axe finds are the same.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from journeyaudit.gather.accessibility import _PRELOAD_SCRIPT, DEFAULT_TAGS, axe_script
from journeyaudit.gather.browser import find_browser, launch

pytestmark = pytest.mark.e2e

PLAIN = "<main><h1>Shop</h1><img src='data:,' ><button></button><video src='data:,'></video></main>"
AUTOPLAY = "<main><h1>Shop</h1><audio autoplay src='data:,'></audio></main>"
SHADOWED = """<main><h1>Shop</h1><div id=host></div></main><script>
document.getElementById('host').attachShadow({mode: 'open'}).innerHTML = '<video autoplay src="data:,"></video>';
</script>"""


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as playwright:
        browser = launch(playwright, find_browser())
        try:
            yield browser.new_page()
        finally:
            browser.close()


@pytest.mark.parametrize(("html", "wanted"), [
    (PLAIN, False),
    (AUTOPLAY, {"assets": ["media"]}),
    (SHADOWED, {"assets": ["media"]}),
])
def test_media_is_preloaded_only_where_an_autoplaying_element_is(page, html, wanted):
    page.set_content(f"<!doctype html><html lang=en><head><title>t</title></head><body>{html}</body></html>")
    assert page.evaluate(_PRELOAD_SCRIPT) == wanted


def test_the_violations_are_the_same_without_preloading(page):
    page.set_content(f"<!doctype html><html><head></head><body>{PLAIN}</body></html>")
    page.evaluate(axe_script())
    ask = """async (preload) => (await axe.run(document, {runOnly: {type: 'tag', values: %s},
      resultTypes: ['violations'], preload})).violations.map(v => v.id + ':' + v.nodes.length).sort()""" % list(DEFAULT_TAGS)
    with_preload, without = page.evaluate(ask, True), page.evaluate(ask, False)
    assert with_preload == without and len(with_preload) >= 3  # lang, title, image alt, button name...
