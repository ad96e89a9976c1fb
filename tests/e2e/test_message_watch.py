"""The message watcher in a real Chromium: a toast that is gone before the step ends is still recorded.

A small page served on 127.0.0.1 shows a toast for 1 s after a click and removes
it; the step then waits 2 s more, so the end-of-step snapshot no longer shows it.
"""

from __future__ import annotations

import pytest

from journeyaudit import model
from journeyaudit.facts import message_kinds
from journeyaudit.gather.browser import find_browser
from journeyaudit.gather.runner import Runner, RunnerOptions
from tests.static_pages import serve

pytestmark = pytest.mark.e2e

PAGE = b"""<!doctype html><html lang="en"><head><title>Checkout</title></head><body>
<h1>Review your order</h1>
<button id="place" type="button">Place order</button>
<div id="toasts"></div>
<p id="done" hidden>Waited</p>
<script>
document.getElementById('place').addEventListener('click', () => {
  const toast = document.createElement('div');
  toast.className = 'toast toast--error';
  toast.textContent = 'Connection to payment service timed out';
  document.getElementById('toasts').appendChild(toast);
  setTimeout(() => toast.remove(), 1000);
  setTimeout(() => { document.getElementById('done').hidden = false; }, 2500);
});
</script>
</body></html>"""


@pytest.fixture(scope="module")
def site():
    with serve({"/checkout": PAGE}) as url:
        yield url


def test_a_toast_that_disappears_before_the_step_ends_is_recorded(site, tmp_path):
    steps = [
        model.Step("Review", "review", [model.Action("goto", {"url": "/checkout"})], screenshot=False),
        model.Step("Place order", "confirmation", [
            model.Action("click", {"selector": "#place"}),
            model.Action("expect", {"text": "Waited"}),
        ], screenshot=False),
    ]
    journey = model.Journey("toast", "toast", "toast.yaml", steps=steps)
    options = RunnerOptions(base_url=site, browser=find_browser(), action_timeout_ms=8000)
    with Runner(options) as runner:
        run = runner.run(journey, tmp_path)
    assert run.status == "passed", (run.error, [s.error for s in run.steps])
    review, placed = run.steps
    assert "timed out" not in placed.visible_text  # the snapshot alone would have missed it
    assert not review.messages
    [toast] = [m for m in placed.messages if "timed out" in m.text]
    assert toast.text == "Connection to payment service timed out"
    assert toast.where.startswith("class=toast")
    assert 0 <= toast.at_ms < placed.duration_ms
    assert toast.gone_ms is not None and 800 <= toast.gone_ms - toast.at_ms < 2400
    # the rules read it through facts: an internal refusal that did not stay
    said = message_kinds.refusal(placed)
    assert said is not None and said.quality == "internal" and not said.stayed and said.source == "shown"
