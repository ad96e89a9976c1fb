"""Journeys in parallel (``run --workers N``): a pool of workers, each with its own Playwright and Chromium.

Each worker is a thread that owns a :class:`~journeyaudit.gather.runner.Runner`: its own
``sync_playwright()`` (and so its own Playwright driver process) and its own Chromium.
Every journey still gets a fresh browser context, so journeys share no cookies, storage
or cache; each journey reads its own plus-addressed inbox, and the demo shop's newsletter
trigger mails only the calling session's subscriptions.

Threads, not processes: Playwright's sync API is usable from any thread that started its
own ``sync_playwright()`` (it is only not safe to share one instance between threads), and
the heavy work happens outside Python anyway, in each worker's Chromium and driver
processes. Threads keep what a run shares in one place without pickling: the mailbox that
captures the shop's email (an in-process SMTP sink), the built-in demo shop, the progress
printer and the one writer of ``result.json``. The main thread consumes the pool's events
and does everything else (save, judge, progress), as it did with one runner.

The pool relies on :meth:`Runner.run` never raising (a broken journey is a Run with status
``error``). Should it raise all the same, the pool turns the exception into such a Run
rather than lose the journey and wait forever for its result.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journeyaudit import model

JOIN_SECONDS = 20.0  # how long closing waits for a worker that is finishing a step


class Stopped(BaseException):
    """Raised in a worker at the end of a step when the audit stops (Ctrl-C, SIGTERM, an error)."""


@dataclass
class Finished:
    """One recorded journey, in the order journeys finish."""

    index: int  # the journey's place in the audit's list, from 0
    count: int  # how many journeys have finished, this one included
    journey: model.Journey
    run: model.Run
    attempt: int = 1  # 2 and more: a retry (JourneyPool.again)


def error_run(journey: model.Journey, base_url: str, exc: BaseException) -> model.Run:
    """The Run of a journey whose runner raised, which Runner.run promises it never does."""
    text = str(exc).strip().splitlines()
    return model.Run(
        journey_id=journey.id,
        journey_name=journey.name,
        journey_path=journey.path,
        base_url=base_url,
        started_at=time.time(),
        hints=dict(journey.hints),
        probe=journey.probe,
        variant=journey.variant,
        status="error",
        error=f"the journey runner raised {type(exc).__name__}: {text[0] if text else ''}"[:300],
    )


def longest_first(wave: list[int], journeys: Sequence[model.Journey], durations: dict[str, float]) -> list[int]:
    """The journeys of ``wave`` (indexes) in the order to hand them out: those the history has no duration
    for first (a new journey may be a long one), then the rest longest first; ties keep the audit's order.

    Handing out the longest first is the classic rule for a pool of workers: with the audit's own order a
    long journey listed last runs alone at the end while the other workers wait. audits/demo-quick.yaml on two
    workers, from its journeys' durations alone: 23.4 s in the listed order, 21.7 s longest first.
    """
    def key(index: int) -> tuple[bool, float]:
        known = durations.get(journeys[index].id)
        return (known is not None, -(known or 0.0))

    return sorted(wave, key=key)


class JourneyPool:
    """``workers`` runners in their own threads; a context manager, like one Runner.

    Entering launches every worker's browser and fails (with the first worker's error)
    when one cannot start. :meth:`run` hands out the journeys and yields each one as
    it finishes; progress events are passed to the caller's callbacks on the caller's
    thread, never from a worker.
    """

    def __init__(self, options: Any, workers: int, runner_factory: Callable[[Any], Any] | None = None):
        if runner_factory is None:
            from journeyaudit.gather.runner import Runner

            runner_factory = Runner
        self.options = options
        self.workers = max(1, int(workers))
        self._factory = runner_factory
        self._tasks: queue.Queue = queue.Queue()
        self._events: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._again = 0  # attempts handed out again (retries): each is one more "done" to wait for
        self.browser_version = ""

    # ---- start and stop --------------------------------------------------------

    def __enter__(self) -> JourneyPool:
        for number in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"journeyaudit-worker-{number + 1}", daemon=True)
            self._threads.append(thread)
            thread.start()
        failure: BaseException | None = None
        try:
            for _ in self._threads:
                kind, value = self._events.get()
                if kind == "ready":
                    self.browser_version = self.browser_version or value
                else:
                    failure = failure or value
        except BaseException:
            self.__exit__(None, None, None)
            raise
        if failure is not None:
            self.__exit__(None, None, None)
            raise failure
        return self

    def stop(self) -> None:
        """Tell the workers to stop (each at the end of its current step) and close their browsers; at once.

        The audit calls it as soon as the last journey is done: the browsers close while the
        result and the report are written (about 60 ms of a one-journey audit), not before.
        """
        if self._stop.is_set():
            return
        self._stop.set()
        for _ in self._threads:
            self._tasks.put(None)

    def __exit__(self, *exc_info) -> None:
        """Stop the workers (each at the end of its current step) and wait for their browsers to close."""
        self.stop()
        deadline = time.monotonic() + JOIN_SECONDS
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    # ---- the journeys -----------------------------------------------------------

    def run(
        self,
        journeys: Sequence[model.Journey],
        traces: Path,
        *,
        started: Callable[[int, int, model.Journey], None] | None = None,
        step_done: Callable[[model.Journey, model.StepRecord], None] | None = None,
        durations: dict[str, float] | None = None,
        running: Callable[[model.Journey, model.StepRecord | None], None] | None = None,
    ) -> Iterator[Finished]:
        """Record every journey into ``traces/<journey id>`` and yield each as it finishes.

        ``durations`` (journey id -> ms, from the history): with more than one worker the
        longest journeys are handed out first, so that no long journey starts last while the
        other workers have nothing left to do (:func:`longest_first`).

        With one worker, ``started`` and ``step_done`` are told as things happen. With more,
        journeys overlap: ``started`` is not told (the line per finished journey says it
        all) and a journey's steps are told together just before it is yielded, so the
        lines of two journeys never interleave (the terminal prints them under the journey's
        own line: report/terminal.py). ``running`` is told of every start (step None) and
        every step as it happens, with any number of workers: the terminal's live line.
        """
        from journeyaudit.gather.login_state import phases  # setup journeys first, the rest once they are done

        waves = phases(journeys)
        if durations and self.workers > 1:
            waves = [longest_first(wave, journeys, durations) for wave in waves]
        self._handed = 0
        total, count, gone = len(journeys), 0, 0
        held: dict[str, list[model.StepRecord]] = {}  # more than one worker: steps told with their journey
        while count < total + self._again:
            if count == self._handed and waves:  # log in once: the next wave starts when the previous one is done
                for index in waves.pop(0):
                    self._tasks.put((index, journeys[index], Path(traces) / journeys[index].id, 1))
                    self._handed += 1
            event = self._events.get()
            kind = event[0]
            if running is not None and kind in ("started", "step"):
                running(*((event[2], None) if kind == "started" else (event[1], event[2])))
            if kind == "started" and started is not None and self.workers == 1:
                started(event[1] + 1, total, event[2])
            elif kind == "step" and step_done is not None:
                if self.workers == 1:
                    step_done(event[1], event[2])
                else:
                    held.setdefault(event[1].id, []).append(event[2])
            elif kind == "done":
                count += 1
                for step in held.pop(event[2].id, []):
                    step_done(event[2], step)
                yield Finished(event[1], count - self._again, event[2], event[3], event[4])
            elif kind == "gone":
                gone += 1
                if gone == self.workers:
                    raise RuntimeError(f"every journey worker stopped before the audit ended: {event[1]}")

    def again(self, done: Finished, run_dir: Path) -> None:
        """Run a finished journey once more (a retry), into ``run_dir``; :meth:`run` then yields it again.

        Called by the consumer of :meth:`run` between two journeys. The retry's ``count`` is the
        failed attempt's: the journey is one journey, however often it runs.
        """
        self._again += 1
        self._handed += 1
        self._tasks.put((done.index, done.journey, Path(run_dir), done.attempt + 1))

    # ---- one worker ---------------------------------------------------------------

    def _work(self) -> None:
        try:
            runner = self._factory(self.options).__enter__()
        except BaseException as exc:  # told to the caller, which fails the audit before any journey
            self._events.put(("failed", exc))
            return
        try:
            self._events.put(("ready", getattr(runner, "browser_version", "")))
            self._take_journeys(runner)
        except BaseException as exc:  # noqa: BLE001 - the main thread is told, never left waiting
            self._events.put(("gone", f"{type(exc).__name__}: {exc}"))
        finally:
            with contextlib.suppress(Exception):
                runner.__exit__(None, None, None)

    def _take_journeys(self, runner: Any) -> None:
        while not self._stop.is_set():
            task = self._tasks.get()
            if task is None or self._stop.is_set():
                return
            index, journey, run_dir, attempt = task
            if attempt == 1:  # a retry's start is the "attempt N failed ..., retrying" line already printed
                self._events.put(("started", index, journey))
            try:  # a retry tells the runner its attempt (a fresh inbox); fakes in the tests know only the first
                more = {"attempt": attempt} if attempt > 1 else {}
                run = runner.run(journey, run_dir, on_step=self._on_step, **more)
            except Stopped:
                return
            except BaseException as exc:  # Runner.run never raises; if it does, the journey is an error, not lost
                run = error_run(journey, getattr(self.options, "base_url", ""), exc)
                self._events.put(("done", index, journey, run, attempt))
                if not isinstance(exc, Exception):
                    raise  # this worker is done for; the others take the remaining journeys
                continue
            self._events.put(("done", index, journey, run, attempt))

    def _on_step(self, journey: model.Journey, step: model.StepRecord) -> None:
        self._events.put(("step", journey, step))
        if self._stop.is_set():
            raise Stopped


def in_listed_order(result: model.Result, runs: dict[str, model.Run], journeys: Sequence[model.Journey]) -> dict[str, model.Run]:
    """Put a result finished in completion order back in the audit's order: the same with 1 or N workers."""
    place = {journey.id: number for number, journey in enumerate(journeys)}
    last = len(place)
    result.runs.sort(key=lambda summary: place.get(summary.journey_id, last))
    result.findings.sort(key=lambda finding: place.get(finding.journey, last))
    result.outcomes.sort(key=lambda outcome: place.get(outcome.journey, last))
    result.ledgers.sort(key=lambda ledger: place.get(ledger.journey, last))
    return {key: runs[key] for key in sorted(runs, key=lambda key: place.get(key, last))}
