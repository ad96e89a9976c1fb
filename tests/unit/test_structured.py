"""Structured data read from a recorded page's HTML (extruct), item by item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from journeyaudit.facts import ledger, structured
from tests.unit.recorded import run, step

MINI_CART_FIRST = """<html><body>
<aside class="mini-cart"><div itemscope itemtype="https://schema.org/Offer">
<span itemprop="price" content="7.50">€7.50</span><meta itemprop="priceCurrency" content="EUR"></div></aside>
<main><div itemscope itemtype="https://schema.org/Product"><h1 itemprop="name">Moka Pot</h1>
<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">
<meta itemprop="priceCurrency" content="EUR"><span itemprop="price" content="29.90">29,90 €</span>
<link itemprop="availability" href="https://schema.org/OutOfStock"></div></div></main></body></html>"""


def test_microdata_items_keep_their_own_fields():
    found = structured.page_offers(MINI_CART_FIRST)
    assert [(o.name, o.price, o.currency, o.availability, o.syntax) for o in found] == [
        ("", Decimal("7.50"), "EUR", None, "microdata"),
        ("Moka Pot", Decimal("29.90"), "EUR", "OutOfStock", "microdata"),
    ]


def test_the_ledger_takes_the_products_offer_not_the_mini_carts():
    book = ledger.build(run(step(1, "product", "Moka Pot\n29,90 €", html=MINI_CART_FIRST)))
    prices = [f for f in book.facts if f.kind == "price" and f.source == "structured_data"]
    assert [(f.amount, f.detail["syntax"]) for f in prices] == [("29.90", "microdata")]
    states = [f.state for f in book.facts if f.kind == "availability" and f.source == "structured_data"]
    assert states == ["out_of_stock"]


def test_opengraph_product():
    html = """<html><head><meta property="og:type" content="product"><meta property="og:title" content="Kalita Wave">
<meta property="product:price:amount" content="34.00"><meta property="product:price:currency" content="EUR">
<meta property="product:availability" content="in stock"></head><body></body></html>"""
    [offer] = structured.page_offers(html)
    assert (offer.name, offer.price, offer.currency, offer.availability, offer.syntax) == (
        "Kalita Wave", Decimal("34.00"), "EUR", "InStock", "opengraph")


def test_opengraph_that_is_not_a_product_is_no_offer():
    html = """<html><head><meta property="og:type" content="article"><meta property="og:title" content="Blog">
<meta property="product:price:amount" content="34.00"></head></html>"""
    assert structured.page_offers(html) == []


def _ld(*blobs: str) -> str:
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blobs)
    return f"<html><head>{scripts}</head><body></body></html>"


GOOD = '{"@type": "Product", "name": "Filter papers", "offers": {"@type": "Offer", "price": "7.50", "priceCurrency": "EUR"}}'


@pytest.mark.parametrize("blob", [
    '{"@type": "Product", /* a comment */ "name": "Moka Pot", "offers": {"price": "29.90", "@type": "Offer",},};',
    '<!--\n{"@type": "Product", "name": "Moka Pot", // a comment\n "offers": {"@type": "Offer", "price": "29.90"}}\n-->',
    '{"@type": "Product", "name": "Moka Pot", "offers": [{"@type": "Offer", "price": "29.90"},]}\n{"@type": "WebSite"}',
])
def test_malformed_json_ld_is_read_and_does_not_lose_the_other_blocks(blob):
    found = structured.page_offers(_ld(blob, GOOD), ("json-ld",))
    assert [(o.name, o.price) for o in found] == [("Moka Pot", Decimal("29.90")), ("Filter papers", Decimal("7.50"))]


@pytest.mark.parametrize(("text", "expected"), [
    ('{"a": 1,}', [{"a": 1}]),
    ('[1, 2, ]', [[1, 2]]),
    ('{"url": "https://x.example/a,}", "b": "/* not a comment */"}', [{"url": "https://x.example/a,}", "b": "/* not a comment */"}]),
    ('{"q": "say \\"hi\\", // still text",}', [{"q": 'say "hi", // still text'}]),
    ('// only a comment', []),
    ('{"a": 1}; {"b": 2}', [{"a": 1}, {"b": 2}]),
    ('{"a": ', []),
])
def test_lenient_json(text, expected):
    assert structured.lenient_json(text) == expected


def test_the_ledger_reads_json_ld_the_recorder_dropped():
    html = _ld('{"@type": "Product", "name": "Moka Pot", "offers": {"@type": "Offer", "price": "29.90",'
               ' "priceCurrency": "EUR", "availability": "https://schema.org/InStock",},};')
    book = ledger.build(run(step(1, "product", "Moka Pot\n29,90 €", html=html)))  # structured_data empty: dropped
    prices = [(f.amount, f.detail["syntax"]) for f in book.facts if f.kind == "price" and f.source == "structured_data"]
    assert prices == [("29.90", "json-ld")]


def test_no_html_no_offers():
    assert structured.page_offers("") == []
    assert structured.page_offers("   ") == []
