"""Probes end to end: generated variants, real Chromium, the real demo shop over HTTP.

One audit runs two happy paths with probes:

* journeys/demo/probes.yaml, in a shop switched to ``late-decline`` (and the forms
  faults): its decline card must surface only at 'Place order' (JA102), with a
  generic message (JA302) and the card form wiped; its failing shipping-rates API
  must give the customer a vague message (JA302);
* the plain happy path with probes, in the shop as it behaves by default: the
  decline cards (Stripe's and Adyen's, which needs the name on the card) are
  refused where the card was typed, with a specific message, name and expiry
  kept, and nothing is reported; an aborted shipping-rates request is told.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from journeyaudit.audit import run_audit
from journeyaudit.gather.browser import find_browser
from journeyaudit.history import store
from journeyaudit.spec.config import resolve

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "journeys" / "demo"


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("probes")
    happy = (DEMO / "happy-path.yaml").read_text(encoding="utf-8")
    (folder / "good-shop.yaml").write_text(
        happy.rstrip()
        + """

probes:
  decline_cards: {cards: [stripe-generic, adyen-refused]}
  faults:
    - {url: "**/api/shipping-rates*", abort: true}
    - {url: "**/api/shipping-rates*", delay_ms: 1500}
""",
        encoding="utf-8",
    )
    profile = folder / "audit.yaml"
    profile.write_text(
        f"""
name: probes-e2e
demo_shop: true
journeys: ["{DEMO / 'probes.yaml'}", "good-shop.yaml"]
journeys_root: /   # the demo's journey from the repository, beside this temporary folder's
fail_on: none
timeouts: {{action_ms: 5000}}
rules:
  options:
    JA401: {{budget_ms: 15000}}
