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


def _convert(tp: Any, value: Any) -> Any:
    if value is None or tp in _PLAIN:
        return value
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union or (origin is not None and str(origin) == "<class 'types.UnionType'>"):
        real = [a for a in args if a is not type(None)]
        return _convert(real[0], value) if len(real) == 1 else value
    if origin in (list, tuple) and args:
        return [_convert(args[0], item) for item in value]
    if origin is dict and len(args) == 2:
        return {key: _convert(args[1], item) for key, item in value.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value


_T = typing.TypeVar("_T")


@functools.lru_cache(maxsize=None)  # one entry per dataclass of the model
def _field_types(cls: type) -> tuple[tuple[str, Any], ...]:
    """(name, type) of each field; ``get_type_hints`` evaluates the string annotations, once per class
    (per object it was most of the time spent loading a trace)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls))


def from_dict(cls: type[_T], data: dict[str, Any]) -> _T:
    """JSON data -> dataclass ``cls``; unknown keys are ignored (forward compatible)."""
    kwargs = {name: _convert(tp, data[name]) for name, tp in _field_types(cls) if name in data}
    return cls(**kwargs)
