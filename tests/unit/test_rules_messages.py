"""JA301 unannounced-stock-out and JA302 generic-error-message, on recorded demo traces and real-world markup."""

from __future__ import annotations

import pytest

from journeyaudit.model import ActionRecord
from tests.unit.recorded import EXPECTED, JOURNEYS, findings, recorded, run, shop_recorded, step

CODES = ("JA301", "JA302")


# --------------------------------------------------------------------------
# Recorded demo journeys
# --------------------------------------------------------------------------


@pytest.mark.parametrize("journey", JOURNEYS)
def test_codes_per_recorded_journey(journey):
    trace = recorded(journey)
    found = {f.code for code in CODES for f in findings(code, trace)}
    assert found == EXPECTED[journey] & set(CODES)


def test_stock_out_after_place_order():
    [finding] = findings("JA301", recorded("stock-out"))
    assert finding.step == 7 and finding.severity == "high" and finding.confidence == "medium"
    assert finding.message == (
        "'AeroPress Go' was 'In stock — ships in 1–2 business days' at 'Product page' (step 1), but at "
        "'Confirmation' (step 7) the shop said: "
        "'Sorry, AeroPress Go is no longer available and has been removed from your order.'"
    )
    said = [e for e in finding.evidence if e.step == 7 and e.kind == "text"]
    assert said[0].value == "Sorry, AeroPress Go is no longer available and has been removed from your order."


def test_stock_claim_from_structured_data_alone():
    trace = recorded("stock-out")
    trace.steps[0].visible_text = trace.steps[0].visible_text.replace("In stock — ships in 1–2 business days", "Brewed in Leipzig")
    [finding] = findings("JA301", trace)
    assert finding.message.startswith("'AeroPress Go' was 'InStock' at 'Product page' (step 1)")


def test_generic_error_on_the_cart():
    [finding] = findings("JA302", recorded("generic-error"))
    assert finding.step == 2 and finding.severity == "medium" and finding.confidence == "medium"
    assert finding.message == (
        "At 'Cart' (step 2) the customer was shown an error that says neither what went wrong nor what to do next: "
        "'Oops! Something went wrong. Please try again later.'"
    )
    assert [e.value for e in finding.evidence if e.kind == "text"] == ["Oops! Something went wrong. Please try again later."]


def test_generic_error_on_a_bare_server_error_page():
    [finding] = findings("JA302", recorded("server-error"))
    assert "'500 Internal Server Error'" in finding.message
    assert any(e.kind == "request" and e.value == "500" for e in finding.evidence)


def test_payment_refusal_wording_is_generic_too():
    [finding] = findings("JA302", recorded("payment-refused"))
    assert finding.step == 7 and "'Error processing request. Please try again.'" in finding.message


def test_phrases_can_be_replaced_and_extended():
    assert findings("JA302", recorded("generic-error"), phrases=[], classified=False) == []
    assert findings("JA302", recorded("generic-error"), phrases=[])  # the message's kind and quality still tell
    [finding] = findings("JA302", recorded("happy-path"), extra_phrases=["Payment received"])
    assert finding.step == 7


# --------------------------------------------------------------------------
# Hand-made traces
# --------------------------------------------------------------------------

SHOPIFY_PRODUCT = [{
    "@context": "http://schema.org/",
    "@type": "Product",
    "name": "Hario V60 Drip Scale",
    "offers": [
        {"@type": "Offer", "sku": "VSTN-2000-B", "availability": "http://schema.org/OutOfStock", "price": "59.00",
         "priceCurrency": "EUR"},
        {"@type": "Offer", "sku": "VSTN-2000-W", "availability": "http://schema.org/InStock", "price": "59.00",
         "priceCurrency": "EUR"},
    ],
}]


def _bought(*later):
    return run(
        step(1, "product", "Hario V60 Drip Scale\n€59,00\nAdd to cart", name="Produkt", html="<h1>Hario V60 Drip Scale</h1>",
             structured_data=SHOPIFY_PRODUCT),
        step(2, "cart", "Warenkorb\nHario V60 Drip Scale\n€59,00\nZwischensumme €59,00", name="Warenkorb"),
        *later,
    )


def test_german_shop_cancels_for_stock():
    later = step(3, "review", "Bestellung prüfen\nLeider ist dieser Artikel nicht mehr verfügbar.\nZwischensumme €0,00",
                 name="Prüfen", html='<div class="alert alert-danger">Leider ist dieser Artikel nicht mehr verfügbar.</div>')
    [finding] = findings("JA301", _bought(later))
    assert finding.message == (
        "'Hario V60 Drip Scale' was 'InStock' at 'Produkt' (step 1), but at 'Prüfen' (step 3) the shop said: "
        "'Leider ist dieser Artikel nicht mehr verfügbar.'"
    )


def test_item_silently_gone_from_the_basket():
    later = step(3, "review", "Bestellung prüfen\nZwischensumme €0,00\nGesamtsumme €0,00", name="Prüfen")
    [finding] = findings("JA301", _bought(later))
    assert finding.step == 3 and "gone from the basket without a word" in finding.message


def test_removed_by_the_customer_is_not_a_stock_out():
    later = step(3, "cart", "Warenkorb\nIhr Warenkorb ist leer.", name="Warenkorb",
                 actions=[ActionRecord("click", "click text=Entfernen", target={"tag": "button", "text": "Entfernen"})])
    assert findings("JA301", _bought(later)) == []


def test_other_unavailable_things_are_not_stock_outs():
    later = step(
        3, "shipping",
        "Express delivery is not available to your postcode.\nPayPal is temporarily unavailable.\n"
        "Sold out\nNotify me when available",
    )
    assert findings("JA301", _bought(later)) == []


