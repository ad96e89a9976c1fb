"""Speed and memory figures for journeyaudit: printed, not asserted.

    .venv/bin/python benchmarks/bench.py            # judge + report on recorded fixtures
    .venv/bin/python benchmarks/bench.py --record   # also record the demo audit in Chromium
    .venv/bin/python benchmarks/bench.py --axe      # also what axe-core costs per step (JA605)

Goals (see benchmarks/README.md): judging is cheap next to recording (ratio
printed), the report stays small enough to mail, and the recorder's own
overhead per step is small next to the shop's time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from journeyaudit.audit import summarise  # noqa: E402
from journeyaudit.history import store  # noqa: E402
from journeyaudit.judge.engine import judge  # noqa: E402
from journeyaudit.model import Result  # noqa: E402
from journeyaudit.rules.registry import all_rules  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "traces"


def timed(function, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        function()
        times.append(time.perf_counter() - t0)
    return times


def bench_judge(runs, repeat: int) -> float:
    times = timed(lambda: judge(runs), repeat)
    per_run_ms = statistics.median(times) * 1000 / len(runs)
    tracemalloc.start()
    judge(runs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    steps = sum(len(run.steps) for run in runs)
    print(f"judge:   {len(all_rules())} rules x {len(runs)} runs ({steps} steps): "
          f"median {statistics.median(times) * 1000:.1f} ms per audit, {per_run_ms:.2f} ms per run, "
          f"peak {peak / 1e6:.1f} MB")
    return per_run_ms


def bench_load(repeat: int) -> None:
    dirs = store.find_trace_dirs(FIXTURES)
    times = timed(lambda: [store.load_run(d) for d in dirs], repeat)
    size = sum(p.stat().st_size for d in dirs for p in d.iterdir())
    print(f"load:    {len(dirs)} traces ({size / 1e6:.2f} MB on disk): median {statistics.median(times) * 1000:.1f} ms")


def bench_report(runs) -> None:
    from journeyaudit.report.html import render_html

    findings, outcomes = judge(runs)
    result = Result(audit="bench", base_url=runs[0].base_url, findings=findings, outcomes=outcomes,
                    runs=[summarise(run, f"traces/{run.journey_id}") for run in runs])
    times = timed(lambda: render_html(result, {r.journey_id: r for r in runs}, trace_root=FIXTURES.parent,
                                      rules=all_rules()), 5)
    html = render_html(result, {r.journey_id: r for r in runs}, trace_root=None, rules=all_rules())
    print(f"report:  {len(findings)} findings: median {statistics.median(times) * 1000:.1f} ms to render, "
          f"{len(html.encode()) / 1e3:.0f} kB without screenshots")


def bench_record() -> float:
    from journeyaudit.audit import run_audit
    from journeyaudit.gather.browser import find_browser
    from journeyaudit.spec.config import resolve

    with tempfile.TemporaryDirectory() as tmp:
        settings = resolve([str(ROOT / "audits" / "demo.yaml")], {"out": tmp})
        t0 = time.perf_counter()
        result, folder = run_audit(settings, find_browser())
        wall = time.perf_counter() - t0
        runs = [store.load_run(folder / s.trace) for s in result.runs]
        steps = [step for run in runs for step in run.steps if step.status != "skipped"]
        step_ms = sum(step.duration_ms for step in steps)
        run_ms = sum(run.duration_ms for run in runs)
        report_kb = (folder / "report.html").stat().st_size / 1e3
        print(f"record:  {len(runs)} journeys, {len(steps)} steps in {wall:.1f} s wall "
              f"({wall / len(runs):.2f} s per journey); steps' own time {step_ms / 1000:.1f} s, "
              f"recorder overhead (snapshots, contexts) {(run_ms - step_ms) / 1000:.1f} s "
              f"= {(run_ms - step_ms) / max(len(steps), 1):.0f} ms per step; report {report_kb:.0f} kB")
        return wall * 1000 / len(runs)


def bench_axe(repeat: int = 3) -> None:
    """What axe-core on every step (JA605) costs: the happy path recorded with it off and on."""
    from journeyaudit.audit import run_audit
    from journeyaudit.gather.browser import find_browser
    from journeyaudit.spec.config import resolve

    journey = str(ROOT / "journeys" / "demo" / "happy-path.yaml")
    walls: dict[bool, list[float]] = {False: [], True: []}
    steps = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeat):
            for enabled in (False, True):
                settings = resolve([journey], {"out": tmp, "demo_shop": True})
                settings.accessibility = enabled
                result, folder = run_audit(settings, find_browser())
                run = store.load_run(folder / result.runs[0].trace)
                steps = len(run.steps)
                walls[enabled].append(run.duration_ms)
    off, on = statistics.median(walls[False]), statistics.median(walls[True])
    print(f"axe:     happy path ({steps} steps) median {off / 1000:.2f} s without axe-core, {on / 1000:.2f} s with it: "
          f"+{(on - off) / steps:.0f} ms per step (+{(on - off) / off * 100:.0f}%), {repeat} runs each")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="also record the demo audit with Chromium")
    parser.add_argument("--axe", action="store_true", help="also measure axe-core's cost per step (records 6 journeys)")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    runs = [store.load_run(d) for d in store.find_trace_dirs(FIXTURES)]
    if not runs:
        print("no fixtures: run `make fixtures` first", file=sys.stderr)
        return 2
    bench_load(10)
    per_run_ms = bench_judge(runs, args.repeat)
    bench_report(runs)
    if args.axe:
        bench_axe()
    if args.record:
        record_ms = bench_record()
        print(f"ratio:   recording a journey costs {record_ms / per_run_ms:,.0f}x judging it "
              "(why re-judging saved traces is the cheap path)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
