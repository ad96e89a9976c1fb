"""Failed steps said in the customer's words (facts/failure.py, JA101, the report), the tool's error kept beside."""

from __future__ import annotations

from bs4 import BeautifulSoup

from journeyaudit.facts.failure import customer_reason
from journeyaudit.model import RunSummary
from journeyaudit.report.html import render_html
from tests.unit.recorded import findings, recorded, shop_recorded


def test_shuup_disabled_add_to_cart_is_said_as_the_customer_met_it():
    step = shop_recorded("shuup", "stock-out").steps[1]
    assert step.error.startswith("could not find")
    assert customer_reason(step) == (
        "'Add to cart' was on the page but could not be clicked (it was disabled) after 5 s; "
        "the page said 'Combination not available'"
    )


def test_a_raw_playwright_timeout_becomes_the_customers_words():
    trace = shop_recorded("shuup", "stock-out")
    step = trace.steps[1]
    step.error = step.actions[-1].error = "Locator.wait_for: Timeout 15000ms exceeded."
    step.actions[-1].description = "click button:has-text('Add to basket')"  # a button the page does not have
    step.visible_text = step.visible_text.replace("Combination not available", "Sold out")
    step.html = step.html.replace("Combination not available", "Sold out")
    assert customer_reason(step) == "'Add to basket' was not there after 15 s; the page said 'Sold out'"
    [blocked] = findings("JA101", trace)
    assert "could not get past 'Cart' (step 2): 'Add to basket' was not there after 15 s" in blocked.message
    assert "Locator.wait_for" not in blocked.message
    raw = next(e for e in blocked.evidence if e.label == "The tool's own error")
    assert raw.value == "Locator.wait_for: Timeout 15000ms exceeded."


def test_shuup_payment_page_crash_names_what_was_expected_and_the_page():
    [blocked] = findings("JA101", shop_recorded("shuup", "payment-provider-error"))
    assert ("'Thank you for your order' never appeared on the page after 10 s; "
            "the page said 'Internal Server Error (500)'") in blocked.message


def test_demo_refusals_quote_the_shops_message():
    step = recorded("stock-out").steps[6]
    assert "the page said 'Sorry, AeroPress Go is no longer available" in customer_reason(step)
    step = recorded("payment-refused").steps[6]
    assert customer_reason(step).endswith("the page said 'Error processing request. Please try again.'")


def test_the_report_shows_the_customers_words_and_folds_the_tools_error():
    trace = shop_recorded("shuup", "stock-out")
    from journeyaudit.judge.engine import judge
    from journeyaudit.model import Result

    found, outcomes = judge([trace])
    result = Result(audit="Shuup", base_url=trace.base_url, findings=found, outcomes=outcomes, runs=[
        RunSummary(trace.journey_id, trace.journey_name, trace.journey_path, "failed", None, 2, 1, 1000.0, "")])
    soup = BeautifulSoup(render_html(result, {trace.journey_id: trace}, trace_root=None, rules=[]), "html.parser")
    step = soup.select_one("li.step--failed")
    assert "could not be clicked (it was disabled)" in step.select_one(".step-error").get_text()
    assert "could not find" in step.select_one("details.error-raw pre").get_text()


def test_junit_and_the_terminal_say_it_the_same_way(tmp_path, capsys):
    from journeyaudit import model
    from journeyaudit.report import terminal
    from journeyaudit.report.ci.junit import render_junit

    trace = shop_recorded("shuup", "stock-out")
    result = model.Result(audit="Shuup", base_url=trace.base_url, runs=[
        RunSummary(trace.journey_id, trace.journey_name, trace.journey_path, "failed", None, 2, 1, 1000.0, "")])
    xml = render_junit(result, {trace.journey_id: trace}, rules=[], root=tmp_path)
    assert "could not be clicked (it was disabled)" in xml
    journey = model.Journey(id=trace.journey_id, name=trace.journey_name, path=trace.journey_path, steps=[])
    terminal.TerminalProgress(verbose=False).step_done(journey, trace.steps[1])
    assert "'Add to cart' was on the page but could not be clicked" in capsys.readouterr().out


def test_a_wrong_page_names_the_expected_page_without_the_globs_stars():
    step = recorded("happy-path").steps[6]
    step.status = "failed"
    step.error = step.actions[-1].error = (
        "expected to arrive at '**/order/*', but the page is http://127.0.0.1:8000/checkout/review")
    assert customer_reason(step).startswith(
        "the customer stayed on http://127.0.0.1:8000/checkout/review instead of reaching a page under /order/;")


def test_expected_pages_read_without_stars():
    from journeyaudit.facts.failure import expected_page

    assert expected_page("**/cart") == "/cart"
    assert expected_page("**/checkout/confirmation/**") == "a page under /checkout/confirmation/"
    assert expected_page("**/checkout/**/done*") == "/checkout/…/done…"
    assert expected_page("https://pay.example/**") == "a page under https://pay.example/"
    assert expected_page("**") == "**" and expected_page("**/*") == "**/*"


def test_a_page_of_the_shop_is_named_by_its_path_and_another_site_in_full():
    from journeyaudit.facts.failure import on_the_shop

    step = recorded("happy-path").steps[6]
    step.status = "failed"
    step.error = step.actions[-1].error = (
        "expected to arrive at '**/order/*', but the page is http://127.0.0.1:8000/checkout/review?step=2")
    assert customer_reason(step, "http://127.0.0.1:8000").startswith(
        "the customer stayed on /checkout/review instead of reaching a page under /order/;")
    assert "http://127.0.0.1:8000/checkout/review" in customer_reason(step, "http://127.0.0.1:9000")  # another port
    assert on_the_shop("https://pay.example/3ds", "http://shop.example/") == "https://pay.example/3ds"
    assert on_the_shop("http://SHOP.example", "http://shop.example/de/") == "/"
    assert on_the_shop("/cart", "http://shop.example") == "/cart"  # not an address: as it is


def test_the_wrong_page_reads_the_same_to_the_fingerprint_by_path_or_in_full():
    from journeyaudit.history.fingerprint import normalise

    full = "the customer stayed on http://127.0.0.1:8000/checkout/review?step=2 instead of reaching /order/"
    assert normalise(full) == normalise("the customer stayed on /checkout/review instead of reaching /order/")


def test_a_reason_that_ends_with_the_pages_own_sentence_gets_no_second_full_stop():
    """make demo's report read "... the page said 'Error processing request. Please try again.'." (JA101)."""
    [blocked] = findings("JA101", recorded("payment-refused"))
    assert blocked.message.endswith("the page said 'Error processing request. Please try again.'"), blocked.message
    [plain] = findings("JA101", shop_recorded("shuup", "payment-provider-error"))
    # a quote that is no sentence still gets one, before the steps left untried
    assert plain.message.endswith("'Internal Server Error (500)'. The remaining 1 step(s) could not be tried."), plain.message


def test_the_headline_names_the_customer_once():
    """make demo's first finding read "The customer could not get past ...: the customer stayed on ..."."""
    [blocked] = findings("JA101", recorded("payment-refused"))
    assert blocked.message.startswith("The customer could not get past 'Confirmation' (step 7): they stayed on ")
    assert blocked.message.count("customer") == 1
    why = next(e for e in blocked.evidence if e.label == "Why the step failed")
    assert why.value.startswith("the customer stayed on ")  # the reason itself, as the terminal and JUnit say it
