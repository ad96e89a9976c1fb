"""The demo shop's API and customer accounts (issue 11): what request steps, log in once and the matrix need.

* ``GET /api/stock/<sku>`` reads a product's stock (public); ``POST``/``PUT`` sets it, JSON
  ``{"stock": 0}`` or a form, with the shop's admin key in ``X-Api-Key`` (env ``KC_API_KEY``,
  default :data:`DEFAULT_API_KEY`). Stock is unlimited until set; ``DELETE`` makes it so again.
  A product whose stock is 0 is taken out of the order at 'Place order', as the
  ``stock-out`` fault does: the product page said "In stock" (rule JA301).
* ``GET /api/orders/<number>`` (or ``latest``): an order's status as JSON, for the customer's own
  session (or with the admin key).
* ``/account``: sign in (``/account/login``) with the demo customer's email and password (env
  ``KC_DEMO_PASSWORD``, default :data:`DEFAULT_PASSWORD`); the account page shows who is signed in.
* ``/offer/<slug>``: this week's offer, with the price written the way the browser's language
  writes it (``Accept-Language``: de -> ``39,90 €``) and, on a phone (a mobile user agent), a
  compact layout whose sticky add-to-cart button is an icon without a name (rule JA605 on phones only).
"""

from __future__ import annotations

import json
import os
from typing import Any

from . import pages
from .catalog import BY_SLUG, PRODUCTS, Product
from .pages import e, layout, money
from .shop import DemoShop, Session, _json, _redirect, _Request, _Response, route

DEFAULT_API_KEY = "kc-demo-admin-key"
DEMO_CUSTOMER = "anna.schmidt@example.com"
DEFAULT_PASSWORD = "kettle-and-crumb"


def _api_key() -> str:
    return os.environ.get("KC_API_KEY") or DEFAULT_API_KEY


def _admin(req: _Request) -> bool:
    return bool(req.headers) and req.headers.get("X-Api-Key", "") == _api_key()


def _product(sku: str) -> Product | None:
    return next((p for p in PRODUCTS if p.sku.lower() == sku.lower()), None) or BY_SLUG.get(sku.lower())


def _stock_view(shop: DemoShop, product: Product) -> dict[str, Any]:
    stock = shop.stock.get(product.slug)
    return {"sku": product.sku, "product": product.name, "stock": stock, "available": stock is None or stock > 0}


@route("GET", "/api/stock/([A-Za-z0-9-]+)")
def stock_read(shop: DemoShop, req: _Request, sku: str) -> _Response:
    product = _product(sku)
    if product is None:
        return _json({"error": f"no product with SKU {sku}"}, 404)
    return _json(_stock_view(shop, product))


def _stock_write(shop: DemoShop, req: _Request, sku: str) -> _Response:
    if not _admin(req):
        return _json({"error": "a valid X-Api-Key header is needed to change stock"}, 401)
    product = _product(sku)
    if product is None:
        return _json({"error": f"no product with SKU {sku}"}, 404)
    if req.method == "DELETE":
        value = None
    else:
        try:
            value = int(str(req.form.get("stock", "")).strip())
        except ValueError:
            return _json({"error": "send {\"stock\": <a whole number from 0>}"}, 422)
        if value < 0:
            return _json({"error": "stock cannot be negative"}, 422)
    with shop._lock:
        if value is None:
            shop.stock.pop(product.slug, None)
        else:
            shop.stock[product.slug] = value
    return _json(_stock_view(shop, product))


for _method in ("POST", "PUT", "DELETE"):
    route(_method, "/api/stock/([A-Za-z0-9-]+)")(_stock_write)


def sold_out(shop: DemoShop, session: Session) -> _Response | None:
    """'Place order' with a product whose stock ran out: it leaves the order (None: all in stock)."""
    with shop._lock:
        gone = next((slug for slug in session.cart if shop.stock.get(slug) == 0), None)
        if gone is None:
            return None
        del session.cart[gone]
        session.flashes.append(
            ("error", f"Sorry, {BY_SLUG[gone].name} is no longer available and has been removed from your order.")
        )
    return _redirect("/checkout/review" if session.cart else "/cart")


