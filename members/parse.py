"""Read JSON-like data into the record dataclasses, naming every problem by its path.

``parse(MemberRecord, obj)`` walks the dataclass type hints: dates from ISO strings, coded values
from their code or Chinese alias (members.enums), lists into tuples, a bare string into a Region.
All problems are collected, so one bad line reports everything wrong with it at once.
"""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from members.record import Region

T = TypeVar("T")

#: Whole numbers must fit an SQL INTEGER column on every engine (PostgreSQL's is 32 bits).
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class ParseError(ValueError):
    """Data did not fit the dataclass; ``errors`` lists ``"path: problem"`` strings."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def parse(cls: type[T], data: Any, path: str = "") -> T:
    """Build ``cls`` from ``data`` (a dict from JSON or from database rows).

    Raises:
        ParseError: with one message per problem, e.g. ``contribution.paid_through: not a date``.
    """
    errors: list[str] = []
    result = _dataclass(cls, data, path, errors)
    if errors:
        raise ParseError(errors)
    return result


@cache
def _fields(cls: type) -> tuple[tuple[dataclasses.Field, Any, tuple[str, ...]], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f, hints[f.name], tuple(f.metadata.get("aliases", ()))) for f in dataclasses.fields(cls))


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _dataclass(cls: type, data: Any, path: str, errors: list[str]) -> Any:
    if cls is Region and isinstance(data, str):
        data = {"code": data}
    if not isinstance(data, dict):
        errors.append(f"{path or cls.__name__}: not an object")
        return None
    known: set[str] = set()
    kwargs: dict[str, Any] = {}
    for f, hint, aliases in _fields(cls):
        names = (f.name, *aliases)
        known.update(names)
        key = next((n for n in names if n in data), None)
        here = _join(path, f.name)
        if key is None or data[key] is None:
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required:
                errors.append(f"{here}: required")
            elif key is not None:
                kwargs[f.name] = None if _optional(hint) else f.default
            continue
        kwargs[f.name] = _value(hint, data[key], here, errors)
    for key in data:
        if key not in known:
            errors.append(f"{_join(path, key)}: unknown field")
    try:
        return cls(**kwargs)
    except TypeError:  # a required field failed above; the error is already listed
        return None


def _optional(hint: Any) -> bool:
    return type(None) in typing.get_args(hint)


def _value(hint: Any, value: Any, path: str, errors: list[str]) -> Any:
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(options) == 1:
            return _value(options[0], value, path, errors)
        for option in options:  # e.g. bool | float: the first that fits without error
            trial: list[str] = []
            result = _value(option, value, path, trial)
            if not trial:
                return result
        errors.append(f"{path}: not one of {', '.join(_name(o) for o in options)}")
        return None
    if origin is dict:
        if not isinstance(value, dict):
            errors.append(f"{path}: not an object")
            return None
        return value
    if origin is tuple:
        if not isinstance(value, list | tuple):
            errors.append(f"{path}: not a list")
            return ()
        item = typing.get_args(hint)[0]
        return tuple(_value(item, v, f"{path}[{i}]", errors) for i, v in enumerate(value))
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint, value, path, errors)
    if isinstance(hint, type) and issubclass(hint, Enum):
        try:
            return hint(value)
        except ValueError:
            allowed = ", ".join(m.value for m in hint)
            errors.append(f"{path}: {value!r} is not one of {allowed}")
            return None
    return _scalar(hint, value, path, errors)


def _scalar(hint: Any, value: Any, path: str, errors: list[str]) -> Any:
    if hint is datetime:
        if isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        errors.append(f"{path}: not a date-time ({value!r})")
        return None
    if hint is date:
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str) and len(value) == 10:
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        errors.append(f"{path}: not a date ({value!r})")
        return None
    if hint is bool:
        if isinstance(value, bool):
            return value
        errors.append(f"{path}: not true or false ({value!r})")
        return None
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool) and INT_MIN <= value <= INT_MAX:
            return value
        errors.append(f"{path}: not a whole number from {INT_MIN} to {INT_MAX} ({value!r})")
        return None
    if hint is float:
        # NaN and infinities parse from JSON but are no amount: a database would store NULL or fail.
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        errors.append(f"{path}: not a finite number ({value!r})")
        return None
    if hint is str:
        if isinstance(value, str) and value.strip():
            return value
        errors.append(f"{path}: not a non-empty string ({value!r})")
        return None
    return value  # Any, dict: taken as given


def _name(hint: Any) -> str:
    return {bool: "true/false", float: "a number", int: "a whole number"}.get(hint, getattr(hint, "__name__", str(hint)))
