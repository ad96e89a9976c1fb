"""The report opens with the few problems that matter most, one line each, linking to the step."""

from __future__ import annotations

from bs4 import BeautifulSoup

from journeyaudit.judge.engine import judge
from journeyaudit.model import Evidence, Finding, Result, RunSummary
from journeyaudit.report.html import render_html
from journeyaudit.rules.registry import all_rules
from tests.unit.recorded import shop_recorded
from tests.unit.test_report_html import HOSTILE, _render, audit  # noqa: F401  (audit is a fixture)


def _lines(soup):
    return soup.select(".top-problems li")


def test_top_problems_come_first_worst_first_and_link_to_the_step(audit):  # noqa: F811
    html, soup = _render(audit)
    section = soup.select_one(".top-problems")
    assert section is not None
    assert html.index("top-problems") < html.index('class="card summary"')
    lines = _lines(soup)
    # critical, high, medium; the low slow step stays in its journey
    assert [li.select_one(".flag").get_text(" ", strip=True) for li in lines] == [
        "Critical · JA102", "High · JA201", "Medium · JA302"]
    hrefs = [li.a["href"].lstrip("#") for li in lines]
    assert all(soup.find(id=href) is not None and soup.find(id=href).name == "li" for href in hrefs)  # steps
    assert "step 3 · Place order" in lines[0].get_text(" ")
    # page text in a line is escaped like everywhere else
    assert not soup.select(".top-problems script") and HOSTILE.split()[0] not in str(section).replace("&lt;", "")


def test_markup_evidence_is_folded(audit):  # noqa: F811
    result, runs, root = audit
    result.findings.append(Finding("JA605", "accessibility-violation", "medium", "checkout", 1, "Open product",
                                   "A barrier.", [Evidence("markup", "The element's HTML", "<img src=x>", 1)]))
    soup = BeautifulSoup(render_html(result, runs, trace_root=root, rules=[]), "html.parser")
    folded = soup.select_one("details.markup")
    assert folded is not None and folded.pre.get_text() == "<img src=x>" and not soup.select("article img[src=x]")


def _shuup_report(*journeys: str):
    runs, findings, outcomes, summaries = {}, [], [], []
    for journey in journeys:
        trace = shop_recorded("shuup", journey)
        found, done = judge([trace])
        runs[journey], findings, outcomes = trace, findings + found, outcomes + done
        summaries.append(RunSummary(journey, trace.journey_name, trace.journey_path, trace.status, None,
                                    len(trace.steps), sum(s.status == "passed" for s in trace.steps), 1.0, ""))
    result = Result(audit="Shuup", base_url="http://127.0.0.1:8731", runs=summaries, findings=findings, outcomes=outcomes)
    html = render_html(result, runs, trace_root=None, rules=all_rules())
    return BeautifulSoup(html, "html.parser")


def test_shuup_corpus_opens_with_the_blocked_customer_and_merges_repeats():
    soup = _shuup_report("happy-path", "late-tax", "stock-out")
    lines = _lines(soup)
    assert 1 <= len(lines) <= 5
    first = lines[0].get_text(" ", strip=True)
    assert first.startswith("Critical · JA101") and "'Add to cart' was on the page but could not be clicked" in first
    assert soup.find(id=lines[0].a["href"].lstrip("#"))["data-step"] == "Cart"
    # the theme's barriers repeat on every journey: one line, not one per journey
    texts = [li.get_text(" ", strip=True) for li in lines]
    assert len(texts) == len(set(texts))
    assert any("also in" in t for t in texts)
