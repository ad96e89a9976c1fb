"""What a storefront-sized page costs the recorder: printed, not asserted.

    .venv/bin/python benchmarks/storefront_page.py [--loads 10] [--rounds 3] [--axe]

The demo shop's pages are small (a few hundred elements), so a journey on it cannot show what the
watcher (gather/message_watch.py, installed in every page and frame) costs a real storefront. Two
synthetic pages of about 5,000 elements stand in for one, served from memory to headless Chromium:

- ``served``: a 220 kB category page whose 400 product cards are in the HTML (a server-rendered shop);
- ``built``: the same cards built element by element into the live document at DOMContentLoaded (a
  naive client render: one mutation record per element, the watcher's worst case).

Each page is loaded ``--loads`` times (the first two not counted) with nothing installed, with an
observer whose callback does nothing (what observing alone costs), and with the watcher as the
recorder installs it, the three taking turns for ``--rounds`` rounds; the medians are printed.

``--axe``: also axe-core's run on each page (JA605's check, as the recorder runs it: WCAG 2.x A/AA,
violations only), and the three rules that take longest when run one at a time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from journeyaudit.gather.message_watch import BINDING, WATCH_SCRIPT  # noqa: E402

CARD = ('<div class="product-card__inner"><a class="product-card__link" href="/p/{i}"><div class="product-card__media">'
        '<img src="data:," alt="Product {i}" width="10" height="10"></div><div class="product-card__info">'
        '<h3 class="product-card__title">Product {i}</h3><div class="price"><span class="price__regular">€{i}.90</span>'
        '<span class="price__sale">€{i}.50</span></div><div class="badge-row"><span class="badge">New</span></div></div></a>'
        '<form class="product-form"><button class="button button--add">Add to cart</button></form></div>')
CARDS = 400
EMPTY_OBSERVER = ("(() => { new MutationObserver(() => {}).observe(document, "
                  "{subtree: true, childList: true, characterData: true, attributes: true}); })();")


def served_page() -> str:
    cards = "".join(f'<li class="product-card">{CARD.format(i=i)}</li>' for i in range(CARDS))
    menu = "<li><a href='#'>Menu</a></li>" * 40
    return (f"<!doctype html><html><head><title>Category</title></head><body><header class='site-header'><nav><ul>"
            f"{menu}</ul></nav></header><main><div class='collection'><ul class='product-grid'>{cards}</ul></div></main>"
            f"<footer>{'<p>footer</p>' * 50}</footer></body></html>")


def built_page() -> str:
    cards = json.dumps([CARD.format(i=i) for i in range(CARDS)])
    return f"""<!doctype html><html><head><title>Category</title></head><body><main><ul id="grid"></ul></main>
<script>
const cards = {cards};
document.addEventListener('DOMContentLoaded', () => {{
  const grid = document.getElementById('grid'), t = document.createElement('template');
  const copy = (from, to) => {{ for (const n of Array.from(from.childNodes)) {{ const c = n.cloneNode(false); to.appendChild(c); copy(n, c); }} }};
  for (const card of cards) {{
    const li = document.createElement('li'); li.className = 'product-card'; grid.appendChild(li);
    t.innerHTML = card; copy(t.content, li);
  }}
}});
</script></body></html>"""


def load_ms(browser, html: str, install: str | None, loads: int) -> tuple[list[float], int]:
    context = browser.new_context()
    page = context.new_page()
    if install == "watcher":
        page.expose_binding(BINDING, lambda _source, _data: None)
        page.add_init_script(WATCH_SCRIPT)
    elif install == "observer":
        page.add_init_script(EMPTY_OBSERVER)
    page.route("http://shop.test/**", lambda route: route.fulfill(body=html, content_type="text/html"))
    times, elements = [], 0
    for n in range(loads + 2):
        t0 = time.perf_counter()
        page.goto(f"http://shop.test/category/{n}", wait_until="load")
        elements = page.evaluate("document.querySelectorAll('*').length")
        if n >= 2:
            times.append((time.perf_counter() - t0) * 1000)
    context.close()
    return times, elements


def axe_ms(browser, html: str) -> tuple[float, list[tuple[float, str]]]:
    """Median ms of axe-core's run on the page (3 runs), and its slowest rules run one at a time."""
    from journeyaudit.gather.accessibility import DEFAULT_TAGS, install_axe

    page = browser.new_page()
    install_axe(page)
    page.route("http://shop.test/**", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto("http://shop.test/category")
    timed = ("async (options) => { const t = performance.now(); await axe.run(document, options); "
             "return performance.now() - t; }")
    every = {"runOnly": {"type": "tag", "values": list(DEFAULT_TAGS)}, "resultTypes": ["violations"]}
    whole = statistics.median(page.evaluate(timed, every) for _ in range(3))
    rules = page.evaluate("(tags) => axe.getRules(tags).map(rule => rule.ruleId)", list(DEFAULT_TAGS))
    each = [(page.evaluate(timed, {"runOnly": {"type": "rule", "values": [rule]}, "resultTypes": ["violations"]}), rule)
            for rule in rules]
    page.close()
    return whole, sorted(each, reverse=True)[:3]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--axe", action="store_true", help="also time axe-core's run on each page")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from journeyaudit.gather.browser import find_browser, launch

    with sync_playwright() as playwright:
        browser = launch(playwright, find_browser())
        try:
            for name, html in (("served", served_page()), ("built", built_page())):
                samples: dict[str | None, list[float]] = {None: [], "observer": [], "watcher": []}
                for _ in range(args.rounds):
                    for install, times in samples.items():
                        more, elements = load_ms(browser, html, install, args.loads)
                        times.extend(more)
                figures = {install: statistics.median(times) for install, times in samples.items()}
                bare = figures[None]
                print(f"{name:7} {len(html) // 1024:4} kB, {elements} elements: nothing installed {bare:.0f} ms, "
                      f"an empty observer {figures['observer']:.0f} ms, the message watcher {figures['watcher']:.0f} ms "
                      f"(+{figures['watcher'] - bare:.0f} ms, {figures['watcher'] / bare:.2f}x)")
                if args.axe:
                    whole, slowest = axe_ms(browser, html)
                    print(f"        axe-core {whole:.0f} ms; alone, the slowest rules: "
                          + ", ".join(f"{rule} {ms:.0f} ms" for ms, rule in slowest))
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
