"""The demo audit, end to end: real Chromium, real HTTP, the real command line.

One `journeyaudit run audits/demo.yaml --workers 2` is shared by the tests of this module;
each asserts something a user of the tool relies on. Two journeys at a time, as `make demo` runs
them: much of a journey is waiting on the shop, so the module takes about half as long (one
worker's output, with its "running N steps" lines, is tested by test_workers.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from journeyaudit.history import store
from journeyaudit.model import severity_rank

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
CARD = "4242 4242 4242 4242"

# fault journey -> the codes it must produce (it may produce more)
EXPECTED = {
    "server-error": {"JA101", "JA502"},
    "late-fee": {"JA201"},
    "stock-out": {"JA301"},
    "payment-refused": {"JA102"},
    "generic-error": {"JA302"},
    "slow-step": {"JA401"},
    "console-error": {"JA501"},
    "js-exception": {"JA503"},
    "failing-request": {"JA502"},
    "price-mismatch": {"JA202"},
    "no-order-number": {"JA103"},
    "late-validation": {"JA303"},
    "input-lost": {"JA304"},
    "card-cleared": {"JA105"},
    "forced-account": {"JA601"},
    "long-form": {"JA602"},
    "no-autocomplete": {"JA603"},
    "unlabeled-fields": {"JA604"},
    "sneaked-item": {"JA203"},
    "delivery-drift": {"JA204"},
    "cheerful-failure": {"JA305", "JA102"},
    "dead-click": {"JA402"},
    "insecure-checkout": {"JA504"},
    "payment-frame-failed": {"JA505"},
    "a11y-violations": {"JA605"},
    "quiet-stock-out": {"JA301"},
    "postcode-mask": {"JA606"},
    # email (issue #5): real SMTP from the demo shop to journeyaudit's sink on loopback
    "mail-order": set(),
    "mail-newsletter": set(),
    "duplicate-confirmation": {"JA701"},
    "no-confirmation-email": {"JA702"},
    "unsubscribe-ignored": {"JA703"},
    "no-list-unsubscribe": {"JA704"},
    "newsletter-burst": {"JA701"},
    "cheerful-cancellation": {"JA705"},
    "silent-cancel": {"JA104"},
    # journeys/demo/probes.yaml: variants generated from its happy path find the faults by themselves
    "probes~decline-stripe-generic": {"JA102", "JA105", "JA302"},
    "probes~bad-email": {"JA303"},
    "probes~short-postcode": {"JA303", "JA304"},
    "probes~card-typo": {"JA303"},
    "probes~expired-date": {"JA303"},
    "probes~fail-shipping-rates": {"JA302"},
}
# the happy path the probes are generated from (it must stay clean, like happy-path)
PROBE_RUNS = {"probes"}


def cli(*args: str, timeout: float = 1500, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout, **kwargs)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    done = cli("run", "audits/demo.yaml", "--out", str(out), "--workers", "2")
    folders = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink()]
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(folders) == 1, folders
    folder = folders[0]
    return done, folder, store.load_result(folder / "result.json")


def codes_by_journey(result) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {run.journey_id: set() for run in result.runs}
    for finding in result.findings:
        found[finding.journey].add(finding.code)
    return found


def test_every_demo_journey_ran(demo_run):
    _, _, result = demo_run
    ids = {run.journey_id for run in result.runs}
    assert ids == {"happy-path", *EXPECTED, *PROBE_RUNS}
    assert not result.errors, result.errors
    assert all(run.status != "error" for run in result.runs)


def test_happy_path_has_no_serious_finding(demo_run):
    _, _, result = demo_run
    happy = next(run for run in result.runs if run.journey_id == "happy-path")
    assert happy.status == "passed" and happy.steps_passed == happy.steps_total == 7
    serious = [f for f in result.findings if f.journey == "happy-path" and severity_rank(f.severity) >= 2]
    assert serious == []


@pytest.mark.parametrize("journey", sorted(EXPECTED))
def test_each_fault_journey_finds_its_problem(demo_run, journey):
    _, _, result = demo_run
    found = codes_by_journey(result)[journey]
    assert EXPECTED[journey] <= found, f"{journey}: expected {EXPECTED[journey]}, found {found}"


def test_live_progress_and_summary_are_printed(demo_run):
    done, folder, result = demo_run
    total = len(result.runs)
    lines = [line for line in done.stdout.splitlines() if line.startswith("[")]
    width = len(str(total))
    assert [line.split("]")[0] for line in lines] == [f"[{n:>{width}}/{total}" for n in range(1, total + 1)], done.stdout
    ids = [line.split("]", 1)[1].split()[0] for line in lines]  # one line per journey, as each ends
    assert sorted(ids) == sorted(run.journey_id for run in result.runs)
    assert any(line.split("]", 1)[1].split()[:2] == ["happy-path", "7/7"] for line in lines), done.stdout
    assert "Report: " in done.stdout and str(folder / "report.html") in done.stdout
    assert "fail_on is 'none'" in done.stdout


def test_report_traces_and_result_are_on_disk(demo_run):
    _, folder, result = demo_run
    html = (folder / "report.html").read_text()
    assert "Content-Security-Policy" in html
    assert "data:image/jpeg;base64," in html
    assert result.schema_version == 1 and result.browser.startswith("Chromium")
    for run in result.runs:
        trace = store.load_run(folder / run.trace)
        assert trace.steps[0].url.startswith("http://127.0.0.1:")
        assert trace.steps[0].visible_text
        if trace.steps[0].role == "product":  # the newsletter journeys start elsewhere
            assert trace.steps[0].structured_data, "the product page's JSON-LD is recorded"
        assert any(entry.resource_type == "document" for entry in trace.steps[0].network)


def test_card_number_never_reaches_disk(demo_run):
    _, folder, _ = demo_run
    variants = [CARD.encode(), CARD.replace(" ", "").encode()]
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(v in data for v in variants), f"card number written to {path}"
    payment = store.load_run(folder / "traces" / "happy-path").steps[4]
    assert payment.role == "payment"
    card_fields = [f for f in payment.fields if f.autocomplete == "cc-number"]
    assert card_fields and card_fields[0].secret and card_fields[0].has_value


def test_rejudging_saved_traces_needs_no_browser(demo_run, tmp_path):
    _, folder, result = demo_run
    env = {**os.environ, "JOURNEYAUDIT_BROWSER_PATH": "/nonexistent/chromium"}
    done = cli("audit", str(folder), "--out", str(tmp_path), "--profile", "audits/demo.yaml", env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    again = store.load_result(tmp_path / "result.json")
    assert codes_by_journey(again) == codes_by_journey(result)
    assert (tmp_path / "report.html").is_file()
    rendered = cli("report", str(tmp_path / "result.json"), "--out", str(tmp_path / "again.html"))
    assert rendered.returncode == 0 and (tmp_path / "again.html").stat().st_size > 10_000


def test_result_json_is_plain_json_with_a_schema_version(demo_run):
    _, folder, _ = demo_run
    data = json.loads((folder / "result.json").read_text())
    assert data["schema_version"] == 1
    assert {"audit", "base_url", "runs", "findings", "outcomes", "fail_on"} <= set(data)


def test_the_promise_ledger_is_in_result_json_and_the_report(demo_run):
    from journeyaudit.facts import ledger

    _, folder, result = demo_run
    books = {book.journey: book for book in result.ledgers}
    assert set(books) == {run.journey_id for run in result.runs}
    happy = books["happy-path"]
    assert ledger.final_total(happy).amount == "44.80" and ledger.order_state(happy) == "confirmed"
    assert happy.changes == []
    drift = [(c.kind, c.before, c.after) for c in books["delivery-drift"].changes]
    assert ("delivery", "3-5 days", "7-10 days") in drift
    html = (folder / "report.html").read_text()
    # a table for every journey whose shop made a claim the ledger shows (prices, items, states...);
    # a newsletter journey's page notices alone make no table
    from journeyaudit.report.ledger_view import table

    shown = [book.journey for book in result.ledgers if table(book, {}).rows]
    assert {"happy-path", "late-fee", "delivery-drift"} <= set(shown)
    assert html.count("Promise ledger: what was promised where") == len(shown)


def test_same_origin_json_answers_are_kept_for_the_ledger(demo_run):
    _, folder, _ = demo_run
    product = store.load_run(folder / "traces" / "happy-path").steps[0]
    [recs] = [e for e in product.network if "/api/recommendations" in e.url]
    assert recs.body["product"] == "aeropress-go" and recs.body["items"], "the fetch's JSON answer is recorded"
    assert all(e.body is None for e in product.network if e.resource_type in ("document", "script", "image"))
def test_mail_journeys_capture_real_smtp_and_the_clean_ones_have_no_findings(demo_run):
    _, folder, result = demo_run
    assert not [f for f in result.findings if f.journey in ("mail-order", "mail-newsletter")]
    order = store.load_run(folder / "traces" / "mail-order")
    assert [m.subject.endswith("is confirmed") for m in order.emails] == [True]
    assert order.emails[0].id.startswith("smtp-") and order.emails[0].step in (7, 8)  # see test_mail.py
    burst = store.load_run(folder / "traces" / "newsletter-burst")
    assert len(burst.emails) == 12 and {m.step for m in burst.emails} == {2}
