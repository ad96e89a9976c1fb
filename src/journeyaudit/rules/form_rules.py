"""Form and account rules: what filling in the checkout costs the customer.

JA105 card-data-cleared, JA303 late-validation, JA304 input-lost-after-error
(errors and what happens to the entries), JA601 forced-account-creation,
JA602 too-many-fields, JA603 missing-autocomplete, JA604 unlabeled-field
(how much typing, and how much help, the checkout gives). All read the form
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
from journeyaudit.rules.journey_rules import full_stop, page_evidence, page_heading, quote
from journeyaudit.rules.registry import rule

# Refusals are not validation: no page can check a card's funds while the customer types.
DECLINE_PHRASES: tuple[str, ...] = (
    "declined", "decline", "refused", "insufficient funds", "do not honor", "not authorised", "not authorized",
    "abgelehnt", "nicht autorisiert", "unzureichende deckung",
    "refusée", "refusé", "refus", "fonds insuffisants",
    "rechazada", "rechazado", "denegada", "fondos insuficientes",
)

GUEST_PHRASES: tuple[str, ...] = (
    "guest", "without an account", "without registering", "without registration", "no account needed",
    "no account required", "skip sign in", "checkout without",
    "gast", "als gast", "ohne konto", "ohne kundenkonto", "ohne registrierung", "ohne anmeldung",
    "invité", "en tant qu'invité", "sans compte", "sans créer de compte", "sans inscription",
    "invitado", "como invitado", "sin cuenta", "sin registrarse", "sin registro",
)

NEW_PASSWORD_WORDS: tuple[str, ...] = (
    "create", "new password", "choose a password", "choose password", "confirm", "repeat", "again", "register",
    "sign up", "signup",
    "erstellen", "neues passwort", "passwort wählen", "wiederholen", "bestätigen", "registrieren",
    "créer", "nouveau mot de passe", "choisissez", "confirmer", "répéter", "inscription",
    "crear", "nueva contraseña", "elige", "confirmar", "repetir", "registrarse", "regístrate",
)

IGNORED_FIELD_WORDS: tuple[str, ...] = (
    "search", "coupon", "promo", "voucher", "gift card", "discount code", "quantity", "qty", "newsletter",
    "suche", "gutschein", "rabattcode", "aktionscode", "menge", "anzahl",
    "recherche", "code promo", "bon de réduction", "carte cadeau", "quantité",
    "buscar", "cupón", "código promocional", "tarjeta regalo", "cantidad",
)

PURPOSES: dict[str, list[str]] = {
    "email": [r"e ?mail", r"courriel", r"correo( electr[óo]nico)?"],
    "tel": [r"phone", r"telephone", r"tel", r"mobile", r"telefon", r"telefonnummer", r"handy", r"t[ée]l[ée]phone",
            r"portable", r"tel[ée]fono", r"m[óo]vil"],
    "postal-code": [r"post ?code", r"postal ?code", r"zip( ?code)?", r"plz", r"postleitzahl", r"code postal",
                    r"c[óo]digo postal", r"cp"],
    "country": [r"country", r"land", r"pays", r"pa[íi]s"],
    "address-line2": [r"address ?line ?2", r"address 2", r"apartment", r"suite", r"flat", r"adresszusatz",
                      r"compl[ée]ment d.adresse", r"piso", r"apartamento"],
    "street-address": [r"street", r"address ?line ?1", r"address 1", r"street ?address", r"address", r"stra(ß|ss)e",
                       r"hausnummer", r"adresse", r"rue", r"direcci[óo]n", r"calle"],
    "address-level2": [r"city", r"town", r"ort", r"stadt", r"wohnort", r"ville", r"ciudad", r"localidad", r"poblaci[óo]n"],
    "given-name": [r"first ?name", r"given ?name", r"forename", r"vorname", r"pr[ée]nom", r"nombre de pila"],
    "family-name": [r"last ?name", r"surname", r"family ?name", r"nachname", r"nom de famille", r"apellidos?"],
    "name": [r"full ?name", r"your name", r"name", r"vor und nachname", r"nom complet", r"nom", r"nombre completo",
             r"nombre"],
}


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


def _names(fields: list[FormField], limit: int = 6) -> str:
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
                f"{filled_at.label} were wiped: {_names(fields)}. The customer has to type their card details again"
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
                f"At {before.label} the customer filled in {_names([f for f, _ in late])} and was told nothing; "
                f"only after submitting, at {step.label}, did the shop flag {'it' if len(late) == 1 else 'them'}: {said}"
            ),
            evidence=[
                *(Evidence("field", f"Flagged only at {step.label}: {ff.title(f)}", m, step.index) for f, m in late),
                Evidence("field", f"No message at {before.label}", _names([f for f, _ in late]), before.index),
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
                f"{_names(fields)}. The customer has to type them again"
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


# --------------------------------------------------------------------------
# JA601 forced-account-creation
# --------------------------------------------------------------------------


def _password_gate(step: StepRecord, new_words: list[str]) -> list[FormField]:
    """Password fields on a step that make the customer create (or use) an account to go on."""
    filled = {
        (a.target.get("name", ""), a.target.get("id", ""))
        for a in step.actions
        if a.name == "fill" and (a.target or {}).get("type") == "password"
    }
    gate = []
    for field in step.fields:
        if not (ff.is_field(field) and field.type == "password"):
            continue
        tokens = ff.autocomplete_tokens(field)
        if (
            "new-password" in tokens
            or field.required
            or (field.name, field.id) in filled
            or phrase_search.find_phrases(ff.words(field), new_words)
        ):
            gate.append(field)
    return gate


@rule(
    "JA601",
    "forced-account-creation",
    title="No way to pay without creating an account",
    severity="high",
    roles=["account", "shipping", "payment"],
    options={"guest_phrases": list(GUEST_PHRASES), "new_password_words": list(NEW_PASSWORD_WORDS)},
)
def forced_account_creation(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The customer cannot pay without creating an account (or signing in).

    A first-time customer who wants to buy one thing is asked to choose a
    password first. About one in five abandon a purchase because a site wanted
    them to create an account (research H10; Baymard's checkout abandonment
    survey), and more dislike it; an account can be offered after the order,
    on the confirmation page, with the details already entered (H12).

    The rule walks the steps up to the first payment step (product,
    confirmation and email steps aside) and looks for a step whose page asks for
    a password the customer must give to go on: a visible password field that
    is required, has the ``new-password`` autocomplete token, is labelled or
    named with one of ``new_password_words`` ("create", "confirm", "repeat",
    "Passwort wählen"...), or that the journey filled in. When that page offers
    no guest path, none of ``guest_phrases`` in its text ("Continue as guest",
    "Als Gast bestellen", "Commander sans compte", "Comprar como invitado"...),
    the customer was forced to have an account. A sign-in form beside a guest
    option is fine. Confidence is medium: the guest option is recognised by its
    wording.

    One finding per journey. Evidence: the password fields, the page heading,
    the page and its screenshot. Not applicable without an account, shipping or
    payment step.
    """
    guest = list(options.get("guest_phrases") or ())
    new_words = list(options.get("new_password_words") or ())
    for step in run.reached():
        if step.role in ("product", "confirmation", "email"):
            continue
        gate = _password_gate(step, new_words)
        if gate and not phrase_search.find_phrases(step.visible_text, guest):
            heading = page_heading(step)
            where = f"{step.label}" + (f" ('{quote(heading, 80)}')" if heading else "")
            yield Finding(
                step=step.index,
                message=(
                    f"To get to payment the customer had to create an account: {where} asks for a password "
                    f"({_names(gate)}) and offers no way to check out as a guest."
                ),
                evidence=[
                    *(Evidence("field", f"Password field at {step.label}", ff.title(f), step.index) for f in gate),
                    *(e for e in page_evidence(step) if e.kind in ("url", "screenshot")),
                ],
                confidence="medium",
            )
            return
        if step.role == "payment":
            return


