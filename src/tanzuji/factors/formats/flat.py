"""The flat row dialect shared by the CSV and Excel formats (and by study factor tables).

A flat table is a header plus rows of cells. The columns are ``FLAT_COLUMNS`` plus one
column per greenhouse gas, and the older study factor-table spellings are accepted too
(``name`` = name_en, ``co2e`` = value, ``sigma`` = ln spread, ``data`` ignored,
``value_unit`` = the CO2e unit of ``value``). Keeping the row -> record rules in one place
means a factor reads the same whichever file it came in, and the writers use
:func:`flat_table` so that reading what was written gives the same records back.

Round trip caveat: text cells are stripped and an empty cell means "not given", so text
fields with surrounding blanks or empty strings do not survive a round trip.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast, get_args

from pydantic import ValidationError

from tanzuji.factors.formats import Parsed, RowProblem
from tanzuji.factors.normalise import normalise_unit, parse_value_with_unit, rescale, value_scale
from tanzuji.factors.record import (
    FLAT_COLUMNS,
    ID_PATTERN,
    Distribution,
    FactorRecord,
    GeographyLevel,
    Kind,
    OriginName,
)
from tanzuji.gwp import GWPError, canonical_gas, gwp_set
from tanzuji.units import UnitError

Cell = str | int | float | dt.date | dt.datetime | None
# (row number, column index or None) -> what RowProblem.row says (a line, "factors!C12")
Locate = Callable[[int, int | None], int | str]

ALIASES = {"name": "name_en", "co2e": "value"}
EXTRA_COLUMNS = ("sigma", "value_unit", "data")  # understood but not in FLAT_COLUMNS
EXAMPLE_PREFIX = "example:"
GAS = "gas:"  # header target prefix of a gas column

_TEXT = ("name_en", "name_zh", "declared_unit", "boundary", "geography", "technology", "cpc",
         "hs", "cn_stat_code", "method", "pcr", "licence", "supersedes", "comment")
_PROVENANCE_TEXT = ("source", "publisher", "document", "announcement", "table", "url",
                    "developer")
_FLOATS = ("biogenic_carbon", "gsd", "sd", "min", "mode", "max", "sigma")
_INTS = ("year", "sample_size")
_DQR = ("reliability", "completeness", "temporal", "geographical", "technological")
_DQR_COLUMNS = frozenset(f"dqr_{d}" for d in _DQR)
_DATES = ("valid_from", "valid_until", "published")
_CHOICES: dict[str, tuple[str, ...]] = {
    "origin": get_args(OriginName), "kind": get_args(Kind),
    "geography_level": get_args(GeographyLevel), "distribution": get_args(Distribution),
}
_CHOICE_SETS = {key: frozenset(values) for key, values in _CHOICES.items()}
_SPREAD = frozenset(("gsd", "sigma", "sd", "min", "mode", "max"))
# what each simple column is, so that a row is read in one pass over its cells
_SORTS: dict[str, str] = {
    **dict.fromkeys(_TEXT[1:], "text"), **dict.fromkeys(_PROVENANCE_TEXT, "provenance"),
    **dict.fromkeys(("origin", "kind", "geography_level"), "choice"), "gwp": "gwp",
    **dict.fromkeys(_FLOATS, "float"),
    **dict.fromkeys((*_INTS, *_DQR_COLUMNS), "int"),
    **dict.fromkeys(_DATES, "date"),
}
_ID = re.compile(ID_PATTERN)
T = TypeVar("T")


def cell_text(cell: object) -> str:
    """A cell as the text a CSV would hold: whole floats lose '.0' (Excel stores 2019.0)."""
    if type(cell) is str:  # the common case (every CSV cell): no other test needed
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float):
        if cell.is_integer() and abs(cell) < 1e15:
            return str(int(cell))
        return repr(cell)
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time(0, 0):
            return cell.date().isoformat()
        return cell.isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


@dataclass
class Header:
    """Which field each column feeds; ``names`` maps a target back to the file's spelling."""

    targets: dict[int, str] = field(default_factory=dict)
    width: int = 0
    blank: set[int] = field(default_factory=set)  # columns without a name
    names: dict[str, str] = field(default_factory=dict)
    columns: dict[str, int] = field(default_factory=dict)

    def name(self, target: str) -> str:
        return self.names.get(target, target.removeprefix(GAS))


