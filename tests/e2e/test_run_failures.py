"""What `journeyaudit run` does when things go wrong: exit codes, timeouts, crashes.

Bad input is a located error (exit 2); an unreachable shop is exit 3; a shop
that hangs or a browser that crashes is data in the report, the other journeys
still run, and every finished journey is on disk.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from journeyaudit.demo import DemoShop
from journeyaudit.history import store
from tests.e2e.profiles import without_axe

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def shop():
    with DemoShop() as running:
        yield running


def journey(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(textwrap.dedent(body))
    return path


def only_folder(out: Path) -> Path:
    folders = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(folders) == 1
    return folders[0]


def test_exit_code_follows_fail_on(shop, tmp_path):
    fault = str(without_axe(tmp_path, "journeys/demo/late-fee.yaml"))
    high = cli("run", fault, "--base-url", shop.url, "--out", str(tmp_path / "a"), "--fail-on", "high", "--select", "JA201")
    assert high.returncode == 1, high.stdout + high.stderr
    assert "JA201" in high.stdout
    off = cli("run", fault, "--base-url", shop.url, "--out", str(tmp_path / "b"), "--fail-on", "none")
    assert off.returncode == 0, off.stdout + off.stderr
    clean = cli("run", str(without_axe(tmp_path, "journeys/demo/happy-path.yaml")), "--base-url", shop.url,
                "--out", str(tmp_path / "c"), "--fail-on", "high")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    ignored = cli("run", fault, "--base-url", shop.url, "--out", str(tmp_path / "d"), "--ignore", "JA2")
    assert ignored.returncode == 0, ignored.stdout + ignored.stderr


def test_invalid_journey_is_a_located_error_and_nothing_runs(tmp_path):
    bad = journey(tmp_path, "bad", """\
        name: Broken
        steps:
          - name: Product
            role: product
            actions:
              - clik: text=Buy
        """)
    done = cli("run", str(bad), "--base-url", "http://127.0.0.1:9", "--out", str(tmp_path / "out"))
    assert done.returncode == 2
    assert f"{bad}:6:9: unknown action 'clik' (did you mean 'click'?)" in done.stderr
    assert not (tmp_path / "out").exists()


def test_unreachable_shop_exits_3(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    done = cli("run", "journeys/demo/happy-path.yaml", "--base-url", f"http://127.0.0.1:{port}", "--out", str(tmp_path))
    assert done.returncode == 3, done.stdout + done.stderr
    assert "cannot reach the shop" in done.stderr


def test_missing_browser_exits_3_with_advice(tmp_path):
    done = cli("run", "journeys/demo/happy-path.yaml", "--base-url", "http://127.0.0.1:9",
               "--browser-path", "/nonexistent/chrome", "--out", str(tmp_path))
    assert done.returncode == 3 and "does not exist" in done.stderr


def test_hanging_page_and_crashed_browser_do_not_stop_the_audit(shop, tmp_path):
    """A page that never answers fails its step (JA101); a renderer crash is an error entry;
    the journey after both still runs, and each finished trace is on disk."""
    hang = socket.socket()
    hang.bind(("127.0.0.1", 0))
    hang.listen(8)  # accepts connections, never answers
    hang_url = f"http://127.0.0.1:{hang.getsockname()[1]}/"
    folder = tmp_path / "journeys"
    folder.mkdir()
    journey(folder, "1-hangs", f"""\
        name: The shop never answers
        steps:
          - name: Product page
            role: product
            actions:
              - goto: {hang_url}
        """)
    journey(folder, "2-crashes", """\
        name: The browser crashes
        steps:
          - name: Product page
            role: product
            actions:
              - goto: chrome://crash
        """)
    journey(folder, "3-works", """\
        name: Still works afterwards
        steps:
          - name: Product page
            role: product
            actions:
              - goto: /product/aeropress-go
              - expect: {text: In stock}
        """)
    profile = journey(tmp_path, "profile", f"""\
        name: resilience
        base_url: {shop.url}
        journeys: ["journeys/*.yaml"]
        fail_on: critical
        timeouts: {{action_ms: 3000, navigation_ms: 3000}}
        """)
    try:
        done = cli("run", str(profile), "--out", str(tmp_path / "out"))
    finally:
        hang.close()
    folder = only_folder(tmp_path / "out")
    result = store.load_result(folder / "result.json")
    status = {run.journey_id: run.status for run in result.runs}
    assert status == {"1-hangs": "failed", "2-crashes": "error", "3-works": "passed"}, done.stdout + done.stderr
    assert done.returncode == 1  # JA101 is critical; and a journey could not be recorded
    blocked = [f for f in result.findings if f.journey == "1-hangs"]
    assert [f.code for f in blocked] == ["JA101"] and "did not load after 3 s" in blocked[0].message
    assert any("2-crashes" in error for error in result.errors)
    for run in result.runs:
        assert (folder / run.trace / "trace.json").is_file()
    assert "ERROR" in done.stdout


def test_interrupt_exits_130_and_keeps_finished_journeys(shop, tmp_path):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*CLI, "run", "journeys/demo/happy-path.yaml", "journeys/demo/slow-step.yaml", "journeys/demo/late-fee.yaml",
         "--base-url", shop.url, "--out", str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )
    lines: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not any(line.startswith("[1/3] happy-path") and "steps " in line and "running" not in line for line in lines):
        time.sleep(0.2)
    assert any("[1/3] happy-path" in line for line in lines), "".join(lines)
    os.killpg(process.pid, signal.SIGINT)  # as Ctrl-C does: the whole process group, browser included
    process.wait(timeout=60)
    assert process.returncode == 130, "".join(lines) + process.stderr.read()
    folder = only_folder(out)
    result = store.load_result(folder / "result.json")
    assert [run.journey_id for run in result.runs][:1] == ["happy-path"]
    assert (folder / "traces" / "happy-path" / "trace.json").is_file()
    assert (folder / "report.html").is_file()


def test_a_json_answer_that_never_finishes_does_not_hang_the_recorder(tmp_path):
    """The ledger keeps same-origin JSON answers; one whose body never completes is skipped,
    not waited for (Playwright's response.body() would wait until the server gives up)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    release = threading.Event()

    class Stalling(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            if self.path.startswith("/api/"):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "4096")
                self.end_headers()
                self.wfile.write(b'{"total": "1')
                self.wfile.flush()
                release.wait(120)  # the rest of the body never comes (until the test ends)
                return
            page = b"<!doctype html><title>Cart</title><h1>Your cart</h1><script>fetch('/api/cart')</script>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Stalling)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    path = journey(tmp_path, "stall", """\
        name: A cart whose API stalls
        steps:
          - name: Cart
            role: cart
            actions:
              - goto: /cart
              - expect: {text: Your cart}
        """)
    started = time.monotonic()
    try:
        done = cli("run", str(path), "--base-url", f"http://127.0.0.1:{server.server_address[1]}",
                   "--out", str(tmp_path / "out"), "--no-history", "--fail-on", "none", timeout=100)
    finally:
        release.set()
        server.shutdown()
    assert done.returncode == 0, done.stdout + done.stderr
    assert time.monotonic() - started < 90
    run = store.load_run(only_folder(tmp_path / "out") / "traces" / "stall")
    assert run.steps[0].status == "passed"
    [api] = [entry for entry in run.steps[0].network if entry.url.endswith("/api/cart")]
    assert api.body is None
