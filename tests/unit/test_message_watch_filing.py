"""How the message watcher's reports are filed on steps (gather.message_watch.MessageWatch), without a browser:
times from the step's start, late reports on the step they belong to, the cap, and redaction.
The watcher's script itself is tested in a real Chromium (tests/e2e/test_message_watch.py)."""

from __future__ import annotations

from types import SimpleNamespace

from journeyaudit.gather.message_watch import MAX_MESSAGES, MessageWatch
from journeyaudit.history.store import Redactor
from journeyaudit.model import StepRecord


def _watch(secret: str = "4242424242424242"):
    recorder = SimpleNamespace(step=None, redactor=Redactor([secret]))
    return recorder, MessageWatch(recorder)


def _step(index: int, started_at: float) -> StepRecord:
    return StepRecord(index=index, name=f"Step {index}", role="other", started_at=started_at)


def test_a_message_and_its_disappearance_are_timed_from_the_step_start():
    recorder, watch = _watch()
    recorder.step = _step(1, 1000.0)
    watch.on_report(None, {"op": "shown", "doc": "d", "id": 1, "text": "  Card   declined ", "at": 1_000_250, "where": "role=alert"})
    watch.on_report(None, {"op": "gone", "doc": "d", "id": 1, "at": 1_001_250})
    [shown] = recorder.step.messages
    assert (shown.text, shown.at_ms, shown.gone_ms, shown.where) == ("Card declined", 250.0, 1250.0, "role=alert")


def test_a_report_that_arrives_after_the_next_step_began_goes_to_its_own_step():
    recorder, watch = _watch()
    first = recorder.step = _step(1, 1000.0)
    watch.on_report(None, {"op": "shown", "doc": "d", "id": 1, "text": "Added to cart", "at": 1_000_100})
    second = recorder.step = _step(2, 1002.0)
    watch.on_report(None, {"op": "shown", "doc": "d", "id": 2, "text": "Saved", "at": 1_001_500})
    watch.on_report(None, {"op": "shown", "doc": "d", "id": 3, "text": "Payment failed", "at": 1_002_300})
    assert [m.text for m in first.messages] == ["Added to cart", "Saved"]
    assert [(m.text, m.at_ms) for m in second.messages] == [("Payment failed", 300.0)]


def test_the_count_is_capped_and_secrets_are_redacted():
    recorder, watch = _watch()
    recorder.step = _step(1, 1000.0)
    watch.on_report(None, {"op": "shown", "doc": "d", "id": 0, "text": "Card 4242 4242 4242 4242 declined", "at": 1_000_001})
    for n in range(1, MAX_MESSAGES + 20):
        watch.on_report(None, {"op": "shown", "doc": "d", "id": n, "text": f"Item {n} updated", "at": 1_000_010})
    assert len(recorder.step.messages) == MAX_MESSAGES
    assert "4242" not in recorder.step.messages[0].text


def test_a_message_no_longer_on_the_page_at_the_end_is_gone():
    recorder, watch = _watch()
    step = recorder.step = _step(1, 1000.0)
    watch.on_report(None, {"op": "shown", "doc": "d", "id": 1, "text": "Saved", "at": 1_000_100})
    watch.on_report(None, {"op": "shown", "doc": "d", "id": 2, "text": "Network error", "at": 1_000_200})
    watch.close_step(step, "Your basket\nSaved\n", 900.0)
    assert [(m.text, m.gone_ms) for m in step.messages] == [("Saved", None), ("Network error", 900.0)]


def test_malformed_reports_are_ignored():
    recorder, watch = _watch()
    recorder.step = _step(1, 1000.0)
    for data in (None, "text", {"op": "shown", "id": "x", "text": "a"}, {"op": "shown", "id": 1, "text": ""}):
        watch.on_report(None, data)
    assert recorder.step.messages == []
