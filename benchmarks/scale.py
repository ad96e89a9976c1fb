"""Scale figures of issue 13: printed, not asserted.

    .venv/bin/python benchmarks/scale.py                  # the report for 500 journeys
    .venv/bin/python benchmarks/scale.py --record 100     # also peak memory of recording 100 journeys

report: the fixture runs (tests/fixtures/traces) repeated to 500 journeys, each step with a
screenshot of its own (a generated 1280x800 JPEG of a shop-like page, different per
journey: nothing is shared between journeys), judged and rendered with report.html.
Budget: under 2 s and under 15 MB. record: the demo happy path N times in one audit
(the demo shop, one worker); the peak resident memory of this process and of its
largest child (Chromium, the Playwright driver). Figure only.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from journeyaudit.audit import summarise  # noqa: E402
from journeyaudit.facts import ledger  # noqa: E402
from journeyaudit.history import store  # noqa: E402
from journeyaudit.judge.engine import judge  # noqa: E402
from journeyaudit.model import Result  # noqa: E402
from journeyaudit.rules.registry import all_rules  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "traces"
REPORT_BUDGET_S, REPORT_BUDGET_MB = 2.0, 15.0


def fake_screenshot(seed: int) -> bytes:
    """A 1280x800 JPEG (quality 60, as the recorder writes) of blocks and text lines, unique per seed."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (1280, 800), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 1280, 70), fill=(40, 40, 60))
    for row in range(24):
        y = 100 + row * 28
        draw.text((60, y), f"Line {seed}-{row} " + "lorem ipsum " * rng.randint(2, 9), fill=(30, 30, 30))
    for _ in range(4):
        x, y = rng.randint(700, 1100), rng.randint(100, 650)
        draw.rectangle((x, y, x + 150, y + 110), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=60)
    return buffer.getvalue()


def build(root: Path, journeys: int) -> tuple[Result, dict]:
    """The fixture runs repeated to ``journeys``, each step with a screenshot of its own, judged, with ledgers.

    Screenshots already in ``root`` (``--keep``) are used again: making 3,000 of them takes a minute.
    """
    base = [store.load_run(d) for d in store.find_trace_dirs(FIXTURES)]
    runs = []
    for n in range(journeys):
        run = dataclasses.replace(base[n % len(base)], journey_id=f"j{n:04}-{base[n % len(base)].journey_id}")
        run.steps = [dataclasses.replace(step) for step in run.steps]
        folder = root / "traces" / run.journey_id
        folder.mkdir(parents=True, exist_ok=True)
        for step in run.steps:
            if step.status != "skipped":
                step.screenshot = f"{step.index:02}.jpg"
                if not (folder / step.screenshot).is_file():
                    (folder / step.screenshot).write_bytes(fake_screenshot(n * 100 + step.index))
        runs.append(run)
    findings, outcomes = judge(runs)
    labels = ledger.labels_for_audit({})  # result.json holds each journey's ledger, as audit.py writes it
    result = Result(audit="scale", base_url=runs[0].base_url, findings=findings, outcomes=outcomes,
                    runs=[summarise(run, f"traces/{run.journey_id}") for run in runs],
                    ledgers=[ledger.build(run, labels) for run in runs])
    return result, {run.journey_id: run for run in runs}


