"""Retries (``retries: N``, ``run --retries N``): a journey that fails runs again; passing then makes it flaky.

An attempt **fails** when the journey could not be recorded (status ``error``) or the judge
found something at or above ``fail_on`` in it that the baseline does not know: what would
fail the audit. A failed attempt
with retries left is kept as evidence: its trace and screenshots move into
``traces/<journey>/attempt-<n>/`` and a line per failing finding goes into result.json.
The last attempt is the journey's result, as in Playwright Test and Maven Surefire; a
journey whose last attempt passed after a failed one is **flaky**.

Like audit.py and postrun.py, this module sits where the stages meet.
"""

from __future__ import annotations

from pathlib import Path

from journeyaudit import model
from journeyaudit.history.fingerprint import assign
from journeyaudit.model_attempts import attempt_folder

MAX_FAILING_LINES = 10  # per failed attempt, worst first


def failing(findings: list[model.Finding], fail_on: str, known: frozenset[str] = frozenset()) -> list[model.Finding]:
    """The findings that would fail the audit: at or above fail_on, and not in the baseline (``known`` fingerprints)."""
    threshold = model.severity_rank(fail_on)
    if threshold < 0:
        return []
    if known:
        assign(findings, overwrite=False)  # as postrun does: the fingerprint is the baseline's identity
    return [f for f in findings if model.severity_rank(f.severity) >= threshold and f.fingerprint not in known]


def attempt_failed(run: model.Run, findings: list[model.Finding], fail_on: str, known: frozenset[str] = frozenset()) -> bool:
    """Would this attempt fail the audit: not recorded, or a finding at or above fail_on the baseline does not know."""
    return run.status == "error" or bool(failing(findings, fail_on, known))


def failing_lines(findings: list[model.Finding], fail_on: str, known: frozenset[str] = frozenset()) -> list[str]:
    """``JA101 high: message`` for each finding that failed the attempt, worst first."""
    failing_now = failing(findings, fail_on, known)
    failing_now.sort(key=lambda f: -model.severity_rank(f.severity))
    return [f"{f.code} {f.severity}: {' '.join(f.message.split())}"[:300] for f in failing_now[:MAX_FAILING_LINES]]


def keep_attempt(run_dir: Path, number: int) -> Path:
    """Move what an attempt wrote into ``run_dir`` (trace.json, screenshots) into ``run_dir/attempt-<number>``.

    The next attempt then records into the same ``run_dir``, as the first did; earlier
    attempts' folders stay where they are. Paths inside a trace are relative to its folder.
    """
    run_dir = Path(run_dir)
    target = run_dir / attempt_folder(number)
    target.mkdir(parents=True, exist_ok=True)
    for entry in list(run_dir.iterdir()):
        if entry.is_dir() and entry.name.startswith("attempt-"):
            continue
        entry.rename(target / entry.name)
    return target


class Attempts:
    """The failed attempts of every journey of one audit, as they happen."""

    def __init__(self, retries: int, fail_on: str, known: frozenset[str] = frozenset()):
        self.retries = max(0, int(retries))
        self.fail_on = fail_on
        self.known = frozenset(known)  # the baseline's fingerprints: its findings fail no attempt
        self.failed: dict[str, list[model.Attempt]] = {}

    def retry(self, run: model.Run, findings: list[model.Finding], attempt: int, run_dir: Path, trace: str) -> bool:
        """After an attempt is saved and judged: True when it failed with a retry left (it is kept and moved)."""
        if attempt > self.retries or not attempt_failed(run, findings, self.fail_on, self.known):
            return False
        keep_attempt(run_dir, attempt)
        self.failed.setdefault(run.journey_id, []).append(model.Attempt(
            number=attempt,
            status=run.status,
            error=run.error,
            failing=failing_lines(findings, self.fail_on, self.known),
            trace=f"{trace}/{attempt_folder(attempt)}",
            duration_ms=run.duration_ms,
        ))
        return True

    def finish(self, summary: model.RunSummary, run: model.Run, findings: list[model.Finding], attempt: int) -> None:
        """The last attempt's summary gets the attempts made and whether the journey was flaky."""
        summary.attempts = attempt
        summary.failed_attempts = list(self.failed.get(run.journey_id, []))
        summary.flaky = bool(summary.failed_attempts) and not attempt_failed(run, findings, self.fail_on, self.known)



def carry_attempts(result: model.Result, folder: Path) -> None:
    """``journeyaudit audit FOLDER``: the re-judged journeys keep the attempts their run made (its result.json says).

    Flaky is decided again: the last attempt's new findings may fail it now. The kept attempts'
    trace paths become paths under ``folder`` (relocate_traces makes them relative again).
    """
    from dataclasses import replace

    from journeyaudit.history import store

    try:
        earlier = store.load_result(Path(folder) / store.RESULT_FILE)
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return  # a traces folder without its result, or an unreadable one: every journey ran once
    before = {summary.journey_id: summary for summary in earlier.runs}
    for summary in result.runs:
        old = before.get(summary.journey_id)
        if old is None or old.attempts <= 1:
            continue
        own = [f for f in result.findings if f.journey == summary.journey_id]
        summary.attempts = old.attempts
        summary.failed_attempts = [replace(a, trace=str(Path(folder) / a.trace)) for a in old.failed_attempts]
        summary.flaky = bool(summary.failed_attempts) and summary.status != "error" and not failing(own, result.fail_on)
    result.flaky = sum(1 for summary in result.runs if summary.flaky)
