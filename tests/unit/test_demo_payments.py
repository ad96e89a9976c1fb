"""The demo shop's payment widget, payment host and the faults of JA402, JA504, JA505, JA605 over HTTP."""

from __future__ import annotations

import re

import pytest

from journeyaudit.demo import DemoShop
from journeyaudit.demo.shop import PAY_HOST
from tests.unit.test_demo_shop import ADDRESS, PAYMENT, Visitor


@pytest.fixture(scope="module")
def shop():
    with DemoShop(port=0) as running:
        yield running


def to_payment(visitor: Visitor, fault: str = "none"):
    assert visitor.get(f"/product/aeropress-go?fault={fault}").status == 200
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    visitor.post("/checkout/guest", {"email": "anna@example.com"})
    page = visitor.post("/checkout/shipping", ADDRESS)
    assert page.path == "/checkout/payment"
    return page


def test_payment_page_loads_the_kettlepay_widget(shop):
    visitor = Visitor(shop)
    page = to_payment(visitor)
    assert '<script src="/payments/kcpay.js" defer></script>' in page.body
    assert 'id="express-pay" data-amount="44.80"' in page.body
    script = visitor.get("/payments/kcpay.js")
    assert script.status == 200 and script.headers["Content-Type"].startswith("text/javascript")
    assert "/payments/express?amount=" in script.body
    frame = visitor.get("/payments/express?amount=44.80&currency=EUR")
    assert frame.status == 200 and "Pay 44.80 EUR with KettlePay" in frame.text and '<html lang="en">' in frame.body


def test_payment_frame_failed_fault_answers_503(shop):
    visitor = Visitor(shop)
    to_payment(visitor, "payment-frame-failed")
    script = visitor.get("/payments/kcpay.js")
    assert script.status == 503


def test_card_form_posts_to_the_shop_unless_insecure_checkout(shop):
    visitor = Visitor(shop)
    assert 'action="/checkout/payment"' in to_payment(visitor).body
    insecure = to_payment(Visitor(shop), "insecure-checkout")
    assert f'action="http://{PAY_HOST}:{shop.port}/payments/charge"' in insecure.body
    assert re.search(r'<input type="hidden" name="checkout" value="[\w-]{20,}">', insecure.body)


def test_payment_host_takes_the_card_by_checkout_token(shop):
    visitor = Visitor(shop)
    page = to_payment(visitor, "insecure-checkout")
    token = re.search(r'name="checkout" value="([\w-]+)"', page.body).group(1)
    # the payment host is the same server on loopback (the browser maps the name to 127.0.0.1)
    review = visitor.post("/payments/charge", {**PAYMENT, "checkout": token})
    assert review.path == "/checkout/review" and "Card ending 4242" in review.text
    assert "4242 4242 4242 4242" not in review.body
    assert visitor.post("/payments/charge", {**PAYMENT, "checkout": "forged"}).status == 400
    bad = visitor.post("/payments/charge", {**PAYMENT, "card_number": "4242", "checkout": token})
    assert bad.path == "/checkout/payment"


def test_place_order_is_wired_unless_dead_click(shop):
    review = Visitor(shop)
    to_payment(review)
    page = review.post("/checkout/payment", PAYMENT)
    assert 'id="place-order" data-place-order>' in page.body and "querySelector('[data-place-order]')" in page.body
    dead = Visitor(shop)
    to_payment(dead, "dead-click")
    page = dead.post("/checkout/payment", PAYMENT)
    assert 'id="place-order" data-checkout-action>' in page.body and "data-place-order>" not in page.body
    # the server side still works: only the button is dead
    assert dead.post("/checkout/place", {}).path.startswith("/order/KC-")


def test_a11y_fault_removes_alt_text_and_button_name(shop):
    clean = Visitor(shop).get("/product/aeropress-go?fault=none").body
    assert 'alt="Barista\'s pick: tested in our roastery"' in clean and 'aria-label="Save to wishlist"' in clean
    faulty = Visitor(shop).get("/product/aeropress-go?fault=a11y-violations").body
    assert "barista-pick.svg" in faulty and "alt=" not in faulty.split("barista-pick.svg")[1].split(">")[0]
    assert 'aria-label="Save to wishlist"' not in faulty and 'class="stock faint"' in faulty
    badge = Visitor(shop).get("/badges/barista-pick.svg")
    assert badge.status == 200 and badge.headers["Content-Type"] == "image/svg+xml"
