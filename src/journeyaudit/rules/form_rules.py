"""Form and account rules: what filling in the checkout costs the customer.

JA105 card-data-cleared, JA303 late-validation, JA304 input-lost-after-error:
errors and what happens to the entries (JA601-JA604, how much typing and help
the checkout gives, are in :mod:`checkout_form_rules`). All read the form
fields the recorder saw at the end of each step (model.FormField: never values,
only whether a field had one, its label, autocomplete token and error state).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from journeyaudit.facts import computed, phrase_search
from journeyaudit.facts import form_fields as ff
from journeyaudit.model import Evidence, Finding, FormField, Run, StepRecord
from journeyaudit.rules.journey_rules import full_stop, page_evidence, quote
from journeyaudit.rules.registry import rule

# Refusals are not validation: no page can check a card's funds while the customer types.
DECLINE_PHRASES: tuple[str, ...] = (
    "declined", "decline", "refused", "insufficient funds", "do not honor", "not authorised", "not authorized",
    "abgelehnt", "nicht autorisiert", "unzureichende deckung",
    "refusée", "refusé", "refus", "fonds insuffisants",
    "rechazada", "rechazado", "denegada", "fondos insuficientes",
)


def _error_of(step: StepRecord) -> str | None:
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


def _path(step: StepRecord) -> str:
    return urlsplit(step.url).path if step.url else ""


def _emptied(run: Run, step: StepRecord, wanted, *, same_page: bool = False) -> list[tuple[StepRecord, list[FormField]]]:
    """Fields (chosen by ``wanted``) shown empty on ``step`` that were filled the last time an earlier step showed them.

    ``same_page``: only earlier steps on the same URL path (the customer came back to a form).
    """
    reached = [s for s in run.reached() if s.index < step.index]
    if same_page:
        reached = [s for s in reached if _path(s) and _path(s) == _path(step)]
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


# --------------------------------------------------------------------------
# JA105 card-data-cleared
# --------------------------------------------------------------------------


@rule(
    "JA105",
    "card-data-cleared",
    title="Card details wiped after an error",
    severity="high",
    roles=["payment"],
    options={"fields": ["name", "expiry"], "card_words": {k: list(v) for k, v in ff.CARD_WORDS.items()}},
)
def card_data_cleared(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """After an error, the card details the customer had entered are gone and must be typed again.

    A payment error (a mistyped digit, an expired card, a refusal) sends the
    customer back to the card form, and the shop has emptied it: they have to
    find their card and type everything again, and many give up here instead
    (research H2; Baymard: 34% of sites do not retain data in sensitive card
    fields after validation errors). Customers who were refused are unsure
    whether they will be charged twice; wiping the form adds to that doubt.

    For every step that shows an error (a field flagged with ``aria-invalid`` or
    an error text tied to it, an error message on the page together with an
    HTTP 4xx/5xx answer or a flagged field), the rule looks at the card fields
    that are empty as the page first showed them (before the journey typed
    anything on that step), and reports those that had a value the last
    time an earlier step showed the same field (same name and id). Card fields
    are recognised by their autocomplete token (``cc-name``, ``cc-exp``...) or
    by ``card_words`` in their name, id, label or placeholder (English, German,
    French, Spanish; per kind, regular expressions matched as whole words). ``fields`` lists the kinds checked, default ``name`` and
    ``expiry``: shops may legitimately clear the card number and security code
    (PCI DSS), so add ``number`` and ``security_code`` to hold them to the
    stricter Baymard standard.

    One finding per step where card data was wiped. Evidence: the error shown,
    the wiped fields with the step where they were filled, the page and its
    screenshot. Not applicable without a payment step.
    """
    kinds = set(options.get("fields") or ())
    card_words = options.get("card_words") or ff.CARD_WORDS

    def wanted(field: FormField) -> bool:
        return ff.card_kind(field, card_words) in kinds

    for step in run.reached():
        error = _error_of(step)
        if error is None:
            continue
        lost = _emptied(run, step, wanted)
        if not lost:
            continue
        fields = [field for _, group in lost for field in group]
        filled_at = lost[-1][0]
        yield Finding(
            step=step.index,
            message=full_stop(
                f"After the error at {step.label} ('{quote(error, 120)}'), the card details entered at "
                f"{filled_at.label} were wiped: {field_names(fields)}. The customer has to type their card details again"
            ),
            evidence=[
                Evidence("text", f"Error shown at {step.label}", error, step.index),
                *(
                    Evidence("field", f"Filled at {earlier.label}, empty at {step.label}", ff.title(f), earlier.index)
                    for earlier, group in lost
                    for f in group
                ),
                *(e for e in page_evidence(step) if e.kind in ("url", "screenshot")),
            ],
        )


# --------------------------------------------------------------------------
# JA303 late-validation
# --------------------------------------------------------------------------


@rule(
    "JA303",
    "late-validation",
    title="A mistake is pointed out only after submitting",
    severity="medium",
    options={"decline_phrases": list(DECLINE_PHRASES)},
)
def late_validation(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The customer's mistake in a field is pointed out only after they submit the page.

    A customer who mistypes a postcode or card number should be told when they
    leave the field, next to it, while their attention is still there; a shop
    that checks only on submit sends them back to a page of errors, often at
    the top of a long form, and makes them hunt for what was wrong (research
    H25; Baymard: 31% of sites have no inline validation, and users who get it
    make fewer mistakes and finish faster).

    The recorder snapshots each step at its end, before the next step submits.
    So for each step that submitted something (it starts with a click or a key
    press), the rule looks at the fields the page flags as it arrives
    (``aria-invalid``, or an error text tied to the field; before the journey
    corrects anything) and compares them with the end of the previous step: a field that had a value there and was not flagged was checked only
    after submit. Fields the customer left empty are not counted (no page can
    check what was not typed), nor errors that report a refusal rather than a
    mistake (``decline_phrases``, such as "Your card was declined": the bank
    answers only after submit). Confidence is medium: refusals are recognised
    by their wording.

    One finding per step. Evidence: each late-flagged field with the message it
    got, and the page and its screenshot.
    """
    declines = list(options.get("decline_phrases") or ())
    reached = run.reached()
    for before, step in zip(reached, reached[1:]):
        if not ff.submitted(step):
            continue
        previous = ff.by_key(before)
        late: list[tuple[FormField, str]] = []
        for key, field in ff.by_key(step, arrival=True).items():
            if not ff.flagged(field):
                continue
            message = field.error.strip() or "marked as invalid"
            if declines and phrase_search.find_phrases(message, declines):
                continue
            earlier = previous.get(key)
            if earlier is not None and earlier.has_value and not ff.flagged(earlier) and field.type not in ff.TOGGLES:
                late.append((field, message))
        if not late:
            continue
        said = "; ".join(f"'{ff.title(f)}': '{quote(m, 100)}'" for f, m in late[:4])
        yield Finding(
            step=step.index,
            message=full_stop(
                f"At {before.label} the customer filled in {field_names([f for f, _ in late])} and was told nothing; "
                f"only after submitting, at {step.label}, did the shop flag {'it' if len(late) == 1 else 'them'}: {said}"
            ),
            evidence=[
                *(Evidence("field", f"Flagged only at {step.label}: {ff.title(f)}", m, step.index) for f, m in late),
                Evidence("field", f"No message at {before.label}", field_names([f for f, _ in late]), before.index),
                *(e for e in page_evidence(step) if e.kind in ("url", "screenshot")),
            ],
            confidence="medium",
        )


