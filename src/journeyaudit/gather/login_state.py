"""Log in once: the storage state a ``setup: true`` journey leaves, reused by the journeys that ``uses:`` it.

The setup journey runs first (gather/workers.py runs it before handing out the others).
When it passes, its browser context's storage state (cookies, local storage: Playwright's
``context.storage_state()``) is written to a file of its own, mode 0600, in a private
temporary folder outside the output folder; journeys that say ``uses: <it>`` start
``browser.new_context(storage_state=<that file>)``. The folder is deleted when the audit
ends. The state is a secret: it is never put in a trace, a report or a result.

When the setup journey fails (or could not run), each journey that uses it is a run with
status ``error``, "not run", and the reason.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from journeyaudit import model


class NotLoggedIn(RuntimeError):
    """The setup journey this journey uses did not leave a signed-in state: the journey cannot run."""


class LoginStates:
    """The storage state of each setup journey of an audit, shared by the workers (thread-safe)."""

    def __init__(self, journeys: Sequence[model.Journey]):
        setups = [journey for journey in journeys if journey.setup]
        self._setup_of: dict[str, str] = {}
        for journey in journeys:
            if journey.uses:
                found = next((j for j in setups if j.id == journey.uses), None) or next(
                    (j for j in setups if j.name == journey.uses), None)
                self._setup_of[journey.id] = found.id if found else journey.uses
        self._names = {journey.id: journey.name for journey in setups}
        self._folder: Path | None = None
        self._paths: dict[str, Path] = {}
        self._failed: dict[str, str] = {}
        self._lock = threading.Lock()

    def __bool__(self) -> bool:
        return bool(self._setup_of) or bool(self._names)

    @property
    def folder(self) -> Path | None:
        return self._folder

    def save(self, journey: model.Journey, context: Any) -> None:
        """Keep the context's storage state for the journeys that use ``journey``."""
        state = context.storage_state()
        with self._lock:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="journeyaudit-login-"))  # 0700, outside --out
            path = self._folder / f"state-{len(self._paths) + 1}.json"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(state, handle)
            self._paths[journey.id] = path

    def finished(self, journey: model.Journey, run: model.Run) -> None:
        """After the setup journey: a run that did not pass leaves no state, and a reason."""
        if not journey.setup:
            return
        with self._lock:
            if run.status == "passed" and journey.id in self._paths:
                return
            self._paths.pop(journey.id, None)
            failed = next((s for s in run.steps if s.status == "failed"), None)
            if failed is not None:
                why = f"failed at step {failed.index} ({failed.name!r}): {failed.error or 'failed'}"
            else:
                why = f"could not run: {run.error or run.status}"
            self._failed[journey.id] = f"the setup journey {journey.name!r} {why}"

    def state_for(self, journey: model.Journey) -> str | None:
        """The storage state file ``journey`` starts with (None: it uses none); NotLoggedIn when it cannot run."""
        setup = self._setup_of.get(journey.id)
        if setup is None:
            return None
        with self._lock:
            if setup in self._paths:
                return str(self._paths[setup])
            reason = self._failed.get(setup) or f"the setup journey {setup!r} did not run first"
        raise NotLoggedIn(reason)

    def close(self) -> None:
        """Delete every state file and the folder."""
        with self._lock:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
            self._paths.clear()


def phases(journeys: Sequence[model.Journey]) -> list[list[int]]:
    """The journeys' indexes in the order they may start: setup journeys first, then the others."""
    first = [index for index, journey in enumerate(journeys) if getattr(journey, "setup", False)]
    rest = [index for index, journey in enumerate(journeys) if not getattr(journey, "setup", False)]
    return [phase for phase in (first, rest) if phase]
