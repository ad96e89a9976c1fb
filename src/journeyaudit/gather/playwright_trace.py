"""``--trace on|retain-on-failure|off``: Playwright's own ``trace.zip`` per journey, secrets scrubbed.

The trace is started with the journey's browser context (screenshots and DOM snapshots) and
stopped before the context closes. Playwright writes it into a private temporary folder; it
reaches the journey's trace folder (``traces/<journey>/trace.zip``) only after
``history/trace_scrub.py`` has scrubbed every secret the journey typed (or found at run time)
from every member. When that cannot be done, the trace is deleted and the run says why.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from playwright.sync_api import BrowserContext
from playwright.sync_api import Error as PlaywrightError

from journeyaudit import model
from journeyaudit.history.store import Redactor, atomic_write_bytes
from journeyaudit.history.trace_scrub import TraceNotKept, scrub_trace

TRACE_MODES = ("off", "on", "retain-on-failure")
TRACE_ZIP = "trace.zip"


def start(context: BrowserContext, mode: str) -> bool:
    """Start tracing the context when the mode asks for it; whether it started."""
    if mode not in ("on", "retain-on-failure"):
        return False
    try:
        context.tracing.start(screenshots=True, snapshots=True)
    except PlaywrightError:
        return False
    return True


def wanted(mode: str, run: model.Run) -> bool:
    return mode == "on" or (mode == "retain-on-failure" and run.status != "passed")


def finish(context: BrowserContext, mode: str, run: model.Run, run_dir: Path, redactor: Redactor) -> None:
    """Stop tracing; keep the scrubbed trace as ``run_dir/trace.zip`` or say in the run why there is none."""
    if not wanted(mode, run):
        try:
            context.tracing.stop()  # no path: Playwright discards it
        except PlaywrightError:
            pass
        return
    private = Path(tempfile.mkdtemp(prefix="journeyaudit-trace-"))  # mode 0700: the raw trace holds secrets
    try:
        raw = private / TRACE_ZIP
        try:
            context.tracing.stop(path=str(raw))
            data = raw.read_bytes()
        except (PlaywrightError, OSError) as exc:
            run.playwright_trace_note = f"no Playwright trace: it could not be saved ({type(exc).__name__})"
            return
        try:
            scrubbed = scrub_trace(data, redactor)
        except TraceNotKept as exc:
            run.playwright_trace_note = f"no Playwright trace: the journey's secrets could not be scrubbed from it ({exc})"
            return
        atomic_write_bytes(Path(run_dir) / TRACE_ZIP, scrubbed.data)
        run.playwright_trace = TRACE_ZIP
        if scrubbed.dropped_pictures:
            run.playwright_trace_note = (
                f"secrets scrubbed; its {scrubbed.dropped_pictures} screenshots were left out "
                "(a typed secret shows in the pixels)"
            )
    finally:
        shutil.rmtree(private, ignore_errors=True)
