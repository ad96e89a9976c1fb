"""The actions a journey step may take: each a one-key mapping, in a short or a long form.

The pydantic models here are the single source of truth for validating actions and
for their part of the JSON Schema (``schema/journey.schema.json``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    model_validator,
)
from pydantic_core import PydanticCustomError

from journeyaudit.spec.errors import ACTION_TAG, LONG, SHORT
from journeyaudit.spec.request_spec import RequestAction  # issue 11: the request action (its own module)
from journeyaudit.spec.wait_spec import ChooseParams, PauseMs, PauseParams, UrlPattern  # issue 11: waits, choose

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


_WAIT_FOR_KEYS = ("url", "text", "selector", "load_state", "response", "request")
_EXPECT_KEYS = ("text", "no_text", "url", "visible", "hidden")


class WaitForParams(_Strict):
    """Wait until exactly one condition holds: a URL, a text, an element, a load state, or a request of the page."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": [key]} for key in _WAIT_FOR_KEYS]})
    __noun__ = "wait_for"
    url: UrlGlob | None = None
    text: Text | None = Field(None, description="Text that appears on the page.")
    selector: Selector | None = None
    state: Literal["attached", "detached", "visible", "hidden"] | None = Field(
        None, description="With selector: the state to wait for (default: visible)."
    )
    load_state: Literal["load", "domcontentloaded", "networkidle"] | None = None
    response: UrlPattern | None = Field(
        None, description="The page received (and loaded) an answer from a matching URL during this step; "
        "each wait takes the next one not waited for before."
    )
    request: UrlPattern | None = Field(None, description="The page sent a request to a matching URL during this step.")
    status: Annotated[int, Field(ge=100, le=599)] | None = Field(
        None, description="With response: the answer's HTTP status (e.g. 200)."
    )
    timeout_ms: TimeoutMs | None = None

    @model_validator(mode="after")
    def _one_condition(self) -> WaitForParams:
        _exactly_one("wait_for", self, _WAIT_FOR_KEYS)
        if self.state is not None and self.selector is None:
            raise PydanticCustomError("state_without_selector", "wait_for: 'state' only goes with 'selector'")
        if self.status is not None and self.response is None:
            raise PydanticCustomError("status_without_response", "wait_for: 'status' only goes with 'response'")
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



def _form(value: Any) -> str | None:
    if isinstance(value, str):
        return SHORT
    if isinstance(value, dict):
        return LONG
    return None


def _short_or_long(action: str, short: Any, long: type[BaseModel], what: str) -> Any:
    """``click: text=X`` or ``click: {selector: text=X}``."""
    return Annotated[
        Union[Annotated[short, Tag(SHORT)], Annotated[long, Tag(LONG)]],
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
        "{load_state: networkidle}, {response: glob, status: 200}, {request: glob}."
    )


def _form_pause(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return SHORT
    if isinstance(value, dict):
        return LONG
    return None


class PauseAction(_Action):
    pause: Annotated[
        Union[Annotated[PauseMs, Tag(SHORT)], Annotated[PauseParams, Tag(LONG)]],
        Discriminator(
            _form_pause,
            custom_error_type="action_form",
            custom_error_message="'pause' must be a number of milliseconds or a mapping",
            custom_error_context={"action": "pause"},
        ),
    ] = Field(description="Wait a fixed time (at most 60 s), the tool's own: pause: 500, or {ms: 500}.")


class ChooseAction(_Action):
    choose: ChooseParams = Field(
        description="Pick an option of a select, combobox or custom select: {field: Country, option: Germany}."
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
        return SHORT
    if isinstance(value, dict):
        return LONG
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
        Union[Annotated[TimeoutMs, Tag(SHORT)], Annotated[WatchInboxParams, Tag(LONG)]],
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
    "request": RequestAction,  # issue 11 (spec/request_spec.py, gather/api_request.py)
    "pause": PauseAction,  # issue 11 (spec/wait_spec.py, gather/waits.py)
    "choose": ChooseAction,  # issue 11 (spec/wait_spec.py, gather/choose.py)
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
    "pause": lambda value: {"ms": value},
}

def _action_name(value: Any) -> str | None:
    if isinstance(value, dict) and len(value) == 1:
        return ACTION_TAG + str(next(iter(value)))
    return None


ActionItem = Annotated[
    Union[tuple(Annotated[cls, Tag(ACTION_TAG + name)] for name, cls in ACTION_MODELS.items())],  # type: ignore[misc]
    Discriminator(_action_name),
]
