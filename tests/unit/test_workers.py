"""The journey pool (gather/workers.py) with stand-in runners: no browser, so the pool's own logic is what fails.

The real thing (two Chromiums on the demo shop giving the same findings as one) is
tests/e2e/test_workers.py.
"""

from __future__ import annotations

import queue
import threading
import time
from pathlib import Path

import pytest

from journeyaudit import model
from journeyaudit.gather.browser import BrowserChoice
from journeyaudit.gather.runner import Runner, RunnerOptions
from journeyaudit.gather.workers import JourneyPool, in_listed_order, longest_first
from journeyaudit.spec.settings import auto_workers

OPTIONS = RunnerOptions(base_url="http://127.0.0.1:9", browser=BrowserChoice(executable="/nonexistent/chromium", source="option"))


def journey(name: str, steps: int = 2) -> model.Journey:
    return model.Journey(
        id=name, name=name.title(), path=f"journeys/{name}.yaml",
        steps=[model.Step(name=f"step {n}", role="other", actions=[]) for n in range(1, steps + 1)],
    )


class FakeRunner:
    """Records a journey as passed after ``delay`` seconds, telling each step; 'boom' journeys raise."""

    launched: list[FakeRunner] = []
    delay = 0.0
    gate: threading.Barrier | None = None

    def __init__(self, options):
        self.options, self.closed, self.ran = options, False, []
        self.browser_version = "Fake 1"

    def __enter__(self):
        FakeRunner.launched.append(self)
        return self

    def __exit__(self, *exc_info):
        self.closed = True

    def run(self, journey, run_dir, on_step=None):
        if journey.id.startswith("boom"):
            raise RuntimeError("the runner broke its promise\nsecond line")
        if FakeRunner.gate is not None:
            FakeRunner.gate.wait(timeout=5)  # only passes when another worker is in a journey at the same time
        self.ran.append(journey.id)
        run = model.Run(journey_id=journey.id, journey_name=journey.name, journey_path=journey.path,
                        base_url=self.options.base_url, status="passed")
        for index, step in enumerate(journey.steps, start=1):
            time.sleep(self.delay)
            record = model.StepRecord(index=index, name=step.name, role=step.role, status="passed")
            run.steps.append(record)
            if on_step:
                on_step(journey, record)
        return run


@pytest.fixture(autouse=True)
def fresh_fake():
    """FakeRunner's class-wide settings, fresh for each test and left so after it: other modules
    (test_retries.py) use FakeRunner too, and a gate left behind would hold their journeys 5 s."""
    FakeRunner.launched, FakeRunner.delay, FakeRunner.gate = [], 0.0, None
    yield
    FakeRunner.launched, FakeRunner.delay, FakeRunner.gate = [], 0.0, None


def test_every_journey_is_recorded_once_and_every_browser_closed(tmp_path):
    journeys = [journey(f"j{n}") for n in range(7)]
    with JourneyPool(OPTIONS, 3, FakeRunner) as pool:
        done = list(pool.run(journeys, tmp_path))
    assert sorted(d.journey.id for d in done) == sorted(j.id for j in journeys)
    assert [d.count for d in done] == list(range(1, 8))
    assert all(d.run.status == "passed" and d.journey.id == d.run.journey_id for d in done)
    assert len(FakeRunner.launched) == 3 and all(r.closed for r in FakeRunner.launched)
    assert sorted(j for r in FakeRunner.launched for j in r.ran) == sorted(j.id for j in journeys)


def test_two_workers_record_two_journeys_at_the_same_time(tmp_path):
    FakeRunner.gate = threading.Barrier(2)  # a journey waits until the other worker is in one too
    with JourneyPool(OPTIONS, 2, FakeRunner) as pool:
        done = list(pool.run([journey("a"), journey("b")], tmp_path))
    assert {d.run.status for d in done} == {"passed"}
    assert all(len(r.ran) == 1 for r in FakeRunner.launched)


def test_longest_first_puts_journeys_without_a_duration_first_then_the_longest():
    journeys = [journey(name) for name in ("short", "new", "long", "middle", "also-new", "short-too")]
    durations = {"short": 2_800.0, "long": 8_900.0, "middle": 4_200.0, "short-too": 2_800.0}
    order = longest_first(list(range(6)), journeys, durations)
    assert [journeys[i].id for i in order] == ["new", "also-new", "long", "middle", "short", "short-too"]


class _Handed(queue.Queue):
    """The pool's task queue, noting the journeys in the order the workers take them (under the queue's lock)."""

    def __init__(self):
        super().__init__()
        self.taken: list[str] = []

    def _get(self):
        task = super()._get()
        if task is not None:
            self.taken.append(task[1].id)
        return task


