"""Waits on the shop's requests, the readiness default, pause and choose (issue 11), in real Chromium.

The journeys of examples/storefront-lab (the "Real storefronts" chapter of docs/journeys.md)
run against the demo shop's lab and are clean; with the readiness default off, the click on
the page that hydrates does nothing and the wait for the cart's answer says what the page did
request instead. A journey's pause is the tool's time, not the shop's (JA401).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
LAB = ROOT / "examples" / "storefront-lab"
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]

NO_SUCH_OPTION = """\
name: No such country
steps:
  - name: Address
    role: shipping
    actions:
      - goto: /lab/address
      - choose: {field: Country, option: Narnia}
"""

TYPED_NOTHING = """\
name: No country starts so
steps:
  - name: Address
    role: shipping
    actions:
      - goto: /lab/address
      - choose: {field: Billing country, option: Narnia}
"""

TYPED_NO_MATCH = """\
name: A country the search almost finds
steps:
  - name: Address
    role: shipping
    actions:
      - goto: /lab/address
      - choose: {field: Billing country, option: Gerania}
"""

TYPED_BY_VALUE = """\
name: Type to filter, by value and with a search
steps:
  - name: Address by value
    role: shipping
    actions:
      - goto: /lab/address
      - choose: {field: Billing country, option: DE}
      - click: text=Continue
  - name: Chosen by value
    role: review
    actions:
      - expect: {text: "Billing country: Germany"}
  - name: Address with a search
    role: shipping
    actions:
      - goto: /lab/address
      - choose: {field: Billing country, option: United Kingdom, search: King}
      - click: text=Continue
  - name: Chosen with a search
    role: review
    actions:
      - expect: {text: "Billing country: United Kingdom"}
"""

PAUSED = """\
name: A pause is not the shop's time
steps:
  - name: Home
    role: product
    budget_ms: 1000
    actions:
      - goto: /lab
      - pause: {ms: 1500}
"""

NEVER_ANSWERED = """\
name: The wrong answer never comes
steps:
  - name: Product page
    role: product
    actions:
      - goto: /lab/hydrated
      - click: "#add-to-cart"
      - wait_for: {response: "**/api/lab/cart", status: 201, timeout_ms: 2000}
"""

HURRIED = """\
name: Add to cart before the page is ready
steps:
  - name: Product page
    role: product
    actions:
      - goto: /lab/hydrated?slow=1500
      - click: "#add-to-cart"
      - wait_for: {response: "**/api/lab/cart", status: 200, timeout_ms: 1500}
