"""journeyaudit record: events -> steps cut at pages, roles guessed and marked, secrets as ${NAME}."""

from __future__ import annotations

from journeyaudit.spec.config import check_file
from journeyaudit.spec.journey import load_journey
from journeyaudit.spec.recording import guess_role, record_journey, url_pattern

BASE = "http://shop.test"
CARD = "4242 4242 4242 4242"


def _events() -> list[dict]:
    return [
        {"type": "page", "url": f"{BASE}/product/kettle", "title": "Kettle | Shop", "heading": "Kettle"},
        {"type": "click", "selector": 'role=button[name="Add to cart"s]'},
        {"type": "page", "url": f"{BASE}/cart", "title": "Cart", "heading": "Your cart"},
        {"type": "click", "selector": 'role=link[name="Checkout"s]'},
        {"type": "page", "url": f"{BASE}/checkout/payment", "title": "Pay", "heading": "Payment"},
        {"type": "fill", "selector": "#card-name", "value": "A", "field": {"type": "text", "id": "card-name"}},
        {"type": "fill", "selector": "#card-name", "value": "Anna ${X}", "field": {"type": "text", "id": "card-name"}},
        {"type": "fill", "selector": "#f3", "value": "4242", "field": {"type": "text", "id": "f3"}},
        {"type": "fill", "selector": "#f3", "value": CARD, "field": {"type": "text", "id": "f3"}},
        {"type": "fill", "selector": "#card-cvc", "value": "123", "field": {"type": "text", "id": "card-cvc"}},
        {"type": "fill", "selector": 'internal:label="Password"s', "value": "hunter22",
         "field": {"type": "password", "id": "login-password"}},
        {"type": "select", "selector": "#country", "value": "DE"},
        {"type": "check", "selector": "#ship-standard"},
        {"type": "click", "selector": 'role=button[name="Place order"s]'},
        {"type": "page", "url": f"{BASE}/order/KC-10123", "title": "Thanks", "heading": "Thank you"},
        {"type": "page", "url": f"{BASE}/order/KC-10123?ok=1", "title": "Thanks", "heading": "Thank you"},
    ]


def test_steps_cut_at_pages_with_the_navigating_action_first(tmp_path):
    recording = record_journey(_events(), f"{BASE}/product/kettle", "Buy a kettle")
    text = recording.text
    assert recording.steps == 4  # the redirect to ?ok=1 made no step of its own
    assert "  - name: \"Your cart\"\n    role: cart  # check: guessed\n    actions:\n" \
           '      - click: "role=button[name=\\"Add to cart\\"s]"\n      - expect: {url: "**/cart"}\n' in text
    assert '- goto: "/product/kettle"' in text
    assert 'expect: {url: "**/order/*"}' in text  # the order number varies: a wildcard
    assert "role: product  # check: guessed" in text and "role: payment  # check: guessed" in text
    assert "role: confirmation  # check: guessed" in text
    assert 'fill: {selector: "#card-name", value: "Anna $${X}"}' in text  # typing coalesced; ${ kept literal
    path = tmp_path / "new.yaml"
    path.write_text(text)
    env = {name: "stand-in" for name in recording.secrets}
    assert check_file(path, env) == []
    journey = load_journey(path, env)
    assert [step.role for step in journey.steps] == ["product", "cart", "payment", "confirmation"]


def test_secret_fields_are_written_as_environment_variables_never_as_typed():
    recording = record_journey(_events(), f"{BASE}/product/kettle", "Buy a kettle")
    assert recording.secrets == ["F3", "CARD_CVC", "LOGIN_PASSWORD"]
    for typed in ("4242", "123", "hunter22"):
        assert typed not in recording.text
    assert 'fill: {selector: "#f3", value: "${F3}", secret: true}' in recording.text
    assert 'value: "${LOGIN_PASSWORD}", secret: true' in recording.text
    assert "set F3, CARD_CVC, LOGIN_PASSWORD before running it" in recording.text


def test_a_page_reached_without_an_action_starts_with_goto_and_nothing_recorded_is_still_a_journey(tmp_path):
    events = [
        {"type": "page", "url": f"{BASE}/", "title": "Home", "heading": ""},
        {"type": "click", "selector": "#promo"},
        {"type": "page", "url": "https://other.test/deals", "title": "Deals", "heading": "Deals"},
    ]
    text = record_journey(events, f"{BASE}/", "Home").text
    assert '- click: "#promo"' in text  # the click that left the page opens the next step
    empty = record_journey([], f"{BASE}/", "Nothing")
    path = tmp_path / "empty.yaml"
    path.write_text(empty.text)
    assert check_file(path) == [] and empty.steps == 1


def test_roles_and_url_patterns():
    from journeyaudit.spec.recording import RecordedStep

    assert guess_role(RecordedStep(url=f"{BASE}/basket"), False) == "cart"
    assert guess_role(RecordedStep(url=f"{BASE}/checkout/shipping"), False) == "shipping"
    assert guess_role(RecordedStep(url=f"{BASE}/checkout"), False) == "account"
    assert guess_role(RecordedStep(url=f"{BASE}/about"), False) == "other"
    assert url_pattern(f"{BASE}/order/KC-1?x=1") == "**/order/*"
