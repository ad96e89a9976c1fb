"""A stored HTML snapshot opened from disk in Chromium runs nothing (issue 14, class 2)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from journeyaudit import model
from journeyaudit.gather.browser import find_browser, launch
from journeyaudit.history import store

pytestmark = pytest.mark.e2e

HOSTILE = (
    "<!DOCTYPE html><html><head><title>shop</title>"
    "<script>document.title = 'inline ran'</script></head>"
    "<body><img src='data:,x' onerror=\"document.title = 'handler ran'\">"
    "<a id=go href=\"javascript:document.title='link ran'\">go</a></body></html>"
)


def test_snapshot_from_disk_runs_no_script(tmp_path):
    step = model.StepRecord(index=1, name="Product", role="product", html=HOSTILE)
    store.save_run(model.Run("p", "P", "journeys/p.yaml", "https://shop.example", steps=[step]), tmp_path)
    snapshot = next(tmp_path.glob("*.html"))
    with sync_playwright() as p:
        browser = launch(p, find_browser())
        try:
            page = browser.new_page()
            page.goto(snapshot.as_uri())
            page.click("#go")
            page.wait_for_timeout(300)
            assert page.title() == "shop"
        finally:
            browser.close()
