"""facts/summary_block: item rows apart from summary rows, by structure, on theme markup and Shuup's own pages."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from journeyaudit.facts import computed, html_tree, ledger, summary_block
from journeyaudit.history import store

THEMES = Path(__file__).resolve().parents[1] / "fixtures" / "themes"
SHUUP = Path(__file__).resolve().parents[1] / "fixtures" / "shops" / "shuup"


def _block(name: str) -> summary_block.Block:
    return summary_block.read(html_tree.parse((THEMES / name).read_text(encoding="utf-8")))


def _items(block):
    return [(i.name, i.quantity, i.unit.amount if i.unit else None, i.line.amount if i.line else None) for i in block.items]


def _summary(block):
    return [(r.label, r.amount.amount) for r in block.summary]


def test_dawn_cart():
    block = _block("dawn-cart.html")
    assert _items(block) == [
        ("Fellow Ode Brew Grinder Gen 2", 2, Decimal("299.00"), Decimal("598.00")),
        ("Paper Filters (100)", 1, Decimal("7.50"), Decimal("7.50")),  # the struck-through €9,00 is no price
    ]
    assert _summary(block) == [("Estimated total", Decimal("605.50"))]


def test_woocommerce_block_cart():
    block = _block("woocommerce-block-cart.html")
    assert _items(block) == [("Beanie", 2, Decimal("18.00"), Decimal("36.00"))]
    assert _summary(block) == [("Subtotal", Decimal("36.00")), ("Gift wrapping", Decimal("4.00")),
                               ("Estimated total", Decimal("40.00"))]


def test_woocommerce_block_checkout_order_summary():
    block = _block("woocommerce-block-checkout.html")
    assert _items(block) == [("Beanie", 2, Decimal("18.00"), Decimal("36.00"))]  # the quantity badge
    assert _summary(block) == [
        ("Subtotal", Decimal("36.00")), ("Card processing fee", Decimal("3.95")),
        ("Flat rate", Decimal("10.00")), ("Total", Decimal("49.95")),
    ]


def test_magento_luma_cart():
    block = _block("magento-luma-cart.html")
    assert _items(block) == [("Joust Duffle Bag", 3, Decimal("34.00"), Decimal("102.00"))]
    assert _summary(block) == [
        ("Subtotal", Decimal("102.00")), ("Shipping Flat Rate - Fixed", Decimal("15.00")),
        ("Tax", Decimal("8.42")), ("Order Total", Decimal("125.42")),
    ]


@pytest.mark.parametrize("journey", ["happy-path", "late-tax", "announced-fee"])
def test_shuup_order_page_tax_breakdown_is_no_item(journey):
    run = store.load_run(SHUUP / journey)
    confirmation = next(s for s in run.reached() if s.role == "confirmation")
    block = computed.basket_block(confirmation)
    names = [i.name for i in block.items]
    assert "Untaxed" not in names and not any(n.startswith("VAT") for n in names)
    assert names[0] in {"AeroPress Go", "Fellow Stagg Kettle", "Hario V60 Dripper"}
    book = ledger.build(run)
    assert "Untaxed" not in {f.label for f in ledger.facts(book, "item")}


def test_summary_row_whatever_its_wording_is_no_item():
    html = """<table class="basket"><tbody>
      <tr><td><img src="a.png"></td><td><a href="/p/1">AeroPress Go</a></td><td>€39.90</td><td>1</td><td>€39.90</td></tr>
      </tbody><tfoot>
      <tr><td colspan="4">Basket total</td><td>€39.90</td></tr>
      <tr><td colspan="4">Gesamtbetrag des Warenkorbs</td><td>€39.90</td></tr>
      </tfoot></table>"""
    block = summary_block.read(html_tree.parse(html))
    assert [i.name for i in block.items] == ["AeroPress Go"]
    assert [r.label for r in block.summary] == ["Basket total", "Gesamtbetrag des Warenkorbs"]


def test_closed_mini_cart_gives_way_to_the_page_basket():
    html = """<li class="dropdown"><div class="dropdown-menu"><table><tr><td>1 × <a href="/p/1">AeroPress Go</a></td>
      <td>€39.90</td></tr></table></div></li>
      <table><tr><td>AeroPress Go</td><td>€42.90</td><td>1</td><td>€42.90</td></tr></table>"""
    block = summary_block.read(html_tree.parse(html))
    assert _items(block) == [("AeroPress Go", 1, Decimal("42.90"), Decimal("42.90"))]


@pytest.mark.parametrize("html", ["", "<p>€</p>", "<table><tr><td>1</td></tr></table>", "<input type=number value=x>"])
def test_odd_markup_reads_nothing(html):
    block = summary_block.read(html_tree.parse(html))
    assert block.items == ()


def test_script_template_and_comment_text_is_not_read():
    html = """<template><table><tr><td><a href="/p/2">Ghost Mug</a></td><td>€9.00</td><td>1</td></tr></table></template>
      <table><tr><td><a href="/p/1">AeroPress Go</a><!-- × 5 --><script>var label = "× 7"</script></td><td>€42.90</td>
      <td>1</td><td>€42.90</td></tr></table>"""
    block = summary_block.read(html_tree.parse(html))
    assert _items(block) == [("AeroPress Go", 1, Decimal("42.90"), Decimal("42.90"))]
