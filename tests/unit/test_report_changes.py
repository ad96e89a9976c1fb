"""The report's "What changed", trends and suppressed findings; the sparkline maths."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from journeyaudit.model import (
    Comparison,
    Evidence,
    Finding,
    FindingChange,
    Result,
    Run,
    RunSummary,
    StepRecord,
    StepTiming,
    TrendPoint,
)
from journeyaudit.report.html import render_html
from journeyaudit.report.trends import finding_sparks, points, step_sparks, text_sparkline, text_trends

HOSTILE = "<img src=x onerror=alert(1)> </script>"


def _result() -> tuple[Result, dict[str, Run]]:
    run = Run(
        "checkout", "Guest checkout", "journeys/checkout.yaml", "https://shop.test",
        steps=[
            StepRecord(1, "Cart", "cart", duration_ms=800.0),
            StepRecord(2, "Pay", "payment", duration_ms=4200.0, budget_ms=3000),
            StepRecord(3, "Pay", "payment", duration_ms=900.0),  # same name twice: "Pay (2)"
        ],
    )
    findings = [
        Finding("JA201", "late-extra-cost", "high", "checkout", 2, "Pay", f"A fee {HOSTILE}",
                [Evidence("text", "Fee", HOSTILE, 2)], fingerprint="aaaa", suppressed=True),
        Finding("JA401", "slow-step", "low", "checkout", 2, "Pay", "Pay took 4.2 s", [], fingerprint="bbbb"),
    ]
    comparisons = [
        Comparison(
            against="last run (2026-11-22 10:00)",
            changes=[
                FindingChange("bbbb", "JA401", "checkout", "Pay", "low", "Pay took 4.2 s", "new"),
                FindingChange("cccc", "JA501", "checkout", "Cart", "low", f"Console said {HOSTILE}", "fixed"),
                FindingChange("aaaa", "JA201", "checkout", "Pay", "high", "A fee", "still_open"),
            ],
            timings=[
                StepTiming("checkout", "Cart", 790.0, 800.0),  # noise: not shown
                StepTiming("checkout", "Pay", 1500.0, 4200.0),
                StepTiming("checkout", "Pay (2)", 2000.0, 900.0),
                StepTiming("checkout", "Gone", 500.0, None),
            ],
        ),
        Comparison(against="baseline .journeyaudit-baseline.json (2026-11-01)", changes=[
            FindingChange("aaaa", "JA201", "checkout", "Pay", "high", "A fee", "still_open"),
        ]),
    ]
    trend = [
        TrendPoint(1.0, {"low": 0, "medium": 0, "high": 1, "critical": 0}, {"checkout/Pay": 1500.0, "checkout/Pay (2)": 2000.0}),
        TrendPoint(2.0, {"low": 2, "medium": 0, "high": 1, "critical": 0}, {"checkout/Pay": 3000.0}),
        TrendPoint(3.0, {"low": 1, "medium": 0, "high": 1, "critical": 0}, {"checkout/Pay": 4200.0, "checkout/Pay (2)": 900.0}),
    ]
    result = Result(
        audit="demo", base_url="https://shop.test", started_at=3.0, fail_on="high",
        runs=[RunSummary("checkout", "Guest checkout", "journeys/checkout.yaml", "passed", None, 3, 3, 5900.0, "")],
        findings=findings, comparisons=comparisons, trend=trend,
    )
    return result, {"checkout": run}


def _soup() -> tuple[str, BeautifulSoup]:
    result, runs = _result()
    html = render_html(result, runs, trace_root=None, rules=[])
    return html, BeautifulSoup(html, "html.parser")


def test_what_changed_since_last_run_and_baseline():
    html, soup = _soup()
    sections = soup.select("section.changes")
    assert [s.select_one("h3").get_text() for s in sections] == [
        "Since the last run (2026-11-22 10:00)",
        "Since the baseline .journeyaudit-baseline.json (2026-11-01)",
    ]
    last = sections[0]
    assert [c.get_text() for c in last.select(".change-counts .chg")] == ["1 new", "1 fixed", "1 still open"]
    assert [li["data-status"] for li in last.select("li.change")] == ["new", "fixed", "still_open"]
    fixed = last.select_one("li.change--fixed")
    assert fixed.select_one("a")["href"] == "#j1"
    assert f"Console said {HOSTILE}" in fixed.get_text()
    assert "<img src=x" not in html.replace("&lt;img src=x", "")  # only ever escaped
    # per-step time changes: the significant ones, biggest first, linked to the step
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in last.select("table.timings tbody tr")]
    assert rows == [
        ["Guest checkout · Pay", "1.5 s", "4.2 s", "+2.7 s"],
        ["Guest checkout · Pay (2)", "2.0 s", "900 ms", "−1.1 s"],
    ]
    assert [a["href"] for a in last.select("table.timings a")] == ["#j1-s2", "#j1-s3"]
    assert "timing--slower" in last.select("table.timings tbody tr")[0]["class"]


def test_trend_sparklines_are_inline_svg_of_numbers():
    _, soup = _soup()
    trends = soup.select_one("section.trends")
    labels = [li.select_one(".trend-label").get_text() for li in trends.select("li.trend")]
    assert labels == ["All problems", "High", "Low"]
    assert trends.select_one("li.trend .trend-values").get_text() == "1 → 2"
    for polyline in soup.select("svg polyline"):
        assert re.fullmatch(r"[\d.]+,[\d.]+( [\d.]+,[\d.]+)*", polyline["points"])
    # each step's time over the runs, at the step (the repeated name keeps its own line)
    assert soup.select_one("#j1-s2 svg.spark--step title").get_text() == "Pay: 1.5 s → 4.2 s over 3 runs"
    assert soup.select_one("#j1-s3 svg.spark--step title").get_text() == "Pay (2): 2.0 s → 0.9 s over 2 runs"
    assert soup.select_one("#j1-s1 svg") is None  # no history for 'Cart'


def test_suppressed_findings_are_listed_and_marked():
    _, soup = _soup()
    fee = soup.select_one(".finding[data-code=JA201]")
    assert "suppressed" in fee["class"] and fee["data-suppressed"] == "true"
    assert "Suppressed · baseline" in fee.get_text()
    assert soup.select_one(".finding[data-code=JA401]")["data-suppressed"] == "false"
    assert "1 suppressed by the baseline" in soup.select_one(".facts").get_text()


def test_no_history_no_sections():
    result, runs = _result()
    result.comparisons, result.trend = [], result.trend[:1]
    soup = BeautifulSoup(render_html(result, runs, trace_root=None, rules=[]), "html.parser")
    assert soup.select("section.changes") == [] and soup.select("section.trends") == []
    assert soup.select("svg") == []


def test_sparkline_maths():
    assert points([]) == []
    assert points([5.0]) == [(60.0, 14.0)]
    assert points([1.0, 1.0]) == [(3.0, 14.0), (117.0, 14.0)]
    assert points([0.0, 10.0]) == [(3.0, 25.0), (117.0, 3.0)]  # higher is up
    assert text_sparkline([0, 0]) == "▁▁"
    assert text_sparkline([1, 8]) == "▁█"
    result, _ = _result()
    sparks = finding_sparks(result.trend)
    assert [(s.label, s.values, s.change) for s in sparks][:2] == [("All problems", [1.0, 3.0, 2.0], "up"), ("High", [1.0, 1.0, 1.0], "same")]
    steps = step_sparks(result.trend)
    assert steps["checkout/Pay (2)"].values == [2000.0, 900.0]
    lines = text_trends(result.trend)
    assert lines[0].startswith("All problems") and lines[0].endswith("1 → 2")
    assert any("checkout/Pay" in line and "1.5 s → 4.2 s" in line for line in lines)
