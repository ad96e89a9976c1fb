"""JSON round-tripping for nested dataclasses (the model's ``to_dict`` / ``from_dict``).

Standard library only; :mod:`journeyaudit.model` re-exports both.
"""

from __future__ import annotations

import dataclasses
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


def _convert(tp: Any, value: Any) -> Any:
    if value is None:
        return None
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


def from_dict(cls: type[_T], data: dict[str, Any]) -> _T:
    """JSON data -> dataclass ``cls``; unknown keys are ignored (forward compatible)."""
    hints = typing.get_type_hints(cls)
    kwargs = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.name in data:
            kwargs[f.name] = _convert(hints[f.name], data[f.name])
    return cls(**kwargs)
