"""Log in once (gather/login_state.py) and the request action's checks (gather/api_request.py), without a browser."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from journeyaudit import model
from journeyaudit.gather.actions import ActionFailed
from journeyaudit.gather.api_request import check, find
from journeyaudit.gather.login_state import LoginStates, NotLoggedIn, phases
from journeyaudit.history.store import Redactor


class FakeContext:
    def storage_state(self):
        return {"cookies": [{"name": "kc_session", "value": "abc"}], "origins": []}


def journey(id_: str, name: str = "", setup: bool = False, uses: str = "") -> model.Journey:
    return model.Journey(id=id_, name=name or id_, path=f"{id_}.yaml", setup=setup, uses=uses)


def test_the_state_is_kept_in_a_private_file_outside_the_output_and_deleted_at_the_end():
    login, user, other = journey("login", "Sign in", setup=True), journey("orders", uses="Sign in"), journey("browse")
    states = LoginStates([login, user, other])
    states.save(login, FakeContext())
    states.finished(login, model.Run("login", "Sign in", "login.yaml", "http://shop.test", status="passed"))
    path = Path(states.state_for(user))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert states.state_for(other) is None
    states.close()
    assert not path.exists() and not path.parent.exists()


def test_a_failed_setup_journey_makes_its_users_not_run_with_the_reason():
    login, user = journey("login", "Sign in", setup=True), journey("orders", uses="login")
    states = LoginStates([login, user])
    run = model.Run("login", "Sign in", "login.yaml", "http://shop.test", status="failed")
    run.steps.append(model.StepRecord(index=1, name="Sign in", role="account", status="failed", error="wrong password"))
    states.finished(login, run)
    with pytest.raises(NotLoggedIn, match=r"the setup journey 'Sign in' failed at step 1 \('Sign in'\): wrong password"):
        states.state_for(user)
    states.close()


def test_setup_journeys_start_first():
    journeys = [journey("a"), journey("login", setup=True), journey("b")]
    assert phases(journeys) == [[1], [0, 2]]
    assert phases([journey("a"), journey("b")]) == [[0, 1]]


ANSWER = {"number": "KC-10234", "status": "Cancelled", "items": [{"sku": "KC-AP-GO-01", "name": "AeroPress Go"}]}


def record(status: int = 200) -> dict:
    return {"method": "GET", "url": "http://shop.test/api/orders/KC-10234", "status": status}


def test_json_paths_find_values_in_mappings_and_lists():
    assert find(ANSWER, "items.0.sku") == "KC-AP-GO-01"
    assert find(ANSWER, ".") is ANSWER
    assert find(ANSWER, "items.3.sku") is not ANSWER and find(ANSWER, "nope") is find(ANSWER, "items.9")


@pytest.mark.parametrize(
    ("expect", "message"),
    [
        ({}, "expected the answer to GET /api/orders/KC-10234 to succeed (2xx); it was HTTP 404"),
        ({"status": [200, 201]}, "expected the answer to GET /api/orders/KC-10234 to be HTTP 200 or 201; it was HTTP 404"),
    ],
)
def test_a_status_that_is_not_expected_fails_the_step(expect, message):
    with pytest.raises(ActionFailed) as caught:
        check(record(404), "", expect, Redactor())
    assert str(caught.value) == message


def test_json_and_text_checks_say_what_was_expected_and_what_came():
    import json

    body = json.dumps(ANSWER)
    check(record(), body, {"json_checks": [{"path": "items.0.name", "contains": "AeroPress"}], "text": "KC-10234"}, Redactor())
    with pytest.raises(ActionFailed) as caught:
        check(record(), body, {"json_checks": [{"path": "status", "equals": "Confirmed"}]}, Redactor())
    assert str(caught.value) == 'expected status in the answer to GET /api/orders/KC-10234 to equal "Confirmed"; it is "Cancelled"'
    with pytest.raises(ActionFailed, match="expected 'total' in the answer .*; there is no such value"):
        check(record(), body, {"json_checks": [{"path": "total", "equals": 1}]}, Redactor())
    with pytest.raises(ActionFailed, match="to be JSON; it is not"):
        check(record(), "<html>", {"json_checks": [{"path": "a", "equals": 1}]}, Redactor())


def test_a_secret_in_the_answer_is_redacted_in_the_failure_message():
    with pytest.raises(ActionFailed) as caught:
        check(record(401), "bad key tok-98765-secret", {"status": 200}, Redactor(["tok-98765-secret"]))
    assert "tok-98765-secret" not in str(caught.value) and "[redacted]" in str(caught.value)
