"""The demo shop's checkout forms over plain HTTP: inline validation script, entries kept, the form faults."""

from __future__ import annotations

import re

import pytest

from journeyaudit.demo import DemoShop
from journeyaudit.demo.forms import SCRIPT_PATH
from tests.unit.test_demo_shop import ADDRESS, PAYMENT, Visitor


@pytest.fixture(scope="module")
def shop():
    with DemoShop(port=0) as running:
        yield running


def to_shipping(shop: DemoShop, fault: str | None = None) -> Visitor:
    customer = Visitor(shop)
    customer.get("/product/aeropress-go" + (f"?fault={fault}" if fault else ""))
    customer.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    assert customer.post("/checkout/guest", {"email": "anna@example.com"}).path == "/checkout/shipping"
    return customer


def inputs(body: str) -> list[str]:
    return re.findall(r"<(?:input|select)\b[^>]*>", body)


def test_checkout_pages_validate_inline_with_a_same_origin_script(shop):
    customer = to_shipping(shop)
    page = customer.get("/checkout/shipping")
    assert f'<script src="{SCRIPT_PATH}" defer></script>' in page.body
    script = customer.get(SCRIPT_PATH)
    assert script.status == 200 and script.headers["Content-Type"].startswith("text/javascript")
    for message in ("Enter a real postcode, like 10115", "This card number is not valid", "This card has expired"):
        assert message in script.body
    assert SCRIPT_PATH not in customer.get("/").body  # only forms need it


def test_entries_are_kept_after_errors_by_default(shop):
    customer = to_shipping(shop)
    page = customer.post("/checkout/shipping", ADDRESS | {"postal_code": "1"})
    assert page.status == 422 and "Enter a real postcode" in page.text
    assert 'value="Anna Schmidt"' in page.body and 'value="Berlin"' in page.body and 'value="1"' in page.body
    customer.post("/checkout/shipping", ADDRESS)
    page = customer.post("/checkout/payment", PAYMENT | {"card_number": "4242 4242 4242 4241"})
    assert page.status == 422
    assert 'value="Anna Schmidt"' in page.body and 'value="12/34"' in page.body
    assert "4242" not in page.body  # the number itself is never echoed


def test_late_validation_drops_the_script(shop):
    customer = to_shipping(shop, "late-validation")
    assert SCRIPT_PATH not in customer.get("/checkout/shipping").body
    page = customer.post("/checkout/shipping", ADDRESS | {"postal_code": "1"})
    assert page.status == 422 and "Enter a real postcode" in page.text and 'value="Berlin"' in page.body


def test_input_lost_empties_the_address_after_an_error(shop):
    customer = to_shipping(shop, "input-lost")
    page = customer.post("/checkout/shipping", ADDRESS | {"postal_code": "1"})
    assert page.status == 422 and "Enter a real postcode" in page.text
    assert "Anna Schmidt" not in page.body and 'value="Berlin"' not in page.body and " selected" not in page.body
    assert customer.post("/checkout/shipping", ADDRESS).path == "/checkout/payment"


def test_card_cleared_wipes_name_and_expiry(shop):
    customer = to_shipping(shop, "card-cleared")
    customer.post("/checkout/shipping", ADDRESS)
    page = customer.post("/checkout/payment", PAYMENT | {"card_number": "4242 4242 4242 4241"})
    assert page.status == 422 and "This card number is not valid" in page.text
    card_name = next(tag for tag in inputs(page.body) if 'id="card-name"' in tag)
    assert "value=" not in card_name and 'value="12/34"' not in page.body
    assert customer.post("/checkout/payment", PAYMENT).path == "/checkout/review"


def test_forced_account_has_no_guest_checkout(shop):
    customer = Visitor(shop)
    customer.get("/product/aeropress-go?fault=forced-account")
    customer.post("/cart/add", {"slug": "aeropress-go", "quantity": "1"})
    page = customer.get("/checkout")
    assert "guest" not in page.text.lower() and "Create your account" in page.text
    assert 'autocomplete="new-password"' in page.body
    assert customer.post("/checkout/guest", {"email": "anna@example.com"}).path == "/checkout"
    refused = customer.post("/checkout/register", {"email": "anna@example.com", "password": "short", "password_confirm": "short"})
    assert refused.status == 422 and "at least 8 characters" in refused.text and 'value="anna@example.com"' in refused.body
    mismatch = customer.post("/checkout/register", {"email": "anna@example.com", "password": "long enough", "password_confirm": "long enougH"})
    assert "The two passwords are not the same" in mismatch.text
    done = customer.post("/checkout/register", {"email": "anna@example.com", "password": "long enough", "password_confirm": "long enough"})
    assert done.path == "/checkout/shipping"


def test_long_form_asks_for_much_more_and_requires_it(shop):
    customer = to_shipping(shop, "long-form")
    page = customer.get("/checkout/shipping")
    assert len(inputs(page.body)) == 19  # 17 fields and the 2 shipping options
    for label in ("Phone number", "Date of birth", "Confirm your email address", "Billing address", "How did you hear about us?"):
        assert label in page.text
    refused = customer.post("/checkout/shipping", ADDRESS)
    assert refused.status == 422 and "Enter a phone number" in refused.text and 'value="Berlin"' in refused.body
    extra = {"phone": "+49 30 1234567", "birth_date": "14.03.1988", "email_confirm": "anna@example.com",
             "billing_name": "Anna Schmidt", "billing_street": "Kaffeestraße 12", "billing_postal_code": "10115",
             "billing_city": "Berlin", "billing_country": "DE"}
    assert customer.post("/checkout/shipping", ADDRESS | extra).path == "/checkout/payment"


def test_no_autocomplete(shop):
    customer = to_shipping(shop, "no-autocomplete")
    page = customer.get("/checkout/shipping")
    assert not any("autocomplete=" in tag for tag in inputs(page.body))
    assert '<form autocomplete="off" method="post" action="/checkout/shipping"' in page.body


def test_unlabeled_fields_use_placeholders(shop):
    customer = to_shipping(shop, "unlabeled-fields")
    page = customer.get("/checkout/shipping")
    assert '<label for="full-name">' not in page.body and 'placeholder="Full name"' in page.body
    assert '<label for="ship-standard">' in page.body  # the shipping options keep their text
