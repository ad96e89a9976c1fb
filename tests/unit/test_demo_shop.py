"""The built-in demo shop over plain HTTP (urllib, no browser): pages, checkout, fault switches."""

from __future__ import annotations

import html
import http.cookiejar
import json
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from journeyaudit.demo import FAULTS, DemoShop

ROOT = Path(__file__).resolve().parents[2]
CARD = "4242 4242 4242 4242"
ADDRESS = {
    "name": "Anna Schmidt",
    "street": "Kaffeestraße 12",
    "postal_code": "10115",
    "city": "Berlin",
    "country": "DE",
    "shipping_method": "standard",
}
PAYMENT = {"card_name": "Anna Schmidt", "card_number": CARD, "card_expiry": "12/34", "card_cvc": "123"}


@dataclass
class Page:
    status: int
    url: str
    body: str
    headers: dict[str, str]

    @property
    def path(self) -> str:
        return urllib.parse.urlsplit(self.url).path

    @property
    def text(self) -> str:
        """Roughly what a customer reads: tags and scripts stripped, entities decoded."""
        without_scripts = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", self.body)
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", without_scripts)))

    def json(self):
        return json.loads(self.body)


class Visitor:
    """One customer: their own cookie jar, following redirects like a browser."""

    def __init__(self, shop: DemoShop) -> None:
        self.shop = shop
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.seen: list[str] = []  # every body received, to check what the shop echoes

    def request(self, path: str, data: dict | None = None) -> Page:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            response = self.opener.open(self.shop.url + path, body, timeout=10)
            page = Page(response.status, response.geturl(), response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as err:
            page = Page(err.code, err.geturl(), err.read().decode(), dict(err.headers))
        self.seen.append(page.body)
        return page

    def get(self, path: str) -> Page:
        return self.request(path)

    def post(self, path: str, data: dict) -> Page:
        return self.request(path, data)

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)

    # the happy path, one page at a time
    def to_review(self, fault: str | None = None) -> Page:
        page = self.get("/product/aeropress-go" + (f"?fault={fault}" if fault else ""))
        assert page.status == 200
        assert self.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"}).path == "/cart"
        assert self.post("/checkout/guest", {"email": "anna@example.com"}).path == "/checkout/shipping"
        assert self.post("/checkout/shipping", ADDRESS).path == "/checkout/payment"
        review = self.post("/checkout/payment", PAYMENT)
        assert review.path == "/checkout/review", review.text[:300]
        return review


@pytest.fixture(scope="module")
def shop():
    with DemoShop(port=0) as running:
        running.slow_step_seconds = 0.3
        yield running


@pytest.fixture
def visitor(shop):
    return Visitor(shop)


def json_ld(page: Page) -> list[dict]:
    blocks = re.findall(r'(?s)<script type="application/ld\+json">(.*?)</script>', page.body)
    return [json.loads(block) for block in blocks]


# --------------------------------------------------------------------------
# interface and lifecycle
# --------------------------------------------------------------------------


def test_faults_are_exactly_the_documented_switches():
    assert set(FAULTS) == {
        "server-error", "late-fee", "stock-out", "payment-refused", "generic-error", "slow-step",
        "console-error", "js-exception", "failing-request", "price-mismatch", "no-order-number",
        "late-validation", "input-lost", "card-cleared", "forced-account", "long-form", "no-autocomplete",
        "unlabeled-fields",
        "sneaked-item", "delivery-drift", "cheerful-failure",
        "dead-click", "insecure-checkout", "payment-frame-failed", "a11y-violations",
        "late-decline", "quiet-stock-out", "postcode-mask",
    } | MAIL_FAULTS
    assert all(isinstance(text, str) and text and "\n" not in text for text in FAULTS.values())


def test_url_and_context_manager():
    shop = DemoShop()
    with pytest.raises(RuntimeError):
        _ = shop.url
    with shop as running:
        assert running is shop
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", shop.url)
        assert Visitor(shop).get("/healthz").json()["status"] == "ok"
    assert not shop.running


def test_stop_frees_the_port():
    shop = DemoShop(port=0).start()
    port = shop.port
    assert Visitor(shop).get("/").status == 200
    shop.stop()
    shop.stop()  # idempotent
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    with DemoShop(port=port) as again:  # the same port can be served again at once
        assert again.url.endswith(f":{port}")
        assert Visitor(again).get("/healthz").status == 200


