"""journeyaudit record under Xvfb: a headed Chromium against the demo shop, driven by a script
replayed in the same window (real input events), closed; the journey it writes passes
`journeyaudit check` and `journeyaudit run`."""

from __future__ import annotations

import json
import os
import shutil
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
