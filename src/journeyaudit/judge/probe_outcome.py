"""What a probe variant saw, in plain words: where the refusal surfaced and which entries survived.

Computed from the recorded run at judge time (the variants themselves are made in spec.probes), with
the judgement's parsed pages and error texts when inside one (:mod:`journeyaudit.facts.computed`).
"""

from __future__ import annotations

import fnmatch
import re

from lxml import etree

from journeyaudit import model
from journeyaudit.facts import computed, message_kinds


def _filled_keys(run: model.Run, upto: int) -> tuple[dict[str, str], dict[str, str]]:
    """Fields the journey filled up to a step: (by id, by name for fields without an id) -> label."""
    by_id: dict[str, str] = {}
    by_name: dict[str, str] = {}
    for step in run.steps:
        if step.index > upto:
            break
        for act in step.actions:
            if act.name != "fill" or act.status != "passed":
                continue
            target = act.target or {}
            label = str(target.get("label") or target.get("name") or target.get("id") or "").strip()
            if target.get("id"):
                by_id[str(target["id"])] = label
            elif target.get("name"):
                by_name[str(target["name"])] = label
    return by_id, by_name


def _retention(run: model.Run, step: model.StepRecord) -> tuple[list[str], list[str]]:
    """Which of the customer's entries the page still holds, and which it emptied."""
    by_id, by_name = _filled_keys(run, step.index)
    kept, lost = [], []
    for form_field in step.fields:
        if not form_field.visible or form_field.type in ("checkbox", "radio", "hidden", "submit"):
            continue
        if form_field.id and form_field.id in by_id:
            label = form_field.label or by_id[form_field.id]
        elif not form_field.id and form_field.name in by_name:
            label = form_field.label or by_name[form_field.name]
        else:
            continue
        (kept if form_field.has_value else lost).append(label)
    return kept, lost


_ERRORISH = re.compile(r"error|invalid|danger|alert", re.I)


def _field_errors(step: model.StepRecord) -> list[str]:
    """Error texts tied to fields marked ``aria-invalid`` (their hints left out), then alerts.

    Read from the judgement's lxml page (:func:`computed.soup`); the elements an ``[aria-invalid]:not([aria-invalid="false"])``
    selector picks, and ``find(id=...)``, as BeautifulSoup and soupsieve found them."""
    page = computed.soup(step) if step.html else None
    if page is None:
        return []
    by_id: dict[str, object] = {}
    invalid = []
    for element in page.iter(etree.Element):
        ident = element.get("id")
        if ident is not None and ident not in by_id:
            by_id[ident] = element
        if element.get("aria-invalid", "false") != "false":
            invalid.append(element)
    texts: list[str] = []
    for tag in invalid:
        for attribute in ("aria-errormessage", "aria-describedby"):
            for ref in str(tag.get(attribute, "")).split():
                target = by_id.get(ref)
                if target is None or target.has_attr("hidden"):
                    continue
                if attribute == "aria-describedby" and not _ERRORISH.search(" ".join([ref, *target.get("class", "").split()])):
                    continue  # a hint ("We'll send your confirmation here"), not the error
                text = " ".join(target.get_text(" ", strip=True).split())
                if text and text not in texts:
                    texts.append(text)
    return texts


def _messages(step: model.StepRecord) -> list[str]:
    """What the shop told the customer on a step: field errors first, then alerts and notices, then dialogs."""
    texts = _field_errors(step)
    for text in [*computed.error_texts(step), *(d.message for d in step.dialogs)]:
        if text not in texts and not any(text != t and t in text for t in texts):
            texts.append(text)  # an error summary that repeats a field's error is left out
    return texts


def _quoted(text: str) -> str:
    """'text', as the end of a sentence: the full stop outside the quote unless the text has one."""
    return f"'{text}'" + ("" if text.rstrip().endswith((".", "!", "?", "…")) else ".")


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


#: autocomplete tokens (WHATWG) that say what a field is
_TOKENS = {
    "email": {"email"},
    "postal_code": {"postal-code"},
    "card_number": {"cc-number"},
    "card_expiry": {"cc-exp", "cc-exp-month", "cc-exp-year"},
    "card_name": {"cc-name", "cc-given-name", "cc-family-name"},
}


