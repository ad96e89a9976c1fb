"""What the recorder sees for JA402, JA504 and JA605, in a real Chromium against the demo shop.

The click watcher tells a live click that only changes the page (no request) from
a dead one; axe-core runs offline in the page; a profile's host map resolves a
host name inside the browser only (loopback here: nothing leaves the machine).
"""

from __future__ import annotations

import pytest

from journeyaudit import model
from journeyaudit.demo import DemoShop
from journeyaudit.demo.shop import PAY_HOST
from journeyaudit.gather.browser import find_browser
from journeyaudit.gather.runner import Runner, RunnerOptions

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shop():
    with DemoShop() as running:
        yield running


@pytest.fixture(scope="module")
def runner(shop):
    options = RunnerOptions(base_url=shop.url, browser=find_browser(), action_timeout_ms=5000,
                            host_map={PAY_HOST: "127.0.0.1"})
    with Runner(options) as running:
        yield running


def record(runner, tmp_path, *actions: tuple[str, dict]) -> model.Run:
    step = model.Step("Product page", "product", [model.Action(name, params) for name, params in actions],
                      screenshot=False)
    journey = model.Journey("probe", "probe", "probe.yaml", steps=[step])
    run = runner.run(journey, tmp_path)
    assert run.status == "passed", (run.error, [s.error for s in run.steps])
    return run


def test_a_click_that_only_changes_the_page_is_live(runner, tmp_path):
    run = record(runner, tmp_path, ("goto", {"url": "/product/aeropress-go?fault=none"}),
                 ("click", {"selector": "#wishlist"}))
    effect = run.steps[0].actions[1].effect
    assert effect["observed"] and effect["dom_changed"] and effect["requests"] == 0 and not effect["navigated"]
    assert effect["waited_ms"] < 1000


def test_a_button_with_no_handler_is_dead(runner, tmp_path):
    run = record(runner, tmp_path, ("goto", {"url": "/product/aeropress-go?fault=none"}),
                 ("click", {"selector": "#reviews"}),  # a rating line: nothing to do
                 ("click", {"selector": ".price-big"}))
    for action in run.steps[0].actions[1:]:
        effect = action.effect
        assert effect["observed"] and not (effect["dom_changed"] or effect["requests"] or effect["navigated"])
        assert effect["waited_ms"] >= 1500


def test_axe_runs_offline_in_the_page(runner, tmp_path):
    clean = record(runner, tmp_path, ("goto", {"url": "/product/aeropress-go?fault=none"}))
    assert clean.steps[0].accessibility == []
    faulty = record(runner, tmp_path, ("goto", {"url": "/product/aeropress-go?fault=a11y-violations"}))
    found = {v["id"]: v for v in faulty.steps[0].accessibility}
    assert {"image-alt", "button-name", "color-contrast"} <= set(found)
    assert found["image-alt"]["impact"] == "critical" and "barista-pick.svg" in found["image-alt"]["nodes"][0]["html"]


def test_host_map_resolves_inside_the_browser(runner, shop, tmp_path):
    run = record(runner, tmp_path, ("goto", {"url": f"http://{PAY_HOST}:{shop.port}/healthz"}),
                 ("expect", {"text": "Kettle"}))
    assert run.steps[0].url.startswith(f"http://{PAY_HOST}:") and run.steps[0].http_status == 200


# A page of our own on 127.0.0.1 whose button only reports to a collector on another host name
# ("localhost": another site for the browser), like a shop's error tracker after a broken handler.
_BEACON_PAGE = b"""<!doctype html><html lang="en"><head><title>Beacon</title></head><body>
<button id="report" type="button">Add to cart</button>
<button id="own" type="button">Update basket</button>
<script>
document.getElementById('report').addEventListener('click', () => {
  fetch('http://localhost:PORT/collect', {method: 'POST', mode: 'no-cors', body: 'TypeError'}).catch(() => {});
});
document.getElementById('own').addEventListener('click', () => { fetch('/basket.json').catch(() => {}); });
</script></body></html>"""


@pytest.fixture(scope="module")
def beacon_site():
    import http.server
    import threading

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self):
            port = str(self.server.server_address[1]).encode()
            body = _BEACON_PAGE.replace(b"PORT", port) if self.path.startswith("/page") else b"{}"
            self.send_response(200)
            self.send_header("Content-Type", "text/html" if self.path.startswith("/page") else "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = _answer

        def log_message(self, *args):  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_click_that_only_reports_to_another_site_did_nothing_for_the_customer(runner, beacon_site, tmp_path):
    run = record(runner, tmp_path, ("goto", {"url": f"{beacon_site}/page"}), ("click", {"selector": "#report"}),
                 ("click", {"selector": "#own"}))
    beacon, own = run.steps[0].actions[1].effect, run.steps[0].actions[2].effect
    assert beacon["requests"] == 0 and beacon["third_party_requests"] == ["localhost"]
    assert not (beacon["dom_changed"] or beacon["navigated"]) and beacon["waited_ms"] >= 1500
    assert own["requests"] >= 1 and own["waited_ms"] < 1000
