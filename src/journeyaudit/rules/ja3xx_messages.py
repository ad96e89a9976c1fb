"""JA3xx, messages: stock-outs not announced, generic or late errors, input lost after an error, contradictions."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from journeyaudit.facts import form_fields as ff
from journeyaudit.facts import ledger, message_kinds, page_text, phrase_search, wording
from journeyaudit.facts.computed import customer_texts
from journeyaudit.model import Evidence, Finding, FormField, Run
from journeyaudit.rules import phrases
from journeyaudit.rules.evidence import full_stop, page_evidence, quote
from journeyaudit.rules.form_reading import emptied_fields, error_of, field_names
from journeyaudit.rules.registry import rule


@rule(
    "JA305",
    "contradictory-message",
    title="A cheerful message on a failed or cancelled outcome",
    severity="high",
    options={
        "cheerful_phrases": list(phrases.CHEERFUL_PHRASES),
        "payment_refused_phrases": list(wording.PAYMENT_REFUSED_PHRASES),
        "order_cancelled_phrases": list(ledger.ORDER_CANCELLED_PHRASES),
        "order_failed_phrases": list(ledger.ORDER_FAILED_PHRASES),
    },
)
def contradictory_message(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The page thanks the customer or confirms the order while the payment failed or the order was cancelled.

    A canned "Thank you! Your order is confirmed." next to "your payment could
    not be processed" or "your order has been cancelled": the customer cannot
    tell which is true, believes the happier one, and waits for a parcel that
    never comes (research H29; customer story C1). The outcome must be said
    once, plainly.

    For each step the customer reached, the ledger's payment and order facts
    say whether the page reported a refused payment (``payment_refused_phrases``)
    or a cancelled or failed order (``order_cancelled_phrases``,
    ``order_failed_phrases``). When the same page also shows a cheerful text
    (``cheerful_phrases``: "thank you for your order", "is confirmed",
    "complete satisfaction", "Vielen Dank"...) that is not itself the bad news,
    the rule reports the contradiction.

    One finding per step. Evidence: the cheerful text and the bad news, both
    quoted verbatim, with the page. Confidence is medium: both are recognised by
    their wording.
    """
    labels = ledger.Labels.from_options(options)
    book = ledger.build(run, labels)
    cheerful = list(options.get("cheerful_phrases") or ())
    bad_phrases = [*labels.payment_refused, *labels.order_cancelled, *labels.order_failed]
    for step in run.reached():
        bad = [
            f for f in book.facts
            if f.step == step.index and f.source == "text"
            and ((f.kind == "payment" and f.state == "refused") or (f.kind == "order" and f.state in ("cancelled", "failed")))
        ]
        if not bad:
            continue
        happy = [
            text for text in customer_texts(step)
            if phrase_search.find_phrases(text, cheerful) and not phrase_search.find_phrases(text, bad_phrases) and len(text) <= 300
        ]
        if not happy:
            continue
        news = bad[0].text
        yield Finding(
            step=step.index,
            message=full_stop(
                f"At {step.label} the shop said '{quote(happy[0], 120)}' while the same page said '{quote(news, 160)}'"
            ),
            evidence=[
                Evidence("text", f"Cheerful message at {step.label}", happy[0], step.index),
                Evidence("text", f"What actually happened, at {step.label}", news, step.index),
                *(e for e in page_evidence(step) if e.kind in ("url", "screenshot")),
            ],
            confidence="medium",
        )


