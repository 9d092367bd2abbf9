"""Hypothesis strategies for import lines: valid records built from the dataclasses' type hints, and
the same with one part broken (wrong type, unknown field, missing field, NaN, a huge number...).

Valid data follows members.parse's reading rules, so a file of valid lines must import and read back
exactly; a broken line must be named in an ImportFileError.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from collections.abc import Iterator
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from hypothesis import strategies as st

from members.enums import ALIASES
from members.parse import INT_MAX, INT_MIN
from members.record import MemberRecord, Region
from tests.fuzz.support import mostly, one_in

#: Text of any kind: the import keeps it as given (line separators, NEL and emoji included).
TEXT = st.text(min_size=1, max_size=12).filter(str.strip)
#: Any JSON value, for "wrong type" mutations.
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)
#: Values that parse may take for a number but a database cannot hold as given.
EDGE_NUMBERS = st.sampled_from([float("nan"), float("inf"), -float("inf"), 2**31, -(2**31) - 1, 2**63, 10**30, 1e308])
SPECIAL = {
    (MemberRecord, "id_number"): st.from_regex(r"\A[0-9]{17}[0-9X]\Z"),
    (MemberRecord, "phone"): st.from_regex(r"\A1[0-9]{10}\Z") | st.none(),
}


@cache
def valid(hint: Any) -> st.SearchStrategy[Any]:
    """JSON data that members.parse reads into ``hint`` without error."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [valid(a) for a in typing.get_args(hint) if a is not type(None)]
        return st.one_of(options + [st.none()] * (type(None) in typing.get_args(hint)))
    if origin is tuple:
        return st.lists(valid(typing.get_args(hint)[0]), max_size=2)  # no list of records is longer
    if dataclasses.is_dataclass(hint):
        return record(hint) | st.from_regex(r"\A[0-9]{6}\Z") if hint is Region else record(hint)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return st.sampled_from([m.value for m in hint] + sorted(ALIASES.get(hint, {})))
    return {
        str: TEXT, bool: st.booleans(), int: st.integers(INT_MIN, INT_MAX),
        float: st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
        date: st.dates(date(1900, 1, 1), date(2100, 12, 31)).map(date.isoformat),
        datetime: st.datetimes(datetime(1970, 1, 2), datetime(2100, 1, 1)).map(lambda d: d.isoformat()),
    }[hint]


@cache
def _fields(cls: type) -> tuple[tuple[str, bool, st.SearchStrategy[Any]], ...]:
    """(name, required, strategy of valid values) of each field of ``cls``."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (f.name, f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
         SPECIAL[cls, f.name] if (cls, f.name) in SPECIAL else valid(hints[f.name]))
        for f in dataclasses.fields(cls)
    )


@st.composite
def _record(draw: st.DrawFn, cls: type) -> dict[str, Any]:
    return {name: draw(values) for name, required, values in _fields(cls) if required or draw(one_in(4))}


@cache
def record(cls: type) -> st.SearchStrategy[dict[str, Any]]:
    """A valid object for ``cls``: every required field, each optional one about a quarter of the time."""
    return _record(cls)


def _number_paths(value: Any, path: tuple = ()) -> Iterator[tuple]:
    """Paths (keys and indexes) to every number inside ``value``."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _number_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _number_paths(item, (*path, index))


@st.composite
def broken(draw: st.DrawFn, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with one thing wrong (or, rarely, nothing: the mutation may happen to fit)."""
    data = dict(data)
    how = draw(st.sampled_from(["wrong_type", "edge_number", "unknown_field", "drop_field", "nested"]))
    numbers = list(_number_paths(data))
    if how == "edge_number" and numbers:  # a number the database cannot hold as given, where numbers go
        *parents, last = draw(st.sampled_from(numbers))
        data = json.loads(json.dumps(data))  # a deep copy to change in place
        target = data
        for step in parents:
            target = target[step]
        target[last] = draw(EDGE_NUMBERS)
        return data
    name = draw(st.sampled_from(sorted(data))) if data else "x"
    if how == "wrong_type":
        data[name] = draw(JSON)
    elif how == "edge_number":
        data[name] = draw(EDGE_NUMBERS)
    elif how == "unknown_field":
        data[draw(TEXT)] = draw(JSON)
    elif how == "drop_field":
        data.pop(name, None)
    elif isinstance(data.get(name), dict) and data[name]:
        inner = draw(st.sampled_from(sorted(data[name])))
        data[name] = {**data[name], inner: draw(JSON | EDGE_NUMBERS)}
    return data


@st.composite
def import_file(draw: st.DrawFn, cls: type, key: str, existing_keys: list[str]) -> tuple[bytes, bool]:
    """(file, whether every line was left valid): JSON Lines of ``cls`` objects, some broken."""
    lines: list[str] = []
    intact = True
    for _ in range(draw(st.integers(1, 3))):
        data = draw(record(cls))
        if existing_keys and draw(one_in(3)):
            data[key] = draw(st.sampled_from(existing_keys))  # re-import replaces
        if draw(one_in(3)):
            data, intact = draw(broken(data)), False
        line = json.dumps(data, ensure_ascii=draw(st.booleans()))
        if draw(one_in(20)):
            line, intact = draw(mostly(st.text(max_size=30), st.just("[" * 5000), odds=10)), False
        lines.append(line)
    separator = draw(st.sampled_from(["\n", "\n", "\r\n", "\n\n"]))
    content = (separator.join(lines) + draw(st.sampled_from(["\n", ""]))).encode()
    if draw(one_in(30)):  # not UTF-8 (a file saved as GBK, say)
        at = draw(st.integers(0, len(content)))
        content, intact = content[:at] + draw(st.sampled_from([b"\xff", b"\xc4\xe3\xba\xc3", b"\xe5\x8c"])) + content[at:], False
    return content, intact
