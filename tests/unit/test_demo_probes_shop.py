"""The demo shop's side of the probes, over plain HTTP: decline test cards, late-decline, shipping rates."""

from __future__ import annotations

import pytest

from journeyaudit.demo import DemoShop
from journeyaudit.spec.probes import DECLINE_CARDS
from tests.unit.test_demo_shop import ADDRESS, PAYMENT, Visitor


@pytest.fixture(scope="module")
def shop():
    with DemoShop(port=0) as running:
        yield running


def to_payment(visitor: Visitor, fault: str | None = None) -> None:
    visitor.get("/product/aeropress-go" + (f"?fault={fault}" if fault else ""))
    visitor.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    visitor.post("/checkout/guest", {"email": "anna@example.com"})
    assert visitor.post("/checkout/shipping", ADDRESS).path == "/checkout/payment"


@pytest.mark.parametrize("card", DECLINE_CARDS, ids=lambda card: card.id)
def test_every_decline_card_is_refused_where_it_is_typed_keeping_name_and_expiry(shop, card):
    visitor = Visitor(shop)
    to_payment(visitor)
    page = visitor.post(
        "/checkout/payment", {**PAYMENT, "card_number": card.number, "card_name": card.holder_name or "Anna Schmidt"}
    )
    assert page.status == 402 and page.path == "/checkout/payment"
    assert "Your card was declined" in page.text and "You have not been charged" in page.text
    assert 'id="card-expiry" name="card_expiry" value="12/34"' in page.body
    assert f'value="{card.holder_name or "Anna Schmidt"}"' in page.body
    assert card.number not in page.body and card.digits not in page.body


def test_adyens_card_works_with_an_ordinary_name(shop):
    visitor = Visitor(shop)
    to_payment(visitor)
    page = visitor.post("/checkout/payment", {**PAYMENT, "card_number": "4111 1111 4555 1142"})
    assert page.path == "/checkout/review"


def test_late_decline_accepts_the_card_then_refuses_at_place_order_and_wipes_the_form(shop):
    visitor = Visitor(shop)
    to_payment(visitor, "late-decline")
    review = visitor.post("/checkout/payment", {**PAYMENT, "card_number": "4000 0000 0000 0002"})
    assert review.path == "/checkout/review" and "Card ending 0002" in review.text
    refused = visitor.post("/checkout/place", {})
    assert refused.status == 402 and "<h1>Payment</h1>" in refused.body
    assert "Error processing request. Payment failed, please try again." in refused.text
    assert 'name="card_name" value=' not in refused.body and 'name="card_expiry" value=' not in refused.body
    assert not shop.orders or all(o["session"] != visitor.cookie("kc_session") for o in shop.orders.values())
    # the card is gone: the review page sends the customer back to pay
    assert visitor.get("/checkout/review").path == "/checkout/payment"


def test_late_decline_leaves_working_cards_alone(shop):
    visitor = Visitor(shop)
    to_payment(visitor, "late-decline")
    visitor.post("/checkout/payment", PAYMENT)
    assert visitor.post("/checkout/place", {}).path.startswith("/order/KC-")


def test_shipping_rates_api_gives_the_labels_the_page_shows(shop):
    visitor = Visitor(shop)
    data = visitor.get("/api/shipping-rates?country=DE").json()
    assert data["country"] == "DE" and [r["code"] for r in data["rates"]] == ["standard", "express"]
    to_payment(visitor)
    page = visitor.get("/checkout/shipping")
    for rate in data["rates"]:
        assert rate["label"] in page.text
    assert "/api/shipping-rates?country=" in page.body and 'id="rates-error" role="alert" hidden' in page.body
    assert visitor.get("/api/shipping-rates?country=XX").status == 404
