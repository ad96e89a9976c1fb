"""Shards: the split of `run --shard i/n` and `journeyaudit merge`, without a browser.

The merge tests judge journeys recorded from the demo shop (tests/fixtures/traces) as shards
would: each shard folder holds its journeys' traces and a result.json with its part of the
split, and the merged result is compared with the same journeys judged as one run.
"""

from __future__ import annotations

import copy
import random
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from journeyaudit import model
from journeyaudit.audit import summarise
from journeyaudit.cli.common import exit_code
from journeyaudit.cli.main import main
from journeyaudit.cli.shards import plan_order, plan_shard
from journeyaudit.history import store
from journeyaudit.history.database import History
from journeyaudit.history.shards import journey_durations
from journeyaudit.judge.engine import RuleSettings, judge
from journeyaudit.postrun import prepare
from journeyaudit.spec.shards import Shard, audit_key, parse_shard, plan, split

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "traces"
AUDIT = ["late-fee", "happy-path", "probes", "probes~bad-email", "js-exception", "stock-out"]  # the audit's order
T0 = 1_795_000_000.0


# ---- the split -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, shard", [("1/3", Shard(1, 3)), ("3/3", Shard(3, 3)), (" 2 / 5 ", Shard(2, 5)), ("1/1", Shard(1, 1))])
def test_a_shard_is_i_of_n(text, shard):
    assert parse_shard(text) == shard
    assert str(shard) == f"{shard.index}/{shard.total}"


@pytest.mark.parametrize("text, says", [
    ("0/3", "from 1 to 3"), ("4/3", "from 1 to 3"), ("1/0", "from 1 to"), ("2", "is not i/n"),
    ("a/b", "is not i/n"), ("1/2/3", "is not i/n"), ("-1/2", "is not i/n"), ("", "is not i/n"),
])
def test_a_shard_that_is_not_i_of_n_is_refused_with_what_is_wrong(text, says):
    with pytest.raises(ValueError, match=says):
        parse_shard(text)


def test_run_refuses_a_bad_shard_as_a_usage_error_before_anything_runs():
    done = CliRunner().invoke(main, ["run", str(ROOT / "audits" / "demo-quick.yaml"), "--shard", "3/2"])
    assert done.exit_code == 2, done.output
    assert "--shard" in done.output and "the shard must be from 1 to 2" in done.output
    done = CliRunner().invoke(main, ["run", str(ROOT / "audits" / "demo-quick.yaml")], env={"JOURNEYAUDIT_SHARD": "two"})
    assert done.exit_code == 2 and "JOURNEYAUDIT_SHARD" in done.output and "is not i/n" in done.output


def test_without_history_the_ids_are_dealt_round_robin_in_id_order_and_keep_the_audit_order():
    ids = ["d", "b", "e", "a", "c"]
    assert split(ids, 2) == [["e", "a", "c"], ["d", "b"]]  # a, c, e to shard 1; b, d to shard 2
    assert split(ids, 3) == [["d", "a"], ["b", "e"], ["c"]]  # a, d; b, e; c


def test_the_split_does_not_depend_on_the_listed_order():
    ids = [f"journey-{n:02}" for n in range(17)]
    durations = {i: float(random.Random(i).randint(1, 90)) for i in ids[::2]}
    shuffled = ids[:]
    random.Random(7).shuffle(shuffled)
    for total in (2, 3, 5):
        for with_history in (None, durations):
            assert [set(s) for s in split(ids, total, with_history)] == [set(s) for s in split(shuffled, total, with_history)]


@pytest.mark.parametrize("total", [1, 2, 3, 4, 7, 30])
def test_every_journey_is_in_exactly_one_shard(total):
    ids = [f"j{n}" for n in range(23)]
    durations = {i: float(random.Random(n).randint(1, 60_000)) for n, i in enumerate(ids) if n % 3}
    shards = split(ids, total, durations)
    assert len(shards) == total
    assert sorted(i for shard in shards for i in shard) == sorted(ids)


def test_with_history_the_longest_journeys_go_first_onto_the_lightest_shard():
    durations = {"a": 100.0, "b": 60.0, "c": 50.0, "d": 40.0, "e": 10.0}
    # a -> 1 (100, 0); b -> 2 (100, 60); c -> 2 (100, 110); d -> 1 (140, 110); e -> 2 (140, 120)
    assert split(["e", "d", "c", "b", "a"], 2, durations) == [["d", "a"], ["e", "c", "b"]]


