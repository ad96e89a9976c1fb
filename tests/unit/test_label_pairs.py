"""facts/label_pairs: labels and values apart (dt/dd, th/td, header over values, side by side); JA104 reads them."""

from __future__ import annotations

import pytest

from journeyaudit.facts import html_tree, label_pairs, ledger
from tests.unit.recorded import findings, recorded, run, step

DL = "<dl class='order-details'><dt>Order</dt><dd>#1042</dd><dt>Status</dt><dd>Cancelled</dd></dl>"
TH_TD = "<table><tr><th>Order number</th><td>1042</td></tr><tr><th>Status</th><td>Cancelled</td></tr></table>"
HEADER = ("<table><thead><tr><th>Order</th><th>Date</th><th>Status</th><th>Total</th></tr></thead>"
          "<tbody><tr><td>#1042</td><td>5 Dec 2026</td><td>Cancelled</td><td>€44.80</td></tr></tbody></table>")
SIDE = "<div class='order-status'><span class='label'>Status</span><span class='value'>Cancelled</span></div>"


@pytest.mark.parametrize("html", [DL, TH_TD, HEADER, SIDE])
def test_status_and_its_value_are_a_pair(html):
    pairs = label_pairs.read(html_tree.parse(html))
    assert label_pairs.Pair("Status", "Cancelled") in pairs


def test_text_pairs_need_a_label_line():
    assert label_pairs.text_pairs("Order #1042\nStatus:\nCancelled") == [label_pairs.Pair("Status", "Cancelled")]
    assert label_pairs.text_pairs("Status\nCancelled") == []  # no colon, no structure: not a pair
    assert label_pairs.read(None) == []


def _silent(html: str, text: str):
    trace = recorded("silent-cancel")
    status = trace.steps[-1]
    assert "Status: Cancelled" in status.visible_text  # the demo writes it on one line ...
    status.visible_text = text  # ... real shops put label and value apart
    status.html = f"<html><body><h1>Order 1042</h1>{html}</body></html>"
    return trace


@pytest.mark.parametrize("html", [DL, TH_TD, HEADER, SIDE])
def test_silent_cancellation_with_status_and_value_apart(html):
    trace = _silent(html, "Order 1042\nStatus\nCancelled\nTotal\n€44.80")
    (finding,) = findings("JA104", trace)
    assert "Status: Cancelled" in finding.message


def test_an_unrelated_cancelled_word_is_no_order_status():
    trace = _silent("<dl><dt>Newsletter</dt><dd>Cancelled</dd></dl>", "Newsletter\nCancelled")
    assert findings("JA104", trace) == []


def test_ledger_reads_the_order_state_from_a_pair():
    page = step(1, "confirmation", "Thank you\nOrder 1042\nStatus\nCancelled", html=f"<h1>Thank you</h1>{DL}")
    assert ledger.order_state(ledger.build(run(page))) == "cancelled"


def test_a_comment_between_label_and_value_does_not_part_them():
    html = "<div class='status'><!-- wp:group --><strong>Status</strong><!-- /wp:group --><span>Cancelled</span></div>"
    assert label_pairs.Pair("Status", "Cancelled") in label_pairs.read(html_tree.parse(html))


def test_template_content_is_no_pair():
    html = "<template><dl><dt>Status</dt><dd>Cancelled</dd></dl></template><dl><dt>Order</dt><dd>#1042</dd></dl>"
    assert label_pairs.read(html_tree.parse(html)) == [label_pairs.Pair("Order", "#1042")]