def test_quiet_by_default(capsys):
    with DemoShop() as quiet_shop:
        Visitor(quiet_shop).get("/")
    with DemoShop(quiet=False) as loud_shop:
        Visitor(loud_shop).get("/healthz")
    err = capsys.readouterr().err
    assert "GET /healthz" in err and "GET / " not in err


# --------------------------------------------------------------------------
# pages
# --------------------------------------------------------------------------


def test_home_lists_products_with_english_euro_prices(visitor):
    page = visitor.get("/")
    assert page.status == 200 and "Kettle &amp; Crumb" in page.body
    assert 'href="/product/aeropress-go"' in page.body
    assert "€39.90" in page.text and "€1,249.00" in page.text


def test_product_page_price_stock_and_json_ld(visitor):
    page = visitor.get("/product/aeropress-go")
    assert page.status == 200
    assert "<h1>AeroPress Go</h1>" in page.body
    assert "€39.90" in page.text
    assert "In stock — ships in 1–2 business days" in page.text
    assert 'id="quantity"' in page.body and ">Add to cart</button>" in page.body
    assert "fetch('/api/recommendations?product='" in page.body
    (product,) = [d for d in json_ld(page) if d.get("@type") == "Product"]
    assert product["name"] == "AeroPress Go" and product["sku"]
    assert product["offers"] == product["offers"] | {
        "@type": "Offer", "price": "39.90", "priceCurrency": "EUR", "availability": "https://schema.org/InStock",
    }


def test_product_over_a_thousand_euros(visitor):
    page = visitor.get("/product/lelit-mara-x")
    assert "€1,249.00" in page.text
    assert json_ld(page)[0]["offers"]["price"] == "1249.00"


def test_head_and_healthz(shop):
    request = urllib.request.Request(shop.url + "/product/aeropress-go", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and response.read() == b""
    assert Visitor(shop).get("/healthz").json() == {"status": "ok", "shop": "Kettle & Crumb"}


def test_unknown_pages_are_404(visitor):
    assert visitor.get("/product/no-such-thing").status == 404
    assert visitor.get("/nowhere").status == 404
    assert "Page not found" in visitor.get("/nowhere").text


def test_recommendations_api(visitor):
    data = visitor.get("/api/recommendations?product=aeropress-go").json()
    assert data["product"] == "aeropress-go"
    assert len(data["items"]) == 3
    assert all(item["url"].startswith("/product/") and item["slug"] != "aeropress-go" for item in data["items"])


def test_cart_and_cart_api(visitor):
    assert visitor.get("/cart").text.count("Your cart is empty") == 1
    page = visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "2"})
    assert page.path == "/cart"
    assert "AeroPress Go" in page.text and "€39.90" in page.text and "€79.80" in page.text
    assert "Subtotal" in page.text and "Delivery estimate" in page.text
    assert "Shipping is chosen at checkout" in page.text
    assert 'href="/checkout"' in page.body
    data = visitor.get("/api/cart").json()
    assert data["items"][0]["quantity"] == 2 and data["subtotal"] == "79.80" and data["currency"] == "EUR"
    visitor.post("/cart/update", {"slug": "aeropress-go", "quantity": "1"})
    assert visitor.get("/api/cart").json()["subtotal"] == "39.90"
    page = visitor.post("/cart/remove", {"slug": "aeropress-go"})
    assert "Your cart is empty" in page.text


def test_checkout_steps_redirect_to_the_first_unfinished_one(visitor):
    assert visitor.get("/checkout").path == "/cart"
    visitor.post("/cart/add", {"slug": "hario-v60", "quantity": "1"})
    assert visitor.get("/checkout/review").path == "/checkout"
    visitor.post("/checkout/guest", {"email": "anna@example.com"})
    assert visitor.get("/checkout/payment").path == "/checkout/shipping"


