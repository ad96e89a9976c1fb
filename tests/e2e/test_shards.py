"""`run --shard 1/2` and `2/2` in real Chromium, joined by `journeyaudit merge`, equal one run of the audit.

A small demo audit of three journeys and a probe variant of each (six journeys): once as one
run, once as two shards, as two CI jobs would run them (each with its own demo shop and
Chromium), sharing a history that the shards only read and the merge records once.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from journeyaudit.history import store
from journeyaudit.history.database import History

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "journeyaudit.cli.main"]
JOURNEYS = ("happy-path", "late-fee", "js-exception")
AUDIT = [journey for base in JOURNEYS for journey in (base, f"{base}~bad-email")]  # each followed by its probe


def cli(*args: object) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=900)


def only_folder(parent: Path) -> Path:
    folders = [p for p in parent.iterdir() if p.is_dir() and not p.is_symlink()]
    assert len(folders) == 1, folders
    return folders[0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("shards")
    files = ", ".join(f'"{ROOT}/journeys/demo/{j}.yaml"' for j in JOURNEYS)
    profile = tmp / "sharded.yaml"
    profile.write_text(  # the speed rules (JA4) are left out: three runs on a busy machine differ in speed
        f"name: sharded\ndemo_shop: true\njourneys_root: /\njourneys: [{files}]\nfail_on: high\n"
        "timeouts: {action_ms: 5000}\nrules: {ignore: [JA4]}\nprobes: {invalid_inputs: [bad_email]}\n"
        "host_map: {pay.kettle-crumb.test: 127.0.0.1}\n"
        "accessibility: false\n",  # axe-core is the demo audit's (a third of each journey's time here)
        encoding="utf-8",
    )
    history = tmp / "history.sqlite"
    single = cli("run", profile, "--out", tmp / "single", "--no-history")
    shards = [cli("run", profile, "--shard", f"{i}/2", "--out", tmp / f"shard-{i}", "--history", history) for i in (1, 2)]
    merged = cli("merge", tmp / "shard-1", tmp / "shard-2", "--out", tmp / "merged", "--history", history, "--format", "junit")
    return tmp, single, shards, merged


def test_each_shard_runs_its_part_and_says_so(runs):
    tmp, _, shards, _ = runs
    parts = []
    for index, done in enumerate(shards, start=1):
        assert done.returncode in (0, 1), done.stdout + done.stderr
        assert f"Shard {index}/2: 3 of 6 journeys (split by journey id)" in done.stdout
        result = store.load_result(only_folder(tmp / f"shard-{index}") / store.RESULT_FILE)
        assert (result.shard.index, result.shard.total) == (index, 2)
        assert [s.journey_id for s in result.runs] == result.shard.journeys
        parts.append(result.shard.journeys)
    assert sorted(parts[0] + parts[1]) == sorted(AUDIT) and not set(parts[0]) & set(parts[1])
    assert parts[0] == [j for j in AUDIT if j in sorted(AUDIT)[0::2]]  # without history: by id, round-robin


def test_the_merged_shards_find_what_one_run_finds(runs):
    tmp, single, _, merged = runs
    assert single.returncode == 1, single.stdout + single.stderr
    assert merged.returncode == single.returncode, merged.stdout + merged.stderr
    one = store.load_result(only_folder(tmp / "single") / store.RESULT_FILE)
    joined = store.load_result(tmp / "merged" / store.RESULT_FILE)
    assert [s.journey_id for s in one.runs] == [s.journey_id for s in joined.runs] == AUDIT
    assert [(f.journey, f.code) for f in joined.findings] == [(f.journey, f.code) for f in one.findings]
    assert ("late-fee", "JA201") in [(f.journey, f.code) for f in joined.findings]
    assert {s.journey_id: s.status for s in joined.runs} == {s.journey_id: s.status for s in one.runs}
    assert not joined.errors and joined.shard is None
    for summary in joined.runs:
        assert (tmp / "merged" / summary.trace / store.TRACE_FILE).is_file()
    assert (tmp / "merged" / "report.html").is_file() and (tmp / "merged" / "junit.xml").is_file()


def test_the_merged_run_is_the_one_run_in_the_history(runs):
    tmp, _, _, merged = runs
    with History(f"sqlite:///{tmp / 'history.sqlite'}") as history:
        stored = history.runs("sharded")
    assert len(stored) == 1, stored
    assert stored[0].journeys == len(AUDIT) and stored[0].report_path == str(tmp / "merged" / "report.html")
    assert "History: run #1 recorded" in merged.stdout
