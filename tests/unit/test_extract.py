"""Table-driven tests of the pure page extractors on real-world snippets."""

from __future__ import annotations

import ast
from decimal import Decimal

import pytest

from journeyaudit.facts import messages, money, page_text, phrase_search, structured, wording
from journeyaudit.facts.messages import error_texts
from journeyaudit.facts.money import (
    Money,
    fee_lines,
    find_money,
    find_total,
    labelled_amounts,
    parse_amount,
    parse_money,
    same_currency,
)
from journeyaudit.facts.page_text import lines, normalise
from journeyaudit.facts.phrase_search import find_phrases, in_stock, order_number, out_of_stock
from journeyaudit.facts.structured import Offer, offers
from journeyaudit.facts.wording import FEE_LABELS, GENERIC_ERROR_PHRASES, PAYMENT_REFUSED_PHRASES, TOTAL_LABELS

D = Decimal

# --------------------------------------------------------------------------
# Money
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$1,299.00", "1299.00", "$"),
        ("1.299,00 €", "1299.00", "EUR"),
        ("1 299,00 €", "1299.00", "EUR"),
        ("1\u00a0299,00\u00a0€", "1299.00", "EUR"),  # French, non-breaking spaces
        ("1\u202f299,00 €", "1299.00", "EUR"),  # narrow no-break space
        ("£5", "5", "GBP"),
        ("EUR 12.50", "12.50", "EUR"),
        ("12,50 EUR", "12.50", "EUR"),
        ("€ 39.90", "39.90", "EUR"),
        ("€39,90", "39.90", "EUR"),
        ("US$ 10", "10", "USD"),
        ("¥1,200", "1200", "¥"),
        ("CHF 1'299.90", "1299.90", "CHF"),
        ("CHF 12.-", "12", "CHF"),
        ("-€5.00", "-5.00", "EUR"),
        ("−€5.00", "-5.00", "EUR"),  # unicode minus
        ("–5,00 €", "-5.00", "EUR"),  # en dash as minus, attached
        ("€-5.00", "-5.00", "EUR"),
        ("+€2.00", "2.00", "EUR"),
        ("$54.80 USD", "54.80", "USD"),  # Shopify: symbol plus code
        ("€54,80 EUR", "54.80", "EUR"),
        ("EUR €54,80", "54.80", "EUR"),
        ("$54.80 CAD", "54.80", "CAD"),
        ("R$ 1.234,56", "1234.56", "BRL"),
        ("₹1,23,456.00", "123456.00", "INR"),
        ("49 zł", "49", "PLN"),
        ("1 299 Kč", "1299", "CZK"),
        ("129 kr", "129", "kr"),
        ("12.99EUR", "12.99", "EUR"),
        ("0,99 €", "0.99", "EUR"),
        ("1.299 €", "1299", "EUR"),  # German thousands, no decimals
        ("A$19.95", "19.95", "AUD"),
        ("12€50", "12.50", "EUR"),  # the symbol as decimal mark (French shelf labels)
        ("Rp 150.000", "150000", "IDR"),
        ("Rp150.000", "150000", "IDR"),
        ("$1.5k", "1500", "$"),  # "$" alone stays ambiguous (USD, CAD, AUD...): same_currency("$", "USD")
        ("€5k", "5000", "EUR"),
        ("($5.00)", "-5.00", "$"),  # accounting style: negative
        ("Refund:\t(€12,50)", "-12.50", "EUR"),
    ],
)
def test_parse_money_formats(text, amount, currency):
    money = parse_money(text)
    assert money is not None
    assert money.amount == D(amount)
    assert money.currency == currency
    assert str(money) == money.text


