"""Fingerprints: the same problem in two recordings hashes the same; different problems differ."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest

from journeyaudit.history import store
from journeyaudit.history.fingerprint import assign, compare_findings, fingerprint, fingerprint_parts, normalise
from journeyaudit.judge.engine import judge
from journeyaudit.model import Evidence, Finding

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "traces"
JOURNEYS = sorted(p.name for p in FIXTURES.iterdir() if (p / store.TRACE_FILE).is_file())


def rerecorded(journey_id: str, tmp_path: Path, *, port: int = 38211, order_shift: int = 517, slower: float = 1.13):
    """The fixture as a second recording of the same journey would look: another port,
    another order number, other durations and start times."""
    source = FIXTURES / journey_id
    target = tmp_path / journey_id
    shutil.copytree(source, target)

    def rewrite(text: str) -> str:
        text = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", text)
        return re.sub(r"KC-(\d{5})", lambda m: f"KC-{int(m.group(1)) + order_shift}", text)

    for html in target.glob("*.html"):
        html.write_text(rewrite(html.read_text(encoding="utf-8")), encoding="utf-8")
    data = json.loads(rewrite((target / store.TRACE_FILE).read_text(encoding="utf-8")))
    data["started_at"] = (data.get("started_at") or 0) + 86400
    data["duration_ms"] = (data.get("duration_ms") or 0) * slower
    for step in data["steps"]:
        step["started_at"] = (step.get("started_at") or 0) + 86400
        step["duration_ms"] = (step.get("duration_ms") or 0) * slower
        for action in step.get("actions", []):
            action["duration_ms"] = (action.get("duration_ms") or 0) * slower
        for entry in step.get("network", []):
            if entry.get("duration_ms") is not None:
                entry["duration_ms"] *= slower
    for message in data.get("emails", []):  # mail arrives a day later too
        message["received_at"] = (message.get("received_at") or 0) + 86400
    (target / store.TRACE_FILE).write_text(json.dumps(data), encoding="utf-8")
    return store.load_run(target)


def findings_of(run) -> list[Finding]:
    findings, _ = judge([run])
    return assign(findings)


@pytest.mark.parametrize("journey_id", JOURNEYS)
def test_a_second_recording_of_the_same_journey_gives_the_same_fingerprints(journey_id, tmp_path):
    first = findings_of(store.load_run(FIXTURES / journey_id))
    second = findings_of(rerecorded(journey_id, tmp_path))
    assert [f.code for f in first] == [f.code for f in second]
    for a, b in zip(first, second):
        assert a.fingerprint == b.fingerprint, (fingerprint_parts(a), fingerprint_parts(b))


def test_the_rewritten_copy_really_differs(tmp_path):
    """Guard for the test above: ports, order numbers and durations did change."""
    original = store.load_run(FIXTURES / "failing-request")
    copy_ = rerecorded("failing-request", tmp_path)
    assert original.base_url != copy_.base_url
    assert findings_of(original)[0].message != findings_of(copy_)[0].message
    slow = findings_of(rerecorded("slow-step", tmp_path / "x"))
    assert [f.code for f in slow] == ["JA401"]
    assert slow[0].message != findings_of(store.load_run(FIXTURES / "slow-step"))[0].message


def test_different_problems_have_different_fingerprints():
    prints = []
    for journey_id in JOURNEYS:
        prints += [f.fingerprint for f in findings_of(store.load_run(FIXTURES / journey_id))]
    assert len(prints) >= 12
    assert len(prints) == len(set(prints))
    assert all(re.fullmatch(r"[0-9a-f]{16}", p) for p in prints)


def test_step_name_counts_not_step_index():
    finding = Finding(
        code="JA302", journey="checkout", step=4, step_name="Payment",
        evidence=[Evidence("text", "Message shown at 'Payment' (step 4)", "Something went wrong", 4)],
    )
    moved = copy.deepcopy(finding)
    moved.step = 5
    moved.evidence[0].label = "Message shown at 'Payment' (step 5)"
    moved.evidence[0].step = 5
    assert fingerprint(moved) == fingerprint(finding)
    renamed = copy.deepcopy(finding)
    renamed.step_name = "Pay"
    assert fingerprint(renamed) != fingerprint(finding)
    other_journey = copy.deepcopy(finding)
    other_journey.journey = "checkout-as-member"
    assert fingerprint(other_journey) != fingerprint(finding)
    other_rule = copy.deepcopy(finding)
    other_rule.code = "JA305"
    assert fingerprint(other_rule) != fingerprint(finding)


def test_amounts_and_phrases_are_kept_timing_is_dropped():
    fee = findings_of(store.load_run(FIXTURES / "late-fee"))[0]
    assert fee.code == "JA201"
    dearer = copy.deepcopy(fee)
    dearer.evidence[0].value = "Service fee €3.95"
    assert fingerprint(dearer) != fingerprint(fee)
    other_words = copy.deepcopy(fee)
    other_words.evidence[0].value = "Handling fee €2.95"
    assert fingerprint(other_words) != fingerprint(fee)

    slow = findings_of(store.load_run(FIXTURES / "slow-step"))[0]
    changed = copy.deepcopy(slow)
    for evidence in changed.evidence:
        evidence.value = "9.9 s"
    changed.message = "The customer waited 9.9 s"
    assert fingerprint(changed) == fingerprint(slow)


def test_message_and_whitespace_do_not_count():
    finding = Finding(code="JA501", journey="j", step_name="Cart",
                      evidence=[Evidence("console", "Console error", "Boom:   widget\nfailed")])
    other = copy.deepcopy(finding)
    other.message = "different prose"
    other.evidence[0].value = "boom: widget failed"
    assert fingerprint(other) == fingerprint(finding)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GET http://127.0.0.1:45513/api/x?product=a&t=1 -> 500", "get /api/x -> 500"),
        ("at https://shop.example:8443/static/app.js:172:22.", "at /static/app.js."),
        ("Order KC-10240 placed", "order <order> placed"),
        ("order #10240", "order <order>"),
        ("took 6.0 s, then 1200 ms, then 2 min", "took # s, then # ms, then # min"),
        ("at 2026-11-22T10:00:01Z and 10:30 pm", "at <time> and <time>"),
        ("arrives Tue, 25 Nov 2026", "arrives <date>"),
        ("ref 550e8400-e29b-41d4-a716-446655440000 sess 3f9a8c1d2e", "ref <id> sess <id>"),
        ("Total €1,234.56 and 12,50 € and USD 9.99", "total €1,234.56 and 12,50 € and usd 9.99"),
        ("SKU KC-AP-GO-01, Cart (1), Error 500", "sku kc-ap-go-01, cart (1), error 500"),
        ("In stock — ships in 1–2 business days", "in stock — ships in 1–2 business days"),
        ("server 127.0.0.1:8080 or localhost:3000", "server <host> or <host>"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_assign_sets_fingerprints_and_keeps_existing_when_asked():
    findings = findings_of(store.load_run(FIXTURES / "payment-refused"))
    assert all(f.fingerprint for f in findings)
    findings[0].fingerprint = "keep"
    assign(findings, overwrite=False)
    assert findings[0].fingerprint == "keep"
    assign(findings)
    assert findings[0].fingerprint == fingerprint(findings[0])


def test_compare_findings_counts_duplicates():
    a = Finding(code="JA501", journey="j", step_name="Cart", severity="low", evidence=[Evidence("console", "c", "x")])
    b = Finding(code="JA502", journey="j", step_name="Cart", severity="medium", evidence=[Evidence("request", "r", "y")])
    c = Finding(code="JA302", journey="j", step_name="Cart", severity="medium", evidence=[Evidence("text", "t", "z")])
    changes = compare_findings([copy.deepcopy(a), copy.deepcopy(a), copy.deepcopy(b)], [copy.deepcopy(a), c])
    statuses = sorted((ch.code, ch.status) for ch in changes)
    assert statuses == [("JA302", "fixed"), ("JA501", "new"), ("JA501", "still_open"), ("JA502", "new")]
    assert [ch.status for ch in changes][:2] == ["new", "new"]  # new first
