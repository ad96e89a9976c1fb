"""Faults told truthfully (issue 14, class 6): SIGTERM is Ctrl-C, an unwritable --out is exit 2 or 3,
a killed browser and a shop gone silent are told as such, never as findings against the shop."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from journeyaudit.demo import DemoShop
from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
JOURNEYS = ["journeys/demo/happy-path.yaml", "journeys/demo/slow-step.yaml", "journeys/demo/late-fee.yaml"]


@pytest.fixture(scope="module")
def shop():
    with DemoShop() as running:
        yield running


class Audit:
    """`journeyaudit run` in the background, its standard output read line by line."""

    def __init__(self, *args: str):
        self.process = subprocess.Popen([*CLI, "run", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, start_new_session=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_for(self, predicate, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not any(predicate(line) for line in self.lines):
            time.sleep(0.1)
        assert any(predicate(line) for line in self.lines), "".join(self.lines)

    def finish(self) -> tuple[int, str]:
        self.process.wait(timeout=90)
        return self.process.returncode, "".join(self.lines) + self.process.stderr.read()


def only_folder(out: Path) -> Path:
    folders = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(folders) == 1
    return folders[0]


def test_sigterm_is_handled_like_ctrl_c(shop, tmp_path):
    out = tmp_path / "out"
    audit = Audit(*JOURNEYS, "--base-url", shop.url, "--out", str(out), "--no-history")
    audit.wait_for(lambda line: line.startswith("[1/3] happy-path") and "running" not in line)
    audit.process.send_signal(signal.SIGTERM)  # as a CI runner stops a job: this process only
    code, output = audit.finish()
    assert code == 130, output
    assert "Traceback" not in output
    folder = only_folder(out)
    result = store.load_result(folder / "result.json")
    assert [run.journey_id for run in result.runs][:1] == ["happy-path"]
    assert any("interrupted" in error for error in result.errors), result.errors
    assert (folder / "traces" / "happy-path" / "trace.json").is_file()
    assert (folder / "report.html").is_file()


def test_out_that_cannot_be_a_folder_is_exit_2_before_the_browser(shop, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    done = subprocess.run([*CLI, "run", JOURNEYS[0], "--base-url", shop.url, "--out", str(blocker / "reports"), "--no-history"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "cannot write the output folder" in done.stderr
    assert "Traceback" not in done.stderr and "running" not in done.stdout


def test_output_lost_mid_run_is_exit_3_not_a_traceback(shop, tmp_path):
    out = tmp_path / "out"
    audit = Audit(*JOURNEYS[:2], "--base-url", shop.url, "--out", str(out), "--no-history")
    audit.wait_for(lambda line: line.startswith("[1/2] happy-path") and "running" in line)
    traces = only_folder(out) / "traces"
    for _ in range(50):  # the recorder may be creating the folder right now
        shutil.rmtree(traces, ignore_errors=True)
        try:
            traces.write_text("a file where the traces folder was")
            break
        except IsADirectoryError:
            time.sleep(0.05)
    code, output = audit.finish()
    assert code == 3, output
    assert "cannot write to the output folder" in output
    assert "Traceback" not in output


def short_journey(folder: Path, name: str, *steps: str) -> Path:
    """A journey of product-page steps; each step's actions as one YAML flow list."""
    body = "".join(f"  - name: Step {n}\n    role: product\n    actions: {actions}\n" for n, actions in enumerate(steps, 1))
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(f"name: {name}\nsteps:\n{body}"))
    return path


def _children(pid: int) -> list[int]:
    """Every process below ``pid`` (from /proc): the browser this audit launched, and only that."""
    below: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parent = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            below.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in below.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text()
    except OSError:
        return ""


def test_a_killed_browser_is_not_a_finding_and_the_next_journey_relaunches_it(shop, tmp_path):
    first = short_journey(tmp_path, "killed", "[goto: /product/aeropress-go]",
                          '[{wait_for: {text: "Never on this page", timeout_ms: 30000}}]')
    second = short_journey(tmp_path, "after", '[goto: /product/aeropress-go, {expect: {text: "In stock"}}]')
    out = tmp_path / "out"
    audit = Audit(str(first), str(second), "--base-url", shop.url, "--out", str(out), "--no-history", "--fail-on", "none", "-v")
    audit.wait_for(lambda line: "step 1 'Step 1' ok" in line)
    time.sleep(0.5)  # step 2 is waiting for its text now
    browser = [pid for pid in _children(audit.process.pid) if "chrom" in _name(pid)]
    assert browser
    for pid in browser:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    code, output = audit.finish()
    assert code == 1, output  # could not be recorded: failing even with fail_on none
    result = store.load_result(only_folder(out) / "result.json")
    status = {run.journey_id: (run.status, run.error) for run in result.runs}
    assert status["killed"][0] == "error" and "browser closed during step 2" in status["killed"][1], status
    assert status["after"] == ("passed", None), status  # a new browser
    assert not result.findings, [f.message for f in result.findings]  # no JA101 against the shop
    assert "could not be recorded" in output and "Traceback" not in output


def test_a_shop_that_stops_answering_is_told_and_exit_3():
    with DemoShop() as gone:
        folder = Path(tempfile.mkdtemp())
        files = [str(short_journey(folder, f"j{n}", '[goto: /product/aeropress-go, {expect: {text: "In stock"}}]'))
                 for n in (1, 2, 3)]
        audit = Audit(*files, "--base-url", gone.url, "--out", str(folder / "out"), "--no-history")
        audit.wait_for(lambda line: line.startswith("[1/3] j1") and "running" not in line)
        gone.stop()
        code, output = audit.finish()
    assert code == 3, output
    result = store.load_result(only_folder(folder / "out") / "result.json")
    status = {run.journey_id: (run.status, run.error or "") for run in result.runs}
    assert status["j1"][0] == "passed", status
    # j2 may still finish while the shop shuts down (a short journey, a busy machine): the first journey
    # that meets the silent shop is told so, and every journey after it is not run, with that reason
    order = ["j1", "j2", "j3"]
    first = next(n for n, name in enumerate(order) if status[name][0] != "passed")
    assert status[order[first]][0] == "error" and status[order[first]][1].startswith("the shop stopped answering ("), status
    for name in order[first + 1:]:
        assert status[name][0] == "error" and status[name][1].startswith("not run: the shop stopped answering"), status
    # no finding blames the shop for the journeys its silence stopped (a journey that passed while the
    # shop was shutting down may have seen a background request reset, and says so)
    stopped = {name for name in order if status[name][0] == "error"}
    assert not [f.message for f in result.findings if f.journey in stopped]
    assert not [f for f in result.findings if f.journey not in stopped and f.code != "JA502"], result.findings
    shutil.rmtree(folder, ignore_errors=True)