def test_a_greedy_split_is_balanced_within_one_journey():
    rng = random.Random(3)
    ids = [f"j{n}" for n in range(40)]
    durations = {i: float(rng.randint(1_000, 60_000)) for i in ids}
    for total in (2, 3, 4):
        loads = [sum(durations[i] for i in shard) for shard in split(ids, total, durations)]
        assert max(loads) - min(loads) <= max(durations.values())
        by_id = [sum(durations[i] for i in shard) for shard in split(ids, total)]
        assert max(loads) <= max(by_id)  # never worse than ignoring the history


def test_a_journey_the_history_does_not_know_counts_as_the_mean_of_the_known_ones():
    # new is unknown: it counts as (90 + 10) / 2 = 50, heavier than c (40): a -> 1, new -> 2, c -> 2, b -> 2
    assert split(["a", "b", "c", "new"], 2, {"a": 90.0, "b": 10.0, "c": 40.0}) == [["a"], ["b", "c", "new"]]


def test_more_shards_than_journeys_leaves_the_last_shards_empty():
    assert split(["a", "b"], 4) == [["a"], ["b"], [], []]


def test_the_plan_keeps_the_audit_order_and_records_the_split():
    journeys = [SimpleNamespace(id=i) for i in AUDIT]
    one, first = plan("demo", journeys, RuleSettings(), Shard(1, 2))
    two, second = plan("demo", journeys, RuleSettings(), Shard(2, 2))
    assert sorted(j.id for j in one + two) == sorted(AUDIT)
    assert [j.id for j in one] == [i for i in AUDIT if i in first.journeys] == first.journeys
    assert (first.index, first.total, second.index) == (1, 2, 2)
    assert first.audit_journeys == second.audit_journeys == AUDIT
    assert first.key == second.key and first.history_run is None
    assert first.key != audit_key("demo", AUDIT, RuleSettings(ignore=["JA4"]))
    assert first.key != audit_key("demo", AUDIT[:-1], RuleSettings())
    _, balanced = plan("demo", journeys, RuleSettings(), Shard(1, 2), {"late-fee": 5.0}, history_run=12)
    assert balanced.history_run == 12


# ---- balancing by the history ---------------------------------------------------------------------


_LOADED: dict[str, model.Run] = {}
_JUDGED: dict[tuple[str, str], tuple[list, list]] = {}  # (journey, rules) -> findings, outcomes: judged once


def _fixture_runs(ids=AUDIT) -> dict[str, model.Run]:
    for journey in ids:
        if journey not in _LOADED:
            _LOADED[journey] = store.load_run(FIXTURES / journey)
    return {journey: copy.deepcopy(_LOADED[journey]) for journey in ids}


def _judge(runs: dict[str, model.Run], rules: RuleSettings) -> tuple[list, list]:
    findings, outcomes = [], []
    for journey, run in runs.items():
        key = (journey, repr(rules))
        if key not in _JUDGED:
            _JUDGED[key] = judge([run], rules)
        findings += copy.deepcopy(_JUDGED[key][0])
        outcomes += copy.deepcopy(_JUDGED[key][1])
    return findings, outcomes


def _whole(runs: dict[str, model.Run], fail_on: str = "high", rules: RuleSettings | None = None) -> model.Result:
    findings, outcomes = _judge(runs, rules or RuleSettings())
    result = model.Result(audit="demo", base_url="http://127.0.0.1:8000", started_at=T0, duration_ms=1000.0,
                          fail_on=fail_on, findings=findings, outcomes=outcomes)
    result.runs = [summarise(run, f"traces/{run.journey_id}") for run in runs.values()]
    return result


def test_journey_durations_come_from_the_newest_run_that_has_the_journey(tmp_path):
    runs = _fixture_runs()
    with History(f"sqlite:///{tmp_path / 'h.sqlite'}") as history:
        assert journey_durations(history, "demo") == ({}, None)
        older = _whole(runs)
        history.record(older, runs=runs)
        newer_runs = {key: runs[key] for key in ("late-fee", "happy-path")}
        newer = _whole(newer_runs)
        newer.started_at += 60
        newest_id = history.record(newer, runs=newer_runs)
        durations, run_id = journey_durations(history, "demo")
    assert run_id == newest_id
    assert set(durations) == set(AUDIT)
    for journey in AUDIT:
        expected = sum(s.duration_ms for s in runs[journey].steps if s.status != "skipped")
        assert durations[journey] == pytest.approx(expected)


