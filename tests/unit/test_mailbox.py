"""Mail capture: addresses, parsing, the SMTP sink over real SMTP, and the Mailpit adapter."""

from __future__ import annotations

import smtplib
import time
from email.message import EmailMessage as Outgoing

import pytest

from journeyaudit.gather import mailbox
from journeyaudit.gather.mailbox import MailboxError, MailpitMailbox, SmtpSink, inbox_address, parse_message
from journeyaudit.report.emails import mask_address
from tests.unit.mailpit_api import MailpitCompatible


def outgoing(to: str, subject: str = "Your order KC-1 is confirmed", *, html: str = "", headers: dict | None = None) -> Outgoing:
    message = Outgoing()
    message["From"] = "Kettle & Crumb <orders@shop.example>"
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content("Thank you for your order.\nView it: https://shop.example/orders/1\n")
    if html:
        message.add_alternative(html, subtype="html")
    return message


def deliver(smtp: tuple[str, int], *messages: Outgoing) -> None:
    with smtplib.SMTP(*smtp, timeout=5) as client:
        for message in messages:
            client.send_message(message)


def wait_for(read, count: int, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while True:
        found = read()
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_inbox_addresses_are_plus_addressed_and_unique():
    a = inbox_address("customer@mail.test", "Mail Order", "ab12")
    assert a == "customer+ab12-mail-order@mail.test"
    assert inbox_address("customer@mail.test", "mail-order", "cd34") != a
    with pytest.raises(ValueError):
        inbox_address("not-an-address", "x", "t")


def test_fill_inbox_and_mask():
    assert mailbox.fill_inbox({"selector": "#email", "value": "{inbox}"}, "c+1@m.test")["value"] == "c+1@m.test"
    assert mask_address("customer+ab12-x@mail.test") == "cu•••@mail.test"


def test_parse_message_reads_text_html_headers_and_links():
    html = '<p>Hi</p><a href="https://shop.example/unsubscribe?t=1">Unsubscribe</a><script>alert(1)</script>'
    raw = outgoing(
        "c@m.test",
        "Brew notes",
        html=html,
        headers={"List-Unsubscribe": "<https://shop.example/unsubscribe?t=1>", "X-Other": "dropped"},
    ).as_bytes()
    message = parse_message(raw, message_id="m1", received_at=100.0, envelope_to=["c@m.test", "bcc@m.test"])
    assert message.id == "m1" and message.received_at == 100.0
    assert message.sender == "orders@shop.example"
    assert message.recipients == ["c@m.test", "bcc@m.test"]
    assert message.subject == "Brew notes"
    assert message.text.startswith("Thank you for your order.")
    assert "<a href" in message.html
    assert message.headers["List-Unsubscribe"] == "<https://shop.example/unsubscribe?t=1>"
    assert "X-Other" not in message.headers
    assert message.links == ["https://shop.example/unsubscribe?t=1", "https://shop.example/orders/1"]


def test_parse_message_html_only_gets_its_text():
    message = Outgoing()
    message["From"], message["To"], message["Subject"] = "a@b.test", "c@d.test", "Hi"
    message.set_content("<h1>Order</h1><p>Total: €5.00</p>", subtype="html")
    parsed = parse_message(message.as_bytes())
    assert parsed.text == "Order\nTotal: €5.00"


def test_smtp_sink_captures_real_smtp_per_recipient():
    with SmtpSink(port=0) as sink:
        assert sink.smtp_address[1] > 0
        deliver(sink.smtp_address, outgoing("a+1@m.test"), outgoing("b+2@m.test"), outgoing("A+1@m.test", "Second"))
        mine = wait_for(lambda: sink.messages("a+1@m.test"), 2)
        assert [m.subject for m in mine] == ["Your order KC-1 is confirmed", "Second"]
        assert [m.subject for m in sink.messages("b+2@m.test")] == ["Your order KC-1 is confirmed"]
        assert sink.messages("nobody@m.test") == []
        assert mine[0].received_at <= mine[1].received_at
    assert sink.smtp_address is None  # closed


def test_smtp_sink_reports_a_port_it_cannot_bind():
    with SmtpSink(port=0) as first:
        with pytest.raises(MailboxError, match="cannot start the SMTP sink"):
            SmtpSink(port=first.smtp_address[1])


def test_mailpit_adapter_against_a_mailpit_compatible_api():
    """The adapter reads /api/v1/search and /api/v1/message/{ID}/raw of a Mailpit-compatible API.

    Not a real Mailpit: none is installable from the package registries (see
    mailpit_api.py). Not covered: Mailpit's own search language beyond to:/from:/subject:,
    its pagination defaults, authentication, and behaviour differences between versions.
    """
    with MailpitCompatible() as mailpit:
        host, port = mailpit.smtp.split(":")
        box = MailpitMailbox(mailpit.url, smtp=mailpit.smtp)
        assert box.smtp_address == (host, int(port))
        deliver(
            box.smtp_address,
            outgoing("c+1@m.test"),
            outgoing("c+10@m.test", "Not mine: Mailpit's to: search is a substring match"),
            outgoing("c+1@m.test", "Brew notes", headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}),
        )
        found = wait_for(lambda: box.messages("c+1@m.test"), 2)
        assert [m.subject for m in found] == ["Your order KC-1 is confirmed", "Brew notes"]
        assert found[1].headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert found[0].id.startswith("mp") and found[0].received_at > time.time() - 60
        assert found[0].links == ["https://shop.example/orders/1"]
        assert box.messages("nobody@m.test") == []


def test_mailpit_adapter_says_when_mailpit_cannot_be_read():
    with MailpitCompatible() as mailpit:
        url = mailpit.url
    with pytest.raises(MailboxError, match="cannot read Mailpit at http://127.0.0.1"):
        MailpitMailbox(url, timeout=2).messages("c@m.test")