@rule(
    "JA302",
    "generic-error-message",
    title="An error message that says nothing useful",
    severity="medium",
    options={
        "phrases": list(wording.GENERIC_ERROR_PHRASES),
        "extra_phrases": [],
        "max_chars": 200,
        "classified": True,
    },
)
def generic_error_message(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The shop showed the customer an error that says nothing useful.

    "Something went wrong", "An error occurred", "Error 500": the customer does
    not learn what failed, whether their order or payment went through, or what
    to do next, so they retry blindly, pay twice, or leave (research H24;
    Baymard: adaptive error messages; GOV.UK: say what went wrong and how to
    fix it). A good message names the problem and the way out ("The postcode
    must have 5 digits", "Your card was declined by your bank: try another card").

    For each step the customer reached, the rule reads the error and notice
    texts of the page's HTML (``role=alert``, ``aria-live`` regions, elements
    whose class or id says error, alert, notice...), dialogs, and the lines of
    its visible text, and reports those that contain one of ``phrases``
    (default the built-in GENERIC_ERROR_PHRASES: "something went wrong", "please
    try again later", "internal server error"...) or ``extra_phrases`` (for a
    profile to add its shop's own wording without repeating the defaults).
    Texts longer than ``max_chars`` characters (they usually explain) and
    questions (FAQ headings such as "What if something went wrong?") are
    skipped. No role is needed: an error can appear on any step.

    The rule also reads every message the step showed, classified by
    ``facts.message_kinds`` (notices, field errors, dialogs, toasts the watcher
    saw appear during the step even if they were gone before its end, an error
    page's headings), and reports the internal ones (an exception or a
    service's name, "timed out", a connection error, an HTTP status code, a
    stack trace, SQL: "connection to payment service timed out"), which tell
    the customer nothing they can act on and show what the shop should have
    kept to its logs, and the generic refusals ("A problem occurred while
    processing payment for this order", "Cart has errors") unless the same page
    also gives a specific one (an error summary heading over field errors).
    Option ``classified`` (default true) switches this reading off, leaving the
    wording lists alone.

    One finding per step. Evidence: every such text, quoted verbatim (with why
    it is internal or generic, and how long a toast stayed), with the page's
    URL and screenshot. Confidence is medium: messages are recognised by
    their wording.
    """
    phrases = [*options.get("phrases", ()), *options.get("extra_phrases", ())]
    max_chars = int(options.get("max_chars") or 200)
    for step in run.reached():
        quotes: list[str] = []
        notes: dict[str, str] = {}  # quote -> what is wrong with it, for internal ones and toasts
        said_all = message_kinds.step_messages(step) if options.get("classified", True) else []
        # a generic heading over specific errors ("There is a problem" above the field errors) is not useless
        specific = any(m.quality == "specific" and m.kind in ("refusal", "validation") for m in said_all)
        for said in _useless_messages(said_all, specific, max_chars):
            quotes.append(said.text)
            notes[said.text] = _quality_note(said)
        texts = customer_texts(step)
        with_phrase = phrase_search.saying(texts, phrases)
        for index, text in enumerate(texts):
            if len(text) > max_chars or text.rstrip().endswith("?") or index not in with_phrase:
                continue
            norm = page_text.normalise(text)
            if any(norm in page_text.normalise(q) or page_text.normalise(q) in norm for q in quotes):
                continue  # the same message, already quoted from the page's notices
            quotes.append(text)
        if not quotes:
            continue
        internal = [q for q in quotes if notes.get(q, "").startswith("internal")]
        shown = "'; '".join(quote(q, 160) for q in (internal or quotes)[:3])
        if internal:
            what = (f"At {step.label} the customer was shown the shop's internal error message instead of one for them "
                    f"({notes[internal[0]]}): '{shown}'")
        else:
            what = (f"At {step.label} the customer was shown an error that says neither what went wrong "
                    f"nor what to do next: '{shown}'")
        yield Finding(
            step=step.index,
            message=full_stop(what),
            evidence=[
                *(Evidence("text", f"Message shown at {step.label}" + (f" ({notes[q]})" if q in notes else ""), q, step.index)
                  for q in quotes),
                *(e for e in page_evidence(step) if e.kind in ("url", "request", "screenshot")),
            ],
            confidence="medium",
        )

def _useless_messages(said_all, specific: bool, max_chars: int):
    """Internal messages always; generic refusals and validation errors unless a specific one is beside them."""
    for said in said_all:
        if said.quality == "internal":
            yield said
        elif said.quality == "generic" and not specific and said.kind in ("refusal", "validation") and len(said.text) <= max_chars:
            yield said



def _quality_note(said: message_kinds.Message) -> str:
    """'internal: says it timed out; shown for 1.0 s, gone before the step ended'."""
    note = f"{said.quality}: {said.why}" if said.why else said.quality
    if said.at_ms is not None and said.gone_ms is not None:
        note += f"; shown for {max(0.0, said.gone_ms - said.at_ms) / 1000:.1f} s, gone before the step ended"
    return note


@rule(
    "JA303",
    "late-validation",
    title="A mistake is pointed out only after submitting",
    severity="medium",
    options={"decline_phrases": list(phrases.DECLINE_PHRASES)},
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
        error = error_of(step)
        lost = emptied_fields(run, step, wanted, same_page=error is None)
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

