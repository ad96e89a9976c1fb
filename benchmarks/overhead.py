"""journeyaudit against a bare Playwright script on the demo happy path: printed, not asserted.

    .venv/bin/python benchmarks/overhead.py [--rounds 5] [--profile]

Starts the demo shop once, then in one process alternates the hand-written script
(benchmarks/bare_happy_path.py) and ``journeyaudit run`` of journeys/demo/happy-path.yaml
through the in-process API (``audit.run_audit``: browser start, recording, judging,
result.json and report.html), with accessibility off and on, ``--rounds`` times.
Both sides start Playwright and Chromium each time. Prints the median wall times, the
ratios against issue 13's budgets (1.3x with accessibility off, 1.6x with it on), where
journeyaudit's time goes (phases timed around the functions that do them), and
separately what the command line adds before any of it (Python start and imports).
``--profile`` also prints the top of a cProfile of one journeyaudit run. ``--windows-off`` also times
journeyaudit (accessibility off) with every quiet window of the readiness wait and the settle at 0:
not a setting anyone should use, but the bound of what shortening those waits could give; what
is left above the bare script is the recording itself (the looks, reads and pictures).
``--calls`` also times every Playwright call of one more bare run and one more journeyaudit run
(accessibility off) and prints them method by method, side by side (``playwright_calls.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import functools
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bare_happy_path  # noqa: E402
import playwright_calls  # noqa: E402

from journeyaudit.demo import DemoShop  # noqa: E402

JOURNEY = ROOT / "journeys" / "demo" / "happy-path.yaml"
BUDGETS = {False: 1.3, True: 1.6}  # accessibility off / on (issue 13)

#: (label, module, attribute): the functions timed as journeyaudit's phases.
PHASES = [
    ("browser start", "journeyaudit.gather.runner", "launch"),
    ("steps' actions", "journeyaudit.gather.runner", "perform"),
    ("settle", "journeyaudit.gather.recorder", "Recorder.settle"),
    ("snapshot (all)", "journeyaudit.gather.recorder", "Recorder.snapshot"),
    ("  axe-core", "journeyaudit.gather.accessibility", "AxeRunner.__call__"),
    ("  screenshot", "journeyaudit.gather.step_pictures", "StepPictures.take"),
    ("  shot collected", "journeyaudit.gather.step_pictures", "StepPictures.flush"),
    ("arrival fields", "journeyaudit.gather.recorder", "Recorder.before_action"),
    ("save trace", "journeyaudit.audit", "store.save_run"),
    ("judge", "journeyaudit.audit", "judge_with_ledger"),
    ("report", "journeyaudit.audit", "write_report"),
]


class PhaseClock:
    """Wraps the phase functions to add up their wall time (any thread)."""

    def __init__(self):
        self.total: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._undo: list = []

    def __enter__(self):
        import importlib

        for label, module_name, dotted in PHASES:
            owner = importlib.import_module(module_name)
            *path, name = dotted.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, name)
            setattr(owner, name, self._timed(label, original))
            self._undo.append((owner, name, original))
        return self

    def _timed(self, label, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.total[label] += time.perf_counter() - t0
                self.calls[label] += 1

        return timed

    def __exit__(self, *exc):
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)


@contextlib.contextmanager
def quiet_windows_at_zero():
    """The settle's quiet windows at 0 for the block (the readiness wait's are the settings')."""
    from journeyaudit.gather import recorder

    saved = recorder.QUIET_MS, recorder.CALM_QUIET_MS, recorder.AFTER_LOAD_MS
    recorder.QUIET_MS = recorder.CALM_QUIET_MS = recorder.AFTER_LOAD_MS = 0
    try:
        yield
    finally:
        recorder.QUIET_MS, recorder.CALM_QUIET_MS, recorder.AFTER_LOAD_MS = saved


def run_journeyaudit(base_url: str, accessibility: bool, out: str, windows: bool = True) -> float:
    from journeyaudit.audit import run_audit
    from journeyaudit.gather.browser import find_browser
    from journeyaudit.spec.config import resolve

    t0 = time.perf_counter()
    settings = resolve([str(JOURNEY)], {"out": out, "base_url": base_url, "workers": 1})
    settings.accessibility = accessibility
    if not windows:
        settings.readiness.quiet_ms = settings.readiness.after_load_ms = 0
    with contextlib.nullcontext() if windows else quiet_windows_at_zero():
        result, _ = run_audit(settings, find_browser())
    wall = time.perf_counter() - t0
    bad = [r.journey_id for r in result.runs if r.status != "passed"] + [f.code for f in result.findings]
    if bad:
        print(f"  warning: the happy path did not pass cleanly: {bad}", file=sys.stderr)
    return wall


