"""Copy a real-storefront audit's traces into tests/fixtures/shops/<shop>/ (no browser).

    .venv/bin/python scripts/record_shop_fixtures.py REPORT_DIR SHOP

REPORT_DIR is what `journeyaudit run examples/shops/<shop>/audit.yaml --out DIR` wrote (its
`latest` folder or a dated one). Each journey's trace is stored the way
scripts/record_fixtures.py stores the demo shop's: without screenshots, without the <style> and
behaviour <script> contents (scripts/strip_fixture_html.py), times relative to the run's start.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from strip_fixture_html import strip_html  # noqa: E402

from journeyaudit.history import store  # noqa: E402


def main(report_dir: str, shop: str) -> int:
    target = ROOT / "tests" / "fixtures" / "shops" / shop
    for folder in sorted(p for p in (Path(report_dir) / "traces").iterdir() if (p / store.TRACE_FILE).is_file()):
        run = store.load_run(folder)
        shift = run.started_at
        for step in run.steps:
            step.screenshot = None
            step.html = strip_html(step.html)
            step.started_at = round(step.started_at - shift, 3) if step.started_at else 0.0
        for message in run.emails:
            message.received_at = round(message.received_at - shift, 3)
        run.started_at = 0.0
        shutil.rmtree(target / folder.name, ignore_errors=True)
        store.save_run(run, target / folder.name)
        print(f"recorded {shop}/{folder.name}: {len(run.steps)} steps")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