def _target(column: str) -> str | None:
    key = column.strip()
    low = key.lower()
    if low in FLAT_COLUMNS or low in EXTRA_COLUMNS:
        return low
    if low in ALIASES:
        return ALIASES[low]
    try:
        return GAS + canonical_gas(key)
    except GWPError:
        return None


def read_header(
    cells: Sequence[Cell], *, name_defaults_to_id: bool = False
) -> tuple[Header, list[tuple[int | None, str | None, str]], bool]:
    """Map the header row; returns the header, (column, field, reason) problems, and whether
    rows can be read at all (False when a required column is missing)."""
    header = Header(width=len(cells))
    problems: list[tuple[int | None, str | None, str]] = []
    for index, cell in enumerate(cells):
        column = cell_text(cell)
        if not column:
            header.blank.add(index)
            continue
        target = _target(column)
        if target is None:
            problems.append((index, column, f"unknown column {column!r} (neither a known "
                             "field nor a greenhouse gas)"))
            continue
        if target in header.names:
            problems.append((index, column, f"column {column!r} repeats column "
                             f"{header.names[target]!r}"))
            continue
        header.targets[index] = target
        header.names[target] = column
        header.columns[target] = index
    usable = True
    required = ("id",) if name_defaults_to_id else ("id", "name_en")
    for target in required:
        if target not in header.names:
            alias = [a for a, t in ALIASES.items() if t == target]
            also = f" (or {alias[0]!r})" if alias else ""
            problems.append((None, target, f"missing column {target!r}{also}"))
            usable = False
    return header, problems, usable


class _RowError(Exception):
    """A cell that cannot be read; carries the target field it belongs to."""

    def __init__(self, target: str, reason: str) -> None:
        super().__init__(reason)
        self.target = target
        self.reason = reason


