"""JA1xx, the journey: could the customer get through, pay, get a confirmation, and keep what they typed?"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from journeyaudit.facts import failure, ledger, message_kinds, money, phrase_search, recheck, wording
from journeyaudit.facts import form_fields as ff
from journeyaudit.facts.ledger import mentions, product_names
from journeyaudit.model import ActionRecord, Evidence, Finding, FormField, Run, StepRecord
from journeyaudit.rules import confirmation_weight
from journeyaudit.rules.email_reading import (
    CANCELLATION_PHRASES,
    cancelled_at,
    order_number,
    says,
    seconds_text,
    watched_seconds,
)
from journeyaudit.rules.evidence import full_stop, page_evidence, quote
from journeyaudit.rules.form_reading import emptied_fields, error_of, field_names
from journeyaudit.rules.phrases import THANK_YOU_PHRASES
from journeyaudit.rules.registry import rule


@rule("JA101", "journey-blocked", title="The customer could not get through a step", severity="critical")
def journey_blocked(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The customer could not get through a step of the journey at all.

    A step fails when what the journey expects a customer to be able to do is
    not possible: the button is not there, the page does not load, the shop
    answers with an error page, or the text the customer needs to see (for
    instance "Review your order") never appears. This is the most serious kind
    of problem: a customer who gets here does not buy.

    One finding per failed step (a journey stops at its first failed step
    unless the step says ``continue_on_failure``).
    The reason is said the way the customer met it (what was expected, and
    what the page said instead); the tool's own error is kept beside it.
    Evidence: the one-line reason, the URL and HTTP status of the page the
    customer was left on, the first lines of its text, and its screenshot.
    """
    for step in run.steps:
        if step.status != "failed":
            continue
        skipped = sum(1 for later in run.steps if later.index > step.index and later.status == "skipped")
        rest = f" The remaining {skipped} step(s) could not be tried." if skipped else ""
        status = f" (the shop answered HTTP {step.http_status})" if step.http_status and step.http_status >= 400 else ""
        reason = failure.customer_reason(step, run.base_url)
        evidence = [Evidence("error", "Why the step failed", reason, step.index)]
        if reason != (step.error or ""):
            evidence.append(Evidence("error", "The tool's own error", step.error or "", step.index))
        said = "they " + reason[len("the customer "):] if reason.startswith("the customer ") else reason  # not twice
        yield Finding(
            step=step.index,
            message=full_stop(f"The customer could not get past {step.label}{status}: {said.rstrip('.')}") + rest,
            evidence=[*evidence, *page_evidence(step)],
        )


_CARD_FIELD = (
    r"card.?num|cc.?num|cardnumber|credit.?card|debit.?card|kartennummer|kreditkarte"
    r"|num[ée]ro de (la )?carte|n[úu]mero de (la )?tarjeta|\bpan\b"
)


def _card_fill(action: ActionRecord, pattern: re.Pattern[str]) -> str | None:
    """How a passed ``fill`` of card data is described ("Card number (cc-number)"), else None."""
    if action.name != "fill" or action.status != "passed":
        return None
    target = action.target or {}
    autocomplete = str(target.get("autocomplete") or "").strip().lower()
    tokens = autocomplete.split()
    is_card = any(token.startswith("cc-") for token in tokens)
    if not is_card:
        names = " ".join(str(target.get(key) or "") for key in ("name", "id", "label"))
        is_card = bool(pattern.search(names) or pattern.search(action.description or ""))
    if not is_card:
        return None
    label = str(target.get("label") or target.get("name") or target.get("id") or "card field")
    return f"{label} ({autocomplete})" if autocomplete else label


def _submitted_with(step: StepRecord) -> str:
    """The button or link whose click brought the customer to this step ('' when not a click)."""
    for action in step.actions:
        if action.name == "click":
            target = action.target or {}
            return str(target.get("text") or target.get("label") or "").strip()
        if action.name not in ("wait_for", "expect", "screenshot"):
            return ""
    return ""


