"""JA202 pairs names and prices on WooCommerce's own product-card markup (tests/fixtures/themes/
woocommerce-product-grid.html: the ``wc-block-grid`` list its product-grid blocks render, a sale
card with its struck-through former price included), then compares them with WooCommerce's block
cart (woocommerce-block-cart.html: Beanie at $18.00, two of them)."""

from __future__ import annotations

from pathlib import Path

from journeyaudit.facts import product_cards
from journeyaudit.facts.html_tree import soup
from tests.unit.recorded import findings, run, step

THEMES = Path(__file__).resolve().parents[1] / "fixtures" / "themes"
GRID = (THEMES / "woocommerce-product-grid.html").read_text(encoding="utf-8")
CART = (THEMES / "woocommerce-block-cart.html").read_text(encoding="utf-8")
SALE_PRICE = '<span class="woocommerce-Price-currencySymbol">&#36;</span>18.00</bdi></span></ins>'


def _text(html: str) -> str:
    return soup(html).get_text("\n")


def _listing_then_cart(listing: str):
    return run(
        step(1, "product", _text(listing), name="Accessories", html=listing),
        step(2, "cart", _text(CART), name="Cart", html=CART),
    )


def test_cards_pair_each_name_with_the_price_the_customer_pays():
    cards = product_cards.cards(GRID)
    assert [(c.name, c.price.text) for c in cards] == [("Beanie", "$18.00"), ("Cap", "$16.00"), ("Hoodie with Logo", "$45.00")]


def test_original_listing_agrees_with_the_cart():
    assert findings("JA202", _listing_then_cart(GRID)) == []


def test_doctored_listing_price_is_a_mismatch_with_the_cart():
    assert GRID.count(SALE_PRICE) == 1
    doctored = GRID.replace(SALE_PRICE, SALE_PRICE.replace("18.00", "16.00"))  # the card now says $16.00
    (finding,) = findings("JA202", _listing_then_cart(doctored))
    assert finding.severity == "high" and finding.step == 2
    assert "'Beanie'" in finding.message and "$16.00" in finding.message and "$18.00" in finding.message


def test_name_selector_on_woocommerce_cards():
    doctored = GRID.replace(SALE_PRICE, SALE_PRICE.replace("18.00", "16.00"))
    assert len(findings("JA202", _listing_then_cart(doctored), name_selector=".wc-block-grid__product-title")) == 1
    assert findings("JA202", _listing_then_cart(doctored), name_selector=".no-such-title") == []

