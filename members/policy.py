"""Region policy parameters (统筹区政策参数) read from dated YAML files, OpenFisca style.

Each file ``members/parameters/<region_code>.yaml`` names its region, the policy references it
answers to (``jiayu_2012``, as in §6 and the scenario files' ``insured_region.policy_ref``), the
files it inherits from (``national``, ``generic``, another region), and its parameters. A parameter
has a description, a unit, a reference and ``values`` keyed by start date; ``null`` repeals. A file
whose seed gives no dates says ``approximate_dates: true``: its start dates order the values but
are not quoted to residents as years.
``parameters(region_code, on=date)`` returns the values in force that day. No threshold, rate or
date lives in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from members.errors import ParameterFileError, ParametersNotFound

PARAMETER_DIR = Path(__file__).resolve().parent / "parameters"
_REQUIRED = ("description", "unit", "reference", "values")


@dataclass(frozen=True)
class ParameterValue:
    """One parameter's value in force, with where it comes from (for citations)."""

    name: str
    value: Any
    since: date
    region_code: str
    region_name: str
    reference: str
    unit: str
    #: False when the start date only stands for "some time before" (the seed gives no date)
    dated: bool = True


@dataclass(frozen=True)
class Policy:
    """The parameters in force for one region on one day."""

    region_code: str
    region_name: str
    on: date
    values: Mapping[str, ParameterValue] = field(default_factory=dict)
    configured: bool = True

    def get(self, name: str, default: Any = None) -> Any:
        """The value of parameter ``name``, or ``default`` when none is in force."""
        found = self.values.get(name)
        return default if found is None else found.value

    def source(self, name: str) -> ParameterValue | None:
        """Where the value of ``name`` comes from, or None when none is in force."""
        return self.values.get(name)

    def with_overrides(self, overrides: Mapping[str, Any] | None, reference: str = "场景参数") -> Policy:
        """A copy with some values replaced (scenario files' ``policy_params``)."""
        if not overrides:
            return self
        values = dict(self.values)
        for name, value in overrides.items():
            values[name] = ParameterValue(name, value, self.on, self.region_code, self.region_name,
                                          reference, "", dated=False)
        return replace(self, values=values)


@dataclass(frozen=True)
class _File:
    code: str
    name: str
    policy_refs: tuple[str, ...]
    inherits: tuple[str, ...]
    parameters: Mapping[str, Mapping[str, Any]]
    approximate_dates: bool


@cache
def _load(code: str) -> _File:
    path = PARAMETER_DIR / f"{code}.yaml"
    if not path.is_file():
        raise ParametersNotFound(f"no policy parameters for region {code!r} ({path.name})")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        region = raw["region"]
        parameters = raw.get("parameters") or {}
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise ParameterFileError(f"{path.name}: {exc}") from exc
    for name, spec in parameters.items():
        missing = [key for key in _REQUIRED if key not in (spec or {})]
        if missing:
            raise ParameterFileError(f"{path.name}: {name}: missing {', '.join(missing)}")
        if not isinstance(spec["values"], dict) or not all(isinstance(k, date) for k in spec["values"]):
            raise ParameterFileError(f"{path.name}: {name}: values must be keyed by start date")
    return _File(
        code=str(region["code"]),
        name=str(region["name"]),
        policy_refs=tuple(raw.get("policy_refs") or ()),
        inherits=tuple(str(c) for c in raw.get("inherits") or ()),
        parameters=parameters,
        approximate_dates=bool(raw.get("approximate_dates", False)),
    )


@cache
def _policy_ref_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for path in sorted(PARAMETER_DIR.glob("*.yaml")):
        for ref in _load(path.stem).policy_refs:
            index[ref] = path.stem
    return index


def region_for(region_code: str | None, policy_ref: str | None = None) -> str:
    """The parameter file code for a region code, falling back to a policy reference.

    Raises:
        ParametersNotFound: neither names a parameter file.
    """
    if region_code and (PARAMETER_DIR / f"{region_code}.yaml").is_file():
        return region_code
    if policy_ref and policy_ref in _policy_ref_index():
        return _policy_ref_index()[policy_ref]
    raise ParametersNotFound(f"no policy parameters for region {region_code!r} (policy_ref {policy_ref!r})")


def _in_force(code: str, on: date, seen: tuple[str, ...] = ()) -> dict[str, ParameterValue]:
    if code in seen:
        raise ParameterFileError(f"{code}.yaml: inheritance loop through {' → '.join(seen)}")
    file = _load(code)
    values: dict[str, ParameterValue] = {}
    for parent in file.inherits:
        values.update(_in_force(parent, on, (*seen, code)))
    for name, spec in file.parameters.items():
        starts = [start for start in spec["values"] if start <= on]
        if not starts:
            continue
        since = max(starts)
        value = spec["values"][since]
        if value is None:  # repealed from this date
            values.pop(name, None)
            continue
        values[name] = ParameterValue(name, value, since, file.code, file.name,
                                      str(spec["reference"]), str(spec["unit"]), not file.approximate_dates)
    return values


def parameters(region_code: str, on: date, policy_ref: str | None = None) -> Policy:
    """The policy parameters in force in ``region_code`` on day ``on``.

    Args:
        region_code: the pooling region's code (a file name under members/parameters).
        on: the day the values must be in force.
        policy_ref: a §6 policy reference such as ``jiayu_2012``, used when no file has the code.

    Raises:
        ParametersNotFound: no parameter file for the region.
        ParameterFileError: a parameter file is malformed.
    """
    code = region_for(region_code, policy_ref)
    return Policy(region_code=code, region_name=_load(code).name, on=on, values=_in_force(code, on))


def fallback_parameters(region_code: str, on: date) -> Policy:
    """The national and generic parameters only, for a region with no file of its own."""
    generic = parameters("generic", on)
    return replace(generic, region_code=region_code, configured=False)
