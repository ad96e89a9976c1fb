"""The demo shop's checkout: account or guest, shipping, payment (the KettlePay widget and
the payment host), review, place order, confirmation and order status, with their faults.
"""

from __future__ import annotations

import datetime as _dt
import re
import secrets
import time
from typing import Any

from journeyaudit.demo.payments import decline_reason

from . import api_routes, forms, pages
from .catalog import (  # the ledger's faults
    BY_SLUG,
    COUNTRY_NAMES,
    DRIFTED_PROMISE,
    SHIPPING_METHODS,
    plain_amount,
)
from .mail_routes import _after_order_placed, _run_stock_check
from .shop import (
    EMAIL_RE,
    EXPIRY_RE,
    PAY_HOST,
    DemoShop,
    Session,
    _json,
    _redirect,
    _Request,
    _Response,
    card_brand,
    luhn_ok,
    route,
)

# ---- checkout ---------------------------------------------------------------


def _guard(shop: DemoShop, req: _Request, stage: str) -> _Response | None:
    """Send the customer back to the first step they have not completed yet."""
    s = req.session
    if not shop._lines(s, req.faults):
        return _redirect("/cart")
    if stage in ("shipping", "payment", "review") and not s.email:
        return _redirect("/checkout")
    if stage in ("payment", "review") and not (s.address and s.shipping_method):
        return _redirect("/checkout/shipping")
    if stage == "review" and not s.card:
        return _redirect("/checkout/payment")
    return None


@route("GET", "/checkout")
def checkout_account(shop: DemoShop, req: _Request) -> _Response:
    if (redirect := _guard(shop, req, "account")) is not None:
        return redirect
    lines = shop._lines(req.session, req.faults)
    if "forced-account" in req.faults:
        return _Response(forms.forced_account_page(lines, shop._totals(lines, req.session, req.faults)))
    return _Response(
        pages.checkout_account_page(lines, shop._totals(lines, req.session, req.faults), guest_email=req.session.email)
    )


@route("POST", "/checkout/guest")
def checkout_guest(shop: DemoShop, req: _Request) -> _Response:
    if (redirect := _guard(shop, req, "account")) is not None:
        return redirect
    if "forced-account" in req.faults:
        return _redirect("/checkout")  # no guest checkout in this shop
    email = req.form.get("email", "").strip()
    error = ""
    if not email:
        error = "Enter your email address"
    elif not EMAIL_RE.match(email):
        error = "Enter an email address in the correct format, like name@example.com"
    if error:
        lines = shop._lines(req.session, req.faults)
        page = pages.checkout_account_page(
            lines, shop._totals(lines, req.session, req.faults), guest_email=email, guest_error=error
        )
        return _Response(page, 422)
    req.session.email = email
    return _redirect("/checkout/shipping")


@route("POST", "/checkout/signin")
def checkout_signin(shop: DemoShop, req: _Request) -> _Response:
    if (redirect := _guard(shop, req, "account")) is not None:
        return redirect
    # The demo shop has no customer accounts yet: every sign-in is refused, politely and specifically.
    email = req.form.get("email", "").strip()
    lines = shop._lines(req.session, req.faults)
    if not email or not req.form.get("password"):
        message = "Enter your email address and password to sign in."
    else:
        message = "The email address or password is incorrect. You can also continue as a guest."
    page = pages.checkout_account_page(
        lines, shop._totals(lines, req.session, req.faults), signin_email=email, signin_error=message
    )
    return _Response(page, 401)


def _shipping_values(session: Session) -> dict[str, str]:
    values = dict(session.address)
    values["shipping_method"] = session.shipping_method
    return values


@route("GET", "/checkout/shipping")
def checkout_shipping(shop: DemoShop, req: _Request) -> _Response:
    if (redirect := _guard(shop, req, "shipping")) is not None:
        return redirect
    lines = shop._lines(req.session, req.faults)
    return _Response(
        pages.shipping_page(
            lines,
            shop._totals(lines, req.session, req.faults),
            email=req.session.email,
            values=_shipping_values(req.session),
            errors={},
            mask_postcode="postcode-mask" in req.faults,
        )
    )


