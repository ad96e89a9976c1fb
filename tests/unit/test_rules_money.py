"""JA201 late-extra-cost and JA202 price-mismatch, on recorded demo traces and real-world markup."""

from __future__ import annotations

import pytest

from tests.unit.recorded import EXPECTED, JOURNEYS, findings, recorded, run, step

CODES = ("JA201", "JA202")


# --------------------------------------------------------------------------
# Recorded demo journeys
# --------------------------------------------------------------------------


@pytest.mark.parametrize("journey", JOURNEYS)
def test_codes_per_recorded_journey(journey):
    trace = recorded(journey)
    found = {f.code for code in CODES for f in findings(code, trace)}
    assert found == EXPECTED[journey] & set(CODES)


def test_late_fee_names_the_fee_and_both_totals():
    [finding] = findings("JA201", recorded("late-fee"))
    assert finding.step == 6 and finding.confidence == "medium" and finding.severity == "high"
    assert finding.message == (
        "A 'Service fee' of €2.95 appeared first at 'Review order' (step 6); "
        "the total went from €44.80 at 'Payment' (step 5) to €47.75."
    )
    values = [(e.kind, e.value, e.step) for e in finding.evidence]
    assert ("amount", "Service fee €2.95", 6) in values
    assert ("amount", "€44.80", 5) in values and ("amount", "€47.75", 6) in values


def test_price_mismatch_names_both_prices_and_every_step():
    [finding] = findings("JA202", recorded("price-mismatch"))
    assert finding.step == 2 and finding.confidence == "medium"
    assert finding.message.startswith(
        "'AeroPress Go' cost €39.90 at 'Product page' (step 1), but 'Cart' (step 2) charged €42.90 for it (more than shown)"
    )
    assert finding.message.endswith("(more than shown). Also at 'Review order' (step 6): €42.90, 'Confirmation' (step 7): €42.90.")
    charged = {e.step: e.value for e in finding.evidence if e.label.startswith("Price charged")}
    assert charged[2] == "€42.90" and charged[6] == "€42.90"
    assert any(e.kind == "text" and "AeroPress Go" in e.value and "€42.90" in e.value for e in finding.evidence)


def test_a_chosen_shipping_option_is_not_a_late_fee():
    trace = recorded("happy-path")
    review = next(s for s in trace.steps if s.role == "review")
    assert "Shipping (Standard)" in review.visible_text  # the fee line is there ...
    assert findings("JA201", trace) == []  # ... and was shown (and chosen) before


def test_late_roles_option_moves_the_line():
    # with the payment step counted as late, the shipping line there is still "shown before" (shipping step)
    assert findings("JA201", recorded("happy-path"), late_roles=["payment", "review", "confirmation"]) == []
    # with no late role, and steps after the customer's details not counted as late, nothing is late
    assert findings("JA201", recorded("late-fee"), late_roles=[], after_details=False) == []
    # steps after the customer typed their details are late whatever their role
    [finding] = findings("JA201", recorded("late-fee"), late_roles=[])
    assert finding.step == 6


# --------------------------------------------------------------------------
# Real-world markup
# --------------------------------------------------------------------------

DE_CART = "Warenkorb\nComandante C40\n1.299,00 €\nZwischensumme\t1.299,00 €\nVersandkosten\t4,95 €\nGesamtsumme\t1.303,95 €"


def test_german_late_service_fee():
    review = DE_CART.replace(
        "Gesamtsumme\t1.303,95 €",
        "Servicegebühr\t1,50 €\nGesamtsumme (inkl. MwSt.)\t1.305,45 €\ninkl. 19% MwSt.\t208,43 €",
    )
    trace = run(step(1, "cart", DE_CART, name="Warenkorb"), step(2, "review", review, name="Bestellung prüfen"))
    [finding] = findings("JA201", trace)
    assert finding.message == (
        "A 'Servicegebühr' of 1,50 € appeared first at 'Bestellung prüfen' (step 2); "
        "the total went from 1.303,95 € at 'Warenkorb' (step 1) to 1.305,45 €."
    )


def test_included_vat_and_announced_shipping_are_not_late_fees():
    trace = run(
        step(1, "cart", "Cart\nSubtotal $120.00\nShipping: calculated at checkout (from $7.99)"),
        step(2, "shipping", "Shipping method\nGround — $7.99\nNext day — $24.99"),
        step(3, "review", "Review\nSubtotal $120.00\nShipping $7.99\nVAT (included) $20.00\nTotal $127.99"),
        step(4, "confirmation", "Thank you! Order #10045\nSubtotal $120.00\nShipping $7.99\nTotal $127.99"),
    )
    assert findings("JA201", trace) == []


def test_fee_without_total_growth_is_not_reported():
    trace = run(
        step(1, "cart", "Subtotal €50.00\nTotal €50.00"),
        step(2, "review", "Subtotal €47.05\nHandling fee €2.95\nTotal €50.00"),  # fee carved out of the price
    )
    assert findings("JA201", trace) == []


def test_no_earlier_total_means_no_comparison():
    trace = run(step(1, "review", "Service fee €2.95\nTotal €47.75"))
    assert findings("JA201", trace) == []


