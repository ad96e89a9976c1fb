"""``run --shard i/n``: which of an audit's journeys this CI job runs.

The split is a pure function of the audit's journey ids, the number of shards and,
when the history knows them, each journey's duration in an earlier run, so every job
of a CI matrix computes the same split on its own and no coordinator is needed:

- with durations, greedy longest first: the journeys sorted by duration (longest
  first, then by id), each onto the shard with the least work so far (ties: fewer
  journeys, then the lower shard number). A journey the history does not know yet
  counts as the mean of the known ones;
- without, the same with every journey counting as one: the ids in sorted order,
  dealt round-robin (1, 2, ..., n, 1, 2, ...).

Every journey (probe variants included: each is a journey of its own) is in exactly
one shard; a shard may be empty when there are fewer journeys than shards. Within a
shard the journeys keep the audit's order. Each shard records its part in
``result.json`` (:class:`~journeyaudit.model.ShardInfo`), which ``journeyaudit merge``
checks before joining the shards.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from journeyaudit import model

MAX_SHARDS = 1000
_SHAPE = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    index: int  # from 1
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"


def parse_shard(text: str) -> Shard:
    """``"2/3"`` -> Shard(2, 3); ValueError with what is wrong and an example otherwise."""
    match = _SHAPE.fullmatch(str(text))
    if match is None:
        raise ValueError(f"{text!r} is not i/n: give this job's shard and the number of shards, e.g. --shard 1/3")
    index, total = int(match.group(1)), int(match.group(2))
    if total < 1 or total > MAX_SHARDS:
        raise ValueError(f"{text!r}: the number of shards must be from 1 to {MAX_SHARDS}")
    if not 1 <= index <= total:
        raise ValueError(
            f"{text!r}: the shard must be from 1 to {total} (shards count from 1; "
            f"a 0-based CI index such as JOB_COMPLETION_INDEX needs +1)"
        )
    return Shard(index, total)


def split(ids: Sequence[str], total: int, durations: Mapping[str, float] | None = None) -> list[list[str]]:
    """The journey ids of each of ``total`` shards (shard 1 first), each list in the order of ``ids``."""
    if total < 1:
        raise ValueError("the number of shards must be at least 1")
    durations = durations or {}
    known = [float(durations[i]) for i in ids if float(durations.get(i) or 0) > 0]
    default = sum(known) / len(known) if known else 1.0
    weight = {i: float(durations.get(i) or 0) or default for i in ids}
    loads = [0.0] * total
    members: list[set[str]] = [set() for _ in range(total)]
    for journey in sorted(set(ids), key=lambda i: (-weight[i], i)):
        lightest = min(range(total), key=lambda s: (loads[s], len(members[s]), s))
        members[lightest].add(journey)
        loads[lightest] += weight[journey]
    return [[i for i in ids if i in chosen] for chosen in members]


def audit_key(name: str, journey_ids: Sequence[str], rules: object) -> str:
    """What every shard of one audit shares: its name, every journey id and the rule settings, hashed."""
    settings = dataclasses.asdict(rules) if dataclasses.is_dataclass(rules) and not isinstance(rules, type) else rules
    text = json.dumps({"audit": name, "journeys": list(journey_ids), "rules": settings}, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def plan(
    name: str,
    journeys: Sequence[model.Journey],
    rules: object,
    shard: Shard,
    durations: Mapping[str, float] | None = None,
    history_run: int | None = None,
) -> tuple[list[model.Journey], model.ShardInfo]:
    """This shard's journeys (in the audit's order) and what result.json records about the split."""
    ids = [journey.id for journey in journeys]
    mine = set(split(ids, shard.total, durations)[shard.index - 1])
    chosen = [journey for journey in journeys if journey.id in mine]
    info = model.ShardInfo(
        index=shard.index,
        total=shard.total,
        key=audit_key(name, ids, rules),
        journeys=[journey.id for journey in chosen],
        audit_journeys=ids,
        history_run=history_run if durations else None,
    )
    return chosen, info
