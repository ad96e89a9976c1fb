"""JA301 names the product that went out of stock, on the real shops' stock-outs and the demo's.

Vendure's Remix storefront has no JSON-LD and its only ``<h1>`` is the logo; the product's name
is an ``<h2>`` that the page title names ("Tent - Vendure Remix Storefront"), and the cart's
item row. The recorded Vendure stock-out holds the *recheck* the recorder took after the
unexplained refusal: the same product page, with the stock badge the starter renders for
OUT_OF_STOCK (app/components/products/StockLevelLabel.tsx: ``<span class="... bg-red-100
text-red-800">Out of stock</span>``).
"""

from __future__ import annotations

import dataclasses
import re

from journeyaudit.facts.product_naming import other_names as _other_names
from tests.unit.recorded import findings, recorded, shop_recorded

IN_STOCK = 'bg-green-100 text-green-800">In stock<'
OUT_OF_STOCK = 'bg-red-100 text-red-800">Out of stock<'


def test_vendure_stock_out_recheck_was_recorded_with_the_out_of_stock_badge():
    trace = shop_recorded("vendure", "stock-out")
    product = next(s for s in trace.steps if s.role == "product")
    assert IN_STOCK in product.html and product.visible_text.count("In stock") == 1
    (again,) = trace.rechecks
    assert again.role == "recheck" and again.index == product.index and again.url == product.url
    assert OUT_OF_STOCK in again.html and "In stock" not in again.visible_text


def test_vendure_stock_out_names_the_tent_from_the_heading_the_title_names():
    (finding,) = findings("JA301", shop_recorded("vendure", "stock-out"))
    assert finding.severity == "high" and finding.step == 6
    assert finding.message.startswith("'Tent' was 'In stock' at 'Product page' (step 2); at 'Confirmation' (step 6)")
    assert "now says 'Out of stock'" in finding.message


def test_vendure_product_name_falls_back_to_the_basket_row():
    trace = shop_recorded("vendure", "stock-out")
    product = next(s for s in trace.steps if s.role == "product")
    assert _other_names(trace.reached(), product, {"cart", "review"}) == ["Tent"]  # the heading the title names
    product.html = re.sub(r"<title>.*?</title>", "<title>Vendure Remix Storefront</title>", product.html)
    assert _other_names(trace.reached(), product, {"cart", "review"}) == ["Tent"]  # the cart's item row
    for step in trace.steps:
        if step.role == "cart":
            step.html = step.visible_text = ""
    assert _other_names(trace.reached(), product, {"cart", "review"}) == []


def test_vendure_stock_out_without_a_second_look_is_left_to_the_refusal_rules():
    """Without the recheck nothing in the trace says the tent sold out: JA301 stays silent (JA302 reports the refusal)."""
    trace = shop_recorded("vendure", "stock-out")
    trace.rechecks = []
    assert findings("JA301", trace) == []
    assert [f.code for f in findings("JA302", trace)] == ["JA302"]
    assert findings("JA301", shop_recorded("vendure", "happy-path")) == []


def test_vendure_recheck_still_in_stock_is_silent():
    trace = shop_recorded("vendure", "stock-out")
    product = next(s for s in trace.steps if s.role == "product")
    trace.rechecks = [dataclasses.replace(product, role="recheck", name=f"Recheck: {product.name}", actions=[])]
    assert findings("JA301", trace) == []


def test_shuup_stock_out_names_the_grinder():
    (finding,) = findings("JA301", shop_recorded("shuup", "stock-out"))
    assert finding.severity == "medium" and finding.step == 1
    assert finding.message.startswith("'Comandante C40 Grinder' was 'Hand grinder. In stock")
    assert findings("JA301", shop_recorded("shuup", "happy-path")) == []


def test_demo_stock_outs_name_the_product():
    for journey in ("stock-out", "quiet-stock-out"):
        (finding,) = findings("JA301", recorded(journey))
        assert finding.severity == "high" and finding.message.startswith("'AeroPress Go' was 'In stock")
    assert findings("JA301", recorded("happy-path")) == []