@pytest.mark.parametrize(
    "text",
    [
        "12.05.2024",  # date
        "2024-05-12",
        "Qty 2",
        "10115",  # postcode
        "10115 Berlin",
        "+49 30 1234567",  # phone
        "(555) 123-4567",
        "4242 4242 4242 4242",  # card number
        "12/26",  # expiry
        "20% off",
        "Lieferung Fr. 14.06.",  # a Friday, not francs
        "TRY 30 DAYS FREE",  # text-transformed call to action, not Turkish lira
        "3 items",
        "",
        "Was €60.00 Now €54.80",  # two different amounts: ambiguous for parse_money
    ],
)
def test_parse_money_rejects_non_money(text):
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qty 2 × €19.90 = €39.80", ["€19.90", "€39.80"]),
        ("Delivered 12.05.2024 to 10115 Berlin, call +49 30 1234567. Paid €54.80.", ["€54.80"]),
        ("Card 4242 4242 4242 4242 charged $1,299.00", ["$1,299.00"]),
        ("3 €5.00", ["€5.00"]),  # the quantity before a prefixed price is not a suffixed price
        ("Shipping to 10115 €4.95", ["€4.95"]),
        ("12,50 EUR 3 items", ["12,50 EUR"]),
        ("Was <s>€60.00</s> now €54.80, save -€5.20", ["€60.00", "€54.80", "-€5.20"]),
        ("Order 10-€5 voucher", ["€5"]),  # a hyphen glued to a number is not a minus sign
        ("Range €10 – €20", ["€10", "€20"]),
        ("No money here, just 42 and 3.14", []),
        ("DHL Express ($9.90)", ["$9.90"]),  # a price in parentheses after a word is no accounting negative
        ("(€5.00 off)", ["€5.00"]),
        ("5 kg for €5kg", ["€5"]),  # "k" glued to a word is no thousand
        ("Paid 12€50 for 2", ["12€50"]),
    ],
)
def test_find_money_in_text(text, expected):
    assert [money.text for money in find_money(text)] == expected


@pytest.mark.parametrize(("text", "amount"), [("($5.00)", "-5.00"), ("$1.5k", "1500"), ("12€50", "12.50"),
                                             ("DHL Express ($9.90)", "9.90")])
def test_new_money_forms_amounts(text, amount):
    assert [money.amount for money in find_money(text)] == [D(amount)]
    assert same_currency(find_money("$1.5k")[0].currency, "USD")


def test_money_str_is_the_original_snippet():
    money = Money(D("54.80"), "EUR", "54,80 €")
    assert str(money) == "54,80 €"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(25, "25"), (25.5, "25.5"), ("25.00", "25.00"), ("1,299.00", "1299.00"), ("1.299,00", "1299.00"),
     ("$25", "25"), ("", None), (None, None), (True, None), ("n/a", None)],
)
def test_parse_amount(value, expected):
    assert parse_amount(value) == (D(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("USD", "USD", True), ("$", "USD", True), ("CAD", "$", True), ("EUR", "USD", False), ("¥", "JPY", True),
     (None, "EUR", True), ("GBP", "$", False)],
)
def test_same_currency(a, b, same):
    assert same_currency(a, b) is same


# --------------------------------------------------------------------------
# Lines and normalisation
# --------------------------------------------------------------------------


def test_lines_strip_collapse_and_drop_empty():
    assert lines("  Total \t €54.80 \n\n\r\n  Pay   now\u00a0 ") == ["Total €54.80", "Pay now"]


def test_normalise_casefolds_and_collapses():
    assert normalise("  Straße\u00a0 Out  OF Stock’s ") == "strasse out of stock's"


# --------------------------------------------------------------------------
# Totals
# --------------------------------------------------------------------------

