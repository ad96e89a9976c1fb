"""JA501-JA503 on recorded traces: the shop's own failures, not the customer's typing mistakes."""

from __future__ import annotations

import pytest

from tests.unit.recorded import findings, recorded


@pytest.mark.parametrize("journey", ["failing-request", "server-error"])
def test_failed_request_fires_on_a_broken_request(journey):
    found = findings("JA502", recorded(journey))
    assert found and all(e.kind == "request" for f in found for e in f.evidence)


@pytest.mark.parametrize("journey", ["happy-path", "late-validation", "input-lost", "card-cleared"])
def test_a_form_shown_again_with_its_validation_answer_is_not_a_failed_request(journey):
    """The 422 page that tells the customer what to fix is JA303/JA304's business, not a failure."""
    assert findings("JA502", recorded(journey)) == []


def test_form_answer_statuses_is_an_option():
    found = findings("JA502", recorded("late-validation"), form_answer_statuses=[])
    assert found and "422" in found[0].evidence[0].value


def test_console_error_and_uncaught_exception_fire_on_their_faults_only():
    assert findings("JA501", recorded("console-error"))
    assert findings("JA503", recorded("js-exception"))
    assert findings("JA501", recorded("happy-path")) == [] and findings("JA503", recorded("happy-path")) == []
