"""Mail capture end to end: real Chromium, real HTTP, real SMTP on loopback, the real command line.

The demo audit (test_demo_audit.py) covers the built-in SMTP sink with the demo shop
started by journeyaudit. Here: a shop started on its own and pointed at a sink on a
fixed port (as a staging shop would be), and the Mailpit adapter in a real run.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from journeyaudit.demo import DemoShop
from journeyaudit.history import store
from tests.unit.mailpit_api import MailpitCompatible

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def profile(tmp_path: Path, mail: str, *, base_url: str = "", journeys=("mail-order", "unsubscribe-ignored")) -> Path:
    files = ", ".join(f'"{ROOT}/journeys/demo/{j}.yaml"' for j in journeys)
    where = f"base_url: {base_url}" if base_url else "demo_shop: true"
    path = tmp_path / "mail.yaml"
    path.write_text(
        f"name: mail\n{where}\njourneys: [{files}]\njourneys_root: /\nfail_on: none\ntimeouts: {{action_ms: 5000}}\n{mail}\n"
        "accessibility: false\n",  # axe-core is the demo audit's (a third of each journey's time here)
        encoding="utf-8",
    )
    return path


def result_of(out: Path):
    folder = next(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    return folder, store.load_result(folder / "result.json")


def codes(result, journey: str) -> set[str]:
    return {f.code for f in result.findings if f.journey == journey}


def test_a_shop_pointed_at_the_sink_on_a_fixed_port(tmp_path):
    port = free_port()
    with DemoShop(port=0, smtp=("127.0.0.1", port)) as shop:
        mail = f"mail: {{capture: smtp, port: {port}, settle_ms: 500, trigger: {{url: /demo/newsletter/send}}}}"
        done = cli("run", str(profile(tmp_path, mail, base_url=shop.url)), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    folder, result = result_of(tmp_path / "out")
    assert codes(result, "mail-order") == set()
    assert "JA703" in codes(result, "unsubscribe-ignored")
    run = store.load_run(folder / "traces" / "mail-order")
    assert run.inbox.startswith("customer+") and run.inbox.endswith("-mail-order@journeyaudit.test")
    (confirmation,) = run.emails
    # Placed by step 7's order; the shop's postman thread delivers it a moment later, sometimes
    # once step 8 (which waits for it) has begun: the step it arrived in, either way.
    assert confirmation.step in (7, 8) and confirmation.subject.endswith("is confirmed")
    assert confirmation.id.startswith("smtp-")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "is confirmed" in html and run.inbox not in html


def test_mail_captured_but_no_inbox_typed_says_so(tmp_path):
    """With mail capture on, a journey that types no {inbox} address leaves the mail rules not checked,
    and the reason names the journey, not the audit's settings."""
    port = free_port()
    with DemoShop(port=0, smtp=("127.0.0.1", port)) as shop:
        mail = f"mail: {{capture: smtp, port: {port}, settle_ms: 200}}"
        journeys = ("console-error",)
        done = cli("run", str(profile(tmp_path, mail, base_url=shop.url, journeys=journeys)), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    folder, result = result_of(tmp_path / "out")
    run = store.load_run(folder / "traces" / "console-error")
    assert (run.inbox, run.mail_captured) == ("", True)
    unchecked = {o.code: o.detail for o in result.outcomes if o.status == "not_checked"}
    for code in ("JA104", "JA701", "JA702", "JA703", "JA704", "JA705"):
        assert unchecked[code] == "the journey never gives the shop its {inbox} address"


def test_the_mailpit_adapter_in_a_real_run(tmp_path):
    """The Mailpit adapter reads a Mailpit-compatible API (see tests/unit/mailpit_api.py for what is not covered)."""
    with MailpitCompatible() as mailpit:
        mail = f"mail: {{mailpit: '{mailpit.url}', smtp: '{mailpit.smtp}', settle_ms: 500, trigger: {{url: /demo/newsletter/send}}}}"
        done = cli("run", str(profile(tmp_path, mail)), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    folder, result = result_of(tmp_path / "out")
    assert codes(result, "mail-order") == set()
    assert "JA703" in codes(result, "unsubscribe-ignored")
    run = store.load_run(folder / "traces" / "unsubscribe-ignored")
    assert [m.step for m in run.emails] == [2, 4] and all(m.id.startswith("mp") for m in run.emails)