def test_a_shard_run_reads_the_history_to_balance_but_neither_compares_nor_records(tmp_path):
    runs = _fixture_runs()
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    with History(url) as history:
        recorded = history.record(_whole(runs), runs=runs)
    post = prepare(history_url=url)
    settings = SimpleNamespace(name="demo", journeys=[SimpleNamespace(id=i) for i in AUDIT], rules=RuleSettings(), shard=None)
    plan_shard(settings, Shard(2, 3), post)
    assert post.history is None and post.record is False
    assert settings.shard.history_run == recorded and settings.shard.index == 2
    durations, _ = journey_durations(History(url), "demo")
    assert settings.shard.journeys == [j.id for j in settings.journeys] == split(AUDIT, 3, durations)[1]


@pytest.mark.parametrize("workers, reads", [(2, True), (1, False)])
def test_a_run_with_workers_reads_the_durations_so_the_longest_journeys_start_first(tmp_path, workers, reads):
    """gather/workers.py hands them out longest first; one worker keeps the audit's order and reads nothing."""
    runs = _fixture_runs()
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    with History(url) as history:
        history.record(_whole(runs), runs=runs)
    post = prepare(history_url=url)
    settings = SimpleNamespace(name="demo", journeys=[SimpleNamespace(id=i) for i in AUDIT], workers=workers, durations={})
    plan_order(settings, post)
    assert post.history is not None  # the run still compares and records
    post.close()
    assert settings.durations == (journey_durations(History(url), "demo")[0] if reads else {})
    assert not reads or set(settings.durations) == set(AUDIT)


# ---- merging ---------------------------------------------------------------------------------------


def write_shards(tmp_path: Path, *, total: int = 2, durations=None, audit="demo", rules=None, fail_on="high",
                 ids=AUDIT, folder="shard") -> list[Path]:
    """Shard folders as `run --shard i/n` writes them: traces/<journey> and result.json with the split."""
    runs = _fixture_runs(ids)
    folders = []
    for index in range(1, total + 1):
        chosen, info = plan(audit, [SimpleNamespace(id=i) for i in ids], rules or RuleSettings(), Shard(index, total), durations)
        part = {j.id: runs[j.id] for j in chosen}
        result = _whole(part, fail_on, rules)
        result.audit, result.shard = audit, info
        result.started_at, result.duration_ms = T0 + index, 1000.0 * index
        out = tmp_path / f"{folder}-{index}" / f"20261205-0900{index:02}-{audit}"
        for journey in part:
            shutil.copytree(FIXTURES / journey, out / "traces" / journey)
        store.save_result(result, out / store.RESULT_FILE)
        folders.append(out)
    return folders


def merge(*args) -> tuple[int, str]:
    done = CliRunner().invoke(main, ["merge", *map(str, args)])
    return done.exit_code, done.output


def test_merged_shards_are_the_audit_judged_as_one_run(tmp_path):
    folders = write_shards(tmp_path, total=3)
    out, url = tmp_path / "merged", f"sqlite:///{tmp_path / 'h.sqlite'}"
    code, output = merge(*folders, "--out", out, "--history", url, "--format", "junit")
    single = _whole(_fixture_runs())
    merged = store.load_result(out / store.RESULT_FILE)
    assert [(f.journey, f.code, f.step) for f in merged.findings] == [(f.journey, f.code, f.step) for f in single.findings]
    assert [f.journey for f in merged.findings] and {f.journey for f in merged.findings} != {"late-fee"}
    assert [s.journey_id for s in merged.runs] == AUDIT
    assert [(o.journey, o.code, o.status) for o in merged.outcomes] == [(o.journey, o.code, o.status) for o in single.outcomes]
    assert code == exit_code(single) == 1, output
    assert merged.shard is None and merged.started_at == T0 + 1 and merged.duration_ms == pytest.approx(5000.0)  # from shard 1 started to shard 3 ended
    assert all((out / s.trace / store.TRACE_FILE).is_file() for s in merged.runs)
    assert (out / "report.html").is_file() and (out / "junit.xml").is_file()
    with History(url) as history:
        stored = history.runs("demo")
    assert len(stored) == 1 and stored[0].journeys == len(AUDIT) and stored[0].total == len(single.findings)
    assert "Merged 3 shards of demo: 6 journeys" in output and "History: run #1 recorded" in output


