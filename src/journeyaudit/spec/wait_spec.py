"""Issue 11's waits and pickers: ``wait_for: {response|request}``, ``pause`` and ``choose``; their schema.

URL patterns are matched like Playwright's ``page.wait_for_response(url)``: a glob over the
whole URL (``**/api/cart/**``: ``*`` within a path segment, ``**`` across them, ``{a,b}``
either), a path joined to the base URL (``/api/cart``), or a regular expression written
between slashes (``/api\\/cart\\/\\d+/``, optionally ``/.../i``), searched in the URL; it must
contain a backslash, a bracket, a group, ``.*``, ``^``, ``$`` or ``|`` (``/api/cart/`` is a path).
The browser side is gather/waits.py and gather/choose.py.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

MAX_PAUSE_MS = 60_000

_REGEX = re.compile(r"^/(?P<source>.+)/(?P<flags>[imsx]*)$", re.S)


def regex_of(pattern: str) -> re.Pattern[str] | None:
    """The compiled regular expression a ``/.../flags`` pattern is, or None when the pattern is a glob."""
    found = _REGEX.match(pattern)
    if not found or not _looks_regex(found["source"]):
        return None
    flags = 0
    for letter in found["flags"]:
        flags |= {"i": re.I, "m": re.M, "s": re.S, "x": re.X}[letter]
    return re.compile(found["source"], flags)


def _looks_regex(source: str) -> bool:
    # "/api/cart/" is a path with slashes at both ends; a regex says so with a backslash, a class, a group, .*, ^, $ or |
    return bool(re.search(r"\\|\[|\(|\.\*|\$|\^|\|", source))


def _check_pattern(value: str) -> str:
    """A regex that compiles, or a glob whose braces pair up (Playwright refuses nested or unmatched ones)."""
    try:
        if regex_of(value) is not None:
            return value
    except re.error as exc:
        raise PydanticCustomError("url_pattern", f"{value!r} is not a regular expression ({exc})") from None
    depth = 0
    escaped = False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "{":
            depth += 1
            if depth > 1:
                raise PydanticCustomError("url_pattern", f"{value!r}: a glob cannot nest '{{' inside '{{...}}'")
        elif char == "}":
            depth -= 1
            if depth < 0:
                raise PydanticCustomError("url_pattern", f"{value!r}: '}}' without its '{{'")
    if depth:
        raise PydanticCustomError("url_pattern", f"{value!r}: '{{' without its '}}'")
    return value


UrlPattern = Annotated[
    str,
    Field(min_length=1, description="A glob over the whole URL (**/api/cart/**), a path joined to the base URL "
          "(/api/cart), or a regular expression between slashes (/\\/api\\/cart\\/\\d+/i)."),
    AfterValidator(_check_pattern),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")
    __noun__: ClassVar[str] = "mapping"


def _scalar_to_text(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


Text = Annotated[Annotated[str, StringConstraints(min_length=1)], BeforeValidator(_scalar_to_text)]
PauseMs = Annotated[int, Field(gt=0, le=MAX_PAUSE_MS, description="How long, in milliseconds (at most 60000).")]


class PauseParams(_Strict):
    """Wait a fixed time: for the rare case no page event fits. The tool's time, not the shop's (JA401)."""

    __noun__ = "pause"
    ms: PauseMs


class ChooseParams(_Strict):
    """Pick an option in a native select, an ARIA combobox/listbox or a custom select (a button opening a list)."""

    __noun__ = "choose"
    field: Text = Field(description="The field: its label or accessible name (Country), or a Playwright selector "
                        "(#country, label=Country, role=combobox[name='Country']).")
    option: Text = Field(description="The option to pick: its label (Germany) or its value (DE).")
    search: Text | None = Field(None, description="What to type into a type-to-filter combobox (an autocomplete "
                                "whose options appear only after typing). Default: the option's first three "
                                "characters, then the whole option.")
    timeout_ms: Annotated[int, Field(gt=0)] | None = Field(None, description="How long to wait for the field and its options.")
