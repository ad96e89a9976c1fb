"""Form readings shared by JA1xx and JA3xx: a step's error text, fields emptied after a submit."""

from __future__ import annotations

from urllib.parse import urlsplit

from journeyaudit.facts import computed
from journeyaudit.facts import form_fields as ff
from journeyaudit.model import FormField, Run, StepRecord


def error_of(step: StepRecord) -> str | None:
    """What the step told the customer went wrong: a field's error, else an error/notice text, else the HTTP status."""
    fields = ff.arrived(step)
    for field in fields:
        if ff.is_field(field) and field.error.strip():
            return field.error.strip()
    flagged = any(ff.is_field(f) and f.invalid for f in fields)
    texts = computed.error_texts(step)
    status = step.http_status if step.http_status and 400 <= step.http_status < 600 else None
    if texts and (flagged or status):
        return texts[0]
    if status:
        return texts[0] if texts else f"HTTP {status}"
    if flagged:
        return texts[0] if texts else "a field marked as invalid"
    return None


def field_names(fields: list[FormField], limit: int = 6) -> str:
    shown = [f"'{ff.title(f)}'" for f in fields[:limit]]
    more = f" and {len(fields) - limit} more" if len(fields) > limit else ""
    return ", ".join(shown) + more


def page_path(step: StepRecord) -> str:
    return urlsplit(step.url).path if step.url else ""


def emptied_fields(run: Run, step: StepRecord, wanted, *, same_page: bool = False) -> list[tuple[StepRecord, list[FormField]]]:
    """Fields (chosen by ``wanted``) shown empty on ``step`` that were filled the last time an earlier step showed them.

    ``same_page``: only earlier steps on the same URL path (the customer came back to a form).
    """
    reached = [s for s in run.reached() if s.index < step.index]
    if same_page:
        reached = [s for s in reached if page_path(s) and page_path(s) == page_path(step)]
    lost: dict[int, tuple[StepRecord, list[FormField]]] = {}
    for key, field in ff.by_key(step, arrival=True).items():
        if field.has_value or not wanted(field):
            continue
        for earlier in reversed(reached):
            before = ff.by_key(earlier).get(key)
            if before is None:
                continue
            if before.has_value:
                lost.setdefault(earlier.index, (earlier, []))[1].append(before)
            break
    return [lost[index] for index in sorted(lost)]