_PAYMENT_WORDS = re.compile(
    r"pay|zahl|paiement|pago|cash|invoice|rechnung|facture|factura|transfer|überweisung|virement|wallet|paypal"
    r"|klarna|apple|google|sofort|ideal|bancontact|cod\b|nachnahme|method|methode|méthode|método",
    re.IGNORECASE,
)


def _payment_choice(step: StepRecord, pattern: re.Pattern[str]) -> tuple[str, bool] | None:
    """How the customer chose to pay on a passed step, and whether it was a typed card; None when they did not.

    A card typed in (a ``fill`` of card data, on any step); else, on a payment
    step, the option checked or selected (cash on delivery, invoice, a wallet, a
    hosted payment page's button), preferring one that names payment; else the
    payment step itself (a single method, already chosen).
    """
    if step.status != "passed":
        return None
    filled = [d for d in (_card_fill(action, pattern) for action in step.actions) if d]
    if filled:
        # name the card number where there is one, not the name or the CVC
        number = [d for d in filled if "cc-number" in d or re.search(r"num", d, re.IGNORECASE)]
        return (number or filled)[0], True
    if step.role != "payment":
        return None
    chosen = []
    for action in step.actions[1:]:  # the first action brought the customer here
        if action.status != "passed" or action.name not in ("check", "select", "click"):
            continue
        target = action.target or {}
        label = str(target.get("label") or target.get("text") or target.get("name") or target.get("id") or "").strip()
        chosen.append((bool(_PAYMENT_WORDS.search(" ".join([label, action.description]))), label or action.description))
    named = [label for paying, label in chosen if paying] or [label for _, label in chosen if label]
    return (named[-1] if named else "the payment step"), False


