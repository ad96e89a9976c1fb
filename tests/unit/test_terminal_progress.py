"""The progress lines of journeys run side by side: each journey's step lines come after its own line."""

from __future__ import annotations

import io
import os
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


class _Terminal(io.StringIO):
    """stderr as a terminal: what the live line writes."""

    def isatty(self) -> bool:
        return True


def _stepped(name: str, steps: int) -> model.Journey:
    return model.Journey(id=name, name=name, path=f"journeys/{name}.yaml",
                         steps=[model.Step(name=f"step {n}", role="other", actions=[]) for n in range(1, steps + 1)])


def _live_progress(workers: int, journeys, monkeypatch, columns: int = 100):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(terminal.shutil, "get_terminal_size", lambda fallback=None: os.terminal_size((columns, 24)))
    stream = _Terminal()
    progress = terminal.TerminalProgress(live=terminal.LiveLine(stream))
    progress.audit_started(SimpleNamespace(name="demo", journeys=journeys, workers=workers), "http://127.0.0.1:8000",
                           "Chromium", None)
    return progress, stream


def test_the_live_line_says_which_journeys_run_and_at_which_step(capsys, monkeypatch):
    journeys = [_stepped("late-fee", 7), _stepped("stock-out", 7)]
    progress, stream = _live_progress(2, journeys, monkeypatch)
    progress.running(journeys[0])
    progress.running(journeys[1])
    progress.running(journeys[1], model.StepRecord(index=1, name="step 1", role="other", status="passed"))
    assert progress.live.text == "running 2: late-fee 1/7, stock-out 2/7"
    progress.journey_done(1, 2, model.Run("late-fee", "late-fee", "journeys/late-fee.yaml", ""), [])
    assert progress.live.text == "running stock-out: step 2/7 'step 2' ..."
    # the permanent line was printed with the live line cleared first, and the live line came back after it
    written = stream.getvalue()
    assert written.count(terminal.LiveLine.CLEAR) >= 4
    assert written.endswith(terminal.LiveLine.CLEAR + "running stock-out: step 2/7 'step 2' ...")
    assert capsys.readouterr().out.splitlines()[-1].startswith("[1/2] late-fee")  # stdout: the lines as before
    progress.journey_done(2, 2, model.Run("stock-out", "stock-out", "journeys/stock-out.yaml", ""), [])
    assert progress.live.text == "" and stream.getvalue().endswith(terminal.LiveLine.CLEAR)  # nothing left behind
    progress.close()
    assert not progress._ticker.is_alive() or progress._ticker.join(2) or not progress._ticker.is_alive()


def test_the_live_line_is_flat_and_never_wider_than_the_terminal(monkeypatch):
    journey = _stepped("checkout", 3)
    journey.steps[1].name = "Pay \x1b[31mnow\x1b[0m\nor\rnever " + "x" * 200
    progress, stream = _live_progress(1, [journey], monkeypatch, columns=60)
    progress.running(journey, model.StepRecord(index=1, name="step 1", role="other", status="passed"))
    assert progress.live.text.startswith("running checkout: step 2/3 'Pay now or never xxx")
    assert len(progress.live.text) == 59 and progress.live.text.endswith("…")
    assert "\x1b[31m" not in stream.getvalue() and "\n" not in stream.getvalue()
    progress.close()
    assert progress.live.text == "" and stream.getvalue().endswith(terminal.LiveLine.CLEAR)


def test_no_live_line_off_a_terminal(monkeypatch):
    """A CI log, a file or a pipe gets the permanent lines only."""
    stream = io.StringIO()  # isatty() is False
    progress = terminal.TerminalProgress(live=terminal.LiveLine(stream))
    journeys = [_stepped("late-fee", 2)]
    progress.audit_started(SimpleNamespace(name="demo", journeys=journeys, workers=2), "", "Chromium", None)
    progress.running(journeys[0])
    progress.close()
    assert stream.getvalue() == ""
    monkeypatch.setenv("TERM", "dumb")
    assert not terminal.LiveLine(_Terminal()).on


def test_the_live_line_tells_how_long_a_step_has_taken_once_it_is_long(monkeypatch):
    journeys = [_stepped("slow-step", 7), _stepped("late-fee", 7)]
    progress, _ = _live_progress(2, journeys, monkeypatch)
    clock = [100.0]
    monkeypatch.setattr(terminal.time, "monotonic", lambda: clock[0])
    progress.running(journeys[0], model.StepRecord(index=4, name="step 4", role="other", status="passed"))
    progress.running(journeys[1])
    assert progress.live.text == "running 2: slow-step 5/7, late-fee 1/7"
    clock[0] += 6.2
    progress._tick_once()
    assert progress.live.text == "running 2: slow-step 5/7 6s, late-fee 1/7 6s"
    progress.running(journeys[1], model.StepRecord(index=1, name="step 1", role="other", status="passed"))
    assert progress.live.text == "running 2: slow-step 5/7 6s, late-fee 2/7"
    progress.close()


def test_the_crawl_draws_its_live_line_the_same_way(monkeypatch):
    """`crawl`'s pages-so-far line is the same LiveLine: cut to the width, cleared before the summary."""
    from journeyaudit.cli.crawl_command import _Progress
    from journeyaudit.crawl.records import PageRecord

    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setattr(terminal.shutil, "get_terminal_size", lambda fallback=None: os.terminal_size((40, 24)))
    stream = _Terminal()
    progress = _Progress(live=terminal.LiveLine(stream))
    progress(PageRecord(url="http://shop.test/", status=200), SimpleNamespace(pages=352, pages_per_second=93.6, products=304))
    assert progress.live.text == "crawl: 352 pages (94/s), 304 products,…" and len(progress.live.text) == 39
    progress.live.clear()
    assert stream.getvalue().endswith(terminal.LiveLine.CLEAR) and "\n" not in stream.getvalue()
