"""The progress lines of journeys run side by side: each journey's step lines come after its own line."""

from __future__ import annotations

from types import SimpleNamespace

from journeyaudit import model
from journeyaudit.report import terminal


def _journey(name: str) -> model.Journey:
    return model.Journey(id=name, name=name, path=f"journeys/{name}.yaml", steps=[])


def _failed_run(name: str) -> model.Run:
    step = model.StepRecord(index=7, name="Confirmation", role="confirmation", status="failed",
                            error="expected to arrive at '**/order/*', but the page is http://127.0.0.1:8000/cart")
    return model.Run(name, name, f"journeys/{name}.yaml", "http://127.0.0.1:8000", steps=[step], status="failed")


def _lines(capsys, workers: int, tell) -> list[str]:
    progress = terminal.TerminalProgress()
    journeys = [_journey("late-fee"), _journey("stock-out")]
    progress.audit_started(SimpleNamespace(name="demo", journeys=journeys, workers=workers), "http://127.0.0.1:8000",
                           "Chromium", None)
    tell(progress, journeys)
    return [line.strip() for line in capsys.readouterr().out.splitlines()[1:]]


def test_side_by_side_a_failed_step_is_told_under_its_own_journey(capsys):
    def tell(progress, journeys):
        late_fee, stock_out = journeys
        run = _failed_run("stock-out")
        progress.step_done(stock_out, run.steps[0])  # stock-out's step fails while late-fee is finishing
        progress.journey_done(1, 2, model.Run("late-fee", "late-fee", "journeys/late-fee.yaml", ""), [])
        progress.journey_done(2, 2, run, [])

    lines = _lines(capsys, 2, tell)
    assert lines[0].startswith("[1/2] late-fee") and lines[1].startswith("[2/2] stock-out")
    assert lines[2] == ("step 7 'Confirmation' failed in 0.0s: the customer stayed on /cart instead of reaching a page "
                        "under /order/")


def test_one_at_a_time_a_failed_step_is_told_as_it_happens(capsys):
    def tell(progress, journeys):
        run = _failed_run("stock-out")
        progress.journey_started(2, 2, journeys[1])
        progress.step_done(journeys[1], run.steps[0])
        progress.journey_done(2, 2, run, [])

    lines = _lines(capsys, 1, tell)
    assert lines[0].startswith("[2/2] stock-out") and "running" in lines[0]
    assert lines[1].startswith("step 7 'Confirmation' failed") and lines[2].startswith("[2/2] stock-out")
