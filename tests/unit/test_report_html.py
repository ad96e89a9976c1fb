"""The HTML report: summary, placement of findings, escaping, self-containment, atomic writes."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from journeyaudit.model import Evidence, Finding, Result, RuleOutcome, Run, RunSummary, StepRecord
from journeyaudit.report import html as report_html
from journeyaudit.report.html import render_html, verdict, write_html
from journeyaudit.rules.registry import RuleInfo

# An 8x8 baseline JPEG (no colour profile), small enough to keep inline.
TINY_JPEG_B64 = (
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAFA3PEY8MlBGQUZaVVBfeMiCeG5uePWvuZHI////////////////////////"
    "////////////////////////////2wBDAVVaWnhpeOuCguv/////////////////////////////////////////////"
    "////////////////////////////wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAUEAEA"
    "AAAAAAAAAAAAAAAAAAAA/8QAFQEBAQAAAAAAAAAAAAAAAAAAAgP/xAAUEQEAAAAAAAAAAAAAAAAAAAAA/9oADAMBAAIR"
    "AxEAPwCYCwP/2Q=="
)

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
CLOSE = "</script>"
JS_URL = "javascript:alert(1)"
HOSTILE = f"{SCRIPT} {IMG} {CLOSE} {JS_URL}"


def _rule(code: str, slug: str, title: str, severity: str) -> RuleInfo:
    def check(run, options):
        return []

    check.__doc__ = f"""{title}: what the customer suffers.

    Second paragraph of the explanation for {code}.
    """
    return RuleInfo(code, slug, title, severity, frozenset(), {}, check)


RULES = [
    _rule("JA102", "late-payment-failure", "Card accepted, payment refused later", "critical"),
    _rule("JA201", "late-extra-cost", "Total grows at a late step", "high"),
    _rule("JA302", "generic-error-message", "Error that says nothing useful", "medium"),
    _rule("JA401", "slow-step", "Step slower than its budget", "low"),
]


def _step(index: int, name: str, role: str, **kwargs) -> StepRecord:
    defaults = dict(duration_ms=800.0, budget_ms=3000, url=f"https://shop.test/{role}", title=f"{name} page")
    defaults.update(kwargs)
    return StepRecord(index=index, name=name, role=role, **defaults)


@pytest.fixture
def audit(tmp_path: Path):
    trace_root = tmp_path / "result"
    checkout_dir = trace_root / "traces" / "checkout"
    browse_dir = trace_root / "traces" / "browse"
    checkout_dir.mkdir(parents=True)
    browse_dir.mkdir(parents=True)
    (checkout_dir / "step-1.jpg").write_bytes(base64.b64decode(TINY_JPEG_B64))
    (browse_dir / "step-1.jpg").write_bytes(base64.b64decode(TINY_JPEG_B64))
    # A file outside the trace directory that a crafted trace might point at.
    (trace_root / "secret.jpg").write_bytes(base64.b64decode(TINY_JPEG_B64))

    checkout = Run(
        "checkout",
        "Guest checkout",
        "journeys/checkout.yaml",
        "https://shop.test",
        status="failed",
        steps=[
            _step(1, "Open product", "product", screenshot="step-1.jpg"),
            # Hostile step name, title and URL; its screenshot file is missing.
            _step(2, f"Pay {HOSTILE}", "payment", title=HOSTILE, url=JS_URL, screenshot="step-2.jpg", duration_ms=5200.0),
            _step(
                3,
                "Place order",
                "confirmation",
                status="failed",
                error=f"expect text not found {SCRIPT}",
                screenshot="../../secret.jpg",
            ),
            _step(4, "Read email", "email", status="skipped", duration_ms=0.0),
        ],
    )
    browse = Run(
        "browse",
        "Browse",
        "journeys/browse.yaml",
        "https://shop.test",
        steps=[_step(1, "Open home", "product", screenshot="step-1.jpg")],
    )
    findings = [
        Finding(
            "JA302",
            "generic-error-message",
            "medium",
            "checkout",
            3,
            "Place order",
            "The error says nothing useful.",
            [Evidence("text", "Error text", "Something went wrong", 3)],
            confidence="medium",
        ),
        Finding(
            "JA201",
            "late-extra-cost",
            "high",
            "checkout",
            2,
            f"Pay {HOSTILE}",
            f"A fee appeared: {HOSTILE}",
            [
                Evidence("text", f"Line at {SCRIPT}", HOSTILE, 2),
                Evidence("url", "Link", JS_URL, 2),
                Evidence("amount", "Total at review", "€103.89", 2),
            ],
        ),
        Finding(
            "JA102",
            "late-payment-failure",
            "critical",
            "checkout",
            3,
            "Place order",
            "The card was accepted, then the order failed.",
            [Evidence("request", "Failed request", "POST https://shop.test/api/orders -> 502", 3)],
        ),
        Finding("JA401", "slow-step", "low", "browse", 1, "Open home", "'Open home' (step 1) took 4.0 s.", []),
    ]
    outcomes = [
        RuleOutcome("JA102", "checkout", "failed", "1 finding(s)"),
        RuleOutcome("JA102", "browse", "passed"),
        RuleOutcome("JA102", "wishlist", "skipped", "the journey could not be recorded"),
        RuleOutcome("JA201", "checkout", "failed", "1 finding(s)"),
        RuleOutcome("JA201", "browse", "not_applicable", "needs a step with role review"),
        RuleOutcome("JA302", "checkout", "failed"),
        RuleOutcome("JA302", "browse", "error", f"KeyError: 'total' {SCRIPT} (message_rules.py:12)"),
        RuleOutcome("JA401", "checkout", "passed"),
        RuleOutcome("JA401", "browse", "failed"),
    ]
    result = Result(
        audit="Demo shop",
        base_url="https://shop.test",
        started_at=1717430400.0,
        duration_ms=48200.0,
        fail_on="high",
        tool_version="9.8.7",
        browser="Chromium 126.0 (headless)",
        runs=[
            RunSummary("checkout", "Guest checkout", "journeys/checkout.yaml", "failed", None, 4, 2, 7000.0, "traces/checkout"),
            RunSummary("browse", "Browse", "journeys/browse.yaml", "passed", None, 1, 1, 800.0, "traces/browse"),
            RunSummary(
                "wishlist", "Wishlist", "journeys/wishlist.yaml", "error", f"net::ERR_CONNECTION_REFUSED {SCRIPT}", 0, 0, 0.0, "traces/wishlist"
            ),
        ],
        findings=findings,
        outcomes=outcomes,
        errors=[f"journeys/returns.yaml:12:7: unknown action 'clik' {IMG}"],
    )
    runs = {"checkout": checkout, "browse": browse}
    return result, runs, trace_root


def _render(audit) -> tuple[str, BeautifulSoup]:
    result, runs, trace_root = audit
    html = render_html(result, runs, trace_root=trace_root, rules=RULES)
    return html, BeautifulSoup(html, "html.parser")


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


# --------------------------------------------------------------------------
# Summary
# --------------------------------------------------------------------------


def test_summary_verdict_and_counts(audit):
    _, soup = _render(audit)
    summary = soup.select_one(".summary")
    assert _text(summary.select_one(".verdict-text")) == (
        "4 problems a customer would hit, 1 critical; 1 journey could not be run"
    )
    tiles = {_text(t.select_one(".l")): int(_text(t.select_one(".n"))) for t in summary.select(".tile")}
    assert tiles == {"Critical": 1, "High": 1, "Medium": 1, "Low": 1}
    facts = {_text(d.dt): _text(d.dd) for d in summary.select(".facts > div")}
    assert facts["Journeys"] == "1 completed · 1 failed · 1 could not run"
    assert facts["Steps"] == "3 of 5 passed"
    assert facts["Duration"] == "48.2 s"
    assert facts["Shop"] == "https://shop.test"
    assert facts["Date"] == "2024-06-03 16:00 UTC"
    assert facts["Tool"] == "journeyaudit 9.8.7"
    assert facts["Browser"] == "Chromium 126.0 (headless)"
    assert facts["Fails on"] == "high or worse"
    assert "fails its threshold: 2 problems at severity high or worse" in _text(summary.select_one(".gate"))
    assert "4 problems a customer would hit" in soup.title.get_text()


def test_axe_core_version_shown_when_the_run_checked_accessibility(audit):
    result, runs, trace_root = audit
    result.axe_version = "4.12.1"
    soup = BeautifulSoup(render_html(result, runs, trace_root=trace_root, rules=RULES), "html.parser")
    facts = {_text(d.dt): _text(d.dd) for d in soup.select(".summary .facts > div")}
    assert facts["Tool"] == "journeyaudit 9.8.7 · axe-core 4.12.1"
    assert "with axe-core 4.12.1" in _text(soup.footer)


def test_clean_verdict(audit):
    result, runs, trace_root = audit
    result.findings = []
    result.runs = result.runs[:2]
    result.errors = []
    html = render_html(result, runs, trace_root=trace_root, rules=RULES)
    soup = BeautifulSoup(html, "html.parser")
    assert _text(soup.select_one(".verdict-text")) == "No problems found on 2 journeys"
    assert "verdict--good" in soup.select_one(".verdict")["class"]
    assert "passes its threshold" in _text(soup.select_one(".gate"))


@pytest.mark.parametrize(
    ("severities", "statuses", "expected"),
    [
        ([], ["passed"] * 4, "No problems found on 4 journeys"),
        ([], ["passed", "error"], "No problems found on 1 journey; 1 journey could not be run"),
        ([], ["error"], "The journey could not be run"),
        ([], ["error", "error"], "None of the 2 journeys could be run"),
        ([], [], "No journeys were run"),
        (["critical"], ["failed"], "1 problem a customer would hit (critical)"),
        (["high", "high"], ["failed"], "2 problems a customer would hit, all high"),
        (["critical", "low", "high"], ["failed"], "3 problems a customer would hit, 1 critical"),
    ],
)
def test_verdict_wording(severities, statuses, expected):
    result = Result(
        audit="a",
        base_url="https://shop.test",
        runs=[RunSummary(f"j{i}", f"J{i}", f"j{i}.yaml", status) for i, status in enumerate(statuses)],
        findings=[Finding("JA101", "journey-blocked", severity, "j0") for severity in severities],
    )
    assert verdict(result) == expected


# --------------------------------------------------------------------------
# Journeys, steps and findings
# --------------------------------------------------------------------------


def test_findings_under_their_journey_and_step_worst_first(audit):
    _, soup = _render(audit)
    checkout = soup.select_one("#j1")
    browse = soup.select_one("#j2")
    assert "Guest checkout" in _text(checkout.select_one("h3"))
    assert "journeys/checkout.yaml" in _text(checkout)
    # each finding sits inline at its step, steps in order, worst first within a step
    codes = [_text(f.select_one(".finding-code")) for f in checkout.select(".finding")]
    assert codes == ["JA201", "JA102", "JA302"]
    assert [_text(f.select_one(".finding-code")) for f in soup.select("#j1-s3 .finding")] == ["JA102", "JA302"]
    assert [_text(f.select_one(".finding-code")) for f in browse.select(".finding")] == ["JA401"]
    assert "each shown above at the step" in _text(checkout)

    critical = soup.select_one("#j1-s3 .finding")
    assert "sev-critical" in critical["class"]
    assert _text(critical.select_one(".badge")) == "Critical"
    assert "late-payment-failure" in _text(critical)
    # data for the filters, escaped like every attribute
    assert (critical["data-code"], critical["data-severity"], critical["data-journey"], critical["data-step"]) == (
        "JA102", "critical", "checkout", "Place order"
    )
    assert soup.select_one("#j1-s2")["data-step"] == f"Pay {HOSTILE}"
    # the rule's explanation is a link away: written once, collapsed, in the rules table
    assert critical.select_one("details.about") is None
    assert critical.select_one("p.about a")["href"] == "#rule-JA102"
    about = soup.select_one("#rule-JA102 details.about")
    assert about is not None and not about.has_attr("open")
    assert "Second paragraph of the explanation for JA102" in _text(about)
    assert len(soup.find_all(string=re.compile("Second paragraph of the explanation for JA102"))) == 1

    # each step links to the findings made at it
    step3 = soup.select_one("#j1-s3")
    assert [_text(a) for a in step3.select(".step-flags a")] == [
        "Critical · JA102 late-payment-failure",
        "Medium · JA302 generic-error-message",
    ]
    assert "expect text not found" in _text(step3.select_one(".step-error"))
    assert "Failed" in _text(step3.select_one(".status"))
    assert "Not reached" in _text(soup.select_one("#j1-s4"))

    # evidence with labels, page text in monospace, confidence note only when medium
    fee = soup.select_one("#j1-s2 .finding")
    labels = [_text(dt) for dt in fee.select(".evidence dt")]
    assert labels[2] == "Total at review · step 2"
    assert fee.select(".evidence dd")[0].find("pre") is not None
    assert fee.select(".evidence dd")[2].find("pre") is None
    assert fee.select_one(".confidence") is None
    assert "Medium confidence" in _text(checkout.select(".finding")[2].select_one(".confidence"))


def test_step_timing_against_budget(audit):
    _, soup = _render(audit)
    slow = soup.select_one("#j1-s2 .time")
    assert "5.2 s" in _text(slow) and "budget 3.0 s" in _text(slow)
    assert "over" in slow.select_one(".bar-fill")["class"]
    assert slow.select_one(".bar-fill")["style"] == "width: 100.0%"
    fast = soup.select_one("#j1-s1 .time .bar-fill")
    assert "over" not in fast["class"]
    assert fast["style"] == "width: 15.4%"  # 800 ms of the 5200 ms scale


def test_screenshot_embedded_and_missing_one_does_not_crash(audit):
    _, soup = _render(audit)
    img = soup.select_one("#j1-s1 img")
    assert img["src"] == f"data:image/jpeg;base64,{TINY_JPEG_B64}"
    assert _text(soup.select_one("#j1-s2 .shot-cell")) == "no screenshot"
    # a screenshot name that leaves the trace directory is never read
    assert soup.select_one("#j1-s3 img") is None
    assert _text(soup.select_one("#j1-s3 .shot-cell")) == "no screenshot"


def test_no_trace_root_means_no_screenshots(audit):
    result, runs, _ = audit
    soup = BeautifulSoup(render_html(result, runs, trace_root=None, rules=RULES), "html.parser")
    assert soup.select("img") == []
    assert _text(soup.select_one("#j1-s1 .shot-cell")) == "no screenshot"


def test_errors_and_unrecorded_journeys(audit):
    _, soup = _render(audit)
    wishlist = soup.select_one("#j3")
    assert "Could not run" in _text(wishlist.select_one(".status"))
    assert "net::ERR_CONNECTION_REFUSED" in _text(wishlist)
    errors = _text(soup.select_one(".errors"))
    assert "unknown action 'clik'" in errors
    assert "Wishlist" in errors and "net::ERR_CONNECTION_REFUSED" in errors
    assert "1 rule check failed with an error" in errors


def test_rules_table_counts_outcomes(audit):
    _, soup = _render(audit)
    rows = {}
    for tr in soup.select("#rules ~ section table tbody tr"):
        code = _text(tr.select_one(".rule-name strong"))
        rows[code] = ([int(_text(td)) for td in tr.select("td.num")], tr)
    assert list(rows) == ["JA102", "JA201", "JA302", "JA401"]
    # passed, failed, not applicable, not checked, errored, skipped
    assert rows["JA102"][0] == [1, 1, 0, 0, 0, 1]
    assert rows["JA201"][0] == [0, 1, 1, 0, 0, 0]
    assert rows["JA302"][0] == [0, 1, 0, 0, 1, 0]
    assert "Browse: KeyError: 'total'" in _text(rows["JA302"][1].select_one(".rule-errors"))


# --------------------------------------------------------------------------
# Safety: escaping and self-containment
# --------------------------------------------------------------------------


def test_hostile_page_text_is_escaped(audit):
    html, soup = _render(audit)
    # one script: the report's own filter script, as packaged
    scripts = soup.find_all("script")
    assert len(scripts) == 1 and scripts[0].string == report_html._script()
    assert html.lower().count("<script") == 1
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            assert not name.lower().startswith("on"), (element.name, name)
            if name.lower() in ("href", "src", "action", "formaction", "srcset", "poster", "xlink:href"):
                # page text may appear in data-* and value attributes (escaped, inert), never as a URL
                values = value if isinstance(value, list) else [value]
                assert not any("javascript:" in v.lower() for v in values), (element.name, name, value)
    # the only links out of the page: the screenshots' own files, found inside the trace folders
    outside = [a["href"] for a in soup.find_all("a") if not a["href"].startswith("#")]
    assert outside == ["traces/checkout/step-1.jpg", "traces/browse/step-1.jpg"]
    # only the image tags we made: data: thumbnails
    assert all(img["src"].startswith("data:image/") for img in soup.find_all("img"))
    # the text is all there, as text
    text = soup.get_text()
    for needle in (SCRIPT, IMG, CLOSE, JS_URL):
        assert needle in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert _text(soup.select_one("#j1-s2 .step-name")) == f"Pay {HOSTILE}"
    assert _text(soup.select_one("#j1-s2 .page-title")) == HOSTILE
    assert _text(soup.select_one("#j1-s2 .url")) == JS_URL


def test_csp_meta_and_no_external_resources(audit):
    html, soup = _render(audit)
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    # the one script is allowed by its hash, nothing else
    script = soup.find("script").string
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert meta is not None and meta["content"] == f"{CSP}; script-src 'sha256-{digest}'"
    assert soup.head.find("meta") is soup.head.find("meta", charset=True)  # charset comes first
    assert soup.find_all("link") == []
    assert not soup.find("script").has_attr("src")
    assert "innerHTML" not in script and "eval" not in script and "fetch" not in script
    assert not re.search(r"""(?:src|href|action|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    styles = " ".join(s.get_text() for s in soup.find_all("style"))
    styles += " ".join(el["style"] for el in soup.find_all(style=True))
    assert "@import" not in styles
    assert "url(" not in styles
    assert "http" not in styles


def test_templates_are_autoescaped_and_strict():
    env = report_html._environment()
    assert env.autoescape is True
    from jinja2 import StrictUndefined

    assert env.undefined is StrictUndefined
    for name in env.list_templates():
        source = env.loader.get_source(env, name)[0]
        assert "|safe" not in source.replace(" ", "") and "Markup" not in source, name


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def test_write_html_is_atomic(audit, tmp_path: Path):
    result, runs, trace_root = audit
    out = tmp_path / "reports" / "report.html"
    written = write_html(result, runs, out, trace_root=trace_root, rules=RULES)
    assert written == out
    assert os.listdir(out.parent) == ["report.html"]
    html = out.read_text(encoding="utf-8")
    assert html == render_html(result, runs, trace_root=trace_root, rules=RULES, report_dir=out.parent)
    # written away from its run folder, the screenshots' links still reach their files
    links = [a["href"] for a in BeautifulSoup(html, "html.parser").select("a.shot-full")]
    assert links and all((out.parent / link).resolve().is_file() for link in links), links
    assert out.stat().st_mode & 0o644 == 0o644

    # overwriting replaces the file; a failure leaves the old one and no temp file
    out.write_text("old report", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "replace", broken_replace)
        with pytest.raises(OSError, match="disk full"):
            write_html(result, runs, out, trace_root=trace_root, rules=RULES)
    assert out.read_text(encoding="utf-8") == "old report"
    assert os.listdir(out.parent) == ["report.html"]

    write_html(result, runs, out, trace_root=trace_root, rules=RULES)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert os.listdir(out.parent) == ["report.html"]


# --------------------------------------------------------------------------
# In a real browser
# --------------------------------------------------------------------------

BROWSER_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("JOURNEYAUDIT_BROWSER_PATH"), "/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.mark.e2e
def test_report_in_headless_chromium(audit, tmp_path: Path):
    sync_api = pytest.importorskip("playwright.sync_api")
    result, runs, trace_root = audit
    report = write_html(result, runs, tmp_path / "report.html", trace_root=trace_root, rules=RULES)
    file_uri = report.resolve().as_uri()

    with sync_api.sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=_chromium_path(), args=BROWSER_ARGS)
        except Exception as exc:  # no browser on this machine
            pytest.skip(f"cannot launch Chromium: {exc}")
        try:
            page = browser.new_page(viewport={"width": 420, "height": 900})
            console, requests, page_errors, dialogs = [], [], [], []
            page.on("console", lambda message: console.append((message.type, message.text)))
            page.on("request", lambda request: requests.append(request.url))
            page.on("pageerror", lambda error: page_errors.append(str(error)))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(file_uri)
            page.wait_for_load_state("load")

            assert [m for m in console if m[0] in ("error", "warning")] == []
            assert page_errors == [] and dialogs == []
            assert requests and all(url == file_uri or url.startswith("data:") for url in requests), requests

            name = page.locator("#j1-s2 .step-name")
            assert name.is_visible()
            assert name.inner_text() == f"Pay {HOSTILE}"
            assert page.locator("#j1-s2 .url").inner_text() == JS_URL
            assert page.locator("script").count() == 1
            # the filter script ran under the CSP (allowed by its hash): the form is shown
            filters = page.locator("#filters")
            assert filters.is_visible()
            assert page.locator("#f-count").inner_text() == "4 problems"

            def shown() -> list[str]:
                return page.locator(".finding:visible .finding-code").all_inner_texts()

            assert shown() == ["JA201", "JA102", "JA302", "JA401"]
            filters.locator("select[name=severity]").select_option("critical")
            assert shown() == ["JA102"]
            assert page.locator("#f-count").inner_text() == "Showing 1 of 4 problems"
            assert page.locator("#j2").is_hidden()  # no critical problem on 'Browse'
            filters.locator("select[name=severity]").select_option("high")
            assert shown() == ["JA201", "JA102"]
            filters.locator("button[type=reset]").click()
            expect(page.locator(".finding:not([hidden])")).to_have_count(4)
            filters.locator("select[name=rule]").select_option("JA401")
            assert shown() == ["JA401"] and page.locator("#j1").is_hidden()
            filters.locator("select[name=rule]").select_option("")
            filters.locator("select[name=journey]").select_option("checkout")
            assert shown() == ["JA201", "JA102", "JA302"] and page.locator("#j2").is_hidden()
            filters.locator("input[name=step]").fill("place")
            assert shown() == ["JA102", "JA302"]
            assert page.locator("#j1-s2").is_hidden() and page.locator("#j1-s3").is_visible()
            filters.locator("input[name=step]").fill("")
            # search over messages and evidence; hostile text is searched as text
            filters.locator("input[name=q]").fill("<img src=x onerror")
            assert shown() == ["JA201"]
            filters.locator("input[name=q]").fill("says nothing")
            assert shown() == ["JA302"]
            assert page_errors == [] and dialogs == []
            filters.locator("button[type=reset]").click()
            expect(page.locator(".step:not([hidden])")).to_have_count(5)
            # the thumbnail decoded under the CSP
            assert page.locator("#j1-s1 img").evaluate("img => img.complete && img.naturalWidth") == 8
            # clicking the thumbnail enlarges it without any script
            page.locator("#j1-s1 summary").click()
            assert page.locator("#j1-s1 details.shot").evaluate("d => d.open") is True
        finally:
            browser.close()


