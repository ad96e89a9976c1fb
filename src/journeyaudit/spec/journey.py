"""Journey files: YAML -> validated :class:`journeyaudit.model.Journey`, with located errors.

The format is documented in ``docs/journeys.md``; the pydantic models below are its
single source of truth for validation and for the JSON Schema editors use
(``schema/journey.schema.json``). Pydantic's errors are translated into plain
sentences located at the YAML node they concern::

    journeys/demo/happy-path.yaml:12:9: unknown action 'clik' (did you mean 'click'?)
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from journeyaudit import model
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
# Field types
# --------------------------------------------------------------------------


def _scalar_to_text(value: Any) -> Any:
    """YAML reads ``value: 4242424242424242`` or ``key: 1`` as numbers; they are meant as text."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[str, BeforeValidator(_scalar_to_text)]
NonEmpty = Annotated[str, Field(min_length=1)]
Selector = Annotated[
    str,
    Field(
        min_length=1,
        description="A Playwright selector: CSS (#email), text=Place order, role=button[name='Pay'], label=Email.",
    ),
]
UrlGlob = Annotated[str, Field(min_length=1, description="A glob matched against the full URL, e.g. **/order/*.")]
TimeoutMs = Annotated[int, Field(gt=0, description="How long to wait, in milliseconds.")]
WaitUntil = Literal["load", "domcontentloaded", "networkidle", "commit"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    #: how error messages name a mapping of this kind ("step is missing 'role'")
    __noun__: ClassVar[str] = "mapping"


# --------------------------------------------------------------------------
# Actions: long forms
# --------------------------------------------------------------------------


class GotoParams(_Strict):
    """Open a URL; a relative URL is joined to the audit's base URL."""

    __noun__ = "goto"
    url: NonEmpty = Field(description="Absolute URL, or a path joined to the base URL (/cart).")
    wait_until: WaitUntil | None = Field(None, description="When navigation counts as done (default: load).")
    timeout_ms: TimeoutMs | None = None


class SelectorParams(_Strict):
    selector: Selector
    timeout_ms: TimeoutMs | None = None


class ClickParams(SelectorParams):
    """Click the element matched by the selector."""

    __noun__ = "click"


class CheckParams(SelectorParams):
    """Tick a checkbox or radio button."""

    __noun__ = "check"


class UncheckParams(SelectorParams):
    """Untick a checkbox."""

    __noun__ = "uncheck"


class FillParams(_Strict):
    """Type a value into a form field."""

    __noun__ = "fill"
    selector: Selector
    value: Text = Field(description="The text to type; ${NAME} reads an environment variable.")
    secret: bool = Field(
        False, description="Never write the value anywhere (trace, report, log); for card numbers and passwords."
    )
    timeout_ms: TimeoutMs | None = None


class SelectParams(_Strict):
    """Choose an option of a <select>."""

    __noun__ = "select"
    selector: Selector
    value: Text = Field(description="The option's value or its label.")
    timeout_ms: TimeoutMs | None = None


class PressParams(_Strict):
    """Press a key, on the focused element or on the element matched by the selector."""

    __noun__ = "press"
    key: Annotated[Text, Field(min_length=1, description="A key name: Enter, Tab, ArrowDown, Control+A.")]
    selector: Selector | None = None
    timeout_ms: TimeoutMs | None = None


def _exactly_one(noun: str, params: BaseModel, alternatives: Sequence[str]) -> None:
    given = [name for name in alternatives if getattr(params, name) is not None]
    if len(given) != 1:
        names = ", ".join(alternatives)
        got = "none" if not given else " and ".join(repr(name) for name in given)
        raise PydanticCustomError("exactly_one", f"{noun} needs exactly one of {names} (got {got})")


_WAIT_FOR_KEYS = ("url", "text", "selector", "load_state")
_EXPECT_KEYS = ("text", "no_text", "url", "visible", "hidden")


class WaitForParams(_Strict):
    """Wait until exactly one condition holds: a URL, a text, an element or a load state."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": [key]} for key in _WAIT_FOR_KEYS]})
    __noun__ = "wait_for"
    url: UrlGlob | None = None
    text: Text | None = Field(None, description="Text that appears on the page.")
    selector: Selector | None = None
    state: Literal["attached", "detached", "visible", "hidden"] | None = Field(
        None, description="With selector: the state to wait for (default: visible)."
    )
    load_state: Literal["load", "domcontentloaded", "networkidle"] | None = None
    timeout_ms: TimeoutMs | None = None

    @model_validator(mode="after")
    def _one_condition(self) -> WaitForParams:
        _exactly_one("wait_for", self, _WAIT_FOR_KEYS)
        if self.state is not None and self.selector is None:
            raise PydanticCustomError("state_without_selector", "wait_for: 'state' only goes with 'selector'")
        return self


class ExpectParams(_Strict):
    """Check exactly one thing about the page; a failed expectation fails the step."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": [key]} for key in _EXPECT_KEYS]})
    __noun__ = "expect"
    text: Text | None = Field(None, description="Text the page shows.")
    no_text: Text | None = Field(None, description="Text the page must not show.")
    url: UrlGlob | None = None
    visible: Selector | None = None
    hidden: Selector | None = None
    timeout_ms: TimeoutMs | None = None

    @model_validator(mode="after")
    def _one_check(self) -> ExpectParams:
        _exactly_one("expect", self, _EXPECT_KEYS)
        return self


