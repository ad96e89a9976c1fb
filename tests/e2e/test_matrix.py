"""Devices and locales in real Chromium: each combination of a matrix runs as its own journey.

The demo shop's offer page writes the price the way the browser's language does and, on a
phone, shows an icon-only add-to-cart button (an accessibility barrier, JA605, on phones only).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
IDS = ["offer[Desktop Chrome,en-US]", "offer[Desktop Chrome,de-DE]", "offer[iPhone 13,en-US]", "offer[iPhone 13,de-DE]"]


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("matrix")
    profile = tmp / "matrix.yaml"
    profile.write_text(f'name: matrix\ndemo_shop: true\njourneys_root: /\njourneys: ["{ROOT}/journeys/demo-api/offer.yaml"]\n'
                       "fail_on: none\ntimeouts: {action_ms: 5000}\n", encoding="utf-8")
    out = tmp / "out"
    done = subprocess.run([*CLI, "run", str(profile), "--out", str(out), "--no-history"], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = next(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    result = store.load_result(folder / "result.json")
    runs = {s.journey_id: store.load_run(folder / s.trace) for s in result.runs}
    return done.stdout, folder, result, runs


def test_each_combination_ran_as_its_own_journey(audit):
    out, _, result, runs = audit
    assert [s.journey_id for s in result.runs] == IDS
    assert all(s.status == "passed" for s in result.runs), result.errors
    assert result.runs[3].variant.of == "offer" and result.runs[3].variant.values == {"device": "iPhone 13", "locale": "de-DE"}
    assert all(journey in out for journey in IDS)


def test_the_locale_and_the_device_reach_the_shop(audit):
    _, _, _, runs = audit
    for journey, run in runs.items():
        text = run.steps[0].visible_text
        german, phone = "de-DE" in journey, "iPhone" in journey
        assert ("39,90\u00a0€" in text) == german and ("€39.90" in text) == (not german), (journey, text)
        assert ("Offer layout: compact" in text) == phone, (journey, text)


def test_findings_differ_by_device_and_the_report_says_so(audit):
    _, folder, result, _ = audit
    barrier = {f.journey for f in result.findings if f.code == "JA605"}
    assert barrier == {"offer[iPhone 13,en-US]", "offer[iPhone 13,de-DE]"}
    html = (folder / "report.html").read_text(encoding="utf-8")
    section = html[html.index("<h2>Devices and locales</h2>"):html.index("<h2>Journeys</h2>")]
    assert "What differs: findings" in section
    assert section.count("<tr>") == 1 + len(IDS)  # the head and one row per variant
    assert "iPhone 13" in section and "de-DE" in section


def test_an_unknown_device_is_a_located_error_with_close_names(tmp_path):
    journey = tmp_path / "j.yaml"
    journey.write_text("name: J\nmatrix:\n  device: [Desktop Chrome, iPhone 31]\nsteps:\n  - name: S\n    role: product\n"
                       "    actions:\n      - goto: /\n", encoding="utf-8")
    done = subprocess.run([*CLI, "check", str(journey)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{journey}:3:28: 'device': unknown device 'iPhone 31': use a name from Playwright's device list (close: " in (
        done.stdout + done.stderr)
