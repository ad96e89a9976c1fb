"""Issue 11's waits and choose in the spec: each bad parameter located; URL patterns matched like Playwright's."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit.gather import choose, waits
from journeyaudit.spec.journey import load_journey
from journeyaudit.spec.wait_spec import regex_of
from tests.unit.journey_files import errors_of, write

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


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ('wait_for: {response: "**/api/{a,{b}}/**"}', "6:30: '**/api/{a,{b}}/**': a glob cannot nest '{' inside '{...}'"),
        ('wait_for: {response: "**/api/{a,b"}', "6:30: '**/api/{a,b': '{' without its '}'"),
        ('wait_for: {request: "/api/(cart\\\\d/"}', "6:29: '/api/(cart\\\\d/' is not a regular expression "
         "(missing ), unterminated subpattern at position 4)"),
        ("wait_for: {url: '**/x', status: 200}", "6:19: wait_for: 'status' only goes with 'response'"),
        ("wait_for: {response: '**/x', request: '**/y'}", "6:19: wait_for needs exactly one of url, text, selector, "
         "load_state, response, request (got 'response' and 'request')"),
        ("wait_for: {response: '**/x', status: 99}", "6:46: 'status': input should be greater than or equal to 100"),
        ("wait_for: {response: ''}", "6:30: 'response' must not be empty"),
        ("pause: 70000", "6:16: 'pause': input should be less than or equal to 60000"),
        ("pause: {ms: 0}", "6:21: 'ms' must be a positive integer, got 0"),
        ("pause: soon", "6:16: 'pause' must be a number of milliseconds or a mapping, got 'soon'"),
        ("choose: {field: Country}", "6:17: choose is missing 'option'"),
        ("choose: {field: Country, option: ''}", "6:42: 'option' must not be empty"),
        ("choose: {field: Country, option: DE, value: DE}", "6:46: unknown key 'value' in choose "
         "(allowed: field, option, search, timeout_ms)"),
        ("choose: {field: Billing country, option: Germany, search: ''}", "6:67: 'search' must not be empty"),
        ("choose: {field: Billing country, option: Germany, search: [Ger]}", "6:67: 'search' must be a string, "
         "got a list"),
        ("choose: Country", "6:17: 'choose' must be a mapping, got 'Country'"),
    ],
)
def test_bad_wait_and_choose_parameters_are_located(tmp_path, action, message):
    path = one_action(tmp_path, action)
    assert errors_of(path) == [f"{path}:{message}"]


def test_a_pause_in_seconds_is_told_both_what_is_missing_and_what_is_unknown(tmp_path):
    path = one_action(tmp_path, "pause: {seconds: 2}")
    assert errors_of(path) == [f"{path}:6:16: pause is missing 'ms'",
                               f"{path}:6:17: unknown key 'seconds' in pause (allowed: ms)"]


def test_waits_pause_and_choose_become_actions(tmp_path):
    path = write(tmp_path, ONE_STEP.replace("{action}", """wait_for: {response: "**/api/cart/**", status: 200}
      - wait_for: {request: '/\\/api\\/stock\\/\\w+/i'}
      - pause: 500
      - pause: {ms: 250}
      - choose: {field: Country, option: 49}
      - choose: {field: Billing country, option: Germany, search: Deu}"""))
    actions = load_journey(path).steps[0].actions
    assert [(a.name, a.params) for a in actions] == [
        ("wait_for", {"response": "**/api/cart/**", "status": 200}),
        ("wait_for", {"request": "/\\/api\\/stock\\/\\w+/i"}),
        ("pause", {"ms": 500}),
        ("pause", {"ms": 250}),
        ("choose", {"field": "Country", "option": "49"}),
        ("choose", {"field": "Billing country", "option": "Germany", "search": "Deu"}),
    ]


@pytest.mark.parametrize(
    ("pattern", "url", "matches"),
    [
        ("**/api/cart/**", "http://shop.test/api/cart/add", True),
        ("**/api/cart/**", "http://shop.test/api/carts/add", False),
        ("**/api/*/add", "http://shop.test/api/cart/add", True),
        ("**/api/*/add", "http://shop.test/api/a/b/add", False),
        ("**/api/{cart,stock}", "http://shop.test/api/stock", True),
        ("/api/cart", "http://shop.test/api/cart", True),  # a path: joined to the base URL
        ("/api/cart", "http://other.test/api/cart", False),
        ("**/rates?country=AT", "http://shop.test/api/rates?country=AT", True),  # '?' is itself
        ("/\\/api\\/cart\\/\\d+/", "http://shop.test/api/cart/42", True),
        ("/\\/API\\/CART/i", "http://shop.test/api/cart", True),
        ("/\\/api\\/cart\\/\\d+/", "http://shop.test/api/cart/x", False),
    ],
)
def test_url_patterns_match_like_playwright(pattern, url, matches):
    assert waits.matcher(pattern, "http://shop.test/")(url) is matches


def test_a_path_between_slashes_is_a_path_not_a_regex():
    assert regex_of("/api/cart/") is None
    assert regex_of("/api/cart.*/") is not None


OPTIONS = [{"label": "Austria", "value": "AT"}, {"label": "Germany", "value": "DE"},
           {"label": "Germany (Büsingen)", "value": "DE-BU", "disabled": True}, {"label": "Netherlands", "value": "NL"}]


@pytest.mark.parametrize(
    ("wanted", "index"),
    [("Germany", 1), ("germany", 1), ("  Germany ", 1), ("de", 1), ("Nether", 3), ("Büsingen", None), ("a", None),
     ("France", None)],
)
def test_choose_picks_by_label_then_value_then_one_label_containing_it(wanted, index):
    assert choose.pick(OPTIONS, wanted) == index


def test_no_option_lists_the_options_the_customer_saw():
    assert choose.no_option("Country", "France", OPTIONS) == (
        "'Country' has no option 'France'; the options are 'Austria', 'Germany', 'Netherlands'"
    )
    assert choose.no_option("Country", "France", []) == "'Country' showed no options to choose 'France' from"


def test_no_option_after_typing_says_what_was_typed():
    assert choose.no_option("Billing country", "Narnia", [], "Narnia") == (
        "'Billing country' showed no options after typing 'Narnia' to choose 'Narnia' from")
    assert choose.no_option("Billing country", "Gerania", OPTIONS[1:2], "Gerania") == (
        "'Billing country' has no option 'Gerania'; the options after typing 'Gerania' are 'Germany'")


@pytest.mark.parametrize(
    ("wanted", "search", "terms"),
    [("Germany", None, ["Ger", "Germany"]), ("  United   Kingdom ", None, ["Uni", "United Kingdom"]),
     ("DE", None, ["DE"]), ("Ger", None, ["Ger"]), ("A b", None, ["A b"]), ("St. Lucia", None, ["St.", "St. Lucia"]),
     ("Germany", "Deutsch", ["Deutsch"])],
)
def test_a_type_to_filter_combobox_is_typed_the_options_start_then_all_of_it(wanted, search, terms):
    assert choose.search_terms(wanted, search) == terms


def test_the_profile_readiness_is_checked_and_reaches_the_settings(tmp_path):
    from journeyaudit.spec import config

    write(tmp_path, ONE_STEP.replace("{action}", "goto: /"), "j.yaml")
    bad = write(tmp_path, """
        name: p
        base_url: http://shop.test
        journeys: [j.yaml]
        readiness: {wait: maybe, max_ms: 99999, quiet: 10}
        """, "p.yaml")
    assert [str(e) for e in config.check_file(bad, {})] == [
        f"{bad}:4:19: 'wait' must be true or false, got 'maybe'",
        f"{bad}:4:34: 'max_ms': input should be less than or equal to 30000",
        f"{bad}:4:41: unknown key 'quiet' in readiness (allowed: wait, max_ms, quiet_ms, after_load_ms)",
    ]
    good = write(tmp_path, "name: p\nbase_url: http://shop.test\njourneys: [j.yaml]\nreadiness: {wait: false}\n", "p2.yaml")
    assert config.resolve([good], {}, {}).readiness.wait is False
    assert config.resolve([tmp_path / "j.yaml"], {"base_url": "http://shop.test"}, {}).readiness.max_ms == 3000


def test_the_storefront_lab_examples_are_valid():
    from journeyaudit.spec import config

    lab = Path(__file__).resolve().parents[2] / "examples" / "storefront-lab"
    settings = config.resolve([lab / "lab.yaml"], {}, {})
    assert sorted(j.id for j in settings.journeys) == ["hydrated-add-to-cart", "pickers", "shipping-rates"]
    assert settings.readiness.wait and settings.readiness.max_ms == 3000
