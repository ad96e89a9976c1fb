"""Judge runs with their promise ledger, and many saved runs on every core (``journeyaudit audit``).

A run's findings and the ledger that goes into result.json read the same pages: judged inside one
``computed.judging`` block, each page is parsed and the ledger read once, not twice. Re-judging a
folder of saved traces is pure Python work per run, so it is spread over forked processes (one per
core, each judging whole runs and sending back their findings, outcomes and ledger); the order of
the answers is the order of the runs, so the result is the same as judging them one by one.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from dataclasses import dataclass, field

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


def judge_many(runs: list[Run], settings: RuleSettings, workers: int | None = None) -> list[Judged]:
    """Each run judged with its ledger, in the order given, on up to ``workers`` processes.

    Forking needs a process with one thread (a lock held by another thread at the fork would stay
    held in the child): otherwise, and for one run or one worker, the runs are judged here, in turn."""
    global _JOB
    rules = selected_rules(settings)
    workers = min(workers or default_workers(), len(runs))
    if workers < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [judge_with_ledger(run, rules, settings) for run in runs]
    _JOB = (runs, rules, settings)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_judge_index, range(len(runs)), chunksize=1)
    finally:
        _JOB = None
