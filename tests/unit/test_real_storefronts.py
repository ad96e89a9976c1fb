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
    assert {p.parent.name for p in RUNS} >= {"shuup"}


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
