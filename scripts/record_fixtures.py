"""Record the rule test fixtures from the built-in demo shop with a real Chromium.

    .venv/bin/python scripts/record_fixtures.py [JOURNEY-ID ...]
    (a journey's id also records its probe variants: `record_fixtures.py probes`)

Runs audits/demo.yaml (only the named journeys, when given: their fixtures are
replaced and the others kept) and copies each journey's trace (trace.json and HTML
snapshots, without screenshots, and without the <style> and behaviour <script> contents every
snapshot repeats: scripts/strip_fixture_html.py) to tests/fixtures/traces/<journey-id>/. The
rules' unit tests judge these recordings, so they are recorded, never written
by hand. Run it again after changing the demo shop or the recorder.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from strip_fixture_html import strip_html  # noqa: E402

from journeyaudit.audit import run_audit  # noqa: E402
from journeyaudit.gather.browser import find_browser  # noqa: E402
from journeyaudit.history import store  # noqa: E402
from journeyaudit.report.terminal import TerminalProgress  # noqa: E402
from journeyaudit.spec.config import resolve  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "traces"


def main(only: list[str]) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        settings = resolve([str(ROOT / "audits" / "demo.yaml")], {"out": tmp})
        if only:  # these journeys and their probe variants; the other fixtures stay as they are
            settings.journeys = [
                j for j in settings.journeys if j.id in only or (j.probe is not None and j.probe.of in only)
            ]
        result, out_dir = run_audit(settings, find_browser(settings.browser_path), TerminalProgress())
        if FIXTURES.exists() and not only:
            shutil.rmtree(FIXTURES)
        for summary in result.runs:
            if (FIXTURES / summary.journey_id).exists():
                shutil.rmtree(FIXTURES / summary.journey_id)
            run = store.load_run(out_dir / summary.trace)
            shift = run.started_at  # keep times relative to the run's start: emails are placed by them
            for step in [*run.steps, *run.rechecks]:
                step.screenshot = None  # pictures are for people; rules read the rest
                step.html = strip_html(step.html)  # the stylesheet and page scripts every snapshot repeats
                step.started_at = round(step.started_at - shift, 3) if step.started_at else 0.0
            for message in run.emails:
                message.received_at = round(message.received_at - shift, 3)
            run.started_at = 0.0
            if FIXTURES.exists() and only:
                shutil.rmtree(FIXTURES / summary.journey_id, ignore_errors=True)
            store.save_run(run, FIXTURES / summary.journey_id)
            print(f"recorded {summary.journey_id}: {summary.status}, {len(run.steps)} steps")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
