"""Files of ours, only ours (issue 14, class 7, part): folders, `latest`, traces read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from journeyaudit import audit, model
from journeyaudit.history import store

ROOT = Path(__file__).resolve().parents[2]


def test_runs_started_together_get_separate_folders(tmp_path):
    with ThreadPoolExecutor(8) as pool:
        folders = list(pool.map(lambda _: audit.claim_folder(tmp_path, "demo", 1_700_000_000.0), range(8)))
    assert len(set(folders)) == 8 and all(folder.is_dir() for folder in folders)


def test_a_regular_file_named_latest_is_kept(tmp_path):
    latest = tmp_path / "latest"
    latest.write_text("my notes")
    audit._point_latest(audit.claim_folder(tmp_path, "demo", 1_700_000_000.0))
    assert latest.read_text() == "my notes"


def test_latest_symlink_still_moves(tmp_path):
    first = audit.claim_folder(tmp_path, "demo", 1_700_000_000.0)
    audit._point_latest(first)
    second = audit.claim_folder(tmp_path, "demo", 1_700_000_000.0)
    audit._point_latest(second)
    assert os.readlink(tmp_path / "latest") == second.name


def _saved(tmp_path: Path) -> Path:
    step = model.StepRecord(index=1, name="Product", role="product", html="<p>hello</p>")
    run_dir = tmp_path / "traces" / "p"
    store.save_run(model.Run("p", "P", "journeys/p.yaml", "https://shop.example", steps=[step]), run_dir)
    return run_dir


def test_a_trace_cannot_point_its_html_outside_its_folder(tmp_path):
    outside = tmp_path / "private.html"
    outside.write_text("<p>not yours</p>")
    run_dir = _saved(tmp_path)
    trace = json.loads((run_dir / "trace.json").read_text())
    trace["steps"][0]["html_file"] = "../../private.html"
    (run_dir / "trace.json").write_text(json.dumps(trace))
    assert store.load_run(run_dir).steps[0].html == ""


def test_truncated_trace_is_a_clear_error(tmp_path):
    run_dir = _saved(tmp_path)
    text = (run_dir / "trace.json").read_text()
    (run_dir / "trace.json").write_text(text[: len(text) // 2])
    with pytest.raises(store.TraceUnreadable, match="trace.json: not a readable journeyaudit trace"):
        store.load_run(run_dir)


def test_audit_command_on_a_truncated_trace_exits_2_without_traceback(tmp_path):
    run_dir = _saved(tmp_path)
    (run_dir / "trace.json").write_text('{"journey_id": "p", "steps": [')
    done = subprocess.run([sys.executable, "-m", "journeyaudit.cli.main", "audit", str(tmp_path), "--out", str(tmp_path / "re")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "not a readable journeyaudit trace" in done.stderr


def test_a_profile_name_cannot_put_the_report_outside_out(tmp_path):
    out = tmp_path / "out"
    for name in ("../../escaped", "/tmp/abs", "..", "a/../../b", "C:\\x\\..\\y", "\x00nul", ""):
        folder = audit.claim_folder(out, name, 1_700_000_000.0)
        assert folder.parent == out and folder.resolve().parent == out.resolve(), name
        assert folder.name.startswith("2023") and "/" not in folder.name and ".." not in folder.name, folder.name
