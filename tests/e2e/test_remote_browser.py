"""`run --browser-ws` and `--browser-cdp`: the journeys run in a browser started elsewhere, not one launched by the run.

The remote browsers are real and local: a Playwright browser server (the Node driver's
`launch-server`, naming Debian's Chromium, as a grid or browserless would run it) and a
Chromium started with `--remote-debugging-port`. Each run is given a browser path that
does not exist, so an audit that launched its own Chromium would stop with exit code 3.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import playwright
import pytest

from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
DRIVER = Path(playwright.__file__).parent / "driver"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
JOURNEYS = ("happy-path", "late-fee")
TOKEN = "s3cret-t0ken-xyz"


def _read_until(stream, pattern: str, seconds: float = 60.0) -> str:
    """The first match of ``pattern`` in a process's output (read line by line or in chunks)."""
    seen, deadline = "", time.monotonic() + seconds
    while time.monotonic() < deadline:
        chunk = stream.readline() if hasattr(stream, "readline") else ""
        if not chunk:
            time.sleep(0.1)
            continue
        seen += chunk
        found = re.search(pattern, seen)
        if found:
            return found.group(0)
    raise AssertionError(f"no {pattern!r} in: {seen[-2000:]}")


@pytest.fixture(scope="module")
def browser_server(tmp_path_factory):
    """A Playwright browser server on 127.0.0.1 (what `playwright launch-server` starts), its ws:// endpoint."""
    config = tmp_path_factory.mktemp("server") / "launch.json"
    config.write_text(json.dumps({"executablePath": CHROMIUM, "args": ["--no-sandbox"], "host": "127.0.0.1", "port": 0}))
    process = subprocess.Popen(
        [str(DRIVER / "node"), str(DRIVER / "package" / "cli.js"), "launch-server", "--browser", "chromium",
         "--config", str(config)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        yield _read_until(process.stdout, r"ws://127\.0\.0\.1:\d+/\w+")
    finally:
        process.terminate()
        process.wait(20)


@pytest.fixture(scope="module")
def cdp_browser(tmp_path_factory):
    """A headless Chromium with a DevTools port on 127.0.0.1, its ws:// endpoint read from its stderr."""
    profile = tmp_path_factory.mktemp("cdp-profile")
    process = subprocess.Popen(
        [CHROMIUM, "--headless=new", "--no-sandbox", "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--no-first-run", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    try:
        yield _read_until(process.stderr, r"ws://127\.0\.0\.1:\d+/devtools/browser/[\w-]+")
    finally:
        process.terminate()
        process.wait(20)


def audit(tmp: Path, *options: str, workers: int = 1) -> tuple[subprocess.CompletedProcess, Path | None]:
    files = ", ".join(f'"{ROOT}/journeys/demo/{j}.yaml"' for j in JOURNEYS)
    profile = tmp / "remote.yaml"
    profile.write_text(
        f"name: remote\ndemo_shop: true\njourneys_root: /\njourneys: [{files}]\nfail_on: high\n"
        "timeouts: {action_ms: 5000}\nrules: {ignore: [JA4]}\n"
        "accessibility: false\n",  # axe-core is the demo audit's (tests/e2e/conftest.py)
        encoding="utf-8",
    )
    done = subprocess.run(
        [*CLI, "run", str(profile), "--out", str(tmp / "out"), "--no-history", "--workers", str(workers), *options],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "JOURNEYAUDIT_BROWSER_PATH": "/nonexistent/chromium"},
    )
    folders = [p for p in (tmp / "out").iterdir() if p.is_dir() and not p.is_symlink()] if (tmp / "out").is_dir() else []
    return done, (folders[0] if folders else None)


def check_recorded(done: subprocess.CompletedProcess, folder: Path | None) -> None:
    assert done.returncode == 1, done.stdout + done.stderr  # late-fee's hidden fee is a high finding
    result = store.load_result(folder / "result.json")
    assert [(s.journey_id, s.status) for s in result.runs] == [("happy-path", "passed"), ("late-fee", "passed")]
    assert result.browser.startswith("Chromium "), result.browser
    assert {f.code for f in result.findings if f.journey == "late-fee"} >= {"JA201"}
    assert not [f for f in result.findings if f.journey == "happy-path"]
    assert not result.errors


def test_a_playwright_browser_server_runs_the_journeys(browser_server, tmp_path):
    done, folder = audit(tmp_path, "--browser-ws", browser_server)
    check_recorded(done, folder)


def test_two_workers_share_one_browser_server(browser_server, tmp_path):
    done, folder = audit(tmp_path, "--browser-ws", browser_server, workers=2)
    check_recorded(done, folder)


def test_a_cdp_endpoint_runs_the_journeys_also_from_the_environment(cdp_browser, tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEYAUDIT_BROWSER_CDP", cdp_browser)
    done, folder = audit(tmp_path)
    check_recorded(done, folder)


def test_an_endpoint_that_does_not_answer_is_exit_3_and_its_token_is_never_shown(tmp_path):
    done, folder = audit(tmp_path, "--browser-ws", f"ws://127.0.0.1:9/playwright?token={TOKEN}")
    assert done.returncode == 3, done.stdout + done.stderr
    assert "could not connect to the Playwright browser server at ws://127.0.0.1:9/playwright?token=••••" in done.stderr
    assert TOKEN not in done.stdout + done.stderr
    for path in (tmp_path / "out").rglob("*") if (tmp_path / "out").exists() else []:
        if path.is_file():
            assert TOKEN not in path.read_text(errors="replace"), path
