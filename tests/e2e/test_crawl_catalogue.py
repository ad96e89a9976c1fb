"""A real crawl of the demo catalogue over HTTP: every product found, every seeded defect and nothing else.

No browser: Crawlee's BeautifulSoupCrawler against the running demo shop, through the command line.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journeyaudit.demo import catalog, catalogue_data
from journeyaudit.demo.shop import DemoShop

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

#: seeded defect -> the code that must find it
EXPECTED = {
    "structured-price": "JA801",
    "listing-price": "JA802",
    "structured-in-stock-sold-out": "JA803",
    "in-stock-button-disabled": "JA803",
    "soft-404": "JA804",
    "dead-sitemap-url": "JA805",
    "broken-image": "JA806",
    "no-offer": "JA807",
}


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    out = tmp_path_factory.mktemp("crawl")
    with DemoShop() as shop:
        done = subprocess.run(
            [sys.executable, "-m", "journeyaudit.cli", "crawl", "--base-url", shop.url, "--out", str(out),
             "--format", "sarif,junit"],
            capture_output=True, text=True, timeout=240,
        )
        base = shop.url
    return done, json.loads((out / "result.json").read_text()), base


def test_finds_every_product(crawled):
    """Over HTTP: every server-rendered product; the pages drawn by a script are empty shells, not products."""
    _, result, base = crawled
    found = {p["url"].removeprefix(base) for p in result["products"]}
    expected = {p.url for p in catalogue_data.REAL_PRODUCTS if not p.client_rendered} | {p.url for p in catalog.PRODUCTS}
    assert found == expected
    shells = {p["url"].removeprefix(base) for p in result["other_pages"]}
    assert {p.url for p in catalogue_data.CLIENT_RENDERED} <= shells


def test_every_seeded_defect_with_its_code_and_none_on_clean_products(crawled):
    _, result, base = crawled
    got = {(f["code"], f["url"].removeprefix(base)) for f in result["findings"]}
    expected = {(EXPECTED[p.defect], p.url) for p in catalogue_data.PRODUCTS if p.defect and not p.client_rendered}
    assert got == expected


def test_browser_mode_reads_the_pages_a_script_draws(tmp_path):
    """render: browser (Crawlee's PlaywrightCrawler, real Chromium): the script-drawn products and their
    seeded defect are found, the honest ones (one of them sold out) give no finding."""
    # only the scales (drawn by a script) and the grinders (served as HTML), to keep a browser crawl short
    with DemoShop() as shop:
        done = subprocess.run(
            [sys.executable, "-m", "journeyaudit.cli", "crawl", "--base-url", shop.url, "--out", str(tmp_path),
             "--render", "browser", "--include", f"{shop.url}/", "--include", f"{shop.url}/catalogue",
             "--include", f"{shop.url}/catalogue/scales*", "--include", f"{shop.url}/catalogue/grinders*",
             "--include", f"{shop.url}/catalogue/p/scales-*", "--include", f"{shop.url}/catalogue/p/grinders-*",
             "--fail-on", "none"],
            capture_output=True, text=True, timeout=280,
        )
        base = shop.url
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads((tmp_path / "result.json").read_text())
    assert result["render"] == "browser"
    found = {p["url"].removeprefix(base) for p in result["products"]}
    client = {p.url for p in catalogue_data.CLIENT_RENDERED}
    grinders = {p.url for p in catalogue_data.REAL_PRODUCTS if p.category == "grinders"}
    assert client | grinders <= found
    drawn = {p["url"].removeprefix(base): p for p in result["products"] if p["url"].removeprefix(base) in client}
    assert all(p["visible_price"] and p["structured_price"] and p["add_to_cart"] for p in drawn.values())
    got = {(f["code"], f["url"].removeprefix(base)) for f in result["findings"]}
    expected = {(EXPECTED[p.defect], p.url) for p in catalogue_data.PRODUCTS
                if p.defect and p.category in ("scales", "grinders") and p.defect != "dead-sitemap-url"}
    assert got == expected


def test_exit_code_follows_fail_on_and_output_names_the_findings(crawled):
    done, result, _ = crawled
    assert done.returncode == 1, done.stderr
    assert "JA801" in done.stdout and f"{len(result['findings'])} findings" in done.stdout


def test_writes_the_crawl_page_beside_result_json(crawled, tmp_path_factory):
    done, result, _ = crawled
    page = (Path(done.args[done.args.index("--out") + 1]) / "crawl.html").read_text()
    assert "Catalogue crawl" in page and "Copper Burr Grinder 1" in page and page.count("<tr") > len(result["products"])
    assert "report.css" not in page and ".finding-head" in page  # the journey report's stylesheet
    copper = next(p["url"] for p in result["products"] if p["name"] == "Copper Burr Grinder 1")
    row = page[page.index('<tr id="cat-p'):].split("<tr id=")
    assert sum(r.count(copper) for r in row if "Copper Burr Grinder 1<" in r) == 1  # one URL per product row


def test_ci_formats_carry_every_crawl_finding(crawled):
    done, result, _ = crawled
    sarif = json.loads((Path(done.args[done.args.index("--out") + 1]) / "journeyaudit.sarif").read_text())
    assert sorted(r["ruleId"] for r in sarif["runs"][0]["results"]) == sorted(f["code"] for f in result["findings"])
    assert "JA801" in (Path(done.args[done.args.index("--out") + 1]) / "junit.xml").read_text()


def test_the_crawl_page_sorts_and_filters_in_chromium_under_its_csp(crawled):
    """The report's own script runs under the report's CSP: no console error, the tables sort and filter."""
    from tests.e2e.test_report_history import _open

    sync_api = pytest.importorskip("playwright.sync_api")
    done, result, _ = crawled
    page_url = (Path(done.args[done.args.index("--out") + 1]) / "crawl.html").as_uri()
    flagged = len({f["url"] for f in result["findings"] if any(p["url"] == f["url"] for p in result["products"])})
    top_price = max(float(p["visible_price"] or 0) for p in result["products"])

    def check(page, seen):
        assert [m for m in seen["console"] if m[0] in ("error", "warning")] == [] and seen["errors"] == []
        findings = page.locator("form[data-table=catalogue-findings-table]")
        assert findings.is_visible()  # hidden unless the hashed script ran
        findings.locator("select[name=code]").select_option("JA803")
        assert findings.locator("output").inner_text() == f"Showing 2 of {len(result['findings'])}"
        products = page.locator("form[data-table=catalogue-products-table]")
        products.locator("input[name=flagged]").check()
        assert products.locator("output").inner_text() == f"Showing {flagged} of {len(result['products'])}"
        products.locator("button[type=reset]").click()
        price = page.locator("#catalogue-products-table thead th button").nth(1)
        price.click()
        price.click()  # descending
        first = page.locator("#catalogue-products-table tbody tr").first.locator("td").nth(1).inner_text()
        assert float(first) == top_price

    _open(page_url, sync_api, check)


def test_a_profile_with_demo_shop_crawls_the_built_in_catalogue(tmp_path):
    """What `make demo` runs after the journeys: the quick demo profile says demo_shop: true."""
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "journeyaudit.cli", "crawl", str(root / "audits/demo-quick.yaml"),
         "--out", str(tmp_path), "--fail-on", "none"],
        capture_output=True, text=True, timeout=240,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads((tmp_path / "result.json").read_text())
    assert len(result["findings"]) == sum(1 for p in catalogue_data.PRODUCTS if p.defect and not p.client_rendered)
    assert result["base_url"].startswith("http://127.0.0.1:")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_a_stopped_crawl_keeps_what_it_read_and_resume_finishes_it(tmp_path, stop):
    out = tmp_path / "crawl"
    pages = out / ".crawl-state" / "pages.jsonl"
    command = [sys.executable, "-m", "journeyaudit.cli", "crawl", "--out", str(out), "--fail-on", "none"]
    with DemoShop() as shop:
        first = subprocess.Popen([*command, "--base-url", shop.url], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        # pages.jsonl: the crawl's start facts, then a line per page read (crawl/state.py)
        while time.monotonic() < deadline and (not pages.exists() or pages.read_text().count("\n") < 1 + 60):
            time.sleep(0.05)
        first.send_signal(stop)
        stdout, stderr = first.communicate(timeout=120)
        assert first.returncode == 130, stdout + stderr
        assert "--resume" in stderr
        stopped = json.loads((out / "result.json").read_text())
        assert stopped["interrupted"] is True and 60 <= stopped["pages"] < 344
        read_before = stopped["pages"]

        again = subprocess.run([*command, "--base-url", shop.url, "--resume"], capture_output=True, text=True, timeout=240)
        base = shop.url
    assert again.returncode == 0, again.stdout + again.stderr
    result = json.loads((out / "result.json").read_text())
    assert result["interrupted"] is False and result["resumed_pages"] >= read_before
    found = {p["url"].removeprefix(base) for p in result["products"]}
    assert found == {p.url for p in catalogue_data.REAL_PRODUCTS if not p.client_rendered} | {p.url for p in catalog.PRODUCTS}
    got = {(f["code"], f["url"].removeprefix(base)) for f in result["findings"]}
    assert got == {(EXPECTED[p.defect], p.url) for p in catalogue_data.PRODUCTS if p.defect and not p.client_rendered}
    # nothing read twice: only the pages in flight at the stop (at most the crawl's concurrency) may be fetched again
    fetched_after = int(again.stdout.split("Crawled ", 1)[1].split(" ", 1)[0])
    assert fetched_after + result["resumed_pages"] - result["pages"] <= 32
    assert not (out / ".crawl-state").exists()  # finished: nothing left to resume


def test_resume_without_a_stopped_crawl_is_a_usage_error(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "journeyaudit.cli", "crawl", "--base-url", "http://127.0.0.1:9", "--out", str(tmp_path),
         "--resume"], capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2 and "nothing to resume" in done.stderr