@route("POST", "/checkout/shipping")
def checkout_shipping_submit(shop: DemoShop, req: _Request) -> _Response:
    if (redirect := _guard(shop, req, "shipping")) is not None:
        return redirect
    if "server-error" in req.faults:
        return _Response(pages.BARE_500, 500)
    f = {key: req.form.get(key, "").strip() for key in ("name", "street", "postal_code", "city", "country", "shipping_method")}
    errors: dict[str, str] = {}
    if not f["name"]:
        errors["full-name"] = "Enter your full name"
    if not f["street"]:
        errors["street-address"] = "Enter your street and house number"
    if not f["postal_code"]:
        errors["postal-code"] = "Enter your postcode"
    elif not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 -]{2,9}", f["postal_code"]):
        errors["postal-code"] = "Enter a real postcode, like 10115"
    if not f["city"]:
        errors["city"] = "Enter your town or city"
    if f["country"] not in COUNTRY_NAMES:
        errors["country"] = "Choose the country we should deliver to"
    if f["shipping_method"] not in SHIPPING_METHODS:
        errors["shipping_method"] = "Choose a shipping method: Standard or Express"
    if "long-form" in req.faults:
        errors.update(forms.long_form_errors(req.form))
    if errors:
        lines = shop._lines(req.session, req.faults)
        shown = {} if "input-lost" in req.faults else f
        page = pages.shipping_page(
            lines, shop._totals(lines, req.session, req.faults), email=req.session.email, values=shown, errors=errors
        )
        return _Response(page, 422)
    with shop._lock:
        req.session.address = {k: f[k] for k in ("name", "street", "postal_code", "city", "country")}
        req.session.shipping_method = f["shipping_method"]
    if "slow-step" in req.faults:
        time.sleep(shop.slow_step_seconds)
    return _redirect("/checkout/payment")


@route("GET", "/checkout/payment")
def checkout_payment(shop: DemoShop, req: _Request) -> _Response:
    if (redirect := _guard(shop, req, "payment")) is not None:
        return redirect
    s = req.session
    lines = shop._lines(s, req.faults)
    values = {"card_name": (s.card or {}).get("name", "") or s.address.get("name", ""), "card_expiry": (s.card or {}).get("expiry", "")}
    return _Response(
        pages.payment_page(
            lines,
            shop._totals(lines, s, req.faults, stage="payment"),
            email=s.email,
            address=s.address,
            values=values,
            errors={},
            **_payment_form(shop, req),
        )
    )