class ScreenshotParams(_Strict):
    """Take the step's screenshot now."""

    __noun__ = "screenshot"
    full_page: bool = Field(False, description="The whole page, not just the viewport.")


# --------------------------------------------------------------------------
# Actions: one-key mappings, short or long form
# --------------------------------------------------------------------------

_SHORT, _LONG = "form:short", "form:long"


def _form(value: Any) -> str | None:
    if isinstance(value, str):
        return _SHORT
    if isinstance(value, dict):
        return _LONG
    return None


def _short_or_long(action: str, short: Any, long: type[BaseModel], what: str) -> Any:
    """``click: text=X`` or ``click: {selector: text=X}``."""
    return Annotated[
        Union[Annotated[short, Tag(_SHORT)], Annotated[long, Tag(_LONG)]],
        Discriminator(
            _form,
            custom_error_type="action_form",
            custom_error_message=f"'{action}' must be {what} or a mapping",
            custom_error_context={"action": action},
        ),
    ]


class _Action(_Strict):
    __noun__ = "action"


class GotoAction(_Action):
    goto: _short_or_long("goto", NonEmpty, GotoParams, "a URL") = Field(
        description="Open a URL: goto: /cart, or {url: /cart, wait_until: load}."
    )


class ClickAction(_Action):
    click: _short_or_long("click", Selector, ClickParams, "a selector") = Field(
        description="Click: click: text=Checkout, or {selector: ..., timeout_ms: 5000}."
    )


class FillAction(_Action):
    fill: FillParams = Field(description="Type into a field: {selector: ..., value: ..., secret: false}.")


class SelectAction(_Action):
    select: SelectParams = Field(description="Choose an option: {selector: ..., value: ...}.")


class CheckAction(_Action):
    check: _short_or_long("check", Selector, CheckParams, "a selector") = Field(
        description='Tick a checkbox: check: "#terms", or {selector: ...}.'
    )


class UncheckAction(_Action):
    uncheck: _short_or_long("uncheck", Selector, UncheckParams, "a selector") = Field(
        description='Untick a checkbox: uncheck: "#newsletter", or {selector: ...}.'
    )


class PressAction(_Action):
    press: _short_or_long("press", Annotated[str, Field(min_length=1)], PressParams, "a key name") = Field(
        description="Press a key: press: Enter, or {key: Enter, selector: ...}."
    )


class WaitForAction(_Action):
    wait_for: WaitForParams = Field(
        description="Wait for exactly one of {url: glob}, {text: ...}, {selector: ..., state: visible}, "
        "{load_state: networkidle}."
    )


class ExpectAction(_Action):
    expect: ExpectParams = Field(
        description="Check exactly one of {text: ...}, {no_text: ...}, {url: glob}, {visible: selector}, "
        "{hidden: selector}."
    )


class ScreenshotAction(_Action):
    screenshot: _short_or_long("screenshot", Literal["full_page"], ScreenshotParams, "'full_page'") = Field(
        description="Take the step's screenshot now: screenshot: full_page, or {full_page: true}."
    )


# ---- email actions (issue #5; run by mail_actions.py, documented in docs/journeys.md) ----


class _MessageMatch(_Strict):
    subject: Text | None = Field(None, description="Text the subject contains (any case).")
    body: Text | None = Field(None, description="Text the plain-text body contains (any case).")
    sender: Text | None = Field(None, description="Text the sender's address contains.")


class WaitForEmailParams(_MessageMatch):
    """Wait for the next message to the journey's inbox that matches (one not matched before)."""

    __noun__ = "wait_for_email"
    timeout_ms: TimeoutMs | None = Field(None, description="How long to wait (default 10000).")


