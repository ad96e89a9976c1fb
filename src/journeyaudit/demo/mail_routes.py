"""The demo shop's email side: mail after an order, stock-check cancellations, the newsletter.
"""

from __future__ import annotations

import secrets
import threading
from typing import Any

from . import mail, mail_pages, pages
from .shop import EMAIL_RE, DemoShop, _json, _Request, _Response, route

# --------------------------------------------------------------------------
# email: order mail, stock-check cancellations, newsletter (issue #5)
# --------------------------------------------------------------------------


def _after_order_placed(shop: DemoShop, order: dict[str, Any], faults: frozenset[str]) -> None:
    if "no-confirmation-email" not in faults:
        for _ in range(2 if "duplicate-confirmation" in faults else 1):
            shop.postman.send(mail.order_confirmation(order, shop.url))  # in order: before any cancellation
    if faults & {"silent-cancel", "cheerful-cancellation"}:
        order["stock_check"] = "cancel"
        timer = threading.Timer(shop.cancel_after_seconds, _run_stock_check, args=(shop, order))
        timer.daemon = True
        timer.start()


def _run_stock_check(shop: DemoShop, order: dict[str, Any]) -> None:
    """The shop's stock check: cancels an order whose stock was oversold, once."""
    with shop._lock:
        if order.get("stock_check") != "cancel":
            return
        order["stock_check"] = "done"
        order["status"] = "Cancelled"
    if "silent-cancel" in order["faults"]:
        return
    cheerful = "cheerful-cancellation" in order["faults"]
    shop.postman.send(mail.order_cancellation(order, shop.url, cheerful=cheerful))


@route("GET", "/newsletter")
def newsletter(shop: DemoShop, req: _Request) -> _Response:
    return _Response(mail_pages.newsletter_page())


@route("POST", "/newsletter/subscribe")
def newsletter_subscribe(shop: DemoShop, req: _Request) -> _Response:
    email = req.form.get("email", "").strip()
    if not EMAIL_RE.match(email):
        error = "Enter an email address in the correct format, like name@example.com"
        return _Response(mail_pages.newsletter_page(email=email, error=error), 422)
    with shop._lock:
        known = next((s for s in shop.subscribers.values() if s["email"].lower() == email.lower()), None)
        if known is None:
            known = {"token": secrets.token_urlsafe(12), "email": email}
            shop.subscribers[known["token"]] = known
        # the visitor who signed up: the campaign trigger mails only that visitor's subscriptions
        known.update(subscribed=True, faults=sorted(req.faults), session=req.session.id)
    return _Response(mail_pages.subscribed_page(email))


@route("GET", "/newsletter/unsubscribe")
def newsletter_unsubscribe_page(shop: DemoShop, req: _Request) -> _Response:
    subscriber = shop.subscribers.get(req.arg("token"))
    if subscriber is None:
        return _Response(pages.not_found_page("This unsubscribe link is not valid any more."), 404)
    return _Response(mail_pages.unsubscribe_page(subscriber["token"], subscriber["email"]))


@route("POST", "/newsletter/unsubscribe")
def newsletter_unsubscribe(shop: DemoShop, req: _Request) -> _Response:
    """The page's button and RFC 8058 one-click (List-Unsubscribe=One-Click) both end here."""
    subscriber = shop.subscribers.get(req.arg("token"))
    if subscriber is None:
        return _Response(pages.not_found_page("This unsubscribe link is not valid any more."), 404)
    if "unsubscribe-ignored" not in subscriber["faults"]:
        with shop._lock:
            subscriber["subscribed"] = False
    return _Response(mail_pages.unsubscribed_page())


@route("POST", "/demo/newsletter/send")
def newsletter_send(shop: DemoShop, req: _Request) -> _Response:
    """Stands in for the shop's campaign job: sends the next issue now, to the calling visitor's subscriptions.

    A real campaign mails every subscriber; the demo mails only the subscriptions made from
    the caller's session, so journeys running in parallel (``--workers``) never get each
    other's newsletters: one journey's trigger cannot add mail to another journey's inbox.
    """
    with shop._lock:
        shop.newsletter_issue += 1
        issue = shop.newsletter_issue
        recipients = [
            dict(s) for s in shop.subscribers.values() if s.get("subscribed") and s.get("session") == req.session.id
        ]
    sent = 0
    for subscriber in recipients:
        faults = set(subscriber["faults"])
        message = mail.newsletter(subscriber, shop.url, list_headers="no-list-unsubscribe" not in faults)
        for _ in range(shop.burst_copies if "newsletter-burst" in faults else 1):
            shop.postman.send(message)
            sent += 1
    return _json({"issue": issue, "recipients": len(recipients), "sent": sent})
