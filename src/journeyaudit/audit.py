"""An audit from start to finish: record each journey, save it, judge it, report.

Data flows one way (spec -> trace -> findings -> report) and is on disk as soon
as it exists: each journey's trace is written when the journey finishes and
``result.json`` is rewritten after every journey, so an interrupted or crashed
audit still leaves every finished journey's result behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from journeyaudit import __version__, model
from journeyaudit.gather.accessibility import axe_version
from journeyaudit.gather.browser import BrowserChoice, endpoint_secrets, hide_secrets
from journeyaudit.history import store
from journeyaudit.judge.batch import Judged, judge_with_ledger, load_and_judge
from journeyaudit.judge.engine import selected_rules
from journeyaudit.retries import Attempts, carry_attempts
from journeyaudit.rules.registry import all_rules
from journeyaudit.spec.config import AuditSettings


class AuditCannotRun(RuntimeError):
    """The audit could not start or go on: no browser, unreachable shop, output not writable (exit code 3)."""

    exit_code = 3


class OutputNotWritable(AuditCannotRun):
    """The --out folder cannot be written, found before the browser starts (exit code 2: fix the option)."""

    exit_code = 2


def check_writable(parent: Path) -> None:
    """Create ``parent`` and write a file in it, so a bad --out fails now and not after the journeys."""
    try:
        Path(parent).mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=parent) as probe:
            probe.write(b"journeyaudit")
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise OutputNotWritable(f"cannot write the output folder {parent}: {exc.strerror or exc}") from None


def _cannot_write(out_dir: Path, exc: OSError) -> AuditCannotRun:
    where = exc.filename or out_dir
    return AuditCannotRun(f"cannot write to the output folder ({where}): {exc.strerror or exc}; finished journeys may be missing")


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """CI runners stop a job with SIGTERM: treated as Ctrl-C (journeys saved, report written, exit 130)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Progress(Protocol):
    def audit_started(self, settings: AuditSettings, base_url: str, browser: str, out_dir: Path) -> None: ...
    def journey_started(self, position: int, total: int, journey: model.Journey) -> None: ...
    def step_done(self, journey: model.Journey, step: model.StepRecord) -> None: ...
    def journey_done(self, position: int, total: int, run: model.Run, findings: list[model.Finding],
                     summary: model.RunSummary | None = None) -> None: ...
    def journey_retried(self, position: int, total: int, run: model.Run, findings: list[model.Finding], attempt: int) -> None: ...
    def running(self, journey: model.Journey, step: model.StepRecord | None = None) -> None: ...


class QuietProgress:
    def audit_started(self, *args) -> None: ...
    def journey_started(self, *args) -> None: ...
    def step_done(self, *args) -> None: ...
    def journey_done(self, *args) -> None: ...
    def journey_retried(self, *args) -> None: ...
    def running(self, *args) -> None: ...


def folder_slug(name: str) -> str:
    """The profile's name as one safe path component: no separator, no dot, never outside --out."""
    return re.sub(r"[^\w-]+", "-", name).strip("-_")[:60] or "audit"


def output_folder(parent: Path, name: str, started: float) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started))
    name = folder_slug(name)
    folder = Path(parent) / f"{stamp}-{name}"
    n = 1
    while folder.exists():
        n += 1
        folder = Path(parent) / f"{stamp}-{name}-{n}"
    return folder


def claim_folder(parent: Path, name: str, started: float) -> Path:
    """Create the run's folder atomically: two runs started in the same second get separate folders."""
    folder = output_folder(parent, name, started)
    stem, n = folder.name, 1
    while True:
        try:
            folder.mkdir(parents=True)
            return folder
        except FileExistsError:
            n += 1
            folder = folder.with_name(f"{stem}-{n}")


def check_reachable(base_url: str, timeout: float = 15.0) -> None:
    """Any HTTP answer counts: a 404 home page is the rules' business, silence is not."""
    try:
        urllib.request.urlopen(urllib.request.Request(base_url, method="GET"), timeout=timeout).close()
    except urllib.error.HTTPError:
        return
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise AuditCannotRun(f"cannot reach the shop at {base_url}: {reason}") from None


@contextlib.contextmanager
def mail_capture(settings: AuditSettings) -> Iterator[object | None]:
    """The mailbox the profile asks for (an SMTP sink is started here and stopped after), or None."""
    if settings.mail is None:
        yield None
        return
    from journeyaudit.gather.mailbox import MailboxError, open_mailbox

    try:
        mailbox = open_mailbox(settings.mail)
    except MailboxError as exc:
        raise AuditCannotRun(str(exc)) from None
    try:
        yield mailbox
    finally:
        mailbox.close()


