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


def magenta(image: Image.Image, box: dict) -> float:
    """Share of the box's pixels that are Playwright's mask colour (#FF00FF)."""
    crop = image.crop((int(box["x"]) + 2, int(box["y"]) + 2, int(box["x"] + box["width"]) - 2, int(box["y"] + box["height"]) - 2))
    data = crop.convert("RGB").tobytes()
    pixels = [data[i:i + 3] for i in range(0, len(data), 3)]
    return sum(1 for r, g, b in pixels if r > 200 and g < 90 and b > 200) / max(1, len(pixels))


def test_a_screenshot_covers_every_element_that_shows_a_secret(shop, tmp_path):
    fill = model.Action("fill", {"selector": "#card", "value": CARD}, secret=True)
    options = RunnerOptions(base_url=shop, browser=find_browser(), accessibility=False)
    with Runner(options) as runner:
        run = runner.run(journey(model.Action("goto", {"url": "/shows"}), fill, screenshot=True), tmp_path)
        page = runner._browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(shop + "/shows")
        boxes = {name: page.locator(f"#{name}").bounding_box() for name in ("split", "echo", "card", "other")}
        page.close()
    assert run.status == "passed", (run.error, run.steps[0].error)
    shot = Image.open(tmp_path / run.steps[0].screenshot)
    # the text split over two elements and a field the journey never filled, as well as the filled one
    for name in ("split", "echo", "card"):
        assert magenta(shot, boxes[name]) > 0.8, name
    assert magenta(shot, boxes["other"]) < 0.05
    assert "data-journeyaudit-secret" not in run.steps[0].html


def test_a_base_url_with_a_password_logs_in_and_never_shows_it(shop, tmp_path):
    path = tmp_path / "staging.yaml"
    path.write_text("name: Staging\nsteps:\n  - name: Home\n    role: product\n    actions:\n"
                    "      - goto: /auth\n      - expect: {text: Welcome anna}\n")
    url = shop.replace("http://", f"http://{USER}:{PASSWORD}@")
    done = subprocess.run([sys.executable, "-m", "journeyaudit.cli.main", "run", str(path), "--base-url", url,
                           "--out", str(tmp_path / "out"), "--no-history", "--fail-on", "none"],
                          cwd=ROOT, capture_output=True, text=True, timeout=110)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    written = b"".join(p.read_bytes() for p in (tmp_path / "out").rglob("*") if p.is_file() and not p.is_symlink())
    assert b"Welcome anna" in written  # the shop let the browser in
    for form in (PASSWORD, "pa55-w0rd%21", "pa55"):
        assert form not in output and form.encode() not in written, form
