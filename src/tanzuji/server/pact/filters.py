"""The v3 ListFootprints filters, shared with RequestCreatedEvent criteria: parsing and
matching exactly as the spec states (OR within a criterion, AND across criteria; ids, status
and geography match case-insensitively; the validity period defaults to
[referencePeriodEnd, +3 years])."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tanzuji.exchange.pact import add_years

LIST_CRITERIA = ("productId", "companyId", "geography", "classification", "status")
DATE_CRITERIA = ("validOn", "validAfter", "validBefore")
_NAMES = {name.lower(): name for name in (*LIST_CRITERIA, *DATE_CRITERIA)}


class FilterError(ValueError):
    """A filter value that cannot be read; ``field`` names the parameter."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def parse_time(text: str, name: str) -> dt.datetime:
    """An RFC 3339 date-time; one without an offset is read as UTC."""
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise FilterError(f"{name}={text!r} is not a date-time such as "
                          "2025-04-01T00:00:00Z", name) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Criteria:
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    dates: dict[str, dt.datetime] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {**{k: list(v) for k, v in self.values.items()},
                **{k: v.isoformat().replace("+00:00", "Z") for k, v in self.dates.items()}}


def from_query(pairs: Iterable[tuple[str, str]]) -> Criteria:
    """Criteria from query parameters (names case-insensitive, as the spec's own example
    spells ``productid``); parameters that are no filter (``limit``, ``x-…``) are skipped."""
    values: dict[str, list[str]] = {}
    dates: dict[str, dt.datetime] = {}
    for key, value in pairs:
        name = _NAMES.get(key.lower())
        if name in DATE_CRITERIA:
            if name in dates:
                raise FilterError(f"{name} is given more than once", name)
            dates[name] = parse_time(value, name)
        elif name is not None:
            values.setdefault(name, []).append(value)
    return Criteria({k: tuple(v) for k, v in values.items()}, dates)


def from_event(data: Mapping[str, Any]) -> Criteria:
    """Criteria from a RequestCreatedEvent's ``data`` (lists of strings, date-time strings)."""
    values: dict[str, tuple[str, ...]] = {}
    dates: dict[str, dt.datetime] = {}
    for name in LIST_CRITERIA:
        given = data.get(name)
        if given is None:
            continue
        if name == "status" and isinstance(given, str):
            given = [given]
        if not isinstance(given, list) or not all(isinstance(v, str) for v in given):
            raise FilterError(f"data.{name} must be a list of strings", f"data.{name}")
        values[name] = tuple(given)
    for name in DATE_CRITERIA:
        given = data.get(name)
        if given is None:
            continue
        if not isinstance(given, str):
            raise FilterError(f"data.{name} must be a date-time string", f"data.{name}")
        dates[name] = parse_time(given, f"data.{name}")
    return Criteria(values, dates)


def _time(text: str) -> dt.datetime:
    return parse_time(text, "document")


def validity(doc: Mapping[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    """A footprint's validity period, with the spec's default."""
    ref_end = _time(doc["pcf"]["referencePeriodEnd"])
    start = doc.get("validityPeriodStart")
    end = doc.get("validityPeriodEnd")
    return (_time(start) if start else ref_end,
            _time(end) if end else add_years(ref_end, 3))


def _any(wanted: tuple[str, ...], have: Iterable[Any]) -> bool:
    folded = {str(h).casefold() for h in have if h is not None}
    return any(w.casefold() in folded for w in wanted)


def matches(doc: Mapping[str, Any], criteria: Criteria) -> bool:
    """Whether one footprint document meets every criterion."""
    pcf = doc.get("pcf", {})
    have = {
        "productId": doc.get("productIds") or [],
        "companyId": doc.get("companyIds") or [],
        "classification": doc.get("productClassifications") or [],
        "geography": [pcf.get("geographyCountry"), pcf.get("geographyCountrySubdivision"),
                      pcf.get("geographyRegionOrSubregion")],
        "status": [doc.get("status")],
    }
    if not all(_any(wanted, have[name]) for name, wanted in criteria.values.items()):
        return False
    if not criteria.dates:
        return True
    start, end = validity(doc)
    on, after, before = (criteria.dates.get(k) for k in DATE_CRITERIA)
    return ((on is None or start <= on <= end) and (after is None or start > after)
            and (before is None or end < before))