@dataclass
class FlatReader:
    """Turns the rows of one flat table into FactorRecords, collecting problems."""

    file: str
    header: Header
    locate: Locate
    row_word: str = "line"
    name_defaults_to_id: bool = False
    skip_examples: bool = False
    parsed: Parsed = field(default_factory=Parsed)
    _seen: dict[str, int] = field(default_factory=dict)

    def problem(self, number: int, target: str | None, reason: str) -> None:
        column = self.header.columns.get(target) if target else None
        name = self.header.name(target) if target else None
        self.parsed.problems.append(RowProblem(self.file, self.locate(number, column), name,
                                               reason))

    def row(self, number: int, cells: Sequence[Cell]) -> None:
        """Read one data row (``number`` is its line or sheet row); blank rows are skipped."""
        texts: dict[str, str] = {}
        stray: list[int] = []  # cells beyond the header or under a column without a name
        targets = self.header.targets
        for index, cell in enumerate(cells):
            text = cell.strip() if type(cell) is str else cell_text(cell)
            if not text:
                continue
            target = targets.get(index)
            if target is not None:
                texts[target] = text
            elif index in self.header.blank or index >= self.header.width:
                stray.append(index)  # a shifted row (unquoted comma?); trailing blanks are ok
        if not texts and not stray:
            return
        if self.skip_examples and texts.get("id", "").startswith(EXAMPLE_PREFIX):
            return
        if stray:
            self.parsed.problems.append(RowProblem(
                self.file, self.locate(number, stray[0]), None,
                f"a value in column {stray[0] + 1} has no column name (a shifted row: an "
                "unquoted comma?)"))
            return
        errors: list[_RowError] = []
        record = self._record(texts, errors)
        for err in errors:
            self.problem(number, err.target, err.reason)
        fid = texts.get("id")
        if fid:  # a repeated id is reported even when the first row was malformed
            first = self._seen.setdefault(fid, number)
            if first != number:
                self.problem(number, "id", f"duplicate id {fid!r}: {self.row_word} {first} "
                             f"and {self.row_word} {number}")
                return
        if record is not None:
            self.parsed.add_factor(record, self.locate(number, None))

    def _record(self, texts: dict[str, str], errors: list[_RowError]) -> FactorRecord | None:
        data: dict[str, Any] = {}
        fid = texts.get("id", "")
        if not fid:
            errors.append(_RowError("id", "empty id"))
        elif not _ID.match(fid) or len(fid) > 200:
            errors.append(_RowError("id", f"id {fid!r} must start with a letter or digit and "
                                    "use only letters, digits and _ . : - / + (200 at most)"))
        data["id"] = fid
        name = texts.get("name_en") or (fid if self.name_defaults_to_id else "")
        if not name:
            errors.append(_RowError("name_en", "empty name_en"))
        data["name_en"] = name
        numbers: dict[str, float] = {}
        ints: dict[str, int] = {}
        dates: dict[str, dt.date] = {}
        gases: dict[str, float] = {}
        provenance: dict[str, Any] = {}
        column = self.header.name
        # one pass, in column order; the common cells are read inline (a call per cell costs
        # as much as the rest of the row), anything unusual goes through the checked path
        for key, text in texts.items():
            sort = _SORTS.get(key)
            if sort is None:  # id, name_en, unit, value, spread: handled around this loop
                if key.startswith(GAS):
                    gases[key.removeprefix(GAS)] = _attempt(errors, _number, column(key), key,
                                                            text)
            elif sort == "text":
                data[key] = text
            elif sort == "provenance":
                provenance[key] = text
            elif sort == "choice":
                low = text.lower()
                data[key] = low if low in _CHOICE_SETS[key] else _attempt(
                    errors, _choice, key, text, _CHOICES[key])
            elif sort == "gwp":
                data[key] = _attempt(errors, _gwp, text)
            elif sort == "float":
                numbers[key] = _attempt(errors, _number, column(key), key, text)
            elif sort == "int":
                ints[key] = int(text) if text.isascii() and text.isdigit() else _attempt(
                    errors, _whole, column(key), key, text)
            else:
                dates[key] = _attempt(errors, _date, column(key), key, text)
        if errors:
            return None  # the later steps need the cells above
        if "biogenic_carbon" in numbers:
            data["biogenic_carbon"] = numbers["biogenic_carbon"]
        if "year" in ints:
            data["year"] = ints["year"]
        data.update({k: v for k, v in dates.items() if k != "published"})
        if gases:
            data["gases"] = gases
        _attempt(errors, self._value_and_unit, texts, data)
        if "value" not in data and not gases and not errors:
            errors.append(_RowError("value", "give a value (kg CO2e per unit) or at least one "
                                    "gas column"))
        if "distribution" in texts or not numbers.keys().isdisjoint(_SPREAD):
            _attempt(errors, self._spread, texts, numbers, data)
        if not ints.keys().isdisjoint(_DQR_COLUMNS):
            _attempt(errors, self._dqr, ints, data)
        if "sample_size" in ints:
            provenance["sample_size"] = ints["sample_size"]
        if "published" in dates:
            provenance["published"] = dates["published"]
        data["provenance"] = provenance
        if errors:
            return None
        try:
            return FactorRecord.model_validate(data)
        except ValidationError as exc:
            for item in exc.errors():
                target = _loc_target(tuple(item["loc"]), item["msg"])
                errors.append(_RowError(target or "id", _message(item["msg"])))
            return None

    def _value_and_unit(self, texts: dict[str, str], data: dict[str, Any]) -> None:
        unit: str | None = None
        if "unit" in texts:
            try:
                unit = normalise_unit(texts["unit"])
            except UnitError as exc:
                raise _RowError("unit", str(exc)) from None
        value: float | None = None
        per: str | None = None  # the unit the value is given per, when the file says so
        if "value" in texts:
            text = texts["value"]
            column = self.header.name("value")
            try:
                value = float(text)
            except ValueError:
                if "/" not in text or not re.match(r"^\s*[-+]?(\d|\.\d)", text):
                    raise _RowError("value", f"{column} must be a number, not {text!r}"
                                    ) from None
                try:
                    value, per = parse_value_with_unit(text)
                except UnitError as exc:
                    raise _RowError("value", f"{column}: {exc}") from None
            if not math.isfinite(value):
                raise _RowError("value", f"{column} must be a finite number, not {text!r}")
            if per is None and "value_unit" in texts:
                scale, per = _value_unit(texts["value_unit"])
                value *= scale
        if unit is None:
            if per is None:
                raise _RowError("unit", "no unit: fill the unit column, or write the value "
                                "with its unit such as '12.3 kgCO2e/kg'")
            unit = per
        elif per is not None and per != unit:
            assert value is not None
            try:
                value = rescale(value, per, unit)
            except UnitError as exc:
                raise _RowError("value", f"the value is per {per} but unit is {unit}: {exc}"
                                ) from None
        data["unit"] = unit
        if value is not None:
            data["value"] = value

    def _spread(self, texts: dict[str, str], numbers: dict[str, float],
                data: dict[str, Any]) -> None:
        distribution = None
        if "distribution" in texts:
            distribution = _choice("distribution", texts["distribution"],
                                   _CHOICES["distribution"])
        gsd, sigma = numbers.get("gsd"), numbers.get("sigma")
        if sigma is not None:
            if sigma < 0:
                raise _RowError("sigma", "sigma must not be negative")
            if gsd is not None and not math.isclose(math.log(gsd), sigma, abs_tol=1e-9):
                raise _RowError("sigma", f"gsd {gsd} and sigma {sigma} disagree "
                                "(gsd = exp(sigma)): give one of them")
            if gsd is None and sigma > 0:
                gsd = math.exp(sigma)
        if gsd is not None:
            if gsd < 1.0:
                raise _RowError("gsd", "gsd must be at least 1")
            if gsd == 1.0:
                gsd = None  # no spread
        params: dict[str, float] = {k: numbers[k] for k in ("sd", "min", "mode", "max")
                                    if k in numbers}
        if gsd is not None:
            params["gsd"] = gsd
        if distribution is None:
            if not params:
                return
            if "gsd" in params:
                distribution = "lognormal"
            elif "sd" in params:
                distribution = "normal"
            else:
                raise _RowError("distribution", "give the distribution (triangular or "
                                "uniform) of min/mode/max")
        elif distribution == "lognormal" and not params:
            return  # lognormal with gsd 1 (or sigma 0): certain
        data["uncertainty"] = {"distribution": distribution, **params}

    def _dqr(self, ints: dict[str, int], data: dict[str, Any]) -> None:
        if not ints.keys() & _DQR_COLUMNS:
            return
        given = {d: ints[f"dqr_{d}"] for d in _DQR if f"dqr_{d}" in ints}
        missing = [d for d in _DQR if d not in given]
        if missing:
            raise _RowError(f"dqr_{missing[0]}", "give all five dqr scores or none (missing "
                            f"{', '.join('dqr_' + m for m in missing)})")
        data["dqr"] = given


