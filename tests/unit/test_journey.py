"""Journey files: located errors for every class of mistake, and correct conversion."""

from __future__ import annotations

import json
from pathlib import Path

from journeyaudit import model
from journeyaudit.spec import journey
from journeyaudit.spec.journey import load_journey
from journeyaudit.spec.yamlsource import LocatedError, ValidationFailed, interpolate, parse
from tests.unit.journey_files import errors_of, write

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "validation"
VALID = DATA / "valid-journey.yaml"



ONE_STEP = """
name: Buy
steps:
  - name: Product page
    role: product
    actions:
      - {action}
"""


def one_action(tmp_path: Path, action: str) -> Path:
    return write(tmp_path, ONE_STEP.replace("{action}", action))


# --------------------------------------------------------------------------
# one test per class of bad input, each with its exact located message
# --------------------------------------------------------------------------


def test_unknown_action_is_located_at_its_key_with_a_suggestion(tmp_path):
    path = one_action(tmp_path, "clik: text=Add to cart")
    assert errors_of(path) == [f"{path}:6:9: unknown action 'clik' (did you mean 'click'?)"]


def test_unknown_action_without_a_close_match(tmp_path):
    path = one_action(tmp_path, "dance: now")
    assert errors_of(path) == [f"{path}:6:9: unknown action 'dance'"]


def test_missing_selector(tmp_path):
    path = one_action(tmp_path, "fill: {value: hello}")
    assert errors_of(path) == [f"{path}:6:15: fill is missing 'selector'"]


def test_missing_selector_in_a_long_form_with_a_short_form(tmp_path):
    path = one_action(tmp_path, "click: {timeout_ms: 5000}")
    assert errors_of(path) == [f"{path}:6:16: click is missing 'selector'"]


def test_missing_step_field(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Product page
            actions:
              - goto: /
        """,
    )
    assert errors_of(path) == [f"{path}:3:5: step is missing 'role'"]


def test_wrong_type(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Product page
            role: product
            budget_ms: fast
            continue_on_failure: maybe
            actions:
              - goto: /
        """,
    )
    assert errors_of(path) == [
        f"{path}:5:16: 'budget_ms' must be an integer, got 'fast'",
        f"{path}:6:26: 'continue_on_failure' must be true or false, got 'maybe'",
    ]


def test_non_positive_timeout(tmp_path):
    path = one_action(tmp_path, "click: {selector: '#buy', timeout_ms: 0}")
    assert errors_of(path) == [f"{path}:6:47: 'timeout_ms' must be a positive integer, got 0"]


def test_unknown_key(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Product page
            role: product
            colour: red
            actions:
              - goto: /
        """,
    )
    assert errors_of(path) == [
        f"{path}:5:5: unknown key 'colour' in step "
        "(allowed: name, role, actions, budget_ms, continue_on_failure, screenshot)"
    ]


def test_unknown_key_in_an_action(tmp_path):
    path = one_action(tmp_path, "fill: {selector: '#q', value: x, secrte: true}")
    assert errors_of(path) == [
        f"{path}:6:42: unknown key 'secrte' in fill (allowed: selector, value, secret, timeout_ms)"
    ]


def test_option_beside_the_action_name(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Product page
            role: product
            actions:
              - click: "#buy"
                timeout_ms: 5000
        """,
    )
    assert errors_of(path) == [
        f"{path}:6:9: an action is a mapping with exactly one key, the action's name; got 'click', 'timeout_ms' "
        "(options go inside the action, e.g. click: {selector: ..., timeout_ms: 5000})"
    ]


def test_duplicate_key(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Product page
            role: product
            name: Cart
            actions:
              - goto: /
        """,
    )
    assert errors_of(path) == [f"{path}:5:5: duplicate key 'name' (first defined at line 3)"]


def test_bad_role(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Pay
            role: paymnet
            actions:
              - goto: /
        """,
    )
    assert errors_of(path) == [
        f"{path}:4:11: role 'paymnet' is not one of "
        "product, cart, account, shipping, payment, review, confirmation, email, other"
    ]


