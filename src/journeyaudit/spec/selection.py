"""Pick journeys (issue 11): ``run --journey NAME`` (a glob, repeatable) and ``--tag TAG``.

A ``--journey`` pattern matches a journey's id (its file name), its name, or the id of the
journey a probe or matrix variant comes from: ``--journey checkout`` runs the checkout
journey and its variants, ``--journey 'checkout~decline-*'`` only its decline probes.
``--tag`` keeps the journeys with that tag (variants carry their journey's tags). Given
both, a journey must match both. The setup journeys (``setup: true``) that a selected
journey ``uses:`` are kept. A pattern or tag that selects nothing is an error that lists
what there is: the selection is made before ``--shard`` splits the journeys.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from journeyaudit import model
from journeyaudit.spec import login

MAX_LISTED = 40


def _base(journey: model.Journey) -> str:
    if journey.probe is not None:
        return journey.probe.of
    if journey.variant is not None:
        return journey.variant.of
    return journey.id


def _named(journey: model.Journey, pattern: str) -> bool:
    folded = pattern.casefold()
    names = {journey.id, _base(journey), journey.name}
    if journey.variant is not None and journey.probe is not None:
        names.add(journey.variant.of)
    return any(fnmatchcase(name.casefold(), folded) for name in names)


def _tagged(journey: model.Journey, tag: str) -> bool:
    return tag.casefold() in {t.casefold() for t in journey.tags}


def _listing(items: Sequence[str]) -> str:
    shown = ", ".join(items[:MAX_LISTED])
    return shown + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def select(journeys: list[model.Journey], names: Sequence[str] = (), tags: Sequence[str] = ()) -> list[model.Journey]:
    """The journeys the patterns and tags pick, in their order, with the setup journeys they use.

    Raises ValueError, one line per pattern or tag that picks nothing, naming what there is.
    """
    names = [n.strip() for n in names if n and n.strip()]
    tags = [t.strip() for t in tags if t and t.strip()]
    if not names and not tags:
        return journeys
    problems = []
    ids = list(dict.fromkeys(_base(journey) for journey in journeys))
    for pattern in names:
        if not any(_named(journey, pattern) for journey in journeys):
            problems.append(f"--journey {pattern!r} matches no journey of this run (journeys: {_listing(ids)})")
    known_tags = sorted({tag for journey in journeys for tag in journey.tags})
    for tag in tags:
        if not any(_tagged(journey, tag) for journey in journeys):
            listed = _listing(known_tags) if known_tags else "none"
            problems.append(f"--tag {tag!r} is on no journey of this run (tags: {listed})")
    chosen = [j for j in journeys if (not names or any(_named(j, p) for p in names))
              and (not tags or any(_tagged(j, t) for t in tags))]
    if not problems and not chosen:
        problems.append(f"no journey matches both {', '.join(map(repr, names))} and the tag(s) "
                        f"{', '.join(map(repr, tags))} (journeys: {_listing(ids)})")
    if problems:
        raise ValueError("\n".join(problems))
    keep = {id(j) for j in chosen} | {id(login.setup_journey(journeys, j.uses)) for j in chosen if j.uses}
    return [j for j in journeys if id(j) in keep]
