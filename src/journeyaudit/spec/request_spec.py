"""The ``request`` action and the profile's ``setup:``/``teardown:`` lists: their schema.

A journey may call the shop's API between two steps (change stock, create a coupon,
read an order's status) through Playwright's API request context, not the page::

    - request:
        method: POST
        url: /api/stock/KC-AP-GO            # joined to the base URL like goto
        headers: {X-Api-Key: "${SHOP_API_KEY}"}   # ${ENV} values are secrets: never written
        json: {stock: 0}                    # or form: {field: value}
        share_cookies: false                # true: the browser's cookies go along (the customer's session)
        expect: {status: 200, json: {path: sku, equals: KC-AP-GO}, text: sold out}
        save: {order_id: orders.0.id}       # a value of the JSON answer, for later requests

A later ``request`` of the same journey writes ``{saved.order_id}`` in its URL, headers or
body (an id the journey cannot know in advance: the order it just placed).

The browser side is gather/api_request.py; the profile's hooks are run by gather/hooks.py.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

# the same field types as spec/actions.py (which imports this module: no import back)
NonEmpty = Annotated[str, Field(min_length=1)]
Text = Annotated[str, BeforeValidator(lambda v: str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)]
TimeoutMs = Annotated[int, Field(gt=0, description="How long to wait, in milliseconds.")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    __noun__: ClassVar[str] = "mapping"

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
Status = Annotated[int, Field(ge=100, le=599)]
SaveName = Annotated[str, Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


def _as_list(value: Any) -> Any:
    """One value or a list of them: always a list (so an error names the item, not two shapes)."""
    return value if isinstance(value, list) or value is None else [value]


class JsonCheck(_Strict):
    """One value of the JSON answer, found by a dotted path (items.0.sku), equals or contains a value."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"oneOf": [{"required": ["equals"]}, {"required": ["contains"]}]})
    __noun__ = "json check"
    path: NonEmpty = Field(description="Dotted path into the JSON answer: order.status, items.0.sku; '.' the whole answer.")
    equals: Any = Field(None, description="The value there equals this (a number, text, true/false, list or mapping).")
    contains: Text | None = Field(None, description="The value there (as text, or a list's items) contains this.")

    @model_validator(mode="before")
    @classmethod
    def _one_test(cls, data: Any) -> Any:
        if isinstance(data, dict) and ("equals" in data) == ("contains" in data):
            raise PydanticCustomError("json_check", "a json check needs exactly one of 'equals' and 'contains'")
        return data


class RequestExpect(_Strict):
    """What the answer must be; a failed check fails the step like any expectation."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    __noun__ = "request expect"
    status: Annotated[list[Status], BeforeValidator(_as_list)] | None = Field(
        None, description="The HTTP status, or a list of the ones allowed; default: any 2xx.")
    json_checks: Annotated[list[JsonCheck], BeforeValidator(_as_list)] | None = Field(
        None, alias="json", description="Checks of the JSON answer: {path: status, equals: Confirmed}, or a list of them."
    )
    text: Text | None = Field(None, description="Text the answer's body contains.")


class RequestParams(_Strict):
    """An HTTP call from the journey itself (not the page), through Playwright's API request context."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    __noun__ = "request"
    method: Literal[METHODS] = Field("GET", description="HTTP method.")  # type: ignore[valid-type]
    url: NonEmpty = Field(description="Absolute URL, or a path joined to the base URL (/api/stock/KC-AP-GO).")
    headers: dict[NonEmpty, Text] = Field(
        default_factory=dict, description="Request headers; a ${ENV} value in them is a secret, never written anywhere."
    )
    json_body: Any = Field(None, alias="json", description="A JSON body (a mapping or list).")
    form: dict[NonEmpty, Text] | None = Field(None, description="A form body (application/x-www-form-urlencoded).")
    share_cookies: bool = Field(
        False, description="Send the browser's cookies (the customer's session) and keep the ones the answer sets."
    )
    expect: RequestExpect | None = Field(None, description="Checks of the answer; without it any 2xx passes.")
    timeout_ms: TimeoutMs | None = None
    save: dict[SaveName, NonEmpty] = Field(
        default_factory=dict,
        description="Values of the JSON answer kept for the journey's later requests: {order_id: data.orders.items.0.id}; "
        "a later request writes {saved.order_id} in its url, headers or body.",
    )

    @model_validator(mode="after")
    def _one_body(self) -> RequestParams:
        if self.json_body is not None and self.form is not None:
            raise PydanticCustomError("request_body", "request takes 'json' or 'form', not both")
        if self.method in ("GET", "HEAD") and (self.json_body is not None or self.form is not None):
            raise PydanticCustomError("request_body", "a {method} request has no body: use POST, PUT or PATCH",
                                      {"method": self.method})
        return self


class RequestAction(_Strict):
    __noun__ = "action"
    request: RequestParams = Field(
        description="Call the shop's API between steps: {method: POST, url: /api/..., headers: {...}, json: {...}, "
        "share_cookies: false, expect: {status: 200, json: {path: ..., equals: ...}, text: ...}}."
    )


class HookSpec(_Strict):
    """One item of a profile's setup: or teardown: list: an HTTP request, or a command."""

    __noun__ = "setup/teardown item"
    name: NonEmpty | None = Field(None, description="How the log and errors name this item.")
    request: RequestParams | None = Field(None, description="An HTTP request, as the request action takes it.")
    run: NonEmpty | None = Field(None, description="A shell command, run in the profile's folder.")
    timeout: Annotated[float, Field(gt=0, le=3600)] = Field(
        60, description="Seconds the command or request may take before it counts as failed."
    )
    optional: bool = Field(False, description="A failure is logged and the run goes on (setup) instead of stopping it.")

    @model_validator(mode="after")
    def _one_kind(self) -> HookSpec:
        if (self.request is None) == (self.run is None):
            raise PydanticCustomError("hook_kind", "a setup/teardown item needs exactly one of 'request' and 'run'")
        return self
