"""The demo happy path as a hand-written Playwright script: the yardstick of issue 13.

    .venv/bin/python benchmarks/bare_happy_path.py BASE_URL

The same clicks and fills as journeys/demo/happy-path.yaml (sync API, the system
Chromium), with no wait beyond Playwright's own auto-waiting: what a team would
write by hand. ``benchmarks/overhead.py`` times journeyaudit against it.
"""

from __future__ import annotations

import os
import shutil
import sys
import time

from playwright.sync_api import expect, sync_playwright


def chromium_path() -> str | None:
    """The Chromium journeyaudit launches headless, so that the ratio compares the scripts and not two
    browsers: JOURNEYAUDIT_BROWSER_PATH, else the headless shell first, as Playwright's own builds run
    headless."""
    if os.environ.get("JOURNEYAUDIT_BROWSER_PATH"):
        return os.environ["JOURNEYAUDIT_BROWSER_PATH"]
    for name in ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None  # Playwright's own build


def happy_path(page, base_url: str) -> None:
    """journeys/demo/happy-path.yaml, action for action."""
    body = page.locator("body")
    page.goto(f"{base_url}/product/aeropress-go")
    expect(body).to_contain_text("AeroPress Go", use_inner_text=True)
    expect(body).to_contain_text("In stock", use_inner_text=True)

    page.locator("role=button[name='Add to cart']").click()
    page.wait_for_url("**/cart", wait_until="commit")
    expect(body).to_contain_text("Subtotal", use_inner_text=True)

    page.locator("role=link[name='Checkout']").click()
    page.wait_for_url("**/checkout", wait_until="commit")
    page.locator("#email").fill("anna.schmidt@example.com")

    page.locator("role=button[name='Continue as guest']").click()
    page.wait_for_url("**/checkout/shipping", wait_until="commit")
    page.locator("#full-name").fill("Anna Schmidt")
    page.locator("#street-address").fill("Kaffeestraße 12")
    page.locator("#postal-code").fill("10115")
    page.locator("#city").fill("Berlin")
    page.locator("#country").select_option(value="DE")
    page.locator("#ship-standard").check()

    page.locator("role=button[name='Continue to payment']").click()
    page.wait_for_url("**/checkout/payment", wait_until="commit")
    page.locator("#card-name").fill("Anna Schmidt")
    page.locator("#card-number").fill("4242 4242 4242 4242")
    page.locator("#card-expiry").fill("12/34")
    page.locator("#card-cvc").fill("123")

    page.locator("role=button[name='Review order']").click()
    page.wait_for_url("**/checkout/review", wait_until="commit")
    expect(body).to_contain_text("Review your order", use_inner_text=True)

    page.locator("role=button[name='Place order']").click()
    page.wait_for_url("**/order/*", wait_until="commit")
    expect(body).to_contain_text("Thank you", use_inner_text=True)


def run(base_url: str, playwright=None) -> float:
    """Seconds for one happy path: browser start, a fresh context, the steps, browser closed."""
    t0 = time.perf_counter()
    owned = playwright is None
    p = sync_playwright().start() if owned else playwright
    try:
        browser = p.chromium.launch(executable_path=chromium_path(), headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            happy_path(context.new_page(), base_url.rstrip("/"))
            context.close()
        finally:
            browser.close()
    finally:
        if owned:
            p.stop()
    return time.perf_counter() - t0


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    print(f"{run(sys.argv[1]):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
