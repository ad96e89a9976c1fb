"""Rules on real markup: journeys recorded from real open-source shops (tests/fixtures/shops/).

Recorded from examples/shops/<shop>/ (see its README for how each defect was switched on through
the shop's own admin and data). These tests pin what the rules get right today on markup we did
not write; benchmarks/truth.py prints the whole picture, misses and false alarms included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit.history import store
from journeyaudit.judge.engine import judge

SHOPS = Path(__file__).resolve().parents[1] / "fixtures" / "shops"
RUNS = sorted(p for p in SHOPS.glob("*/*") if (p / store.TRACE_FILE).is_file())


def _codes(shop: str, journey: str) -> set[str]:
    findings, _ = judge([store.load_run(SHOPS / shop / journey)])
    return {f.code for f in findings}


@pytest.mark.parametrize("folder", RUNS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_rule_judges_real_markup_without_error(folder):
    _, outcomes = judge([store.load_run(folder)])
    errors = [f"{o.code}: {o.detail}" for o in outcomes if o.status == "error"]
    assert errors == []


def test_corpus_has_a_real_shop():
    assert {p.parent.name for p in RUNS} >= {"shuup", "vendure"}


def test_shuup_late_tax_is_a_price_mismatch():
    """VAT added to the kettle only after the German address: 89.00 on the page, 105.91 charged."""
    assert "JA202" in _codes("shuup", "late-tax")


def test_shuup_payment_page_failure_is_reported():
    codes = _codes("shuup", "payment-provider-error")
    assert {"JA101", "JA502", "JA102", "JA705"} <= codes  # JA705: "Thank you for your order" mailed anyway


def test_shuup_announced_fee_is_not_a_late_cost():
    """The bank-transfer fee was shown next to the method where the customer chose it."""
    assert "JA201" not in _codes("shuup", "announced-fee")


def test_shuup_stock_out_is_the_page_contradicting_itself():
    """'In stock at our Berlin warehouse' in the description; 'Add to cart' disabled, 'Combination not available'."""
    assert {"JA301", "JA101"} <= _codes("shuup", "stock-out")


def _findings(shop: str, journey: str):
    findings, _ = judge([store.load_run(SHOPS / shop / journey)])
    return findings


def test_vendure_happy_path_has_no_serious_finding():
    """Remix storefront: the order code follows "Your order has been received!" (JA103 reads it), and
    Stripe.js failing to load is medium (the page offers no Stripe). Vendure's confirmation email heads
    with "Total Price $19.98" (before tax) but its summary says "Total: $22.98", as the page did: medium."""
    found = _findings("vendure", "happy-path")
    assert [f for f in found if f.severity in ("high", "critical")] == []
    assert {(f.code, f.severity) for f in found if f.code == "JA705"} == {("JA705", "medium")}


def test_shuup_happy_path_has_no_serious_finding():
    """Shuup's confirmation page says "Thank you for your order!" without the number; its email carries it."""
    found = _findings("shuup", "happy-path")
    assert [f for f in found if f.severity in ("high", "critical")] == []
    assert {(f.code, f.severity) for f in found if f.code == "JA103"} == {("JA103", "low")}


def test_vendure_stock_out_refusal_is_read_from_the_in_page_error_page():
    """The last tent sold between the steps: 'Pay' answers 400 and the storefront's error boundary says
    "400 error" / 'Cannot transition Order from "AddingItems" to "ArrangingPayment"' (document status 200)."""
    from journeyaudit.facts import message_kinds

    run = store.load_run(SHOPS / "vendure" / "stock-out")
    pay = run.steps[5]
    assert pay.http_status in (None, 200)
    assert message_kinds.error_page_status(pay) == 400
    said = message_kinds.refusal(pay)
    assert said is not None and "Cannot transition Order" in said.text
    codes = {f.code: f.severity for f in _findings("vendure", "stock-out")}
    assert codes["JA302"] == "medium" and codes["JA101"] == "critical"
    assert codes["JA505"] == "medium"  # Stripe.js is not what stopped the customer


def test_a_status_line_without_a_failed_request_is_not_an_error_page():
    from journeyaudit.facts import message_kinds

    run = store.load_run(SHOPS / "vendure" / "stock-out")
    pay = run.steps[5]
    pay.network = [e for e in pay.network if not (e.status and e.status >= 400)]
    assert message_kinds.error_page_status(pay) is None
