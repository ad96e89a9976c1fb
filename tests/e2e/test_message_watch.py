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


#: a message in the HTML as served, one a script adds while the page is still being parsed; after load one
#: that comes and goes, one shown by unhiding it and one built element by element; and enough other markup
#: (2,000 elements) to be parsed in several chunks
PARSED = ("""<!doctype html><html lang="en"><head><title>Cart</title></head><body>
<div class="alert alert-danger" role="alert">Your card was declined</div>
<div id="notices"></div>
<script>
const coupon = document.createElement('div');
coupon.className = 'notice';
coupon.textContent = 'Coupon SUMMER has expired';
document.getElementById('notices').appendChild(coupon);
window.addEventListener('load', () => setTimeout(() => {
  const toast = document.createElement('div');
  toast.className = 'snackbar';
  toast.textContent = 'Prices updated';
  document.body.appendChild(toast);
  setTimeout(() => toast.remove(), 400);
  document.getElementById('address').hidden = false;
  // built element by element inside the page: one batch of changes, the message three levels down
  const box = document.createElement('section'); document.body.appendChild(box);
  const wrap = document.createElement('div'); box.appendChild(wrap);
  const saved = document.createElement('div'); saved.setAttribute('role', 'status'); wrap.appendChild(saved);
  saved.appendChild(document.createTextNode('Saved for later'));
}, 200));
</script>
<div class="error" id="address" hidden>Address incomplete</div>
<ul>""" + "".join(f"<li class='product'><a href='/p/{n}'>Product {n}</a></li>" for n in range(1000)) + """</ul>
<p id="done">Cart</p></body></html>""").encode()


@pytest.fixture(scope="module")
def site():
    with serve({"/checkout": PAGE, "/cart": PARSED}) as url:
        yield url


def test_messages_in_the_served_page_while_it_is_parsed_and_after_load_are_all_recorded(site, tmp_path):
    """The watcher starts when the parser is done (watching every element the parser inserts doubled a
    large page's load): what was on the page by then is found by looking through it once."""
    steps = [model.Step("Cart", "cart", [model.Action("goto", {"url": "/cart"}), model.Action("pause", {"ms": 1200})],
                        screenshot=False)]
    journey = model.Journey("parsed", "parsed", "parsed.yaml", steps=steps)
    options = RunnerOptions(base_url=site, browser=find_browser(), action_timeout_ms=8000)
    with Runner(options) as runner:
        run = runner.run(journey, tmp_path)
    assert run.status == "passed", (run.error, [s.error for s in run.steps])
    (cart,) = run.steps
    said = {m.text: m for m in cart.messages}
    assert set(said) == {"Your card was declined", "Coupon SUMMER has expired", "Prices updated", "Address incomplete",
                         "Saved for later"}, cart.messages
    assert said["Your card was declined"].where == "role=alert"
    assert said["Prices updated"].gone_ms is not None and "Prices updated" not in cart.visible_text


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
