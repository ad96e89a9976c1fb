"""Re-judging cost per recorded run: printed, not asserted.

    .venv/bin/python benchmarks/rejudge.py [--repeat 3]

Every rule over each fixture trace in tests/fixtures/traces, one run at a time.
Each repetition judges a freshly loaded run (loading is not timed), so nothing
computed for one judgement is reused by the next: this is what
``journeyaudit audit`` pays when it re-judges saved traces. The budget is 50 ms
per run (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from journeyaudit.history import store  # noqa: E402
from journeyaudit.judge.engine import RuleSettings, judge_run, selected_rules  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "traces"
BUDGET_MS = 50.0


def time_run(trace_dir: Path, repeat: int) -> tuple[int, float]:
    """(steps, median ms) of judging one trace ``repeat`` times, each from a fresh load."""
    settings = RuleSettings()
    rules = selected_rules(settings)
    times = []
    steps = 0
    for _ in range(repeat):
        run = store.load_run(trace_dir)
        steps = len(run.steps)
        t0 = time.perf_counter()
        judge_run(run, rules, settings)
        times.append((time.perf_counter() - t0) * 1000)
    return steps, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = []
    for trace_dir in store.find_trace_dirs(FIXTURES):
        steps, ms = time_run(trace_dir, args.repeat)
        figures.append((trace_dir.name, steps, ms))
        print(f"{trace_dir.name:34} {steps:2} steps {ms:7.1f} ms")
    times = [ms for _, _, ms in figures]
    worst = max(figures, key=lambda item: item[2])
    mean = statistics.mean(times)
    print(f"\n{len(figures)} runs: mean {mean:.1f} ms, worst {worst[2]:.1f} ms ({worst[0]}); "
          f"budget {BUDGET_MS:.0f} ms: mean at {mean / BUDGET_MS:.2f}x, worst at {worst[2] / BUDGET_MS:.2f}x")


if __name__ == "__main__":
    main()