# --------------------------------------------------------------------------
# JA602 too-many-fields
# --------------------------------------------------------------------------


def _counted(field: FormField, options: Mapping[str, Any]) -> bool:
    if not ff.is_field(field) or field.type in ff.TOGGLES:
        return False
    tokens = ff.autocomplete_tokens(field)
    if tokens and tokens[-1] in set(options.get("ignore_autocomplete") or ()):
        return False
    return not phrase_search.find_phrases(ff.words(field), list(options.get("ignore_words") or ()))


@rule(
    "JA602",
    "too-many-fields",
    title="More form fields or checkout steps than the budget",
    severity="medium",
    roles=["account", "shipping", "payment"],
    options={
        "max_fields": 12,
        "max_steps": 5,
        "checkout_roles": ["account", "shipping", "payment", "review"],
        "ignore_autocomplete": ["username", "current-password", "one-time-code"],
        "ignore_words": list(IGNORED_FIELD_WORDS),
    },
)
def too_many_fields(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """The checkout makes the customer fill in more fields, or go through more pages, than needed.

    Every field is a question the customer must answer before they can pay;
    a long form looks like work, and "too long / complicated checkout" is one
    of the main reasons customers abandon (research H13: Baymard finds about
    11-12 form fields in the average checkout, 5.1 steps, and that about 8
    fields is achievable for most shops; 22% abandoned for complexity).

    Fields: the distinct visible fields on the checkout steps (``checkout_roles``,
    default account, shipping, payment, review) that the customer types into or
    chooses from: text inputs, selects, text areas. The same field re-shown
    after an error counts once. Not counted: check boxes and radio buttons
    (choices, not questions), sign-in fields (``ignore_autocomplete``:
    username, current-password, one-time-code; the guest does not fill them),
    and fields whose name, label or placeholder has one of ``ignore_words``
    (search, coupon, voucher, quantity, newsletter... in four languages).
    More than ``max_fields`` (default 12, just above the average) is a finding.

    Steps: the distinct pages (URL paths) of the checkout steps; more than
    ``max_steps`` (default 5, the average) is a finding.

    Up to two findings per journey (fields, pages). Evidence: the fields per
    step, by label, and the pages. Not applicable without an account, shipping
    or payment step.
    """
    roles = set(options.get("checkout_roles") or ())
    max_fields = int(options.get("max_fields") or 0)
    max_steps = int(options.get("max_steps") or 0)
    steps = [s for s in run.reached() if s.role in roles]
    seen: set[tuple[str, str, str]] = set()
    per_step: list[tuple[StepRecord, list[FormField]]] = []
    for step in steps:
        new = []
        for key, field in ff.by_key(step).items():
            if key not in seen and _counted(field, options):
                seen.add(key)
                new.append(field)
        if new:
            per_step.append((step, new))
    total = sum(len(fields) for _, fields in per_step)
    if max_fields and total > max_fields:
        first, last = per_step[0][0], per_step[-1][0]
        busiest, busiest_fields = max(per_step, key=lambda item: len(item[1]))
        span = f"at {first.label}" if first is last else f"from {first.label} to {last.label}"
        yield Finding(
            step=busiest.index,
            message=(
                f"The customer had to fill in {total} form fields {span}; the budget is {max_fields} "
                f"(checkout research: 11-12 on average, about 8 is achievable). "
                f"{busiest.label} alone asks for {len(busiest_fields)}."
            ),
            evidence=[
                Evidence("field", f"{len(fields)} field(s) at {step.label}", ", ".join(ff.title(f) for f in fields), step.index)
                for step, fields in per_step
            ],
        )
    pages: dict[str, StepRecord] = {}
    for step in steps:
        path = urlsplit(step.url).path if step.url else f"step {step.index}"
        pages.setdefault(path, step)
    if max_steps and len(pages) > max_steps:
        yield Finding(
            step=None,
            message=(
                f"The checkout took the customer through {len(pages)} pages; the budget is {max_steps} "
                f"(checkout research: 5.1 on average)."
            ),
            evidence=[Evidence("url", f"Page of {step.label}", step.url, step.index) for step in pages.values()],
        )


# --------------------------------------------------------------------------
# JA603 missing-autocomplete
# --------------------------------------------------------------------------


@rule(
    "JA603",
    "missing-autocomplete",
    title="Address or card fields the browser cannot fill in",
    severity="medium",
    options={"purposes": {k: list(v) for k, v in PURPOSES.items()}, "card_words": {k: list(v) for k, v in ff.CARD_WORDS.items()}},
)
def missing_autocomplete(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """Address, contact or card fields without an autocomplete token, or with autofill turned off.

    Browsers and password managers fill in name, address, email, phone and
    card in one tap, but only when each field says what it is
    (``autocomplete="postal-code"``, ``"cc-number"``). Without the token, or
    with ``autocomplete="off"``, the customer types everything by hand, on a
    phone keyboard, and makes more mistakes (research H20; WCAG 2.1 success
    criterion 1.3.5 "Identify Input Purpose" requires the tokens for personal
    data).

    A field's purpose is recognised from its type (email, tel), its card
    autocomplete token or ``card_words``, or ``purposes``: autofill token ->
    regular expressions matched as whole words in the field's name, id, label or placeholder (English, German,
    French, Spanish; checked in order, so "Email address" is an email, not a
    street address). Such a field is reported when its autocomplete attribute
    is missing, is ``on`` or ``off``, or does not end in a token of the HTML
    standard's autofill list. Hidden fields, passwords, search boxes, check
    boxes and radio buttons are left out. Confidence is medium: the purpose is
    recognised by wording.

    One finding per step, each field reported once per journey (at the first
    step it appears). Evidence: each field, what it is for, and the
    autocomplete value it has.
    """
    purposes = options.get("purposes") or PURPOSES
    card_words = options.get("card_words") or ff.CARD_WORDS
    reported: set[tuple[str, str, str]] = set()
    for step in run.reached():
        missing: list[tuple[FormField, str]] = []
        for key, field in ff.by_key(step).items():
            if key in reported:
                continue
            token = ff.purpose(field, purposes, card_words)
            if token is None:
                continue
            tokens = ff.autocomplete_tokens(field)
            if tokens and tokens[-1] in ff.AUTOFILL_TOKENS:
                continue
            reported.add(key)
            missing.append((field, token))
        if not missing:
            continue
        off = [f for f, _ in missing if f.autocomplete.strip().lower() == "off"]
        why = "turn autofill off" if len(off) == len(missing) else "carry no autocomplete token"
        yield Finding(
            step=step.index,
            message=(
                f"At {step.label} the browser cannot fill in {_names([f for f, _ in missing])} for the customer: "
                f"the fields {why}, so the customer types everything by hand."
            ),
            evidence=[
                Evidence(
                    "field",
                    f"{ff.title(f)} at {step.label} (should be autocomplete=\"{token}\")",
                    f'autocomplete="{f.autocomplete}"' if f.autocomplete else "no autocomplete attribute",
                    step.index,
                )
                for f, token in missing
            ],
            confidence="medium",
        )


# --------------------------------------------------------------------------
# JA604 unlabeled-field
# --------------------------------------------------------------------------


@rule("JA604", "unlabeled-field", title="A form field without a label", severity="medium")
def unlabeled_field(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A form field has no accessible label, so the customer may not know what to enter.

    A field needs a name a screen reader announces and that stays on screen
    while the customer types: a ``<label>``, ``aria-label`` or
    ``aria-labelledby`` (the recorder also accepts a ``title``). Placeholder
    text is not a label: it vanishes at the first keystroke, so the customer
    who looks back cannot check what a field was for, and many screen readers
    skip it (research H27; WCAG 2.1 success criteria 1.3.1 and 3.3.2 and 4.1.2).

    For each step, every visible field (inputs other than buttons and hidden
    inputs, selects, text areas) with an empty accessible label as recorded by
    the browser is reported, each field once per journey (at the first step it
    appears).

    One finding per step. Evidence: each field, named by its placeholder, name
    or id.
    """
    reported: set[tuple[str, str, str]] = set()
    for step in run.reached():
        unlabeled = []
        for key, field in ff.by_key(step).items():
            if key in reported or field.label.strip():
                continue
            reported.add(key)
            unlabeled.append(field)
        if not unlabeled:
            continue
        described = ", ".join(
            f"the field showing only '{f.placeholder}'" if f.placeholder else f"the {f.tag} named '{ff.title(f)}'"
            for f in unlabeled[:6]
        )
        more = f" and {len(unlabeled) - 6} more" if len(unlabeled) > 6 else ""
        yield Finding(
            step=step.index,
            message=full_stop(
                f"At {step.label} {len(unlabeled)} form field(s) have no label a screen reader can announce or "
                f"that stays visible while typing: {described}{more}"
            ),
            evidence=[
                Evidence(
                    "field",
                    f"Unlabelled {f.tag}{' (' + f.type + ')' if f.type else ''} at {step.label}",
                    f"placeholder '{f.placeholder}'" if f.placeholder else f"name '{f.name}', id '{f.id}'",
                    step.index,
                )
                for f in unlabeled
            ],
        )