def _mail_options(settings: AuditSettings, mailbox: object | None):
    if mailbox is None or settings.mail is None:
        return None
    from journeyaudit.gather.mailbox import new_token
    from journeyaudit.gather.runner import MailOptions

    trigger = settings.mail.trigger.model_dump() if settings.mail.trigger else None
    return MailOptions(mailbox, settings.mail.address, new_token(), settings.mail.settle_ms, trigger)


@contextlib.contextmanager
def shop_url(settings: AuditSettings, smtp: tuple[str, int] | None = None) -> Iterator[str]:
    """The base URL to audit; starts the built-in demo shop when the profile asks for it."""
    if settings.base_url:
        yield settings.base_url
        return
    if not settings.demo_shop:
        raise AuditCannotRun("no base URL: set base_url in the profile, JOURNEYAUDIT_BASE_URL, or --base-url")
    from journeyaudit.demo import DemoShop

    with DemoShop(host="127.0.0.1", port=0, smtp=smtp) as shop:
        yield shop.url


def new_result(settings: AuditSettings, base_url: str, browser: str, started: float) -> model.Result:
    return model.Result(
        audit=settings.name,
        base_url=base_url,
        started_at=started,
        fail_on=settings.fail_on,
        tool_version=__version__,
        browser=browser,
        axe_version=axe_version() if settings.accessibility else "",
        shard=getattr(settings, "shard", None),  # run --shard i/n: journeyaudit merge joins the shards
        fail_on_flaky=getattr(settings, "fail_on_flaky", False),
    )


_UNKNOWN = object()


def summarise(run: model.Run, trace: str, probe_outcome=_UNKNOWN) -> model.RunSummary:
    """The run's summary in result.json; ``probe_outcome`` as :class:`Judged` holds it, else worked out here."""
    return model.RunSummary(
        journey_id=run.journey_id,
        journey_name=run.journey_name,
        journey_path=run.journey_path,
        status=run.status,
        error=run.error,
        steps_total=len(run.steps),
        steps_passed=sum(1 for s in run.steps if s.status == "passed"),
        duration_ms=run.duration_ms,
        trace=trace,
        probe=run.probe,
        probe_outcome=_probe_outcome(run) if probe_outcome is _UNKNOWN else probe_outcome,
        variant=run.variant,
        playwright_trace=f"{trace}/{run.playwright_trace}" if run.playwright_trace and trace else "",
        playwright_trace_note=run.playwright_trace_note,
    )


def _probe_outcome(run: model.Run) -> model.ProbeOutcome | None:
    from journeyaudit.judge import probe_outcome

    return probe_outcome.outcome(run)


def write_report(result: model.Result, runs: dict[str, model.Run], out_dir: Path) -> Path:
    from journeyaudit.report.html import write_html

    return write_html(result, runs, Path(out_dir) / "report.html", trace_root=Path(out_dir), rules=all_rules())


def run_audit(
    settings: AuditSettings,
    browser: BrowserChoice,
    progress: Progress | None = None,
    after: Callable[[model.Result, dict[str, model.Run], Path], None] | None = None,
    known: frozenset[str] = frozenset(),
) -> tuple[model.Result, Path]:
    """Record, judge and report every journey of an audit. Returns the result and its folder.

    ``after`` runs once every journey is judged, before the report is written
    (baseline, history, comparisons, CI formats: see postrun.py); not when interrupted.
    ``known`` are the baseline's fingerprints: a finding it knows fails no attempt (retries).
    """
    from journeyaudit.gather import hooks as profile_hooks  # issue 11: setup/teardown, log in once
    from journeyaudit.gather.workers import JourneyPool, in_listed_order

    progress = progress or QuietProgress()
    started = time.time()
    check_writable(settings.out_dir)
    out_dir = output_folder(settings.out_dir, settings.name, started)
    runs: dict[str, model.Run] = {}
    rules = selected_rules(settings.rules)
    with (
        sigterm_as_interrupt(),
        mail_capture(settings) as mailbox,
        shop_url(settings, getattr(mailbox, "smtp_address", None)) as base_url,
    ):
        check_reachable(base_url)
        options = _runner_options(settings, browser, base_url, mailbox)
        hooks = keep = None  # the profile's setup/teardown, the journey keeper: set once the run starts
        total = len(settings.journeys)
        try:  # one browser per worker (gather/workers.py), each journey in a fresh context
            runner = JourneyPool(options, min(settings.workers, total)).__enter__()
        except Exception as exc:
            what = f"connect to {browser.describe()}" if browser.remote else f"launch Chromium ({browser.describe()})"
            raise AuditCannotRun(f"could not {what}: {hide_secrets(str(exc), browser)}") from None
        result = new_result(settings, base_url, runner.browser_version, started)
        try:
            out_dir = claim_folder(settings.out_dir, settings.name, started)
            _point_latest(out_dir)
            progress.audit_started(settings, base_url, runner.browser_version, out_dir)
            traces = out_dir / "traces"
            hooks = profile_hooks.for_audit(settings, base_url, out_dir, _password(settings))
            try:
                result.errors.extend(hooks.setup())
            except profile_hooks.SetupFailed as exc:
                result.errors.append(str(exc))
                raise AuditCannotRun(str(exc)) from None
            keep = _JourneyKeeper(settings, rules, result, runs, out_dir, started, Attempts(settings.retries, settings.fail_on, known))
            for done in runner.run(settings.journeys, traces, started=progress.journey_started, step_done=progress.step_done,
                                   durations=settings.durations, running=getattr(progress, "running", None)):
                findings, summary = keep.take(done)
                if summary is None:  # a failed attempt with a retry left (retries.py): the pool runs it again
                    progress.journey_retried(done.count, total, done.run, findings, done.attempt)
                    runner.again(done, traces / done.journey.id)
                else:
                    progress.journey_done(done.count, total, done.run, findings, summary)
            runner.stop()  # every journey is done: the browsers close while the result is written
            runs = in_listed_order(result, runs, settings.journeys)
            if after is not None:
                result.duration_ms = round((time.time() - started) * 1000, 1)
                after(result, runs, out_dir)
        except KeyboardInterrupt:
            result.errors.append(f"interrupted after {len(result.runs)} of {total} journeys")
            raise
        except OSError as exc:  # a full disk, a folder gone or made read-only: told, not a traceback
            raise _cannot_write(out_dir, exc) from None
        finally:
            with contextlib.suppress(Exception):
                runner.stop()
            options.login.close()  # the login state files are deleted: they were secrets
            if hooks is not None and hooks.set_up:  # teardown always runs, also after Ctrl-C
                result.errors.extend(hooks.teardown())
            result.duration_ms = round((time.time() - started) * 1000, 1)
            unsaved = _save_last(result, runs, out_dir, keep)
            with contextlib.suppress(Exception):  # the browsers have closed meanwhile (each worker's own)
                runner.__exit__(None, None, None)
        if unsaved is not None:
            raise _cannot_write(out_dir, unsaved)
    return result, out_dir


