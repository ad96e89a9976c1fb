"""Pydantic's validation errors as plain sentences, located at the YAML node they concern.

Shared by journeys and audit profiles::

    journeys/demo/happy-path.yaml:12:9: unknown action 'clik' (did you mean 'click'?)

One small function per kind of error, so a new kind is one more entry in KINDS.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Union

from pydantic import BaseModel, ValidationError

from journeyaudit.spec.yamlsource import Document, LocatedError

#: union tags: the short or long form of a value, and the action a mapping names
SHORT, LONG = "form:short", "form:long"
ACTION_TAG = "action:"

MessageHook = Callable[[dict[str, Any], tuple[Any, ...]], "str | None"]


@dataclass
class _Error:
    """One pydantic error, with what the translators need to say it plainly."""

    raw: dict[str, Any]
    loc: tuple[Any, ...]
    path: tuple[Any, ...]
    root: type[BaseModel]
    actions: Mapping[str, type[BaseModel]] = field(default_factory=dict)

    @property
    def value(self) -> Any:
        return self.raw.get("input")

    @property
    def ctx(self) -> dict[str, Any]:
        return self.raw.get("ctx") or {}

    @property
    def field(self) -> str:
        return next((part for part in reversed(self.path) if isinstance(part, str)), "value")

    def owner(self, loc: Sequence[Any]) -> type[BaseModel] | None:
        return _model_at(self.root, loc, self.actions)


#: a translation: the message, and where it goes (path, at the key rather than the value), or None
Said = tuple[str, tuple[Any, ...], bool]


def show(value: Any) -> str:
    """A value as an error message quotes it: short, and never a whole mapping or list."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.7)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_tag(part: Any) -> bool:
    return isinstance(part, str) and (part in (SHORT, LONG) or part.startswith(ACTION_TAG))


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
        elif _is_tag(part):
            continue
        else:
            path.append(part)  # a key that is not there (missing) or a dict key's own error
            node = None
    return tuple(path)


def _origin(tp: Any) -> Any:
    return getattr(tp, "__origin__", None)


def _is_union(tp: Any) -> bool:
    return _origin(tp) is Union or isinstance(tp, types.UnionType)


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


def _union_members(tp: Any) -> list[Any]:
    return [_unwrap(m) for m in getattr(tp, "__args__", ())] if _is_union(tp) else []


def _step(current: Any, part: Any, actions: Mapping[str, type[BaseModel]]) -> Any:
    """The type one step of ``loc`` further down (None: unknown)."""
    if isinstance(part, str) and part.startswith(ACTION_TAG):
        return actions.get(part[len(ACTION_TAG) :])
    if part in (SHORT, LONG):
        args = _union_members(current)
        return args[1] if part == LONG and len(args) > 1 else (args[0] if args else None)
    if isinstance(current, type) and issubclass(current, BaseModel):
        fields = current.model_fields
        found = (fields.get(part) or next((f for f in fields.values() if f.alias == part), None)) if isinstance(part, str) else None
        return found.annotation if found else None
    if _origin(current) in (list, dict) and isinstance(part, (int, str)):
        args = getattr(current, "__args__", ())
        return args[-1] if args else None
    return None


def _model_at(root: type[BaseModel], loc: Sequence[Any], actions: Mapping[str, type[BaseModel]]) -> type[BaseModel] | None:
    """The model class whose field list applies at ``loc`` (loc includes union tags)."""
    current: Any = root
    for part in loc:
        current = _step(_unwrap(current), part, actions)
        if current is None:
            return None
    current = _unwrap(current)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _noun(cls: type[BaseModel] | None) -> str:
    return getattr(cls, "__noun__", "mapping") if cls else "mapping"


# --------------------------------------------------------------------------
# One translator per kind of error
# --------------------------------------------------------------------------


def _unknown_action(e: _Error) -> Said | None:
    tag = str(e.ctx.get("tag", ""))
    if not tag.startswith(ACTION_TAG):
        return None
    name = tag[len(ACTION_TAG) :]
    return f"unknown action {name!r}{suggest(name, list(e.actions))}", e.path + (next(iter(e.value)),), True


def _not_an_action(e: _Error) -> Said | None:
    if "_action_name" not in str(e.ctx.get("discriminator", "")):
        return None
    if isinstance(e.value, dict) and e.value:
        keys = ", ".join(repr(k) for k in e.value)
        return (
            f"an action is a mapping with exactly one key, the action's name; got {keys} "
            "(options go inside the action, e.g. click: {selector: ..., timeout_ms: 5000})"
        ), e.path, False
    names = ", ".join(e.actions)
    return f"an action is a mapping with one key, the action's name ({names}); got {show(e.value)}", e.path, False


