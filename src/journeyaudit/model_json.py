"""JSON round-tripping for the nested dataclasses of :mod:`journeyaudit.model`.

Standard library only, like the model: ``to_dict`` gives JSON-compatible data,
``from_dict`` rebuilds the dataclass, ignoring keys it does not know (traces
written by a newer version load) and leaving fields a trace lacks at their
defaults (older traces load).
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from typing import Any


def to_dict(obj: Any) -> Any:
    """Dataclass (possibly nested, in lists/dicts) -> JSON-compatible data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(item) for item in obj]
    if isinstance(obj, dict):
        return {key: to_dict(value) for key, value in obj.items()}
    return obj


_PLAIN = frozenset({str, int, float, bool, Any})  # kept as JSON gave them

_Convert = typing.Callable[[Any], Any]


@functools.lru_cache(maxsize=None)  # one entry per field type of the model
def _converter(tp: Any) -> _Convert | None:
    """How JSON data of type ``tp`` becomes the model's value; None when it is kept as JSON gave it.

    Worked out once per type (asking ``typing`` about a field's type for every object was a
    fifth of the time spent loading a trace)."""
    if tp in _PLAIN:
        return None
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union or (origin is not None and str(origin) == "<class 'types.UnionType'>"):
        real = [a for a in args if a is not type(None)]
        return _converter(real[0]) if len(real) == 1 else None
    if origin in (list, tuple) and args:
        inner = _converter(args[0])
        return None if inner is None else (lambda value: [None if item is None else inner(item) for item in value])
    if origin is dict and len(args) == 2:
        inner = _converter(args[1])
        return None if inner is None else (
            lambda value: {key: None if item is None else inner(item) for key, item in value.items()})
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return functools.partial(from_dict, tp)
    return None


_T = typing.TypeVar("_T")


@functools.lru_cache(maxsize=None)  # one entry per dataclass of the model
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, type) of each field; ``get_type_hints`` evaluates the string annotations, once per class
    (per object it was most of the time spent loading a trace)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


@functools.lru_cache(maxsize=None)
def _plan(cls: type) -> tuple[tuple[str, _Convert | None], ...]:
    """(name, converter) of each field of ``cls``."""
    return tuple((name, _converter(tp)) for name, tp in _field_types(cls))


def from_dict(cls: type[_T], data: dict[str, Any]) -> _T:
    """JSON data -> dataclass ``cls``; unknown keys are ignored (forward compatible)."""
    kwargs = {}
    for name, convert in _plan(cls):
        if name in data:
            value = data[name]
            kwargs[name] = value if value is None or convert is None else convert(value)
    return cls(**kwargs)