def _runner_options(settings: AuditSettings, browser: BrowserChoice, base_url: str, mailbox: object | None):
    """What every worker's recorder needs to know, taken from the settings once."""
    from journeyaudit.gather.limits import RecordingLimits
    from journeyaudit.gather.login_state import LoginStates
    from journeyaudit.gather.runner import RunnerOptions
    from journeyaudit.gather.waits import Readiness

    return RunnerOptions(
        base_url=base_url,
        browser=browser,
        action_timeout_ms=settings.action_timeout_ms,
        navigation_timeout_ms=settings.navigation_timeout_ms,
        viewport=settings.viewport,
        headed=settings.headed,
        host_map=settings.host_map,
        accessibility=settings.accessibility,
        mail=_mail_options(settings, mailbox),
        limits=RecordingLimits(settings.limits.events_per_step, settings.limits.structured_data_chars),
        secret_params=tuple(settings.secret_params),
        http_credentials=settings.http_credentials,
        login=LoginStates(settings.journeys),
        readiness=Readiness(settings.readiness.wait, settings.readiness.max_ms, settings.readiness.quiet_ms,
                            settings.readiness.after_load_ms),
        trace=getattr(settings, "trace", "off"),  # --trace: Playwright's trace.zip per journey
    )


class _JourneyKeeper:
    """Saves, judges and adds to the result each journey as soon as it is recorded,
    so every finished journey is on disk even if the run is stopped later."""

    def __init__(self, settings: AuditSettings, rules, result: model.Result, runs: dict, out_dir: Path, started: float,
                 attempts: Attempts):
        self.settings, self.rules, self.result, self.runs = settings, rules, result, runs
        self.out_dir, self.started, self.attempts = out_dir, started, attempts
        from journeyaudit.report.screenshots import MadeAhead  # Pillow: imported when a run records, not before

        self.thumbnails = MadeAhead(out_dir)  # the report's, made while the next journey records

    def take(self, done) -> tuple[list[model.Finding], model.RunSummary | None]:
        """The attempt's findings and its summary; no summary when it failed and runs again (kept in attempt-N/)."""
        settings, result = self.settings, self.result
        journey, run = done.journey, done.run
        redactor = store.Redactor([*journey.secrets(), *_password(settings)], settings.secret_params)
        run.error = redactor.text(run.error) if run.error else run.error
        store.save_run(run, self.out_dir / "traces" / journey.id, redactor)
        judged = judge_with_ledger(run, self.rules, settings.rules)
        findings, outcomes = judged.findings, judged.outcomes
        if self.attempts.retry(run, findings, done.attempt, self.out_dir / "traces" / journey.id, f"traces/{journey.id}"):
            return findings, None
        self.runs[journey.id] = run
        self.thumbnails.journey(self.out_dir / "traces" / journey.id, run)
        summary = summarise(run, f"traces/{journey.id}", judged.probe_outcome)
        self.attempts.finish(summary, run, findings, done.attempt)
        result.runs.append(summary)
        result.flaky += summary.flaky
        result.findings.extend(findings)
        result.outcomes.extend(outcomes)
        _add_ledger(result, run, judged)
        if run.status == "error":
            result.errors.append(f"{journey.id}: the journey could not be recorded: {run.error}")
        result.duration_ms = round((time.time() - self.started) * 1000, 1)
        store.save_result(result, self.out_dir / store.RESULT_FILE, store.Redactor(_password(settings), settings.secret_params))
        return findings, summary


