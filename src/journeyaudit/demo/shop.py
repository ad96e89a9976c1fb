"""The built-in demo shop "Kettle & Crumb": a small coffee-gear shop with fault switches.

Standard library only: ``ThreadingHTTPServer``, server-rendered HTML, POST forms with
post/redirect/get, and per-visitor state (cart, checkout data, orders) kept in memory
and keyed by the ``kc_session`` cookie.

Fault switches: ``?fault=<name>[,<name>...]`` on any URL stores the names in the
``ja_fault`` cookie (``?fault=none`` clears it). Faults then apply to that visitor only,
so each journey, running in a fresh browser context, gets its own faults.
"""

from __future__ import annotations

import datetime as _dt
import json
import re
import secrets
import sys
import threading
import time
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from journeyaudit.demo.payments import decline_reason

from . import forms, mail, mail_pages, pages
from .catalog import (  # the ledger's faults
    BY_SLUG,
    COUNTRY_NAMES,
    DRIFTED_PROMISE,
    PRODUCTS,
    SERVICE_FEE,
    SHIPPING_METHODS,
    SNEAKED_ADD_ON,
    Product,
    plain_amount,
    recommendations_for,
)
from .mail import Postman

#: The payment host of the 'insecure-checkout' fault: the audit maps it to 127.0.0.1 in the
#: browser (audits/demo.yaml ``host_map``), so its traffic never leaves the machine.
PAY_HOST = "pay.kettle-crumb.test"

FAULTS: dict[str, str] = {
    "server-error": "Submitting the shipping address returns a bare 'Internal Server Error' page; the customer cannot continue.",
    "late-fee": "A 'Service fee €2.95' appears on the review page and in the total, never mentioned on the product, cart or shipping pages.",
    "stock-out": "The product page says 'In stock', but 'Place order' removes the product as no longer available and no order is created.",
    "payment-refused": "The card is accepted at the payment step, then 'Place order' fails with 'Error processing request. Please try again.'",
    "generic-error": "The cart's delivery estimate says only 'Oops! Something went wrong. Please try again later.'",
    "slow-step": "Submitting the shipping address takes 6 seconds before the payment page appears.",
    "console-error": "The product page's reviews widget fails to initialise and logs a console error; no reviews are shown.",
    "js-exception": "The cart page's script throws an uncaught TypeError (reading a property of undefined).",
    "failing-request": "The product page's recommendations request returns HTTP 500; 'You may also like' silently disappears.",
    "price-mismatch": "The cart and checkout charge €42.90 for the AeroPress Go that its product page (and structured data) sells for €39.90.",
    "no-order-number": "The confirmation page says only 'Thank you for your order!', with no order number, items or total.",
    "late-validation": "Checkout fields are not checked as the customer fills them in: a mistyped postcode or card number is flagged only after submitting the page.",
    "input-lost": "When the shipping address comes back with an error, every field the customer filled in is empty again.",
    "card-cleared": "When the card details come back with an error, the name on the card and the expiry date are wiped along with the number.",
    "forced-account": "There is no guest checkout: the customer must create an account with a password before they can pay.",
    "long-form": "The shipping step asks for title, company, phone, date of birth, a repeated email and a separate billing address: about twenty fields in all.",
    "no-autocomplete": "The checkout forms turn autofill off and carry no autocomplete tokens, so the browser cannot fill in address or card.",
    "unlabeled-fields": "The checkout fields have no labels, only placeholder text that vanishes as the customer types.",
    "sneaked-item": "Adding a product to the cart also puts a 'Brew Care Plan (2 years)' for €6.90 in it, which the customer never chose.",
    "delivery-drift": "Standard shipping is promised as 'arrives in 3–5 business days' up to the review page; the confirmation says 7–10 business days.",
    "cheerful-failure": "'Place order' fails the payment and cancels the order, but the page still says 'Thank you! Your order … is confirmed.'",
    "dead-click": "After a theme update, 'Place order' on the review page is no longer wired to the checkout script: clicking it does nothing.",
    "insecure-checkout": f"The card form posts to the payment host over plain HTTP (http://{PAY_HOST}), not HTTPS.",
    "payment-frame-failed": "The KettlePay express-checkout script answers 503; its payment frame never loads and the box keeps saying 'Loading express checkout…'.",
    "a11y-violations": "The product page has an image without a text alternative, a faint low-contrast stock line and an icon-only wishlist button without a name.",
    # ---- email (issue #5) ----
    "duplicate-confirmation": "The order confirmation email is sent twice.",
    "no-confirmation-email": "The order is confirmed on the page, but no confirmation email is ever sent.",
    "silent-cancel": "Right after it is placed, the shop's stock check cancels the order; the order page says 'Cancelled' and no email tells the customer.",
    "cheerful-cancellation": "Right after it is placed the order is cancelled; the cancellation email reads 'Thank you for your order! We hope you enjoy your new coffee gear.'",
    "newsletter-burst": "The newsletter campaign sends the same issue 12 times to the subscriber.",
    "unsubscribe-ignored": "The unsubscribe page confirms 'You have been unsubscribed', but the next newsletter still arrives.",
    "no-list-unsubscribe": "The newsletter has an unsubscribe link in its body but no List-Unsubscribe / List-Unsubscribe-Post headers.",
    "late-decline": "Decline test cards are accepted at the payment step; only 'Place order' refuses them, with a generic 'Error processing request' and the card fields wiped.",
}

