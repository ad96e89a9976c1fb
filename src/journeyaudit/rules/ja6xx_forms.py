"""JA6xx, forms and accessibility: forced accounts, too many fields, autocomplete, labels, axe-core violations."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from journeyaudit.facts import form_fields as ff
from journeyaudit.facts import phrase_search
from journeyaudit.facts.ledger import page_heading
from journeyaudit.model import Evidence, Finding, FormField, Run, StepRecord
from journeyaudit.rules import a11y_weight as aw
from journeyaudit.rules.evidence import full_stop, page_evidence, quote
from journeyaudit.rules.form_reading import field_names
from journeyaudit.rules.registry import rule

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
                    f"({field_names(gate)}) and offers no way to check out as a guest."
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
                f"At {step.label} the browser cannot fill in {field_names([f for f, _ in missing])} for the customer: "
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


IMPACT_SEVERITY = aw.USED_SEVERITY


_IMPACT_ORDER = ["minor", "moderate", "serious", "critical"]


@rule(
    "JA605",
    "accessibility-violation",
    title="Accessibility barriers (axe-core)",
    severity="medium",
    options={
        "impact_severity": IMPACT_SEVERITY,
        "chrome_severity": aw.CHROME_SEVERITY,
        "checkout_roles": list(aw.CHECKOUT_ROLES),
        "min_impact": "moderate",
        "ignore_rules": [],
        "max_elements": 3,
    },
    needs=["accessibility"],
)
def accessibility_violation(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """axe-core found accessibility barriers on a step's page.

    The recorder runs axe-core (the engine behind the browsers' own
    accessibility audits) on every step's page, error states included,
    against WCAG 2.x A and AA. Each violation is a barrier for some customers:
    an image without a text alternative says nothing to a screen reader, a
    button without a name cannot be found by voice control, faint text cannot
    be read in sunlight or with low vision. Shops are bound by accessibility
    law in many markets (the European Accessibility Act since June 2025).

    One finding per axe rule and page template (the page's address with ids
    and tokens left out), at the first step that showed it, listing the
    others. The weight depends on whether the journey met the barrier: on an
    element the journey used or needs (a field it filled, a control it
    clicked, a required field or the submit button of a checkout step) axe's
    impact sets the severity (``impact_severity``: critical -> high, serious
    -> medium, moderate and minor -> low); on the rest of the page (header,
    footer, menus, thumbnails) it is at most medium (``chrome_severity``:
    critical -> medium, the others low).
    Options: ``min_impact`` (ignore less severe violations), ``ignore_rules``
    (axe rule ids such as ``color-contrast``), ``max_elements`` (quoted per
    finding), ``checkout_roles`` (steps whose required fields and submit
    control count as needed).
    """
    used_map = {**aw.USED_SEVERITY, **dict(options.get("impact_severity") or {})}
    chrome_map = {**aw.CHROME_SEVERITY, **dict(options.get("chrome_severity") or {})}
    floor = _IMPACT_ORDER.index(options["min_impact"]) if options["min_impact"] in _IMPACT_ORDER else 0
    ignored = set(options.get("ignore_rules") or [])
    used = aw.journeyed(run, options.get("checkout_roles") or aw.CHECKOUT_ROLES)
    for (rule_id, template), seen in aw.group_by_template(run).items():
        step, violation = seen[0]
        impact = violation.get("impact", "")
        if rule_id in ignored or impact not in _IMPACT_ORDER or _IMPACT_ORDER.index(impact) < floor:
            continue
        on_journey, nodes = aw.weigh(violation, template, used)
        count = violation.get("count") or len(violation.get("nodes") or [])
        elements = "1 element" if count == 1 else f"{count} elements"
        later = list(dict.fromkeys(s.label for s, _ in seen[1:] if s.index != step.index))
        also = f"; also on {', '.join(later)}" if later else ""
        where = (
            "on an element the journey used or needs" if on_journey
            else "on page elements the journey did not use"
        )
        help_text = violation.get("help", rule_id)
        evidence: list[Evidence] = []
        for node in nodes[: options["max_elements"]]:
            evidence.append(Evidence("field", f"{help_text} ({rule_id}, {impact})", _node_text(node), step.index))
            if node.get("html"):
                evidence.append(Evidence("markup", "The element's HTML", str(node["html"]), step.index))
        if violation.get("help_url"):
            evidence.append(Evidence("url", "How to fix it (axe-core)", violation["help_url"], step.index))
        yield Finding(
            step=step.index,
            severity=aw.severity(impact, on_journey, used_map, chrome_map),
            message=(
                f"At {step.label} some customers meet a barrier {where}: {help_text} "
                f"({elements}; axe-core rule {rule_id}, {impact} impact{also})."
            ),
            evidence=evidence,
        )


def _node_text(node: Mapping[str, Any]) -> str:
    summary = (node.get("summary") or "").replace("Fix any of the following:", "").replace("Fix all of the following:", "")
    summary = " ".join(summary.split())
    targets = node.get("target") or []
    target = targets if isinstance(targets, str) else ", ".join(str(t) for t in targets)
    return f"{target}: {summary}" if target and summary else (summary or target)


@rule("JA606", "input-not-kept", title="A field did not keep what the customer typed", severity="high")
def input_not_kept(run: Run, options: Mapping[str, Any]) -> Iterator[Finding]:
    """A form field holds something else than what the customer just typed into it.

    An input mask that rewrites the value (a postcode mask made for another
    country that drops the fifth digit), a script that reformats or truncates it,
    or keystrokes that land in another field: the customer typed it right, and
    the shop stores something else, or refuses it later with a validation error
    the customer cannot make sense of. After each ``fill`` the recorder reads
    what the field holds and compares it with what was typed; a field that only
    formats the value (spaces in a card number, a slash in an expiry date,
    capitals in a postcode) kept it, and is not reported. One finding per
    field and step, in the customer's words ("typed '10115' into 'Postcode'; the
    field kept '1011'"). A secret field (a password, a card number) is compared
    without its value ever being stored: the finding gives only the lengths.
    Silent on recordings made before the recorder compared fields.
    """
    for step in run.reached():
        for action in step.actions:
            effect = action.effect or {}
            if action.name != "fill" or effect.get("input") != "differs":
                continue
            target = action.target or {}
            name = target.get("label") or target.get("placeholder") or target.get("name") or target.get("id") or "a field"
            typed, kept = str(effect.get("typed", "")), str(effect.get("kept", ""))
            if effect.get("secret"):
                said = (f"typed {len(typed)} characters into '{quote(name, 60)}'; the field kept {len(kept)} "
                        "(a secret field: its value is not recorded)")
            else:
                said = f"typed '{quote(typed, 80)}' into '{quote(name, 60)}'; the field kept '{quote(kept, 80)}'"
            yield Finding(
                step=step.index,
                message=full_stop(f"At {step.label} the customer {said}"),
                evidence=[
                    Evidence("field", f"Typed into '{quote(name, 60)}' at {step.label}", typed, step.index),
                    Evidence("field", "What the field kept", kept or "(empty)", step.index),
                    *(e for e in page_evidence(step) if e.kind in ("url", "screenshot")),
                ],
            )