@route("GET", "/api/orders/(KC-[0-9]+|latest)")
def order_api(shop: DemoShop, req: _Request, number: str) -> _Response:
    if number == "latest":  # the session's own latest order
        number = req.session.orders[-1] if req.session.orders else ""
    order = shop.orders.get(number)
    if order is None or (order["session"] != req.session.id and not _admin(req)):
        return _json({"error": f"no order {number} for this session"}, 404)
    return _json({
        "number": order["number"],
        "status": order["status"],
        "email": order["email"],
        "total": order["totals"]["total"] / 100,
        "currency": "EUR",
        "items": [{"sku": line["product"].sku, "name": line["product"].name, "quantity": line["quantity"]}
                  for line in order["lines"]],
    })


# ---- accounts ------------------------------------------------------------------


def _password() -> str:
    return os.environ.get("KC_DEMO_PASSWORD") or DEFAULT_PASSWORD


def _account_page(signed_in: str, error: str = "", email: str = "") -> str:
    if signed_in:
        body = f"""<h1>Your account</h1>
<p class="signed-in">Signed in as <strong>{e(signed_in)}</strong></p>
<form method="post" action="/account/logout"><button class="btn link" type="submit">Sign out</button></form>"""
    else:
        alert = f'<div class="notice error" role="alert">{e(error)}</div>' if error else ""
        body = f"""<h1>Sign in</h1>{alert}
<form method="post" action="/account/login" class="panel">
  <div><label for="login-email">Email</label>
  <input type="email" id="login-email" name="email" autocomplete="username" value="{e(email)}" required></div>
  <div><label for="login-password">Password</label>
  <input type="password" id="login-password" name="password" autocomplete="current-password" required></div>
  <button class="btn" type="submit">Sign in</button>
</form>"""
    return layout("Your account", body)


@route("GET", "/account")
def account(shop: DemoShop, req: _Request) -> _Response:
    return _Response(_account_page(shop.signed_in.get(req.session.id, "")))


@route("POST", "/account/login")
def account_login(shop: DemoShop, req: _Request) -> _Response:
    email = req.form.get("email", "").strip().lower()
    if email != DEMO_CUSTOMER or req.form.get("password", "") != _password():
        return _Response(_account_page("", "The email address or password is incorrect.", email), 401)
    with shop._lock:
        shop.signed_in[req.session.id] = email
    return _redirect("/account")


@route("POST", "/account/logout")
def account_logout(shop: DemoShop, req: _Request) -> _Response:
    with shop._lock:
        shop.signed_in.pop(req.session.id, None)
    return _redirect("/account")


# ---- a page that differs by language and device -------------------------------------


def local_money(cents: int, accept_language: str) -> str:
    """The price as the browser's first language writes it: de/fr/es/it/nl '39,90 €', else '€39.90'."""
    first = (accept_language or "en").split(",")[0].strip().lower()
    if first[:2] in ("de", "fr", "es", "it", "nl", "pt"):
        euros, rest = divmod(cents, 100)
        return f"{euros:,}".replace(",", ".") + f",{rest:02d}\u00a0€"
    return money(cents)


@route("GET", "/offer/([a-z0-9-]+)")
def offer(shop: DemoShop, req: _Request, slug: str) -> _Response:
    product = BY_SLUG.get(slug)
    if product is None:
        return _Response(pages.not_found_page(), 404)
    headers = req.headers or {}
    price = local_money(product.price, headers.get("Accept-Language", ""))
    mobile = "Mobile" in headers.get("User-Agent", "")
    if mobile:  # the compact layout: an icon-only sticky button, no name for a screen reader
        buy = """<button class="btn sticky-buy" type="submit"><svg width="20" height="20" viewBox="0 0 24 24" aria-hidden="true"><path d="M3 4h2l2 12h12l2-8H7" fill="none" stroke="#fff" stroke-width="2"/></svg></button>"""
        layout_name = "compact"
    else:
        buy = '<button class="btn" type="submit">Add to cart</button>'
        layout_name = "wide"
    body = f"""<section class="offer" data-layout="{layout_name}">
<h1>This week: {e(product.name)}</h1>
<p class="price-big" data-price>{e(price)}</p>
<form method="post" action="/cart/add"><input type="hidden" name="slug" value="{e(product.slug)}">
<input type="hidden" name="quantity" value="1">{buy}</form>
<p class="small">Offer layout: {layout_name}</p>
</section>"""
    return _Response(layout(f"Offer: {product.name}", body))


def json_form(raw: bytes) -> dict[str, str]:
    """A JSON object body as the form the routes read (values as text)."""
    try:
        data = json.loads(raw.decode("utf-8", "replace") or "{}")
    except ValueError:
        return {}
    return {str(k): "" if v is None else str(v) for k, v in data.items()} if isinstance(data, dict) else {}