SESSION_COOKIE = "kc_session"
FAULT_COOKIE = "ja_fault"
PRICE_MISMATCH_SURCHARGE = 300  # cents added to every unit price by 'price-mismatch'
MAX_SESSIONS = 5000
MAX_BODY = 64 * 1024
REVIEWS_KEY = "rv_pub_5f2c9a81d0"

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EXPIRY_RE = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")


# --------------------------------------------------------------------------
# state
# --------------------------------------------------------------------------


@dataclass
class Session:
    id: str
    cart: dict[str, int] = field(default_factory=dict)  # slug -> quantity, insertion ordered
    email: str = ""
    address: dict[str, str] = field(default_factory=dict)
    shipping_method: str = ""
    card: dict[str, str] | None = None  # brand, last4, expiry, name: never the number
    flashes: list[tuple[str, str]] = field(default_factory=list)
    orders: list[str] = field(default_factory=list)
    pay_token: str = ""  # names this checkout to the payment host ('insecure-checkout'), never the session id

    def pop_flashes(self) -> list[tuple[str, str]]:
        out, self.flashes = self.flashes, []
        return out


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def card_brand(digits: str) -> str:
    if digits.startswith("4"):
        return "Visa"
    if digits[:2] in {"34", "37"}:
        return "American Express"
    if digits[:2] in {"51", "52", "53", "54", "55"} or "2221" <= digits[:4] <= "2720":
        return "Mastercard"
    return "Card"


class _Response:
    def __init__(
        self,
        body: str | bytes = b"",
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.status = status
        self.content_type = content_type
        self.headers = list(headers or [])


def _redirect(location: str) -> _Response:
    return _Response(b"", HTTPStatus.SEE_OTHER, headers=[("Location", location)])


def _json(data: Any, status: int = 200) -> _Response:
    return _Response(json.dumps(data, ensure_ascii=False), status, "application/json; charset=utf-8")


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, str]
    session: Session
    faults: frozenset[str]

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default


# --------------------------------------------------------------------------
# the shop
# --------------------------------------------------------------------------