def _password(settings: AuditSettings) -> list[str]:
    """The base URL's password and a remote browser's token, as secrets of every journey."""
    password = (settings.http_credentials or {}).get("password")
    remote = endpoint_secrets(getattr(settings, "browser_ws", None) or getattr(settings, "browser_cdp", None))
    return ([password] if password else []) + remote


def _save_last(result: model.Result, runs: dict[str, model.Run], out_dir: Path, keep: _JourneyKeeper | None = None,
               ) -> OSError | None:
    """result.json and report.html a last time; a failed write is returned, never raised over another error.
    The thumbnails the keeper asked for are finished first: the report reads them."""
    if keep is not None:
        keep.thumbnails.close()
    try:
        store.save_result(result, out_dir / store.RESULT_FILE)
        write_report(result, runs, out_dir)
    except OSError as exc:
        return exc
    return None


def rejudge(trace_root: Path, settings_rules, *, name: str | None = None, fail_on: str = "high",
            workers: int | None = None) -> tuple[model.Result, dict[str, model.Run]]:
    """Judge saved traces again, with no browser: ``journeyaudit audit`` (on ``workers`` processes, default
    every core: :func:`load_and_judge`)."""
    trace_root = Path(trace_root)
    trace_dirs = store.find_trace_dirs(trace_root)
    if not trace_dirs:
        raise FileNotFoundError(f"no trace.json found in {trace_root}")
    loaded, judged_dirs = load_and_judge(trace_dirs, settings_rules, workers)
    runs = {}
    for run in loaded:
        runs[run.journey_id] = run  # a journey saved twice: the last one's findings count
    by_run = {id(run): one for run, one in zip(loaded, judged_dirs)}
    judged = [by_run[id(run)] for run in runs.values()]
    findings = [finding for one in judged for finding in one.findings]
    outcomes = [outcome for one in judged for outcome in one.outcomes]
    first = min((run.started_at for run in runs.values()), default=time.time())
    result = model.Result(
        audit=name or trace_root.resolve().name,
        base_url=next(iter(runs.values())).base_url,
        started_at=first,
        duration_ms=round(sum(run.duration_ms for run in runs.values()), 1),
        fail_on=fail_on,
        tool_version=__version__,
        browser=next(iter(runs.values())).browser,
        findings=findings,
        outcomes=outcomes,
    )
    for run, one, trace_dir in zip(loaded, judged_dirs, trace_dirs):
        result.runs.append(summarise(run, str(trace_dir), one.probe_outcome))
        _add_ledger(result, run, one)
        if run.status == "error":
            result.errors.append(f"{run.journey_id}: the journey could not be recorded: {run.error}")
    carry_attempts(result, trace_root)  # retries: a journey that ran twice still did
    return result, runs


def relocate_traces(result: model.Result, out_dir: Path) -> None:
    """Make RunSummary.trace paths relative to the folder result.json is written to."""
    for summary in result.runs:
        summary.trace = os.path.relpath(Path(summary.trace).resolve(), Path(out_dir).resolve())
        for attempt in summary.failed_attempts:  # retries: the kept attempts' folders
            attempt.trace = os.path.relpath(Path(attempt.trace).resolve(), Path(out_dir).resolve())
        if summary.playwright_trace:
            summary.playwright_trace = os.path.relpath(Path(summary.playwright_trace).resolve(), Path(out_dir).resolve())


def _point_latest(out_dir: Path) -> None:
    """``reports/latest`` -> the newest run folder, for people and CI artifacts."""
    link = out_dir.parent / "latest"
    with contextlib.suppress(OSError):
        if link.is_symlink():
            link.unlink()
        elif link.exists():  # a file or folder of someone else's: never ours to delete
            return
        link.symlink_to(out_dir.name, target_is_directory=True)


def _add_ledger(result: model.Result, run: model.Run, judged: Judged) -> None:
    """The journey's promise ledger into result.json; a ledger that cannot be read is an error, not a crash."""
    if judged.ledger is not None:
        result.ledgers.append(judged.ledger)
    elif judged.ledger_error:
        result.errors.append(f"{run.journey_id}: {judged.ledger_error}")
