"""The end-of-step picture left on its way (gather/deferred_calls.py), in a real Chromium.

A page with nothing to cover has its picture asked for and collected before the next action
that may change the page: the picture is of the step's page, never of what the click led to.
A page with a secret on it is pictured with its covers, the old way, never deferred. When
collecting fails, the picture is taken then, the Playwright way. Pages are served on 127.0.0.1.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from journeyaudit import model
from journeyaudit.gather import deferred_calls
from tests.static_pages import run_steps, serve

pytestmark = pytest.mark.e2e
REAL_COLLECT = deferred_calls.collect

PAGES = {
    "/green": b"""<!doctype html><html lang="en"><head><title>Green</title>
<style>html, body { margin: 0; height: 100%; background: rgb(0, 160, 0); }</style></head><body>
<h1>Green</h1><a id="next" href="/red">Next</a></body></html>""",
    "/red": b"""<!doctype html><html lang="en"><head><title>Red</title>
<style>html, body { margin: 0; height: 100%; background: rgb(200, 0, 0); }</style></head><body>
<h1>Red</h1></body></html>""",
    "/secret": b"""<!doctype html><html lang="en"><head><title>Pay</title></head><body>
<h1>Pay</h1><label>Card <input id="card" autocomplete="cc-number"></label></body></html>""",
}


@pytest.fixture(scope="module")
def site():
    with serve(PAGES) as url:
        yield url


@pytest.fixture
def calls(monkeypatch):
    """Every deferred picture: ("start", url) when asked for, ("collect", url) when collected."""
    seen: list[tuple[str, str]] = []
    start, collect = deferred_calls.start_cdp, deferred_calls.collect

    def spy_start(cdp, method, params):
        task = start(cdp, method, params)
        if task is not None:
            seen.append(("start", _page_url(cdp)))
        return task

    def spy_collect(owner, task):
        seen.append(("collect", _page_url(owner)))
        return collect(owner, task)

    monkeypatch.setattr(deferred_calls, "start_cdp", spy_start)
    monkeypatch.setattr(deferred_calls, "collect", spy_collect)
    return seen


def _page_url(cdp) -> str:
    answer = cdp.send("Runtime.evaluate", {"expression": "location.pathname", "returnByValue": True})
    return answer["result"]["value"]


def _run(site: str, tmp_path, steps: list[model.Step]) -> model.Run:
    return run_steps(site, tmp_path, steps, "deferred")


def _mean_colour(path) -> tuple[int, int, int]:
    with Image.open(io.BytesIO(path.read_bytes())) as image:
        small = image.convert("RGB").resize((1, 1))
        return small.getpixel((0, 0))


def test_the_picture_is_of_the_step_and_collected_before_the_click(site, tmp_path, calls):
    run = _run(site, tmp_path, [
        model.Step("Green", "product", [model.Action("goto", {"url": "/green"})]),
        model.Step("Red", "cart", [model.Action("click", {"selector": "#next"}), model.Action("expect", {"text": "Red"})]),
    ])
    assert calls[:2] == [("start", "/green"), ("collect", "/green")]  # collected before the click left the page
    assert ("start", "/red") in calls and calls[-1] == ("collect", "/red")  # the last step's, at the journey's end
    green, red = (tmp_path / step.screenshot for step in run.steps)
    r, g, b = _mean_colour(green)
    assert g > 120 and r < 60, (r, g, b)
    r, g, b = _mean_colour(red)
    assert r > 150 and g < 60, (r, g, b)


def test_a_page_with_a_secret_is_pictured_with_its_covers_at_once(site, tmp_path, calls):
    run = _run(site, tmp_path, [
        model.Step("Pay", "payment", [
            model.Action("goto", {"url": "/secret"}),
            model.Action("fill", {"selector": "#card", "value": "4242 4242 4242 4242"}, secret=True),
        ]),
    ])
    assert ("start", "/secret") not in calls
    assert run.steps[0].screenshot and (tmp_path / run.steps[0].screenshot).is_file()


def test_a_picture_that_could_not_be_collected_is_taken_then(site, tmp_path, calls, monkeypatch):
    def lost(cdp, task):
        REAL_COLLECT(cdp, task)  # the answer came, and is dropped as if it had not
        calls.append(("lost", ""))

    monkeypatch.setattr(deferred_calls, "collect", lost)
    run = _run(site, tmp_path, [
        model.Step("Green", "product", [model.Action("goto", {"url": "/green"})]),
        model.Step("Red", "cart", [model.Action("click", {"selector": "#next"}), model.Action("expect", {"text": "Red"})]),
    ])
    assert ("lost", "") in calls
    green = tmp_path / run.steps[0].screenshot
    r, g, b = _mean_colour(green)
    assert g > 120 and r < 60, (r, g, b)  # taken before the click all the same

