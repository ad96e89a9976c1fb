"""`run --workers 2` in real Chromium gives the same findings as one worker, with journeys overlapping.

The journeys chosen share the most: four trigger the demo shop's newsletter job (a trigger
that mailed every subscriber would put one journey's newsletter into another's inbox), and
two switch the shop into faults by cookie (one journey's fault must not reach another).
The two-worker run has its stderr on a pseudo-terminal, where the live line is drawn.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
JOURNEYS = ("mail-newsletter", "newsletter-burst", "happy-path", "unsubscribe-ignored", "late-fee", "no-list-unsubscribe")


def audit(tmp_path: Path, workers: int):
    files = ", ".join(f'"{ROOT}/journeys/demo/{j}.yaml"' for j in JOURNEYS)
    profile = tmp_path / "parallel.yaml"
    profile.write_text(
        f"name: parallel\ndemo_shop: true\njourneys_root: /\njourneys: [{files}]\nfail_on: none\nworkers: 1\n"
        "timeouts: {action_ms: 5000}\nrules: {options: {JA401: {budget_ms: 15000}}}\n"
        "mail: {capture: smtp, port: 0, settle_ms: 1000, trigger: {url: /demo/newsletter/send}}\n"
        "accessibility: false\n",  # axe-core in two workers: the demo audit (--workers 2); here a third of the time
        encoding="utf-8",
    )
    out = tmp_path / f"out-{workers}"
    argv = [*CLI, "run", str(profile), "--out", str(out), "--no-history", "--workers", str(workers)]
    code, stdout, stderr = on_a_terminal(argv) if workers > 1 else _piped(argv)
    assert code == 0, stdout + stderr
    folder = next(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    result = store.load_result(folder / "result.json")
    runs = {s.journey_id: store.load_run(folder / s.trace) for s in result.runs}
    return stdout, result, runs, stderr


def _piped(argv: list[str]) -> tuple[int, str, str]:
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout, done.stderr


def on_a_terminal(argv: list[str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal (read as it comes, so the child never blocks on it), stdout piped."""
    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(leader, 65536)
            except OSError:  # the child is gone and its end closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        child = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=follower, text=True,
                                 env={**os.environ, "TERM": "xterm"})
        os.close(follower)
        stdout, _ = child.communicate(timeout=600)
        reader.join(timeout=10)
    finally:
        os.close(leader)
    return child.returncode, stdout, b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture(scope="module")
def audits(tmp_path_factory):
    return audit(tmp_path_factory.mktemp("one"), 1), audit(tmp_path_factory.mktemp("two"), 2)


def findings(result) -> list[tuple[str, str, int | None, str]]:
    return [(f.journey, f.code, f.step, f.severity) for f in result.findings]


def test_two_workers_find_what_one_worker_finds(audits):
    (_, one, one_runs, _), (_, two, two_runs, _) = audits
    assert findings(one), "the journeys should find something (late-fee, newsletter-burst, ...)"
    assert findings(two) == findings(one)  # the same findings, in the audit's order
    assert [s.journey_id for s in two.runs] == [s.journey_id for s in one.runs] == list(JOURNEYS)
    assert {s.journey_id: s.status for s in two.runs} == {s.journey_id: s.status for s in one.runs}
    assert not two.errors and not one.errors


def test_each_journey_reads_only_its_own_mail(audits):
    (_, _, one_runs, _), (_, _, two_runs, _) = audits
    for runs in (one_runs, two_runs):
        for run in runs.values():
            assert all(message.recipients == [run.inbox] for message in run.emails), run.journey_id
    for journey in JOURNEYS:  # another journey's newsletter trigger would add an issue here
        assert [m.subject for m in two_runs[journey].emails] == [m.subject for m in one_runs[journey].emails], journey


def test_two_workers_run_journeys_at_the_same_time_and_print_one_line_each(audits):
    (one_out, _, _, _), (two_out, _, two_runs, _) = audits
    spans = sorted((run.started_at, run.started_at + run.duration_ms / 1000) for run in two_runs.values())
    assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:])), spans
    lines = [line for line in two_out.splitlines() if line.startswith("[")]
    assert len(lines) == len(JOURNEYS) and not any("running" in line for line in lines), two_out
    assert [line.split("]")[0] for line in lines] == [f"[{n}/{len(JOURNEYS)}" for n in range(1, len(JOURNEYS) + 1)]
    assert sum("running" in line for line in one_out.splitlines()) == len(JOURNEYS)  # one worker: start lines too


def test_on_a_terminal_a_live_line_says_which_journeys_run_and_leaves_nothing_behind(audits):
    (_, _, _, piped_err), (two_out, _, _, terminal) = audits
    clear = "\r\x1b[2K"
    drawn = [part for part in terminal.split(clear) if part.startswith("running ")]
    assert any(part.startswith("running 2: ") for part in drawn), terminal[:2000]  # two journeys under way at once
    assert {j for j in JOURNEYS if any(f"{j} " in part for part in drawn)} == set(JOURNEYS)
    assert any(" 3/" in part or "step 3/" in part for part in drawn)  # it moves on with the steps
    assert terminal.rfind(clear) > terminal.rfind("running ")  # the last one drawn was cleared: none left behind
    assert "\x1b" not in two_out and clear not in piped_err  # stdout piped, and the one-worker run's stderr: plain