def test_shopify_like_product_page_and_sale_price():
    structured = [{
        "@context": "http://schema.org/",
        "@type": "Product",
        "name": "Fellow Ode Brew Grinder Gen 2",
        "sku": "ODE2-BLK",
        "brand": {"@type": "Brand", "name": "Fellow"},
        "offers": [{
            "@type": "Offer",
            "url": "https://shop.example/products/ode?variant=4242",
            "price": "299.00",
            "priceCurrency": "EUR",
            "availability": "http://schema.org/InStock",
        }],
    }]
    product = step(
        1, "product",
        "Home / Grinders / Fellow Ode\nFellow Ode Brew Grinder Gen 2\nRegular price\n€349,00 EUR\nSale price\n€299,00 EUR\n"
        "Tax included. Shipping calculated at checkout.\nQuantity\nAdd to cart",
        name="Product", html="<h1 class='product__title'>Fellow Ode Brew Grinder Gen 2</h1>",
        structured_data=structured,
    )
    cart = step(2, "cart", "Your cart\nFellow Ode Brew Grinder Gen 2\nColor: Matte Black\n€299,00\n2\n€598,00\nEstimated total\t€598,00 EUR")
    assert findings("JA202", run(product, cart)) == []  # the sale price, shown and declared, times a quantity

    cart.visible_text = cart.visible_text.replace("€299,00", "€319,00").replace("€598,00", "€638,00")
    [finding] = findings("JA202", run(product, cart))
    assert finding.message.startswith(
        "'Fellow Ode Brew Grinder Gen 2' cost €299,00 EUR at 'Product' (step 1), but 'Cart' (step 2) charged €319,00"
    )


def test_structured_data_price_differs_from_the_visible_price():
    product = step(
        1, "product", "Comandante C40 MK4\n1.299,00 €\ninkl. MwSt.", html="<h1>Comandante C40 MK4</h1>",
        structured_data=[{"@type": "Product", "name": "Comandante C40 MK4",
                          "offers": {"@type": "Offer", "price": 1199, "priceCurrency": "EUR"}}],
    )
    [finding] = findings("JA202", run(product))
    assert finding.step == 1
    assert finding.message == (
        "'Comandante C40 MK4' is shown for 1.299,00 € at 'Product' (step 1), "
        "but the page tells search engines and price comparison sites 1199.00 EUR."
    )


def test_sentences_totals_and_other_currencies_are_not_item_rows():
    product = step(1, "product", "AeroPress Go\n€39.90\nIn stock", html="<h1>AeroPress Go</h1>")
    later = step(
        2, "review",
        "Sorry, AeroPress Go is no longer available, we refunded the €39.90 you paid for it on your card ending 4242.\n"
        "AeroPress Go\nSubtotal\n€0.00\n"
        "AeroPress Go (gift) US$45.00",
    )
    assert findings("JA202", run(product, later)) == []


@pytest.mark.parametrize(
    "text",
    ["", "\n\n\t", "Total", "Total €", "€€€ 12,,34", "AeroPress Go\n\t\n€", "Gesamtsumme 1.299,00 €\nVersand 0,00 €"],
)
def test_odd_pages_do_not_crash(text):
    odd = [{"@type": "Product", "name": None, "offers": "free"}, {"@graph": [{"@type": "Offer"}]}, []]
    trace = run(
        step(1, "product", text, html="<h1></h1><h1>", structured_data=odd),
        step(2, "cart", text),
        step(3, "review", text, status="failed", error="boom"),
        step(4, "confirmation", text, status="skipped"),
    )
    assert findings("JA201", trace) == [] and findings("JA202", trace) == []


# ---- product cards: names and prices without structured data (Dawn's collection grid) ----

_THEMES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "themes"


def _listing_then_cart(cart_text: str):
    html = (_THEMES / "dawn-collection.html").read_text(encoding="utf-8")
    from journeyaudit.facts.html_tree import soup

    text = soup(html).get_text("\n")
    return run(step(1, "product", text, name="Collection", html=html), step(2, "cart", cart_text, name="Cart"))


def test_product_cards_pair_names_with_prices():
    from journeyaudit.facts import product_cards

    cards = product_cards.cards((_THEMES / "dawn-collection.html").read_text(encoding="utf-8"))
    assert [(c.name, str(c.price.amount)) for c in cards] == [
        ("AeroPress Go", "39.90"), ("Hario V60 Dripper", "24.50"), ("Fellow Stagg Kettle", "89.00"),
    ]


def test_price_mismatch_on_a_listing_without_structured_data():
    trace = _listing_then_cart("Your cart\nHario V60 Dripper\n€27,50\nQuantity 1\nSubtotal €27,50")
    (finding,) = findings("JA202", trace)
    assert "'Hario V60 Dripper'" in finding.message and "€24,50" in finding.message and "€27,50" in finding.message
    assert findings("JA202", _listing_then_cart("Your cart\nHario V60 Dripper\n€24,50\nQuantity 1\nSubtotal €24,50")) == []


def test_name_selector_names_the_card_heading():
    trace = _listing_then_cart("Your cart\nHario V60 Dripper\n€27,50\nSubtotal €27,50")
    assert len(findings("JA202", trace, name_selector=".card__heading a")) == 1
    assert findings("JA202", trace, name_selector=".no-such-element") == []  # nothing named: no card paired


def test_name_selector_is_type_checked():
    from journeyaudit.rules.registry import all_rules
    from journeyaudit.spec import rulecheck

    assert rulecheck.option_problems(all_rules(), {"JA202": {"name_selector": ".card__heading a"}}) == []
    (problem,) = rulecheck.option_problems(all_rules(), {"JA202": {"name_selector": ["h3"]}})
    assert "name_selector" in str(problem)
