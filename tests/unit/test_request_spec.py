"""Issue 11 in the spec: the request action, setup/teardown, setup/uses and matrix, each bad parameter located."""

from __future__ import annotations

from pathlib import Path

import pytest

from journeyaudit.spec import config, login
from journeyaudit.spec.journey import load_journey
from journeyaudit.spec.yamlsource import ValidationFailed
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
        ("request: {method: GET, url: /x, json: {a: 1}}", "6:18: 'request': a GET request has no body: use POST, PUT or PATCH"),
        ("request: {method: POST, url: /x, json: {a: 1}, form: {b: c}}", "6:18: 'request': request takes 'json' or 'form', not both"),
        ("request: {url: /x, expect: {status: 99}}", "6:45: 'status': input should be greater than or equal to 100"),
        ("request: {url: /x, expect: {json: {path: a}}}", "6:43: 'json': a json check needs exactly one of 'equals' and 'contains'"),
        ("request: {url: /x, methd: GET}", "6:28: unknown key 'methd' in request (allowed: method, url, headers, json, form, share_cookies, expect, timeout_ms, save)"),
        ("request: {url: /x, method: FETCH}", "6:36: 'method' must be one of GET, POST, PUT, PATCH, DELETE, HEAD, got 'FETCH'"),
        ("request: {url: /x, save: {order id: a.b}}", "6:45: '[key]': string should match pattern '^[A-Za-z_][A-Za-z0-9_]*$'"),
        ("request: /x", "6:18: 'request' must be a mapping, got '/x'"),
        ("request: {method: POST}", "6:18: request is missing 'url'"),
    ],
)
def test_bad_request_parameters_are_located(tmp_path, action, message):
    path = one_action(tmp_path, action)
    assert errors_of(path) == [f"{path}:{message}"]


def test_a_request_becomes_an_action_and_its_env_header_values_are_secrets(tmp_path):
    path = one_action(
        tmp_path,
        'request: {method: POST, url: /api/stock/A, headers: {X-Api-Key: "${KEY}", Accept: application/json}, '
        "json: {stock: 0}, expect: {status: 200, json: {path: stock, equals: 0}}}",
    )
    journey = load_journey(path, {"KEY": "s3cr3t-key-value"})
    action = journey.steps[0].actions[0]
    assert action.name == "request"
    assert action.params["json_body"] == {"stock": 0}
    assert action.params["expect"] == {"status": [200], "json_checks": [{"path": "stock", "equals": 0}]}
    assert action.secret_values == ["s3cr3t-key-value"]  # Accept's value is no secret: it came from no ${ENV}
    assert "s3cr3t-key-value" in journey.secrets()
    assert "s3cr3t" not in action.describe() and "X-Api-Key" in action.describe()


def test_setup_and_uses_cannot_go_together_and_uses_must_name_a_setup_journey(tmp_path):
    both = write(tmp_path, "name: A\nsetup: true\nuses: login\n" + ONE_STEP.split("steps:", 1)[1].join(["steps:", ""]).replace("{action}", "goto: /"))
    assert errors_of(both) == [f"{both}:3:1: a setup journey cannot itself use another ('uses')"]
    user = write(tmp_path, "name: B\nuses: nobody\nsteps:\n  - name: S\n    role: product\n    actions:\n      - goto: /\n", "b.yaml")
    setup = write(tmp_path, "name: Sign in\nsetup: true\nsteps:\n  - name: S\n    role: account\n    actions:\n      - goto: /\n", "login.yaml")
    with pytest.raises(ValidationFailed) as caught:
        config.resolve([user, setup], {"base_url": "http://shop.test"}, {})
    assert [str(e) for e in caught.value.errors] == [
        f"{user}:2:7: uses: 'nobody' is not a setup journey of this run (setup journeys: 'login')"
    ]
    ok = write(tmp_path, "name: B\nuses: Sign in\nsteps:\n  - name: S\n    role: product\n    actions:\n      - goto: /\n", "b.yaml")
    settings = config.resolve([ok, setup], {"base_url": "http://shop.test"}, {})
    journeys = {j.id: j for j in settings.journeys}
    assert journeys["login"].setup and journeys["b"].uses == "Sign in"
    assert login.setup_journey(settings.journeys, "Sign in") is journeys["login"]


def test_profile_setup_and_teardown_items_are_checked_and_kept(tmp_path):
    write(tmp_path, ONE_STEP.replace("{action}", "goto: /"), "j.yaml")
    bad = write(tmp_path, """
        name: p
        base_url: http://shop.test
        journeys: [j.yaml]
        setup:
          - run: "echo hi"
            request: {url: /x}
          - {run: "x", timeout: 0}
        teardown:
          - request: {url: /x, method: POST, json: [1], form: {a: b}}
        """, "p.yaml")
    assert [str(e) for e in config.check_file(bad, {})] == [
        f"{bad}:5:5: 'setup': a setup/teardown item needs exactly one of 'request' and 'run'",
        f"{bad}:7:25: 'timeout' must be a positive integer, got 0",
        f"{bad}:9:14: 'request': request takes 'json' or 'form', not both",
    ]
    good = write(tmp_path, """
        name: p
        base_url: http://shop.test
        journeys: [j.yaml]
        setup:
          - {name: reset, request: {method: POST, url: /api/reset, headers: {Authorization: "Bearer ${TOKEN}"}}}
          - {run: "make fixtures", timeout: 5, optional: true}
        teardown: [{run: "make clean"}]
        """, "p2.yaml")
    settings = config.resolve([good], {}, {"TOKEN": "tok-123456"})
    assert settings.hooks["setup"][0]["request"]["url"] == "/api/reset"
    assert settings.hooks["setup"][1] == {"run": "make fixtures", "timeout": 5, "optional": True}
    assert settings.hooks["teardown"] == [{"run": "make clean", "timeout": 60, "optional": False}]
    assert settings.hook_secrets == ["tok-123456"]
