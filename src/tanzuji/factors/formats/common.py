"""What the exchange-format readers share: safe XML, archives, and a problem context.

Used by the EcoSpold2, ILCD and JSON-LD readers; nothing here knows any one format.
"""

from __future__ import annotations

import datetime as dt
import importlib
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError

from tanzuji.factors.formats import RowProblem
from tanzuji.factors.normalise import normalise_unit
from tanzuji.factors.record import Spread
from tanzuji.units import UnitError, conversion_factor

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_SAFE = importlib.import_module("defusedxml.ElementTree")  # untyped; wrapped below


def parse_xml(data: bytes) -> Element:
    """Parse untrusted XML (no entities, no DTD tricks); raises ValueError on bad XML."""
    try:
        return cast(Element, _SAFE.fromstring(data))
    except ParseError as exc:
        raise ValueError(f"not well-formed XML: {exc}") from None


def read_members(path: Path, suffixes: tuple[str, ...],
                 problems: list[RowProblem]) -> list[tuple[str, str, bytes]]:
    """``(label, member, bytes)`` of every file ending in ``suffixes`` in a file, folder or zip.

    ``label`` names the file for problems (``archive.zip!member`` inside a zip).
    """
    out: list[tuple[str, str, bytes]] = []
    try:
        if path.is_dir():
            for item in sorted(path.rglob("*")):
                if item.is_file() and item.name.lower().endswith(suffixes):
                    rel = item.relative_to(path).as_posix()
                    try:
                        out.append((str(item), rel, item.read_bytes()))
                    except OSError as exc:
                        problems.append(RowProblem(str(item), None, None, f"unreadable: {exc}"))
            return out
        if path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for info in archive.infolist():
                    if info.is_dir() or not info.filename.lower().endswith(suffixes):
                        continue
                    label = f"{path}!{info.filename}"
                    try:
                        out.append((label, info.filename, archive.read(info)))
                    except Exception as exc:  # any broken member is a problem
                        problems.append(RowProblem(label, None, None, f"unreadable: {exc}"))
            return out
        return [(str(path), path.name, path.read_bytes())]
    except (OSError, zipfile.BadZipFile, RuntimeError, ValueError) as exc:
        problems.append(RowProblem(str(path), None, None, f"unreadable archive or file: {exc}"))
        return out


@dataclass
class Ctx:
    """The file being read and where its problems go."""

    file: str
    problems: list[RowProblem]

    def bad(self, row: str | None, field_name: str | None, reason: str) -> None:
        self.problems.append(RowProblem(self.file, row, field_name, reason))

    def number(self, text: str | None, row: str, field_name: str,
               required: bool = True) -> float | None:
        """A finite float, or None and a problem."""
        if text is None or not text.strip():
            if required:
                self.bad(row, field_name, "missing number")
            return None
        try:
            value = float(text)
        except ValueError:
            self.bad(row, field_name, f"not a number: {text!r}")
            return None
        if not math.isfinite(value):
            self.bad(row, field_name, f"not a finite number: {text!r}")
            return None
        return value

    def date(self, text: str | None, row: str, field_name: str) -> dt.date | None:
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text.strip()[:10])
        except ValueError:
            self.bad(row, field_name, f"not a date: {text!r}")
            return None

    def unit(self, text: str | None, row: str) -> str | None:
        if not text or not text.strip():
            self.bad(row, "unit", "no unit given (or no flow property / unit group found)")
            return None
        try:
            return normalise_unit(text or "")
        except UnitError as exc:
            self.bad(row, "unit", str(exc))
            return None

    def kg(self, amount: float, unit: str | None, row: str) -> float | None:
        """An elementary amount in kg (GHG flows are masses)."""
        if unit in (None, "", "kg"):
            return amount
        try:
            return amount * conversion_factor(unit or "", "kg")
        except (UnitError, ValueError) as exc:
            self.bad(row, "unit", f"a greenhouse gas must be a mass: {exc}")
            return None

    def spread(self, make: dict[str, Any], row: str) -> Spread | None:
        try:
            return Spread.model_validate(make)
        except ValueError as exc:
            self.bad(row, "uncertainty", str(exc).replace("\n", "; "))
            return None


def lang_text(parent: Element | None, tag: str, lang: str = "en") -> str | None:
    """Text of the child ``tag`` in ``lang`` (else the first one without a language)."""
    if parent is None:
        return None
    items = parent.findall(tag)
    for item in items:
        if item.get(XML_LANG, "").lower().startswith(lang) and (item.text or "").strip():
            return (item.text or "").strip()
    if lang == "en":
        for item in items:
            if (item.text or "").strip():
                return (item.text or "").strip()
    return None


def drop_none(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}