def _attempt(errors: list[_RowError], fn: Callable[..., T], *args: Any) -> T:
    """Run one cell's conversion; a failure is recorded (the row is dropped later)."""
    try:
        return fn(*args)
    except _RowError as err:
        errors.append(err)
        return cast(T, None)


def _number(column: str, target: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise _RowError(target, f"{column} must be a number, not {text!r}") from None
    if not math.isfinite(number):
        raise _RowError(target, f"{column} must be a finite number, not {text!r}")
    return number


def _whole(column: str, target: str, text: str) -> int:
    number = _number(column, target, text)
    if not number.is_integer():
        raise _RowError(target, f"{column} must be a whole number, not {text!r}")
    return int(number)


def _date(column: str, target: str, text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _RowError(target, f"{column} must be a date YYYY-MM-DD, not {text!r}")


def _choice(column: str, text: str, choices: tuple[str, ...]) -> str:
    value = text.strip().lower()
    if value not in choices:
        raise _RowError(column, f"{column} must be one of {', '.join(choices)}, not {text!r}")
    return value


def _gwp(text: str) -> str:
    try:
        return gwp_set(text).name
    except GWPError as exc:
        raise _RowError("gwp", str(exc)) from None


def _value_unit(text: str) -> tuple[float, str | None]:
    """``tCO2e`` -> (1000, None); ``tCO2e/公吨`` -> (1000, 't')."""
    try:
        if "/" in text:
            return parse_value_with_unit(f"1 {text}")
        return value_scale(text), None
    except UnitError as exc:
        raise _RowError("value_unit", str(exc)) from None


def _loc_target(loc: tuple[int | str, ...], message: str) -> str | None:
    """The flat column a pydantic error location belongs to."""
    if not loc:
        for name in ("valid_from", "value", "unit"):
            if name in message:
                return name
        return None
    head = str(loc[0])
    rest = str(loc[1]) if len(loc) > 1 else None
    if head == "uncertainty":
        return rest if rest in ("gsd", "sd", "min", "mode", "max") else "distribution"
    if head == "dqr":
        return f"dqr_{rest}" if rest in _DQR else "dqr_reliability"
    if head == "provenance":
        return rest or "source"
    if head == "gases":
        return GAS + rest if rest else None
    return head


def _message(text: str) -> str:
    return text.removeprefix("Value error, ")


def parse_rows(
    file: str,
    rows: Iterable[tuple[int, Sequence[Cell]]],
    *,
    locate: Locate | None = None,
    row_word: str = "line",
    name_defaults_to_id: bool = False,
    skip_examples: bool = False,
    into: Parsed | None = None,
) -> Parsed:
    """Read a flat table: the first non-blank row is the header; ``rows`` yields
    (line or row number, cells). Problems name ``locate(number, column)``. The records and
    problems go to ``into`` (a new Parsed by default), which is returned."""
    where: Locate = locate or (lambda number, _column: number)
    reader: FlatReader | None = None
    parsed = Parsed() if into is None else into
    for number, cells in rows:
        if reader is None:
            if not any(cell_text(c) for c in cells):
                continue
            header, problems, usable = read_header(cells,
                                                   name_defaults_to_id=name_defaults_to_id)
            for column, name, reason in problems:
                parsed.problems.append(RowProblem(file, where(number, column), name, reason))
            if not usable:
                return parsed
            reader = FlatReader(file, header, where, row_word, name_defaults_to_id,
                                skip_examples, parsed)
            continue
        reader.row(number, cells)
    if reader is None and not parsed.problems:
        parsed.problems.append(RowProblem(file, None, None, "no header row: the file is empty"))
    return parsed


def gas_columns(factors: Iterable[FactorRecord]) -> list[str]:
    """The gas columns a set of records needs: CO2, CH4, N2O first, then the rest sorted."""
    used = {gas for f in factors for gas in f.gases}
    first = [g for g in ("CO2", "CH4", "N2O") if g in used]
    return first + sorted(used - set(first))


def flat_table(factors: Sequence[FactorRecord],
               extra_gases: Sequence[str] = ()) -> tuple[list[str], list[list[Cell]]]:
    """Header and typed cells of ``factors`` in the flat spelling (the writers' common part)."""
    gases = gas_columns(factors)
    gases += [g for g in extra_gases if g not in gases]
    header = [*FLAT_COLUMNS, *gases]
    rows: list[list[Cell]] = []
    for f in factors:
        spread = f.uncertainty
        dqr = f.dqr
        prov = f.provenance
        values: dict[str, Cell] = {
            "id": f.id, "name_en": f.name_en, "unit": f.unit, "value": f.value, "gwp": f.gwp,
            "origin": f.origin, "biogenic_carbon": f.biogenic_carbon, "kind": f.kind,
            "geography_level": f.geography_level, "year": f.year, "valid_from": f.valid_from,
            "valid_until": f.valid_until,
            "sample_size": prov.sample_size, "published": prov.published,
        }
        for key in _TEXT[1:]:
            values[key] = getattr(f, key)
        for key in _PROVENANCE_TEXT:
            values[key] = getattr(prov, key)
        if spread is not None:
            values["distribution"] = spread.distribution
            for key in ("gsd", "sd", "min", "mode", "max"):
                values[key] = getattr(spread, key)
        if dqr is not None:
            for key in _DQR:
                values[f"dqr_{key}"] = getattr(dqr, key)
        row = [values.get(column) for column in FLAT_COLUMNS]
        row += [f.gases.get(gas) for gas in gases]
        rows.append(row)
    return header, rows
