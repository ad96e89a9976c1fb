"""Judging saved runs on several processes gives what judging them in turn gives (``journeyaudit audit --workers``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from journeyaudit.facts import computed, ledger
from journeyaudit.judge.batch import judge_with_ledger
from journeyaudit.judge.engine import RuleSettings, selected_rules
from tests.unit.recorded import FIXTURES, recorded

ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter: a forked pool needs a process with one thread (pytest-xdist's workers have more).
POOL_SCRIPT = r"""
import json, os, sys
from pathlib import Path
from journeyaudit.history import store
from journeyaudit.judge import batch
from journeyaudit.judge.engine import RuleSettings
from journeyaudit.model_json import to_dict

judged_in = []
plain = batch._judge_index
def spy(index):
    judged_in.append(os.getpid())
    one = plain(index)
    one.outcomes.append(os.getpid())  # where it was judged, sent back with the answer
    return one
batch._judge_index = spy
runs = [store.load_run(d) for d in store.find_trace_dirs(Path(sys.argv[1]))]
def answer(judged):
    return [[to_dict(f) for f in one.findings] + [to_dict(one.ledger)] for one in judged]
alone = batch.judge_many(runs, RuleSettings(), workers=1)
pooled = batch.judge_many(runs, RuleSettings(), workers=2)
pids = {one.outcomes.pop() for one in pooled}
print(json.dumps({"same": answer(alone) == answer(pooled), "runs": len(runs), "pids": len(pids),
                  "here": os.getpid() in pids,
                  "findings": sum(len(one.findings) for one in pooled)}))
"""


def test_two_processes_judge_like_one_and_keep_the_order():
    done = subprocess.run([sys.executable, "-c", POOL_SCRIPT, str(FIXTURES)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["same"], "the forked workers' findings or ledgers differ from judging in turn"
    assert answer["runs"] >= 40 and answer["findings"] > 20
    assert answer["pids"] == 2 and answer["here"], "the runs were not judged by two processes (this one and a forked one)"


def test_the_ledger_for_result_json_is_the_one_the_rules_read():
    run = recorded("late-fee")
    settings = RuleSettings()
    judged = judge_with_ledger(run, selected_rules(settings), settings)
    assert judged.ledger is not None and not judged.ledger_error
    assert judged.ledger == ledger.build(run, ledger.labels_for_audit({}))  # the same facts as read on their own
    with computed.judging(run) as outer, computed.judging(run) as inner:
        assert inner is outer  # nested for the same run: one memo, the pages parsed once


FAILING_SCRIPT = r"""
import os, signal, sys
from pathlib import Path
from journeyaudit.history import store
from journeyaudit.judge import batch
from journeyaudit.judge.engine import RuleSettings

parent = os.getpid()
plain = batch._judge_index
runs = [store.load_run(d) for d in store.find_trace_dirs(Path(sys.argv[1]))]
def raising(index):
    if os.getpid() != parent:
        raise ValueError(f"cannot judge run {index}")
    return plain(index)
def killed(index):
    if os.getpid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)
    return plain(index)
for spy in (raising, killed):
    batch._judge_index = spy
    try:
        batch.judge_many(runs, RuleSettings(), workers=2)
        print("no error")
    except (ValueError, RuntimeError) as exc:
        print(type(exc).__name__, str(exc).split(" (pid")[0].rstrip("0123456789 "))
try:
    print("a child left:", os.waitpid(-1, os.WNOHANG))
except ChildProcessError:
    print("no child left")
"""


def test_an_error_in_a_forked_worker_is_raised_here_and_no_worker_is_left():
    done = subprocess.run([sys.executable, "-c", FAILING_SCRIPT, str(FIXTURES)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "ValueError cannot judge run", lines  # the child's own exception
    assert lines[1] == "RuntimeError a judging process", lines  # a child killed: told, never a hang
    assert lines[2] == "no child left", lines  # each waited for


LOADING_SCRIPT = r"""
import json, os, shutil, sys, tempfile
from pathlib import Path
from journeyaudit.history import store
from journeyaudit.judge import batch
from journeyaudit.judge.engine import RuleSettings
from journeyaudit.model_json import to_dict

dirs = store.find_trace_dirs(Path(sys.argv[1]))
def answer(loaded):
    runs, judged = loaded
    return [[to_dict(run)] + [to_dict(f) for f in one.findings] + [to_dict(one.ledger)] for run, one in zip(runs, judged)]
alone = batch.load_and_judge(dirs, RuleSettings(), workers=1)
pooled = batch.load_and_judge(dirs, RuleSettings(), workers=2)
copy = Path(tempfile.mkdtemp())
for name in ("b-unreadable", "c-unreadable"):
    shutil.copytree(dirs[0], copy / name)
    (copy / name / "trace.json").write_text("{")
shutil.copytree(dirs[1], copy / "a-fine")
try:
    batch.load_and_judge(store.find_trace_dirs(copy), RuleSettings(), workers=2)
    error = ""
except store.TraceUnreadable as exc:
    error = str(exc)
try:
    os.waitpid(-1, os.WNOHANG)
    children = "left"
except ChildProcessError:
    children = "none"
print(json.dumps({"same": answer(alone) == answer(pooled), "runs": len(pooled[0]),
                  "error": "b-unreadable" in error and "c-unreadable" not in error, "children": children}))
"""


def test_loading_and_judging_in_two_processes_gives_the_runs_and_judgements_of_one():
    done = subprocess.run([sys.executable, "-c", LOADING_SCRIPT, str(FIXTURES)], capture_output=True, text=True,
                          timeout=300, cwd=ROOT, env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["same"] and answer["runs"] >= 40, "the runs or their judgements differ from loading and judging here"
    assert answer["error"], "an unreadable trace is told, the first one in the folders' order"
    assert answer["children"] == "none"
