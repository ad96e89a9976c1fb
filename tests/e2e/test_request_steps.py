"""The request action and the profile's setup/teardown, in real Chromium against the demo shop.

"Sold out just before Place order": the journey sets the V60's stock to 0 through the shop's
API while the customer reviews the order; 'Place order' takes it out and JA301 says so. The
shop's admin key comes from ${KC_API_KEY} and must appear in no file of the report folder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
KEY = "kc-e2e-Zq81-secret-key"

BAD_ANSWER = """\
name: Stock is read through the API
steps:
  - name: Home
    role: product
    actions:
      - goto: /
      - request: {url: /api/stock/KC-AP-GO-01, expect: {json: {path: available, equals: false}}}
"""

SAVED = """\
name: A value of one answer goes into the next request
steps:
  - name: Home
    role: product
    actions:
      - goto: /
      - request: {url: /api/stock/KC-AP-GO-01, save: {sku: sku}}
      - request: {url: "/api/stock/{saved.sku}", expect: {json: {path: sku, equals: KC-AP-GO-01}}}
"""

WAITS = """\
name: Waits long
steps:
  - name: Home
    role: product
    actions:
      - goto: /
      - wait_for: {text: never shown, timeout_ms: 25000}
"""


def profile(tmp_path: Path, journeys: list[str], setup: str, teardown: str) -> Path:
    files = ", ".join(f'"{path}"' for path in journeys)
    path = tmp_path / "requests.yaml"
    path.write_text(
        f"name: requests\ndemo_shop: true\njourneys_root: /\njourneys: [{files}]\nfail_on: none\nworkers: 1\n"
        f"timeouts: {{action_ms: 5000}}\nsetup:\n{setup}\nteardown:\n{teardown}\n"
        "accessibility: false\n",  # axe-core is the demo audit's (tests/e2e/conftest.py)
        encoding="utf-8",
    )
    return path


def env() -> dict[str, str]:
    return {**os.environ, "KC_API_KEY": KEY}


def folder_of(out: Path) -> Path:
    return next(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("requests")
    (tmp / "bad-answer.yaml").write_text(BAD_ANSWER, encoding="utf-8")
    (tmp / "saved.yaml").write_text(SAVED, encoding="utf-8")
    path = profile(
        tmp,
        [f"{ROOT}/journeys/demo-api/sold-out.yaml", f"{tmp}/bad-answer.yaml", f"{tmp}/saved.yaml"],
        "  - {name: reset, request: {method: DELETE, url: /api/stock/KC-HV60-02W, headers: {X-Api-Key: \"${KC_API_KEY}\"}}}\n"
        "  - {name: echo, run: \"echo the key is ${KC_API_KEY}; echo done\", timeout: 10}\n"
        "  - {name: flaky, run: \"exit 4\", optional: true}",
        f"  - {{name: marker, run: \"touch {tmp}/torn-down\", timeout: 10}}",
    )
    out = tmp / "out"
    done = subprocess.run([*CLI, "run", str(path), "--out", str(out), "--no-history"], cwd=ROOT, env=env(),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = folder_of(out)
    result = store.load_result(folder / "result.json")
    runs = {s.journey_id: store.load_run(folder / s.trace) for s in result.runs}
    return tmp, folder, result, runs


def test_stock_sold_out_through_the_api_before_place_order_is_caught_by_ja301(audit):
    _, _, result, runs = audit
    run = runs["sold-out"]
    assert [s.status for s in run.steps] == ["passed"] * 6 + ["failed"]
    ja301 = [f for f in result.findings if f.code == "JA301" and f.journey == "sold-out"]
    assert len(ja301) == 1 and ja301[0].step == 7, result.findings
    assert "no longer available" in ja301[0].message
    sold = next(a for a in run.steps[5].actions if a.name == "request")
    assert sold.status == "passed"
    assert sold.effect["method"] == "POST" and sold.effect["status"] == 200
    assert sold.effect["url"].endswith("/api/stock/KC-HV60-02W")
    assert '"available": false' in sold.effect["body"] and sold.effect["headers"] == ["X-Api-Key"]
    assert "X-Api-Key" in sold.description


def test_a_saved_value_of_one_answer_is_sent_in_the_next_request(audit):
    _, _, _, runs = audit
    step = runs["saved"].steps[0]
    assert step.status == "passed", step.error
    assert step.actions[-1].effect["url"].endswith("/api/stock/KC-AP-GO-01")


def test_an_answer_that_is_not_as_expected_fails_the_step_like_an_expectation(audit):
    _, _, result, runs = audit
    step = runs["bad-answer"].steps[0]
    assert step.status == "failed"
    assert step.error == "expected available in the answer to GET /api/stock/KC-AP-GO-01 to equal false; it is true"
    failed = step.actions[-1]
    assert failed.status == "failed" and failed.effect["status"] == 200  # the answer is kept with the failure
    assert any(f.code == "JA101" and f.journey == "bad-answer" for f in result.findings)


def test_the_admin_key_is_written_nowhere(audit):
    _, folder, _, _ = audit
    for path in folder.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path


def test_setup_and_teardown_ran_and_their_output_is_in_the_run_log(audit):
    tmp, folder, result, _ = audit
    log = (folder / "run.log").read_text(encoding="utf-8")
    assert "[setup] reset: request DELETE /api/stock/KC-HV60-02W" in log
    assert "the key is [redacted]" in log and "done" in log
    assert "[setup] flaky: run exit 4" in log and "FAILED: exited with code 4" in log
    assert "[teardown] marker:" in log and (tmp / "torn-down").exists()
    assert "optional setup item failed: 'flaky': exited with code 4" in result.errors
    assert log.index("[setup] reset") < log.index("[teardown] marker")


def test_a_failed_setup_stops_the_run_with_exit_3_and_teardown_still_runs(tmp_path):
    path = profile(tmp_path, [f"{ROOT}/journeys/demo-api/offer.yaml"], "  - {run: \"echo no fixtures; exit 7\"}",
                   f"  - {{run: \"touch {tmp_path}/torn-down\"}}")
    out = tmp_path / "out"
    done = subprocess.run([*CLI, "run", str(path), "--out", str(out), "--no-history"], cwd=ROOT, env=env(),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "setup failed, no journey was run: 'setup 1': exited with code 7 (see run.log in the report folder)" in done.stderr
    assert (tmp_path / "torn-down").exists()
    folder = folder_of(out)
    assert store.load_result(folder / "result.json").runs == []
    assert "no fixtures" in (folder / "run.log").read_text(encoding="utf-8")


def test_teardown_runs_after_ctrl_c(tmp_path):
    (tmp_path / "waits.yaml").write_text(WAITS, encoding="utf-8")
    path = profile(tmp_path, [f"{tmp_path}/waits.yaml"], f"  - {{run: \"touch {tmp_path}/set-up\"}}",
                   f"  - {{run: \"touch {tmp_path}/torn-down\"}}")
    process = subprocess.Popen([*CLI, "run", str(path), "--out", str(tmp_path / "out"), "--no-history"], cwd=ROOT,
                               env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "set-up").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # the journey is waiting now
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, out + err
    assert (tmp_path / "torn-down").exists(), out + err