class DemoShop:
    """The demo shop server. ``DemoShop(port=0).start()`` serves on a free port in a daemon thread.

    >>> with DemoShop() as shop:            # doctest: +SKIP
    ...     print(shop.url)                 # http://127.0.0.1:54321
    """

    #: How long the 'slow-step' fault delays the shipping form (tests lower it).
    slow_step_seconds: float = 6.0
    #: The first order number handed out (``KC-10234``).
    first_order_number: int = 10234

    #: How long after 'Place order' the stock check cancels a 'silent-cancel'/'cheerful-cancellation' order.
    cancel_after_seconds: float = 1.0
    #: How many copies of one issue the 'newsletter-burst' fault sends.
    burst_copies: int = 12

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, quiet: bool = True, smtp: tuple[str, int] | None = None
    ) -> None:
        self.host = host
        self.port = port
        self.quiet = quiet
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self.orders: dict[str, dict[str, Any]] = {}
        self.outbox: list[dict[str, str]] = []  # confirmation emails "sent" (to, subject, body)
        self._next_order = self.first_order_number
        self.postman = Postman(smtp)  # real SMTP to this address; None: mail is only kept in outbox
        self.subscribers: dict[str, dict[str, Any]] = {}  # token -> email, faults, subscribed
        self.newsletter_issue = 0

    # ---- lifecycle --------------------------------------------------------

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the demo shop is not running; call start() first")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> "DemoShop":
        if self._server is not None:
            return self
        shop = self

        class Handler(_Handler):
            pass

        Handler.shop = shop
        server = ThreadingHTTPServer((self.host, self.port), Handler)
        server.daemon_threads = True
        self._server = server
        self.port = server.server_address[1]
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="journeyaudit-demo-shop", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    def serve_forever(self) -> None:
        """Start (if needed) and block until KeyboardInterrupt; then stop."""
        self.start()
        try:
            while True:
                time.sleep(0.5)
        finally:
            self.stop()

    def __enter__(self) -> "DemoShop":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._server else "stopped"
        return f"<DemoShop {where}>"

    # ---- state helpers ----------------------------------------------------

    def _session(self, session_id: str | None) -> tuple[Session, bool]:
        """The visitor's session and whether it is new (needs a cookie)."""
        with self._lock:
            if session_id and session_id in self._sessions:
                self._sessions.move_to_end(session_id)
                return self._sessions[session_id], False
            session = Session(id=secrets.token_urlsafe(18))
            self._sessions[session.id] = session
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
            return session, True

    @staticmethod
    def unit_price(product: Product, faults: frozenset[str]) -> int:
        """What the shop charges per unit (the product page always shows ``product.price``)."""
        return product.price + (PRICE_MISMATCH_SURCHARGE if "price-mismatch" in faults else 0)

    def _lines(self, session: Session, faults: frozenset[str]) -> list[dict[str, Any]]:
        lines = []
        for slug, quantity in session.cart.items():
            product = BY_SLUG.get(slug)
            if product is None or quantity <= 0:
                continue
            unit = self.unit_price(product, faults)
            lines.append({"product": product, "quantity": quantity, "unit_price": unit, "line_total": unit * quantity})
        return lines

    def _totals(
        self, lines: list[dict[str, Any]], session: Session, faults: frozenset[str], *, stage: str = "cart"
    ) -> dict[str, Any]:
        subtotal = sum(line["line_total"] for line in lines)
        method = SHIPPING_METHODS.get(session.shipping_method) if stage in ("payment", "review") else None
        fees: list[tuple[str, int]] = []
        if stage == "review" and "late-fee" in faults:
            fees.append(("Service fee", SERVICE_FEE))
        total = subtotal + (method.price if method else 0) + sum(amount for _, amount in fees)
        return {"subtotal": subtotal, "shipping_method": method, "fees": fees, "total": total}

    def _new_order_number(self) -> str:
        with self._lock:
            number = f"KC-{self._next_order}"
            self._next_order += 1
            return number


