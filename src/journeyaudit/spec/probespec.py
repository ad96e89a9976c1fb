"""The ``probes:`` section of a journey (or an audit profile), as pydantic models.

Kept apart from :mod:`journeyaudit.spec.journey` so that journeys and profiles share one
definition (and one JSON Schema), and from :mod:`journeyaudit.spec.probes` so that the
expansion stays plain Python over :class:`journeyaudit.model.Journey`::

    probes:
      decline_cards: true              # or {providers: [stripe], cards: [stripe-generic], extra: [...]}
      invalid_inputs: true             # or [bad_email, short_postcode, card_typo, expired_date]
      faults:
        - {url: "**/api/shipping-rates*", status: 503}
      fields: {card_number: "#card-number"}   # only where the guess from the fills is wrong
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator
from pydantic_core import PydanticCustomError

PROVIDERS = ("stripe", "adyen", "braintree", "generic")
INPUT_CASES = ("bad_email", "short_postcode", "card_typo", "expired_date")
FIELD_KINDS = ("email", "postal_code", "card_number", "card_expiry", "card_name")


def _scalar_to_text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_scalar_to_text)]
Selector = Annotated[str, Field(min_length=1, description="A Playwright selector of the field, e.g. #card-number.")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    __noun__: ClassVar[str] = "mapping"


class CardSpec(_Strict):
    """A decline test card that is not in the built-in table (your provider's, or your own gateway's)."""

    __noun__ = "card"
    id: Annotated[str, Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")] = Field(
        description="Short id used in the variant's id, lower case with dashes: acme-do-not-honour."
    )
    number: Text = Field(description="The card number (spaces allowed); it must pass the Luhn check.")
    provider: str = Field("custom", description="Whose test card this is, shown in reports.")
    reason: str = Field("", description="Why the provider declines it, e.g. 'insufficient funds'.")
    holder_name: Text | None = Field(None, description="Name on card the provider needs to decline (Adyen: DECLINED).")

    @model_validator(mode="after")
    def _luhn(self) -> CardSpec:
        digits = "".join(ch for ch in self.number if not ch.isspace() and ch != "-")
        if not digits.isdigit() or not 12 <= len(digits) <= 19:
            raise PydanticCustomError("probe_card", "card '{id}': the number must be 12 to 19 digits", {"id": self.id})
        if not luhn_ok(digits):
            raise PydanticCustomError(
                "probe_card",
                "card '{id}': {number} fails the Luhn check; a shop rejects it as a typo, not as a decline",
                {"id": self.id, "number": self.number},
            )
        return self


class DeclineCardsSpec(_Strict):
    """Which decline test cards to pay with, one variant each."""

    __noun__ = "decline_cards"
    providers: list[Literal[PROVIDERS]] = Field(  # type: ignore[valid-type]
        default_factory=list, description="Every card of these providers' tables: stripe, adyen, braintree, generic."
    )
    cards: list[Annotated[str, Field(min_length=1)]] = Field(
        default_factory=list, description="Cards of the built-in table by id, e.g. stripe-insufficient-funds."
    )
    extra: list[CardSpec] = Field(default_factory=list, description="Your own decline test cards.")


class FaultSpec(_Strict):
    """A request to fail or delay, matched by URL, to see what the customer is told."""

    __noun__ = "fault"
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"oneOf": [{"required": [k]} for k in ("status", "abort", "delay_ms")]}
    )
    url: Annotated[str, Field(min_length=1)] = Field(description="A glob matched against the request URL: **/api/shipping-rates*.")
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")] | None = Field(
        None, description="Short id used in the variant's id (default: from the URL)."
    )
    method: str | None = Field(None, description="Only requests with this method (GET, POST).")
    status: int | None = Field(None, description="Answer with this HTTP error status (400-599).")
    abort: bool | None = Field(None, description="Drop the request as a network failure.")
    delay_ms: Annotated[int, Field(gt=0, le=60000)] | None = Field(None, description="Let it through this much later.")

    @model_validator(mode="after")
    def _one_way(self) -> FaultSpec:
        if self.status is not None and not 400 <= self.status <= 599:
            raise PydanticCustomError("probe_status", f"fault 'status' must be an HTTP error status (400-599), got {self.status}")
        given = [k for k in ("status", "abort", "delay_ms") if getattr(self, k) not in (None, False)]
        if len(given) != 1:
            got = "none" if not given else " and ".join(repr(k) for k in given)
            raise PydanticCustomError("exactly_one", f"fault needs exactly one of status, abort, delay_ms (got {got})")
        return self


class FieldsSpec(_Strict):
    """Which fill is which field, where the guess from selectors and values is wrong."""

    __noun__ = "fields"
    email: Selector | None = None
    postal_code: Selector | None = None
    card_number: Selector | None = None
    card_expiry: Selector | None = None
    card_name: Selector | None = None


# The same tags as journey.py's short/long action forms, so that located errors skip them.
_SHORT, _LONG = "form:short", "form:long"


def _switch_or(long: type, what: str, name: str) -> Any:
    """``true``/``false``, or the long form (a mapping or a list)."""

    def form(value: Any) -> str | None:
        if isinstance(value, bool):
            return _SHORT
        if isinstance(value, (dict, list, BaseModel)):
            return _LONG
        return None

    return Annotated[
        Union[Annotated[bool, Tag(_SHORT)], Annotated[long, Tag(_LONG)]],
        Discriminator(
            form,
            custom_error_type="action_form",
            custom_error_message=f"'{name}' must be true, false or {what}",
            custom_error_context={"action": name},
        ),
    ]


class ProbesSpec(_Strict):
    """Unhappy-path variants of this journey, generated and run as journeys of their own."""

    __noun__ = "probes"
    decline_cards: _switch_or(DeclineCardsSpec, "a mapping", "decline_cards") = Field(  # type: ignore[valid-type]
        False, description="Pay with decline test cards (true: the generic decline card of every provider)."
    )
    invalid_inputs: _switch_or(list[Literal[INPUT_CASES]], "a list of cases", "invalid_inputs") = Field(  # type: ignore[valid-type]
        False, description="Bad inputs on the form steps (true: all of bad_email, short_postcode, card_typo, expired_date)."
    )
    faults: list[FaultSpec] = Field(default_factory=list, description="Requests to fail or delay, one variant each.")
    fields: FieldsSpec = Field(default_factory=FieldsSpec, description="Selectors of the fields to alter, if guessed wrong.")


def luhn_ok(digits: str) -> bool:
    """The Luhn checksum every real card number passes."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0