def cli_start_cost() -> tuple[float, float]:
    """Seconds for a bare `python -c pass` and for `journeyaudit --help` (imports of the command line)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    python = sys.executable
    times = {}
    for name, argv in (("python", [python, "-c", "pass"]),
                       ("cli", [python, "-m", "journeyaudit.cli", "--help"])):
        samples = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run(argv, env=env, capture_output=True, check=False)
            samples.append(time.perf_counter() - t0)
        times[name] = statistics.median(samples)
    return times["python"], times["cli"]


def profile_once(base_url: str, out: str, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    run_journeyaudit(base_url, True, out)
    profiler.disable()
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(top)
    print(buffer.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of one journeyaudit run")
    parser.add_argument("--windows-off", action="store_true",
                        help="also time journeyaudit (a11y off) with every quiet window at 0: what the waits cost")
    parser.add_argument("--calls", action="store_true",
                        help="also print every Playwright call of one bare and one journeyaudit run (a11y off), by method")
    args = parser.parse_args()
    calls: list[str] = []
    walls: dict[str, list[float]] = defaultdict(list)
    clocks = {False: PhaseClock(), True: PhaseClock()}
    with DemoShop(host="127.0.0.1", port=0) as shop, tempfile.TemporaryDirectory() as out:
        run_journeyaudit(shop.url, True, out)  # warm-up: imports, disk caches; not counted
        bare_happy_path.run(shop.url)
        for round_no in range(args.rounds):
            for accessibility in (False, True):
                walls["bare"].append(bare_happy_path.run(shop.url))
                with clocks[accessibility]:
                    walls[f"ja{int(accessibility)}"].append(run_journeyaudit(shop.url, accessibility, out))
            if args.windows_off:
                walls["nowait"].append(run_journeyaudit(shop.url, False, out, windows=False))
            print(f"round {round_no + 1}: bare {walls['bare'][-2]:.2f} / {walls['bare'][-1]:.2f} s, "
                  f"journeyaudit a11y off {walls['ja0'][-1]:.2f} s, on {walls['ja1'][-1]:.2f} s", flush=True)
        if args.calls:
            calls = playwright_calls.happy_path_calls(shop.url, out)
        if args.profile:
            profile_once(shop.url, out, 40)
    bare = statistics.median(walls["bare"])
    print(f"\nload average {os.getloadavg()[0]:.1f}; {args.rounds} rounds, medians:")
    print(f"bare Playwright script:      {bare:.2f} s")
    for accessibility in (False, True):
        wall = statistics.median(walls[f"ja{int(accessibility)}"])
        ratio, budget = wall / bare, BUDGETS[accessibility]
        verdict = "within" if ratio <= budget else "OVER"
        print(f"journeyaudit, a11y {'on ' if accessibility else 'off'}:     {wall:.2f} s = {ratio:.2f}x "
              f"(budget {budget}x: {verdict})")
    if walls["nowait"]:
        wall = statistics.median(walls["nowait"])
        print(f"journeyaudit, a11y off, every quiet window at 0 (not a setting): {wall:.2f} s = {wall / bare:.2f}x: "
              f"the waits cost {statistics.median(walls['ja0']) - wall:.2f} s, the recording itself "
              f"{wall - bare:.2f} s over the bare script")
    for accessibility in (False, True):
        clock = clocks[accessibility]
        print(f"\nphases, a11y {'on' if accessibility else 'off'} (mean per journeyaudit run):")
        for label, _, _ in PHASES:
            if clock.calls[label]:
                print(f"  {label:16} {clock.total[label] / args.rounds * 1000:7.0f} ms "
                      f"({clock.calls[label] / args.rounds:.0f} calls)")
    if calls:
        print("\nPlaywright calls of one run each, a11y off (a call is timed until its answer; calls that overlap,")
        print("such as a picture left on its way, each count whole):")
        print("\n".join(calls))
    python, cli = cli_start_cost()
    print(f"\ncommand line start (not in the figures above): python {python:.2f} s, "
          f"`journeyaudit --help` {cli:.2f} s (imports {cli - python:.2f} s)")
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
