"""`journeyaudit init DIR` starts a project whose files validate and whose $schema lines resolve."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from journeyaudit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_init_writes_files_that_check_passes(tmp_path, monkeypatch):
    monkeypatch.delenv("TEST_CARD", raising=False)
    project = tmp_path / "shop-audit"
    done = _run("init", str(project))
    assert done.exit_code == 0, done.output
    profile, journey = project / "audits" / "staging.yaml", project / "journeys" / "guest-checkout.yaml"
    checked = _run("check", str(profile), str(journey))
    assert checked.exit_code == 0, checked.output
    assert checked.output.count(": ok") == 2


def test_schema_lines_point_at_the_written_schemas(tmp_path):
    assert _run("init", str(tmp_path)).exit_code == 0
    for sample in [*tmp_path.glob("audits/*.yaml"), *tmp_path.glob("journeys/*.yaml")]:
        first = sample.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (sample.parent / first.split("$schema=", 1)[1]).resolve()
        assert target.is_file(), f"{sample.name} points at {target}"
    for name in ("journey", "audit", "result"):  # the same schemas as the committed ones
        written = json.loads((tmp_path / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert written == json.loads((ROOT / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))


def test_init_leaves_existing_files_alone_unless_forced(tmp_path):
    assert _run("init", str(tmp_path)).exit_code == 0
    journey = tmp_path / "journeys" / "guest-checkout.yaml"
    journey.write_text("mine", encoding="utf-8")
    again = _run("init", str(tmp_path))
    assert again.exit_code == 2 and "already there" in again.output
    assert journey.read_text(encoding="utf-8") == "mine"
    assert _run("init", str(tmp_path), "--force").exit_code == 0
    assert journey.read_text(encoding="utf-8") != "mine"
