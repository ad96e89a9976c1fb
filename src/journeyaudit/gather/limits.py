"""How much one step's recording may hold, so a page that floods cannot fill the disk.

A page that logs 150,000 console lines, fires thousands of requests or ships
megabytes of JSON-LD leaves a trace of a few MB: each kind of event is kept up
to a cap and the rest are counted in ``StepRecord.dropped`` (the report says
"N more ... not kept"). The caps come from the profile's ``limits:`` section.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from journeyaudit import model


@dataclass(frozen=True)
class RecordingLimits:
    events_per_step: int = 500  # console messages, requests, page errors, dialogs: each
    structured_data_chars: int = 200_000  # JSON-LD, and dataLayer, per step

    @property
    def count_ceiling(self) -> int:
        """Dropped console messages and requests counted per step before the recorder stops listening."""
        return COUNT_FACTOR * self.events_per_step


# Every console message or request costs the recorder about half a millisecond even when it is
# not kept (Playwright builds it in Python): 150,000 of them would take over a minute. Past
# COUNT_FACTOR times the cap the recorder stops listening until the next step; the count is then
# a lower bound (StepRecord.uncounted).
COUNT_FACTOR = 20


def room(record: model.StepRecord, kind: str, limits: RecordingLimits) -> bool:
    """True when the step may keep one more event of ``kind``; counts it as dropped when not."""
    if len(getattr(record, kind)) < limits.events_per_step:
        return True
    record.dropped[kind] = record.dropped.get(kind, 0) + 1
    return False


def cap_items(items: list[Any], max_chars: int) -> tuple[list[Any], int]:
    """The first items whose JSON fits in ``max_chars`` together, and how many did not fit."""
    kept: list[Any] = []
    used = 0
    for item in items:
        size = len(json.dumps(item, ensure_ascii=False, default=str))
        if used + size > max_chars:
            break
        kept.append(item)
        used += size
    return kept, len(items) - len(kept)
