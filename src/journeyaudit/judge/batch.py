"""Judge runs with their promise ledger, and many saved runs on every core (``journeyaudit audit``).

A run's findings and the ledger that goes into result.json read the same pages: judged inside one
``computed.judging`` block, each page is parsed and the ledger read once, not twice. Re-judging a
folder of saved traces is pure Python work per run, so it is spread over processes (this one and a
forked one per other core, each judging whole runs, largest first; the children, forked before the
traces are loaded, load the runs they take and send back their findings, outcomes and ledgers); the
order of the answers is the order of the runs, so the result is the same as judging them one by one.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journeyaudit.facts import computed, ledger
from journeyaudit.history import store
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


@dataclass
class _Job:
    """What the processes judge, inherited at the fork: the runs, or (in a child of :func:`load_and_judge`)
    the folders to load them from."""

    runs: list[Run] | None
    trace_dirs: list[Path]
    rules: list
    settings: RuleSettings


_JOB: _Job | None = None


def _judge_index(index: int) -> Judged:
    job = _JOB
    assert job is not None
    run = job.runs[index] if job.runs is not None else store.load_run(job.trace_dirs[index])
    return judge_with_ledger(run, job.rules, job.settings)


def _weight(run: Run) -> int:
    """What judging a run costs grows with its pages' HTML (correlation 0.98 over the fixture runs)."""
    return sum(len(step.html or "") for step in [*run.steps, *run.rechecks])


def _size(trace_dir: Path) -> int:
    """:func:`_weight` of a saved run before it is loaded: the bytes of its folder's page snapshots."""
    try:
        return sum(entry.stat().st_size for entry in os.scandir(trace_dir) if entry.name.endswith(".html"))
    except OSError:
        return 0


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


def _forking(count: int, workers: int | None) -> int:
    """How many processes judge ``count`` runs: 1 when this process cannot fork safely (a lock held by
    another thread at the fork would stay held in the child) or there is nothing to share."""
    workers = min(workers or default_workers(), count)
    if workers < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return workers


def _in_turns(job: _Job, weights: list[int], workers: int, here: Callable[[], None] | None = None) -> list[Judged]:
    """Every run of ``job`` judged by this process and ``workers - 1`` forked ones, taking the runs in turns,
    the largest first (no process is left with a long one at the end), from a counter they share; each
    child sends its judgements back once, at its end, and this process's own are never pickled.
    ``here()`` runs in this process after the fork, before its turns (loading the runs it keeps)."""
    global _JOB
    order = sorted(range(len(weights)), key=lambda index: -weights[index])
    turn = multiprocessing.get_context("fork").Value("i", 0)
    _JOB = job
    children: list[int] = []  # forked and not yet waited for
    pipes: dict[int, int] = {}  # child -> the pipe its answer comes through, until read
    try:
        gc.freeze()  # what exists now is never collected by a child: its pages are not written to (copied)
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
        finally:
            gc.unfreeze()
        if here is not None:
            here()
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
        return [judged[index] for index in range(len(weights))]
    finally:
        _JOB = None
        for read in pipes.values():
            os.close(read)
        for pid in children:  # left after an error here or in a child: stopped
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def judge_many(runs: list[Run], settings: RuleSettings, workers: int | None = None) -> list[Judged]:
    """Each run judged with its ledger, in the order given, by up to ``workers`` processes (:func:`_in_turns`);
    here, in turn, for one run or one worker or when this process cannot fork."""
    rules = selected_rules(settings)
    workers = _forking(len(runs), workers)
    if workers < 2:
        return [judge_with_ledger(run, rules, settings) for run in runs]
    return _in_turns(_Job(runs, [], rules, settings), [_weight(run) for run in runs], workers)


def load_and_judge(trace_dirs: list[Path], settings: RuleSettings,
                   workers: int | None = None) -> tuple[list[Run], list[Judged]]:
    """The runs saved in ``trace_dirs`` (:func:`store.load_run`, which raises for the first one that cannot
    be read) and each one's judgement, in that order, by up to ``workers`` processes.

    The workers are forked before the runs are loaded: while this process loads every run (its caller
    needs them all), the others already load and judge theirs; then it takes its turns too."""
    rules = selected_rules(settings)
    workers = _forking(len(trace_dirs), workers)
    if workers < 2:
        runs = [store.load_run(trace_dir) for trace_dir in trace_dirs]
        return runs, [judge_with_ledger(run, rules, settings) for run in runs]
    job = _Job(None, list(trace_dirs), rules, settings)
    loaded: list[Run] = []

    def load_here() -> None:
        loaded.extend(store.load_run(trace_dir) for trace_dir in trace_dirs)
        job.runs = loaded  # this process's turns judge the runs it keeps

    judged = _in_turns(job, [_size(trace_dir) for trace_dir in trace_dirs], workers, load_here)
    return loaded, judged
