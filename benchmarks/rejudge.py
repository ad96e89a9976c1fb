"""Re-judging cost per recorded run: printed, not asserted.

    .venv/bin/python benchmarks/rejudge.py [--repeat 3]

Every rule over each fixture trace in tests/fixtures/traces, one run at a time.
Each repetition judges a freshly loaded run (loading is not timed), so nothing
computed for one judgement is reused by the next (the caches of text
functions are cleared too): this is what
``journeyaudit audit`` pays when it re-judges saved traces. The budget is 50 ms
per run (see benchmarks/README.md). Both wall time and CPU time are printed: on
a shared machine the wall time mostly measures the other processes.

Then ``journeyaudit audit``'s own path over the same folder (``audit.rejudge``: loading, judging and
the ledger for result.json, which shares the judgement's parsed pages), with one process and with
one per core (``--workers``), wall time scaled to 1,000 steps: the figure issue 13 budgets; with the
CPU time of the same run, this process's and the forked ones' (the wall time of a busy machine is
mostly the other processes'). Scaling up also multiplies what an audit pays once (forking the
judging processes), so the figure is measured a second way too: a folder holding the fixtures as
many times as it takes to pass 1,000 steps, re-judged as it is.

``--grid 100,400,1600``: also the demo happy path with a product grid of that many cards (the
storefront-sized page of benchmarks/storefront_page.py) added to every step's page: the fixtures' pages are
2-45 kB, a real shop's category or product page is hundreds; what judging such pages costs.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from journeyaudit.audit import rejudge  # noqa: E402
from journeyaudit.facts import page_text  # noqa: E402
from journeyaudit.history import store  # noqa: E402
from journeyaudit.judge.batch import default_workers  # noqa: E402
from journeyaudit.judge.engine import RuleSettings, judge_run, selected_rules  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "traces"
BUDGET_MS = 50.0
STEPS_BUDGET_S = 1.0  # re-judging 1,000 recorded steps (issue 13: scale figures)


def time_run(trace_dir: Path, repeat: int) -> tuple[int, float, float]:
    """(steps, median wall ms, median CPU ms) of judging one trace ``repeat`` times, each from a fresh load."""
    settings = RuleSettings()
    rules = selected_rules(settings)
    wall, cpu = [], []
    steps = 0
    for _ in range(repeat):
        run = store.load_run(trace_dir)
        steps = len(run.steps)
        page_text.clear_text_caches()  # cold: nothing learned from the previous judgement of this text
        w0, c0 = time.perf_counter(), time.process_time()
        judge_run(run, rules, settings)
        wall.append((time.perf_counter() - w0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return steps, statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--grid", metavar="CARDS", help="also judge the happy path with a grid of CARDS cards on "
                        "every page (comma-separated counts), and only that")
    args = parser.parse_args()
    if args.grid:
        time_grids([int(n) for n in args.grid.split(",")], args.repeat)
        return
    figures = []
    total_steps = 0
    for trace_dir in store.find_trace_dirs(FIXTURES):
        steps, wall, cpu = time_run(trace_dir, args.repeat)
        figures.append((trace_dir.name, wall, cpu))
        total_steps += steps
        print(f"{trace_dir.name:34} {steps:2} steps {wall:7.1f} ms wall {cpu:7.1f} ms CPU")
    print()
    for column, what in ((1, "wall"), (2, "CPU")):
        mean = statistics.mean(item[column] for item in figures)
        worst = max(figures, key=lambda item: item[column])
        print(f"{what:4}: {len(figures)} runs, mean {mean:.1f} ms, worst {worst[column]:.1f} ms ({worst[0]}); "
              f"budget {BUDGET_MS:.0f} ms: mean at {mean / BUDGET_MS:.2f}x, worst at {worst[column] / BUDGET_MS:.2f}x")
    # every fixture's steps judged once (median of the repetitions), scaled to 1,000 steps
    per_step = {what: sum(item[column] for item in figures) / max(total_steps, 1) for column, what in ((1, "wall"), (2, "CPU"))}
    print(f"re-judge 1,000 recorded steps: {per_step['CPU']:.2f} s (budget {STEPS_BUDGET_S:.0f} s) "
          f"[CPU; wall {per_step['wall']:.2f} s; {total_steps} steps in {len(figures)} runs, scaled]")
    time_audit(args.repeat, total_steps)
    time_audit_literal(args.repeat, total_steps)
    print(f"cores: {default_workers()}, load average: " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))


def time_grids(counts: list[int], repeat: int) -> None:
    """The demo happy path judged with a storefront-sized product grid on every step's page."""
    import storefront_page  # the grid's markup, shared with that benchmark

    settings = RuleSettings()
    rules = selected_rules(settings)
    for cards in counts:
        storefront_page.CARDS = cards
        page = storefront_page.served_page()
        grid = page[page.index("<main>"):page.index("</body>")]
        cpu = []
        for _ in range(repeat):
            run = store.load_run(FIXTURES / "happy-path")
            for step in run.steps:
                step.html = step.html.replace("</body>", grid + "</body>")
            page_text.clear_text_caches()
            c0 = time.process_time()
            judge_run(run, rules, settings)
            cpu.append((time.process_time() - c0) * 1000)
        steps = len(run.steps)
        print(f"happy path, {cards} cards on every page ({len(run.steps[0].html) // 1024} kB): "
              f"{statistics.median(cpu):.0f} ms CPU for {steps} steps = {statistics.median(cpu) / steps:.0f} ms per step")


