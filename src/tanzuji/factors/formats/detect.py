"""Pick the reader for a file: by ``format`` when given, else by its name and content."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tanzuji.factors.formats import Parsed, RowProblem

FORMATS = ("csv", "excel", "jsonld", "ecospold2", "ilcd")


def guess_format(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".xlsx", ".xlsm")):
        return "excel"
    if name.endswith(".spold"):
        return "ecospold2"
    if path.is_dir():
        if any(path.glob("*.spold")):
            return "ecospold2"
        if (path / "processes").is_dir():
            return "ilcd"
        return None
    if name.endswith(".zip") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        if any(n.endswith(".spold") for n in names):
            return "ecospold2"
        if any(n.endswith(".json") for n in names):
            return "jsonld"
        if any(n.endswith(".xml") for n in names):
            return "ilcd"
    if name.endswith(".xml"):
        head = path.read_bytes()[:2000]
        if b"EcoSpold02" in head:
            return "ecospold2"
        return "ilcd"
    return None


def read_any(path: Path, fmt: str | None = None) -> tuple[Parsed, str]:
    """Parse ``path``; the format is ``fmt`` or guessed. Problems, never exceptions."""
    chosen = fmt or guess_format(path)
    if not path.exists():
        return Parsed(problems=[RowProblem(str(path), None, None, "no such file")]), chosen or "?"
    if chosen is None:
        reason = (f"cannot tell the format; name it with --format ({', '.join(FORMATS)})")
        return Parsed(problems=[RowProblem(str(path), None, None, reason)]), "?"
    if chosen == "csv":
        from tanzuji.factors.formats.csvfile import read_csv
        return read_csv(path), chosen
    if chosen == "excel":
        from tanzuji.factors.formats.excel import read_excel
        return read_excel(path), chosen
    if chosen == "jsonld":
        from tanzuji.factors.formats.jsonld import read_jsonld
        return read_jsonld(path), chosen
    if chosen == "ecospold2":
        from tanzuji.factors.formats.ecospold2 import read_ecospold2
        return read_ecospold2(path), chosen
    if chosen == "ilcd":
        from tanzuji.factors.formats.ilcd import read_ilcd
        return read_ilcd(path), chosen
    reason = f"unknown format {chosen!r}; choose one of {', '.join(FORMATS)}"
    return Parsed(problems=[RowProblem(str(path), None, None, reason)]), chosen
