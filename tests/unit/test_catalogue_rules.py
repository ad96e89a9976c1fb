"""JA8xx on pages saved from the demo catalogue: each seeded defect fires its rule, clean pages fire nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit.crawl.reading import listing_cards, read_page
from journeyaudit.crawl.records import ListingClaim, PageRecord
from journeyaudit.rules.ja8xx_catalogue import catalogue_rules, check_catalogue, get_catalogue_rule

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "catalogue"


def page(name: str, status: int = 200, image_status: int | None = 200, sources=("sitemap", "listing")) -> PageRecord:
    record = read_page(f"http://shop.test/{name}", status, (FIXTURES / f"{name}.html").read_text(encoding="utf-8"))
    record.sources = list(sources)
    if record.image_url:
        record.image_status = image_status
    return record


def codes(*pages: PageRecord) -> list[str]:
    return [finding.code for finding in check_catalogue(list(pages))]


@pytest.mark.parametrize("name", ["clean_product", "clean_sold_out", "shop_product", "listing_kettles", "home"])
def test_clean_pages_fire_nothing(name):
    assert codes(page(name)) == []


@pytest.mark.parametrize(
    "name, code",
    [
        ("structured_price", "JA801"),
        ("in_stock_sold_out", "JA803"),
        ("button_disabled", "JA803"),
        ("soft_404", "JA804"),
        ("no_offer", "JA807"),
    ],
)
def test_seeded_defect_fires_its_rule(name, code):
    assert codes(page(name)) == [code]


def test_structured_price_finding_names_both_claims():
    (finding,) = check_catalogue([page("structured_price")])
    assert "Copper Burr Grinder 1" in finding.message
    values = {ev.label: ev.value for ev in finding.evidence}
    assert values["Visible price"] == "132.10" and values["Structured price"] == "122.10"
    assert values["Product page"] == "http://shop.test/structured_price"
    assert "the page shows 132.10 EUR, its structured data says 122.10 EUR." in finding.message  # its priceCurrency


def test_a_price_without_a_named_currency_is_told_as_a_plain_amount():
    record = page("structured_price")
    record.structured_currency = ""
    (finding,) = check_catalogue([record])
    assert "the page shows 132.10, its structured data says 122.10." in finding.message


def test_listing_price_mismatch_against_the_listing_page():
    cards = listing_cards("http://shop.test/catalogue/kettles", (FIXTURES / "listing_kettles.html").read_text())
    mismatched = page("listing_price_product")
    mismatched.listings = [cards["http://shop.test/catalogue/p/kettles-slate-pour-over-kettle-2"]]
    assert codes(mismatched) == ["JA802"]
    (finding,) = check_catalogue([mismatched])
    assert "listed at 103.60 EUR on http://shop.test/catalogue/kettles, the product page says 108.60 EUR." in finding.message
    agreeing = page("listing_price_product")
    agreeing.listings = [ListingClaim("http://shop.test/catalogue/kettles", "108.60")]
    assert codes(agreeing) == []


def test_listing_reads_every_card_with_its_price():
    cards = listing_cards("http://shop.test/catalogue/kettles", (FIXTURES / "listing_kettles.html").read_text())
    assert len(cards) == 12 and all(claim.price for claim in cards.values())


def test_broken_image_fires_only_when_the_image_failed():
    assert codes(page("broken_image", image_status=404)) == ["JA806"]
    assert codes(page("broken_image", image_status=200)) == []


def test_dead_sitemap_url_and_dead_listed_product():
    dead = PageRecord(url="http://shop.test/gone", status=404, sources=["sitemap"])
    assert codes(dead) == ["JA805"]
    listed = PageRecord(url="http://shop.test/gone", status=404, sources=["listing"])
    assert codes(listed) == ["JA804"]
    assert codes(PageRecord(url="http://shop.test/other", status=404, sources=["link"])) == []


def test_products_are_recognised_by_structure():
    assert page("clean_product").is_product and page("shop_product").is_product
    assert not page("listing_kettles").is_product and not page("home").is_product
    assert page("soft_404").soft_404 and not page("clean_product").soft_404
    sold_out = page("clean_sold_out")
    assert (sold_out.visible_availability, sold_out.add_to_cart, sold_out.structured_availability) == (
        "sold_out", "disabled", "OutOfStock")


def test_every_catalogue_rule_is_documented_with_a_ja8_code():
    rules = catalogue_rules()
    assert [r.code for r in rules] == [f"JA80{n}" for n in range(1, 9)]  # JA808: the buy probe (ja8xx_buy.py)
    assert all(r.doc and r.summary for r in rules)
    assert get_catalogue_rule("structured-price-mismatch").code == "JA801"