def test_merge_finds_the_shards_below_a_folder_of_downloaded_artifacts(tmp_path):
    write_shards(tmp_path / "downloaded")
    (tmp_path / "downloaded" / "shard-1" / "latest").symlink_to("20261205-090001-demo", target_is_directory=True)
    code, output = merge(tmp_path / "downloaded", "--out", tmp_path / "merged", "--no-history")
    assert code == 1, output
    assert len(store.load_result(tmp_path / "merged" / store.RESULT_FILE).runs) == len(AUDIT)


def test_merge_uses_its_fail_on_over_the_shards(tmp_path):
    folders = write_shards(tmp_path)
    assert merge(*folders, "--out", tmp_path / "m", "--no-history", "--fail-on", "none")[0] == 0


@pytest.mark.parametrize("case, says", [
    ("not a shard", "not a shard (its run had no --shard i/n)"),
    ("other audit", "the shards come from different audits"),
    ("other profile", "their rule settings differ"),
    ("other journeys", "their journeys differ"),
    ("other split", "the shards come from different splits"),
    ("twice", "shard 1/2 is given twice"),
    ("missing", "shard 2/3 missing (found 1/3, 3/3)"),
    ("split apart", "is in shard 1/2"),
    ("fail_on", "the shards ran with different fail_on (high, none): give --fail-on"),
])
def test_merge_refuses_what_is_not_one_audit_and_says_which(tmp_path, case, says):
    one = write_shards(tmp_path / "a")
    if case == "not a shard":
        result = store.load_result(one[1] / store.RESULT_FILE)
        result.shard = None
        store.save_result(result, one[1] / store.RESULT_FILE)
        folders = one
    elif case == "other audit":
        folders = [one[0], write_shards(tmp_path / "b", audit="staging")[1]]
    elif case == "other profile":
        folders = [one[0], write_shards(tmp_path / "b", rules=RuleSettings(ignore=["JA5"]))[1]]
    elif case == "other journeys":
        folders = [one[0], write_shards(tmp_path / "b", ids=AUDIT[:-1])[1]]
    elif case == "other split":
        folders = [one[0], write_shards(tmp_path / "b", total=3)[1]]
    elif case == "twice":
        folders = [one[0], write_shards(tmp_path / "b")[0]]
    elif case == "missing":
        three = write_shards(tmp_path / "b", total=3)
        folders = [three[0], three[2]]
    elif case == "split apart":  # shard 2 was balanced on a history shard 1 did not see
        other = write_shards(tmp_path / "b", durations={"late-fee": 90.0, "happy-path": 80.0, "probes": 1.0})
        folders = [one[0], other[1]]
    else:
        folders = [one[0], write_shards(tmp_path / "b", fail_on="none")[1]]
    code, output = merge(*folders, "--out", tmp_path / "merged", "--no-history")
    assert code == 2, output
    assert says in " ".join(output.split()), output
    assert not (tmp_path / "merged" / store.RESULT_FILE).exists()


def test_merge_refuses_an_out_folder_that_holds_a_result(tmp_path):
    folders = write_shards(tmp_path)
    code, output = merge(*folders, "--out", folders[0], "--no-history")
    assert code == 2 and "shard 1/2" in output and "already holds a result.json" in output


def test_a_shard_that_was_interrupted_makes_the_merged_run_interrupted(tmp_path):
    folders = write_shards(tmp_path)
    result = store.load_result(folders[1] / store.RESULT_FILE)
    dropped = result.runs.pop()
    result.findings = [f for f in result.findings if f.journey != dropped.journey_id]
    result.errors.append(f"interrupted after {len(result.runs)} of {len(result.shard.journeys)} journeys")
    store.save_result(result, folders[1] / store.RESULT_FILE)
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    code, output = merge(*folders, "--out", tmp_path / "merged", "--history", url)
    assert code == 130, output
    merged = store.load_result(tmp_path / "merged" / store.RESULT_FILE)
    assert len(merged.runs) == len(AUDIT) - 1
    planned = len(result.shard.journeys)
    assert f"shard 2/2 ({folders[1]}) stopped after {planned - 1} of its {planned} journeys" in merged.errors
    assert merged.errors[-1] == f"interrupted after {len(AUDIT) - 1} of {len(AUDIT)} journeys"
    assert (tmp_path / "merged" / "report.html").is_file()
    with History(url) as history:
        assert history.runs("demo") == []
