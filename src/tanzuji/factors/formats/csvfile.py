"""CSV factor files: the flat dialect (:mod:`.flat`), utf-8 with or without a BOM.

Lines starting with ``#`` (outside a quoted cell) are comments; problems cite the file's own
line numbers, so a reviewer can jump straight to the line. The writer adds a BOM so that
Excel opens Chinese text correctly; the reader does not need it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from tanzuji.factors.formats import Parsed, RowProblem
from tanzuji.factors.formats.flat import Cell, flat_table, parse_rows
from tanzuji.factors.record import FactorRecord


def _records(text: str, file: str, problems: list[RowProblem]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of each CSV record; comment lines skipped."""
    state = {"line": 0, "start": 0, "at_start": True}
    lines = io.StringIO(text, newline="")

    def feed() -> Iterator[str]:
        for raw in lines:
            state["line"] += 1
            if state["at_start"]:
                if raw.lstrip().startswith("#"):
                    continue
                state["start"] = state["line"]
                state["at_start"] = False
            yield raw

    reader = csv.reader(feed())
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(RowProblem(file, state["start"], None, f"malformed CSV: {exc}"))
            state["at_start"] = True
            continue
        state["at_start"] = True
        yield state["start"], cells


def _every(items: Iterable[tuple[int, list[str]]], step: int,
           call: Callable[[], None]) -> Iterator[tuple[int, list[str]]]:
    """``items``, calling ``call`` before each ``step``-th item (the rows before it read)."""
    for count, item in enumerate(items, 1):
        if count % step == 0:
            call()
        yield item


def read_csv(path: Path | str, *, name_defaults_to_id: bool = False,
             on_rows: Callable[[Parsed], None] | None = None, every: int = 2000) -> Parsed:
    """Read a factor CSV; never raises on content, every problem is in ``Parsed.problems``.

    ``name_defaults_to_id`` lets a study's factor table leave out names. ``on_rows`` is
    called with the growing result after about every ``every`` lines, so that a caller can
    use the first records while the rest are read.
    """
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return Parsed(problems=[RowProblem(file, None, None, f"cannot read: {exc}")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        return Parsed(problems=[RowProblem(file, line, None,
                                           f"not UTF-8 text (save the file as UTF-8): {exc}")])
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        return Parsed(problems=[RowProblem(file, line, None,
                                           "contains NUL bytes: not a CSV text file")])
    parsed = Parsed()
    records = _records(text, file, parsed.problems)
    if on_rows is not None:
        records = _every(records, every, lambda: on_rows(parsed))
    parse_rows(file, records, name_defaults_to_id=name_defaults_to_id, into=parsed)
    parsed.problems.sort(key=_order)
    return parsed


def _order(problem: RowProblem) -> tuple[int, int]:
    return (problem.row if isinstance(problem.row, int) else 0, 0)


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float):
        return repr(cell)
    if hasattr(cell, "isoformat"):
        return cell.isoformat()
    return str(cell)


def write_csv(path: Path | str, factors: Sequence[FactorRecord]) -> None:
    """Write ``factors`` so that :func:`read_csv` gives them back (floats as ``repr``)."""
    header, rows = flat_table(factors)
    with Path(path).open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_text(cell) for cell in row])
