"""Probes: the customer's bad day, generated from the happy path.

A journey describes the happy path; its ``probes:`` section (see
:mod:`journeyaudit.spec.probespec`) asks for variants, each an ordinary
:class:`~journeyaudit.model.Journey` that the runner records and every rule judges:

* ``decline_cards``: pay with a provider's documented decline test card
  (:data:`DECLINE_CARDS`), to see where the refusal surfaces and what is left of
  the card details;
* ``invalid_inputs``: one bad input per variant (an email without '@', a postcode
  cut short, a card number with a mistyped digit, an expiry date in the past), to
  see whether the shop flags it, how, and what it keeps of the form;
* ``faults``: fail or delay one request (Playwright request interception), to see
  what the customer is told.

Variants are generated before any browser starts, from the validated journey only:
the fields to alter are found among its ``fill`` actions by their selectors
(``#card-number``, ``[autocomplete=cc-number]``, ``[name=email]``...) and the shape of
their values (an email address, a Luhn-valid card number, MM/YY), unless
``probes.fields`` names them.

How a variant ends: everything up to the altered input is the happy path; from
there on the happy path's ``expect``/``wait_for`` actions (after a decline card or a
bad input, all its actions) become *soft*: the first one that fails (the shop
refused, the customer is still on the form) ends the
variant at that step, on purpose, with the page the customer sees recorded. So
the happy path's later expectations ("Thank you") never turn into a cascade of
"journey blocked" findings. :func:`journeyaudit.judge.probe_outcome.outcome` then says, in plain words, where the
refusal surfaced and which of the customer's entries survived it.

Pure: no Playwright, no browser; tests run in milliseconds.
"""

from __future__ import annotations

import copy
import fnmatch
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from journeyaudit import model
from journeyaudit.spec.probespec import INPUT_CASES, luhn_ok

__all__ = [
    "DECLINE_CARDS",
    "DeclineCard",
    "FieldRef",
    "declined_card",
    "expand",
    "expand_all",
    "find_fields",
    "problems",
    "profile_problems",
]

SEPARATOR = "~"  # happy-path~decline-stripe-generic


# --------------------------------------------------------------------------
# The decline test cards providers document
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclineCard:
    """A card number a payment provider's test mode always declines."""

    id: str
    provider: str
    number: str
    reason: str
    holder_name: str | None = None  # Adyen declines by the name on the card
    default: bool = False  # used by `decline_cards: true`

    @property
    def digits(self) -> str:
        return re.sub(r"[\s-]", "", self.number)

    @property
    def label(self) -> str:
        who = self.provider.capitalize() if self.provider != "generic" else "Generic"
        holder = f", name on card '{self.holder_name}'" if self.holder_name else ""
        return f"{who} decline test card ending {self.digits[-4:]} ({self.reason}{holder})"


#: Sources: Stripe "Testing: declined payments" (docs.stripe.com/testing#declined-payments);
#: Adyen "Testing result codes and refusal reasons" (docs.adyen.com/development-resources/testing/
#: result-codes: a test card with holderName DECLINED / CARD_EXPIRED); Braintree "Credit cards:
#: testing" (developer.paypal.com/braintree/docs/guides/credit-cards/testing-go-live: card numbers
#: for unsuccessful verification). The generic card is ours: Luhn-valid, issued to nobody.
DECLINE_CARDS: tuple[DeclineCard, ...] = (
    DeclineCard("stripe-generic", "stripe", "4000 0000 0000 0002", "generic decline", default=True),
    DeclineCard("stripe-insufficient-funds", "stripe", "4000 0000 0000 9995", "insufficient funds"),
    DeclineCard("stripe-lost-card", "stripe", "4000 0000 0000 9987", "lost card"),
    DeclineCard("stripe-expired-card", "stripe", "4000 0000 0000 0069", "expired card"),
    DeclineCard("stripe-processing-error", "stripe", "4000 0000 0000 0119", "processing error"),
    DeclineCard("adyen-refused", "adyen", "4111 1111 4555 1142", "refused", holder_name="DECLINED", default=True),
    DeclineCard("adyen-expired", "adyen", "4111 1111 4555 1142", "expired card", holder_name="CARD_EXPIRED"),
    DeclineCard("braintree-visa-declined", "braintree", "4000 1111 1111 1115", "processor declined", default=True),
    DeclineCard("braintree-mastercard-declined", "braintree", "5105 1051 0510 5100", "processor declined"),
    DeclineCard("generic-decline", "generic", "4716 1089 9971 6408", "do not honour", default=True),
)

