"""JA105, JA303, JA304, JA601, JA602, JA603, JA604 on recorded demo traces and hand-made fields."""

from __future__ import annotations

import pytest

from journeyaudit.facts import form_fields as ff
from journeyaudit.model import ActionRecord, FormField
from journeyaudit.rules.registry import get_rule
from tests.unit.recorded import JOURNEYS, findings, recorded, run, step

CODES = ("JA105", "JA303", "JA304", "JA601", "JA602", "JA603", "JA604")

# Each recorded demo journey and the form-rule codes it must produce, exactly.
FORM_JOURNEYS = {
    "late-validation": {"JA303"},
    "input-lost": {"JA304"},
    "card-cleared": {"JA105"},
    "forced-account": {"JA601"},
    "long-form": {"JA602"},
    "no-autocomplete": {"JA603"},
    "unlabeled-fields": {"JA604"},
}
EXPECTED = {journey: set() for journey in JOURNEYS} | FORM_JOURNEYS


@pytest.mark.parametrize("journey", sorted(EXPECTED))
def test_codes_per_recorded_journey(journey):
    trace = recorded(journey)
    found = {f.code for code in CODES for f in findings(code, trace)}
    assert found == EXPECTED[journey]


@pytest.mark.parametrize("code", CODES)
def test_documented_with_evidence_and_options(code):
    info = get_rule(code)
    doc = " ".join(info.doc.split())
    assert len(doc) > 700 and "customer" in doc and "Evidence" in doc
    for option, value in info.options.items():
        assert option in doc
        assert not isinstance(value, tuple)
    if info.roles:
        assert "Not applicable" in doc


# --------------------------------------------------------------------------
# Recorded demo journeys: what the messages say
# --------------------------------------------------------------------------


def test_late_validation_names_the_field_and_the_message():
    [finding] = findings("JA303", recorded("late-validation"))
    assert finding.step == 5 and finding.severity == "medium" and finding.confidence == "medium"
    assert finding.message == (
        "At 'Shipping address' (step 4) the customer filled in 'Postcode' and was told nothing; only after "
        "submitting, at 'Shipping address, corrected' (step 5), did the shop flag it: "
        "'Postcode': 'Enter a real postcode, like 10115'."
    )


def test_inline_validation_is_not_late():
    """input-lost submits the same bad postcode, but the shop had flagged it inline already."""
    trace = recorded("input-lost")
    postcode = next(f for f in trace.steps[3].fields if f.id == "postal-code")
    assert postcode.invalid and postcode.error == "Enter a real postcode, like 10115"
    assert findings("JA303", trace) == []


def test_input_lost_lists_the_emptied_fields():
    [finding] = findings("JA304", recorded("input-lost"))
    assert finding.step == 5 and finding.severity == "high"
    assert finding.message == (
        "After the error at 'Shipping address, again' (step 5) ('Enter a real postcode, like 10115'), 5 field(s) "
        "the customer had filled in at 'Shipping address' (step 4) were empty again: 'Full name', 'Street address', "
        "'Postcode', 'Town or city', 'Country'. The customer has to type them again."
    )
    assert [e.value for e in finding.evidence if e.kind == "field"] == [
        "Full name", "Street address", "Postcode", "Town or city", "Country",
    ]


def test_card_cleared_names_name_and_expiry_not_the_number():
    [finding] = findings("JA105", recorded("card-cleared"))
    assert finding.step == 6 and finding.severity == "high"
    assert "('This card number is not valid; check for a mistyped digit')" in finding.message
    assert "were wiped: 'Name on card', 'Expiry date (MM/YY)'." in finding.message
    assert "Card number" not in finding.message


def test_card_number_can_be_held_to_the_stricter_standard():
    [finding] = findings("JA105", recorded("card-cleared"), fields=["name", "expiry", "number", "security_code"])
    assert "'Card number'" in finding.message and "'Security code (CVC)'" in finding.message
    # the good shop keeps name and expiry, and clears only number and code (PCI DSS)
    assert findings("JA105", recorded("late-validation"), fields=["name", "expiry", "number"]) == []


def test_forced_account():
    [finding] = findings("JA601", recorded("forced-account"))
    assert finding.step == 3 and finding.severity == "high" and finding.confidence == "medium"
    assert finding.message == (
        "To get to payment the customer had to create an account: 'Create an account' (step 3) ('Checkout') asks "
        "for a password ('Choose a password', 'Repeat the password') and offers no way to check out as a guest."
    )


