"""JA401 slow-step and JA402 dead-click on recorded traces: the shop's time and the customer's effects only."""

from __future__ import annotations

import pytest

from journeyaudit.gather.actions import same_site
from journeyaudit.model import ActionRecord
from journeyaudit.rules.ja4xx_speed import shop_time_ms
from tests.unit.recorded import findings, recorded, shop_recorded

# --------------------------------------------------------------------------
# JA401: budgets count the shop's time, not the tool's own waits
# --------------------------------------------------------------------------


def test_the_demo_slow_step_is_still_slow():
    assert findings("JA401", recorded("slow-step"))


def test_watching_the_inbox_is_not_the_shops_time():
    trace = shop_recorded("shuup", "happy-path")
    email_step = trace.steps[6]
    assert [a.name for a in email_step.actions] == ["wait_for_email", "watch_inbox"]
    # the journey watched the inbox for 8 s, as the real-shop run did
    email_step.actions[1].duration_ms = 8000.0
    email_step.duration_ms = 8080.0
    assert shop_time_ms(email_step)[0] < 100
    assert [f.step for f in findings("JA401", trace)].count(7) == 0


def test_the_shops_own_slowness_is_reported_with_the_tools_waits_left_out():
    trace = shop_recorded("shuup", "happy-path")
    confirmation = trace.steps[5]
    confirmation.actions[0].duration_ms += 5600.0  # 'Place Order' took 7.3 s at the shop, as in the slow run
    confirmation.duration_ms += 5600.0
    confirmation.actions.append(ActionRecord(name="watch_inbox", description="watch_inbox 3000", duration_ms=3000.0))
    confirmation.duration_ms += 3000.0
    [finding] = [f for f in findings("JA401", trace) if f.step == 6]
    assert "waited 7.5 s at 'Confirmation' (step 6)" in finding.message
    assert any(e.label == "Not counted: the tool's own waits" and e.value == "3.0 s" for e in finding.evidence)


# --------------------------------------------------------------------------
# JA402: a request to a third-party collector is not "the click did something"
# --------------------------------------------------------------------------


def _dead_checkout_click(trace, **effect):
    click = next(a for a in trace.steps[2].actions if a.name == "click")  # 'Proceed to checkout' on the basket
    click.effect.update({"navigated": False, "dom_changed": False, "dialogs": 0, "popups": 0, "waited_ms": 1500,
                         "url_after": click.effect["url_before"], **effect})
    return trace


def test_shuup_clicks_all_did_something():
    assert findings("JA402", shop_recorded("shuup", "happy-path")) == []


def test_a_click_that_only_reported_an_error_to_a_collector_is_dead():
    trace = _dead_checkout_click(shop_recorded("shuup", "happy-path"), requests=0,
                                 third_party_requests=["o123.ingest.sentry.io"])
    [finding] = findings("JA402", trace)
    assert finding.step == 3 and "'PROCEED TO CHECKOUT' and nothing happened" in finding.message
    assert "the only requests went to other sites (o123.ingest.sentry.io)" in finding.message


def test_a_click_that_asked_the_shop_is_alive_whatever_else_it_sent():
    trace = _dead_checkout_click(shop_recorded("shuup", "happy-path"), requests=1,
                                 third_party_requests=["www.google-analytics.com"])
    assert findings("JA402", trace) == []


@pytest.mark.parametrize(
    "url, page, own",
    [
        ("http://127.0.0.1:8731/basket/", "http://127.0.0.1:8731/p/1/", True),
        ("https://cdn.shop.example/app.js", "https://www.shop.example/cart", True),
        ("https://o1.ingest.sentry.io/api/1/envelope/", "https://www.shop.example/cart", False),
        ("https://www.google-analytics.com/g/collect", "http://127.0.0.1:8731/", False),
        ("data:image/png;base64,AAAA", "https://www.shop.example/", True),
    ],
)
def test_the_shops_own_site(url, page, own):
    assert same_site(url, page) is own