_BY_ID = {card.id: card for card in DECLINE_CARDS}


def declined_card(number: str, holder_name: str = "", extra: Iterable[DeclineCard] = ()) -> DeclineCard | None:
    """The table's card for this number (and name on card, for Adyen), or None: a card that works."""
    digits = re.sub(r"[\s-]", "", number or "")
    name = (holder_name or "").strip().upper()
    for card in (*DECLINE_CARDS, *extra):
        if card.digits != digits:
            continue
        if card.holder_name is None or card.holder_name.upper() == name:
            return card
    return None


def _cards(spec: Any, extra_cards: Iterable[Mapping[str, Any]]) -> tuple[list[DeclineCard], list[tuple[tuple, str]]]:
    """The cards a ``decline_cards`` section asks for, and problems (path under probes, message)."""
    if spec is True:
        chosen = [card for card in DECLINE_CARDS if card.default]
        spec = {}
    elif isinstance(spec, Mapping):
        chosen = [card for card in DECLINE_CARDS if card.provider in (spec.get("providers") or ())]
        if not spec.get("providers") and not spec.get("cards") and not spec.get("extra"):
            chosen = [card for card in DECLINE_CARDS if card.default]
    else:
        return [], []
    found: list[tuple[tuple, str]] = []
    for index, card_id in enumerate(spec.get("cards") or ()):
        card = _BY_ID.get(card_id)
        if card is None:
            import difflib

            close = difflib.get_close_matches(card_id, list(_BY_ID), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(_BY_ID)})"
            found.append((("decline_cards", "cards", index), f"no decline test card {card_id!r}{hint}"))
        elif card not in chosen:
            chosen.append(card)
    for item in [*(spec.get("extra") or ()), *extra_cards]:
        card = DeclineCard(
            id=str(item["id"]),
            provider=str(item.get("provider") or "custom"),
            number=str(item["number"]),
            reason=str(item.get("reason") or "declined"),
            holder_name=item.get("holder_name"),
        )
        if all(card.id != other.id for other in chosen):
            chosen.append(card)
    return chosen, found


# --------------------------------------------------------------------------
# Which fill is which field
# --------------------------------------------------------------------------

_SELECTOR_HINTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("card_number", re.compile(r"card.?num|cc.?num|cardnumber|cc-number|\bpan\b|kartennummer|num[ée]ro.?de.?(la.?)?carte", re.I)),
    ("card_expiry", re.compile(r"cc-exp|\bexp\b|expir|card.?exp|valid.?thru|ablauf|g[üu]ltig|caducidad", re.I)),
    ("card_name", re.compile(r"cc-name|card.?name|name.?on.?card|card.?holder|holder.?name|karteninhaber|titulaire|titular", re.I)),
    ("email", re.compile(r"e-?mail|courriel|correo", re.I)),
    ("postal_code", re.compile(r"postal|post.?code|\bzip|postcode|\bplz\b|postleitzahl|code.?postal|c[óo]digo.?postal", re.I)),
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EXPIRY = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*$")


@dataclass(frozen=True)
class FieldRef:
    """A ``fill`` of the journey: step and action position (0-based), selector and value."""

    kind: str
    step: int
    action: int
    selector: str
    value: str
    secret: bool
    how: str  # "probes.fields", "selector" or "value": how it was recognised

    def step_name(self, journey: model.Journey) -> str:
        return journey.steps[self.step].name