def test_a_screenshot_that_is_a_link_out_of_its_trace_folder_is_not_read(tmp_path):
    """A crafted trace can name a plain file name that is a symbolic link leading elsewhere: it is followed
    before anything is read, like a path with '..'."""
    from journeyaudit.report.screenshots import Shots

    folder = tmp_path / "result" / "traces" / "checkout"
    folder.mkdir(parents=True)
    (tmp_path / "private.jpg").write_bytes(base64.b64decode(TINY_JPEG_B64))
    (folder / "step-1.jpg").symlink_to(tmp_path / "private.jpg")
    (folder / "step-2.jpg").write_bytes(base64.b64decode(TINY_JPEG_B64))
    shots = Shots(tmp_path / "result")
    assert shots.get(folder, "step-1.jpg", "linked out").src in ("", None)
    kept = shots.get(folder, "step-2.jpg", "plain")
    assert kept.src.startswith("data:image/") and kept.href == "traces/checkout/step-2.jpg"


def test_thumbnails_asked_for_ahead_are_made_on_the_pool_the_same_and_never_from_outside(tmp_path):
    """Shots.prepare makes the thumbnails on threads; get gives the same as it makes alone, a link out of
    the trace folder is not read there either, a file too large is linked, and the pool ends with close."""
    import threading

    from PIL import Image

    from journeyaudit.report import screenshots
    from journeyaudit.report.screenshots import Shots

    folder = tmp_path / "result" / "traces" / "checkout"
    folder.mkdir(parents=True)
    (tmp_path / "private.jpg").write_bytes(base64.b64decode(TINY_JPEG_B64))
    (folder / "step-1.jpg").symlink_to(tmp_path / "private.jpg")
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 800), (200, 30, 30)).save(buffer, "JPEG", quality=60)
    for n in (2, 3):
        (folder / f"step-{n}.jpg").write_bytes(buffer.getvalue())
    (folder / "step-4.jpg").write_bytes(buffer.getvalue() + b"\0" * screenshots.MAX_SCREENSHOT_BYTES)
    alone = Shots(tmp_path / "result", embed_all=False, workers=1)
    expected = alone.get(folder, "step-2.jpg", "plain").src
    assert expected.startswith("data:image/jpeg;base64,")
    shutil.rmtree(tmp_path / "result" / screenshots.CACHE_FOLDER)  # made again, on the pool
    with Shots(tmp_path / "result", embed_all=False, workers=2) as shots:
        shots.prepare([(folder, "step-1.jpg"), (folder, "step-2.jpg"), (folder, "step-3.jpg"), (folder, "step-4.jpg"),
                       (folder, "../../../private.jpg"), (None, "step-2.jpg"), (folder, "step-2.jpg\0"), (folder, ".")])
        assert set(shots._made) == {folder.resolve() / f"step-{n}.jpg" for n in (2, 3, 4)}
        assert shots.get(folder, "step-1.jpg", "linked out").src in ("", None)
        assert shots.get(folder, "step-2.jpg", "plain").src == expected
        assert shots.get(folder, "step-3.jpg", "plain").src == expected
        large = shots.get(folder, "step-4.jpg", "large")
        assert (large.src, large.note, large.href) == ("", "screenshot too large to embed", "traces/checkout/step-4.jpg")
    assert not [t for t in threading.enumerate() if t.name.startswith("thumbnail")]