def test_full_checkout_by_posts(visitor, shop):
    product = visitor.get("/product/aeropress-go")
    assert product.status == 200
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    account = visitor.get("/checkout")
    assert "Continue as guest" in account.text and "Sign in" in account.text
    assert re.search(r'<label for="email">Email</label>', account.body)
    assert 'autocomplete="email"' in account.body

    shipping = visitor.post("/checkout/guest", {"email": "anna@example.com"})
    assert shipping.path == "/checkout/shipping"
    for token in ("name", "street-address", "postal-code", "address-level2", "country"):
        assert f'autocomplete="{token}"' in shipping.body
    assert "Standard — €4.90 — arrives in 3–5 business days" in shipping.text
    assert "Express — €9.90 — arrives tomorrow" in shipping.text

    payment = visitor.post("/checkout/shipping", ADDRESS)
    assert payment.path == "/checkout/payment"
    assert 'id="card-number"' in payment.body and 'autocomplete="cc-number"' in payment.body
    assert 'inputmode="numeric"' in payment.body
    for token in ("cc-name", "cc-exp", "cc-csc"):
        assert f'autocomplete="{token}"' in payment.body

    review = visitor.post("/checkout/payment", PAYMENT)
    assert review.path == "/checkout/review"
    assert "Review your order" in review.text
    assert "Shipping (Standard)" in review.text and "Card ending 4242" in review.text
    assert re.search(r"Total\s*€44\.80", review.text)
    assert "Kaffeestraße 12" in review.text and "Service fee" not in review.text

    confirmation = visitor.post("/checkout/place", {})
    match = re.fullmatch(r"/order/(KC-\d{5})", confirmation.path)
    assert match, confirmation.path
    number = match.group(1)
    assert f"Thank you! Your order {number} is confirmed." in confirmation.text
    assert "AeroPress Go" in confirmation.text and "€44.80" in confirmation.text
    assert "arrives in 3–5 business days" in confirmation.text
    assert "anna@example.com" in confirmation.text and "•••• 4242" in confirmation.text

    status = visitor.get(f"/account/orders/{number}")
    assert status.status == 200 and "Confirmed" in status.text
    assert visitor.get("/api/cart").json()["items"] == []
    assert shop.orders[number]["totals"]["total"] == 4480
    assert any(mail["to"] == "anna@example.com" and number in mail["subject"] for mail in shop.outbox)

    everything = "\n".join(visitor.seen)
    assert CARD not in everything and CARD.replace(" ", "") not in everything


def test_order_numbers_increase(shop):
    numbers = []
    for _ in range(2):
        customer = Visitor(shop)
        customer.to_review()
        numbers.append(int(customer.post("/checkout/place", {}).path.rsplit("-", 1)[1]))
    assert numbers[1] == numbers[0] + 1


def test_orders_are_private_to_their_customer(shop):
    buyer, stranger = Visitor(shop), Visitor(shop)
    buyer.to_review()
    path = buyer.post("/checkout/place", {}).path
    assert stranger.get(path).status == 404
    assert stranger.get(path.replace("/order/", "/account/orders/")).status == 404


def test_shipping_validation_keeps_values_and_names_the_problem(visitor):
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    visitor.post("/checkout/guest", {"email": "anna@example.com"})
    page = visitor.post("/checkout/shipping", {"name": "Anna Schmidt", "city": "Berlin", "street": "", "postal_code": ""})
    assert page.status == 422 and page.path == "/checkout/shipping"
    for message in (
        "Enter your street and house number",
        "Enter your postcode",
        "Choose the country we should deliver to",
        "Choose a shipping method",
    ):
        assert message in page.text
    assert "Enter your full name" not in page.text
    assert 'value="Anna Schmidt"' in page.body and 'value="Berlin"' in page.body
    assert 'aria-invalid="true"' in page.body


def test_guest_email_validation(visitor):
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    page = visitor.post("/checkout/guest", {"email": "anna-at-example"})
    assert page.status == 422
    assert "Enter an email address in the correct format" in page.text
    assert 'value="anna-at-example"' in page.body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"card_number": "4242 4242 4242 4241"}, "This card number is not valid"),
        ({"card_number": "4242-abcd"}, "only digits"),
        ({"card_number": ""}, "Enter your card number"),
        ({"card_expiry": "01/20"}, "This card has expired"),
        ({"card_expiry": "13/30"}, "Enter the expiry date as MM/YY"),
        ({"card_cvc": "12"}, "security code"),
        ({"card_name": ""}, "Enter the name as it appears on your card"),
    ],
)
def test_payment_validation(shop, changes, message):
    customer = Visitor(shop)
    customer.get("/")
    customer.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    customer.post("/checkout/guest", {"email": "anna@example.com"})
    customer.post("/checkout/shipping", ADDRESS)
    page = customer.post("/checkout/payment", PAYMENT | changes)
    assert page.status == 422 and page.path == "/checkout/payment"
    assert message in page.text
    assert "4242 4242" not in page.body and "424242424242" not in page.body