accessibility: false   # axe-core is the demo audit's, probes included (a third of each journey's time here)
""",
        encoding="utf-8",
    )
    settings = resolve([str(profile)], {"out": str(folder / "reports"), "workers": 1}, env={})  # as conftest pins
    result, out_dir = run_audit(settings, find_browser(settings.browser_path))
    summaries = {s.journey_id: s for s in result.runs}
    codes: dict[str, set[str]] = {s.journey_id: set() for s in result.runs}
    for finding in result.findings:
        codes[finding.journey].add(finding.code)
    return result, out_dir, summaries, codes


def test_every_variant_ran_after_its_happy_path(probed):
    result, _, summaries, _ = probed
    assert [s.journey_id for s in result.runs] == [
        "probes",
        "probes~decline-stripe-generic",
        "probes~bad-email",
        "probes~short-postcode",
        "probes~card-typo",
        "probes~expired-date",
        "probes~fail-shipping-rates",
        "good-shop",
        "good-shop~decline-stripe-generic",
        "good-shop~decline-adyen-refused",
        "good-shop~abort-shipping-rates",
        "good-shop~delay-shipping-rates",
    ]
    assert not result.errors and all(s.status == "passed" for s in result.runs)
    assert summaries["probes"].probe is None and summaries["probes"].steps_passed == 7
    assert summaries["probes~bad-email"].probe.of == "probes"


def test_late_decline_is_found_by_the_generated_decline_card(probed):
    _, out_dir, summaries, codes = probed
    assert codes["probes"] == set(), "the happy path itself stays clean"
    assert {"JA102", "JA105", "JA302"} <= codes["probes~decline-stripe-generic"]
    assert not {"JA101", "JA103", "JA401", "JA502"} & codes["probes~decline-stripe-generic"], "consequential noise"
    outcome = summaries["probes~decline-stripe-generic"].probe_outcome
    assert outcome.verdict == "refused-late"
    assert outcome.refused_step == "Confirmation"
    assert "Error processing request" in outcome.message
    assert {"Name on card", "Card number"} <= set(outcome.lost) and outcome.kept == []
    trace = store.load_run(out_dir / summaries["probes~decline-stripe-generic"].trace)
    assert trace.steps[-1].probe_stop and trace.steps[-1].http_status == 402


def test_bad_inputs_end_where_the_shop_refuses_them_without_noise(probed):
    _, _, summaries, codes = probed
    where = {
        "probes~bad-email": ("Shipping address", "email address in the correct format"),
        "probes~short-postcode": ("Payment", "real postcode"),
        "probes~card-typo": ("Review order", "mistyped digit"),
        "probes~expired-date": ("Review order", "expired"),
    }
    for journey, (step, words) in where.items():
        outcome = summaries[journey].probe_outcome
        assert outcome.refused_step == step, (journey, outcome.summary)
        assert words in outcome.message, (journey, outcome.message)
        assert not {"JA101", "JA103", "JA401", "JA502"} & codes[journey], (journey, codes[journey])
    # the shop checks only after submit (late-validation) and empties the address (input-lost)
    assert all("JA303" in codes[journey] for journey in where)
    assert "JA304" in codes["probes~short-postcode"]
    postcode = summaries["probes~short-postcode"].probe_outcome
    assert {"Full name", "Street address", "Town or city"} <= set(postcode.lost)


def test_a_failing_shipping_rates_api_is_told_vaguely(probed):
    _, out_dir, summaries, codes = probed
    assert "JA302" in codes["probes~fail-shipping-rates"]
    assert "JA502" not in codes["probes~fail-shipping-rates"], "the probe failed that request itself"
    outcome = summaries["probes~fail-shipping-rates"].probe_outcome
    assert outcome.verdict == "told" and outcome.message == "An error occurred. Please try again later."
    trace = store.load_run(out_dir / summaries["probes~fail-shipping-rates"].trace)
    rates = [e for s in trace.steps for e in s.network if "/api/shipping-rates" in e.url]
    assert rates and all(e.status == 503 for e in rates)


def test_the_default_shop_refuses_decline_cards_where_they_are_typed(probed):
    _, _, summaries, codes = probed
    for journey in ("good-shop~decline-stripe-generic", "good-shop~decline-adyen-refused"):
        outcome = summaries[journey].probe_outcome
        assert outcome.verdict == "refused-promptly", outcome.summary
        assert outcome.refused_step == "Review order"
        assert outcome.message.startswith("Your card was declined")
        assert {"Name on card", "Expiry date (MM/YY)"} <= set(outcome.kept)
        assert codes[journey] == set(), (journey, codes[journey])
    assert codes["good-shop"] == set()


def test_an_aborted_request_is_a_network_failure_the_customer_is_told_about(probed):
    _, out_dir, summaries, codes = probed
    outcome = summaries["good-shop~abort-shipping-rates"].probe_outcome
    assert outcome.verdict == "told"
    trace = store.load_run(out_dir / summaries["good-shop~abort-shipping-rates"].trace)
    rates = [e for s in trace.steps for e in s.network if "/api/shipping-rates" in e.url]
    assert rates and all(e.failure for e in rates)
    assert "JA502" not in codes["good-shop~abort-shipping-rates"]


def test_report_lists_the_probes_and_no_test_card_reaches_disk(probed):
    _, out_dir, _, _ = probed
    html = (out_dir / "report.html").read_text(encoding="utf-8")
    assert "<h2>Probes</h2>" in html and "Refused late" in html and "Refused where it was typed" in html
    numbers = ["4000 0000 0000 0002", "4000000000000002", "4111 1111 4555 1142", "4242 4242 4242 4243"]
    for path in out_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            leaked = [n for n in numbers if n.encode() in data]
            assert not leaked, f"{leaked} written to {path}"
    assert re.search(r"ending 0002", html)


def test_a_delayed_request_arrives_late_and_the_journey_goes_on(probed):
    _, out_dir, summaries, codes = probed
    summary = summaries["good-shop~delay-shipping-rates"]
    assert summary.status == "passed" and summary.steps_passed == 7
    assert summary.probe_outcome.verdict == "waited", summary.probe_outcome.summary
    trace = store.load_run(out_dir / summary.trace)
    rates = [e for s in trace.steps for e in s.network if "/api/shipping-rates" in e.url]
    assert rates and rates[0].status == 200 and rates[0].duration_ms >= 1400
    assert codes["good-shop~delay-shipping-rates"] == set()
