"""Log in once, in real Chromium against the demo shop: a setup journey signs in, the others start signed in.

With two workers the setup journey still runs first (gather/workers.py); its storage state
lives in a private temporary file (TMPDIR points the run at a folder of the test's) that
is gone when the run ends and is never in the report folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from journeyaudit.history import store

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]

ACCOUNT = """\
name: The account page shows who is signed in
uses: login
steps:
  - name: Account
    role: account
    actions:
      - goto: /account
      - expect: {text: "Signed in as anna.schmidt@example.com"}
"""

NOT_SIGNED_IN = """\
name: Without the login, nobody is signed in
steps:
  - name: Account
    role: account
    actions:
      - goto: /account
      - expect: {no_text: Signed in as}
"""


def audit(tmp: Path, workers: int, password: str | None = None):
    (tmp / "account.yaml").write_text(ACCOUNT, encoding="utf-8")
    (tmp / "anonymous.yaml").write_text(NOT_SIGNED_IN, encoding="utf-8")
    files = [f"{ROOT}/journeys/demo-api/account-order.yaml", f"{tmp}/account.yaml", f"{tmp}/anonymous.yaml",
             f"{ROOT}/journeys/demo-api/login.yaml"]  # the setup journey listed last: it still runs first
    profile = tmp / "login-once.yaml"
    listed = ", ".join(f'"{f}"' for f in files)
    profile.write_text(f"name: login-once\ndemo_shop: true\njourneys_root: /\njourneys: [{listed}]\nfail_on: none\n"
                       "timeouts: {action_ms: 5000}\naccessibility: false\n", encoding="utf-8")  # axe: the demo audit's
    temp = Path(tempfile.mkdtemp(prefix="ja-", dir="/tmp"))  # short: Chromium's socket path must fit
    env = {**os.environ, "TMPDIR": str(temp)}
    if password is not None:
        env["KC_DEMO_PASSWORD"] = password  # the shop's; the journey types ${DEMO_PASSWORD:-...}: sign-in fails
    out = tmp / "out"
    done = subprocess.run([*CLI, "run", str(profile), "--out", str(out), "--no-history", "--workers", str(workers)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    folder = next(p for p in out.iterdir() if p.is_dir() and not p.is_symlink())
    result = store.load_result(folder / "result.json")
    runs = {s.journey_id: store.load_run(folder / s.trace) for s in result.runs if (folder / s.trace / "trace.json").exists()}
    left = sorted(p.name for p in temp.glob("journeyaudit-login-*"))
    shutil.rmtree(temp, ignore_errors=True)
    return done, folder, result, runs, left


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    return audit(tmp_path_factory.mktemp("login"), 2)


def test_journeys_that_use_the_login_start_signed_in(two_workers):
    done, _, result, runs, _ = two_workers
    assert done.returncode == 0, done.stdout + done.stderr
    assert {s.journey_id: s.status for s in result.runs} == {
        "account-order": "passed", "account": "passed", "anonymous": "passed", "login": "passed"}, result.errors
    order_status = runs["account-order"].steps[-1].actions[-1]
    assert order_status.name == "request" and order_status.effect["status"] == 200
    assert '"status": "Confirmed"' in order_status.effect["body"]  # read with the customer's own cookies


def test_the_setup_journey_runs_before_the_others_even_with_two_workers(two_workers):
    _, _, _, runs, _ = two_workers
    login = runs["login"]
    login_end = login.started_at + login.duration_ms / 1000
    assert all(run.started_at >= login_end - 0.05 for key, run in runs.items() if key != "login"), {
        key: run.started_at for key, run in runs.items()}


def test_the_storage_state_is_deleted_and_never_reaches_the_report(two_workers):
    _, folder, _, _, left = two_workers
    assert left == []
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            assert b'"cookies"' not in text and b'"origins"' not in text, path


def test_a_failed_login_makes_the_journeys_that_use_it_could_not_run(tmp_path):
    done, _, result, runs, left = audit(tmp_path, 1, password="not-the-journeys-password")
    assert done.returncode == 1, done.stdout + done.stderr
    status = {s.journey_id: s for s in result.runs}
    assert status["login"].status == "failed"
    assert status["anonymous"].status == "passed"
    for journey in ("account-order", "account"):
        assert status[journey].status == "error"
        assert status[journey].error.startswith(
            "not run: the setup journey 'Sign in' failed at step 1 ('Sign in'): expected 'Signed in as' on the page"), status[journey].error
    assert left == []