def _by_value(value: str) -> str | None:
    digits = re.sub(r"[\s-]", "", value)
    if digits.isdigit() and 12 <= len(digits) <= 19 and luhn_ok(digits):
        return "card_number"
    if _EXPIRY.match(value):
        return "card_expiry"
    if _EMAIL.match(value.strip()):
        return "email"
    return None


def find_fields(journey: model.Journey, overrides: Mapping[str, str] | None = None) -> dict[str, FieldRef]:
    """Kind -> the journey's first fill of that field (email, postal_code, card_number, ...).

    ``overrides`` (``probes.fields``) name a field by its selector; otherwise a fill
    is recognised by its selector (ids, names, autocomplete tokens, labels written
    into it), then by the shape of its value.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v}
    found: dict[str, FieldRef] = {}
    for s_index, step in enumerate(journey.steps):
        for a_index, act in enumerate(step.actions):
            if act.name != "fill" or "selector" not in act.params:
                continue
            selector, value = str(act.params["selector"]), str(act.params.get("value", ""))
            kind, how = None, ""
            for name, chosen in overrides.items():
                if chosen == selector:
                    kind, how = name, "probes.fields"
                    break
            if kind is None:
                kind = next((name for name, pattern in _SELECTOR_HINTS if pattern.search(selector)), None)
                how = "selector"
                if kind in overrides:
                    kind = None  # the override names another fill for this kind
            if kind is None:
                kind, how = _by_value(value), "value"
                if kind in overrides:
                    kind = None
            if kind and kind not in found:
                found[kind] = FieldRef(kind, s_index, a_index, selector, value, act.secret, how)
    return found


# --------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _InputCase:
    case: str
    field: str
    noun: str  # the field in the customer's words


_INPUT_CASES = {
    "bad_email": _InputCase("bad_email", "email", "email address"),
    "short_postcode": _InputCase("short_postcode", "postal_code", "postcode"),
    "card_typo": _InputCase("card_typo", "card_number", "card number"),
    "expired_date": _InputCase("expired_date", "card_expiry", "expiry date"),
}
assert set(_INPUT_CASES) == set(INPUT_CASES)


def bad_value(case: str, good: str) -> tuple[str, str]:
    """(the bad value, how it differs in words, never quoting a secret) for one input case."""
    if case == "bad_email":
        bad = good.replace("@", "", 1) if "@" in good else good + "@"
        return bad, f"email address without its '@': '{bad}'"
    if case == "short_postcode":
        bad = good.strip()[:2] if len(good.strip()) > 2 else good.strip()[:1]
        return bad, f"postcode cut short to '{bad}'"
    if case == "card_typo":
        positions = [i for i, ch in enumerate(good) if ch.isdigit()]
        if not positions:
            return good + "1", "card number with a stray digit"
        last = positions[-1]
        bad = good[:last] + str((int(good[last]) + 1) % 10) + good[last + 1 :]
        return bad, "card number with its last digit mistyped (fails the Luhn check)"
    if case == "expired_date":
        match = _EXPIRY.match(good)
        bad = "01/2020" if match and len(match.group(2)) == 4 else "01/20"
        return bad, f"expiry date in the past: '{bad}'"
    raise KeyError(case)


# --------------------------------------------------------------------------
# Expansion
# --------------------------------------------------------------------------


#: A variant whose input the shop should refuse expects the form to come back with a 4xx
#: answer (422, 402): that is the refusal the probe provokes, not a failing request (JA502).
_REFUSAL_OPTIONS: dict[str, dict[str, Any]] = {"JA502": {"min_status": 500}}


def _soften(journey: model.Journey, from_step: int, *, everything: bool = False) -> None:
    """The happy path's expectations from ``from_step`` on end the variant instead of failing it.

    ``everything``: every action does (a refusal variant: the button the happy path pressed
    next may not be there once the shop has refused, and that is the refusal, not a blockage).
    """
    for step in journey.steps[from_step:]:
        for act in step.actions:
            if everything or act.name in ("expect", "wait_for"):
                act.soft = True


def _variant(journey: model.Journey, info: model.ProbeInfo) -> model.Journey:
    variant = copy.deepcopy(journey)
    variant.id = f"{journey.id}{SEPARATOR}{info.name}"
    variant.name = f"{journey.name} - probe: {info.label}"
    variant.description = f"Probe of '{journey.name}': " + "; ".join(info.changes)
    variant.tags = [*journey.tags, "probe"]
    variant.probes = {}
    variant.probe = info
    return variant


def _set_value(variant: model.Journey, ref: FieldRef, value: str) -> None:
    variant.steps[ref.step].actions[ref.action].params["value"] = value


def _decline_variants(
    journey: model.Journey, spec: Any, fields: dict[str, FieldRef], extra_cards: Iterable[Mapping[str, Any]]
) -> tuple[list[model.Journey], list[tuple[tuple, str]]]:
    cards, found = _cards(spec, extra_cards)
    if not cards:
        return [], found
    number = fields.get("card_number")
    if number is None:
        return [], [*found, (("decline_cards",), _missing("card_number", "a card number"))]
    variants = []
    for card in cards:
        changes = [f"pays at '{number.step_name(journey)}' with the {card.label}"]
        if card.holder_name:
            name_ref = fields.get("card_name")
            if name_ref is None:
                found.append((("decline_cards",), f"the {card.label} needs the name on card set; " + _missing("card_name", "the name on card")))
                continue
        info = model.ProbeInfo(
            of=journey.id,
            kind="decline_card",
            name=f"decline-{card.id}",
            label=card.label,
            changes=changes,
            target_step=number.step_name(journey),
            rule_options=_REFUSAL_OPTIONS,
            field="card_number",
            selector=number.selector,
        )
        variant = _variant(journey, info)
        _set_value(variant, number, card.number)
        variant.steps[number.step].actions[number.action].secret = True
        if card.holder_name:
            _set_value(variant, fields["card_name"], card.holder_name)
        _soften(variant, number.step + 1, everything=True)
        variants.append(variant)
    return variants, found


def _missing(kind: str, noun: str) -> str:
    return (
        f"no fill of {noun} found in the journey (by selector or value); "
        f"name its selector in probes.fields.{kind}"
    )


def _input_variants(
    journey: model.Journey, spec: Any, fields: dict[str, FieldRef]
) -> tuple[list[model.Journey], list[tuple[tuple, str]]]:
    if spec is True:
        cases = list(INPUT_CASES)
    elif isinstance(spec, list):
        cases = list(dict.fromkeys(spec))
    else:
        return [], []
    variants, found = [], []
    for case in cases:
        what = _INPUT_CASES[case]
        ref = fields.get(what.field)
        if ref is None:
            path = ("invalid_inputs", spec.index(case)) if isinstance(spec, list) else ("invalid_inputs",)
            found.append((path, f"{case}: " + _missing(what.field, f"the {what.noun}")))
            continue
        value, how = bad_value(case, ref.value)
        info = model.ProbeInfo(
            of=journey.id,
            kind="invalid_input",
            name=case.replace("_", "-"),
            label=how,
            changes=[f"types the {how} at '{ref.step_name(journey)}', then moves on with Tab"],
            target_step=ref.step_name(journey),
            rule_options=_REFUSAL_OPTIONS,
            field=ref.kind,
            selector=ref.selector,
        )
        variant = _variant(journey, info)
        _set_value(variant, ref, value)
        # a customer leaves the field for the next one: blur-time inline validation gets its chance
        variant.steps[ref.step].actions.insert(
            ref.action + 1, model.Action(name="press", params={"key": "Tab", "selector": ref.selector}, line=0)
        )
        _soften(variant, ref.step + 1, everything=True)
        variants.append(variant)
    return variants, found


def _glob_regex(pattern: str) -> str:
    """The fault's URL glob as a regular expression (for rule options such as JA502's)."""
    return fnmatch.translate(pattern.replace("**", "*"))


def _fault_variants(journey: model.Journey, faults: list[Mapping[str, Any]]) -> list[model.Journey]:
    variants = []
    taken: set[str] = set()
    for fault in faults:
        url = str(fault["url"])
        slug = fault.get("name") or re.sub(r"[^a-z0-9]+", "-", url.lower().split("?")[0].rstrip("*/").rsplit("/", 1)[-1]).strip("-") or "request"
        if fault.get("status"):
            how, kind = f"answers {fault['status']}", "fail"
        elif fault.get("abort"):
            how, kind = "fails with a network error", "abort"
        else:
            how, kind = f"is held back {fault['delay_ms']} ms", "delay"
        name = f"{kind}-{slug}"
        while name in taken:
            name += "-2"
        taken.add(name)
        method = f"{fault['method'].upper()} " if fault.get("method") else ""
        info = model.ProbeInfo(
            of=journey.id,
            kind="fault",
            name=name,
            label=f"{method}{url} {how}",
            changes=[f"every {method}request to {url} {how}"],
            expect_refusal=False,
            rule_options={"JA502": {"ignore_url_patterns": [_glob_regex(url)]}} if kind != "delay" else {},
            request=url,
        )
        variant = _variant(journey, info)
        params = {key: fault[key] for key in ("url", "method", "status", "abort", "delay_ms") if fault.get(key)}
        variant.steps[0].actions.insert(0, model.Action(name="intercept", params=params, line=0))
        _soften(variant, 0)
        variants.append(variant)
    return variants


def _plan(
    journey: model.Journey, extra_cards: Iterable[Mapping[str, Any]] = ()
) -> tuple[list[model.Journey], list[tuple[tuple, str]]]:
    spec = journey.probes or {}
    if not spec or journey.probe is not None:
        return [], []
    fields = find_fields(journey, spec.get("fields") or {})
    variants, found = [], []
    made, problems_ = _decline_variants(journey, spec.get("decline_cards", False), fields, extra_cards)
    variants += made
    found += problems_
    made, problems_ = _input_variants(journey, spec.get("invalid_inputs", False), fields)
    variants += made
    found += problems_
    variants += _fault_variants(journey, list(spec.get("faults") or ()))
    return variants, found


def problems(journey: model.Journey) -> list[tuple[tuple, str]]:
    """What in the journey's ``probes:`` section cannot be done: (path under ``probes``, message)."""
    return _plan(journey)[1]


