"""Faults told truthfully (issue 14, class 6): SIGTERM is Ctrl-C, an unwritable --out is exit 2 or 3."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
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
