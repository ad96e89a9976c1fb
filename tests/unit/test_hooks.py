"""The profile's setup and teardown commands (gather/hooks.py): time limits, optional items, the redacted log."""

from __future__ import annotations

import time

import pytest

from journeyaudit.gather.hooks import LOG_FILE, Hooks, SetupFailed
from journeyaudit.history.store import Redactor


def hooks(tmp_path, setup=(), teardown=(), secrets=()):
    return Hooks({"setup": list(setup), "teardown": list(teardown)}, "http://shop.test", tmp_path / "out",
                 Redactor(list(secrets)), cwd=tmp_path)


def test_a_command_past_its_time_limit_is_stopped_with_its_children(tmp_path):
    started = time.monotonic()
    with pytest.raises(SetupFailed) as caught:
        hooks(tmp_path, setup=[{"name": "slow", "run": "sleep 30 & sleep 30", "timeout": 0.5}]).setup()
    assert time.monotonic() - started < 10
    assert str(caught.value) == ("setup failed, no journey was run: 'slow': did not finish within 0.5 s (stopped) "
                                 "(see run.log in the report folder)")


def test_optional_items_fail_softly_and_teardown_runs_every_item(tmp_path):
    runner = hooks(
        tmp_path,
        setup=[{"run": "exit 3", "optional": True}, {"run": "echo made > fixture.txt"}],
        teardown=[{"name": "broken", "run": "exit 1"}, {"run": "rm fixture.txt"}],
    )
    assert runner.setup() == ["optional setup item failed: 'setup 1': exited with code 3"]
    assert (tmp_path / "fixture.txt").exists()  # in the profile's folder
    assert runner.teardown() == ["teardown failed: 'broken': exited with code 1"]
    assert not (tmp_path / "fixture.txt").exists()


def test_the_log_keeps_output_with_secrets_redacted(tmp_path):
    hooks(tmp_path, setup=[{"run": "echo token=abc-secret-42; echo fine"}], secrets=["abc-secret-42"]).setup()
    log = (tmp_path / "out" / LOG_FILE).read_text(encoding="utf-8")
    assert "abc-secret-42" not in log
    assert "[setup] setup 1: run echo token=[redacted]; echo fine" in log and "    fine" in log
