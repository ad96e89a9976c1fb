"""The built-in demo shop "Kettle & Crumb": a small coffee-gear shop with fault switches.

Standard library only: ``ThreadingHTTPServer``, server-rendered HTML, POST forms with
post/redirect/get, and per-visitor state (cart, checkout data, orders) kept in memory
and keyed by the ``kc_session`` cookie.

Fault switches: ``?fault=<name>[,<name>...]`` on any URL stores the names in the
``ja_fault`` cookie (``?fault=none`` clears it). Faults then apply to that visitor only,
so each journey, running in a fresh browser context, gets its own faults.
"""

from __future__ import annotations

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

from . import forms, pages
from .catalog import (  # the ledger's faults
    BY_SLUG,
    SERVICE_FEE,
    SHIPPING_METHODS,
    Product,
)
from .catalogue_data import cart_product
from .mail import Postman

#: The payment host of the 'insecure-checkout' fault: the audit maps it to 127.0.0.1 in the
#: browser (audits/demo.yaml ``host_map``), so its traffic never leaves the machine.
PAY_HOST = "pay.kettle-crumb.test"

FAULTS: dict[str, str] = {
    "server-error": "Submitting the shipping address returns a bare 'Internal Server Error' page; the customer cannot continue.",
    "late-fee": "A 'Service fee €2.95' appears on the review page and in the total, never mentioned on the product, cart or shipping pages.",
    "stock-out": "The product page says 'In stock', but 'Place order' removes the product as no longer available and no order is created.",
    "quiet-stock-out": "The product page says 'In stock'; at 'Place order' the product sells out and the order is refused with only 'We could not place your order. Please try again.'; its product page now says 'Sold out'.",
    "postcode-mask": "The shipping form's postcode field rewrites what is typed: a mask made for 4-digit postcodes keeps '1011' of '10115'.",
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
    sold_out: set[str] = field(default_factory=set)  # 'quiet-stock-out': products that sold out during this visit

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


def _int(value: str | None, default: int) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


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
    headers: Any = None  # the request's headers (api_routes.py: X-Api-Key, Accept-Language, User-Agent)

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
        self.stock: dict[str, int] = {}  # slug -> units left, set through /api/stock (api_routes.py); absent: plenty
        self.signed_in: dict[str, str] = {}  # session id -> the signed-in customer's email (/account)
        self.flaky_seen: set[str] = set()  # /demo/flaky/<key> asked for already: it answers 503 only the first time

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
            product = BY_SLUG.get(slug) or cart_product(slug)
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

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

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
        if (self.headers.get("Content-Type") or "").startswith("application/json"):
            from .api_routes import json_form

            return json_form(raw)
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

        form = self._read_form() if method in ("POST", "PUT") else {}
        request = _Request(method, path, query, form, session, faults, self.headers)
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


# the route modules register their routes on import
from . import api_routes, catalogue_routes, checkout, flaky, lab_routes, mail_routes, storefront  # noqa: E402,F401
