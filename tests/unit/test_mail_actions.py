"""The pure parts of the email actions: matching, finding a link, placing mail in the timeline."""

from __future__ import annotations

from journeyaudit.gather.mail_actions import find_link, matches, place_in_timeline
from journeyaudit.model import ActionRecord, EmailMessage, StepRecord


def message(subject="Your order KC-1 is confirmed", text="Thank you.", at=0.0, html="", links=()):
    return EmailMessage(id=subject, received_at=at, sender="orders@shop.example", subject=subject, text=text,
                        html=html, links=list(links))


def test_matches_is_case_insensitive_containment():
    m = message(text="Total: €44.80")
    assert matches(m, {}) and matches(m, {"subject": "IS CONFIRMED", "body": "total", "sender": "orders@"})
    assert not matches(m, {"subject": "cancelled"})
    assert not matches(m, {"sender": "news@"})


def test_find_link_prefers_the_link_text_then_the_url():
    html = '<a href="https://s/orders/1">View your order</a> <a href="https://s/unsubscribe?t=2">Manage</a>'
    m = message(html=html, links=["https://s/orders/1", "https://s/unsubscribe?t=2"])
    assert find_link(m, "view your ORDER") == ("View your order", "https://s/orders/1")
    assert find_link(m, "unsubscribe") == ("Manage", "https://s/unsubscribe?t=2")
    assert find_link(m, "**/orders/*") == ("View your order", "https://s/orders/1")
    assert find_link(m, "nothing") is None
    plain = message(links=["https://s/confirm?t=1"])
    assert find_link(plain, "confirm") == ("", "https://s/confirm?t=1")


def test_place_in_timeline_gives_mail_to_the_step_that_caused_it():
    steps = [
        StepRecord(index=1, name="Cart", role="cart", started_at=100.0),
        StepRecord(index=2, name="Confirmation", role="confirmation", started_at=110.0, duration_ms=2000),
        StepRecord(index=3, name="Status", role="other", started_at=120.0),
        StepRecord(index=4, name="Never reached", role="other", status="skipped"),
    ]
    early, during, between, late = message("a", at=99.0), message("b", at=111.0), message("c", at=115.0), message("d", at=130.0)
    placed = place_in_timeline([late, between, during, early], steps)
    assert [(m.subject, m.step) for m in placed] == [("a", 1), ("b", 2), ("c", 2), ("d", 3)]
    assert [m.after_ms for m in placed] == [0.0, 1000.0, 5000.0, 10000.0]


def test_a_message_a_step_waited_for_is_never_placed_after_that_step():
    """The mail server stamped it 20 ms before the next step began: within the 50 ms allowed for clocks,
    which alone would give it to that next step, though the step before had found it already."""
    waited = ActionRecord(name="wait_for_email", description="wait for Brew notes", target={"message": "mp1"})
    steps = [
        StepRecord(index=1, name="Sign-up", role="other", started_at=100.0),
        StepRecord(index=2, name="Newsletter arrives", role="email", started_at=101.0, actions=[waited]),
        StepRecord(index=3, name="Unsubscribe", role="other", started_at=102.0),
    ]
    found, unawaited = message("mp1", at=101.98), message("other", at=101.98)
    placed = place_in_timeline([found, unawaited], steps)
    assert [(m.subject, m.step) for m in placed] == [("mp1", 2), ("other", 3)]
    assert placed[0].after_ms == 980.0