def test_yaml_syntax_error(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Pay
            role: payment
           actions:
              - goto: /
        """,
    )
    assert errors_of(path) == [
        f"{path}:5:4: invalid YAML: expected <block end>, but found '<block mapping start>' "
        "(while parsing a block collection at line 3, column 3)"
    ]


def test_unset_environment_variable(tmp_path):
    path = one_action(tmp_path, 'fill: {selector: "#card", value: "${TEST_CARD}", secret: true}')
    assert errors_of(path) == [f"{path}:6:42: environment variable TEST_CARD is not set"]


def test_wait_for_and_expect_need_exactly_one_condition(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Product page
            role: product
            actions:
              - wait_for: {url: "**/cart", text: Cart}
              - expect: {timeout_ms: 100}
              - wait_for: {text: Cart, state: visible}
        """,
    )
    assert errors_of(path) == [
        f"{path}:6:19: wait_for needs exactly one of url, text, selector, load_state, response, request (got 'url' and 'text')",
        f"{path}:7:17: expect needs exactly one of text, no_text, url, visible, hidden (got none)",
        f"{path}:8:19: wait_for: 'state' only goes with 'selector'",
    ]


def test_steps_and_actions_must_not_be_empty_and_step_names_unique(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        steps:
          - name: Pay
            role: payment
            actions: []
          - name: Pay
            role: review
            actions:
              - click: text=Place order
        """,
    )
    assert errors_of(path) == [
        f"{path}:5:14: 'actions' needs at least one action",
        f"{path}:6:11: duplicate step name 'Pay' (first used at line 3)",
    ]
    empty = write(tmp_path, "name: Nothing\nsteps: []\n", "empty.yaml")
    assert errors_of(empty) == [f"{empty}:2:8: 'steps' needs at least one step"]


def test_short_form_of_the_wrong_type(tmp_path):
    path = one_action(tmp_path, "click: 5")
    assert errors_of(path) == [f"{path}:6:16: 'click' must be a selector or a mapping, got 5"]
    path = one_action(tmp_path, "fill: '#q'")
    assert errors_of(path) == [f"{path}:6:15: 'fill' must be a mapping, got '#q'"]


def test_every_error_in_a_file_is_reported_sorted(tmp_path):
    path = write(
        tmp_path,
        """
        name: Buy
        colour: red
        steps:
          - name: Pay
            role: paymnet
            actions:
              - clik: x
        """,
    )
    errors = errors_of(path)
    assert [error.split(": ", 1)[0] for error in errors] == [f"{path}:2:1", f"{path}:5:11", f"{path}:7:9"]


def test_not_a_mapping(tmp_path):
    path = write(tmp_path, "- just\n- a list\n")
    assert errors_of(path) == [f"{path}:1:1: a journey file is a mapping with 'name' and 'steps', got a list"]


def test_validation_failed_joins_errors_with_newlines():
    failed = ValidationFailed([LocatedError("b.yaml", 1, 1, "two"), LocatedError("a.yaml", 3, 2, "one")])
    assert str(failed) == "a.yaml:3:2: one\nb.yaml:1:1: two"
    assert str(LocatedError("JOURNEYAUDIT_FAIL_ON", 0, 0, "bad")) == "JOURNEYAUDIT_FAIL_ON: bad"


# --------------------------------------------------------------------------
# YAML source: positions, interpolation
# --------------------------------------------------------------------------


def test_positions_of_keys_and_values():
    doc = parse("a: 1\nb:\n  - x: y\n", "f.yaml", {})
    assert doc.data == {"a": 1, "b": [{"x": "y"}]}
    assert doc.values[("a",)] == (1, 4)
    assert doc.keys[("b", 0, "x")] == (3, 5)
    assert doc.values[("b", 0, "x")] == (3, 8)
    assert doc.position(("b", 0, "missing")) == (3, 5)


def test_interpolation():
    env = {"HOST": "shop.test", "EMPTY": ""}
    assert interpolate("https://${HOST}/x", env) == ("https://shop.test/x", [])
    assert interpolate("${NOPE:-fallback} ${EMPTY:-d}", env) == ("fallback d", [])
    assert interpolate("$${HOST} costs $5", env) == ("${HOST} costs $5", [])
    assert interpolate("${NOPE}", env) == ("${NOPE}", ["environment variable NOPE is not set"])


def test_merge_keys_override_without_duplicate_errors():
    doc = parse("base: &b {p: 1, q: 2}\nm:\n  <<: *b\n  q: 5\n", "f.yaml", {})
    assert doc.errors == []
    assert doc.data["m"] == {"p": 1, "q": 5}


# --------------------------------------------------------------------------
# valid files
# --------------------------------------------------------------------------


def test_valid_journey_converts_short_and_long_forms_secrets_and_lines():
    loaded = load_journey(VALID, {"TEST_CARD": "4242424242424242"})
    assert loaded.id == "valid-journey"
    assert loaded.name == "Buy an AeroPress as a guest"
    assert loaded.path == str(VALID)
    assert loaded.tags == ["checkout", "guest"]
    assert loaded.hints == {"currency": "EUR"}
    product, cart, pay = loaded.steps
    assert (product.name, product.role, product.line) == ("Product page", "product", 8)
    assert product.actions == [
        model.Action("goto", {"url": "/product/aeropress-go"}, line=11),
        model.Action("expect", {"text": "In stock"}, line=12),
    ]
    assert (cart.continue_on_failure, cart.screenshot, cart.budget_ms) == (True, False, None)
    assert cart.actions == [
        model.Action("click", {"selector": "role=button[name='Add to cart']"}, line=19),
        model.Action("expect", {"url": "**/cart"}, line=20),
        model.Action("wait_for", {"selector": "#total", "state": "visible", "timeout_ms": 3000}, line=21),
        model.Action("screenshot", {"full_page": True}, line=22),
    ]
    assert pay.budget_ms == 4000
    assert pay.actions == [
        model.Action("click", {"selector": "text=Continue to payment", "timeout_ms": 5000}, line=28),
        model.Action("fill", {"selector": "#card-number", "value": "4242424242424242"}, line=29, secret=True),
        model.Action("fill", {"selector": "#cvc", "value": "123"}, line=30),  # YAML number -> text
        model.Action("select", {"selector": "#country", "value": "Germany"}, line=33),
        model.Action("check", {"selector": "#terms"}, line=34),
        model.Action("uncheck", {"selector": "#newsletter"}, line=35),
        model.Action("press", {"key": "Enter"}, line=36),
        model.Action("press", {"key": "Tab", "selector": "#cvc"}, line=37),
        model.Action("goto", {"url": "/pay?note=${literal}", "wait_until": "networkidle"}, line=38),
        model.Action("screenshot", {"full_page": False}, line=39),
    ]
    assert loaded.secrets() == ["4242424242424242"]


def test_journey_id_is_the_file_stem_as_a_slug(tmp_path):
    path = write(tmp_path, ONE_STEP.replace("{action}", "goto: /"), "Guest Checkout_v2.yaml")
    assert load_journey(path, {}).id == "guest-checkout-v2"


# --------------------------------------------------------------------------
# the JSON Schema
# --------------------------------------------------------------------------


def test_committed_schema_matches_the_models():
    committed = json.loads((ROOT / "schema" / "journey.schema.json").read_text(encoding="utf-8"))
    assert committed == journey.json_schema(), "regenerate: journeyaudit schema > schema/journey.schema.json"


def test_schema_has_help_for_editors():
    schema = journey.json_schema()
    assert schema["title"] == "journeyaudit journey"
    step = schema["$defs"]["StepSpec"]
    assert step["properties"]["role"]["enum"] == list(model.ROLES)
    assert "description" in step["properties"]["budget_ms"]
    assert step["additionalProperties"] is False
    actions = step["properties"]["actions"]["items"]["oneOf"]
    assert len(actions) == len(journey.ACTION_NAMES)
