"""Where an import's factor rows come from: records parsed already, or a large CSV file parsed
in a second process while this one writes.

Parsing and validating a row costs about as much as writing it, and Python runs one thread at
a time, so on a machine with two cores a large file is parsed in a child process that sends
plain row values (cheap to pickle, unlike records) in chunks; the importing process writes
each chunk as it comes. The child also cross-validates the file, on its own connection: the
peers are published factors, which the import's open transaction does not change. A file
with problems is still read to its end, so that every problem is reported, and nothing is
written (the importing transaction is rolled back).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import Connection, Engine

from tanzuji.factors import crossval
from tanzuji.factors.formats import Parsed, RowProblem
from tanzuji.factors.formats.csvfile import read_csv
from tanzuji.factors.record import ProcessRecord
from tanzuji.store.db import make_engine
from tanzuji.store.factor_rows import Values, cross_validate, row_values

CHUNK_ROWS = 2000
PARALLEL_FROM_BYTES = 1 << 20  # about 5,000 factors: below that a second process costs more
WAIT_S = 1.0  # how often the importer looks whether a silent child is still alive

Row = int | str | None  # where a record came from, as RowProblem.row
Chunk = tuple[list[Values], list[Row]]


@dataclass
class Ending:
    """What a source knows once all its factor rows are out."""

    problems: list[RowProblem] = field(default_factory=list)
    processes: list[ProcessRecord] = field(default_factory=list)
    process_rows: list[Row] = field(default_factory=list)


class FactorSource(Protocol):
    def chunks(self) -> Iterator[Chunk]: ...

    def ending(self) -> Ending: ...

    def flags(self, conn: Connection) -> list[crossval.Flag]: ...


class Records:
    """Records parsed already, in this process."""

    def __init__(self, parsed: Parsed) -> None:
        self.parsed = parsed

    def chunks(self) -> Iterator[Chunk]:
        factors, rows = self.parsed.factors, self.parsed.factor_rows
        for start in range(0, len(factors), CHUNK_ROWS):
            part = factors[start : start + CHUNK_ROWS]
            yield [row_values(r) for r in part], rows[start : start + CHUNK_ROWS]

    def ending(self) -> Ending:
        p = self.parsed
        return Ending(p.problems, p.processes, p.process_rows)

    def flags(self, conn: Connection) -> list[crossval.Flag]:
        return cross_validate(conn, self.parsed.factors) if self.parsed.factors else []


def parallel_suits(path: Path, fmt: str | None, engine: Engine) -> bool:
    """Whether to parse ``path`` in a second process: a large CSV file, into a database that
    a second connection can read (not an in-memory SQLite one), on more than one core."""
    if fmt != "csv" or (os.cpu_count() or 1) < 2 or not path.is_file():
        return False
    if engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
        return False
    return path.stat().st_size >= PARALLEL_FROM_BYTES


def _produce(path: str, url: str, out: Any) -> None:
    """The child: parse ``path``, send ("rows", values, rows) per chunk, then ("end", problems,
    processes, process rows, flags), or ("failed", traceback) if something breaks."""
    gc.disable()  # records hold no cycles; see FactorDB.import_file
    try:
        sent = 0

        def send(parsed: Parsed) -> None:
            nonlocal sent
            if parsed.problems:  # the import will fail: only the problems matter now
                return
            part = parsed.factors[sent:]
            if part:
                out.put(("rows", [row_values(r) for r in part], parsed.factor_rows[sent:]))
                sent = len(parsed.factors)

        parsed = read_csv(path, on_rows=send, every=CHUNK_ROWS)
        send(parsed)
        flags: list[crossval.Flag] = []
        if not parsed.problems and parsed.factors:
            engine = make_engine(url)
            try:
                with engine.connect() as conn, conn.begin():
                    if conn.dialect.name == "postgresql":
                        # the importer is filling the table meanwhile: planned by statistics
                        # from before, the peer queries scanned it whole (seconds)
                        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
                    flags = cross_validate(conn, parsed.factors)
            finally:
                engine.dispose()
        out.put(("end", parsed.problems, parsed.processes, parsed.process_rows, flags))
    except BaseException:  # reported to the importer, which raises it
        out.put(("failed", traceback.format_exc()))
    finally:
        out.close()
        out.join_thread()  # everything is handed to the pipe before the child exits


def start_method() -> str:
    """fork shares the loaded modules and starts at once, but only a process with one thread
    can fork safely (another thread may hold a lock the child then waits on forever)."""
    return "fork" if threading.active_count() == 1 else "spawn"


class ParallelCSV:
    """A CSV file parsed by a child process; use as a context manager (the child is stopped
    when the import ends early)."""

    def __init__(self, path: Path, engine: Engine) -> None:
        context: Any = multiprocessing.get_context(start_method())
        self.path = str(path)
        self._queue = context.Queue()
        self._child = context.Process(
            target=_produce, daemon=True,
            args=(self.path, engine.url.render_as_string(hide_password=False), self._queue))
        self._end: tuple[Any, ...] | None = None

    def __enter__(self) -> ParallelCSV:
        self._child.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._child.is_alive():
            self._child.terminate()
        self._child.join()
        self._queue.close()
        self._queue.cancel_join_thread()

    def _next(self) -> tuple[Any, ...]:
        while True:
            try:
                message: tuple[Any, ...] = self._queue.get(timeout=WAIT_S)
                return message
            except queue.Empty:
                if not self._child.is_alive() and self._queue.empty():
                    raise RuntimeError(f"{self.path}: the parsing process ended without an "
                                       f"answer (exit code {self._child.exitcode})") from None

    def chunks(self) -> Iterator[Chunk]:
        while True:
            message = self._next()
            if message[0] == "rows":
                yield message[1], message[2]
            elif message[0] == "end":
                self._end = message
                return
            else:
                raise RuntimeError(f"{self.path}: the parsing process failed:\n{message[1]}")

    def ending(self) -> Ending:
        assert self._end is not None, "chunks() first"
        return Ending(self._end[1], self._end[2], self._end[3])

    def flags(self, conn: Connection) -> list[crossval.Flag]:
        assert self._end is not None, "chunks() first"
        flags: list[crossval.Flag] = self._end[4]
        return flags
