"""The promise ledger table in the HTML report: rows of claims over steps, changes marked, page text escaped."""

from __future__ import annotations

from journeyaudit import model
from journeyaudit.audit import summarise
from journeyaudit.facts import ledger
from journeyaudit.report.html import render_html
from journeyaudit.report.ledger_view import ledger_views
from journeyaudit.rules.registry import all_rules
from tests.unit.recorded import recorded, run, step


def _render(*traces, with_ledgers=True):
    result = model.Result(audit="t", base_url="http://shop.example")
    runs = {}
    for trace in traces:
        runs[trace.journey_id] = trace
        result.runs.append(summarise(trace, trace.journey_id))
        if with_ledgers:
            result.ledgers.append(ledger.build(trace))
    return result, runs, render_html(result, runs, trace_root=None, rules=all_rules())


def test_late_fee_table_marks_the_total_that_changed():
    trace = recorded("late-fee")
    result, runs, html = _render(trace)
    table = ledger_views(result, runs)["late-fee"]
    total = next(row for row in table.rows if row.label == "Total")
    changed = [cell.value for cell in total.cells if cell.changed]
    assert changed == ["€47.75"] and total.changed
    assert "Fee: Service fee" in [row.label for row in table.rows]
    assert "Promise ledger: what was promised where (" in html and '<td class="changed"' in html


def test_sources_that_disagree_are_shown_with_the_cell():
    trace = run(step(1, "product", "Moka Pot\n€30.00", html="<h1>Moka Pot</h1>",
                     structured_data=[{"@type": "Product", "name": "Moka Pot",
                                       "offers": {"@type": "Offer", "price": "27.00", "priceCurrency": "EUR"}}]))
    result, runs, html = _render(trace)
    [row] = [r for r in ledger_views(result, runs)["hand-made"].rows if r.label == "Item: Moka Pot"]
    assert row.cells[0].value == "€30.00" and row.cells[0].others == ["27.00 EUR in structured data (JSON-LD)"]


def test_page_text_in_the_table_is_escaped():
    trace = run(step(1, "cart", "Cart"))
    trace.steps[0].html = "<table><tr><td>&lt;img src=x onerror=alert(1)&gt; Kettle</td><td>1</td><td>€5.00</td></tr></table>"
    _, _, html = _render(trace)
    assert "<img src=x onerror" not in html and "&lt;img src=x onerror=alert(1)&gt; Kettle" in html


def test_without_result_ledgers_the_runs_are_read():
    trace = recorded("happy-path")
    _, _, html = _render(trace, with_ledgers=False)
    assert "Promise ledger: what was promised where" in html


def test_changes_are_listed_in_the_customers_words():
    trace = recorded("stock-out")
    result, runs, _ = _render(trace)
    assert ledger_views(result, runs)["stock-out"].changes == [
        "Availability 'AeroPress Go': in stock at 'Product page' (step 1), out of stock at 'Confirmation' (step 7)"
    ]