def time_audit(repeat: int, total_steps: int) -> None:
    """``journeyaudit audit`` over the fixture folder, 1 process and every core, alternating; best of ``repeat``.

    Besides the wall time, the CPU time of this process and of the forked ones (``audit`` judges in this
    process too): on a shared machine the wall time measures the other processes; on an idle one it is
    about the larger of the two."""
    counts = sorted({1, default_workers()})
    best: dict[int, tuple[float, float, float]] = {}
    for _ in range(repeat):
        for workers in counts:
            page_text.clear_text_caches()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            w0, c0 = time.perf_counter(), time.process_time()
            rejudge(FIXTURES, RuleSettings(), workers=workers)
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            forked = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            if workers not in best or wall < best[workers][0]:
                best[workers] = (wall, cpu, forked)
    for workers in counts:
        wall, cpu, forked = (value * 1000 / max(total_steps, 1) for value in best[workers])
        cpus = f"CPU {cpu:.2f} s" + (f" here, {forked:.2f} s in the forked process(es)" if workers > 1 else "")
        print(f"journeyaudit audit, {workers} process(es): {best[workers][0]:.2f} s for {total_steps} steps; "
              f"1,000 steps {wall:.2f} s wall (budget {STEPS_BUDGET_S:.0f} s: {wall / STEPS_BUDGET_S:.2f}x; "
              f"loading the traces included) [{cpus}, same run]")


def time_audit_literal(repeat: int, fixture_steps: int) -> None:
    """``journeyaudit audit`` (every core) over at least 1,000 recorded steps: the fixtures copied as many
    times as that takes, each copy in its own folder; best of ``repeat``."""
    copies = math.ceil(1000 / max(fixture_steps, 1))
    with tempfile.TemporaryDirectory(prefix="rejudge-") as tmp:
        for copy in range(copies):
            shutil.copytree(FIXTURES, Path(tmp) / f"copy-{copy}")
        steps = fixture_steps * copies
        best = math.inf
        for _ in range(repeat):
            page_text.clear_text_caches()
            w0 = time.perf_counter()
            result, _ = rejudge(Path(tmp), RuleSettings(), workers=default_workers())
            best = min(best, time.perf_counter() - w0)
        assert len(result.runs) == copies * len(store.find_trace_dirs(FIXTURES)), "every copy judged"
    per_1000 = best * 1000 / steps
    print(f"journeyaudit audit, {default_workers()} process(es), {steps} steps (the fixtures {copies} times, "
          f"not scaled): {best:.2f} s = {per_1000:.2f} s per 1,000 steps (budget {STEPS_BUDGET_S:.0f} s: "
          f"{per_1000 / STEPS_BUDGET_S:.2f}x; loading the traces included)")


if __name__ == "__main__":
    main()
