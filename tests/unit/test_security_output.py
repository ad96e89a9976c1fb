"""A hostile page cannot hijack journeyaudit's output (issue 14, class 2).

What a page says reaches the terminal as one line without control characters,
no line of output can start with ``::`` (a GitHub Actions workflow command),
and a stored HTML snapshot carries a CSP that forbids every script.
"""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from journeyaudit import model
from journeyaudit.history import store
from journeyaudit.report import terminal

HOSTILE = "boom\n::error file=x::owned\r\n::stop-commands::tok\x1b[2J\x1b]0;title\x07\u202eevil\x00\x9b31m"
STYLE = re.compile(r"\x1b\[[0-9;]*m")


def _hostile_result() -> tuple[model.Run, model.Result]:
    step = model.StepRecord(index=1, name="Pay\n::add-mask::x", role="payment", status="failed", error=HOSTILE)
    run = model.Run(HOSTILE, "Pay", "journeys/pay.yaml", "https://shop.example", steps=[step], status="error", error=HOSTILE)
    finding = model.Finding(code="JA101", severity="high", journey="pay", step=1, message=HOSTILE)
    result = model.Result(audit="a", base_url="https://shop.example", started_at=0, fail_on="high", findings=[finding],
                          errors=[HOSTILE])
    return run, result


def _assert_safe(output: str) -> None:
    plain = STYLE.sub("", output)
    assert "\x1b" not in plain and "\x9b" not in plain and "\u202e" not in plain and "\x00" not in plain
    for line in plain.splitlines():
        assert not line.strip().startswith("::"), line
        assert not line.strip().startswith("##["), line


def _capture(callback) -> str:
    @click.command()
    def command() -> None:
        callback()

    result = CliRunner().invoke(command, [], color=True)
    assert result.exception is None, result.exception
    return result.output


def test_flat_keeps_one_printable_line():
    text = terminal.flat(HOSTILE)
    assert "\n" not in text and "\r" not in text
    assert all(c.isprintable() for c in text)
    assert "owned" in text and "evil" in text  # the words stay readable


def test_progress_lines_are_flat_and_never_commands():
    run, _ = _hostile_result()
    progress = terminal.TerminalProgress(verbose=True)
    journey = model.Journey(id=HOSTILE, name="Pay", path="journeys/pay.yaml", steps=[])
    output = _capture(lambda: (
        progress.journey_started(1, 1, journey),
        progress.step_done(journey, run.steps[0]),
        progress.journey_done(1, 1, run, []),
    ))
    _assert_safe(output)
    assert len(output.splitlines()) == 3


def test_summary_is_flat_and_never_commands():
    _, result = _hostile_result()
    output = _capture(lambda: terminal.print_summary(result, None))
    _assert_safe(output)
    assert "owned" in output


@pytest.mark.parametrize("line", ["::error::x", "  ::warning::x", "##[error]x", click.style("::set-output", fg="red")])
def test_a_line_starting_like_a_command_is_prefixed(line):
    _assert_safe(_capture(lambda: terminal.echo(line)))


def test_stored_snapshot_forbids_scripts_and_reads_back_unchanged(tmp_path):
    html = ('<!DOCTYPE html><html><head><script>alert(1)</script>'
            '<script type="application/ld+json">{"@type": "Product"}</script></head>'
            '<body><img src=x onerror="alert(2)"></body></html>')
    step = model.StepRecord(index=1, name="Product", role="product", html=html)
    store.save_run(model.Run("p", "P", "journeys/p.yaml", "https://shop.example", steps=[step]), tmp_path)
    stored = next(tmp_path.glob("*.html")).read_text(encoding="utf-8")
    csp = stored.find('http-equiv="Content-Security-Policy"')
    assert 0 <= csp < stored.find("<script")
    assert stored.lower().startswith("<!doctype html>")  # standards mode kept
    assert "script-src 'none'" in stored and "default-src 'none'" in stored
    assert store.load_run(tmp_path).steps[0].html == html  # rules read what the page gave
