"""The crawl's add-to-cart probe, without a browser: its sample, the cart reading, its findings, its settings."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from journeyaudit.cli.crawl_command import _buy_settings
from journeyaudit.cli.main import main
from journeyaudit.crawl.buy_sample import BuySettings, candidates, sample
from journeyaudit.crawl.records import BuyRecord, PageRecord
from journeyaudit.facts.cart_reading import read_cart
from journeyaudit.model import StepRecord
from journeyaudit.rules.ja8xx_catalogue import check_catalogue


def product(slug: str, category: str = "Mugs", **claims) -> PageRecord:
    fields = {"status": 200, "is_product": True, "name": slug.title(), "category": category, "visible_price": "10.00",
              "visible_availability": "in_stock", "visible_availability_text": "In stock", "add_to_cart": "enabled",
              "product_signals": ["add-to-cart"], **claims}
    return PageRecord(url=f"http://shop.test/p/{slug}", **fields)


CATALOGUE = [product(f"mug-{i}") for i in range(30)] + [product(f"kettle-{i}", "Kettles") for i in range(5)]


def test_candidates_are_products_a_customer_could_put_in_the_cart():
    pages = [product("ok"), product("sold", visible_availability="sold_out"), product("off", add_to_cart="disabled"),
             product("gone", status=404), product("soft", soft_404=True), PageRecord("http://shop.test/c", 200)]
    assert [page.url.rsplit("/", 1)[1] for page in candidates(pages)] == ["ok"]


def test_sample_per_category_is_deterministic_and_spread():
    chosen = sample(CATALOGUE, BuySettings(sample=3, per="category"))
    assert [page.category for page in chosen].count("Mugs") == 3 and [p.category for p in chosen].count("Kettles") == 3
    assert chosen == sample(list(reversed(CATALOGUE)), BuySettings(sample=3, per="category"))  # order-independent
    assert chosen == sorted(chosen, key=lambda page: page.url)
    assert [page.url for page in chosen if page.category == "Mugs"] != [f"http://shop.test/p/mug-{i}" for i in range(3)]


def test_sample_per_all_template_and_every_product():
    assert len(sample(CATALOGUE, BuySettings(sample=4, per="all"))) == 4
    mixed = CATALOGUE + [product("drawn", product_signals=["json-ld"])]
    assert sum(p.product_signals == ["json-ld"] for p in sample(mixed, BuySettings(sample=2, per="template"))) == 1
    assert len(sample(CATALOGUE, BuySettings(sample=None, per="category"))) == 35


def test_include_globs_limit_the_sample():
    chosen = sample(CATALOGUE, BuySettings(sample=None, per="all", include=["http*://**/p/kettle-*"]))
    assert {page.category for page in chosen} == {"Kettles"} and len(chosen) == 5


def cart(text: str, html: str = "") -> StepRecord:
    return StepRecord(index=1, name="cart", role="cart", url="http://shop.test/cart", http_status=200,
                      visible_text=text, html=html or f"<main>{text}</main>")


def test_cart_reading_finds_the_row_its_price_and_a_refusal():
    held = read_cart(cart("Your cart\nMug-1\n1\n€12.00\n€12.00\nSubtotal €12.00"), "Mug-1", "10.00")
    assert (held.in_cart, held.price, held.refusal, held.stock_message) == (True, "12.00", "", "")
    agrees = read_cart(cart("Mug-1  €10.00  €10.00"), "Mug-1", "10.00")
    assert agrees.price == "10.00"
    notice = '<div class="notice error" role="alert">Sorry, Mug-1 is out of stock and could not be added to your cart.</div>'
    refused = read_cart(cart("Your cart\nSorry, Mug-1 is out of stock and could not be added to your cart.\nYour cart is empty.",
                             notice), "Mug-1", "10.00")
    assert not refused.in_cart and "out of stock" in refused.refusal and "out of stock" in refused.stock_message


def bought(page: PageRecord, **seen) -> PageRecord:
    page.buy = BuyRecord(clicked=True, cart_url="http://shop.test/cart", cart_status=200, **seen)
    return page


def test_findings_name_the_product_and_both_claims():
    pages = [
        bought(product("clean"), in_cart=True, cart_price="10.00"),
        bought(product("dearer"), in_cart=True, cart_price="12.00"),
        bought(product("refused"), refusal="Sorry, Refused is out of stock.", stock_message="Sorry, Refused is out of stock."),
        bought(product("vanished")),
        bought(product("broken"), error="no enabled add-to-cart control on the page"),
        product("not-sampled"),
    ]
    found = {(f.code, f.step_name.rsplit("/", 1)[1]): f for f in check_catalogue(pages)}
    assert set(found) == {("JA808", "dearer"), ("JA301", "refused"), ("JA301", "vanished")}
    assert found[("JA808", "dearer")].message == "Dearer: the product page says 10.00, the cart charges 12.00."
    refused = found[("JA301", "refused")]
    assert refused.slug == "unannounced-stock-out" and refused.severity == "high" and refused.journey == "catalogue"
    assert [ev.value for ev in refused.evidence][1:] == ["page: In stock", "Sorry, Refused is out of stock"]
    assert "does not hold it" in found[("JA301", "vanished")].message


def test_buy_settings_from_the_profile_and_the_command_line():
    assert _buy_settings(None, None, None) is None
    assert _buy_settings({"sample": "all", "per": "template"}, None, None) == BuySettings(None, "template", [])
    assert _buy_settings(None, 5, None) == BuySettings(5, "category", [])
    assert _buy_settings({"sample": 9}, None, "all") == BuySettings(9, "all", [])
    assert _buy_settings(True, 0, None) is None


@pytest.mark.parametrize(
    "section, where, message",
    [
        ("  buy: {sample: 0}\n", ":3:", "buy: sample must be a whole number, at least 1, or all (got 0)"),
        ("  buy: {per: shelf}\n", ":3:", "buy: per must be one of category, template, all (got 'shelf')"),
        ("  buy:\n    sampel: 3\n", ":4:5", "buy: unknown key sampel"),
        ("  buy: [1]\n", ":3:", "buy must be a mapping"),
    ],
)
def test_buy_section_errors_are_located(tmp_path, section, where, message):
    path = tmp_path / "audit.yaml"
    path.write_text("base_url: http://127.0.0.1:9\ncrawl:\n" + section)
    result = CliRunner().invoke(main, ["crawl", str(path)])
    assert result.exit_code == 2 and message in result.output and f"audit.yaml{where}" in result.output