# --------------------------------------------------------------------------
# fault switches
# --------------------------------------------------------------------------


def test_server_error(visitor):
    visitor.get("/product/aeropress-go?fault=server-error")
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    visitor.post("/checkout/guest", {"email": "anna@example.com"})
    page = visitor.post("/checkout/shipping", ADDRESS)
    assert page.status == 500 and page.path == "/checkout/shipping"
    assert "Internal Server Error" in page.text and "Kettle" not in page.text


def test_late_fee(visitor):
    visitor.get("/product/aeropress-go?fault=late-fee")
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    assert "Service fee" not in visitor.get("/cart").text
    visitor.post("/checkout/guest", {"email": "anna@example.com"})
    assert "Service fee" not in visitor.get("/checkout/shipping").text
    assert "Service fee" not in visitor.post("/checkout/shipping", ADDRESS).text
    review = visitor.post("/checkout/payment", PAYMENT)
    assert re.search(r"Service fee\s*€2\.95", review.text)
    assert re.search(r"Total\s*€47\.75", review.text)
    confirmation = visitor.post("/checkout/place", {})
    assert "is confirmed" in confirmation.text and "€47.75" in confirmation.text


def test_stock_out(visitor, shop):
    product = visitor.get("/product/aeropress-go?fault=stock-out")
    assert "In stock" in product.text
    assert json_ld(product)[0]["offers"]["availability"] == "https://schema.org/InStock"
    visitor.to_review()
    orders_before = len(shop.orders)
    page = visitor.post("/checkout/place", {})
    assert page.path in ("/cart", "/checkout/review")
    assert "Sorry, AeroPress Go is no longer available and has been removed from your order." in page.text
    assert len(shop.orders) == orders_before
    assert visitor.get("/api/cart").json()["items"] == []


