"""The demo shop's email over real SMTP to journeyaudit's sink, and the mail journeys' shape."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from journeyaudit.demo import DemoShop
from journeyaudit.gather.mailbox import SmtpSink
from journeyaudit.spec.journey import load_journey
from tests.unit.test_demo_shop import ADDRESS, PAYMENT, Visitor

ROOT = Path(__file__).resolve().parents[2]
MAIL_JOURNEYS = {
    "mail-order", "mail-newsletter", "duplicate-confirmation", "no-confirmation-email", "silent-cancel",
    "cheerful-cancellation", "newsletter-burst", "unsubscribe-ignored", "no-list-unsubscribe",
}


@pytest.fixture(scope="module")
def sink():
    with SmtpSink(port=0) as running:
        yield running


@pytest.fixture(scope="module")
def shop(sink):
    with DemoShop(port=0, smtp=sink.smtp_address) as running:
        running.cancel_after_seconds = 0.2
        running.burst_copies = 4
        yield running


def mail(sink, address, count, seconds=5.0):
    deadline = time.monotonic() + seconds
    while True:
        found = sink.messages(address)
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def place_order(shop, address, fault=None):
    visitor = Visitor(shop)
    visitor.get("/product/aeropress-go" + (f"?fault={fault}" if fault else "?fault=none"))
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    visitor.post("/checkout/guest", {"email": address})
    visitor.post("/checkout/shipping", ADDRESS)
    visitor.post("/checkout/payment", PAYMENT)
    page = visitor.post("/checkout/place", {})
    assert page.path.startswith("/order/KC-"), page.text[:200]
    return visitor, page.path.rsplit("/", 1)[1]


def subscribe(shop, address, fault=None):
    visitor = Visitor(shop)
    visitor.get(f"/newsletter?fault={fault or 'none'}")
    page = visitor.post("/newsletter/subscribe", {"email": address})
    assert "You're subscribed" in page.text
    return visitor


def send_newsletter(visitor):
    return visitor.post("/demo/newsletter/send", {}).json()


def test_order_confirmation_is_real_mail_with_a_link_to_the_order(shop, sink):
    visitor, number = place_order(shop, "c+order@m.test")
    (message,) = mail(sink, "c+order@m.test", 1)
    assert message.subject == f"Your Kettle & Crumb order {number} is confirmed"
    assert "Total: €44.80" in message.text and message.sender == "orders@kettleandcrumb.example"
    link = next(url for url in message.links if "/account/orders/" in url)
    assert visitor.get(link.replace(shop.url, "")).text.count("Confirmed") >= 1
    time.sleep(0.4)
    assert len(sink.messages("c+order@m.test")) == 1  # no cancellation without a fault


def test_duplicate_and_missing_confirmation(shop, sink):
    place_order(shop, "c+dup@m.test", "duplicate-confirmation")
    place_order(shop, "c+none@m.test", "no-confirmation-email")
    assert len(mail(sink, "c+dup@m.test", 3, seconds=1.0)) == 2
    assert mail(sink, "c+none@m.test", 1, seconds=0.5) == []


@pytest.mark.parametrize("fault", ["silent-cancel", "cheerful-cancellation"])
def test_stock_check_cancels_the_order(shop, sink, fault):
    address = f"c+{fault}@m.test"
    visitor, number = place_order(shop, address, fault)
    assert "Cancelled" in visitor.get(f"/account/orders/{number}").text
    messages = mail(sink, address, 2, seconds=1.0)
    if fault == "silent-cancel":
        assert [m.subject for m in messages] == [f"Your Kettle & Crumb order {number} is confirmed"]
    else:
        assert messages[-1].subject == f"Your Kettle & Crumb order {number} has been cancelled"
        assert "Thank you for your order" in messages[-1].text


def test_newsletter_has_one_click_headers_and_unsubscribe_is_honoured(shop, sink):
    visitor = subscribe(shop, "c+news@m.test")
    send_newsletter(visitor)
    (issue,) = mail(sink, "c+news@m.test", 1)
    assert issue.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = issue.headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe in issue.links
    path = unsubscribe.replace(shop.url, "")
    assert "Unsubscribe from Brew notes?" in visitor.get(path).text
    assert "You have been unsubscribed" in visitor.post(path, {"List-Unsubscribe": "One-Click"}).text
    send_newsletter(visitor)
    time.sleep(0.5)
    assert len(sink.messages("c+news@m.test")) == 1


@pytest.mark.parametrize("fault", ["unsubscribe-ignored", "newsletter-burst", "no-list-unsubscribe"])
def test_newsletter_faults(shop, sink, fault):
    address = f"c+{fault}@m.test"
    visitor = subscribe(shop, address, fault)
    send_newsletter(visitor)
    if fault == "newsletter-burst":
        assert len(mail(sink, address, shop.burst_copies)) == shop.burst_copies
        return
    (issue,) = mail(sink, address, 1)
    if fault == "no-list-unsubscribe":
        assert "List-Unsubscribe" not in issue.headers and "Unsubscribe" in issue.text
        return
    visitor.post(issue.headers["List-Unsubscribe"].strip("<>").replace(shop.url, ""), {})
    send_newsletter(visitor)
    assert len(mail(sink, address, 2)) == 2


def test_no_sink_never_hangs_or_fails_the_shop():
    with DemoShop(port=0) as plain:  # no SMTP address: mail is only kept in the outbox
        started = time.monotonic()
        place_order(plain, "c@m.test")
        assert plain.outbox and time.monotonic() - started < 5
    with SmtpSink(port=0) as gone:
        dead = gone.smtp_address
    with DemoShop(port=0, smtp=dead) as broken:  # a sink that is down: the order still goes through
        _, number = place_order(broken, "c@m.test")
        assert number.startswith("KC-") and broken.postman.drain() and broken.postman.failed == 1


def test_a_silent_mail_server_never_slows_a_page():
    with socket.socket() as silent:  # accepts connections (backlog) and never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        with DemoShop(port=0, smtp=silent.getsockname()[:2]) as shop:
            started = time.monotonic()
            visitor = subscribe(shop, "c@m.test", "newsletter-burst")
            send_newsletter(visitor)
            place_order(shop, "c@m.test", "duplicate-confirmation")
            assert time.monotonic() - started < 3


def test_mail_journeys_validate_and_use_their_own_inbox():
    for stem in MAIL_JOURNEYS:
        path = ROOT / "journeys" / "demo" / f"{stem}.yaml"
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../../schema/journey.schema.json")
        journey = load_journey(path, {})
        assert journey.description
        first = journey.steps[0].actions[0].params["url"]
        fault = "none" if stem.startswith("mail-") else stem
        assert first.endswith(f"?fault={fault}"), first
        fills = [a.params["value"] for s in journey.steps for a in s.actions if a.name == "fill"]
        assert "{inbox}" in fills
        assert any(s.role == "email" for s in journey.steps)


def test_the_newsletter_trigger_mails_only_the_callers_subscriptions(shop, sink):
    """Journeys in parallel (--workers): one journey's trigger never adds mail to another's inbox."""
    mine = subscribe(shop, "c+mine@m.test")
    theirs = subscribe(shop, "c+theirs@m.test", "newsletter-burst")
    assert send_newsletter(theirs)["recipients"] == 1
    assert len(mail(sink, "c+theirs@m.test", shop.burst_copies)) == shop.burst_copies
    time.sleep(0.3)
    assert sink.messages("c+mine@m.test") == []
    assert send_newsletter(mine)["recipients"] == 1
    assert len(mail(sink, "c+mine@m.test", 1)) == 1
    assert len(sink.messages("c+theirs@m.test")) == shop.burst_copies
