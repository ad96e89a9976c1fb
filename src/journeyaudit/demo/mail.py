"""The demo shop's outgoing email: order confirmation, cancellation, newsletter.

Real SMTP (``smtplib``) to the address the shop was given (``DemoShop(smtp=(host, port))``,
journeyaudit's own sink when an audit starts the shop). Sending never makes the shop
hang or fail: with no SMTP address the message is only kept in ``shop.outbox``; with one,
messages are queued and delivered by a background thread, so a sink that is down or
silent costs a page nothing (each message at most :data:`SMTP_TIMEOUT` seconds of the
postman's time and a line on stderr).
"""

from __future__ import annotations

import queue
import smtplib
import sys
import threading
import time
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from html import escape
from typing import Any

from .catalog import money

SMTP_TIMEOUT = 5.0
ORDERS_FROM = formataddr(("Kettle & Crumb", "orders@kettleandcrumb.example"))
NEWS_FROM = formataddr(("Kettle & Crumb", "news@kettleandcrumb.example"))
NEWS_LIST_ID = "Kettle & Crumb Brew Notes <brew-notes.kettleandcrumb.example>"


class Postman:
    """Delivers the shop's messages over SMTP from one background thread, in order, never raising.

    ``send`` only queues: a page never waits for the mail server, even one that
    accepts connections and then says nothing. One worker keeps the order in
    which the shop sent (the confirmation before a cancellation).
    """

    def __init__(self, smtp: tuple[str, int] | None = None) -> None:
        self.smtp = smtp
        self.lock = threading.Lock()
        self.sent = 0
        self.failed = 0
        self._queue: queue.Queue[EmailMessage] = queue.Queue()
        self._worker: threading.Thread | None = None

    def send(self, message: EmailMessage) -> bool:
        """Queue the message for delivery; False when the shop has no SMTP address."""
        if self.smtp is None:
            return False
        with self.lock:
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="demo-shop-postman", daemon=True)
                self._worker.start()
        self._queue.put(message)
        return True

    def drain(self, timeout: float = 10.0) -> bool:
        """Wait until every queued message was delivered or given up on (for tests and shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.02)
        return not self._queue.unfinished_tasks

    def _work(self) -> None:
        while True:
            message = self._queue.get()
            try:
                self._deliver(message)
            finally:
                self._queue.task_done()

    def _deliver(self, message: EmailMessage) -> None:
        assert self.smtp is not None
        host, port = self.smtp
        try:
            with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT) as client:
                client.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            with self.lock:
                self.failed += 1
            sys.stderr.write(f"demo shop: could not send {message['Subject']!r} via {host}:{port}: {exc}\n")
            return
        with self.lock:
            self.sent += 1


def _message(sender: str, to: str, subject: str, text: str, html: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="kettleandcrumb.example")
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def _html(title: str, paragraphs: list[str], link: tuple[str, str] | None = None, footer: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    button = f'<p><a href="{escape(link[1])}">{escape(link[0])}</a></p>' if link else ""
    return (
        f'<!doctype html><html><body style="font-family:sans-serif"><h1>{escape(title)}</h1>{body}{button}'
        f'<hr><p style="color:#666;font-size:12px">Kettle &amp; Crumb · Karl-Liebknecht-Str. 40, 04107 Leipzig{footer}</p>'
        "</body></html>"
    )


def _lines_text(order: dict[str, Any]) -> list[str]:
    out = [f"{line['quantity']} × {line['product'].name}  {money(line['line_total'])}" for line in order["lines"]]
    method = order["totals"].get("shipping_method")
    if method is not None:
        out.append(f"Shipping ({method.name})  {money(method.price)}")
    for label, amount in order["totals"].get("fees") or []:
        out.append(f"{label}  {money(amount)}")
    out.append(f"Total: {money(order['totals']['total'])}")
    return out


def order_confirmation(order: dict[str, Any], base_url: str) -> EmailMessage:
    number = order["number"]
    link = f"{base_url}/account/orders/{number}"
    name = order["address"].get("name", "").split(" ")[0] or "there"
    lines = _lines_text(order)
    text = "\n".join(
        [f"Hi {name},", "", f"Thank you for your order {number}. We're getting it ready.", "", *lines, "",
         f"View your order: {link}", "", "Kettle & Crumb"]
    )
    html = _html(
        f"Order {number} is confirmed",
        [f"Hi {escape(name)},", f"Thank you for your order {escape(number)}. We're getting it ready.",
         "<br>".join(escape(line) for line in lines)],
        ("View your order", link),
    )
    return _message(ORDERS_FROM, order["email"], f"Your Kettle & Crumb order {number} is confirmed", text, html)


def order_cancellation(order: dict[str, Any], base_url: str, *, cheerful: bool) -> EmailMessage:
    """The cancellation notice; ``cheerful`` is the canned template that forgot what happened."""
    number = order["number"]
    link = f"{base_url}/account/orders/{number}"
    total = money(order["totals"]["total"])
    if cheerful:
        paragraphs = [
            f"Thank you for your order {number}!",
            "We hope you enjoy your new coffee gear. Your order is on its way to you soon.",
            f"Order total: {total}",
        ]
    else:
        item = order["lines"][0]["product"].name if order["lines"] else "an item"
        paragraphs = [
            f"We're sorry: we had to cancel your order {number} because {item} is out of stock.",
            f"You have not been charged. The payment of {total} reserved on your card has been released.",
        ]
    text = "\n\n".join([*paragraphs, f"View your order: {link}", "Kettle & Crumb"])
    html = _html(f"Order {number}", [escape(p) for p in paragraphs], ("View your order", link))
    return _message(ORDERS_FROM, order["email"], f"Your Kettle & Crumb order {number} has been cancelled", text, html)


def newsletter(subscriber: dict[str, Any], base_url: str, *, list_headers: bool) -> EmailMessage:
    """This fortnight's issue; the same text for every reader, so one reader's copies are comparable."""
    link = f"{base_url}/newsletter/unsubscribe?token={subscriber['token']}"
    subject = "Brew notes: cold brew season is here"
    paragraphs = [
        "Cold brew needs nothing but time: 100 g of coarse coffee, a litre of water, 16 hours in the fridge.",
        "This week: the Hario Mizudashi pot, back in stock, and our Ethiopia Guji roast.",
    ]
    text = "\n\n".join([*paragraphs, f"Unsubscribe: {link}", "Kettle & Crumb"])
    html = _html(subject, [escape(p) for p in paragraphs], ("Unsubscribe", link),
                 " · You get this because you subscribed to Brew notes.")
    message = _message(NEWS_FROM, subscriber["email"], subject, text, html)
    message["List-Id"] = NEWS_LIST_ID
    message["Precedence"] = "bulk"
    if list_headers:
        message["List-Unsubscribe"] = f"<{link}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return message