def test_the_guest_option_makes_a_sign_in_form_fine():
    trace = recorded("happy-path")
    assert any(f.type == "password" for f in trace.steps[2].fields)
    assert findings("JA601", trace) == []
    # the same page without its guest wording would be a gate only if the password were required or filled
    trace.steps[2].visible_text = trace.steps[2].visible_text.replace("guest", "visitor")
    assert findings("JA601", trace) == []


def test_long_form_counts_fields_against_the_budget():
    [finding] = findings("JA602", recorded("long-form"))
    assert finding.message.startswith(
        "The customer had to fill in 22 form fields from 'Checkout as guest' (step 3) to 'Payment' (step 5); "
        "the budget is 12"
    )
    assert "'Shipping address' (step 4) alone asks for 17." in finding.message
    shipping = next(e for e in finding.evidence if e.step == 4)
    assert "Date of birth (DD.MM.YYYY)" in shipping.value and "How did you hear about us?" in shipping.value


def test_the_happy_path_fields_and_pages_are_within_budget():
    trace = recorded("happy-path")
    assert findings("JA602", trace) == []
    # email, 5 address fields, 4 card fields: the sign-in form and the shipping radios do not count
    [finding] = findings("JA602", trace, max_fields=9)
    assert "10 form fields" in finding.message
    [pages] = findings("JA602", trace, max_fields=0, max_steps=3)
    assert pages.message.startswith("The checkout took the customer through 4 pages; the budget is 3")


def test_no_autocomplete_one_finding_per_step():
    found = findings("JA603", recorded("no-autocomplete"))
    assert [f.step for f in found] == [3, 4, 5]
    assert found[1].message == (
        "At 'Shipping address' (step 4) the browser cannot fill in 'Full name', 'Street address', 'Postcode', "
        "'Town or city', 'Country' for the customer: the fields carry no autocomplete token, so the customer "
        "types everything by hand."
    )
    labels = [e.label for e in found[2].evidence]
    assert "Card number at 'Payment' (step 5) (should be autocomplete=\"cc-number\")" in labels


def test_unlabeled_fields_are_named_by_their_placeholder():
    found = findings("JA604", recorded("unlabeled-fields"))
    shipping = next(f for f in found if f.step == 4)
    assert "the field showing only 'Full name'" in shipping.message
    assert "the select named 'country'" in shipping.message


# --------------------------------------------------------------------------
# Hand-made traces: markup the demo shop does not have
# --------------------------------------------------------------------------


def field(name: str, label: str = "", **kwargs) -> FormField:
    kwargs.setdefault("type", "text")
    return FormField(tag=kwargs.pop("tag", "input"), name=name, id=name, label=label, **kwargs)


def submit(label: str = "Weiter") -> ActionRecord:
    return ActionRecord("click", f"click text={label}")


def test_a_refusal_is_not_late_validation():
    before = step(1, "payment", fields=[field("kartennummer", "Kartennummer", has_value=True)])
    after = step(2, "payment", actions=[submit()], fields=[
        field("kartennummer", "Kartennummer", has_value=True, invalid=True, error="Ihre Karte wurde abgelehnt."),
    ])
    assert findings("JA303", run(before, after)) == []
    after.fields[0].error = "Bitte geben Sie eine gültige Kartennummer ein."
    [finding] = findings("JA303", run(before, after))
    assert "'Kartennummer': 'Bitte geben Sie eine gültige Kartennummer ein.'" in finding.message


def test_late_validation_needs_a_submit_and_a_value():
    before = step(1, "shipping", fields=[field("zip", "ZIP code", has_value=False)])
    after = step(2, "shipping", actions=[submit()], fields=[field("zip", "ZIP code", error="Enter your ZIP code")])
    assert findings("JA303", run(before, after)) == []  # left empty: nothing to validate inline
    before.fields[0].has_value = True
    after.actions = [ActionRecord("goto", "goto /checkout")]
    assert findings("JA303", run(before, after)) == []  # arrived by a link: nothing was submitted


