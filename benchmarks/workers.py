"""Journeys per minute with 1 and 2 workers (``run --workers``): printed, not asserted.

    .venv/bin/python benchmarks/workers.py                       # audits/demo-quick.yaml, 1 round
    .venv/bin/python benchmarks/workers.py --rounds 3            # alternate 1 and 2 workers three times
    .venv/bin/python benchmarks/workers.py --profile audits/demo.yaml
    .venv/bin/python benchmarks/workers.py --longest-first       # also 2 workers given the durations

Each round runs the whole audit once with 1 worker and once with 2, alternating, so a
machine that gets busier or quieter affects both alike. The wall time is the whole
``run_audit`` (demo shop, browsers, journeys, judging, report), as a user waits for it.
The load average is printed next to each figure: on a shared machine it says how much
of the figure is the machine. Budget (issue #13): 2 workers give at least 1.7x the
journeys per minute of 1 on 2 cores.

``--longest-first`` also runs 2 workers that know each journey's duration, as a run with a
history does (``run`` reads the last runs' durations: cli/shards.py ``plan_order``): here the
durations are those of the same round's 1-worker run (the history keeps each step's and sums
them: the same figure but for the browser context's start and close).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from journeyaudit.audit import run_audit  # noqa: E402
from journeyaudit.gather.browser import find_browser  # noqa: E402
from journeyaudit.spec.config import resolve  # noqa: E402

BUDGET = 1.7


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f})"


def once(profile: Path, workers: int, durations: dict[str, float] | None = None) -> tuple[float, int, dict[str, float]]:
    """Wall seconds of one audit with ``workers`` workers, how many journeys it ran, and each one's duration (ms)."""
    with tempfile.TemporaryDirectory() as tmp:
        settings = resolve([str(profile)], {"out": tmp, "workers": workers, "no_history": True})
        settings.durations = dict(durations or {})
        before = load()
        started = time.perf_counter()
        result, _ = run_audit(settings, find_browser(settings.browser_path))
        wall = time.perf_counter() - started
        errors = sum(1 for run in result.runs if run.status == "error")
        label = f"{workers} worker{'s' if workers > 1 else ' '}{', longest first' if durations else ''}"
        print(f"  {label}: {len(result.runs)} journeys in {wall:6.1f} s = "
              f"{len(result.runs) * 60 / wall:5.1f} journeys/min  ({before} before, {load()} after"
              f"{f'; {errors} could not run' if errors else ''})", flush=True)
        took = {run.journey_id: run.duration_ms for run in result.runs}
        return wall, len(result.runs), took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", type=Path, default=ROOT / "audits" / "demo-quick.yaml")
    parser.add_argument("--rounds", type=int, default=1, help="times to alternate 1 and 2 workers")
    parser.add_argument("--longest-first", action="store_true",
                        help="also 2 workers handing out the longest journeys first (the 1-worker run's durations)")
    args = parser.parse_args()
    print(f"workers: {args.profile.name}, {os.cpu_count()} cores, {args.rounds} round(s); {load()}")
    rates: dict[str, list[float]] = {"1": [], "2": [], "2 longest first": []}
    for _ in range(args.rounds):
        wall, journeys, took = once(args.profile, 1)
        rates["1"].append(journeys * 60 / wall)
        wall, journeys, _ = once(args.profile, 2)
        rates["2"].append(journeys * 60 / wall)
        if args.longest_first:
            wall, journeys, _ = once(args.profile, 2, took)
            rates["2 longest first"].append(journeys * 60 / wall)
    one = statistics.median(rates["1"])
    for label in ("2", "2 longest first"):
        if not rates[label]:
            continue
        two = statistics.median(rates[label])
        verdict = "meets" if two / one >= BUDGET else "misses"
        print(f"workers: median {one:.1f} journeys/min with 1 worker, {two:.1f} with {label.replace('2', '2 workers', 1)}: "
              f"ratio {two / one:.2f}x ({verdict} the {BUDGET}x budget)")


if __name__ == "__main__":
    main()
