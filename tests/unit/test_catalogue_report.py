"""The crawl's report: crawl.html in the journey report's look, the catalogue section, result.json's schema, CI formats.

Built from page records as the crawl makes them (crawl/records.py) and judged by the real JA8xx rules.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
from junitparser import Failure, JUnitXml
from markupsafe import escape

from journeyaudit.crawl.records import ListingClaim, PageRecord
from journeyaudit.crawl.result import as_result, crawl_result, json_schema
from journeyaudit.history.store import Redactor
from journeyaudit.report.catalogue_view import catalogue_view
from journeyaudit.report.crawl_html import render_crawl_html
from journeyaudit.report.formats import write_format
from journeyaudit.report.html import csp, render_html
from journeyaudit.rules.ja8xx_catalogue import catalogue_rules, check_catalogue
from journeyaudit.rules.registry import all_rules
from tests.unit.test_formats import SARIF_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def product(slug: str, name: str, price: str, **claims) -> PageRecord:
    defaults = dict(
        url=f"http://shop.test/p/{slug}", status=200, is_product=True, name=name, category="Mugs",
        product_signals=["json-ld", "add-to-cart"], visible_price=price, structured_price=price,
        structured_availability="InStock", has_structured_offer=True, visible_availability="in_stock",
        visible_availability_text="In stock", add_to_cart="enabled", image_url="", sources=["sitemap"],
    )
    defaults.update(claims)
    return PageRecord(**defaults)


@pytest.fixture(scope="module")
def data() -> dict:
    pages = [
        product("clean", "Clean Mug", "10.00", listings=[ListingClaim("http://shop.test/mugs", "10.00")]),
        product("priced", "Priced Mug", "12.00", structured_price="11.00"),
        product("hostile", HOSTILE, "9.00", structured_availability="InStock", visible_availability="sold_out",
                visible_availability_text="Sold out " + HOSTILE, category="Cups"),
        PageRecord(url="http://shop.test/mugs", status=200, sources=["start"]),
    ]
    outcome = SimpleNamespace(pages=pages, sitemap_urls=["http://shop.test/p/clean"], seconds=2.0,
                              interrupted=False, resumed=0)
    return Redactor().data(crawl_result("http://shop.test", outcome, check_catalogue(pages), fail_on="high"))


def test_result_json_follows_its_published_schema(data):
    committed = json.loads((ROOT / "schema" / "crawl-result.schema.json").read_text(encoding="utf-8"))
    assert committed == json_schema(), "run `make schema`: schema/crawl-result.schema.json is out of date"
    jsonschema.Draft202012Validator(committed).validate(json.loads(json.dumps(data)))
    assert data["kind"] == "crawl" and data["schema_version"] == 1
    assert [f["code"] for f in data["findings"]] == ["JA801", "JA803"]


def test_the_view_counts_categories_templates_and_marks_the_disagreeing_claims(data):
    view = catalogue_view(data)
    assert view.products == 3 and view.flagged == 2 and view.other_pages == 1
    assert view.categories == [("Cups", 1), ("Mugs", 2)]
    assert view.templates == [("JSON-LD + cart button", 3)]
    rows = {row.name: row for row in view.rows}
    assert rows["Priced Mug"].disagrees("structured_price") and not rows["Priced Mug"].disagrees("add_to_cart")
    assert rows["Clean Mug"].codes == [] and rows["Clean Mug"].listing_prices == "10.00"
    assert rows[HOSTILE].codes == ["JA803"] and rows[HOSTILE].worst == "high"


def test_crawl_page_uses_the_report_look_csp_and_escapes_page_text(data):
    page = render_crawl_html(data)
    assert f'content="{escape(csp())}"' in page  # the report's CSP: only report.js, by its hash
    assert "report.js" not in page and ".finding-head" in page  # the report's stylesheet, inlined
    assert HOSTILE not in page and "&lt;script&gt;alert(" in page
    assert not re.search(r"<[^>]+\son\w+=", page), "no inline event handler"
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 1 and "table.sortable" in scripts[0]
    assert 'id="catalogue-findings-table"' in page and 'data-table="catalogue-products-table"' in page
    # each product once in the claims table: its URL in one cell, not repeated per column
    row = re.search(r'<tr id="cat-p2".*?</tr>', page, re.S).group(0)
    assert row.count("http://shop.test/p/priced") == 1
    assert row.count('class="num disagree"') == 2  # page price and structured price, side by side


def test_the_journey_report_gets_the_catalogue_section_only_when_there_was_a_crawl(data):
    result = as_result(data)
    with_crawl = render_html(result, {}, trace_root=None, rules=all_rules(), catalogue=data)
    without = render_html(result, {}, trace_root=None, rules=all_rules())
    assert 'id="catalogue"' in with_crawl and 'id="catalogue"' not in without
    assert HOSTILE not in with_crawl


def test_ci_formats_carry_the_crawl_findings(data, tmp_path):
    result = as_result(data, profile_path="audits/shop.yaml")
    rules = [*all_rules(), *catalogue_rules()]
    sarif_path, = write_format("sarif", result, {}, tmp_path, rules=rules, root=ROOT)
    sarif = json.loads(sarif_path.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results) == ["JA801", "JA803"]
    assert {r["locations"][0]["logicalLocations"][0]["name"] for r in results} == {
        "http://shop.test/p/priced", "http://shop.test/p/hostile"}
    assert any(rule["id"] == "JA801" and rule["help"]["text"] for rule in sarif["runs"][0]["tool"]["driver"]["rules"])
    junit_path, = write_format("junit", result, {}, tmp_path, rules=rules, root=ROOT)
    failures = [r for suite in JUnitXml.fromfile(str(junit_path)) for case in suite for r in case.result
                if isinstance(r, Failure)]
    assert any("JA801" in (f.message or "") + (f.text or "") for f in failures)
    assert any("JA803" in (f.message or "") + (f.text or "") for f in failures)