def test_no_claim_no_finding():
    trace = run(
        step(1, "product", "Pre-order now: ships in March", html="<h1>Lelit Bianca</h1>",
             structured_data=[{"@type": "Product", "name": "Lelit Bianca",
                               "offers": {"@type": "Offer", "availability": "https://schema.org/PreOrder"}}]),
        step(2, "cart", "Sorry, Lelit Bianca is out of stock."),
    )
    # "ships in" claims availability: the text wins over the data, so this is reported ...
    assert [f.code for f in findings("JA301", trace)] == ["JA301"]
    # ... but without any claim there is nothing to contradict
    trace.steps[0].visible_text = "Pre-order now"
    assert findings("JA301", trace) == []


def test_specific_messages_faq_questions_and_long_texts_are_not_generic():
    trace = run(step(
        1, "other",
        "What if something went wrong with my delivery?\n"
        "The postcode must have 5 digits.\n"
        + "Our baristas tried again later that day, and something went wrong with the grinder: " * 5,
        html='<p class="field-error">The postcode must have 5 digits.</p>',
    ))
    assert findings("JA302", trace) == []


def test_generic_texts_from_html_notices_and_dialogs():
    from journeyaudit.model import Dialog

    trace = run(step(
        4, "payment",
        "Zahlung\nEs ist ein Fehler aufgetreten.\nKreditkarte",
        name="Zahlung",
        html='<div role="alert" class="message"><span>Es ist ein Fehler aufgetreten.</span></div>'
             '<div class="flash error" hidden>Something went wrong</div>',
        dialogs=[Dialog("alert", "Unknown error")],
    ))
    [finding] = findings("JA302", trace)
    assert [e.value for e in finding.evidence if e.kind == "text"] == ["Es ist ein Fehler aufgetreten.", "Unknown error"]


@pytest.mark.parametrize("text", ["", "\n", "In stock\n\tSold out", "Oops"])
def test_odd_pages_do_not_crash(text):
    trace = run(
        step(1, "product", text, html="<div class='error'><ul><li></li></ul>", structured_data=[{"@graph": None}]),
        step(2, "cart", text, html="<<>>", status="failed", error="x"),
        step(3, "review", text, status="skipped"),
    )
    findings("JA301", trace)
    findings("JA302", trace)


def test_product_page_that_says_in_stock_and_disables_its_buy_button():
    """Shuup: the description says 'In stock', the page says 'Combination not available', 'Add to cart' is disabled."""
    (finding,) = findings("JA301", shop_recorded("shuup", "stock-out"))
    assert finding.step == 1 and finding.severity == "medium" and finding.confidence == "medium"
    assert "'Comandante C40 Grinder' was 'Hand grinder. In stock at our Berlin warehouse" in finding.message
    assert "the same page said 'Combination not available' and its 'Add to cart' button was disabled" in finding.message
    assert "the customer could not buy it at 'Cart' (step 2)" in finding.message
    assert any(e.step == 2 and "disabled" in e.value for e in finding.evidence)


def test_same_page_needs_both_the_disabled_button_and_a_stock_out_line():
    trace = shop_recorded("shuup", "stock-out")
    product = trace.steps[0]
    enabled = product.html.replace('not-orderable" id="add-to-cart-button-4" disabled=""', '" id="add-to-cart-button-4"')
    assert enabled != product.html
    product.html = enabled
    assert findings("JA301", trace) == []
    trace = shop_recorded("shuup", "stock-out")
    trace.steps[0].visible_text = trace.steps[0].visible_text.replace("Combination not available", "")
    trace.steps[0].html = trace.steps[0].html.replace("Combination not available", "")
    assert findings("JA301", trace) == []


def test_shuup_happy_product_pages_are_no_stock_out():
    for journey in ("happy-path", "late-tax", "announced-fee", "payment-provider-error"):
        assert findings("JA301", shop_recorded("shuup", journey)) == []


def test_refusal_without_a_cause_is_explained_by_the_recheck():
    """quiet-stock-out: 'We could not place your order'; looked at again, the AeroPress page says 'Sold out'."""
    trace = recorded("quiet-stock-out")
    (finding,) = findings("JA301", trace)
    assert finding.step == 7 and finding.severity == "high"
    assert "refused the order with only 'We could not place your order. Please try again.'" in finding.message
    assert "looked at again, now says 'Sold out'" in finding.message
    assert ("The product page, looked at again after the refusal", "Sold out") in [(e.label, e.value) for e in finding.evidence]
    assert findings("JA102", trace) == []  # a sold-out item, not a refused payment
    trace.rechecks = []  # without the second look the refusal names no cause: JA301 cannot tell
    assert findings("JA301", trace) == []


def test_recheck_that_shows_a_new_price_is_evidence_of_the_late_refusal():
    trace = recorded("quiet-stock-out")
    again = trace.rechecks[0]
    again.visible_text = again.visible_text.replace("Sold out", "In stock — ships in 1–2 business days").replace("€39.90", "€44.90")
    again.html = (again.html.replace(">Sold out<", ">In stock — ships in 1–2 business days<")
                  .replace(" disabled=\"\">Add to cart", ">Add to cart").replace("€39.90", "€44.90").replace("OutOfStock", "InStock"))
    again.structured_data = []
    assert findings("JA301", trace) == []
    (late,) = findings("JA102", trace)
    assert "looked at again, 'AeroPress Go' now costs €44.90 (was €39.90)" in late.message


def test_named_refusals_and_happy_paths_need_no_recheck():
    from journeyaudit.facts import recheck

    for journey in ("stock-out", "happy-path", "late-fee"):
        assert recheck.unexplained_refusal(recorded(journey)) is None
    refused = recheck.unexplained_refusal(recorded("quiet-stock-out"))
    assert refused.step.index == 7 and refused.message.quality == "generic"