def test_input_lost_on_the_arrival_state_and_a_later_step():
    """Back at the address form two steps later, after the payment page said the address is wrong."""
    address = step(1, "shipping", name="Adresse", fields=[field("rue", "Rue", has_value=True), field("ville", "Ville", has_value=True)])
    payment = step(2, "payment", name="Paiement", fields=[field("carte", "Numéro de carte", has_value=True)])
    back = step(
        3, "shipping", name="Adresse, encore", actions=[submit("Payer")], http_status=422,
        html='<div class="alert alert-danger" role="alert">Adresse introuvable : vérifiez la rue.</div>',
        arrival_fields=[field("rue", "Rue"), field("ville", "Ville", has_value=True)],
        fields=[field("rue", "Rue", has_value=True), field("ville", "Ville", has_value=True)],
    )
    [finding] = findings("JA304", run(address, payment, back))
    assert finding.message == (
        "After the error at 'Adresse, encore' (step 3) ('Adresse introuvable : vérifiez la rue.'), 1 field(s) the "
        "customer had filled in at 'Adresse' (step 1) were empty again: 'Rue'. The customer has to type them again."
    )
    back.http_status, back.html = 200, ""  # no error: an empty field is the customer's own doing
    assert findings("JA304", run(address, payment, back)) == []


def test_input_lost_on_going_back_to_a_form():
    address = step(1, "shipping", name="Address", url="https://shop.example/checkout/address",
                   fields=[field("street", "Street", has_value=True), field("city", "City", has_value=True)])
    payment = step(2, "payment", name="Payment", url="https://shop.example/checkout/payment")
    back = step(3, "shipping", name="Change the address", url="https://shop.example/checkout/address",
                actions=[ActionRecord("click", "click text=Change")],
                arrival_fields=[field("street", "Street"), field("city", "City", has_value=True)],
                fields=[field("street", "Street", has_value=True), field("city", "City", has_value=True)])
    [finding] = findings("JA304", run(address, payment, back))
    assert finding.message == (
        "When the customer came back to the form at 'Change the address' (step 3), 1 field(s) the customer had "
        "filled in at 'Address' (step 1) were empty again: 'Street'. The customer has to type them again."
    )
    back.url = "https://shop.example/account/addresses/new"  # a different form with the same field names
    assert findings("JA304", run(address, payment, back)) == []


def test_passwords_and_card_fields_are_not_input_lost():
    before = step(1, "account", fields=[field("password", "Passwort", type="password", has_value=True),
                                        field("tarjeta", "Número de tarjeta", has_value=True)])
    after = step(2, "account", actions=[submit()], http_status=422,
                 fields=[field("password", "Passwort", type="password", invalid=True), field("tarjeta", "Número de tarjeta")])
    assert findings("JA304", run(before, after)) == []
    assert ff.card_kind(before.fields[1]) == "number"


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Name on card", "name"), ("Karteninhaber", "name"), ("Titulaire de la carte", "name"),
        ("Nombre en la tarjeta", "name"), ("Expiry date (MM/YY)", "expiry"), ("Gültig bis", "expiry"),
        ("Date d'expiration", "expiry"), ("Fecha de caducidad", "expiry"), ("CVV", "security_code"),
        ("Prüfnummer", "security_code"), ("Cryptogramme visuel", "security_code"), ("Código de seguridad", "security_code"),
        ("Kartennummer", "number"), ("Numéro de carte", "number"), ("Express shipping", None), ("Full name", None),
    ],
)
def test_card_kinds_in_four_languages(label, kind):
    assert ff.card_kind(FormField(tag="input", type="text", name="f1", label=label)) == kind


def test_forced_account_in_german_and_the_guest_way_out():
    gate = step(
        2, "account", name="Konto", text="Neues Konto anlegen\nE-Mail\nPasswort wählen",
        fields=[field("email", "E-Mail", type="email", autocomplete="email"),
                field("pw", "Passwort wählen", type="password", autocomplete="new-password")],
    )
    pay = step(3, "payment", name="Zahlung")
    [finding] = findings("JA601", run(step(1, "cart"), gate, pay))
    assert finding.step == 2 and "'Passwort wählen'" in finding.message
    gate.visible_text += "\nOder als Gast bestellen"
    assert findings("JA601", run(step(1, "cart"), gate, pay)) == []