def test_the_garbage_collector_is_as_it_was_after_a_report(audit):
    """render_html pauses Python's collector while it builds the report, and leaves it as it found it."""
    import gc

    result, runs, trace_root = audit
    assert gc.isenabled()
    render_html(result, runs, trace_root=trace_root, rules=RULES)
    assert gc.isenabled()
    gc.disable()
    try:
        render_html(result, runs, trace_root=trace_root, rules=RULES)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_report_is_the_same_whether_its_thumbnails_are_made_on_the_pool_or_in_turn(tmp_path, monkeypatch):
    """Evidence that is its step's screenshot points at the step (also a file of the same bytes); an unreadable
    screenshot and one too large are said so: alike when the thumbnails are made on the pool."""
    from PIL import Image

    from journeyaudit.report import screenshots

    folder = tmp_path / "result" / "traces" / "checkout"
    folder.mkdir(parents=True)
    buffer = io.BytesIO()
    Image.new("RGB", (1280, 800), (30, 90, 200)).save(buffer, "JPEG", quality=60)
    (folder / "step-1.jpg").write_bytes(buffer.getvalue())
    (folder / "step-2.jpg").write_bytes(buffer.getvalue())  # the same bytes, another file
    (folder / "step-3.jpg").write_bytes(b"not an image")
    (folder / "step-4.jpg").write_bytes(buffer.getvalue() + b"\0" * screenshots.MAX_SCREENSHOT_BYTES)
    run = Run("checkout", "Checkout", "journeys/checkout.yaml", "https://shop.test", status="failed",
              steps=[_step(n, f"Step {n}", "product", screenshot=f"step-{n}.jpg") for n in range(1, 5)])
    evidence = [Evidence("screenshot", f"Screenshot {n}", name, step)
                for n, (name, step) in enumerate([("step-1.jpg", 1), ("step-1.jpg", 2), ("step-3.jpg", 3), ("step-4.jpg", 4)])]
    result = Result(audit="pool", base_url="https://shop.test",
                    runs=[RunSummary("checkout", "Checkout", "journeys/checkout.yaml", "failed", None, 4, 3, 3200.0, "traces/checkout")],
                    findings=[Finding("JA401", "slow-step", "low", "checkout", 1, "Step 1", "Slow.", evidence)])
    pages = {}
    for cores in (1, 3):
        monkeypatch.setattr(screenshots, "_cores", lambda cores=cores: cores)
        shutil.rmtree(tmp_path / "result" / screenshots.CACHE_FOLDER, ignore_errors=True)
        pages[cores] = render_html(result, {"checkout": run}, trace_root=tmp_path / "result", rules=RULES)
    assert pages[1] == pages[3]
    soup = BeautifulSoup(pages[3], "html.parser")
    assert [a["href"] for a in soup.select(".evidence a[href^='#']")] == ["#j1-s1", "#j1-s2"]
    assert len(soup.select(".shot-cell img")) == 2
    assert _text(soup.select_one("#j1-s3 .shot-cell")) == "screenshot unreadable"
    assert _text(soup.select_one("#j1-s4 .shot-cell")) == "screenshot too large to embed"
