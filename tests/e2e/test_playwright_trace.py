"""--trace: Playwright's trace.zip per journey, in real Chromium against the demo shop.

retain-on-failure keeps the trace of a journey that failed and none of one that passed;
a journey that typed secrets keeps a trace only with every secret scrubbed from every
member, in every encoding (the unzipped bytes are searched); the report links the trace.
"""

from __future__ import annotations

import html
import io
import json
import os
import subprocess
import sys
import urllib.parse
import zipfile
from pathlib import Path

import pytest

from journeyaudit.demo import DemoShop

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SECRET = "anna+s3cret!@example.com"
FAILING = """\
name: Looks for a product the shop does not sell
steps:
  - name: Product page
    role: product
    actions:
      - goto: /product/aeropress-go
      - expect: {text: "A kettle that is not there", timeout_ms: 1500}
"""


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "journeyaudit.cli.main", "run", *args, "--no-history"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600, env={**os.environ, **(env or {})})
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done


def _result(out: Path) -> tuple[Path, dict]:
    folder = next(path for path in out.iterdir() if path.is_dir() and not path.is_symlink())
    return folder, json.loads((folder / "result.json").read_text())


def test_retain_on_failure_keeps_the_failed_journeys_trace_only(tmp_path):
    failing = tmp_path / "failing.yaml"
    failing.write_text(FAILING)
    out = tmp_path / "out"
    with DemoShop() as shop:
        _run([str(ROOT / "journeys/demo/happy-path.yaml"), str(failing), "--base-url", shop.url, "--out", str(out),
              "--trace", "retain-on-failure"])
    folder, result = _result(out)
    runs = {run["journey_id"]: run for run in result["runs"]}
    assert runs["failing"]["status"] == "failed" and runs["happy-path"]["status"] == "passed"
    assert runs["failing"]["playwright_trace"] == "traces/failing/trace.zip"
    assert runs["happy-path"]["playwright_trace"] == ""
    assert not (folder / "traces/happy-path/trace.zip").exists()
    with zipfile.ZipFile(folder / "traces/failing/trace.zip") as archive:
        names = archive.namelist()
        assert "trace.trace" in names and "trace.network" in names
        events = [json.loads(line) for line in archive.read("trace.trace").decode().splitlines() if line]
    assert any(event.get("type") == "screencast-frame" for event in events)  # no secret: screenshots kept
    assert any(name.endswith(".jpeg") for name in names)
    report = (folder / "report.html").read_text()
    assert 'href="traces/failing/trace.zip"' in report
    assert "playwright show-trace traces/failing/trace.zip" in report


def test_a_secret_journeys_trace_holds_no_secret_in_any_member(tmp_path):
    text = (ROOT / "journeys/demo/happy-path.yaml").read_text()
    plain = 'fill: {selector: "#email", value: anna.schmidt@example.com}'
    landing = "goto: /product/aeropress-go"
    assert plain in text and landing in text
    text = text.replace(plain, f'fill: {{selector: "#email", value: "{SECRET}", secret: true}}')
    journey = tmp_path / "secret-trace.yaml"  # the address also in a link, percent-encoded
    journey.write_text(text.replace(landing, f"{landing}?ref={urllib.parse.quote(SECRET, safe='')}", 1))
    out = tmp_path / "out"
    with DemoShop() as shop:  # the mode from the environment, as in CI
        _run([str(journey), "--base-url", shop.url, "--out", str(out)], env={"JOURNEYAUDIT_TRACE": "on"})
    folder, result = _result(out)
    summary = result["runs"][0]
    assert summary["status"] == "passed"
    assert summary["playwright_trace"] == "traces/secret-trace/trace.zip", summary
    assert "screenshots were left out" in summary["playwright_trace_note"]
    with zipfile.ZipFile(io.BytesIO((folder / summary["playwright_trace"]).read_bytes())) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    assert "trace.trace" in members and any(name.startswith("resources/") for name in members)
    assert not any(name.endswith((".jpeg", ".png")) for name in members)
    card = "4242424242424242"
    forms = {SECRET, urllib.parse.quote(SECRET), urllib.parse.quote_plus(SECRET), urllib.parse.quote(SECRET, safe=""),
             html.escape(SECRET), SECRET.replace("@", "&#64;"), "anna+s3cret", "anna%2Bs3cret", "s3cret!",
             card, "4242 4242 4242 4242", "4242-4242-4242-4242", json.dumps(SECRET)[1:-1]}
    for name, data in members.items():
        for form in forms:
            assert form.encode() not in data, (form, name)
            assert form.encode("utf-16-le") not in data, (form, name)
    assert b"[redacted]" in members["trace.trace"]  # the fills were there, and were scrubbed
    report = (folder / "report.html").read_text()
    assert 'href="traces/secret-trace/trace.zip"' in report