"""


def _audit(tmp: Path, name: str, journeys: list[Path], extra: str = "") -> tuple[int, object, dict]:
    files = ", ".join(f'"{path}"' for path in journeys)
    profile = tmp / f"audit-{name}.yml"
    profile.write_text(
        f"name: {name}\ndemo_shop: true\njourneys_root: /\njourneys: [{files}]\nfail_on: medium\nworkers: 1\n"
        f"timeouts: {{action_ms: 5000}}\nhost_map: {{pay.kettle-crumb.test: 127.0.0.1}}\n{extra}",
        encoding="utf-8",
    )
    out = tmp / f"out-{name}"
    done = subprocess.run([*CLI, "run", str(profile), "--out", str(out), "--no-history"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert out.is_dir(), done.stdout + done.stderr
    folder = next(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    result = store.load_result(folder / "result.json")
    runs = {s.journey_id: store.load_run(folder / s.trace) for s in result.runs}
    return done.returncode, result, runs


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    extra = (("no-such-option", NO_SUCH_OPTION), ("paused", PAUSED), ("never-answered", NEVER_ANSWERED),
             ("typed-nothing", TYPED_NOTHING), ("typed-no-match", TYPED_NO_MATCH), ("typed-by-value", TYPED_BY_VALUE))
    for name, text in extra:
        (tmp / f"{name}.yaml").write_text(text, encoding="utf-8")
    journeys = sorted((LAB / "journeys").glob("*.yaml")) + sorted(tmp.glob("*.yaml"))
    return _audit(tmp, "lab", journeys)


def _action(run, step: int, name: str, nth: int = 0):
    return [a for a in run.steps[step].actions if a.name == name][nth]


def test_the_storefront_lab_examples_pass_clean(lab):
    _, result, runs = lab
    for journey in ("hydrated-add-to-cart", "pickers", "shipping-rates"):
        assert runs[journey].status == "passed", [(s.name, s.error) for s in runs[journey].steps]
        assert [f.code for f in result.findings if f.journey == journey] == []


def test_the_click_waited_for_the_page_to_hydrate_and_the_wait_saw_the_cart_answer(lab):
    _, _, runs = lab
    run = runs["hydrated-add-to-cart"]
    click = _action(run, 0, "click")
    assert click.effect["ready_ms"] >= 300, click.effect  # the deferred script and the price came late
    assert click.effect["requests"] >= 1  # the hydrated button sent the cart request
    answer = _action(run, 0, "wait_for")
    assert answer.effect["status"] == 200 and answer.effect["url"].endswith("/api/lab/cart")
    assert any("was added to your cart" in m.text for m in run.steps[0].messages)  # the toast


def test_choose_picks_in_a_combobox_a_custom_select_and_a_native_select(lab):
    _, _, runs = lab
    text = runs["pickers"].steps[1].visible_text
    for line in ("Country: Germany", "Grind size: Medium (filter)", "Delivery: Express (next day)"):
        assert line in text


def test_choose_without_a_matching_option_lists_the_options_seen(lab):
    _, _, runs = lab
    step = runs["no-such-option"].steps[0]
    assert step.status == "failed"
    assert step.error == ("'Country' has no option 'Narnia'; the options are 'Austria', 'Belgium', 'Germany', "
                          "'France', 'Netherlands'")


def test_choose_types_into_a_type_to_filter_combobox_and_picks_from_the_servers_options(lab):
    _, _, runs = lab
    run = runs["pickers"]
    assert "Billing country: United Kingdom" in run.steps[1].visible_text  # "Uni" showed two: the exact label won
    assert _action(run, 0, "choose", 2).effect == {"chose": "United Kingdom", "typed": "Uni"}
    assert _action(run, 0, "choose", 0).effect == {"chose": "Germany"}  # a read-only combobox: no typing
    run = runs["typed-by-value"]
    assert run.status == "passed", [(s.name, s.error) for s in run.steps]
    assert _action(run, 0, "choose").effect == {"chose": "DE", "typed": "DE"}  # Denmark and Germany: value DE
    assert _action(run, 2, "choose").effect == {"chose": "United Kingdom", "typed": "King"}


def test_choose_in_a_type_to_filter_combobox_without_a_match_says_what_was_typed_and_seen(lab):
    _, _, runs = lab
    step = runs["typed-nothing"].steps[0]
    assert step.status == "failed"  # the list's "No countries match" line is no option
    assert step.error == "'Billing country' showed no options after typing 'Narnia' to choose 'Narnia' from"
    step = runs["typed-no-match"].steps[0]
    assert step.status == "failed"
    assert step.error == "'Billing country' has no option 'Gerania'; the options after typing 'Ger' are 'Germany'"


def test_a_wait_for_an_answer_that_never_comes_says_what_the_page_got(lab):
    _, _, runs = lab
    step = runs["never-answered"].steps[0]
    assert step.status == "failed"
    assert step.error.startswith("waited 2 s for an answer from '**/api/lab/cart' with status 201; the page got only: ")
    assert "POST /api/lab/cart (200)" in step.error


def test_a_pause_is_the_tools_time_not_the_shops(lab):
    _, result, runs = lab
    step = runs["paused"].steps[0]
    assert step.status == "passed" and step.duration_ms > 1500
    assert _action(runs["paused"], 0, "pause").duration_ms >= 1500
    assert not [f for f in result.findings if f.code == "JA401" and f.journey == "paused"]


def test_without_the_readiness_wait_the_click_comes_too_early(tmp_path):
    (tmp_path / "hurried.yaml").write_text(HURRIED, encoding="utf-8")
    _, result, runs = _audit(tmp_path, "hurried", [tmp_path / "hurried.yaml"], "readiness: {wait: false}\n")
    step = runs["hurried"].steps[0]
    assert step.status == "failed"
    assert step.error.startswith("waited 1.5 s for an answer from '**/api/lab/cart' with status 200; the page requested: ")
    assert "GET /api/lab/price" in step.error
    assert "ready_ms" not in _action(runs["hurried"], 0, "click").effect
