"""Journey files: YAML -> validated :class:`journeyaudit.model.Journey`, with located errors.

The format is documented in ``docs/journeys.md``; the pydantic models below are its
single source of truth for validation and for the JSON Schema editors use
(``schema/journey.schema.json``). Pydantic's errors are translated into plain
sentences located at the YAML node they concern::

    journeys/demo/happy-path.yaml:12:9: unknown action 'clik' (did you mean 'click'?)
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from journeyaudit import model
from journeyaudit.spec import cards
from journeyaudit.spec.actions import (  # noqa: F401 (ACTION_NAMES, SHORT_FORMS: part of this module's API)
    ACTION_MODELS,
    ACTION_NAMES,
    SHORT_FORMS,
    ActionItem,
    NonEmpty,
    _Action,
    _Strict,
)
from journeyaudit.spec.errors import show, translate_errors
from journeyaudit.spec.for_each import ForEachSpec
from journeyaudit.spec.matrix import MatrixSpec
from journeyaudit.spec.probespec import ProbesSpec
from journeyaudit.spec.yamlsource import Document, LocatedError, ValidationFailed, load

__all__ = [
    "ACTION_NAMES",
    "JourneyFile",
    "LocatedError",
    "ValidationFailed",
    "journey_from_document",
    "json_schema",
    "load_journey",
    "schema_text",
    "slugify",
]

# --------------------------------------------------------------------------
# Steps and journeys
# --------------------------------------------------------------------------


class StepSpec(_Strict):
    """One customer-meaningful stage of the journey ("Pay")."""

    __noun__ = "step"
    name: NonEmpty = Field(description="The stage in the customer's words, e.g. 'Pay'. Unique within the journey.")
    role: Literal[model.ROLES] = Field(  # type: ignore[valid-type]
        description="What stage of shopping this is; rules reason about roles: " + ", ".join(model.ROLES) + "."
    )
    actions: list[ActionItem] = Field(  # type: ignore[valid-type]
        min_length=1,
        description="Browser operations, in order. Each is a mapping with one key, the action's name: "
        + ", ".join(ACTION_NAMES)
        + ".",
    )
    budget_ms: int | None = Field(
        None, gt=0, description="How long this step may take, in milliseconds (rule JA401); default from the profile."
    )
    continue_on_failure: bool = Field(
        False, description="When the step fails, go on with the next step instead of stopping."
    )
    screenshot: bool = Field(True, description="Take a screenshot at the end of the step.")


class HintsSpec(_Strict):
    """Help for the promise ledger where a shop's markup defeats the heuristics (CSS selectors, a currency)."""

    __noun__ = "hints"
    total_selector: NonEmpty | None = Field(None, description="CSS selector of the element showing the order total.")
    subtotal_selector: NonEmpty | None = Field(None, description="CSS selector of the element showing the subtotal.")
    price_selector: NonEmpty | None = Field(None, description="CSS selector of the product page's price.")
    item_selector: NonEmpty | None = Field(None, description="CSS selector matching each line item (row) of a basket or order.")
    delivery_selector: NonEmpty | None = Field(None, description="CSS selector of the delivery promise text.")
    currency: NonEmpty | None = Field(None, description="ISO currency code for amounts written without one, e.g. EUR.")

    @model_validator(mode="after")
    def _selectors_are_css(self) -> "HintsSpec":
        # The ledger applies these to recorded HTML with BeautifulSoup (soupsieve): check them the same way.
        import soupsieve

        for name in ("total_selector", "subtotal_selector", "price_selector", "item_selector", "delivery_selector"):
            value = getattr(self, name)
            if value is None:
                continue
            try:
                soupsieve.compile(value)
            except Exception as exc:  # soupsieve.SelectorSyntaxError, and ValueError for odd input
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise PydanticCustomError("bad_css", f"{name}: {value!r} is not a CSS selector ({first})") from None
        return self


class JourneyFile(_Strict):
    """A journeyaudit journey: the ordered steps a customer takes through a shop."""

    model_config = ConfigDict(title="journeyaudit journey")
    __noun__ = "journey"
    name: NonEmpty = Field(description="Shown in reports.")
    description: str = Field("", description="What this journey proves.")
    tags: list[str] = Field(default_factory=list, description="Free labels.")
    hints: HintsSpec = Field(
        default_factory=HintsSpec, description="Shop-specific help for the promise ledger's extractors."
    )
    steps: list[StepSpec] = Field(min_length=1, description="The steps, in order; at least one.")
    probes: ProbesSpec | None = Field(
        None, description="Unhappy-path variants to generate from this journey: decline_cards, invalid_inputs, faults."
    )
    # ---- issue 11: log in once, devices and locales (gather/login_state.py, spec/matrix.py) ----
    setup: bool = Field(False, description="Run this journey first; journeys that say uses: <its name> start with "
                        "its storage state (cookies, local storage), e.g. a signed-in customer.")
    uses: NonEmpty | None = Field(None, description="The setup journey (its file name or name) whose storage state "
                                  "this journey starts with.")
    matrix: MatrixSpec | None = Field(None, description="Run each combination of device, locale, timezone and "
                                      "geolocation as its own journey.")
    for_each: ForEachSpec | None = Field(None, description="Run the journey once per product of a crawl "
                                         "(${product.url}, ${product.name}, ${product.price} in its steps).")



# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def slugify(text: str) -> str:
    """File stem -> journey id: lower case, words joined by '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "journey"


def _to_action(item: _Action, line: int, explicit: set[int]) -> model.Action:
    """The action; its id goes into ``explicit`` when the file says ``secret:`` either way."""
    name = next(iter(type(item).model_fields))
    value = getattr(item, name)
    if isinstance(value, BaseModel):
        params = value.model_dump(exclude_unset=True, exclude_none=True)
    else:
        params = SHORT_FORMS[name](value)
    said = "secret" in params
    action = model.Action(name=name, params=params, line=line, secret=bool(params.pop("secret", False)))
    if said:
        explicit.add(id(action))
    return action


def journey_from_document(doc: Document, journey_id: str | None = None) -> model.Journey:
    """Validate a parsed journey file; raises :class:`ValidationFailed` with every problem."""
    errors: list[LocatedError] = list(doc.errors)
    if doc.syntax_error:
        raise ValidationFailed(errors)
    if not isinstance(doc.data, dict):
        errors.append(doc.error((), f"a journey file is a mapping with 'name' and 'steps', got {show(doc.data)}"))
        raise ValidationFailed(errors)
    spec: JourneyFile | None = None
    try:
        spec = JourneyFile.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(translate_errors(exc, doc, JourneyFile, actions=ACTION_MODELS))
    errors.extend(_duplicate_step_names(doc))
    if spec is not None and spec.setup:  # log in once: a setup journey runs once, as itself
        errors += [doc.error((key,), f"a setup journey {what}", key=True) for key, what in (
            ("uses", "cannot itself use another ('uses')"), ("matrix", "runs once: it cannot have a matrix"))
            if getattr(spec, key) is not None]
    errors += _for_each_problems(doc, spec)
    if errors or spec is None:
        raise ValidationFailed(errors)

    steps = []
    explicit: set[int] = set()
    for index, step in enumerate(spec.steps):
        actions = [
            _to_action(action, doc.position(("steps", index, "actions", number))[0], explicit)
            for number, action in enumerate(step.actions)
        ]
        steps.append(
            model.Step(
                name=step.name,
                role=step.role,
                actions=actions,
                budget_ms=step.budget_ms,
                continue_on_failure=step.continue_on_failure,
                screenshot=step.screenshot,
                line=doc.position(("steps", index))[0],
            )
        )
    journey = model.Journey(
        id=journey_id or slugify(Path(doc.file).stem),
        name=spec.name,
        path=doc.file,
        steps=steps,
        description=spec.description,
        tags=list(spec.tags),
        hints=spec.hints.model_dump(exclude_none=True),
        probes=spec.probes.model_dump(exclude_none=True) if spec.probes else {},
    )
    journey.setup, journey.uses = spec.setup, spec.uses or ""
    journey.matrix = spec.matrix.model_dump(exclude_none=True) if spec.matrix else {}
    journey.for_each = spec.for_each.model_dump(exclude_none=True) if spec.for_each else {}
    _request_secrets(journey, doc)
    journey.warnings = cards.mark_card_numbers(journey, explicit)
    if journey.probes:
        from journeyaudit.spec import probes  # the expansion needs the whole journey; it says what it cannot do

        problems = [doc.error(("probes", *path), message) for path, message in probes.problems(journey)]
        if problems:
            raise ValidationFailed(problems)
    return journey


def _for_each_problems(doc: Document, spec: JourneyFile | None) -> list[LocatedError]:
    """``${product.*}`` without for_each or with an unknown field; for_each where it cannot apply."""
    from journeyaudit.spec import for_each

    errors = [doc.error(path, message) for path, message in for_each.problems(doc.data)]
    if spec is not None and spec.for_each is not None:
        errors += [doc.error(("for_each",), f"for_each {what}", key=True) for key, what in (
            ("setup", "cannot be used by a setup journey: it runs once"),
            ("matrix", "and matrix cannot be combined yet: run the products on one device"))
            if getattr(spec, key)]
    return errors


def _request_secrets(journey: model.Journey, doc: Document) -> None:
    """What ${ENV} put into a request's headers or body is a secret of the journey: redacted wherever it would be written."""
    for step in journey.steps:
        for action in step.actions:
            if action.name == "request":
                params = action.params
                said = json.dumps([params.get("headers"), params.get("json_body"), params.get("form")], ensure_ascii=False)
                action.secret_values = sorted(v for v in doc.env_values if v and json.dumps(v, ensure_ascii=False)[1:-1] in said)


def _duplicate_step_names(doc: Document) -> list[LocatedError]:
    steps = doc.data.get("steps") if isinstance(doc.data, dict) else None
    if not isinstance(steps, list):
        return []
    seen: dict[str, int] = {}
    errors = []
    for index, step in enumerate(steps):
        name = step.get("name") if isinstance(step, dict) else None
        if not isinstance(name, str):
            continue
        line = doc.position(("steps", index, "name"))[0]
        if name in seen:
            errors.append(
                doc.error(("steps", index, "name"), f"duplicate step name {name!r} (first used at line {seen[name]})")
            )
        else:
            seen[name] = line
    return errors


def load_journey(path: str | Path, env: Mapping[str, str] | None = None) -> model.Journey:
    """Read, interpolate and validate a journey file. Raises :class:`ValidationFailed`."""
    return journey_from_document(load(path, env))


# --------------------------------------------------------------------------
# JSON Schema
# --------------------------------------------------------------------------

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema() -> dict[str, Any]:
    """JSON Schema of a journey file, for editors (``schema/journey.schema.json``)."""
    schema = JourneyFile.model_json_schema()
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_text(schema: Mapping[str, Any]) -> str:
    """How schema files are written: stable, indented, newline-terminated."""
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