SHOPIFY_SUMMARY = "Subtotal\n€50,00\nShipping\n€4,80\nTotal\nEUR €54,80"
GRID_COLUMNS = "Subtotal\nShipping\nTotal\n€50.00\n€4.80\n€54.80"  # label column, then value column


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Subtotal €50.00\nShipping €4.80\nTotal €54.80", "54.80"),
        ("Subtotal:\t$50.00\nShipping:\t$4.80\nOrder Total:\t$54.80", "54.80"),
        ("Subtotal\t€50.00\nShipping\tDHL Express\t€9.90\nTotal\t€59.90", "59.90"),  # table rows
        ("Subtotal\n€50.00\nShipping\n€4.80\nTotal\n€54.80", "54.80"),  # label, amount on next line
        (SHOPIFY_SUMMARY, "54.80"),
        (GRID_COLUMNS, "54.80"),
        ("Total\n(incl. VAT)\n€54.80", "54.80"),
        ("Total (incl. VAT) €54.80", "54.80"),
        ("Total (2 items): €54.80", "54.80"),
        ("GRAND TOTAL  £54.80", "54.80"),
        ("Amount due: $0.00\nTotal: $54.80", "0.00"),  # the more specific label wins
        ("Zwischensumme 45,00 €\nVersandkosten 4,90 €\nGesamtsumme (inkl. MwSt.) 49,90 €", "49.90"),
        ("Zwischensumme\t45,00 €\nGesamt\t49,90 €", "49.90"),
        ("Sous-total 45,00 €\nLivraison 4,90 €\nTotal HT 41,58 €\nTVA (20 %) 8,32 €\nTotal TTC 49,90 €", "49.90"),
        ("Subtotal 45,00 €\nGastos de envío 4,90 €\nIVA (21%) 8,50 €\nTotal a pagar 49,90 €", "49.90"),
        ("Importe total\n49,90 €", "49.90"),
        ("Total savings -€5.00\nTotal: €54.80", "54.80"),
        ("Total (excl. VAT) €45.00\nTotal €54.80", "54.80"),
        ("Total\t€60.00 €54.80", "54.80"),  # struck-through old price first
        ("Order total: $54.80 USD", "54.80"),
        ("Mini cart Total €40.00\n...\nTotal €54.80", "54.80"),
    ],
)
def test_find_total(text, expected):
    total = find_total(text)
    assert total is not None
    assert total.amount == D(expected)


@pytest.mark.parametrize(
    "text",
    [
        "Subtotal: €50.00",
        "Sub-total\n€50.00",
        "Zwischensumme 45,00 €",
        "Sous-total : 45,00 €",
        "Total items: 3",
        "Total before tax: €50.00",
        "Total (excl. shipping) €50.00",
        "Totals are shown at checkout",
        "",
    ],
)
def test_subtotal_and_non_totals_are_not_totals(text):
    assert find_total(text) is None


def test_labelled_amounts_keep_label_as_written():
    text = "ORDER TOTAL:  €54.80\nGesamtsumme (inkl. MwSt.)\n49,90 €"
    found = labelled_amounts(text, TOTAL_LABELS)
    assert [(label, money.text) for label, money in found] == [
        ("ORDER TOTAL", "€54.80"),
        ("Gesamtsumme (inkl. MwSt.)", "49,90 €"),
    ]


def test_labelled_amounts_with_custom_labels():
    text = "Bearbeitungspauschale 2,50 €\nTotal 12,50 €"
    assert [(label, m.amount) for label, m in labelled_amounts(text, ["bearbeitungspauschale"])] == [
        ("Bearbeitungspauschale", D("2.50"))
    ]


# --------------------------------------------------------------------------
# Fee lines
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Subtotal €50.00\nShipping €4.80\nService fee €1.50\nTotal €56.30",
         [("Shipping", "4.80"), ("Service fee", "1.50")]),
        ("Shipping\tDHL Express\t€9.90\nSmall order fee\t€2.00", [("Shipping", "9.90"), ("Small order fee", "2.00")]),
        ("Shipping & Handling: $7.95\nEstimated tax: $4.10", [("Shipping & Handling", "7.95"), ("Estimated tax", "4.10")]),
        ("Payment fee (PayPal) €0.35", [("Payment fee (PayPal)", "0.35")]),
        ("Versandkosten 4,90 €\nZahlartgebühr 1,00 €\nMwSt. 19% 8,75 €",
         [("Versandkosten", "4.90"), ("Zahlartgebühr", "1.00"), ("MwSt. 19%", "8.75")]),
        ("Frais de port\n4,90 €\nFrais de service : 1,50 €", [("Frais de port", "4.90"), ("Frais de service", "1.50")]),
        ("Gastos de envío 4,90 €\nIVA (21%) 8,50 €", [("Gastos de envío", "4.90"), ("IVA (21%)", "8.50")]),
        ("Shipping: Free\nDelivery address: 10 Main St, 10115 Berlin", []),
        ("Free shipping on orders over €50", []),
        ("Shipping to Germany from €4.95", []),  # words between label and amount: not a fee line
    ],
)
def test_fee_lines(text, expected):
    assert [(label, str(money.amount)) for label, money in fee_lines(text)] == [
        (label, amount) for label, amount in expected
    ]