@rule(
    "JA102",
    "late-payment-failure",
    title="The payment was accepted, then the order was refused later",
    severity="high",
    roles=["payment"],
    options={
        "phrases": list(wording.PAYMENT_REFUSED_PHRASES),
        "extra_phrases": [],
        "card_field_pattern": _CARD_FIELD,
    },
)
def late_payment_failure(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The shop accepted how the customer pays, and only a later step refused the order.

    The customer typed their card details or chose how to pay (cash on delivery,
    invoice, a wallet, a hosted payment page), the payment step accepted the
    choice and let them go on, and only at a later step (typically after
    pressing "Place order") the shop refused: the payment failed, the order
    could not be placed, or an error page. By then the customer believes they
    have bought: they have spent effort on every step in between, may already
    have left the page, and do not know whether they were charged or whether to
    try again (research H1; customer story C3). A payment the shop will refuse
    should be refused where it was chosen, with a reason and a way to fix it.

    The payment choice: a passed step with a ``fill`` of card data (the filled
    element's ``autocomplete`` starts with ``cc-``, or its name, id, label or
    selector looks like a card number: option ``card_field_pattern``, a regular
    expression); else a passed payment step, with the option the customer
    checked or selected there. It is accepted when a later step (for a card,
    also the same step once its page no longer shows card fields) arrives
    without a refusal. A refusal is what the probes' outcome calls one
    (``facts.message_kinds.refusal``): a message of kind refusal or validation
    among the page's notices, field errors, dialogs, the toasts seen during the
    step, or an error page's heading (HTTP 5xx); or one of ``phrases``
    (default: the built-in PAYMENT_REFUSED_PHRASES, e.g. "payment declined")
    or ``extra_phrases`` in the step's texts. A refusal that says an item is
    out of stock is JA301's, not a refused payment. A refusal before the choice was
    accepted (right where it was submitted) is prompt, not late, and is not
    reported.

    One finding per journey, at the first late refusal. Evidence: the payment
    choice and its step, the step that accepted it, the button that led to the
    refusal, the refusal text quoted verbatim, and the page it was shown on.
    Confidence is medium: refusals are recognised by their wording. Not
    applicable to a journey without a payment step.
    """
    phrases = [*options.get("phrases", ()), *options.get("extra_phrases", ())]
    pattern = re.compile(options.get("card_field_pattern") or _CARD_FIELD, re.IGNORECASE)
    book = ledger.build(run, ledger.Labels(payment_refused=tuple(phrases)))
    refused_at = {f.step: f.text for f in ledger.facts(book, "payment") if f.state == "refused"}
    unexplained = recheck.unexplained_refusal(run)
    causes = recheck.changes(run) if unexplained is not None else []
    sold_out_at = unexplained.step.index if any(c.kind == "unavailable" for c in causes) else None
    chose_at: StepRecord | None = None  # where the customer last chose how to pay
    choice, is_card = "", False
    accepted: StepRecord | None = None  # the first page that let the customer go on after the choice
    for step in run.steps:
        if step.status == "skipped":
            continue
        said = message_kinds.refusal(step)
        if said is not None and phrase_search.find_phrases(said.text, wording.OUT_OF_STOCK_PHRASES):
            said = None  # an item sold out: JA301's stock-out, not a refused payment
        if step.index == sold_out_at:
            said = None  # looked at again, an item is sold out: JA301's stock-out too
        refusal = refused_at.get(step.index) or (said.text if said is not None else None)
        if chose_at is not None and step.index > chose_at.index and refusal:
            if accepted is None:
                chose_at = None  # refused right where the payment was submitted: prompt, not late
            else:
                yield _late_refusal(chose_at, choice, is_card, accepted, step, refusal,
                                    tuple(c for c in causes if c.kind == "price" and step.index == _unexplained_at(unexplained)))
                return
        found = _payment_choice(step, pattern)
        if found is not None and (found[1] or chose_at is None or (not is_card and found[0] != "the payment step")):
            chose_at, (choice, is_card), accepted = step, found, None
        if chose_at is None or accepted is not None or refusal:
            continue
        if step.index > chose_at.index and not (is_card and _shows_card_form(step, pattern)):
            accepted = step
        elif is_card and step.index == chose_at.index and step.fields and not _shows_card_form(step, pattern):
            accepted = step  # the card step's own snapshot is already past the card form


def _unexplained_at(unexplained: recheck.Refusal | None) -> int | None:
    """The step of the refusal that named no cause (the one the product pages were looked at again after)."""
    return unexplained.step.index if unexplained is not None else None


def _shows_card_form(step: StepRecord, pattern: re.Pattern[str]) -> bool:
    """Does the step's page still show card fields (the customer has not got past the card form)?"""
    for form_field in step.fields:
        if not form_field.visible:
            continue
        tokens = form_field.autocomplete.lower().split()
        if any(token.startswith("cc-") for token in tokens):
            return True
        if pattern.search(" ".join((form_field.name, form_field.id, form_field.label))):
            return True
    return False


def _late_refusal(
    chose_at: StepRecord, choice: str, is_card: bool, accepted: StepRecord, step: StepRecord, refusal: str,
    causes: tuple[recheck.Change, ...] = (),
) -> Finding:
    button = _submitted_with(step)
    after = f", after '{button}'" if button else ""
    if is_card:
        evidence = [Evidence("field", f"Card entered at {chose_at.label}", choice, chose_at.index)]
        told = f"Entered the card at {chose_at.label}; it was refused at {step.label}{after}, with '{quote(refusal)}'"
    else:
        evidence = [Evidence("text", f"Payment chosen at {chose_at.label}", choice, chose_at.index)]
        told = (f"The shop accepted the payment choice ('{quote(choice, 60)}') at {chose_at.label} and let the customer "
                f"go on to {accepted.label}, then refused the order at {step.label}{after}, with '{quote(refusal)}'")
    evidence.append(Evidence("text", f"Accepted: the customer went on to {accepted.label}", accepted.url, accepted.index))
    if button:
        evidence.append(Evidence("text", "Button the customer pressed", button, step.index))
    evidence.append(Evidence("text", f"Refusal shown at {step.label}", refusal, step.index))
    if step.status == "failed" and step.error:
        evidence.append(Evidence("error", "Why the step failed", step.error, step.index))
    evidence.extend(item for item in page_evidence(step) if item.kind in ("url", "screenshot"))
    for cause in causes:  # the refusal named no cause; the product page, looked at again, shows one
        told += f"; looked at again, '{quote(cause.name, 60)}' now costs {cause.now} (was {cause.before})"
        evidence.append(Evidence("text", f"Product page looked at again after {step.label}", cause.now, cause.product.index))
        evidence.append(Evidence("url", "Page looked at again", cause.recheck.url, cause.product.index))
    return Finding(step=step.index, message=full_stop(told), evidence=evidence, confidence="medium")


# the built-in patterns want the number right after the keyword; confirmation pages often say "is".
_ORDER_NUMBER_IS = (
    r"\b(?:order|confirmation|booking|reference)\s+(?:number|no\.?|id|code)\s+is\s*:?\s*#?\s?"
    r"((?=[A-Za-z0-9\-_/]*\d)[A-Za-z0-9][A-Za-z0-9\-_/]{2,})(?![\w\-/])"
)


def _cart_items(run: Run, before: int) -> list[str]:
    """Product names the customer put in the basket: named on a product step and, if any, on a cart step."""
    names: list[str] = []
    for step in run.reached():
        if step.role == "product" and step.index < before:
            names.extend(n for n in product_names(step) if n not in names)
    carts = [s for s in run.reached() if s.role == "cart" and s.index < before]
    if carts:
        listed = [n for n in names if any(mentions(s.visible_text, n) for s in carts)]
        return listed or names
    return names


def _last_total(run: Run, before: int, labels: list[str]) -> tuple[StepRecord, money.Money] | None:
    found = None
    for step in run.reached():
        if step.index >= before or step.role == "confirmation":
            continue
        total = money.find_total(step.visible_text, labels)
        if total is not None:
            found = (step, total)
    return found


@rule(
    "JA103",
    "missing-confirmation",
    title="The order confirmation lacks the order number, the total or the items",
    severity="high",
    roles=["confirmation"],
    options={
        "order_number_patterns": [*wording.ORDER_NUMBER_PATTERNS, _ORDER_NUMBER_IS],
        "total_labels": list(wording.TOTAL_LABELS),
        "thank_you_phrases": list(THANK_YOU_PHRASES),
        "require": ["order number", "total", "items"],
    },
)
def missing_confirmation(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The confirmation page does not show the order number, the total or the items bought.

    After paying, the confirmation page is the customer's receipt: the order
    number is what they quote to support, the total is what they will see on
    their statement, and the list of items tells them the order is what they
    meant to buy. A "Thank you!" page without them leaves the customer unsure
    whether the order went through and what it was (research H30; Baymard's
    order confirmation guidance); support gets the calls.

    For each confirmation step the customer reached, checks that the page shows
    an order number (``order_number_patterns``, default extract's
    ORDER_NUMBER_PATTERNS: "Order KC-10234", "Bestellnummer: 123456", plus
    "Your order number is 4411-2087"), a total
    (a line labelled with one of ``total_labels``, or the total of the last
    earlier step shown as an amount), and at least one of the items in the
    basket (product names from the product steps' JSON-LD offers or headings,
    kept to those the cart step listed; compared case-insensitively). Option
    ``require`` lists which of "order number", "total", "items" are checked.
    One finding per confirmation step, listing everything missing.

    A confirmation step that failed is only judged when it still shows a
    thank-you page (``thank_you_phrases``); a failed step showing an error, and
    a confirmation step that was never reached (skipped), are JA101's to report;
    a probe variant's step where the probe ended (``probe_stop``) is not a
    confirmation the shop meant to show.
    The item check is skipped when no product name is known.

    Weight: high only when nothing on the page acknowledges the order (no
    ``thank_you_phrases``, no order number); medium when it does ("Thank you for
    your order!" without a number); low when only the number is missing and the
    confirmation email carries the order's reference ("Order 2 Received").

    Evidence: what is missing, what was expected (the items and the last total
    seen before), and the page's first lines, URL and screenshot. Confidence is
    medium: numbers and totals are recognised by their wording. Not applicable
    to a journey without a confirmation step.
    """
    required = {str(item).lower() for item in options.get("require", ("order number", "total", "items"))}
    for step in run.steps_with_role("confirmation"):
        if step.status == "skipped" or step.probe_stop:
            continue  # a probe variant that stopped here never meant to reach a confirmation
        text = step.visible_text
        if step.status == "failed" and not phrase_search.find_phrases(text, options["thank_you_phrases"]):
            continue
        missing: list[str] = []
        evidence: list[Evidence] = []
        if "order number" in required and not phrase_search.order_number(text, options["order_number_patterns"]):
            missing.append("an order number")
        if "total" in required and money.find_total(text, options["total_labels"]) is None:
            before = _last_total(run, step.index, options["total_labels"])
            shown = [m.amount for m in money.find_money(text)]
            if before is None or before[1].amount not in shown:
                missing.append("the order total")
                if before is not None:
                    evidence.append(Evidence("amount", f"Total at {before[0].label}", before[1].text, before[0].index))
        if "items" in required:
            items = _cart_items(run, step.index)
            if items and not any(mentions(text, name) for name in items):
                missing.append("the items ordered")
                basket = next((s for s in run.reached() if s.role in ("cart", "review") and s.index < step.index
                               and any(mentions(s.visible_text, n) for n in items)), None)
                where = f"Items in the basket at {basket.label}" if basket else "Items the customer chose"
                evidence.append(Evidence("text", where, ", ".join(items), basket.index if basket else None))
        if not missing:
            continue
        listed = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " or " + missing[-1]
        weight = confirmation_weight.weigh(run, step, missing, options["thank_you_phrases"],
                                           options["order_number_patterns"])
        yield Finding(
            step=step.index,
            severity=weight.severity,
            message=f"The confirmation at {step.label} does not show {listed}{confirmation_weight.note(weight, missing)}.",
            evidence=[Evidence("text", "Missing from the confirmation", "; ".join(missing), step.index),
                      *evidence, *confirmation_weight.evidence(weight, step), *page_evidence(step)],
            confidence="medium",
        )


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
        error = error_of(step)
        if error is None:
            continue
        lost = emptied_fields(run, step, wanted)
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


@rule(
    "JA104",
    "silent-cancellation",
    title="The order was cancelled and nobody told the customer",
    severity="critical",
    options={"cancellation_phrases": list(CANCELLATION_PHRASES)},
    needs=["mail"],
)
def silent_cancellation(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The order's status page says it was cancelled, and no email told the customer.

    The customer paid, saw "Thank you", and waits for a parcel; the shop cancelled
    the order (stock, fraud check, payment) and said nothing (customer story C1).
    They find out days later, if they look. The rule uses both sources: a page
    after the confirmation stating the order is cancelled (a status line with
    ``cancellation_phrases``; "Status" and "Cancelled" apart in a label/value pair; or
    a badge that says only "Cancelled" within three lines of the order's number, as an
    order history's card shows it), and the mailbox - no email saying so arrived in the
    time the journey watched. Needs mail capture; the message states how long
    the inbox was watched.
    """
    if not run.inbox:
        return
    found = cancelled_at(run, options)
    if found is None:
        return
    step, line = found
    notices = [m for m in run.emails if says(m, options["cancellation_phrases"])]
    if notices:
        return
    order = order_number(run)
    waited = watched_seconds(run, step.started_at)
    what = f"order {order[1]}" if order else "your order"
    evidence = [Evidence("text", f"Order status on {step.label}", quote(line), step.index)]
    if order:
        evidence.insert(0, Evidence("text", f"Order confirmed on {order[0].label}", order[1], order[0].index))
    evidence.append(
        Evidence("timing", "Inbox watched", f"{len(run.emails)} email(s), none about the cancellation, within {seconds_text(waited)}", step.index)
    )
    yield Finding(
        step=step.index,
        message=f"The shop cancelled {what} ({step.label} says {quote(line, 80)!r}) and no email told you: "
        f"none seen within {seconds_text(waited)}.",
        evidence=evidence,
    )