# --------------------------------------------------------------------------
# JA304 input-lost-after-error
# --------------------------------------------------------------------------


@rule(
    "JA304",
    "input-lost-after-error",
    title="The customer's entries are gone after an error",
    severity="high",
    options={"card_words": {k: list(v) for k, v in ff.CARD_WORDS.items()}},
)
def input_lost_after_error(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """After an error, or on going back to a form, the customer's entries are gone.

    The customer filled in their address, one thing was wrong, and the page
    that tells them so has emptied every field: they must type it all again to
    fix one character, and many leave instead (research H28; Baymard: keep
    the customer's data after validation errors and back navigation). The
    shop had the entries: it received them with the submit.

    For every step that shows an error (a field flagged with ``aria-invalid``
    or an error text tied to it, an error message on the page together with an
    HTTP 4xx/5xx answer or a flagged field), the rule reports the fields that
    are empty as the page first showed them (before the journey typed anything
    on that step) but had a value the last time an earlier step showed the
    same field (same name and id). Without an error, the same goes for a step
    that comes back to a page (URL path) an earlier step filled in: the
    customer went back to change something and found the form empty. Passwords and card fields are left out:
    shops rightly clear passwords, and card fields are JA105's (``card_words``
    recognise them, as in JA105); so are check boxes and radio buttons.

    One finding per step where entries were lost. Evidence: the error shown,
    each emptied field with the step where it was filled, the page and its
    screenshot.
    """
    card_words = options.get("card_words") or ff.CARD_WORDS

    def wanted(field: FormField) -> bool:
        return (
            field.type not in ff.TOGGLES
            and field.type != "password"
            and not field.secret
            and ff.card_kind(field, card_words) is None
        )

    for step in run.reached():
        error = _error_of(step)
        lost = _emptied(run, step, wanted, same_page=error is None)
        if not lost:
            continue
        fields = [field for _, group in lost for field in group]
        filled_at = lost[-1][0]
        if error is None:
            what = f"When the customer came back to the form at {step.label}"
        else:
            what = f"After the error at {step.label} ('{quote(error, 120)}')"
        yield Finding(
            step=step.index,
            message=full_stop(
                f"{what}, {len(fields)} field(s) the customer had filled in at {filled_at.label} were empty again: "
                f"{field_names(fields)}. The customer has to type them again"
            ),
            evidence=[
                *([Evidence("text", f"Error shown at {step.label}", error, step.index)] if error else []),
                *(
                    Evidence("field", f"Filled at {earlier.label}, empty at {step.label}", ff.title(f), earlier.index)
                    for earlier, group in lost
                    for f in group
                ),
                *(e for e in page_evidence(step) if e.kind in ("url", "screenshot")),
            ],
        )