def test_fee_labels_are_extendable():
    text = "Eco contribution €0.50"
    assert fee_lines(text) == []
    assert fee_lines(text, FEE_LABELS + ("Eco contribution",))[0][1].amount == D("0.50")


# --------------------------------------------------------------------------
# Phrases: stock, errors, payment refused
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "is_in", "is_out"),
    [
        ("In stock", True, False),
        ("Only 3 left in stock - order soon", True, False),
        ("Ships in 2-3 business days", True, False),
        ("Auf Lager, sofort lieferbar", True, False),
        ("En stock", True, False),
        ("Disponible", True, False),
        ("Not in stock", False, True),
        ("This item is no longer in stock", False, True),
        ("Currently unavailable.", False, True),
        ("Not available in your size", False, True),
        ("Availability: not available", False, True),
        ("Available: No", False, True),
        ("0 in stock", False, True),
        ("SOLD OUT", False, True),
        ("Notify me when back in stock", False, True),
        ("1 item was removed from your cart because it is out of stock.", False, True),
        ("Derzeit nicht verfügbar", False, True),
        ("Nicht auf Lager", False, True),
        ("Ausverkauft", False, True),
        ("Rupture de stock", False, True),
        ("Ce produit n'est plus disponible", False, True),
        ("Indisponible", False, True),
        ("Agotado", False, True),
        ("No disponible", False, True),
        ("Add to cart", False, False),
    ],
)
def test_stock_claims(text, is_in, is_out):
    assert bool(in_stock(text)) is is_in
    assert bool(out_of_stock(text)) is is_out


def test_stock_helpers_return_matching_lines():
    page = "Blue Hoodie\n€45.00\nIn stock\nShips in 2 days\nSize M: sold out"
    assert in_stock(page) == ["In stock", "Ships in 2 days"]
    assert out_of_stock(page) == ["Size M: sold out"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Oops!\nSomething went wrong. Please try again later.\nOops!", ["Oops!", "Something went wrong. Please try again later."]),
        ("502 Bad Gateway", ["502 Bad Gateway"]),
        ("Error 500 - Internal Server Error", ["Error 500 - Internal Server Error"]),
        ("Es ist ein Fehler aufgetreten.", ["Es ist ein Fehler aufgetreten."]),
        ("Une erreur est survenue", ["Une erreur est survenue"]),
        ("Se ha producido un error", ["Se ha producido un error"]),
        ("The postcode 99999 does not exist in Berlin", []),
        ("Look what's in stock", []),  # "oops" is a word, not a substring of others
    ],
)
def test_generic_error_phrases(text, expected):
    assert find_phrases(text, GENERIC_ERROR_PHRASES) == expected


@pytest.mark.parametrize(
    ("text", "hit"),
    [
        ("Your card was declined.", True),
        ("Payment failed: insufficient funds", True),
        ("We were unable to process your payment", True),
        ("There was an error processing your payment: Error processing request", True),
        ("Zahlung fehlgeschlagen", True),
        ("Paiement refusé par votre banque", True),
        ("Pago rechazado", True),
        ("Payment accepted. Thank you!", False),
    ],
)
def test_payment_refused_phrases(text, hit):
    assert bool(find_phrases(text, PAYMENT_REFUSED_PHRASES)) is hit


def test_find_phrases_is_case_and_space_insensitive():
    assert find_phrases("CARD    WAS\u00a0DECLINED", ["card was declined"]) == ["CARD WAS DECLINED"]


# --------------------------------------------------------------------------
# Order numbers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thank you! Order KC-10234 is confirmed.", "KC-10234"),
        ("Order number: 100023", "100023"),
        ("Order #A1B2", "A1B2"),
        ("Order no. 55123", "55123"),
        ("Confirmation #X7KD9A2", "X7KD9A2"),
        ("Bestellnummer 4711", "4711"),
        ("Ihre Bestellung Nr. 100045 ist eingegangen", "100045"),
        ("Numéro de commande : FR-2024-0042", "FR-2024-0042"),
        ("Número de pedido: 12345", "12345"),
        ("Your order has been placed\nOrder total €54.80\nOrder date 12.05.2024", None),
        ("Order summary (2 items)", None),
        # Vendure's Remix storefront (tests/fixtures/shops/vendure): the code follows the acknowledgement
        ("Your order has been received! 4BPEU28Q17ES6C3L", "4BPEU28Q17ES6C3L"),
        ("Your order has been received!", None),
        ("Your order was placed on Monday", None),
    ],
)
def test_order_number(text, expected):
    assert order_number(text) == expected


