"""Shards: journey durations to balance a split, and ``journeyaudit merge`` joining the shards.

``run --shard i/n`` (spec/shards.py) records its part of the audit in ``result.json``
(``shard``). :func:`load_shards` finds the shard folders, :func:`check` refuses
folders that do not make one whole audit (another audit or profile, a shard twice, a
shard missing, a journey in two shards or in none), and :func:`merge` joins them into
one :class:`~journeyaudit.model.Result` in the audit's order, as one run with all the
journeys would have written it. What comes after judging (baseline, history, CI
formats, the report) is then the run's own code (postrun.py), done once.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from journeyaudit.history import store
from journeyaudit.model import Result, Run

RUNS_FOR_DURATIONS = 5  # the newest runs of the audit a journey's duration may come from


class ShardProblem(Exception):
    """The folders cannot be merged (exit code 2); the message says which folder and why."""


@dataclass
class ShardFolder:
    folder: Path
    result: Result

    @property
    def label(self) -> str:
        shard = self.result.shard
        return f"shard {shard.index}/{shard.total} ({self.folder})" if shard else str(self.folder)

    @property
    def missing(self) -> list[str]:
        """The journeys this shard planned but did not record: it was interrupted or killed."""
        done = {summary.journey_id for summary in self.result.runs}
        return [journey for journey in self.result.shard.journeys if journey not in done] if self.result.shard else []


def journey_durations(history, audit: str, runs: int = RUNS_FOR_DURATIONS) -> tuple[dict[str, float], int | None]:
    """Each journey's duration (its steps' sum, ms) in the newest of the audit's last runs that has it.

    Also returns the id of the newest run read (None: the history has no run of ``audit``).
    """
    durations: dict[str, float] = {}
    newest = None
    for stored in history.runs(audit, limit=runs):  # newest first
        newest = newest if newest is not None else stored.id
        per_journey: dict[str, float] = {}
        for (journey, _step), ms in stored.timings.items():
            per_journey[journey] = per_journey.get(journey, 0.0) + float(ms)
        for journey, ms in per_journey.items():
            durations.setdefault(journey, ms)
    return durations, newest


# ---- finding and loading the shards -------------------------------------------------------


def find_results(dirs: Sequence[str | Path]) -> list[Path]:
    """The result.json of each DIR: in it, or (a folder of downloaded artifacts) every shard's below it."""
    found: dict[Path, None] = {}
    for given in map(Path, dirs):
        if given.is_file() and given.name == store.RESULT_FILE:
            found.setdefault(given.resolve())
        elif (given / store.RESULT_FILE).is_file():
            found.setdefault((given / store.RESULT_FILE).resolve())
        elif given.is_dir():
            below = [path for path in sorted(given.rglob(store.RESULT_FILE)) if _is_shard(path)]
            if not below:
                raise ShardProblem(f"{given}: no shard's result.json in it or below it (shards are written by run --shard i/n)")
            for path in below:
                found.setdefault(path.resolve())
        else:
            raise ShardProblem(f"{given}: no such folder")
    return list(found)


def _is_shard(path: Path) -> bool:
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError, AttributeError):
        return store.load_result(path).shard is not None
    return False


def load_shards(dirs: Sequence[str | Path]) -> list[ShardFolder]:
    shards = []
    for path in find_results(dirs):
        try:
            result = store.load_result(path)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise ShardProblem(f"{path}: not a journeyaudit result ({exc})") from None
        shards.append(ShardFolder(path.parent, result))
    return shards


# ---- refusing what is not one audit -----------------------------------------------------------


def check(shards: Sequence[ShardFolder]) -> None:
    """Raise :class:`ShardProblem` unless the shards are every shard of one audit, each once."""
    if not shards:
        raise ShardProblem("no shard folders given")
    for shard in shards:
        if shard.result.shard is None:
            raise ShardProblem(f"{shard.folder}: not a shard (its run had no --shard i/n); nothing to merge it with")
    first = shards[0]
    for other in shards[1:]:
        _same_audit(first, other)
    total = first.result.shard.total
    by_index: dict[int, ShardFolder] = {}
    for shard in sorted(shards, key=lambda s: s.result.shard.index):
        earlier = by_index.get(shard.result.shard.index)
        if earlier is not None:
            raise ShardProblem(f"shard {shard.result.shard.index}/{total} is given twice: {earlier.folder} and {shard.folder}")
        by_index[shard.result.shard.index] = shard
    absent = [f"{index}/{total}" for index in range(1, total + 1) if index not in by_index]
    if absent:
        have = ", ".join(f"{index}/{total}" for index in sorted(by_index))
        raise ShardProblem(
            f"shard{'s' if len(absent) > 1 else ''} {', '.join(absent)} missing (found {have}); "
            "did its job fail before its journeys started, or was its folder not downloaded?"
        )
    _every_journey_once(list(by_index.values()))


