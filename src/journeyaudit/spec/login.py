"""Log in once: ``setup: true`` journeys and the ``uses:`` that name them, checked across an audit's journeys.

A journey that says ``uses: login`` starts with the storage state (cookies, local storage)
the setup journey ``login`` left behind (gather/login_state.py). ``login`` is the setup
journey's id (its file name) or its name. Checked before a browser starts, located at the
``uses:`` line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from journeyaudit import model
from journeyaudit.spec.yamlsource import LocatedError


def setup_journey(journeys: list[model.Journey], uses: str) -> model.Journey | None:
    """The setup journey ``uses`` names: by id first, then by name."""
    setups = [journey for journey in journeys if journey.setup]
    return next((j for j in setups if j.id == uses), None) or next((j for j in setups if j.name == uses), None)


def _key_position(path: str, key: str) -> tuple[int, int]:
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return 1, 1
    for number, line in enumerate(lines, start=1):
        if re.match(rf"{key}\s*:", line):
            return number, len(key) + 3 if len(line) > len(key) + 2 else 1
    return 1, 1


def problems(journeys: list[model.Journey]) -> list[LocatedError]:
    """A ``uses:`` naming no setup journey, with the setup journeys there are."""
    errors = []
    setups = [journey for journey in journeys if journey.setup]
    for journey in journeys:
        if not journey.uses or setup_journey(journeys, journey.uses) is not None:
            continue
        if setups:
            known = ", ".join(repr(j.id) for j in setups)
            message = f"uses: {journey.uses!r} is not a setup journey of this run (setup journeys: {known})"
        else:
            message = (f"uses: {journey.uses!r} names no journey of this run marked setup: true "
                       "(run it with the setup journey, e.g. from an audit profile that lists both)")
        line, column = _key_position(journey.path, "uses")
        errors.append(LocatedError(journey.path, line, column, message))
    return errors


def hook_secrets(env_values: set[str], hooks: list[dict[str, Any]]) -> list[str]:
    """The ${ENV} values that went into the hooks' headers and commands: redacted from the run's log."""
    texts = []
    for hook in hooks:
        request = hook.get("request") or {}
        texts += [str(v) for v in (request.get("headers") or {}).values()]
        texts.append(str(hook.get("run") or ""))
    joined = "\n".join(texts)
    return sorted(v for v in env_values if v and len(v.strip()) >= 3 and v in joined)