def _validate_card(form: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(errors, card) — card holds brand, last4, expiry and name, never the number or CVC."""
    errors: dict[str, str] = {}
    name = form.get("card_name", "").strip()
    number = form.get("card_number", "")
    digits = re.sub(r"[\s-]", "", number)
    expiry = form.get("card_expiry", "").strip()
    cvc = form.get("card_cvc", "").strip()
    if not name:
        errors["card-name"] = "Enter the name as it appears on your card"
    if not digits:
        errors["card-number"] = "Enter your card number"
    elif not digits.isdigit():
        errors["card-number"] = "Card numbers contain only digits (spaces are fine)"
    elif not 12 <= len(digits) <= 19:
        errors["card-number"] = "Card numbers are 12 to 19 digits long; check the number on your card"
    elif not luhn_ok(digits):
        errors["card-number"] = "This card number is not valid; check for a mistyped digit"
    match = EXPIRY_RE.match(expiry)
    month = year = 0
    if not expiry:
        errors["card-expiry"] = "Enter the expiry date as MM/YY"
    elif not match or not 1 <= int(match.group(1)) <= 12:
        errors["card-expiry"] = "Enter the expiry date as MM/YY, like 08/27"
    else:
        month, year = int(match.group(1)), int(match.group(2))
        year = year + 2000 if year < 100 else year
        today = _dt.date.today()
        if (year, month) < (today.year, today.month):
            errors["card-expiry"] = "This card has expired; use a card with a future expiry date"
    if not cvc:
        errors["card-cvc"] = "Enter the security code from your card"
    elif not (cvc.isdigit() and len(cvc) in (3, 4)):
        errors["card-cvc"] = "The security code is the 3 digits on the back of your card (4 on the front for Amex)"
    card = {}
    if not errors:
        card = {"brand": card_brand(digits), "last4": digits[-4:], "expiry": f"{month:02d}/{year % 100:02d}", "name": name}
    return errors, card


@route("POST", "/checkout/payment")
def checkout_payment_submit(shop: DemoShop, req: _Request) -> _Response:
    if (redirect := _guard(shop, req, "payment")) is not None:
        return redirect
    errors, card = _validate_card(req.form)
    s = req.session
    if errors:
        lines = shop._lines(s, req.faults)
        values = {"card_name": req.form.get("card_name", ""), "card_expiry": req.form.get("card_expiry", "")}
        if "card-cleared" in req.faults:
            values = {}
        page = pages.payment_page(
            lines,
            shop._totals(lines, s, req.faults, stage="payment"),
            email=s.email,
            address=s.address,
            values=values,
            errors=errors,
        )
        return _Response(page, 422)
    declined = decline_reason(req.form.get("card_number", ""), req.form.get("card_name", ""))
    if declined is not None and "late-decline" not in req.faults:
        # the shop asks the bank right away: the refusal is where the card was typed, name and expiry kept
        lines = shop._lines(s, req.faults)
        values = {"card_name": req.form.get("card_name", ""), "card_expiry": req.form.get("card_expiry", "")}
        if "card-cleared" in req.faults:
            values = {}
        page = pages.payment_page(
            lines,
            shop._totals(lines, s, req.faults, stage="payment"),
            email=s.email,
            address=s.address,
            values=values,
            errors={"card-number": decline_message(declined)},
        )
        return _Response(page, 402)
    if declined is not None:
        card["declined"] = declined
    s.card = card
    return _redirect("/checkout/review")


@route("GET", "/checkout/review")
def checkout_review(shop: DemoShop, req: _Request) -> _Response:
    flashes = req.session.pop_flashes()
    if (redirect := _guard(shop, req, "review")) is not None:
        req.session.flashes.extend(flashes)  # keep them for the page we send the customer to
        return redirect
    s = req.session
    lines = shop._lines(s, req.faults)
    assert s.card is not None
    return _Response(
        pages.review_page(
            lines,
            shop._totals(lines, s, req.faults, stage="review"),
            email=s.email,
            address=s.address,
            card=s.card,
            flashes=flashes,
            place_order_hook="data-checkout-action" if "dead-click" in req.faults else "data-place-order",
        )
    )


@route("POST", "/checkout/place")
def checkout_place(shop: DemoShop, req: _Request) -> _Response:
    if (redirect := _guard(shop, req, "review")) is not None:
        return redirect
    s = req.session
    if (sold_out := api_routes.sold_out(shop, s)) is not None:  # stock set to 0 through /api/stock
        return sold_out
    if "stock-out" in req.faults:
        with shop._lock:
            first = next((slug for slug in s.cart if slug in BY_SLUG), None)
            if first is not None:
                del s.cart[first]
                s.flashes.append(
                    ("error", f"Sorry, {BY_SLUG[first].name} is no longer available and has been removed from your order.")
                )
        return _redirect("/checkout/review" if s.cart else "/cart")
    if "quiet-stock-out" in req.faults:  # the first item sold out meanwhile; the refusal does not say so
        with shop._lock:
            s.sold_out.update(slug for slug in list(s.cart)[:1] if slug in BY_SLUG)
            s.flashes.append(("error", "We could not place your order. Please try again."))
        return _redirect("/checkout/review")
    if "payment-refused" in req.faults:
        s.flashes.append(("error", "Error processing request. Please try again."))
        return _redirect("/checkout/review")
    if s.card is not None and s.card.get("declined"):  # only with 'late-decline': the card form again, wiped
        s.card = None
        lines = shop._lines(s, req.faults)
        page = pages.payment_page(
            lines,
            shop._totals(lines, s, req.faults, stage="payment"),
            email=s.email,
            address=s.address,
            values={"card_name": "", "card_expiry": ""},
            errors={},
            flashes=[("error", "Error processing request. Payment failed, please try again.")],
        )
        return _Response(page, 402)
    lines = shop._lines(s, req.faults)
    totals = shop._totals(lines, s, req.faults, stage="review")
    assert s.card is not None
    number = shop._new_order_number()
    order = {
        "number": number,
        "session": s.id,
        "email": s.email,
        "lines": lines,
        "totals": totals,
        "address": dict(s.address),
        "card": {"brand": s.card["brand"], "last4": s.card["last4"]},
        "status": "Confirmed",
        "placed": _dt.datetime.now().strftime("%d %B %Y, %H:%M"),
        "faults": sorted(req.faults),
    }
    # ---- ledger faults: a promise broken on the confirmation page ----
    if "delivery-drift" in req.faults:
        order["delivery_promise"] = DRIFTED_PROMISE
    if "cheerful-failure" in req.faults:
        order["status"] = "Cancelled"
        order["payment_failed"] = True
    with shop._lock:
        shop.orders[number] = order
        s.orders.append(number)
        s.cart.clear()
        s.card = None
        shop.outbox.append(
            {
                "to": s.email,
                "subject": f"Your Kettle & Crumb order {number} is confirmed",
                "body": f"Thank you for your order {number}. Total: {pages.money(totals['total'])}.",
            }
        )
    _after_order_placed(shop, order, req.faults)
    return _redirect(f"/order/{number}")


def _own_order(shop: DemoShop, req: _Request, number: str) -> dict[str, Any] | None:
    order = shop.orders.get(number)
    if order is None or order["session"] != req.session.id:
        return None
    return order


@route("GET", "/order/(KC-[0-9]+)")
def order_confirmation(shop: DemoShop, req: _Request, number: str) -> _Response:
    order = _own_order(shop, req, number)
    if order is None:
        return _Response(pages.not_found_page("We couldn't find that order."), 404)
    return _Response(pages.confirmation_page(order, minimal="no-order-number" in req.faults))


@route("GET", "/account/orders/(KC-[0-9]+)")
def order_status(shop: DemoShop, req: _Request, number: str) -> _Response:
    order = _own_order(shop, req, number)
    if order is None:
        return _Response(pages.not_found_page("We couldn't find that order."), 404)
    _run_stock_check(shop, order)  # the job may not have run yet; the customer sees its outcome
    return _Response(pages.order_status_page(order))


# --------------------------------------------------------------------------
# payments: the KettlePay widget and the payment host (faults: payment-frame-failed,
# insecure-checkout)
# --------------------------------------------------------------------------


def _payment_form(shop: DemoShop, req: _Request) -> dict[str, Any]:
    """Where the card form posts: the shop itself, or ('insecure-checkout') the payment host over HTTP."""
    if "insecure-checkout" not in req.faults:
        return {}
    with shop._lock:
        if not req.session.pay_token:
            req.session.pay_token = secrets.token_urlsafe(18)
    return {
        "form_action": f"http://{PAY_HOST}:{shop.port}/payments/charge",
        "form_hidden": {"checkout": req.session.pay_token},
    }


@route("GET", "/payments/kcpay.js")
def kcpay_script(shop: DemoShop, req: _Request) -> _Response:
    if "payment-frame-failed" in req.faults:
        return _Response("/* 503: upstream connect error or disconnect/reset before headers */", 503, "text/javascript; charset=utf-8")
    return _Response(pages.KCPAY_JS, 200, "text/javascript; charset=utf-8")


@route("GET", "/payments/express")
def kcpay_frame(shop: DemoShop, req: _Request) -> _Response:
    return _Response(pages.express_frame_page(req.arg("amount", "0.00")[:12], req.arg("currency", "EUR")[:3]))


@route("GET", "/badges/barista-pick.svg")
def badge(shop: DemoShop, req: _Request) -> _Response:
    return _Response(pages.BADGE_SVG, 200, "image/svg+xml")


@route("POST", "/payments/charge")
def payment_host_charge(shop: DemoShop, req: _Request) -> _Response:
    """The payment host: takes the card for the checkout named by its token, then sends the customer back."""
    token = req.form.get("checkout", "")
    with shop._lock:
        session = next((s for s in shop._sessions.values() if token and s.pay_token == token), None)
    if session is None:
        return _Response("This payment session has expired. Please return to the shop.", 400, "text/plain; charset=utf-8")
    errors, card = _validate_card(req.form)
    if errors:  # the payment host's own error page is out of the demo's scope: back to the card form
        return _redirect(f"{shop.url}/checkout/payment")
    session.card = card
    return _redirect(f"{shop.url}/checkout/review")




# ---- checkout forms: inline validation script, registration (demo/forms.py) ----


@route("GET", forms.SCRIPT_PATH)
def checkout_forms_script(shop: DemoShop, req: _Request) -> _Response:
    return _Response(forms.INLINE_JS, 200, "text/javascript; charset=utf-8")


@route("POST", "/checkout/register")
def checkout_register(shop: DemoShop, req: _Request) -> _Response:
    """Account creation at checkout (the only way in under the 'forced-account' fault)."""
    if (redirect := _guard(shop, req, "account")) is not None:
        return redirect
    errors = forms.register_errors(req.form, EMAIL_RE)
    if errors:
        lines = shop._lines(req.session, req.faults)
        page = forms.forced_account_page(
            lines, shop._totals(lines, req.session, req.faults), email=req.form.get("email", "").strip(), errors=errors
        )
        return _Response(page, 422)
    req.session.email = req.form.get("email", "").strip()
    return _redirect("/checkout/shipping")


# ---- decline test cards and shipping rates (probes) -------------------------


def decline_message(reason: str) -> str:
    """What a careful shop says when the bank refuses a card: what happened, and what to do."""
    why = {
        "insufficient funds": "there are not enough funds on the card",
        "lost card": "the card has been reported lost",
        "expired card": "the bank says the card has expired",
        "processing error": "the bank could not process the payment just now",
    }.get(reason, "the bank did not approve the payment")
    return f"Your card was declined: {why}. You have not been charged. Try another card, or call your bank."


@route("GET", "/api/shipping-rates")
def api_shipping_rates(shop: DemoShop, req: _Request) -> _Response:
    """Shipping methods and prices for a country, as the shipping page's script asks for them."""
    country = req.arg("country", "DE").upper()
    if country not in COUNTRY_NAMES:
        return _json({"error": "unknown_country", "message": f"We do not deliver to {country}."}, 404)
    rates = [
        {"code": m.code, "name": m.name, "price": plain_amount(m.price), "currency": "EUR", "label": m.label}
        for m in SHIPPING_METHODS.values()
    ]
    return _json({"country": country, "rates": rates})
