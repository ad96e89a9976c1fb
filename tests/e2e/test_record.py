"""journeyaudit record under Xvfb: a headed Chromium against the demo shop, driven by a script
replayed in the same window (real input events), closed; the journey it writes passes
`journeyaudit check` and `journeyaudit run`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journeyaudit.demo import DemoShop

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def display():
    """A fresh Xvfb display (:N free), stopped after the test."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (make test installs it as root with apt-get: scripts/ensure_xvfb.sh)")
    number = next(n for n in range(90, 200) if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists())
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not Path(f"/tmp/.X11-unix/X{number}").exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.skip(f"Xvfb :{number} did not start")
        time.sleep(0.1)
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "journeyaudit.cli.main", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300, env=env)


def test_record_a_small_journey_and_run_it(tmp_path, display):
    script = tmp_path / "script.json"
    script.write_text(json.dumps([
        {"click": "role=button[name='Add to cart']"},
        {"wait_for_url": "**/cart"},
        {"close": True},
    ]))
    out = tmp_path / "new.yaml"
    env = {**os.environ, "DISPLAY": display}
    with DemoShop() as shop:
        done = _cli("record", f"{shop.url}/product/aeropress-go", "--out", str(out), "--script", str(script), env=env)
        assert done.returncode == 0, done.stdout + done.stderr
        text = out.read_text()
        assert "2 step(s) written (closed)" in done.stdout and "ok (journeyaudit check)" in done.stdout
        assert '- goto: "/product/aeropress-go"' in text and 'name: "Recorded: AeroPress Go"' in text
        assert "role: product  # check: guessed" in text and "role: cart  # check: guessed" in text
        assert '- click: "role=button[name=\\"Add to cart\\"s]"' in text
        assert '- expect: {url: "**/cart"}' in text
        assert _cli("check", str(out), env=env).returncode == 0
        ran = _cli("run", str(out), "--base-url", shop.url, "--out", str(tmp_path / "reports"), "--no-history",
                   "--fail-on", "none", env=env)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "1 passed" in ran.stdout, ran.stdout


def test_ctrl_c_writes_what_was_recorded(tmp_path, display):
    """Ctrl-C in the terminal (SIGINT to the whole foreground group: us, Playwright's driver and
    Chromium) ends the recording like closing the window: the steps so far are written and checked."""
    script = tmp_path / "script.json"
    script.write_text(json.dumps([{"click": "role=button[name='Add to cart']"}, {"wait_for_url": "**/cart"}]))
    out = tmp_path / "new.yaml"
    env = {**os.environ, "DISPLAY": display, "PYTHONUNBUFFERED": "1"}
    with DemoShop() as shop:
        recording = subprocess.Popen(
            [sys.executable, "-m", "journeyaudit.cli.main", "record", f"{shop.url}/product/aeropress-go", "--out", str(out),
             "--script", str(script)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        seen = []
        try:
            for line in recording.stdout:  # live progress: one line per page; the cart page is the second
                seen.append(line)
                if line.lstrip().startswith("page 2:"):
                    break
            assert any("/cart" in line for line in seen), "".join(seen)
            os.killpg(recording.pid, signal.SIGINT)
            rest, _ = recording.communicate(timeout=120)
        finally:
            if recording.poll() is None:
                os.killpg(recording.pid, signal.SIGKILL)
    printed = "".join(seen) + rest
    assert recording.returncode == 0, printed
    assert "2 step(s) written (interrupted)" in printed and "ok (journeyaudit check)" in printed, printed
    text = out.read_text()
    assert '- goto: "/product/aeropress-go"' in text and '- expect: {url: "**/cart"}' in text
