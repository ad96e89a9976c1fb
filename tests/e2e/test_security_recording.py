"""Bounded recordings and secrets on screen, in real Chromium (issue 14, classes 5 and 1).

A page that logs 150,000 console lines and ships megabytes of JSON-LD and
dataLayer leaves a trace of a few MB with the drops counted; a screenshot covers
every element that shows a secret, not only the fields the journey filled; a base
URL with ``user:password@`` logs in and never prints or writes the password.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from journeyaudit import model
from journeyaudit.gather.browser import find_browser
from journeyaudit.gather.runner import Runner, RunnerOptions
from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CARD = "4242 4242 4242 4242"
USER, PASSWORD = "anna", "pa55-w0rd!"

FLOOD = (
    "<!doctype html><html><head><title>Flood</title>"
    '<script type="application/ld+json">{"@type": "Product", "name": "Mug", "description": "%s"}</script>'
    '<script>window.dataLayer = Array.from({length: 5000}, (_, i) => ({event: "view", n: i, pad: "y".repeat(400)}));'
    "for (let i = 0; i < 150000; i++) console.log('line ' + i + ' ' + 'x'.repeat(60));</script>"
    "</head><body><h1>Flood</h1></body></html>"
) % ("d" * 600_000)

SHOWS = (
    "<!doctype html><html><head><title>Review</title><style>body{background:#fff;font:40px sans-serif}</style></head>"
    "<body><p id=split>Card <span>4242 4242</span> <b>4242 4242</b></p>"
    "<input id=echo readonly value='4242424242424242' style='font:40px sans-serif;width:600px'>"
    "<input id=card style='font:40px sans-serif;width:600px'><p id=other>Total 12.00</p></body></html>"
)


class Shop(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.startswith("/auth"):
            expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._send(401, "<p>who are you?</p>", {"WWW-Authenticate": 'Basic realm="staging"'})
                return
            self._send(200, f"<title>Staging</title><p id=hello>Welcome {USER}</p>")
            return
        self._send(200, {"/flood": FLOOD, "/shows": SHOWS}.get(self.path, "<p>home</p>"))

    def _send(self, status: int, body: str, headers: dict | None = None) -> None:
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def shop():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Shop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def journey(*actions: model.Action, screenshot: bool = False) -> model.Journey:
    return model.Journey("j", "j", "j.yaml", steps=[model.Step("Page", "review", list(actions), screenshot=screenshot)])


def test_a_page_that_floods_leaves_a_trace_of_a_few_mb(shop, tmp_path):
    started = time.monotonic()
    options = RunnerOptions(base_url=shop, browser=find_browser(), accessibility=False, navigation_timeout_ms=110_000)
    with Runner(options) as runner:
        run = runner.run(journey(model.Action("goto", {"url": "/flood"})), tmp_path)
    step = run.steps[0]
    assert run.status == "passed", (run.error, step.error)
    store.save_run(run, tmp_path)
    size = sum(path.stat().st_size for path in tmp_path.iterdir())
    assert size < 3_000_000, size
    # kept up to the cap, counted up to 20 times it, then no longer listened to (a lower bound)
    assert len(step.console) == 500 and step.dropped["console"] == 20 * 500 and step.uncounted == ["console"]
    assert len(json_chars := str(step.structured_data)) < 210_000 and step.dropped["structured_data"] == 1, len(json_chars)
    assert 0 < len(step.data_layer) < 500 and step.dropped["data_layer"] == 5000 - len(step.data_layer)
    again = store.load_run(tmp_path).steps[0]
    assert again.dropped == step.dropped and again.uncounted == ["console"]
    assert time.monotonic() - started < 120