class ExpectEmailsParams(_MessageMatch):
    """After a settle window, exactly ``count`` matching messages have arrived."""

    __noun__ = "expect_emails"
    count: Annotated[int, Field(ge=0, description="How many matching messages must have arrived.")]
    settle_ms: TimeoutMs | None = Field(None, description="How long to let mail settle first (default 3000).")


class FollowEmailLinkParams(_Strict):
    """Open a link of the message in the browser (confirm, unsubscribe, view order)."""

    __noun__ = "follow_email_link"
    link: NonEmpty = Field(description="The link's text, or a text or glob its URL matches.")
    subject: Text | None = Field(None, description="Read the latest message with this in its subject (default: the last one waited for).")


class ExpectEmailHeaderParams(_Strict):
    """The message carries a header, optionally containing a text."""

    __noun__ = "expect_email_header"
    header: NonEmpty = Field(description="Header name, e.g. List-Unsubscribe-Post.")
    contains: Text | None = Field(None, description="Text the header's value contains.")
    subject: Text | None = Field(None, description="Read the latest message with this in its subject (default: the last one waited for).")


class TriggerMailingParams(_Strict):
    """Ask the shop to send its next mailing now (default: the profile's mail.trigger)."""

    __noun__ = "trigger_mailing"
    url: NonEmpty | None = Field(None, description="URL or path of the shop's mailing trigger.")
    method: Literal["GET", "POST"] | None = Field(None, description="HTTP method (default POST).")


class WatchInboxParams(_Strict):
    """Watch the inbox for a bounded quiet period; the rules judge what arrived."""

    __noun__ = "watch_inbox"
    ms: TimeoutMs = Field(description="How long to watch, in milliseconds.")