# --------------------------------------------------------------------------
# request handling
# --------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    shop: DemoShop
    server_version = "KettleCrumb/1.4"
    sys_version = ""
    protocol_version = "HTTP/1.0"  # one request per connection: stop() really stops

    # ---- plumbing ---------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (stdlib signature)
        if not self.shop.quiet:
            sys.stderr.write(f"{self.address_string()} - [{self.log_date_time_string()}] {format % args}\n")

    def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
        self._handle("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle("HEAD")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def _cookies(self) -> dict[str, str]:
        cookies: dict[str, str] = {}
        for header in self.headers.get_all("Cookie") or []:
            for part in header.split(";"):
                name, sep, value = part.strip().partition("=")
                if sep and name:
                    cookies.setdefault(name, value.strip().strip('"'))
        return cookies

    def _read_form(self) -> dict[str, str]:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
        raw = self.rfile.read(min(max(length, 0), MAX_BODY)) if length > 0 else b""
        parsed = urllib.parse.parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def _handle(self, method: str) -> None:
        shop = self.shop
        split = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(split.path) or "/"
        query = urllib.parse.parse_qs(split.query, keep_blank_values=True)
        cookies = self._cookies()
        session, new_session = shop._session(cookies.get(SESSION_COOKIE))

        set_cookies: list[str] = []
        if new_session:
            set_cookies.append(f"{SESSION_COOKIE}={session.id}; Path=/; HttpOnly; SameSite=Lax")
        faults, fault_cookie = _resolve_faults(query, cookies.get(FAULT_COOKIE, ""))
        if fault_cookie is not None:
            set_cookies.append(fault_cookie)

        form = self._read_form() if method == "POST" else {}
        request = _Request(method, path, query, form, session, faults)
        try:
            response = _route(shop, request)
            if request.path.startswith("/checkout") and response.content_type.startswith("text/html"):
                response.body = forms.finish(
                    response.body.decode("utf-8"), path=path, method=method, form=form, faults=faults
                ).encode("utf-8")
        except Exception as exc:  # a bug in the demo shop itself: say so, keep serving
            sys.stderr.write(f"demo shop error on {method} {self.path}: {exc!r}\n")
            response = _Response(pages.BARE_500, 500)

        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Demo-Faults", ",".join(sorted(faults)) or "none")
        for name, value in response.headers:
            self.send_header(name, value)
        for cookie in set_cookies:
            self.send_header("Set-Cookie", cookie)
        self.end_headers()
        if method != "HEAD":
            try:
                self.wfile.write(response.body)
            except (BrokenPipeError, ConnectionResetError):
                pass


def _resolve_faults(query: dict[str, list[str]], cookie_value: str) -> tuple[frozenset[str], str | None]:
    """Active faults for this request, and a Set-Cookie header when ``?fault=`` changed them."""
    if "fault" in query:
        names = [n.strip().lower() for raw in query["fault"] for n in raw.split(",") if n.strip()]
        if not names or "none" in names:
            return frozenset(), f"{FAULT_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"
        active = frozenset(n for n in names if n in FAULTS)
        if not active:
            return frozenset(), f"{FAULT_COOKIE}=; Path=/; Max-Age=0; SameSite=Lax"
        return active, f"{FAULT_COOKIE}={'+'.join(sorted(active))}; Path=/; SameSite=Lax"
    names = [n for n in re.split(r"[+,\s]+", urllib.parse.unquote(cookie_value)) if n]
    return frozenset(n for n in names if n in FAULTS), None


# --------------------------------------------------------------------------
# routes
# --------------------------------------------------------------------------

_ROUTES: list[tuple[str, re.Pattern[str], Callable[..., _Response]]] = []


def route(method: str, pattern: str) -> Callable[[Callable[..., _Response]], Callable[..., _Response]]:
    def register(func: Callable[..., _Response]) -> Callable[..., _Response]:
        _ROUTES.append((method, re.compile(f"^{pattern}$"), func))
        return func

    return register


def _route(shop: DemoShop, req: _Request) -> _Response:
    method = "GET" if req.method == "HEAD" else req.method
    path_matched = False
    for route_method, pattern, func in _ROUTES:
        match = pattern.match(req.path)
        if not match:
            continue
        path_matched = True
        if route_method == method:
            return func(shop, req, *match.groups())
    if path_matched:
        return _Response("Method Not Allowed", 405, "text/plain; charset=utf-8", [("Allow", "GET, HEAD, POST")])
    return _Response(pages.not_found_page(), 404)


def _cart_count(session: Session) -> int:
    return sum(q for q in session.cart.values() if q > 0)


@route("GET", "/healthz")
def healthz(shop: DemoShop, req: _Request) -> _Response:
    return _json({"status": "ok", "shop": pages.SHOP_NAME})


@route("GET", "/favicon.(?:svg|ico)")
def favicon(shop: DemoShop, req: _Request) -> _Response:
    return _Response(pages.FAVICON_SVG, 200, "image/svg+xml")


@route("GET", "/")
def home(shop: DemoShop, req: _Request) -> _Response:
    return _Response(
        pages.home_page(
            PRODUCTS, unit_price=lambda p: p.price, cart_count=_cart_count(req.session)
        )
    )


def _structured_data(product: Product) -> dict[str, Any]:
    """schema.org Product as the product page publishes it (always the list price, InStock)."""
    return {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
        "description": product.summary,
        "brand": {"@type": "Brand", "name": product.brand},
        "category": product.category,
        "url": product.url,
        "aggregateRating": {"@type": "AggregateRating", "ratingValue": str(product.rating), "reviewCount": product.reviews},
        "offers": {
            "@type": "Offer",
            "price": plain_amount(product.price),
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
            "itemCondition": "https://schema.org/NewCondition",
            "url": product.url,
        },
    }


@route("GET", "/product/([a-z0-9-]+)")
def product_page(shop: DemoShop, req: _Request, slug: str) -> _Response:
    product = BY_SLUG.get(slug)
    if product is None:
        return _Response(pages.not_found_page("We couldn't find that product. It may have moved."), 404)
    key = "" if "console-error" in req.faults else REVIEWS_KEY
    return _Response(
        pages.product_page(
            product,
            cart_count=_cart_count(req.session),
            reviews_key=key,
            structured=_structured_data(product),
            a11y_faults="a11y-violations" in req.faults,
        )
    )


@route("GET", "/api/recommendations")
def api_recommendations(shop: DemoShop, req: _Request) -> _Response:
    if "failing-request" in req.faults:
        return _json({"error": "internal_error", "message": "upstream recommendations service unavailable"}, 500)
    slug = req.arg("product")
    items = [
        {"slug": p.slug, "name": p.name, "summary": p.summary, "url": p.url, "price": plain_amount(p.price), "currency": "EUR"}
        for p in recommendations_for(slug)
    ]
    return _json({"product": slug, "items": items})


def _cart_json(shop: DemoShop, req: _Request, *, with_promotion: bool = True) -> dict[str, Any]:
    lines = shop._lines(req.session, req.faults)
    data: dict[str, Any] = {
        "currency": "EUR",
        "count": sum(line["quantity"] for line in lines),
        "items": [
            {
                "slug": line["product"].slug,
                "sku": line["product"].sku,
                "name": line["product"].name,
                "quantity": line["quantity"],
                "unit_price": plain_amount(line["unit_price"]),
                "line_total": plain_amount(line["line_total"]),
            }
            for line in lines
        ],
        "subtotal": plain_amount(sum(line["line_total"] for line in lines)),
    }
    if with_promotion:
        data["promotion"] = {"code": None, "label": ""}
    return data


@route("GET", "/api/cart")
def api_cart(shop: DemoShop, req: _Request) -> _Response:
    return _json(_cart_json(shop, req))


@route("POST", "/cart/add")
def cart_add(shop: DemoShop, req: _Request) -> _Response:
    product = BY_SLUG.get(req.form.get("slug", ""))
    if product is None:
        return _Response(pages.not_found_page("We couldn't find that product."), 404)
    quantity = _int(req.form.get("quantity"), 1)
    quantity = max(1, min(quantity, 10))
    with shop._lock:
        cart = req.session.cart
        cart[product.slug] = min(cart.get(product.slug, 0) + quantity, 10)
        if "sneaked-item" in req.faults and product.slug != SNEAKED_ADD_ON:
            cart.setdefault(SNEAKED_ADD_ON, 1)  # 'sneaked-item': a paid add-on nobody asked for
    return _redirect("/cart")


@route("POST", "/cart/update")
def cart_update(shop: DemoShop, req: _Request) -> _Response:
    slug = req.form.get("slug", "")
    quantity = max(0, min(_int(req.form.get("quantity"), 1), 10))
    with shop._lock:
        if slug in req.session.cart:
            if quantity == 0:
                del req.session.cart[slug]
            else:
                req.session.cart[slug] = quantity
    return _redirect("/cart")


@route("POST", "/cart/remove")
def cart_remove(shop: DemoShop, req: _Request) -> _Response:
    slug = req.form.get("slug", "")
    with shop._lock:
        product = BY_SLUG.get(slug)
        if req.session.cart.pop(slug, None) is not None and product is not None:
            req.session.flashes.append(("info", f"{product.name} was removed from your cart."))
    return _redirect("/cart")


@route("GET", "/cart")
def cart(shop: DemoShop, req: _Request) -> _Response:
    lines = shop._lines(req.session, req.faults)
    totals = shop._totals(lines, req.session, req.faults)
    return _Response(
        pages.cart_page(
            lines,
            totals,
            flashes=req.session.pop_flashes(),
            cart_data=_cart_json(shop, req, with_promotion="js-exception" not in req.faults),
            delivery_error="generic-error" in req.faults,
        )
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
    if "stock-out" in req.faults:
        with shop._lock:
            first = next((slug for slug in s.cart if slug in BY_SLUG), None)
            if first is not None:
                del s.cart[first]
                s.flashes.append(
                    ("error", f"Sorry, {BY_SLUG[first].name} is no longer available and has been removed from your order.")
                )
        return _redirect("/checkout/review" if s.cart else "/cart")
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


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


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
        known.update(subscribed=True, faults=sorted(req.faults))
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
    """Stands in for the shop's campaign job: sends the next issue to every subscriber now."""
    with shop._lock:
        shop.newsletter_issue += 1
        issue = shop.newsletter_issue
        recipients = [dict(s) for s in shop.subscribers.values() if s.get("subscribed")]
    sent = 0
    for subscriber in recipients:
        faults = set(subscriber["faults"])
        message = mail.newsletter(subscriber, shop.url, list_headers="no-list-unsubscribe" not in faults)
        for _ in range(shop.burst_copies if "newsletter-burst" in faults else 1):
            shop.postman.send(message)
            sent += 1
    return _json({"issue": issue, "recipients": len(recipients), "sent": sent})




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