def _field_check(run: model.Run, info: model.ProbeInfo) -> str:
    """What the recorder saw of the altered field, when it says the guess was wrong ('' otherwise)."""
    if not info.field or not info.selector:
        return ""
    for step in run.steps:
        for act in step.actions:
            if act.name != "fill" or f"selector={info.selector} " not in act.description + " ":
                continue
            target = act.target or {}
            tokens = set(str(target.get("autocomplete") or "").lower().split())
            other = next((kind for kind, known in _TOKENS.items() if kind != info.field and tokens & known), None)
            if other is None and not (info.field != "email" and str(target.get("type")) == "email"):
                return ""
            seen = str(target.get("label") or target.get("name") or target.get("id") or info.selector)
            what = info.field.replace("_", " ")
            return (
                f"The probe typed into '{seen}' ({' '.join(sorted(tokens)) or 'type ' + str(target.get('type'))}), "
                f"which the page marks as another field than the {what}; if so, name the {what} in probes.fields.{info.field}."
            )
    return ""


def outcome(run: model.Run) -> model.ProbeOutcome | None:
    """Where the probe's refusal (or message) surfaced and what survived it; None for a happy path."""
    info = run.probe
    if info is None:
        return None
    if run.status == "error":
        return model.ProbeOutcome("not-run", f"The probe could not be run: {run.error}")
    reached = run.reached()
    stop = next((s for s in reached if s.probe_stop), None)
    failed = next((s for s in reached if s.status == "failed"), None)
    if info.kind == "fault":
        return _fault_outcome(run, info, reached, stop or failed)
    target = next((s for s in reached if s.name == info.target_step), None)
    if target is None:
        return model.ProbeOutcome("blocked", f"The journey never reached '{info.target_step}', where the probe changes the input.")
    later = [s for s in reached if s.index > target.index]
    # the same notion of "refused" as JA102's: a refusal or validation message (notices, field errors,
    # dialogs, toasts seen during the step, an error page's heading), or the journey stopped there
    refusal = next((s for s in later if message_kinds.refusal(s) or s.probe_stop or s.status == "failed"), None)
    if refusal is None:
        last = reached[-1]
        return model.ProbeOutcome(
            "not-refused",
            f"The shop accepted the {info.label} and let the "
            f"customer go on to {last.label} without a word.",
            note=_field_check(run, info),
        )
    refused = message_kinds.refusal(refusal)
    said = _messages(refusal)
    message = said[0] if said else (refused.text if refused is not None else "")
    kept, lost = _retention(run, refusal)
    prompt = refusal.index == target.index + 1
    verdict = "refused-promptly" if prompt else "refused-late"
    when = "as soon as the form was sent" if prompt else f"only {refusal.index - target.index} steps later"
    told = f", saying: {_quoted(message)}" if message else ", without a message."
    summary = f"Refused at {refusal.label}, {when}{told}"
    if kept:
        summary += f" Kept: {_listed(kept)}."
    if lost:
        summary += f" Emptied: {_listed(lost)}."
    note = _field_check(run, info)
    return model.ProbeOutcome(verdict, summary, refusal.index, refusal.name, message, kept, lost, note)


def _fault_outcome(
    run: model.Run, info: model.ProbeInfo, reached: list[model.StepRecord], ended: model.StepRecord | None
) -> model.ProbeOutcome:
    pattern = fnmatch.translate(info.request.replace("**", "*")) if info.request else ""
    hit = None
    for step in reached:
        if pattern and any(re.match(pattern, entry.url) for entry in step.network):
            hit = step
            break
    if hit is None:
        return model.ProbeOutcome("not-hit", "No request matched, so nothing was failed; check the fault's url.")
    # what the customer was told about it: on the page that made the request, or where they got stuck
    told_at = next((s for s in (hit, ended) if s is not None and s.index >= hit.index and _messages(s)), None)
    what = "was held back" if info.name.startswith("delay-") else "failed"
    if told_at is not None:
        message = _messages(told_at)[0]
        summary = f"The request {what} at {hit.label}; the customer was told at {told_at.label}: {_quoted(message)}"
        verdict = "told"
    else:
        message = ""
        summary = f"The request {what} at {hit.label}; the customer was told nothing."
        verdict = "waited" if what == "was held back" else "not-told"
    if ended is not None:
        summary += f" The journey could not go on past {ended.label}."
    return model.ProbeOutcome(verdict, summary, (told_at or hit).index, (told_at or hit).name, message)
