"""The add-to-cart probe (``crawl --buy``) in real Chromium against the demo shop's catalogue.

The crawl is kept to two categories (brewers, cups) so a browser visit per product stays short.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from journeyaudit.demo import catalogue_data
from journeyaudit.demo.shop import DemoShop

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(400)]

CART_CODES = {"cart-refuses": "JA301", "cart-price": "JA808"}
CLEAN = ["brewers-nordic-dripper-0", "cups-nordic-mug-0", "cups-slate-mug-2"]


def crawl(shop: DemoShop, out, *extra: str) -> subprocess.CompletedProcess:
    scope = []
    for glob in ("/", "/catalogue", "/catalogue/brewers*", "/catalogue/cups*", "/catalogue/p/brewers-*", "/catalogue/p/cups-*"):
        scope += ["--include", shop.url + glob]
    return subprocess.run(
        [sys.executable, "-m", "journeyaudit.cli", "crawl", *extra, "--out", str(out), *scope, "--fail-on", "none"],
        capture_output=True, text=True, timeout=380,
    )


def test_the_probe_finds_the_seeded_cart_defects_and_nothing_on_clean_products(tmp_path):
    slugs = [*catalogue_data.CART_DEFECTS, *CLEAN]
    profile = tmp_path / "audit.yaml"
    globs = "".join(f"\n      - 'http*://**/catalogue/p/{slug}'" for slug in slugs)
    with DemoShop() as shop:
        profile.write_text(f"base_url: {shop.url}\ncrawl:\n  buy:\n    sample: all\n    per: all\n    include:{globs}\n")
        done = crawl(shop, tmp_path / "out", str(profile), "--format", "sarif")
        base = shop.url
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Bought 5 products" in done.stdout
    result = json.loads((tmp_path / "out" / "result.json").read_text())
    bought = {p["url"].removeprefix(base + "/catalogue/p/"): p for p in result["products"] if p["buy"]}
    assert set(bought) == set(slugs)
    buys = {(f["code"], f["url"].removeprefix(base + "/catalogue/p/")) for f in result["findings"] if f["code"] in ("JA301", "JA808")}
    assert buys == {(CART_CODES[defect], slug) for slug, defect in catalogue_data.CART_DEFECTS.items()}
    for slug in CLEAN:  # in the cart, at the page's price, nothing said
        seen = bought[slug]["buy"]
        assert seen["in_cart"] and seen["cart_price"] == bought[slug]["visible_price"] and not seen["refusal"]
    refused = next(f for f in result["findings"] if f["code"] == "JA301")
    assert [ev["value"] for ev in refused["evidence"]][1].startswith("page: In stock")
    assert "out of stock" in [ev["value"] for ev in refused["evidence"]][2]
    dearer = next(f for f in result["findings"] if f["code"] == "JA808")
    page_price = bought["cups-cobalt-mug-7"]["visible_price"]
    assert dearer["evidence"][1]["value"] == page_price and bought["cups-cobalt-mug-7"]["buy"]["cart_price"] != page_price
    sarif = json.loads((tmp_path / "out" / "journeyaudit.sarif").read_text())
    assert {r["ruleId"] for r in sarif["runs"][0]["results"]} >= {"JA301", "JA808"}


def test_buy_n_per_category_from_the_command_line(tmp_path):
    """--buy 2: two products per category; whatever the sample, a finding is only ever on a seeded product."""
    with DemoShop() as shop:
        done = crawl(shop, tmp_path, "--base-url", shop.url, "--buy", "2")
        base = shop.url
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["buy"]["products"] == 4 and result["buy"]["per"] == "category"
    categories = [p["category"] for p in result["products"] if p["buy"]]
    assert sorted(categories) == ["Brewers", "Brewers", "Cups & mugs", "Cups & mugs"]
    for finding in result["findings"]:
        if finding["code"] in ("JA301", "JA808"):
            assert finding["url"].removeprefix(base + "/catalogue/p/") in catalogue_data.CART_DEFECTS
    clean = [p for p in result["products"] if p["buy"] and p["url"].rsplit("/", 1)[1] not in catalogue_data.CART_DEFECTS]
    assert clean and all(p["buy"]["in_cart"] and p["buy"]["cart_price"] == p["visible_price"] for p in clean)
