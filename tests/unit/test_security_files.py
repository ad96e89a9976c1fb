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


def test_a_snapshot_that_is_a_link_out_of_its_folder_is_not_read(tmp_path):
    outside = tmp_path / "private.html"
    outside.write_text("<p>not yours</p>")
    run_dir = _saved(tmp_path)
    name = json.loads((run_dir / "trace.json").read_text())["steps"][0]["html_file"]
    (run_dir / name).unlink()
    (run_dir / name).symlink_to(outside)  # a plain name, but a link: resolved, and left out
    assert store.load_run(run_dir).steps[0].html == ""
    (run_dir / name).unlink()
    (run_dir / name).write_text("<p>the snapshot</p>")
    assert store.load_run(run_dir).steps[0].html == "<p>the snapshot</p>"


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


# ---- the files a profile lists ----------------------------------------------------------------------------

JOURNEY = "name: J\nsteps:\n  - name: Product\n    role: product\n    actions: [goto: /]\n"
SECRETS = "aws_secret: wJalrXUtnFEMI-K7MDENG\npassword: hunter2-hunter2\n"


def _project(tmp_path: Path, journeys: str, root: str | None = None) -> Path:
    (tmp_path / "audits").mkdir()
    (tmp_path / "journeys").mkdir()
    (tmp_path / "audits" / "mine.yaml").write_text(JOURNEY)
    (tmp_path / "journeys" / "theirs.yaml").write_text(JOURNEY)
    (tmp_path / "private.yaml").write_text(SECRETS)
    profile = tmp_path / "audits" / "p.yaml"
    profile.write_text(f"name: p\nbase_url: https://shop.example\njourneys: {journeys}\n"
                       + (f"journeys_root: {root}\n" if root else ""))
    return profile


def _errors(profile: Path) -> list[str]:
    from journeyaudit.spec.config import ValidationFailed, resolve

    with pytest.raises(ValidationFailed) as caught:
        resolve([str(profile)], env={})
    return [str(error) for error in caught.value.errors]


@pytest.mark.parametrize("listed", ['["../private.yaml"]', '["../*.yaml"]', '["../journeys/theirs.yaml"]', "ABSOLUTE"])
def test_journeys_stay_inside_the_profiles_folder(tmp_path, listed):
    listed = f'["{tmp_path}/private.yaml"]' if listed == "ABSOLUTE" else listed
    profile = _project(tmp_path, listed)
    (error,) = _errors(profile)
    assert error.startswith(f"{profile}:3:") and "outside the profile's folder" in error and "journeys_root" in error
    assert "hunter2" not in error


def test_a_symbolic_link_out_of_the_folder_is_outside(tmp_path):
    profile = _project(tmp_path, '["link.yaml"]')
    (tmp_path / "audits" / "link.yaml").symlink_to(tmp_path / "journeys" / "theirs.yaml")
    assert "outside the profile's folder" in _errors(profile)[0]


def test_journeys_root_allows_a_wider_folder_and_no_more(tmp_path):
    from journeyaudit.spec.config import resolve

    (tmp_path / "repo").mkdir()
    profile = _project(tmp_path / "repo", '["mine.yaml", "../journeys/*.yaml"]', root="..")
    assert [j.id for j in resolve([str(profile)], env={}).journeys] == ["mine", "theirs"]
    (tmp_path / "outside.yaml").write_text(JOURNEY)
    profile.write_text(profile.read_text().replace("../journeys/*.yaml", "../../*.yaml"))
    assert "outside journeys_root ('..')" in _errors(profile)[0]


def test_a_listed_file_that_is_not_a_journey_is_named_never_quoted(tmp_path):
    profile = _project(tmp_path, '["../*.yaml", "../journeys/*.yaml"]', root="..")
    (tmp_path / "text.yaml").write_text("root:x:0:0:root:/root:/bin/bash hunter2-hunter2\n")
    (tmp_path / "steps.yaml").write_text("steps_to_reproduce: hunter2-hunter2\nuser: admin\n")
    (tmp_path / "bad.yaml").write_text('token: "abc ${ hunter2-hunter2 and more"\nlist: [1, 2\n')
    errors = _errors(profile)
    assert len(errors) == 4, errors  # bad.yaml, private.yaml, steps.yaml, text.yaml
    assert not any("hunter2" in error or "wJalr" in error or "admin" in error for error in errors), errors
    assert any(error.startswith(f"{tmp_path / 'private.yaml'}:1:1: not a journey") for error in errors), errors


def test_check_of_a_profile_checks_its_journeys(tmp_path):
    profile = _project(tmp_path, '["mine.yaml"]')
    (tmp_path / "audits" / "mine.yaml").write_text("name: J\nsteps:\n  - name: P\n    role: product\n    actions: [clik: a]\n")
    done = subprocess.run([sys.executable, "-m", "journeyaudit.cli.main", "check", str(profile)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{tmp_path / 'audits' / 'mine.yaml'}:5:" in done.stdout and "clik" in done.stdout


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "journeyaudit.cli.main", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_audit_and_report_commands_with_an_unwritable_out_exit_2_without_traceback(tmp_path):
    _saved(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = _cli("audit", str(tmp_path), "--out", str(blocker / "re"))
    assert done.returncode == 2 and "cannot write the output folder" in done.stderr, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    judged = _cli("audit", str(tmp_path), "--out", str(tmp_path / "re"))
    assert judged.returncode in (0, 1), judged.stdout + judged.stderr
    done = _cli("report", str(tmp_path / "re" / "result.json"), "--out", str(blocker / "report.html"))
    assert done.returncode == 2 and "cannot write the output folder" in done.stderr, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_report_command_on_a_truncated_trace_exits_2_without_traceback(tmp_path):
    run_dir = _saved(tmp_path)
    assert _cli("audit", str(tmp_path), "--out", str(tmp_path / "re")).returncode in (0, 1)
    (run_dir / "trace.json").write_text('{"journey_id": "p", "steps": [')
    done = _cli("report", str(tmp_path / "re" / "result.json"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "not a readable journeyaudit trace" in done.stderr