@pytest.mark.parametrize("workers, expected", [(2, ["long", "middle", "short"]), (1, ["short", "long", "middle"])])
def test_the_pool_hands_out_the_longest_journeys_first_when_it_has_more_than_one_worker(tmp_path, workers, expected):
    """One worker keeps the audit's order (nothing to balance): its progress lines stay in the listed order."""
    journeys = [journey("short"), journey("long"), journey("middle")]
    pool = JourneyPool(OPTIONS, workers, FakeRunner)
    pool._tasks = handed = _Handed()  # before the workers start waiting on it
    with pool:
        done = list(pool.run(journeys, tmp_path, durations={"short": 100.0, "long": 900.0, "middle": 500.0}))
    assert handed.taken == expected
    assert sorted(d.journey.id for d in done) == ["long", "middle", "short"]


def test_a_runner_that_raises_gives_an_error_run_and_the_audit_goes_on(tmp_path):
    """The pool relies on Runner.run never raising; if one does, the journey is an error, never lost (no hang)."""
    journeys = [journey("a"), journey("boom"), journey("c")]
    with JourneyPool(OPTIONS, 2, FakeRunner) as pool:
        done = {d.journey.id: d.run for d in pool.run(journeys, tmp_path)}
    assert set(done) == {"a", "boom", "c"}
    assert done["boom"].status == "error"
    assert done["boom"].error == "the journey runner raised RuntimeError: the runner broke its promise"
    assert done["a"].status == done["c"].status == "passed"


def test_a_browser_that_cannot_start_fails_the_pool_before_any_journey(tmp_path):
    class NoBrowser(FakeRunner):
        def __enter__(self):
            raise RuntimeError("no Chromium here")

    with pytest.raises(RuntimeError, match="no Chromium here"):
        JourneyPool(OPTIONS, 2, NoBrowser).__enter__()


def test_progress_comes_on_the_callers_thread_and_two_journeys_never_interleave(tmp_path):
    FakeRunner.delay = 0.01
    seen: list[tuple[str, str, int]] = []
    caller = threading.current_thread()

    def step_done(j, step):
        assert threading.current_thread() is caller
        seen.append(("step", j.id, step.index))

    with JourneyPool(OPTIONS, 2, FakeRunner) as pool:
        for done in pool.run([journey(f"j{n}", 3) for n in range(4)], tmp_path, step_done=step_done,
                             started=lambda *a: seen.append(("started", a[2].id, a[0]))):
            seen.append(("done", done.journey.id, done.count))
    assert not [event for event in seen if event[0] == "started"]  # more than one worker: no start lines
    for at in range(0, len(seen), 4):  # each journey's three steps, then its line
        block = seen[at:at + 4]
        assert [e[0] for e in block] == ["step", "step", "step", "done"] and len({e[1] for e in block}) == 1


def test_one_worker_tells_each_start_and_step_as_it_happens(tmp_path):
    seen = []
    with JourneyPool(OPTIONS, 1, FakeRunner) as pool:
        for done in pool.run([journey("a"), journey("b")], tmp_path, step_done=lambda j, s: seen.append((j.id, s.index)),
                             started=lambda position, total, j: seen.append((j.id, f"{position}/{total}"))):
            seen.append((done.journey.id, "done"))
    assert seen == [("a", "1/2"), ("a", 1), ("a", 2), ("a", "done"), ("b", "2/2"), ("b", 1), ("b", 2), ("b", "done")]


def test_closing_stops_a_worker_at_the_end_of_its_step(tmp_path):
    FakeRunner.delay = 0.05
    pool = JourneyPool(OPTIONS, 1, FakeRunner).__enter__()
    results = pool.run([journey("long", 200)], tmp_path)
    thread = threading.Thread(target=lambda: list(results), daemon=True)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    pool.__exit__(None, None, None)  # what Ctrl-C or SIGTERM in the main thread leads to
    assert time.monotonic() - started < 2 and FakeRunner.launched[0].closed


def test_runner_run_never_raises_a_browser_that_cannot_launch_is_an_error_run(tmp_path):
    """The contract the pool relies on, on the real Runner: no Playwright at all is still a Run."""
    runner = Runner(OPTIONS)  # not entered: no Playwright, no browser; launching raises inside run()
    run = runner.run(journey("a"), tmp_path / "a")
    assert run.status == "error" and run.error and run.journey_id == "a"