def _same_audit(first: ShardFolder, other: ShardFolder) -> None:
    a, b = first.result, other.result
    if a.audit != b.audit:
        raise ShardProblem(f"the shards come from different audits: {first.folder} is '{a.audit}', {other.folder} is '{b.audit}'")
    if a.shard.total != b.shard.total:
        raise ShardProblem(
            f"the shards come from different splits: {first.folder} is shard {a.shard.index}/{a.shard.total}, "
            f"{other.folder} is shard {b.shard.index}/{b.shard.total}"
        )
    if a.shard.key != b.shard.key:
        only_a = [j for j in a.shard.audit_journeys if j not in set(b.shard.audit_journeys)]
        only_b = [j for j in b.shard.audit_journeys if j not in set(a.shard.audit_journeys)]
        if only_a or only_b or a.shard.audit_journeys != b.shard.audit_journeys:
            why = f"their journeys differ ({_few(only_a) or 'none'} only in the first, {_few(only_b) or 'none'} only in the second)"
        else:
            why = "their rule settings differ (select, ignore, severities or options)"
        raise ShardProblem(f"the shards come from different profiles of '{a.audit}': {first.label} and {other.label}: {why}")


def _every_journey_once(shards: list[ShardFolder]) -> None:
    owner: dict[str, ShardFolder] = {}
    for shard in shards:
        for journey in shard.result.shard.journeys:
            if journey in owner:
                raise ShardProblem(
                    f"journey '{journey}' is in {owner[journey].label} and in {shard.label}: the shards were split "
                    f"differently{_balanced_on(shards)}; give every shard the same history (or none) and run them again"
                )
            owner[journey] = shard
    audit = shards[0].result.shard.audit_journeys
    lost = [journey for journey in audit if journey not in owner]
    if lost:
        raise ShardProblem(
            f"{len(lost)} journey{'s are' if len(lost) > 1 else ' is'} in no shard ({_few(lost)}): the shards were split "
            f"differently{_balanced_on(shards)}; give every shard the same history (or none) and run them again"
        )


def _balanced_on(shards: list[ShardFolder]) -> str:
    """How each shard was balanced, when they were not balanced alike."""
    runs = [shard.result.shard.history_run for shard in shards]
    if len(set(runs)) < 2:
        return ""
    ways = [f"{s.result.shard.index}/{s.result.shard.total} on {'history run #' + str(r) if r is not None else 'journey ids'}"
            for s, r in zip(shards, runs)]
    return " (balanced: " + ", ".join(ways) + ")"


def _few(ids: list[str], show: int = 5) -> str:
    text = ", ".join(f"'{i}'" for i in ids[:show])
    return text + (f" and {len(ids) - show} more" if len(ids) > show else "")


# ---- joining them -----------------------------------------------------------------------------


def merge(shards: Sequence[ShardFolder], fail_on: str) -> tuple[Result, list[str]]:
    """One result of every shard's journeys, in the audit's order, and the interruptions (empty: none).

    Started when the first shard started; took from then until the last shard ended.
    Not yet compared, recorded or reported: postrun.finish does that, as for a run.
    """
    ordered = sorted(shards, key=lambda s: s.result.shard.index)
    first = ordered[0].result
    start = min(s.result.started_at for s in ordered)
    end = max(s.result.started_at + s.result.duration_ms / 1000 for s in ordered)
    merged = Result(
        audit=first.audit,
        base_url=first.base_url,
        started_at=start,
        duration_ms=round((end - start) * 1000, 1),
        fail_on=fail_on,
        tool_version=first.tool_version,
        browser=next((s.result.browser for s in ordered if s.result.browser), ""),
        axe_version=next((s.result.axe_version for s in ordered if s.result.axe_version), ""),
        fail_on_flaky=any(s.result.fail_on_flaky for s in ordered),
    )
    interrupted = []
    for shard in ordered:
        result = shard.result
        merged.runs.extend(result.runs)
        merged.findings.extend(result.findings)
        merged.outcomes.extend(result.outcomes)
        merged.ledgers.extend(result.ledgers)
        merged.errors.extend(error for error in result.errors if not error.startswith("interrupted after "))
        if shard.missing:
            planned = len(result.shard.journeys)
            interrupted.append(f"{shard.label} stopped after {planned - len(shard.missing)} of its {planned} journeys")
    place = {journey: n for n, journey in enumerate(first.shard.audit_journeys)}
    last = len(place)
    merged.runs.sort(key=lambda summary: place.get(summary.journey_id, last))
    merged.findings.sort(key=lambda finding: place.get(finding.journey, last))
    merged.outcomes.sort(key=lambda outcome: place.get(outcome.journey, last))
    merged.ledgers.sort(key=lambda ledger: place.get(ledger.journey, last))
    merged.flaky = sum(1 for summary in merged.runs if summary.flaky)  # each journey's attempts come as they were
    if interrupted:
        merged.errors += interrupted
        merged.errors.append(f"interrupted after {len(merged.runs)} of {last} journeys")
    return merged, interrupted


def copy_traces(shards: Iterable[ShardFolder], merged: Result, out_dir: Path) -> dict[str, Run]:
    """Each journey's trace folder into ``out_dir/traces`` (hard links where the disk allows); the runs loaded.

    The merged folder stands on its own, as a run's does: upload it as one artifact.
    """
    source = {summary.journey_id: shard.folder / summary.trace for shard in shards for summary in shard.result.runs}
    runs: dict[str, Run] = {}
    for summary in merged.runs:
        origin, target = source[summary.journey_id], Path(out_dir) / "traces" / summary.journey_id
        if (origin / store.TRACE_FILE).is_file():
            shutil.copytree(origin, target, copy_function=_link_or_copy, dirs_exist_ok=True)
            runs[summary.journey_id] = store.load_run(target)
        summary.trace = f"traces/{summary.journey_id}"
    return runs


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst
