"""Probes: the expansion of a journey's `probes:` section into variant journeys (pure, no browser)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from journeyaudit import model
from journeyaudit.judge.engine import _with_probe_options
from journeyaudit.rules.registry import get_rule
from journeyaudit.spec import config, probes
from journeyaudit.spec.journey import ValidationFailed, load_journey
from journeyaudit.spec.probespec import luhn_ok

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "journeys" / "demo"


@pytest.fixture
def happy() -> model.Journey:
    return load_journey(DEMO / "happy-path.yaml")


def with_probes(journey: model.Journey, **spec) -> model.Journey:
    journey.probes = spec
    return journey


def by_id(variants: list[model.Journey]) -> dict[str, model.Journey]:
    return {v.id: v for v in variants}


def fills(journey: model.Journey) -> dict[str, model.Action]:
    return {a.params["selector"]: a for s in journey.steps for a in s.actions if a.name == "fill"}


# --------------------------------------------------------------------------
# the decline card table
# --------------------------------------------------------------------------


def test_every_decline_card_passes_luhn_and_has_a_unique_id():
    assert len({card.id for card in probes.DECLINE_CARDS}) == len(probes.DECLINE_CARDS)
    assert all(luhn_ok(card.digits) for card in probes.DECLINE_CARDS)
    assert {card.provider for card in probes.DECLINE_CARDS} == {"stripe", "adyen", "braintree", "generic"}
    assert sorted(card.provider for card in probes.DECLINE_CARDS if card.default) == [
        "adyen", "braintree", "generic", "stripe"
    ]


def test_declined_card_knows_the_documented_numbers_and_adyens_holder_name():
    assert probes.declined_card("4000 0000 0000 0002").id == "stripe-generic"
    assert probes.declined_card("4000-0000-0000-9995").reason == "insufficient funds"
    assert probes.declined_card("4242 4242 4242 4242") is None
    # Adyen's test card works with any name; DECLINED makes it a refusal
    assert probes.declined_card("4111 1111 4555 1142", "Anna Schmidt") is None
    assert probes.declined_card("4111 1111 4555 1142", "declined").id == "adyen-refused"
    assert probes.declined_card("4111 1111 4555 1142", "CARD_EXPIRED").id == "adyen-expired"


# --------------------------------------------------------------------------
# which fill is which field
# --------------------------------------------------------------------------


def test_fields_of_the_demo_happy_path_are_found_by_their_selectors(happy):
    fields = probes.find_fields(happy)
    assert {k: (f.selector, f.how) for k, f in fields.items()} == {
        "email": ("#email", "selector"),
        "postal_code": ("#postal-code", "selector"),
        "card_name": ("#card-name", "selector"),
        "card_number": ("#card-number", "selector"),
        "card_expiry": ("#card-expiry", "selector"),
    }


def _journey(*fills_: tuple[str, str]) -> model.Journey:
    actions = [model.Action("fill", {"selector": sel, "value": value}) for sel, value in fills_]
    return model.Journey(id="j", name="J", path="j.yaml", steps=[model.Step("Pay", "payment", actions)])


def test_fields_are_recognised_by_autocomplete_tokens_labels_and_value_shapes():
    journey = _journey(
        ("input[autocomplete=cc-number]", "4111 1111 1111 1111"),
        ("label=Name on card", "A. Customer"),
        ("#f7", "08/29"),  # nothing in the selector: MM/YY says expiry
        ("#f8", "kim@example.org"),  # an email by its shape
        ("[name=zip]", "94107"),
    )
    fields = probes.find_fields(journey)
    assert fields["card_number"].selector == "input[autocomplete=cc-number]"
    assert fields["card_name"].selector == "label=Name on card"
    assert (fields["card_expiry"].selector, fields["card_expiry"].how) == ("#f7", "value")
    assert (fields["email"].selector, fields["email"].how) == ("#f8", "value")
    assert fields["postal_code"].selector == "[name=zip]"


def test_probes_fields_override_the_guess():
    journey = _journey(("#a", "4111 1111 1111 1111"), ("#b", "4242 4242 4242 4242"))
    assert probes.find_fields(journey)["card_number"].selector == "#a"
    assert probes.find_fields(journey, {"card_number": "#b"})["card_number"].selector == "#b"


# --------------------------------------------------------------------------
# decline cards
# --------------------------------------------------------------------------


def test_decline_variant_pays_with_the_test_card_and_softens_only_what_follows(happy):
    variants = probes.expand(with_probes(happy, decline_cards={"cards": ["stripe-generic"]}))
    assert [v.id for v in variants] == ["happy-path~decline-stripe-generic"]
    variant = variants[0]
    card = fills(variant)["#card-number"]
    assert card.params["value"] == "4000 0000 0000 0002" and card.secret
    assert variant.secrets() == ["4000 0000 0000 0002", "123"]
    assert variant.probe.of == "happy-path" and variant.probe.kind == "decline_card"
    assert variant.probe.target_step == "Payment"
    assert "ending 0002" in variant.probe.label and "generic decline" in variant.probe.label
    payment = [s.name for s in variant.steps].index("Payment")
    for index, step in enumerate(variant.steps):
        assert all(a.soft == (index > payment) for a in step.actions), step.name
    # the happy path itself is untouched
    assert fills(happy)["#card-number"].params["value"] == "4242 4242 4242 4242"
    assert not any(a.soft for s in happy.steps for a in s.actions)
    assert happy.probe is None and variant.probes == {}


def test_decline_cards_true_takes_each_providers_default_card_and_adyen_sets_the_name(happy):
    variants = by_id(probes.expand(with_probes(happy, decline_cards=True)))
    assert list(variants) == [
        "happy-path~decline-stripe-generic",
        "happy-path~decline-adyen-refused",
        "happy-path~decline-braintree-visa-declined",
        "happy-path~decline-generic-decline",
    ]
    adyen = fills(variants["happy-path~decline-adyen-refused"])
    assert adyen["#card-name"].params["value"] == "DECLINED"
    assert adyen["#card-number"].params["value"] == "4111 1111 4555 1142"
    assert fills(variants["happy-path~decline-stripe-generic"])["#card-name"].params["value"] == "Anna Schmidt"


def test_providers_and_extra_cards_extend_the_selection(happy):
    spec = {"providers": ["braintree"], "extra": [{"id": "acme", "number": "4716 1089 9971 6408", "reason": "do not honour"}]}
    ids = [v.id for v in probes.expand(with_probes(happy, decline_cards=spec))]
    assert ids == [
        "happy-path~decline-braintree-visa-declined",
        "happy-path~decline-braintree-mastercard-declined",
        "happy-path~decline-acme",
    ]


# --------------------------------------------------------------------------
# invalid inputs
# --------------------------------------------------------------------------


def test_invalid_inputs_alter_one_field_each_and_tab_away(happy):
    variants = by_id(probes.expand(with_probes(happy, invalid_inputs=True)))
    assert list(variants) == [
        "happy-path~bad-email",
        "happy-path~short-postcode",
        "happy-path~card-typo",
        "happy-path~expired-date",
    ]
    assert fills(variants["happy-path~bad-email"])["#email"].params["value"] == "anna.schmidtexample.com"
    assert fills(variants["happy-path~short-postcode"])["#postal-code"].params["value"] == "10"
    typo = fills(variants["happy-path~card-typo"])["#card-number"]
    assert typo.secret and typo.params["value"] == "4242 4242 4242 4243"
    assert not luhn_ok(typo.params["value"].replace(" ", ""))
    assert fills(variants["happy-path~expired-date"])["#card-expiry"].params["value"] == "01/20"
    # every other field keeps its happy value
    assert fills(variants["happy-path~bad-email"])["#postal-code"].params["value"] == "10115"
    # the customer leaves the field: a press of Tab right after the bad fill
    step = next(s for s in variants["happy-path~short-postcode"].steps if s.name == "Shipping address")
    names = [(a.name, a.params.get("selector")) for a in step.actions]
    assert names[names.index(("fill", "#postal-code")) + 1] == ("press", "#postal-code")


def test_a_variant_never_quotes_a_secret_value(happy):
    for variant in probes.expand(with_probes(happy, decline_cards=True, invalid_inputs=True)):
        words = " ".join([variant.name, variant.description, *variant.probe.changes, variant.probe.label])
        for secret in [*variant.secrets(), *happy.secrets()]:
            assert secret not in words, (variant.id, secret)


def test_invalid_inputs_as_a_list_choose_cases(happy):
    ids = [v.id for v in probes.expand(with_probes(happy, invalid_inputs=["expired_date", "bad_email"]))]
    assert ids == ["happy-path~expired-date", "happy-path~bad-email"]


# --------------------------------------------------------------------------
# faults
# --------------------------------------------------------------------------


def test_fault_variant_intercepts_first_and_softens_every_expectation(happy):
    variants = probes.expand(with_probes(happy, faults=[{"url": "**/api/shipping-rates*", "status": 503}]))
    assert [v.id for v in variants] == ["happy-path~fail-shipping-rates"]
    variant = variants[0]
    first = variant.steps[0].actions[0]
    assert (first.name, first.params) == ("intercept", {"url": "**/api/shipping-rates*", "status": 503})
    assert all(a.soft for s in variant.steps for a in s.actions if a.name in ("expect", "wait_for"))
    assert variant.probe.request == "**/api/shipping-rates*" and not variant.probe.expect_refusal


def test_a_fault_probe_tells_ja502_to_ignore_the_request_it_failed(happy):
    variant = probes.expand(with_probes(happy, faults=[{"url": "**/api/shipping-rates*", "abort": True}]))[0]
    run = model.Run("x", "x", "x", "http://shop", probe=variant.probe)
    info = get_rule("JA502")
    options = _with_probe_options(run, info, {**info.options, "ignore_url_patterns": ["/health"]})
    patterns = options["ignore_url_patterns"]
    assert patterns[0] == "/health" and len(patterns) == 2  # the profile's own pattern stays
    import re

    assert re.match(patterns[1], "http://127.0.0.1:5000/api/shipping-rates?country=DE")
    assert not re.match(patterns[1], "http://127.0.0.1:5000/api/cart")


def test_delay_and_names(happy):
    faults = [{"url": "**/api/cart", "delay_ms": 3000}, {"url": "**/api/cart", "status": 500, "name": "cart-down"}]
    ids = [v.id for v in probes.expand(with_probes(happy, faults=faults))]
    assert ids == ["happy-path~delay-cart", "happy-path~fail-cart-down"]


# --------------------------------------------------------------------------
# the demo journey and validation
# --------------------------------------------------------------------------


def test_the_demo_probes_journey_holds_no_bad_card_and_no_bad_input():
    journey = load_journey(DEMO / "probes.yaml")
    happy = load_journey(DEMO / "happy-path.yaml")
    assert {s: a.params["value"] for s, a in fills(journey).items()} == {
        s: a.params["value"] for s, a in fills(happy).items()
    }
    variants = probes.expand(journey)
    assert [v.id for v in variants] == [
        "probes~decline-stripe-generic",
        "probes~bad-email",
        "probes~short-postcode",
        "probes~card-typo",
        "probes~expired-date",
        "probes~fail-shipping-rates",
    ]


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


JOURNEY = """
    name: Pay
    steps:
      - name: Pay
        role: payment
        actions:
          - goto: /checkout/payment
          - fill: {selector: "#cn", value: "x", secret: true}
          - fill: {selector: "#mail", value: "kim@example.org"}
    """


def errors_of(path: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as info:
        load_journey(path)
    return [str(error) for error in info.value.errors]


def test_what_a_journey_asks_for_but_cannot_get_is_a_located_error(tmp_path):
    path = write(
        tmp_path / "j.yaml",
        JOURNEY
        + """
    probes:
      decline_cards: {cards: [stripe-generc]}
      invalid_inputs: [bad_email, expired_date]
    """,
    )
    # the one card named is unknown, so no card field is looked for
    assert errors_of(path) == [
        f"{path}:11:27: no decline test card 'stripe-generc' (did you mean 'stripe-generic'?)",
        f"{path}:12:31: expired_date: no fill of the expiry date found in the journey (by selector or value); "
        "name its selector in probes.fields.card_expiry",
    ]


def test_malformed_probes_are_located_errors(tmp_path):
    path = write(
        tmp_path / "j.yaml",
        JOURNEY
        + """
    probes:
      decline_cards: yes please
      invalid_inputs: [typo]
      faults:
        - {url: "**/api/x", status: 503, abort: true}
        - {url: "**/api/y", status: 200}
      fields: {card_number: "#cn", phone: "#tel"}
      extra: 1
    """,
    )
    assert errors_of(path) == [
        f"{path}:11:18: 'decline_cards' must be true, false or a mapping, got 'yes please'",
        f"{path}:12:20: 'invalid_inputs' must be one of bad_email, short_postcode, card_typo, expired_date, got 'typo'",
        f"{path}:14:7: fault needs exactly one of status, abort, delay_ms (got 'status' and 'abort')",
        f"{path}:15:7: fault 'status' must be an HTTP error status (400-599), got 200",
        f"{path}:16:32: unknown key 'phone' in fields (allowed: email, postal_code, card_number, card_expiry, card_name)",
        f"{path}:17:3: unknown key 'extra' in probes (allowed: decline_cards, invalid_inputs, faults, fields)",
    ]


def test_a_card_that_fails_luhn_is_refused_with_its_line(tmp_path):
    path = write(
        tmp_path / "j.yaml",
        JOURNEY
        + """
    probes:
      decline_cards: {extra: [{id: acme, number: "4242 4242 4242 4241"}]}
      fields: {card_number: "#cn"}
    """,
    )
    (error,) = errors_of(path)
    assert error.startswith(f"{path}:11:27: card 'acme': 4242 4242 4242 4241 fails the Luhn check")


# --------------------------------------------------------------------------
# profiles
# --------------------------------------------------------------------------


def test_profile_probes_apply_where_they_can_and_variants_follow_their_happy_path(tmp_path):
    write(tmp_path / "journeys" / "pay.yaml", JOURNEY)
    write(
        tmp_path / "journeys" / "own.yaml",
        JOURNEY + """
    probes:
      decline_cards: {cards: [stripe-generic]}
      fields: {card_number: "#cn"}
    """,
    )
    profile = write(
        tmp_path / "audits" / "p.yaml",
        """
        name: p
        base_url: http://127.0.0.1:9
        journeys: ["../journeys/*.yaml"]
        journeys_root: ..
        probes:
          invalid_inputs: [bad_email, expired_date]
          decline_cards: {extra: [{id: acme, number: "4716 1089 9971 6408"}]}
        """,
    )
    settings = config.resolve([profile], env={})
    ids = [j.id for j in settings.journeys]
    # own.yaml: its own probes plus the profile's extra card; pay.yaml: the profile's probes that apply
    # (no card field known there, so no decline cards and no expiry; the email is found by its value)
    assert ids == ["own", "own~decline-stripe-generic", "own~decline-acme", "pay", "pay~bad-email"]


def test_probe_modules_are_pure():
    for module in ("journeyaudit.spec.probes", "journeyaudit.spec.probespec", "journeyaudit.report.probes_view"):
        code = (
            f"import sys, {module}; "
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('playwright', 'jinja2'))))"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
        assert out == "", f"{module} pulls in {out}"


def test_a_profile_naming_an_unknown_card_is_a_located_error(tmp_path):
    write(tmp_path / "journeys" / "pay.yaml", JOURNEY)
    profile = write(
        tmp_path / "audits" / "p.yaml",
        """
        name: p
        base_url: http://127.0.0.1:9
        journeys: ["../journeys/*.yaml"]
        journeys_root: ..
        probes:
          decline_cards: {cards: [braintree-declined]}
        """,
    )
    with pytest.raises(config.ValidationFailed) as info:
        config.resolve([profile], env={})
    assert [str(e) for e in info.value.errors] == [
        f"{profile}:6:27: no decline test card 'braintree-declined' (did you mean 'braintree-visa-declined'?)"
    ]