def profile_problems(spec: Mapping[str, Any]) -> list[tuple[tuple, str]]:
    """What in a profile's ``probes:`` section is wrong on its own (unknown card ids).

    Whether a journey has the fields is not a profile's problem: its probes apply where they can.
    """
    return _cards(spec.get("decline_cards", False), ())[1]


def expand(journey: model.Journey, extra_cards: Iterable[Mapping[str, Any]] = ()) -> list[model.Journey]:
    """The variants of one journey (not the journey itself), in a stable order."""
    return _plan(journey, extra_cards)[0]


def expand_all(
    journeys: list[model.Journey],
    profile_probes: Mapping[str, Any] | None = None,
) -> list[model.Journey]:
    """Every journey followed by its variants.

    A profile's ``probes`` apply to the journeys that have none of their own, where
    they can (a journey without a card field gets no decline variants); its
    ``decline_cards.extra`` cards extend every journey's decline cards.
    """
    profile_probes = dict(profile_probes or {})
    extra = []
    decline = profile_probes.get("decline_cards")
    if isinstance(decline, Mapping):
        extra = list(decline.get("extra") or ())
    out: list[model.Journey] = []
    for journey in journeys:
        out.append(journey)
        if journey.probe is not None:
            continue
        if journey.probes:
            wants_cards = bool(journey.probes.get("decline_cards"))
            out.extend(expand(journey, extra if wants_cards else ()))
        elif profile_probes:
            borrowed = copy.copy(journey)
            borrowed.probes = profile_probes
            out.extend(expand(borrowed))
    return out