def _extra(e: _Error) -> Said:
    owner = e.owner(e.loc[:-1])
    allowed = ", ".join(f.alias or name for name, f in owner.model_fields.items()) if owner else ""
    key = e.path[-1] if e.path else "?"
    return f"unknown key {key!r} in {_noun(owner)}" + (f" (allowed: {allowed})" if allowed else ""), e.path, True


def _missing(e: _Error) -> Said:
    return f"{_noun(e.owner(e.loc[:-1]))} is missing {e.path[-1]!r}", e.path[:-1], False


def _literal(e: _Error) -> Said:
    expected = e.ctx.get("expected", "")
    options = ", ".join(part.strip().strip("'") for part in re.split(r",| or ", expected) if part.strip())
    if e.field == "role":
        return f"role {e.value!r} is not one of {options}", e.path, False
    return f"{e.field!r} must be one of {options}, got {show(e.value)}", e.path, False


def _mapping(e: _Error) -> Said:
    if not (e.path and isinstance(e.path[-1], int)):
        return f"{e.field!r} must be a mapping, got {show(e.value)}", e.path, False
    owner = e.owner(e.loc)
    if owner is not None:
        return f"a {_noun(owner)} must be a mapping, got {show(e.value)}", e.path, False
    return f"each of {e.field!r} must be a mapping, got {show(e.value)}", e.path, False


def _too_short(e: _Error) -> Said:
    noun = {"steps": "step", "actions": "action"}.get(e.field, "item")
    return f"{e.field!r} needs at least one {noun}", e.path, False


def _must_be(what: str) -> Callable[[_Error], Said]:
    return lambda e: (f"{e.field!r} must be {what}, got {show(e.value)}", e.path, False)


def _own_message(e: _Error) -> Said:
    return e.raw["msg"], e.path, False


KINDS: dict[str, Callable[[_Error], Said | None]] = {
    "union_tag_invalid": _unknown_action,
    "union_tag_not_found": _not_an_action,
    "action_form": lambda e: (f"{e.raw['msg']}, got {show(e.value)}", e.path, False),
    "extra_forbidden": _extra,
    "missing": _missing,
    "literal_error": _literal,
    **dict.fromkeys(("int_type", "int_parsing", "int_from_float"), _must_be("an integer")),
    **dict.fromkeys(("bool_type", "bool_parsing"), _must_be("true or false")),
    "string_type": _must_be("a string"),
    "list_type": _must_be("a list"),
    **dict.fromkeys(("dict_type", "model_type", "model_attributes_type"), _mapping),
    "greater_than": _must_be("a positive integer"),
    "string_too_short": lambda e: (f"{e.field!r} must not be empty", e.path, False),
    "too_short": _too_short,
    "exactly_one": _own_message,
    "state_without_selector": _own_message,
    # issue 11: waits and choose (spec/wait_spec.py)
    "status_without_response": _own_message,
    "url_pattern": _own_message,
}


def _say(e: _Error, messages: Mapping[str, MessageHook] | None) -> Said:
    if messages and e.field in messages:
        own = messages[e.field](e.raw, e.path)
        if own is not None:
            return own, e.path, False
    kind = e.raw["type"]
    said = KINDS[kind](e) if kind in KINDS else None
    if said is not None:
        return said
    if kind.startswith(("profile_", "probe_")):
        return _own_message(e)
    msg = e.raw["msg"]
    return f"{e.field!r}: {msg[0].lower()}{msg[1:]}", e.path, False


def translate_errors(
    exc: ValidationError,
    doc: Document,
    root: type[BaseModel],
    messages: Mapping[str, MessageHook] | None = None,
    actions: Mapping[str, type[BaseModel]] | None = None,
) -> list[LocatedError]:
    """Pydantic errors -> plain located sentences.

    ``messages`` may override by field name; ``actions`` (name -> model) names the
    actions a journey may use, for 'unknown action' and its did-you-mean.
    """
    out: list[LocatedError] = []
    # A value already reported by the YAML layer (an unset ${VAR}) gets no follow-on error.
    reported = {(error.line, error.column) for error in doc.errors}
    for raw in exc.errors(include_url=False):
        loc = tuple(raw["loc"])
        error = _Error(raw, loc, _data_path(doc.data, loc), root, actions or {})
        message, path, at_key = _say(error, messages)
        located = doc.error(path, message, key=at_key)
        if (located.line, located.column) not in reported:
            out.append(located)
    return out
