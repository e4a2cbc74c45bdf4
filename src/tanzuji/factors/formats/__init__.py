"""File formats of the factor database: each reader returns a :class:`Parsed`.

A reader never raises on bad content: every row or element it cannot use becomes a
:class:`RowProblem` naming the file, the row (or
line, or XML element path) and the field, and the rest is still read, so one pass reports
everything. Whether a file with problems is imported at all is the store's decision (it is
not: an import is one transaction).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tanzuji.factors.record import FactorRecord, ProcessRecord


@dataclass(frozen=True)
class RowProblem:
    file: str
    row: int | str | None  # CSV/Excel row number, or an XML/JSON path inside an archive
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = ":".join(str(x) for x in (self.file, self.row) if x is not None)
        column = f" [{self.field}]" if self.field else ""
        return f"{where}{column}: {self.reason}"


@dataclass
class Parsed:
    factors: list[FactorRecord] = field(default_factory=list)
    processes: list[ProcessRecord] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    # where each record came from, for error messages later (same order as the lists)
    factor_rows: list[int | str | None] = field(default_factory=list)
    process_rows: list[int | str | None] = field(default_factory=list)

    def add_factor(self, record: FactorRecord, row: int | str | None) -> None:
        self.factors.append(record)
        self.factor_rows.append(row)

    def add_process(self, record: ProcessRecord, row: int | str | None) -> None:
        self.processes.append(record)
        self.process_rows.append(row)