# --------------------------------------------------------------------------
# JSON-LD offers
# --------------------------------------------------------------------------

SHOPIFY_PRODUCT = {
    "@context": "http://schema.org/",
    "@type": "Product",
    "name": "Classic Tee",
    "url": "https://shop.example/products/classic-tee",
    "image": ["https://cdn.shopify.com/s/files/1/tee.jpg"],
    "description": "Soft cotton tee.",
    "sku": "CT-001",
    "brand": {"@type": "Brand", "name": "Acme"},
    "offers": [
        {"@type": "Offer", "sku": "CT-001-S", "availability": "http://schema.org/InStock", "price": "25.00",
         "priceCurrency": "USD", "url": "https://shop.example/products/classic-tee?variant=1"},
        {"@type": "Offer", "sku": "CT-001-M", "availability": "http://schema.org/OutOfStock", "price": 25,
         "priceCurrency": "USD", "url": "https://shop.example/products/classic-tee?variant=2"},
    ],
}

WOOCOMMERCE_GRAPH = {
    "@context": "https://schema.org/",
    "@graph": [
        {"@context": "https://schema.org/", "@type": "BreadcrumbList",
         "itemListElement": [{"@type": "ListItem", "position": 1, "item": {"name": "Home", "@id": "https://shop.example"}}]},
        {
            "@context": "https://schema.org/",
            "@type": "Product",
            "@id": "https://shop.example/product/hoodie/#product",
            "name": "Hoodie with Logo",
            "sku": "woo-hoodie-logo",
            "offers": [
                {
                    "@type": "Offer",
                    "priceSpecification": [
                        {"@type": "UnitPriceSpecification", "priceType": "https://schema.org/ListPrice",
                         "price": "50.00", "priceCurrency": "EUR"},
                        {"@type": "UnitPriceSpecification", "price": "45.00", "priceCurrency": "EUR",
                         "valueAddedTaxIncluded": "false"},
                    ],
                    "availability": "https://schema.org/InStock",
                    "url": "https://shop.example/product/hoodie/",
                    "seller": {"@type": "Organization", "name": "Shop", "url": "https://shop.example"},
                }
            ],
        },
    ],
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ([SHOPIFY_PRODUCT], [Offer("Classic Tee", "CT-001-S", D("25.00"), "USD", "InStock"),
                             Offer("Classic Tee", "CT-001-M", D("25"), "USD", "OutOfStock")]),
        ([WOOCOMMERCE_GRAPH], [Offer("Hoodie with Logo", "woo-hoodie-logo", D("45.00"), "EUR", "InStock")]),
        ([[{"@type": "Product", "name": "Mug", "offers": {"@type": "Offer", "price": 9.5, "priceCurrency": "GBP",
                                                          "availability": "schema:PreOrder"}}]],
         [Offer("Mug", None, D("9.5"), "GBP", "PreOrder")]),
        ([{"@type": "Product", "name": "Cap", "offers": {"@type": "AggregateOffer", "lowPrice": "18.00",
                                                         "highPrice": "20.00", "priceCurrency": "EUR",
                                                         "availability": "LimitedAvailability"}}],
         [Offer("Cap", None, D("18.00"), "EUR", "LimitedAvailability")]),
        ([{"@type": ["Product"], "name": "Socks", "offers": {"@type": "Offer", "price": "4,90", "priceCurrency": "EUR",
                                                             "availability": "https://schema.org/SoldOut"}}],
         [Offer("Socks", None, D("4.90"), "EUR", "SoldOut")]),
        ([{"@type": "WebPage", "mainEntity": {"@type": "Product", "name": "Lamp", "sku": "L1",
                                               "offers": {"@type": "Offer", "price": "30",
                                                          "availability": "instock"}}}],
         [Offer("Lamp", "L1", D("30"), None, "InStock")]),
        ([{"@type": "ProductGroup", "name": "Shoe", "hasVariant": [
            {"@type": "Product", "name": "Shoe 42", "sku": "S42",
             "offers": {"@type": "Offer", "price": "80", "priceCurrency": "EUR", "availability": "OutOfStock"}}]}],
         [Offer("Shoe 42", "S42", D("80"), "EUR", "OutOfStock")]),
        ([{"@type": "Organization", "name": "Shop"}, {"@type": "Product", "name": "No offers"}], []),
        ([], []),
    ],
)
def test_offers(data, expected):
    assert offers(data) == expected


