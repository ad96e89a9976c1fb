"""Live progress and the closing summary on the terminal.

A line when a journey starts, a line when it finishes (steps done, findings by
severity, time), and a summary at the end. Plain text when the output is not
a terminal (CI logs), colours when it is. On a terminal, one more line at the
bottom (:class:`LiveLine`, on stderr, rewritten in place) says which journeys are
running and at which step: journeys side by side print nothing until the first
one ends, and one long journey nothing until its end.

Everything a page said (errors, messages, URLs, titles) is untrusted: it goes
through :func:`flat` (one line, no control characters or ANSI escapes) and every
line printed through :func:`echo`, which never lets a line start with ``::``, so
a shop cannot write GitHub Actions workflow commands into the run's log.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import click

from journeyaudit import model
from journeyaudit.facts import failure

SEVERITY_COLOURS = {"critical": "magenta", "high": "red", "medium": "yellow", "low": "cyan"}

_ESCAPE_SEQUENCE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b.?")
_STYLE = re.compile(r"\x1b\[[0-9;]*m")  # click.style's own colours, added after flattening
_LINE_BREAKS = re.compile(r"\s*[\n\r\v\f\x85\u2028\u2029]+\s*")
_COMMAND_START = re.compile(r"^\s*(::|##\[|##vso\[)")


def _control(char: str) -> bool:
    """C0/C1 controls, DEL and format characters (bidi overrides, zero-width joiners)."""
    return unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp")


def flat(text: object, limit: int | None = 500) -> str:
    """Untrusted text as one printable line: escapes dropped, line breaks and controls become spaces."""
    value = _ESCAPE_SEQUENCE.sub("", str(text))
    value = _LINE_BREAKS.sub(" ", value)
    value = "".join(" " if _control(c) else c for c in value).replace("##[", "# #[")
    if limit is not None and len(value) > limit:
        value = value[: limit - 1] + "…"
    return value


def safe_line(line: str) -> str:
    """A line that a CI runner cannot take for a workflow command (``::error``, ``##[``)."""
    plain = _STYLE.sub("", line)
    return "| " + line if _COMMAND_START.match(plain) else line


def echo(message: str = "", err: bool = False) -> None:
    """click.echo for text that may hold page-derived parts: each line made safe."""
    click.echo("\n".join(safe_line(line) for line in str(message).split("\n")), err=err)


def severity_counts(findings: Iterable[model.Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    parts = [
        click.style(f"{counts[s]} {s}", fg=SEVERITY_COLOURS[s], bold=s in ("critical", "high"))
        for s in reversed(model.SEVERITIES)
        if counts[s]
    ]
    return ", ".join(parts) if parts else click.style("no findings", fg="green")


def seconds(ms: float) -> str:
    return f"{ms / 1000:.1f}s"


class LiveLine:
    """One line at the bottom of a terminal, rewritten in place (stderr, as the crawl's live line).

    Off when stderr is not a terminal (a CI log, a file, a pipe): those get the permanent
    lines only. Cut to the terminal's width, so that it never wraps (a wrapped line cannot be
    rewritten in place). Whoever prints a permanent line clears it first (:meth:`clear`) and
    shows it again after.
    """

    CLEAR = "\r\x1b[2K"

    def __init__(self, stream=None):
        self.stream = stream if stream is not None else sys.stderr
        isatty = getattr(self.stream, "isatty", None)
        self.on = bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"
        self.text = ""

    def show(self, text: str) -> None:
        if not self.on:
            return
        width = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        text = text if len(text) <= width else text[: width - 1] + "…"
        if text != self.text:
            self._write(self.CLEAR + text)
            self.text = text

    def clear(self) -> None:
        if self.on and self.text:
            self._write(self.CLEAR)
            self.text = ""

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: the permanent lines say it all
            self.on = False


class TerminalProgress:
    """Implements audit.Progress: a permanent line per event on stdout, and the live line on a terminal."""

    TICK_S = 1.0  # how often the live line's seconds move on while no step ends

    def __init__(self, verbose: bool = False, live: LiveLine | None = None):
        self.verbose = verbose
        self.live = live if live is not None else LiveLine()
        # journey id -> (step under way, steps, its name, when it began): what the live line shows
        self._running: dict[str, tuple[int, int, str, float]] = {}
        self._lock = threading.RLock()  # the ticker and the main thread both draw the live line
        self._ticker: threading.Thread | None = None
        self._over = threading.Event()
        self.width = 0
        self.base_url = ""  # the audited shop (audit_started): a failed step's page is named by its path there
        # journeys in parallel (audit_started): a journey's step lines wait for its own line, which comes when it
        # is done (there is no "running" line to put them under), and are printed after it
        self.parallel = False
        self._held: dict[str, list[str]] = {}

    def audit_started(self, settings, base_url: str, browser: str, out_dir: Path) -> None:
        journeys = len(settings.journeys)
        echo(
            f"journeyaudit: audit {click.style(flat(settings.name), bold=True)}, "
            f"{journeys} journey{'s' if journeys != 1 else ''} against {flat(base_url)} ({flat(browser)})"
        )
        self.width = max((len(j.id) for j in settings.journeys), default=10)
        self.base_url = base_url
        self.parallel = min(getattr(settings, "workers", 1) or 1, journeys) > 1

    def journey_started(self, position: int, total: int, journey: model.Journey) -> None:
        self._echo(f"[{position:>{len(str(total))}}/{total}] {flat(journey.id):<{self.width}}  running {len(journey.steps)} steps ...")

    def running(self, journey: model.Journey, step: model.StepRecord | None = None) -> None:
        """Told as it happens, with any number of workers: a journey started (``step`` None) or ended a step.
        Only the live line shows it; the permanent lines stay one per journey."""
        count = len(journey.steps)
        under_way = min((step.index + 1) if step is not None else 1, max(count, 1))
        name = journey.steps[under_way - 1].name if count else ""
        with self._lock:
            self._running[journey.id] = (under_way, count, name, time.monotonic())
            self._show_running()
        if self.live.on and self._ticker is None:
            self._ticker = threading.Thread(target=self._tick, name="journeyaudit-live-line", daemon=True)
            self._ticker.start()

    def _tick(self) -> None:
        """Every TICK_S, the live line again: a step that takes long is seen taking long, not hanging."""
        while not self._over.wait(self.TICK_S):
            self._tick_once()

    def _tick_once(self) -> None:
        with self._lock:
            self._show_running()

    def _show_running(self) -> None:
        if not self._running:
            self.live.clear()
            return
        now = time.monotonic()

        def took(began: float) -> str:  # a step's seconds, once they are worth telling
            return f" {now - began:.0f}s" if now - began >= 2 else ""

        if len(self._running) == 1:
            [(journey_id, (index, count, name, began))] = self._running.items()
            text = f"running {flat(journey_id, 80)}: step {index}/{count} {flat(name, 80)!r} ...{took(began)}"
        else:
            parts = [f"{flat(journey_id, 80)} {index}/{count}{took(began)}"
                     for journey_id, (index, count, _, began) in self._running.items()]
            text = f"running {len(parts)}: " + ", ".join(parts)
        self.live.show(text)

    def _echo(self, line: str, err: bool = False) -> None:
        """A permanent line: the live line steps aside for it, and comes back under it."""
        with self._lock:
            self.live.clear()
            echo(line, err=err)
            self._show_running()

    def close(self) -> None:
        """The audit is over (or interrupted): no live line is left behind for the summary to print over."""
        self._over.set()
        with self._lock:
            self._running.clear()
            self.live.clear()

    def journey_retried(self, position: int, total: int, run: model.Run, findings: list[model.Finding], attempt: int) -> None:
        """A failed attempt that runs again, in one line without a position: the journey's own [n/total] line
        comes once, after its last attempt."""
        why = "could not be recorded" if run.status == "error" else f"{severity_counts(findings)}"
        self._echo(f"{' ' * (2 * len(str(total)) + 3)} {flat(run.journey_id):<{self.width}}  "
                   + click.style(f"attempt {attempt} failed", fg="yellow") + f" ({why}), retrying  {seconds(run.duration_ms)}")
        self._told_steps(run.journey_id)

    def step_done(self, journey: model.Journey, step: model.StepRecord) -> None:
        if self.verbose or step.status == "failed":
            mark = click.style("failed", fg="red") if step.status == "failed" else "ok"
            reason = f": {flat(failure.customer_reason(step, self.base_url))}" if step.error else ""
            line = f"      step {step.index} {flat(step.name)!r} {mark} in {seconds(step.duration_ms)}{reason}"
            if self.parallel:
                self._held.setdefault(journey.id, []).append(line)
            else:
                self._echo(line)

    def _told_steps(self, journey_id: str) -> None:
        for line in self._held.pop(journey_id, []):
            self._echo(line)

    def journey_done(self, position: int, total: int, run: model.Run, findings: list[model.Finding],
                     summary: model.RunSummary | None = None) -> None:
        passed = sum(1 for s in run.steps if s.status == "passed")
        if run.status == "error":
            status = click.style("ERROR", fg="red", bold=True) + f" {flat(run.error)}"
        else:
            status = f"{passed}/{len(run.steps)} steps  {severity_counts(findings)}"
        with self._lock:
            self._running.pop(run.journey_id, None)
        self._echo(f"[{position:>{len(str(total))}}/{total}] {flat(run.journey_id):<{self.width}}  {status}  "
                   f"{seconds(run.duration_ms)}" + attempts_note(summary))
        self._told_steps(run.journey_id)
        for warning in run.warnings:
            self._echo(click.style("warning: ", fg="yellow", bold=True) + flat(warning), err=True)


def attempts_note(summary: model.RunSummary | None) -> str:
    """``  FLAKY: passed on attempt 2 of 2`` after a journey that ran more than once, else ''."""
    if summary is None or summary.attempts <= 1:
        return ""
    if summary.flaky:
        return "  " + click.style("FLAKY", fg="yellow", bold=True) + f": passed on attempt {summary.attempts} after a failure"
    return f"  (failed all {summary.attempts} attempts)"


def print_summary(result: model.Result, report: Path | None) -> None:
    """The closing block: verdict, counts, worst findings, where the report is."""
    runs = result.runs
    failed = sum(1 for r in runs if r.status == "failed")
    errored = sum(1 for r in runs if r.status == "error")
    click.echo("")
    click.echo(
        f"{len(runs)} journeys: {len(runs) - failed - errored} passed, {failed} failed, {errored} could not run; "
        f"{len(result.findings)} findings ({severity_counts(result.findings)}) in {seconds(result.duration_ms)}"
    )
    worst = sorted(result.findings, key=lambda f: -model.severity_rank(f.severity))[:10]
    for finding in worst:
        where = flat(finding.journey) + (f" step {finding.step}" if finding.step else "")
        severity = click.style(finding.severity.upper(), fg=SEVERITY_COLOURS.get(finding.severity))
        echo(f"  {severity} {flat(finding.code)} {where}: {flat(finding.message)}")
    if len(result.findings) > len(worst):
        click.echo(f"  ... and {len(result.findings) - len(worst)} more in the report")
    for error in result.errors:
        echo(click.style(f"  error: {flat(error)}", fg="red"))
    for line in unchecked_lines(result.outcomes):
        echo(f"  not checked: {flat(line)}")
    failing = result.failing()
    if result.fail_on == "none":
        click.echo("fail_on is 'none': findings do not fail this audit.")
    elif failing:
        click.echo(click.style(f"{len(failing)} findings at or above '{result.fail_on}': failing.", fg="red", bold=True))
    else:
        click.echo(f"No findings at or above '{result.fail_on}'.")
    unrecorded = sum(1 for r in result.runs if r.status == "error")
    if unrecorded:  # exit code 1 (or 3) whatever fail_on says: say why
        click.echo(click.style(f"{unrecorded} journeys could not be recorded: failing.", fg="red", bold=True))
    flaky_line(result)
    if report:
        echo(f"Report: {flat(report, None)}")


def flaky_line(result: model.Result) -> None:
    """The flaky journeys, named, and whether they fail the run (--fail-on-flaky)."""
    flaky = [summary.journey_id for summary in result.runs if summary.flaky]
    if not flaky:
        return
    names = ", ".join(flat(name, 80) for name in flaky[:10]) + (f" and {len(flaky) - 10} more" if len(flaky) > 10 else "")
    line = f"{len(flaky)} flaky journey{'s' if len(flaky) != 1 else ''} (failed, then passed on a retry): {names}"
    if result.fail_on_flaky:
        click.echo(click.style(line + "; --fail-on-flaky: failing.", fg="red", bold=True))
    else:
        echo(click.style(line, fg="yellow"))


def unchecked_lines(outcomes: Iterable[model.RuleOutcome]) -> list[str]:
    """Rules that could not check some journeys, grouped by why: "JA104, JA701 (no mail capture configured)",
    with how many journeys when not every one: "JA605 on 2 of 9 journeys (accessibility checks were off)"."""
    codes: dict[str, list[str]] = {}
    journeys: dict[str, set[str]] = {}
    outcomes = list(outcomes)
    every = {outcome.journey for outcome in outcomes}
    for outcome in outcomes:
        if outcome.status == "not_checked":
            if outcome.code not in codes.setdefault(outcome.detail, []):
                codes[outcome.detail].append(outcome.code)
            journeys.setdefault(outcome.detail, set()).add(outcome.journey)
    lines = []
    for reason, found in codes.items():
        some = len(journeys[reason])
        where = "" if some == len(every) else f" on {some} of {len(every)} journeys"
        lines.append(f"{', '.join(sorted(found))}{where} ({reason})")
    return lines
