"""The request action's ``save``: a value of one answer, written ``{saved.name}`` in a later request."""

from __future__ import annotations

import pytest

from journeyaudit.gather.actions import ActionFailed
from journeyaudit.gather.api_request import keep, with_saved


def test_saved_values_replace_their_placeholders_in_text_mappings_and_lists():
    saved: dict[str, str] = {}
    keep('{"data": {"orders": {"items": [{"id": 42, "code": "4BPEU"}]}}}',
         {"order_id": "data.orders.items.0.id", "code": "data.orders.items.0.code"}, saved, "the answer")
    assert saved == {"order_id": "42", "code": "4BPEU"}
    body = {"query": 'mutation { cancelOrder(input: {orderId: "{saved.order_id}"}) { __typename } }',
            "variables": [{"code": "{saved.code}"}, 3]}
    assert with_saved(body, saved) == {
        "query": 'mutation { cancelOrder(input: {orderId: "42"}) { __typename } }', "variables": [{"code": "4BPEU"}, 3]}
    assert with_saved("/api/orders/{saved.code}?{x}", saved) == "/api/orders/4BPEU?{x}"  # GraphQL braces stay


def test_an_unsaved_name_or_a_missing_value_fails_the_step_in_words():
    with pytest.raises(ActionFailed, match=r"\{saved.nope\} was not saved by an earlier request of this journey"):
        with_saved("/api/{saved.nope}", {})
    with pytest.raises(ActionFailed, match=r"expected 'data.orders.items.0.id' in the answer to save it as 'order_id'"):
        keep('{"data": {"orders": {"items": []}}}', {"order_id": "data.orders.items.0.id"}, {}, "the answer")
    with pytest.raises(ActionFailed, match="is not JSON"):
        keep("<html>", {"a": "b"}, {}, "the answer")
