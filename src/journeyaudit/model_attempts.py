"""Retries' data: the failed attempts of a journey that was run again (``retries:``, ``run --retries N``).

Part of :mod:`journeyaudit.model` (which re-exports these names), in its own file so the model stays
short enough to read. Standard library only, like the model.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Attempt:
    """One failed attempt of a journey that was then run again, kept as evidence."""

    number: int  # from 1
    status: str  # the attempt's run status: passed | failed | error
    error: str | None = None  # status 'error': why the tool could not record it
    failing: list[str] = field(default_factory=list)  # "JA101 high: message" of each finding that failed it
    trace: str = ""  # its trace folder relative to the result: traces/<journey>/attempt-1
    duration_ms: float = 0.0


def attempt_folder(number: int) -> str:
    """The folder, inside the journey's trace folder, that keeps failed attempt ``number``."""
    return f"attempt-{number}"