def test_a_password_after_payment_is_not_forced_account():
    pay = step(1, "payment")
    confirm = step(2, "review", fields=[field("pw", "Create a password", type="password", required=True)])
    assert findings("JA601", run(pay, confirm)) == []


def test_autocomplete_tokens_sections_and_off():
    fields = [
        field("billing_zip", "Postcode", autocomplete="section-a billing postal-code"),
        field("telefono", "Teléfono", type="tel", autocomplete="off"),
        field("plz", "PLZ", autocomplete="on"),
        field("ort", "Ort", autocomplete="address-level2"),
        field("newsletter", "Newsletter", type="checkbox"),
        field("q", "Search", type="search"),
    ]
    [finding] = findings("JA603", run(step(1, "shipping", fields=fields)))
    assert "'Teléfono', 'PLZ'" in finding.message
    values = {e.label.split(" at ")[0]: e.value for e in finding.evidence}
    assert values == {"Teléfono": 'autocomplete="off"', "PLZ": 'autocomplete="on"'}


def test_purposes_in_order():
    purposes = get_rule("JA603").options["purposes"]
    assert ff.purpose(field("email", "Email address"), purposes) == "email"
    assert ff.purpose(field("strasse", "Straße und Hausnummer"), purposes) == "street-address"
    assert ff.purpose(field("cp", "Code postal"), purposes) == "postal-code"
    assert ff.purpose(field("apellidos", "Apellidos"), purposes) == "family-name"
    assert ff.purpose(field("comment", "Delivery instructions"), purposes) is None


def test_each_unlabelled_field_is_reported_once():
    first = step(1, "shipping", fields=[field("a", "", placeholder="Street"), field("b", "Town")])
    again = step(2, "shipping", fields=[field("a", "", placeholder="Street"), field("c", "", tag="select", type="")])
    found = findings("JA604", run(first, again))
    assert [f.step for f in found] == [1, 2]
    assert "1 form field(s)" in found[0].message and "the field showing only 'Street'" in found[0].message
    assert "the select named 'c'" in found[1].message and "Street" not in found[1].message


def test_field_that_did_not_keep_what_was_typed():
    """postcode-mask: a mask made for 4-digit postcodes keeps '1011' of '10115'."""
    trace = recorded("postcode-mask")
    (finding,) = findings("JA606", trace)
    assert finding.step == 4 and finding.severity == "high"
    assert finding.message == "At 'Shipping address' (step 4) the customer typed '10115' into 'Postcode'; the field kept '1011'."
    assert [(e.label, e.value) for e in finding.evidence[:2]] == [
        ("Typed into 'Postcode' at 'Shipping address' (step 4)", "10115"), ("What the field kept", "1011"),
    ]


def test_fields_that_kept_their_value_and_secret_fields_are_compared_without_values():
    trace = recorded("postcode-mask")
    fills = [a for s in trace.steps for a in s.actions if a.name == "fill"]
    assert len(fills) == 9 and all(a.effect.get("input") in ("matches", "differs") for a in fills)
    card = next(a for a in fills if a.target.get("label") == "Card number")
    assert card.effect == {"input": "matches", "typed": "•" * 19, "kept": "•" * 19, "secret": True}
    card.effect = {**card.effect, "input": "differs", "kept": "•" * 18}  # a card field that lost a digit
    messages = [f.message for f in findings("JA606", trace)]
    assert "the customer typed 19 characters into 'Card number'; the field kept 18 (a secret field" in messages[1]
    for journey in ("happy-path", "input-lost"):  # older recordings: nothing compared, nothing said
        assert findings("JA606", recorded(journey)) == []


def test_the_card_number_never_reaches_the_recorded_trace():
    from tests.unit.recorded import FIXTURES

    text = (FIXTURES / "postcode-mask" / "trace.json").read_text(encoding="utf-8")
    assert "4242 4242" not in text and "42424242" not in text and '"typed": "123"' not in text


def test_formatting_masks_keep_the_value():
    from journeyaudit.gather.actions import compare_input

    assert compare_input("10115", "10115") == "matches"
    assert compare_input("4242424242424242", "4242 4242 4242 4242") == "formatted"
    assert compare_input("1234", "12/34") == "formatted" and compare_input("sw1a 1aa", "SW1A 1AA") == "formatted"
    assert compare_input("10115", "1011") == "differs" and compare_input("Berlin", "Berlinn") == "differs"