def test_quiet_stock_out(visitor, shop):
    product = visitor.get("/product/aeropress-go?fault=quiet-stock-out")
    assert "In stock" in product.text and "disabled>Add to cart" not in product.body
    visitor.to_review()
    orders_before = len(shop.orders)
    page = visitor.post("/checkout/place", {})
    assert page.path == "/checkout/review"
    assert "We could not place your order. Please try again." in page.text and "AeroPress" in page.text
    assert len(shop.orders) == orders_before
    again = visitor.get("/product/aeropress-go")  # the same visitor looks at the product again
    assert 'id="availability">Sold out</p>' in again.body and "disabled>Add to cart" in again.body  # the shop's own HTML (the browser writes disabled="")
    assert json_ld(again)[0]["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert 'id="availability">In stock' in shop_visitor_product(shop)  # another visitor's page is unchanged


def shop_visitor_product(shop) -> str:
    import urllib.request

    with urllib.request.urlopen(shop.url + "/product/aeropress-go") as answer:
        return answer.read().decode("utf-8")


def test_payment_refused(visitor, shop):
    review = visitor.to_review("payment-refused")  # the card is accepted at the payment step
    assert "Card ending 4242" in review.text
    orders_before = len(shop.orders)
    page = visitor.post("/checkout/place", {})
    assert page.path == "/checkout/review"
    assert "Error processing request. Please try again." in page.text
    assert len(shop.orders) == orders_before


def test_generic_error(visitor):
    visitor.get("/product/aeropress-go?fault=generic-error")
    page = visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    assert "Oops! Something went wrong. Please try again later." in page.text
    assert 'href="/checkout"' in page.body  # the journey can go on


def test_slow_step(visitor, shop):
    assert DemoShop.slow_step_seconds == 6.0  # the default the demo journeys run into
    visitor.get("/product/aeropress-go?fault=slow-step")
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    visitor.post("/checkout/guest", {"email": "anna@example.com"})
    started = time.monotonic()
    page = visitor.post("/checkout/shipping", ADDRESS)
    assert time.monotonic() - started >= shop.slow_step_seconds
    assert page.path == "/checkout/payment"


def test_console_error(visitor):
    healthy = visitor.get("/product/aeropress-go")
    assert '"key": "rv_' in healthy.body
    page = visitor.get("/product/aeropress-go?fault=console-error")
    assert '"key": ""' in page.body and "console.error(" in page.body
    assert "In stock" in page.text


def test_js_exception(visitor):
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    assert '"promotion"' in visitor.get("/cart").body
    page = visitor.get("/cart?fault=js-exception")
    cart_data = json.loads(re.search(r"window\.kcCart = (\{.*?\});</script>", page.body).group(1))
    assert "promotion" not in cart_data  # so the script's cart.promotion.code throws a TypeError
    assert "cart.promotion.code" in page.body


def test_failing_request(visitor):
    assert visitor.get("/api/recommendations?product=aeropress-go").status == 200
    visitor.get("/product/aeropress-go?fault=failing-request")
    response = visitor.get("/api/recommendations?product=aeropress-go")
    assert response.status == 500


def test_price_mismatch(visitor):
    product = visitor.get("/product/aeropress-go?fault=price-mismatch")
    assert "€39.90" in product.text and json_ld(product)[0]["offers"]["price"] == "39.90"
    cart = visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    assert "€42.90" in cart.text and "€39.90" not in cart.text
    assert visitor.get("/api/cart").json()["items"][0]["unit_price"] == "42.90"


def test_no_order_number(visitor):
    visitor.to_review("no-order-number")
    page = visitor.post("/checkout/place", {})
    assert page.status == 200 and page.path.startswith("/order/KC-")
    assert "Thank you for your order!" in page.text
    assert not re.search(r"KC-\d+", page.text)
    assert "Total" not in page.text and "AeroPress" not in page.text


# --------------------------------------------------------------------------
# fault cookies
# --------------------------------------------------------------------------


def test_faults_apply_to_one_visitor_only(shop):
    faulty, healthy = Visitor(shop), Visitor(shop)
    faulty.get("/?fault=late-fee")
    assert faulty.cookie("ja_fault") == "late-fee"
    assert healthy.cookie("ja_fault") is None
    assert "Service fee" in faulty.to_review().text
    assert "Service fee" not in healthy.to_review().text


def test_fault_list_and_clearing(visitor):
    page = visitor.get("/?fault=price-mismatch,generic-error,not-a-fault")
    assert page.headers["X-Demo-Faults"] == "generic-error,price-mismatch"
    cart = visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    assert "€42.90" in cart.text and "Oops!" in cart.text
    cleared = visitor.get("/cart?fault=none")
    assert "€39.90" in cleared.text and "Oops!" not in cleared.text
    assert visitor.cookie("ja_fault") is None
    assert visitor.get("/healthz").headers["X-Demo-Faults"] == "none"


# --------------------------------------------------------------------------
# the demo journeys match the switches
# --------------------------------------------------------------------------


# issue #5: the email journeys have their own shape, checked in test_demo_mail.py
MAIL_FAULTS = {
    "duplicate-confirmation", "no-confirmation-email", "silent-cancel", "cheerful-cancellation",
    "newsletter-burst", "unsubscribe-ignored", "no-list-unsubscribe",
}
MAIL_JOURNEYS = MAIL_FAULTS | {"mail-order", "mail-newsletter"}


def test_one_demo_journey_per_fault():
    yaml = pytest.importorskip("yaml")
    folder = ROOT / "journeys" / "demo"
    files = {path.stem: path for path in folder.glob("*.yaml") if path.stem not in MAIL_JOURNEYS}
    # 'late-decline' has no journey of its own: journeys/demo/probes.yaml finds it with generated decline cards
    probed = {"late-decline"}
    assert set(files) == (set(FAULTS) - MAIL_FAULTS - probed) | {"happy-path", "probes"}
    roles = ["product", "cart", "account", "shipping", "payment", "review", "confirmation"]
    for stem, path in files.items():
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# yaml-language-server: $schema=../../schema/journey.schema.json")
        journey = yaml.safe_load(text)
        assert journey["description"]
        step_roles = [step["role"] for step in journey["steps"]]
        # a step may repeat its role (the same page again, after an error), never skip or reorder one
        assert [r for i, r in enumerate(step_roles) if i == 0 or step_roles[i - 1] != r] == roles
        first = journey["steps"][0]["actions"][0]["goto"]
        if stem == "probes":
            assert first.startswith("/product/aeropress-go?fault=") and probed <= set(first.split("=", 1)[1].split(","))
            assert journey["probes"]
        else:
            assert first == ("/product/aeropress-go" if stem == "happy-path" else f"/product/aeropress-go?fault={stem}")
        secret_fills = [
            a["fill"] for step in journey["steps"] for a in step["actions"] if "fill" in a and a["fill"].get("secret")
        ]
        assert any(fill["value"] == CARD for fill in secret_fills)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(pytest.main([__file__, "-q"]))
