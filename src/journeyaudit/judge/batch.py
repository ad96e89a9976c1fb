"""Judge runs with their promise ledger, and many saved runs on every core (``journeyaudit audit``).

A run's findings and the ledger that goes into result.json read the same pages: judged inside one
``computed.judging`` block, each page is parsed and the ledger read once, not twice. Re-judging a
folder of saved traces is pure Python work per run, so it is spread over processes (this one and a
forked one per other core, each judging whole runs, largest first; the children send back their
findings, outcomes and ledgers); the order of the answers is the order of the runs, so the result
is the same as judging them one by one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import threading
from dataclasses import dataclass, field
from typing import Any

from journeyaudit.facts import computed, ledger
from journeyaudit.judge import probe_outcome
from journeyaudit.judge.engine import RuleSettings, judge_run, selected_rules
from journeyaudit.model import Finding, ProbeOutcome, RuleOutcome, Run
from journeyaudit.model_ledger import Ledger


@dataclass
class Judged:
    """One run judged: its findings and rule outcomes, its ledger (or why it could not be read), and what a
    probe variant saw (None for a happy path)."""

    findings: list[Finding] = field(default_factory=list)
    outcomes: list[RuleOutcome] = field(default_factory=list)
    ledger: Ledger | None = None
    ledger_error: str = ""
    probe_outcome: ProbeOutcome | None = None


def judge_with_ledger(run: Run, rules, settings: RuleSettings) -> Judged:
    """The rules over ``run``, its ledger for result.json and a probe's outcome for its summary, sharing
    every page read between them (and judged where the rules are: in a worker, not after it)."""
    with computed.judging(run):
        findings, outcomes = judge_run(run, rules, settings)
        judged = Judged(findings, outcomes)
        try:
            judged.ledger = ledger.build(run, ledger.labels_for_audit(getattr(settings, "options", None) or {}))
        except Exception as exc:  # noqa: BLE001 - reported as an error entry, like a rule error
            judged.ledger_error = f"the promise ledger could not be read: {exc!r}"
        judged.probe_outcome = probe_outcome.outcome(run)
    return judged


def default_workers() -> int:
    """Every core this process may use: judging is CPU work with no browser to share the machine with."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


_JOB: tuple[list[Run], list, RuleSettings] | None = None  # what the forked workers judge, inherited at fork


def _judge_index(index: int) -> Judged:
    runs, rules, settings = _JOB  # type: ignore[misc]
    return judge_with_ledger(runs[index], rules, settings)


def _weight(run: Run) -> int:
    """What judging a run costs grows with its pages' HTML (correlation 0.98 over the fixture runs)."""
    return sum(len(step.html or "") for step in [*run.steps, *run.rechecks])


def _take_turns(order: list[int], turn: Any) -> dict[int, Judged]:
    """Judge the runs at ``order[turn]``, ``turn`` counted up by every process sharing it, until none is left."""
    judged: dict[int, Judged] = {}
    while True:
        with turn.get_lock():
            at = turn.value
            turn.value = at + 1
        if at >= len(order):
            return judged
        judged[order[at]] = _judge_index(order[at])


def _child(write: int, order: list[int], turn: Any) -> None:
    """A forked worker: its judgements, or what stopped it, pickled to the parent; then it ends at once
    (``os._exit``: the parent's buffered output, ``atexit`` and ``finally`` blocks are the parent's)."""
    code = 1
    try:
        try:
            answer: tuple[str, Any] = ("judged", _take_turns(order, turn))
        except BaseException as exc:  # noqa: BLE001 - raised again by the parent
            answer = ("failed", exc)
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled: its words
            data = pickle.dumps(("failed", RuntimeError(repr(answer[1]))), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)


def judge_many(runs: list[Run], settings: RuleSettings, workers: int | None = None) -> list[Judged]:
    """Each run judged with its ledger, in the order given, by up to ``workers`` processes.

    This process and ``workers - 1`` forked ones take the runs in turns, the largest first (no
    process is left with a long one at the end), from a counter they share; each child sends its
    judgements back once, at its end, and this process's own are never pickled. Forking needs a
    process with one thread (a lock held by another thread at the fork would stay held in the
    child): otherwise, and for one run or one worker, the runs are judged here, in turn."""
    global _JOB
    rules = selected_rules(settings)
    workers = min(workers or default_workers(), len(runs))
    if workers < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [judge_with_ledger(run, rules, settings) for run in runs]
    weights = [_weight(run) for run in runs]
    order = sorted(range(len(runs)), key=lambda index: -weights[index])
    turn = multiprocessing.get_context("fork").Value("i", 0)
    _JOB = (runs, rules, settings)
    children: list[int] = []  # forked and not yet waited for
    pipes: dict[int, int] = {}  # child -> the pipe its answer comes through, until read
    try:
        for _ in range(workers - 1):
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(read)
                _child(write, order, turn)
            os.close(write)
            children.append(pid)
            pipes[pid] = read
        judged = _take_turns(order, turn)
        for pid in list(children):
            with os.fdopen(pipes.pop(pid), "rb") as pipe:
                data = pipe.read()
            os.waitpid(pid, 0)
            children.remove(pid)
            if not data:
                raise RuntimeError(f"a judging process (pid {pid}) ended without an answer")
            kind, answer = pickle.loads(data)
            if kind == "failed":
                raise answer
            judged.update(answer)
        return [judged[index] for index in range(len(runs))]
    finally:
        _JOB = None
        for read in pipes.values():
            os.close(read)
        for pid in children:  # left after an error here or in a child: stopped
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
