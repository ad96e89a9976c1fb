"""Crawl settings: robots.txt's Crawl-delay slows the crawl down; the profile's crawl: section is checked."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner
from crawlee._utils.robots import RobotsTxtFile

from journeyaudit.cli.main import main
from journeyaudit.crawl.discovery import CrawlSettings, _allowed, _concurrency


def robots(text: str) -> RobotsTxtFile:
    return asyncio.run(RobotsTxtFile.from_content("http://shop.test/robots.txt", text))


def test_crawl_delay_means_one_request_per_delay():
    slow = _concurrency(robots("User-agent: *\nCrawl-delay: 2\n"), CrawlSettings())
    assert (slow.max_concurrency, slow.max_tasks_per_minute) == (1, 30)
    ignored = _concurrency(robots("User-agent: *\nCrawl-delay: 2\n"), CrawlSettings(respect_robots=False))
    assert ignored.max_concurrency > 1
    assert _concurrency(None, CrawlSettings()).max_concurrency > 1


def test_include_and_exclude_globs():
    settings = CrawlSettings(include=["http://shop.test/catalogue/**"], exclude=["http://**/img/**"])
    assert _allowed("http://shop.test/catalogue/p/x", settings)
    assert not _allowed("http://shop.test/cart", settings)
    assert not _allowed("http://shop.test/catalogue/img/x.svg", settings)


@pytest.mark.parametrize(
    "profile, message",
    [
        ("crawl:\n  max_pags: 10\n", "unknown key(s) max_pags"),
        ("name: x\n", "needs --base-url"),
        ("crawl: [1]\n", "'crawl' must be a mapping"),
    ],
)
def test_profile_errors_are_usage_errors(tmp_path, profile, message):
    path = tmp_path / "audit.yaml"
    path.write_text(profile)
    result = CliRunner().invoke(main, ["crawl", str(path)])
    assert result.exit_code == 2 and message in result.output


def test_explain_prints_a_rules_documentation():
    listing = CliRunner().invoke(main, ["crawl", "--explain", "all"])
    assert listing.exit_code == 0 and "JA807  missing-offer-data" in listing.output
    one = CliRunner().invoke(main, ["crawl", "--explain", "listing-price-mismatch"])
    assert one.exit_code == 0 and one.output.startswith("JA802 listing-price-mismatch (high)")
    assert CliRunner().invoke(main, ["crawl", "--explain", "JA899"]).exit_code == 2


def test_page_text_is_flattened_for_the_terminal():
    from journeyaudit.cli.crawl_command import _flat

    assert _flat("Mug\x1b[31m red\nline\x07") == "Mug red line "


def test_crawl_page_escapes_page_text(tmp_path):
    from journeyaudit.report.crawl_html import render_crawl_html

    product = {"name": "<script>x</script>", "url": "http://shop.test/p", "category": "Mugs", "visible_price": "1.00",
               "structured_price": "2.00", "listings": [{"price": "1.00"}], "structured_availability": "InStock",
               "visible_availability_text": "In stock", "add_to_cart": "enabled", "image_status": 200}
    finding = {"code": "JA801", "slug": "structured-price-mismatch", "severity": "high", "url": "http://shop.test/p",
               "message": "<b>bad</b>", "evidence": [{"label": "Visible price", "value": "1.00"}]}
    page = render_crawl_html({"base_url": "http://shop.test", "pages": 1, "seconds": 1.0, "fail_on": "high",
                  "products": [product], "findings": [finding]})
    assert "<script>x" not in page and "&lt;script&gt;x" in page and "&lt;b&gt;bad" in page
    assert 'class="flagged sev-high"' in page and "<td>Mugs</td>" in page


def test_crawl_respects_robots_and_names_itself():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from journeyaudit.crawl.discovery import USER_AGENT, run_crawl

    pages = {
        "/robots.txt": "User-agent: *\nDisallow: /private\n",
        "/": '<a href="/private/a">a</a> <a href="/public/b">b</a>',
        "/public/b": "<h1>b</h1>",
        "/private/a": "<h1>a</h1>",
    }
    seen: list[tuple[str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            seen.append((self.path, self.headers.get("User-Agent", "")))
            body = pages.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "text/plain" if self.path.endswith(".txt") else "text/html")
            self.end_headers()
            self.wfile.write((body or "").encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        outcome = run_crawl(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
    paths = {path for path, _ in seen}
    assert "/public/b" in paths and "/private/a" not in paths
    assert {agent for _, agent in seen} == {USER_AGENT}
    assert len(outcome.pages) == 2


def test_browser_mode_runs_the_given_chromium_without_its_sandbox_only_as_root(monkeypatch):
    from journeyaudit.crawl import browser_mode

    monkeypatch.setattr(browser_mode.os, "geteuid", lambda: 0)
    options = browser_mode.launch_options("/usr/bin/chromium")
    assert options["executable_path"] == "/usr/bin/chromium" and options["chromium_sandbox"] is False
    monkeypatch.setattr(browser_mode.os, "geteuid", lambda: 1000)
    assert "chromium_sandbox" not in browser_mode.launch_options(None)
    assert "executable_path" not in browser_mode.launch_options(None)


def test_render_must_be_http_or_browser(tmp_path):
    path = tmp_path / "audit.yaml"
    path.write_text("base_url: http://127.0.0.1:9\ncrawl:\n  render: auto\n")
    result = CliRunner().invoke(main, ["crawl", str(path)])
    assert result.exit_code == 2 and "render must be one of http, browser" in result.output