# --------------------------------------------------------------------------
# Error texts from HTML
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<div class="alert alert-danger" role="alert">Something went wrong</div>', ["Something went wrong"]),
        ('<div class="error" hidden>Hidden error</div><p>ok</p>', []),
        ('<p class="error-message" style="display: none">Invisible</p>', []),
        ('<div class="notice" aria-hidden="true">Decoration</div>', []),
        ('<div class="d-none alert">Bootstrap hidden</div>', []),
        ('<div style="display:none"><span role="alert">Inside hidden parent</span></div>', []),
        ('<script>var error = "x";</script><style>.error{}</style><template><div role="alert">t</div></template>', []),
        ('<div role="alert">   </div>', []),
        ('<input id="cc" aria-invalid="true" aria-describedby="cc-err"><span id="cc-err">Enter a valid card number</span>',
         ["Enter a valid card number"]),
        ('<input id="cc" aria-invalid="false" aria-describedby="cc-err"><span id="cc-err">Help text</span>', []),
        ('<ul class="woocommerce-error" role="alert"><li>Billing First name is a required field.</li>'
         '<li>Billing  Email address\n is a required field.</li></ul>',
         ["Billing First name is a required field.", "Billing Email address is a required field."]),
        ('<div class="notice notice--error" role="alert"><p class="notice__text">Your card was declined.</p></div>',
         ["Your card was declined."]),
        ('<div class="messages"><div class="message-error error message"><div>Invalid coupon</div></div></div>',
         ["Invalid coupon"]),
        ('<div aria-live="polite">Added to cart</div><div aria-live="off">Not announced</div>', ["Added to cart"]),
        ('<div id="flash">Saved</div><div class="alert">Saved</div>', ["Saved"]),
        ("", []),
    ],
)
def test_error_texts(html, expected):
    assert error_texts(html) == expected


# --------------------------------------------------------------------------
# Module hygiene
# --------------------------------------------------------------------------


def test_default_lists_are_tuples_of_strings():
    for name in ("TOTAL_LABELS", "SUBTOTAL_LABELS", "FEE_LABELS", "OUT_OF_STOCK_PHRASES", "IN_STOCK_PHRASES",
                 "GENERIC_ERROR_PHRASES", "PAYMENT_REFUSED_PHRASES", "ORDER_NUMBER_PATTERNS"):
        value = getattr(wording, name)
        assert isinstance(value, tuple) and value and all(isinstance(item, str) for item in value), name


@pytest.mark.parametrize("module", [messages, money, page_text, phrase_search, structured, wording])
def test_imports_stay_light(module):
    """Rules use these readers: they must not import the browser or the template engine."""
    tree = ast.parse(open(module.__file__, encoding="utf-8").read())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert not modules & {"playwright", "jinja2"}
    assert modules <= {"__future__", "re", "unicodedata", "collections", "dataclasses", "decimal", "functools",
                       "typing", "bs4", "journeyaudit", "json", "extruct"}


def test_first_saying_finds_the_first_text_with_a_phrase_on_any_line():
    from journeyaudit.facts import phrase_search

    texts = ["", "Welcome back\nYour basket", "Payment  ACCEPTED\nthanks", "payment accepted"]
    assert phrase_search.first_saying(texts, ["payment accepted"]) == texts[2]
    assert phrase_search.first_saying(texts, ["basket"]) == texts[1]
    assert phrase_search.first_saying(texts, ["refused"]) is None
    assert phrase_search.first_saying([], ["basket"]) is None
