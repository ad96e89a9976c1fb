"""The demo shop's ledger faults over real HTTP: sneaked-item, delivery-drift, cheerful-failure."""

from __future__ import annotations

import re

import pytest

from journeyaudit.demo import DemoShop
from tests.unit.test_demo_shop import ADDRESS, PAYMENT, Visitor


@pytest.fixture(scope="module")
def shop():
    with DemoShop(port=0) as running:
        yield running


@pytest.fixture
def visitor(shop):
    return Visitor(shop)


def test_without_the_fault_the_cart_holds_what_was_added(visitor):
    review = visitor.to_review()
    assert "Brew Care Plan" not in review.text


def test_sneaked_item(visitor, shop):
    visitor.get("/product/aeropress-go?fault=sneaked-item")
    cart = visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    assert re.search(r"Brew Care Plan \(2 years\).*€6\.90", cart.text)
    assert re.search(r"Subtotal\s*€46\.80", cart.text)
    assert "Brew Care Plan" not in visitor.get("/").text  # not in the shop's range: nobody picks it
    visitor.post("/checkout/guest", {"email": "anna@example.com"})
    visitor.post("/checkout/shipping", ADDRESS)
    review = visitor.post("/checkout/payment", PAYMENT)
    assert re.search(r"Total\s*€51\.70", review.text)
    confirmation = visitor.post("/checkout/place", {})
    assert "Brew Care Plan (2 years)" in confirmation.text and "is confirmed" in confirmation.text


def test_delivery_drift(visitor):
    review = visitor.to_review("delivery-drift")
    assert "Standard — arrives in 3–5 business days" in review.text
    confirmation = visitor.post("/checkout/place", {})
    assert "Standard — arrives in 7–10 business days" in confirmation.text
    assert "3–5 business days" not in confirmation.text
    number = re.search(r"KC-\d+", confirmation.path).group(0)
    assert "7–10 business days" in visitor.get(f"/account/orders/{number}").text


def test_cheerful_failure(visitor):
    visitor.to_review("cheerful-failure")
    page = visitor.post("/checkout/place", {})
    assert page.status == 200 and page.path.startswith("/order/KC-")
    assert re.search(r"Thank you! Your order KC-\d+ is confirmed\.", page.text)
    assert "Your payment could not be processed, so your order has been cancelled." in page.text
    assert "Payment received" not in page.text and "Payment failed" in page.text
    number = page.path.rsplit("/", 1)[-1]
    assert "Status: Cancelled" in visitor.get(f"/account/orders/{number}").text