def test_results_are_put_back_in_the_audits_order():
    journeys = [journey("a"), journey("b"), journey("c")]
    result = model.Result(audit="x", base_url="http://x")
    for name in ("c", "a", "b"):  # the order they finished in
        result.runs.append(model.RunSummary(journey_id=name, journey_name=name, journey_path="", status="passed"))
        result.findings.append(model.Finding(code="JA101", slug="s", severity="high", journey=name,
                                             step=1, message=name))
        result.outcomes.append(model.RuleOutcome(code="JA101", journey=name, status="failed"))
    runs = {name: model.Run(journey_id=name, journey_name=name, journey_path="", base_url="") for name in "cab"}
    runs = in_listed_order(result, runs, journeys)
    assert [s.journey_id for s in result.runs] == [f.journey for f in result.findings] == list("abc")
    assert [o.journey for o in result.outcomes] == list(runs) == list("abc")


def test_default_workers_are_half_the_cores_at_least_one(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert auto_workers() == 4
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert auto_workers() == 1
    monkeypatch.setattr("os.cpu_count", lambda: None)
    assert auto_workers() == 1


def test_path_of_each_journey_is_its_own_folder(tmp_path):
    seen = []

    class Spy(FakeRunner):
        def run(self, j, run_dir, on_step=None):
            seen.append(Path(run_dir))
            return super().run(j, run_dir, on_step)

    with JourneyPool(OPTIONS, 2, Spy) as pool:
        list(pool.run([journey("a"), journey("b")], tmp_path / "traces"))
    assert sorted(seen) == [tmp_path / "traces" / "a", tmp_path / "traces" / "b"]


# ---- the setting: defaults < profile < JOURNEYAUDIT_WORKERS < --workers ------------------


def _profile(tmp_path, extra: str = "") -> Path:
    import shutil

    (tmp_path / "journeys").mkdir(exist_ok=True)
    shutil.copy(Path(__file__).parent / "data" / "validation" / "valid-journey.yaml", tmp_path / "journeys" / "guest.yaml")
    path = tmp_path / "staging.yaml"
    path.write_text(f"name: staging\nbase_url: https://staging.example.com\njourneys: [journeys/guest.yaml]\n{extra}",
                    encoding="utf-8")
    return path


def _workers_of(args: list[str]) -> int:
    from journeyaudit.cli.run import run, run_overrides
    from journeyaudit.rules.registry import all_rules
    from journeyaudit.spec import config

    context = run.make_context("run", list(args))
    params = context.params
    return config.resolve(list(params["files"]), run_overrides(params), {"TEST_CARD": "4242"}, rules=all_rules()).workers


def test_workers_precedence(tmp_path, monkeypatch):
    monkeypatch.delenv("JOURNEYAUDIT_WORKERS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert _workers_of([str(_profile(tmp_path))]) == 3  # nothing said: half the cores
    path = str(_profile(tmp_path, "workers: 2\n"))
    assert _workers_of([path]) == 2
    monkeypatch.setenv("JOURNEYAUDIT_WORKERS", "4")
    assert _workers_of([path]) == 4
    assert _workers_of([path, "--workers", "1"]) == 1


def test_bad_workers_are_named(tmp_path, monkeypatch):
    import click

    from journeyaudit.spec import config
    from journeyaudit.spec.yamlsource import ValidationFailed

    monkeypatch.delenv("JOURNEYAUDIT_WORKERS", raising=False)
    with pytest.raises(ValidationFailed, match="workers"):
        _workers_of([str(_profile(tmp_path, "workers: 0\n"))])
    monkeypatch.setenv("JOURNEYAUDIT_WORKERS", "many")
    with pytest.raises(click.BadParameter):
        _workers_of([str(_profile(tmp_path))])
    with pytest.raises(ValidationFailed, match="--workers: workers must be a whole number from 1 to 64"):
        config.resolve([str(_profile(tmp_path))], {"workers": "0"}, {"TEST_CARD": "4242"})


def test_running_is_told_of_every_start_and_step_as_it_happens_with_two_workers(tmp_path):
    """The terminal's live line: with journeys side by side, what runs is told before any journey is done."""
    FakeRunner.gate = threading.Barrier(2)  # both journeys are under way at the same time
    seen: list[tuple[str, object]] = []
    with JourneyPool(OPTIONS, 2, FakeRunner) as pool:
        for done in pool.run([journey("a"), journey("b")], tmp_path,
                             running=lambda j, step: seen.append((j.id, step.index if step else "started"))):
            seen.append((done.journey.id, "done"))
    for name in ("a", "b"):
        mine = [what for journey_id, what in seen if journey_id == name]
        assert mine == ["started", 1, 2, "done"]
    first_done = next(at for at, (_, what) in enumerate(seen) if what == "done")
    assert {journey_id for journey_id, what in seen[:first_done] if what == "started"} == {"a", "b"}