def bench_report(journeys: int, keep: Path | None) -> None:
    import shutil

    from journeyaudit.report.html import write_html
    from journeyaudit.report.screenshots import CACHE_FOLDER

    with tempfile.TemporaryDirectory() as tmp:
        root = keep or Path(tmp)
        result, by_id = build(root, journeys)
        shutil.rmtree(root / CACHE_FOLDER, ignore_errors=True)  # the first report makes every thumbnail
        shots = sum(1 for run in by_id.values() for step in run.steps if step.screenshot)
        print(f"report:  {journeys} journeys, {sum(len(r.steps) for r in by_id.values())} steps, {shots} screenshots, "
              f"{len(result.findings)} findings")
        for label in ("first (makes the thumbnails)", "again (thumbnails cached)"):
            t0, c0 = time.perf_counter(), time.process_time()
            path = write_html(result, by_id, root / "report.html", trace_root=root, rules=all_rules())
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            size = path.stat().st_size / 1e6
            html = path.read_text(encoding="utf-8")
            linked = html.count('class="no-shot shot-link"')
            print(f"  {label}: {wall:.2f} s wall, {cpu:.2f} s CPU ({wall / REPORT_BUDGET_S:.2f}x the "
                  f"{REPORT_BUDGET_S:.0f} s budget: {'within' if wall <= REPORT_BUDGET_S else 'OVER'}), {size:.1f} MB "
                  f"({size / REPORT_BUDGET_MB:.2f}x the {REPORT_BUDGET_MB:.0f} MB budget: "
                  f"{'within' if size <= REPORT_BUDGET_MB else 'OVER'}); {html.count('<img ')} screenshots embedded, "
                  f"{linked} linked")


class TreeMemory:
    """Samples the memory of this process and all its descendants (Playwright's driver, Chromium's
    processes) once a second: peak RSS of this process, peak PSS of the whole tree (PSS shares each
    shared page among the processes that map it, so the sum is not inflated by Chromium's shared pages)."""

    def __init__(self, every: float = 1.0):
        import threading

        import psutil

        self.me, self.every, self.samples = psutil.Process(), every, []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        start = time.perf_counter()
        while not self.stop.wait(self.every):
            tree, count = 0, 0
            for proc in [self.me, *self.me.children(recursive=True)]:
                try:
                    tree += proc.memory_full_info().pss
                    count += 1
                except (psutil.Error, AttributeError):
                    continue
            self.samples.append((time.perf_counter() - start, self.me.memory_info().rss, tree, count))

    def __enter__(self) -> TreeMemory:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join()


def bench_record(journeys: int, workers: int | None = None) -> None:
    from journeyaudit.audit import run_audit
    from journeyaudit.gather.browser import find_browser
    from journeyaudit.spec.config import resolve

    with tempfile.TemporaryDirectory() as tmp, TreeMemory() as memory:
        options = {"out": tmp, "demo_shop": True} | ({"workers": workers} if workers else {})
        settings = resolve([str(ROOT / "journeys" / "demo" / "happy-path.yaml")], options)
        one = settings.journeys[0]
        settings.journeys = [dataclasses.replace(one, id=f"{one.id}-{n:03}") for n in range(journeys)]
        t0 = time.perf_counter()
        result, _ = run_audit(settings, find_browser())
        wall = time.perf_counter() - t0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    passed = sum(1 for r in result.runs if r.status == "passed")
    mb = 1024 * 1024
    print(f"record:  {journeys} journeys ({passed} passed, {settings.workers} worker(s)) in {wall:.0f} s (load average {os.getloadavg()[0]:.1f}): "
          f"peak RSS {own:.0f} MB in journeyaudit's process, {child:.0f} MB in its largest child process")
    if memory.samples:
        peak = max(memory.samples, key=lambda sample: sample[2])
        quarter = [s for s in memory.samples if s[0] >= wall / 4][:1] or memory.samples[:1]
        print(f"  whole process tree (journeyaudit, Playwright's driver, Chromium): peak PSS {peak[2] / mb:.0f} MB "
              f"({peak[3]} processes); journeyaudit's own RSS {quarter[0][1] / mb:.0f} MB a quarter of the way, "
              f"{memory.samples[-1][1] / mb:.0f} MB at the end ({len(memory.samples)} samples, one a second)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--journeys", type=int, default=500, help="journeys in the report (default 500; 0: no report figure)")
    parser.add_argument("--record", type=int, default=0, metavar="N", help="also record the happy path N times")
    parser.add_argument("--workers", type=int, metavar="N", help="workers for --record (default: journeyaudit's own)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="make the synthetic run in DIR and keep it (reused)")
    args = parser.parse_args()
    if args.journeys:
        bench_report(args.journeys, args.keep)
    if args.record:
        bench_record(args.record, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