def _form_int(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return _SHORT
    if isinstance(value, dict):
        return _LONG
    return None


class WaitForEmailAction(_Action):
    wait_for_email: _short_or_long("wait_for_email", NonEmpty, WaitForEmailParams, "a subject text") = Field(
        description="Wait for a message: wait_for_email: is confirmed, or {subject: ..., body: ..., timeout_ms: 10000}."
    )


class ExpectEmailsAction(_Action):
    expect_emails: ExpectEmailsParams = Field(
        description="Count messages after a settle window: {subject: ..., count: 1, settle_ms: 3000}."
    )


class FollowEmailLinkAction(_Action):
    follow_email_link: _short_or_long("follow_email_link", NonEmpty, FollowEmailLinkParams, "a link text") = Field(
        description="Open a link from the message: follow_email_link: Unsubscribe, or {link: ..., subject: ...}."
    )


class ExpectEmailHeaderAction(_Action):
    expect_email_header: ExpectEmailHeaderParams = Field(
        description="Check a header: {header: List-Unsubscribe-Post, contains: One-Click}."
    )


class TriggerMailingAction(_Action):
    trigger_mailing: _short_or_long("trigger_mailing", NonEmpty, TriggerMailingParams, "a URL") = Field(
        description="Start the shop's next mailing: trigger_mailing: /jobs/newsletter, or {} for the profile's trigger."
    )


class WatchInboxAction(_Action):
    watch_inbox: Annotated[
        Union[Annotated[TimeoutMs, Tag(_SHORT)], Annotated[WatchInboxParams, Tag(_LONG)]],
        Discriminator(
            _form_int,
            custom_error_type="action_form",
            custom_error_message="'watch_inbox' must be a number of milliseconds or a mapping",
            custom_error_context={"action": "watch_inbox"},
        ),
    ] = Field(description="Watch the inbox for a quiet period: watch_inbox: 4000, or {ms: 4000}.")


ACTION_MODELS: dict[str, type[_Action]] = {
    "goto": GotoAction,
    "click": ClickAction,
    "fill": FillAction,
    "select": SelectAction,
    "check": CheckAction,
    "uncheck": UncheckAction,
    "press": PressAction,
    "wait_for": WaitForAction,
    "expect": ExpectAction,
    "screenshot": ScreenshotAction,
    "wait_for_email": WaitForEmailAction,
    "expect_emails": ExpectEmailsAction,
    "follow_email_link": FollowEmailLinkAction,
    "expect_email_header": ExpectEmailHeaderAction,
    "trigger_mailing": TriggerMailingAction,
    "watch_inbox": WatchInboxAction,
}
ACTION_NAMES = tuple(ACTION_MODELS)

#: what a short form means in the long form
SHORT_FORMS: dict[str, Callable[[str], dict[str, Any]]] = {
    "goto": lambda value: {"url": value},
    "click": lambda value: {"selector": value},
    "check": lambda value: {"selector": value},
    "uncheck": lambda value: {"selector": value},
    "press": lambda value: {"key": value},
    "screenshot": lambda value: {"full_page": value == "full_page"},
    "wait_for_email": lambda value: {"subject": value},
    "follow_email_link": lambda value: {"link": value},
    "trigger_mailing": lambda value: {"url": value},
    "watch_inbox": lambda value: {"ms": value},
}

_ACTION_TAG = "action:"


def _action_name(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        return _ACTION_TAG + str(next(iter(value)))
    return None


ActionItem = Annotated[
    Union[tuple(Annotated[cls, Tag(_ACTION_TAG + name)] for name, cls in ACTION_MODELS.items())],  # type: ignore[misc]
    Discriminator(_action_name),
]

_TAGS = {_SHORT, _LONG} | {_ACTION_TAG + name for name in ACTION_NAMES}


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


# --------------------------------------------------------------------------
# Error translation (shared with config.py)
# --------------------------------------------------------------------------


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _data_path(data: Any, loc: Sequence[Any]) -> tuple[Any, ...]:
    """Pydantic's ``loc`` -> the path in the YAML data (tags dropped, stops where the data does)."""
    path: list[Any] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path.append(part)
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
        elif isinstance(part, str) and part in _TAGS:
            continue
        else:
            path.append(part)  # a key that is not there (missing) or a dict key's own error
            node = None
    return tuple(path)


def _model_at(root: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model class whose field list applies at ``loc`` (loc includes union tags)."""
    current: Any = root
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, str) and part.startswith(_ACTION_TAG):
            current = ACTION_MODELS.get(part[len(_ACTION_TAG) :])
        elif part in (_SHORT, _LONG):
            args = _union_members(current)
            current = args[1] if part == _LONG and len(args) > 1 else (args[0] if args else None)
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part) if isinstance(part, str) else None
            current = field.annotation if field else None
        elif _origin(current) in (list, dict) and isinstance(part, (int, str)):
            args = getattr(current, "__args__", ())
            current = args[-1] if args else None
        else:
            return None
        if current is None:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _origin(tp: Any) -> Any:
    return getattr(tp, "__origin__", None)


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional."""
    while True:
        if hasattr(tp, "__metadata__"):
            tp = tp.__origin__
            continue
        members = [m for m in getattr(tp, "__args__", ()) if m is not type(None)]
        if _is_union(tp) and len(members) == 1:
            tp = members[0]
            continue
        return tp


def _is_union(tp: Any) -> bool:
    import types

    return _origin(tp) is Union or isinstance(tp, types.UnionType)


def _union_members(tp: Any) -> list[Any]:
    return [_unwrap(m) for m in getattr(tp, "__args__", ())] if _is_union(tp) else []


def _noun(cls: type[BaseModel] | None) -> str:
    return getattr(cls, "__noun__", "mapping") if cls else "mapping"


def _field_name(path: Sequence[Any]) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "value"


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def translate_errors(
    exc: ValidationError,
    doc: Document,
    root: type[BaseModel],
    messages: Mapping[str, Callable[[dict[str, Any], tuple[Any, ...]], str | None]] | None = None,
) -> list[LocatedError]:
    """Pydantic errors -> plain located sentences. ``messages`` may override by field name."""
    out: list[LocatedError] = []
    # A value already reported by the YAML layer (an unset ${VAR}) gets no follow-on error.
    reported = {(error.line, error.column) for error in doc.errors}
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        path = _data_path(doc.data, loc)
        kind = error["type"]
        value = error.get("input")
        ctx = error.get("ctx") or {}
        field = _field_name(path)
        at_key = False
        message: str | None = None
        if messages and field in messages:
            message = messages[field](error, path)
        if message is not None:
            pass
        elif kind == "union_tag_invalid" and str(ctx.get("tag", "")).startswith(_ACTION_TAG):
            name = str(ctx["tag"])[len(_ACTION_TAG) :]
            message = f"unknown action {name!r}{_suggest(name, ACTION_NAMES)}"
            path, at_key = path + (next(iter(value)),), True
        elif kind == "union_tag_not_found" and "_action_name" in str(ctx.get("discriminator", "")):
            if isinstance(value, dict) and value:
                keys = ", ".join(repr(k) for k in value)
                message = (
                    f"an action is a mapping with exactly one key, the action's name; got {keys} "
                    "(options go inside the action, e.g. click: {selector: ..., timeout_ms: 5000})"
                )
            else:
                message = f"an action is a mapping with one key, the action's name ({', '.join(ACTION_NAMES)}); got {_show(value)}"
        elif kind == "action_form":
            message = f"{error['msg']}, got {_show(value)}"
        elif kind == "extra_forbidden":
            owner = _model_at(root, loc[:-1])
            allowed = ", ".join(owner.model_fields) if owner else ""
            key = path[-1] if path else "?"
            message = f"unknown key {key!r} in {_noun(owner)}"
            if allowed:
                message += f" (allowed: {allowed})"
            at_key = True
        elif kind == "missing":
            owner = _model_at(root, loc[:-1])
            message = f"{_noun(owner)} is missing {path[-1]!r}"
            path = path[:-1]
        elif kind == "literal_error":
            expected = ctx.get("expected", "")
            options = [part.strip().strip("'") for part in re.split(r",| or ", expected) if part.strip()]
            if field == "role":
                message = f"role {value!r} is not one of {', '.join(options)}"
            else:
                message = f"{field!r} must be one of {', '.join(options)}, got {_show(value)}"
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            message = f"{field!r} must be an integer, got {_show(value)}"
        elif kind in ("bool_type", "bool_parsing"):
            message = f"{field!r} must be true or false, got {_show(value)}"
        elif kind == "string_type":
            message = f"{field!r} must be a string, got {_show(value)}"
        elif kind in ("list_type",):
            message = f"{field!r} must be a list, got {_show(value)}"
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            if path and isinstance(path[-1], int):
                message = f"each of {field!r} must be a mapping, got {_show(value)}"
                owner = _model_at(root, loc)
                if owner is not None:
                    message = f"a {_noun(owner)} must be a mapping, got {_show(value)}"
            else:
                message = f"{field!r} must be a mapping, got {_show(value)}"
        elif kind == "greater_than":
            message = f"{field!r} must be a positive integer, got {_show(value)}"
        elif kind == "string_too_short":
            message = f"{field!r} must not be empty"
        elif kind == "too_short":
            noun = "item" if field != "steps" else "step"
            noun = "action" if field == "actions" else noun
            message = f"{field!r} needs at least one {noun}"
        elif kind in ("exactly_one", "state_without_selector") or kind.startswith(("profile_", "probe_")):
            message = error["msg"]
        else:
            message = f"{field!r}: {error['msg'][0].lower()}{error['msg'][1:]}"
        located = doc.error(path, message, key=at_key)
        if (located.line, located.column) not in reported:
            out.append(located)
    return out


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def slugify(text: str) -> str:
    """File stem -> journey id: lower case, words joined by '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "journey"


def _to_action(item: _Action, line: int) -> model.Action:
    name = next(iter(type(item).model_fields))
    value = getattr(item, name)
    if isinstance(value, BaseModel):
        params = value.model_dump(exclude_unset=True, exclude_none=True)
    else:
        params = SHORT_FORMS[name](value)
    secret = bool(params.pop("secret", False))
    return model.Action(name=name, params=params, line=line, secret=secret)


def journey_from_document(doc: Document, journey_id: str | None = None) -> model.Journey:
    """Validate a parsed journey file; raises :class:`ValidationFailed` with every problem."""
    errors: list[LocatedError] = list(doc.errors)
    if doc.syntax_error:
        raise ValidationFailed(errors)
    if not isinstance(doc.data, dict):
        errors.append(doc.error((), f"a journey file is a mapping with 'name' and 'steps', got {_show(doc.data)}"))
        raise ValidationFailed(errors)
    spec: JourneyFile | None = None
    try:
        spec = JourneyFile.model_validate(doc.data)
    except ValidationError as exc:
        errors.extend(translate_errors(exc, doc, JourneyFile))
    errors.extend(_duplicate_step_names(doc))
    if errors or spec is None:
        raise ValidationFailed(errors)

    steps = []
    for index, step in enumerate(spec.steps):
        actions = [
            _to_action(action, doc.position(("steps", index, "actions", number))[0])
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
    if journey.probes:
        from journeyaudit.spec import probes  # the expansion needs the whole journey; it says what it cannot do

        problems = [doc.error(("probes", *path), message) for path, message in probes.problems(journey)]
        if problems:
            raise ValidationFailed(problems)
    return journey


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
