"""The factor database: imports, review, releases, search and traceability over the tables.

Every public method is one transaction: it either completes or leaves the database exactly
as it was (a failed import changes nothing, including the import log). Factor ids are global:
one id belongs to one dataset, so ``show ID`` and a study's ``factor: ID`` are unambiguous.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Engine,
    String,
    Table,
    and_,
    any_,
    bindparam,
    func,
    insert,
    or_,
    select,
    union,
    update,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from tanzuji.factors import crossval
from tanzuji.factors.formats import Parsed, RowProblem
from tanzuji.factors.formats.detect import guess_format, read_any
from tanzuji.factors.record import FactorRecord, ProcessRecord
from tanzuji.factors.review import Review, ReviewError, step
from tanzuji.ledger import log as ledger
from tanzuji.store.db import (
    NoSchemaError,
    open_engine,
    transaction,
)
from tanzuji.store.factor_rows import RECORD_COLUMNS, SHA, canonical, chunks
from tanzuji.store.factor_stream import (
    FactorSource,
    ParallelCSV,
    Records,
    parallel_suits,
)
from tanzuji.store.tables import (
    Base,
    Dataset,
    FactorVersion,
    ImportRun,
    ProcessVersion,
    QualityFlag,
    Release,
    ReleaseFactor,
    ReleaseProcess,
    ReviewEvent,
    utcnow,
)

_FV = Base.metadata.tables["factor_versions"]  # Core tables, for bulk statements
_RF = Base.metadata.tables["release_factors"]
# a new version row: the record's columns, then where and by whom it was written
_INSERT_COLUMNS = (*RECORD_COLUMNS, "dataset_id", "version", "withdrawn", "released", "current",
                   "import_pk", "created_by", "created_at")


class FactorDBError(ValueError):
    """A request the database refuses; ``problems`` name file, row and field where known."""

    def __init__(self, message: str, problems: Sequence[RowProblem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)


@dataclass
class ImportReport:
    dataset: str
    file: str
    format: str
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    processes: int = 0
    flags: list[crossval.Flag] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    factor_id: str
    fields: dict[str, tuple[Any, Any]]  # field -> (old, new)


@dataclass
class Diff:
    old: str
    new: str
    added: list[str]
    changed: list[Change]
    withdrawn: list[str]


def _content_digest(members: Iterable[tuple[str, str]]) -> str:
    """What a release's ``content_sha256`` says: its (factor id, record sha256) pairs."""
    digest = hashlib.sha256()
    for factor_id, sha in sorted(members):
        digest.update(f"{factor_id}\0{sha}\n".encode())
    return digest.hexdigest()


def content_digest(records: Iterable[FactorRecord]) -> str:
    """The ``content_sha256`` a release of exactly ``records`` would have."""
    return _content_digest((r.id, canonical(r)[1]) for r in records)


def _newest(*where: Any) -> Any:
    """Subquery ``(factor_id, v)``: the newest version number of each factor id matching
    ``where``."""
    return (select(_FV.c.factor_id, func.max(_FV.c.version).label("v")).where(*where)
            .group_by(_FV.c.factor_id).subquery())


def _is_newest(newest: Any) -> Any:
    return and_(_FV.c.factor_id == newest.c.factor_id, _FV.c.version == newest.c.v)


def _bulk_insert(conn: Connection, table: Table, columns: Sequence[str],
                 rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows of ``columns`` through the driver: COPY on PostgreSQL, one prepared
    executemany on SQLite. At 100,000 rows SQLAlchemy's per-row parameter handling (and
    psycopg's pipelined executemany) cost more than the insert itself, so the values must be
    what the driver takes (see :func:`_stored`)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        with _copy_into(conn, table, columns) as copy:
            for row in rows:
                copy.write_row(row)
        return
    conn.exec_driver_sql(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES "
                         f"({', '.join('?' * len(columns))})", list(rows))


@contextmanager
def _copy_into(conn: Connection, table: Table, columns: Sequence[str]) -> Iterator[Any]:
    """A ``COPY table (columns) FROM STDIN`` on ``conn`` (PostgreSQL): write rows with
    ``write_row``; leaving ends it, or aborts it on an error."""
    raw: Any = conn.connection.dbapi_connection
    with raw.cursor() as cursor, cursor.copy(
            f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        yield copy


class _VersionWriter:
    """Writes an import's new version rows, chunk by chunk, as they are parsed.

    SQLite: one executemany per chunk; the writer numbers the rows itself so that their
    full-text entries go in with them (no trigger per row, no reading back).
    PostgreSQL: one COPY for all chunks, so that the server inserts and indexes the rows
    while this process prepares the next chunk; the main connection is busy with the COPY
    meanwhile, so the lookups go to a second one (:meth:`lookups`), which sees the
    committed versions: all an import compares with, as its own ids are unique."""

    _TEXT_AT = 1 + _INSERT_COLUMNS.index("search_text")  # after the pk

    def __init__(self, conn: Connection, engine: Engine) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self.next_pk = (conn.scalar(select(func.max(_FV.c.pk))) or 0) + 1 if self.sqlite else 0
        self._stack = ExitStack()
        self._engine = engine
        self._copy: Any = None
        self._peek: Connection | None = None

    def __enter__(self) -> _VersionWriter:
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stack.__exit__(*exc)  # ends the COPY (aborts it on an error), frees the peek

    def lookups(self) -> Connection:
        """The connection for version lookups while rows are being written."""
        if self.sqlite:
            return self.conn
        if self._peek is None:
            self._peek = self._stack.enter_context(self._engine.connect())
            self._stack.enter_context(self._peek.begin())
            # an index lookup by factor id is all it does: planning by statistics that
            # predate the import chose whole-table scans, seconds each at 100,000 rows
            self._peek.exec_driver_sql("SET LOCAL enable_seqscan = off")
        return self._peek

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        if not self.sqlite:
            if self._copy is None:
                self._copy = self._stack.enter_context(
                    _copy_into(self.conn, _FV, _INSERT_COLUMNS))
            for row in rows:
                self._copy.write_row(row)
            return
        numbered = [(self.next_pk + i, *row) for i, row in enumerate(rows)]
        self.next_pk += len(numbered)
        _bulk_insert(self.conn, _FV, ("pk", *_INSERT_COLUMNS), numbered)
        self.conn.exec_driver_sql("INSERT INTO factor_fts(rowid, search_text) VALUES (?, ?)",
                                  [(r[0], r[self._TEXT_AT]) for r in numbered])


def _stored(conn: Connection, column: Any, value: Any) -> Any:
    """``value`` as the driver takes it for ``column`` (SQLite keeps times as text)."""
    convert = column.type.bind_processor(conn.dialect)
    return value if convert is None else convert(value)


def _file_digest(path: Path) -> str:
    """sha256 of the file, or of a folder's files in name order."""
    digest = hashlib.sha256()
    files = sorted(x for x in path.rglob("*") if x.is_file()) if path.is_dir() else [path]
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Pause Python's cycle collector while a file's records are built: records hold no
    cycles, and the collector's passes over 100,000 fresh objects cost a quarter of the
    import time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_release(name: str) -> tuple[str, int | None]:
    """``starter@3`` -> ("starter", 3); ``starter`` -> ("starter", None) (the newest)."""
    dataset, _, number = name.partition("@")
    if not dataset:
        raise FactorDBError(f"release {name!r}: expected DATASET@NUMBER")
    if not number:
        return dataset, None
    if not number.isdigit():
        raise FactorDBError(f"release {name!r}: the number after @ must be a whole number")
    return dataset, int(number)


class FactorDB:
    """The factor database behind one SQLAlchemy engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, migrate: bool = True) -> FactorDB:
        """The database at ``url`` (default ``TANZUJI_DATABASE_URL``), upgraded to the newest
        schema, or, with ``migrate=False``, as it is: then it must have a schema already."""
        try:
            return cls(open_engine(url, migrate))
        except NoSchemaError as exc:
            raise FactorDBError(str(exc)) from None

    # -- datasets ----------------------------------------------------------------------------

    def create_dataset(self, dataset_id: str, title: str, by: str, *, public: bool = False,
                       publisher: str | None = None, licence: str | None = None,
                       description: str | None = None) -> None:
        with transaction(self.engine) as s:
            if s.get(Dataset, dataset_id) is not None:
                raise FactorDBError(f"dataset {dataset_id!r} exists already")
            s.add(Dataset(id=dataset_id, title=title, public=public, publisher=publisher,
                          licence=licence, description=description, created_by=by,
                          state="draft"))
            s.add(ReviewEvent(dataset_id=dataset_id, action="create", actor=by,
                              from_state="-", to_state="draft", comment=title))
            ledger.record(s, actor=by, action="create", kind="dataset", object_id=dataset_id,
                   payload={"title": title, "public": public, "publisher": publisher,
                            "licence": licence, "state": "draft"})

    def datasets(self) -> list[dict[str, Any]]:
        with transaction(self.engine) as s:
            out = []
            for ds in s.scalars(select(Dataset).order_by(Dataset.id)):
                latest = self._latest_release(s, ds.id)
                pending = self._has_changes(s, ds.id)
                out.append({"id": ds.id, "title": ds.title, "public": ds.public,
                            "state": ds.state, "publisher": ds.publisher,
                            "licence": ds.licence,
                            "release": latest.name if latest else None,
                            "factors": latest.n_factors if latest else 0,
                            "pending_changes": pending})
            return out

    def _dataset(self, s: Session, dataset_id: str) -> Dataset:
        ds = s.get(Dataset, dataset_id)
        if ds is None:
            known = ", ".join(s.scalars(select(Dataset.id).order_by(Dataset.id))) or "none"
            raise FactorDBError(f"no dataset {dataset_id!r} (datasets: {known})")
        return ds

    # -- imports -----------------------------------------------------------------------------

    def import_file(self, path: str | Path, dataset: str, by: str, *, fmt: str | None = None,
                    replace: bool = False, parallel: bool | None = None) -> ImportReport:
        """Import every factor and process of a file into ``dataset``'s draft, or nothing.

        A large CSV file is parsed by a second process while this one writes
        (:mod:`tanzuji.store.factor_stream`); ``parallel`` forces that on or off."""
        p = Path(path)
        chosen = fmt or guess_format(p)
        if parallel is None:
            parallel = parallel_suits(p, chosen, self.engine)
        with _no_cycle_collection():
            if parallel and chosen == "csv" and p.is_file():
                with ParallelCSV(p, self.engine) as source:
                    return self._import(source, dataset, by, file_name=str(p), fmt=chosen,
                                        file_sha256=_file_digest(p), replace=replace)
            parsed, chosen = read_any(p, fmt)
            if parsed.problems:
                raise FactorDBError(f"{p}: {len(parsed.problems)} problem(s); nothing imported",
                                    parsed.problems)
            return self.import_parsed(parsed, dataset, by, file_name=str(p), fmt=chosen,
                                      file_sha256=_file_digest(p), replace=replace)

    def import_parsed(self, parsed: Parsed, dataset: str, by: str, *, file_name: str,
                      fmt: str, file_sha256: str, replace: bool = False) -> ImportReport:
        problems = list(parsed.problems)
        seen: dict[str, int | str | None] = {}
        for record, row in zip(parsed.factors, parsed.factor_rows, strict=True):
            if record.id in seen:
                problems.append(RowProblem(file_name, row, "id", f"duplicate id {record.id!r} "
                                           f"(first at {seen[record.id]})"))
            seen[record.id] = row
        if problems:
            raise FactorDBError(f"{file_name}: {len(problems)} problem(s); nothing imported",
                                problems)
        return self._import(Records(parsed), dataset, by, file_name=file_name, fmt=fmt,
                            file_sha256=file_sha256, replace=replace)

    def _import(self, source: FactorSource, dataset: str, by: str, *, file_name: str,
                fmt: str, file_sha256: str, replace: bool) -> ImportReport:
        report = ImportReport(dataset, file_name, fmt)
        with transaction(self.engine) as s:
            ds = self._dataset(s, dataset)
            self._apply(s, ds, "edit", by)
            run = ImportRun(dataset_id=dataset, file_name=file_name, file_sha256=file_sha256,
                            format=fmt, imported_by=by)
            s.add(run)
            s.flush()
            written = self._import_factors(s, ds, source, run, by, replace, report)
            end = source.ending()
            if end.problems:
                raise FactorDBError(f"{file_name}: {len(end.problems)} problem(s); nothing "
                                    "imported", end.problems)
            report.processes = self._import_processes(s, ds, end.processes, run, by)
            run.added, run.changed = report.added, report.changed
            run.unchanged, run.withdrawn = report.unchanged, report.withdrawn
            if self.engine.dialect.name == "sqlite":
                # SQLite has no statistics until asked; PostgreSQL's autovacuum analyzes the
                # table once the import is committed (0.4 s here at 100,000 rows)
                self._refresh_statistics(s, len(written))
            report.flags = [f for f in source.flags(s.connection()) if f.factor_id in written]
            self._store_flags(s, run.pk, report.flags)
            ledger.record(s, actor=by, action="import", kind="dataset", object_id=dataset,
                   payload={"import": run.pk, "file": file_name, "file_sha256": file_sha256,
                            "format": fmt, "added": report.added, "changed": report.changed,
                            "unchanged": report.unchanged, "withdrawn": report.withdrawn,
                            "processes": report.processes, "flags": len(report.flags)})
        return report

    def _refresh_statistics(self, s: Session, rows: int) -> None:
        """After a bulk change the planners need fresh statistics (PostgreSQL's autovacuum
        comes later; SQLite has none until asked), or searches pick poor plans: without them
        a two-character Chinese search on SQLite takes twice as long. SQLite samples a
        bounded number of rows per index, so this stays cheap on large tables."""
        if rows < 1000:
            return
        if self.engine.dialect.name == "sqlite":
            s.execute(sql("PRAGMA analysis_limit=2000"))
        s.execute(sql("ANALYZE factor_versions"))
        s.execute(sql("ANALYZE release_factors"))

    def _import_factors(self, s: Session, ds: Dataset, source: FactorSource, run: ImportRun,
                        by: str, replace: bool, report: ImportReport) -> set[str]:
        """Write the source's rows chunk by chunk: a new version of each factor that is new
        or changed (a draft version no release holds yet is overwritten instead). Returns
        the ids written."""
        conn = s.connection()
        created_at = _stored(conn, _FV.c.created_at, utcnow())
        present: set[str] = set()
        written: set[str] = set()
        foreign: list[RowProblem] = []
        updates: list[dict[str, Any]] = []
        with _VersionWriter(conn, self.engine) as writer:
            for values, rows in source.chunks():
                latest = self._latest_versions(writer.lookups(), [v[0] for v in values])
                inserts: list[tuple[Any, ...]] = []
                for v, row in zip(values, rows, strict=True):
                    fid = v[0]
                    present.add(fid)
                    old = latest.get(fid)
                    if old is None or old.withdrawn:
                        report.added += 1
                    elif old.dataset_id != ds.id:
                        foreign.append(RowProblem(run.file_name, row, "id", f"id {fid!r} "
                                                  f"belongs to dataset {old.dataset_id!r}"))
                        continue
                    elif old.record_sha256 == v[SHA]:
                        report.unchanged += 1
                        continue
                    else:
                        report.changed += 1
                    written.add(fid)
                    if old is not None and not old.released:
                        updates.append({"pk": old.pk, "import_pk": run.pk, "created_by": by,
                                        **dict(zip(RECORD_COLUMNS, v, strict=True))})
                    else:
                        version = 1 if old is None else old.version + 1
                        inserts.append((*v, ds.id, version, False, False, False, run.pk, by,
                                        created_at))
                if not foreign:
                    writer.write(inserts)
        if foreign:
            raise FactorDBError(f"{run.file_name}: {len(foreign)} id(s) belong to other "
                                "datasets; nothing imported", foreign)
        if replace:
            with _VersionWriter(conn, self.engine) as writer:
                report.withdrawn += self._withdraw_absent(s, writer, ds.id, present, run.pk,
                                                          by, created_at)
        if updates:  # SQLite's full-text index follows by trigger
            s.execute(update(FactorVersion).execution_options(synchronize_session=False),
                      updates)
        s.flush()
        return written

    @staticmethod
    def _store_flags(s: Session, import_pk: int, flags: list[crossval.Flag]) -> None:
        """Record the flags against the versions this import wrote."""
        if not flags:
            return
        pks: dict[str, int] = {}
        conn = s.connection()
        for chunk in chunks(sorted({f.factor_id for f in flags})):
            rows = conn.execute(select(_FV.c.factor_id, _FV.c.pk).where(
                _FV.c.import_pk == import_pk, _FV.c.withdrawn.is_(False),
                _FV.c.factor_id.in_(chunk)))
            pks.update((fid, pk) for fid, pk in rows)
        s.execute(insert(QualityFlag), [
            {"factor_pk": pks[f.factor_id], "code": f.code, "message": f.message,
             "details": json.loads(json.dumps(f.details, default=str))} for f in flags])

    def _withdraw_absent(self, s: Session, writer: _VersionWriter, dataset: str,
                         present: set[str], import_pk: int, by: str, created_at: Any) -> int:
        """Withdraw the dataset's factors a replacing import leaves out: a draft version is
        deleted, a released one gets a withdrawn version. Returns how many."""
        rows: list[tuple[Any, ...]] = []
        count = 0
        for old in self._dataset_latest(s, dataset):
            if old.factor_id in present or old.withdrawn:
                continue
            count += 1
            if not old.released:
                s.delete(old)
                continue
            kept = (getattr(old, c) for c in RECORD_COLUMNS)
            rows.append((*kept, old.dataset_id, old.version + 1, True, False, False, import_pk,
                         by, created_at))
        s.flush()
        writer.write(rows)
        return count

    def _import_processes(self, s: Session, ds: Dataset, processes: list[ProcessRecord],
                          run: ImportRun, by: str) -> int:
        count = 0
        for record in processes:
            data, sha = canonical(record)
            old = s.scalars(select(ProcessVersion)
                            .where(ProcessVersion.process_id == record.id)
                            .order_by(ProcessVersion.version.desc()).limit(1)).first()
            if old is not None and old.dataset_id != ds.id:
                raise FactorDBError(f"{run.file_name}: process id {record.id!r} belongs to "
                                    f"dataset {old.dataset_id!r}; nothing imported")
            if old is not None and old.record_sha256 == sha:
                continue
            count += 1
            if old is not None and not old.released:
                old.record, old.record_sha256, old.import_pk = data, sha, run.pk
                continue
            s.add(ProcessVersion(dataset_id=ds.id, process_id=record.id,
                                 version=1 if old is None else old.version + 1, record=data,
                                 record_sha256=sha, name_en=record.name_en, unit=record.unit,
                                 import_pk=run.pk, created_by=by))
        return count

    # -- versions ----------------------------------------------------------------------------

    @staticmethod
    def _latest_versions(conn: Connection, ids: Sequence[str]) -> dict[str, Any]:
        """The newest version row (pk, factor_id, version, dataset_id, record_sha256,
        released, withdrawn) of each id that exists.

        Every version of the ids is read and the newest kept here: a factor has few
        versions, and a plain lookup by id is one index scan."""
        out: dict[str, Any] = {}
        columns = (_FV.c.pk, _FV.c.factor_id, _FV.c.version, _FV.c.dataset_id,
                   _FV.c.record_sha256, _FV.c.released, _FV.c.withdrawn)
        if conn.dialect.name == "postgresql":  # one array parameter: nothing to plan per id
            groups: Iterable[Sequence[str]] = [sorted(set(ids))]
            match = _FV.c.factor_id == any_(bindparam("ids", type_=ARRAY(String)))
        else:
            groups = chunks(sorted(set(ids)))
            match = _FV.c.factor_id.in_(bindparam("ids", expanding=True))
        for group in groups:
            rows = conn.execute(select(*columns).where(match), {"ids": list(group)})
            for r in rows:
                have = out.get(r.factor_id)
                if have is None or r.version > have.version:
                    out[r.factor_id] = r
        return out

    @staticmethod
    def _dataset_latest(s: Session, dataset: str) -> list[FactorVersion]:
        newest = _newest(_FV.c.dataset_id == dataset)
        return list(s.scalars(select(FactorVersion).join(newest, _is_newest(newest))))

    def has_unpublished(self, dataset: str) -> bool:
        """Whether ``dataset`` holds versions no release contains yet."""
        with transaction(self.engine) as s:
            return self._has_changes(s, dataset)

    @staticmethod
    def _has_changes(s: Session, dataset: str) -> bool:
        pending = s.scalar(select(func.count()).select_from(FactorVersion).where(
            FactorVersion.dataset_id == dataset, FactorVersion.released.is_(False)))
        pending_p = s.scalar(select(func.count()).select_from(ProcessVersion).where(
            ProcessVersion.dataset_id == dataset, ProcessVersion.released.is_(False)))
        return bool(pending or pending_p)

    # -- review ------------------------------------------------------------------------------

    def _review_of(self, s: Session, ds: Dataset) -> Review:
        approvers: list[str] = []
        events = s.scalars(select(ReviewEvent).where(ReviewEvent.dataset_id == ds.id)
                           .order_by(ReviewEvent.pk))
        for e in events:
            if e.action in ("submit", "reject", "publish", "edit"):
                approvers = []
            elif e.action == "approve":
                approvers.append(e.actor)
        return Review(ds.state, ds.submitted_by, tuple(approvers), ds.public)

    def _apply(self, s: Session, ds: Dataset, action: str, actor: str,
               comment: str | None = None, release: int | None = None) -> None:
        before = self._review_of(s, ds)
        try:
            after = step(before, action, actor, has_changes=self._has_changes(s, ds.id))
        except ReviewError as exc:
            raise FactorDBError(f"dataset {ds.id!r}: {exc}") from None
        if action == "edit" and before.state == "draft":
            return  # editing a draft is not a state change
        ds.state, ds.submitted_by = after.state, after.submitter
        s.add(ReviewEvent(dataset_id=ds.id, action=action, actor=actor,
                          from_state=before.state, to_state=after.state, comment=comment,
                          release_number=release))
        ledger.record(s, actor=actor, action=action, kind="dataset", object_id=ds.id,
               payload={"from": before.state, "to": after.state, "comment": comment,
                        "release": release})

    def submit(self, dataset: str, by: str, comment: str | None = None) -> str:
        with transaction(self.engine) as s:
            ds = self._dataset(s, dataset)
            self._apply(s, ds, "submit", by, comment)
            return ds.state

    def review(self, dataset: str, by: str, verdict: str, comment: str | None = None) -> str:
        """``verdict``: start, approve, reject or comment. Approving a submitted dataset
        starts its review first."""
        if verdict not in ("start", "approve", "reject", "comment"):
            raise FactorDBError(f"unknown verdict {verdict!r}: use start, approve, reject or "
                                "comment")
        with transaction(self.engine) as s:
            ds = self._dataset(s, dataset)
            if verdict in ("approve", "reject") and ds.state == "submitted":
                self._apply(s, ds, "start", by)
            self._apply(s, ds, verdict, by, comment)
            return ds.state

    def history(self, dataset: str) -> list[dict[str, Any]]:
        """Every review event of a dataset, oldest first."""
        with transaction(self.engine) as s:
            self._dataset(s, dataset)
            return self._history(s, dataset)

    # -- releases ----------------------------------------------------------------------------

    def publish(self, dataset: str, by: str, note: str | None = None, *,
                shipped: bool = False) -> str:
        """Freeze the dataset's current factors as its next numbered release.

        ``shipped`` is for the data Tanzuji itself ships, reviewed before it was packaged:
        the release records that instead of a review."""
        with transaction(self.engine) as s:
            ds = self._dataset(s, dataset)
            if not self._has_changes(s, dataset):
                raise FactorDBError(f"dataset {dataset!r} has no changes since its last release")
            latest = self._latest_release(s, dataset)
            number = 1 if latest is None else latest.number + 1
            if shipped:
                before = ds.state
                ds.state, ds.submitted_by = "published", None
                s.add(ReviewEvent(dataset_id=dataset, action="publish", actor=by,
                                  from_state=before, to_state="published",
                                  comment=note or "shipped data", release_number=number))
                ledger.record(s, actor=by, action="publish", kind="dataset", object_id=dataset,
                       payload={"from": before, "to": "published",
                                "comment": note or "shipped data", "release": number})
            else:
                self._apply(s, ds, "publish", by, note, release=number)
            newest = _newest(_FV.c.dataset_id == dataset)
            members = s.connection().execute(
                select(_FV.c.pk, _FV.c.factor_id, _FV.c.record_sha256)
                .join(newest, _is_newest(newest))
                .where(_FV.c.withdrawn.is_(False)).order_by(_FV.c.factor_id)).all()
            rel = Release(dataset_id=dataset, number=number, published_by=by, note=note,
                          n_factors=len(members),
                          content_sha256=_content_digest((f, sha) for _, f, sha in members))
            s.add(rel)
            s.flush()
            conn = s.connection()
            _bulk_insert(conn, _RF, ("release_pk", "factor_pk"),
                         [(rel.pk, pk) for pk, _, _ in members])
            # touch only the rows whose flags change: on PostgreSQL every updated row is
            # rewritten with all its index entries
            in_release = select(_RF.c.factor_pk).where(_RF.c.release_pk == rel.pk)
            mine = _FV.c.dataset_id == dataset
            conn.execute(update(_FV).where(mine, _FV.c.current, _FV.c.pk.not_in(in_release))
                         .values(current=False))
            conn.execute(update(_FV).where(mine, _FV.c.released.is_(False))
                         .values(released=True, current=_FV.c.pk.in_(in_release)))
            conn.execute(update(_FV).where(_FV.c.pk.in_(in_release), _FV.c.current.is_(False))
                         .values(current=True))
            self._refresh_statistics(s, len(members))
            processes = self._publish_processes(s, dataset, rel)
            rel.n_processes = processes
            ledger.record(s, actor=by, action="publish", kind="release", object_id=rel.name,
                   payload={"factors": rel.n_factors, "processes": processes,
                            "content_sha256": rel.content_sha256, "note": note})
            return rel.name

    @staticmethod
    def _publish_processes(s: Session, dataset: str, rel: Release) -> int:
        newest = (select(ProcessVersion.process_id, func.max(ProcessVersion.version).label("v"))
                  .where(ProcessVersion.dataset_id == dataset)
                  .group_by(ProcessVersion.process_id).subquery())
        members = list(s.scalars(select(ProcessVersion).join(newest, and_(
            ProcessVersion.process_id == newest.c.process_id,
            ProcessVersion.version == newest.c.v)).where(ProcessVersion.withdrawn.is_(False))))
        if members:
            s.execute(insert(ReleaseProcess),
                      [{"release_pk": rel.pk, "process_pk": p.pk} for p in members])
        s.execute(update(ProcessVersion).where(ProcessVersion.dataset_id == dataset)
                  .values(released=True, current=False))
        for p in members:
            p.current = True
        return len(members)

    @staticmethod
    def _latest_release(s: Session, dataset: str) -> Release | None:
        return s.scalars(select(Release).where(Release.dataset_id == dataset)
                         .order_by(Release.number.desc()).limit(1)).first()

    def _release(self, s: Session, name: str) -> Release:
        dataset, number = parse_release(name)
        self._dataset(s, dataset)
        if number is None:
            rel = self._latest_release(s, dataset)
        else:
            rel = s.scalars(select(Release).where(Release.dataset_id == dataset,
                                                  Release.number == number)).first()
        if rel is None:
            have = ", ".join(f"{dataset}@{n}" for n in s.scalars(
                select(Release.number).where(Release.dataset_id == dataset)
                .order_by(Release.number))) or "none"
            raise FactorDBError(f"no release {name!r} (releases of {dataset}: {have})")
        return rel

    def resolve_release(self, name: str) -> str:
        """``starter`` -> ``starter@3`` (the newest); ``starter@2`` -> itself, if it exists."""
        with transaction(self.engine) as s:
            return self._release(s, name).name

    def releases(self, dataset: str | None = None) -> list[dict[str, Any]]:
        with transaction(self.engine) as s:
            query = select(Release).order_by(Release.dataset_id, Release.number)
            if dataset:
                self._dataset(s, dataset)
                query = query.where(Release.dataset_id == dataset)
            return [{"release": r.name, "published_at": r.published_at.isoformat(),
                     "published_by": r.published_by, "factors": r.n_factors,
                     "processes": r.n_processes, "sha256": r.content_sha256, "note": r.note}
                    for r in s.scalars(query)]

    def release_records(self, name: str) -> list[FactorRecord]:
        """Every factor of a release, as records (for export and for studies)."""
        with transaction(self.engine) as s:
            rel = self._release(s, name)
            rows = s.scalars(select(FactorVersion.record).join(
                ReleaseFactor, ReleaseFactor.factor_pk == FactorVersion.pk)
                .where(ReleaseFactor.release_pk == rel.pk).order_by(FactorVersion.factor_id))
            return [FactorRecord.model_validate_json(r) for r in rows]

    def release_processes(self, name: str) -> list[ProcessRecord]:
        with transaction(self.engine) as s:
            rel = self._release(s, name)
            rows = s.scalars(select(ProcessVersion.record).join(
                ReleaseProcess, ReleaseProcess.process_pk == ProcessVersion.pk)
                .where(ReleaseProcess.release_pk == rel.pk).order_by(ProcessVersion.process_id))
            return [ProcessRecord.model_validate_json(r) for r in rows]

    def flags(self, name: str) -> dict[str, str]:
        """Quality findings on the factors of a release: factor id -> messages."""
        with transaction(self.engine) as s:
            rel = self._release(s, name)
            rows = s.execute(select(FactorVersion.factor_id, QualityFlag.message)
                             .join(QualityFlag, QualityFlag.factor_pk == FactorVersion.pk)
                             .join(ReleaseFactor, ReleaseFactor.factor_pk == FactorVersion.pk)
                             .where(ReleaseFactor.release_pk == rel.pk))
            out: dict[str, str] = {}
            for fid, message in rows:
                out[fid] = f"{out[fid]}; {message}" if fid in out else message
            return out

    def draft_records(self, dataset: str) -> list[FactorRecord]:
        """The dataset as it would be released now (published plus pending changes)."""
        with transaction(self.engine) as s:
            self._dataset(s, dataset)
            return [FactorRecord.model_validate_json(v.record)
                    for v in sorted(self._dataset_latest(s, dataset), key=lambda v: v.factor_id)
                    if not v.withdrawn]

    def draft_summary(self, dataset: str) -> dict[str, Any]:
        """What the next release would change against the newest one (ids added, changed and
        withdrawn) and the cross-validation flags on those pending versions: what a reviewer
        weighs before approving."""
        with transaction(self.engine) as s:
            self._dataset(s, dataset)
            pending = [v for v in self._dataset_latest(s, dataset) if not v.released]
            latest = self._latest_release(s, dataset)
            released = set(s.scalars(select(FactorVersion.factor_id).join(
                ReleaseFactor, ReleaseFactor.factor_pk == FactorVersion.pk)
                .where(ReleaseFactor.release_pk == latest.pk))) if latest else set()
            out: dict[str, Any] = {"added": [], "changed": [], "withdrawn": [], "flags": []}
            for v in sorted(pending, key=lambda v: v.factor_id):
                if v.withdrawn:
                    if v.factor_id in released:
                        out["withdrawn"].append(v.factor_id)
                else:
                    out["changed" if v.factor_id in released else "added"].append(v.factor_id)
            live = {v.pk: v.factor_id for v in pending if not v.withdrawn}
            for chunk in chunks([str(pk) for pk in live]):
                rows = s.execute(select(QualityFlag.factor_pk, QualityFlag.code,
                                        QualityFlag.message)
                                 .where(QualityFlag.factor_pk.in_([int(pk) for pk in chunk])))
                out["flags"].extend({"factor": live[pk], "code": code, "message": message}
                                    for pk, code, message in rows)
            out["flags"].sort(key=itemgetter("factor", "code"))
            return out

    def diff(self, old: str, new: str) -> Diff:
        with transaction(self.engine) as s:
            r_old, r_new = self._release(s, old), self._release(s, new)

            def members(rel: Release) -> dict[str, FactorVersion]:
                rows = s.scalars(select(FactorVersion).join(
                    ReleaseFactor, ReleaseFactor.factor_pk == FactorVersion.pk)
                    .where(ReleaseFactor.release_pk == rel.pk))
                return {v.factor_id: v for v in rows}

            a, b = members(r_old), members(r_new)
            changed = []
            for fid in sorted(a.keys() & b.keys()):
                if a[fid].record_sha256 == b[fid].record_sha256:
                    continue
                ra, rb = json.loads(a[fid].record), json.loads(b[fid].record)
                fields = {k: (ra.get(k), rb.get(k)) for k in sorted(ra.keys() | rb.keys())
                          if ra.get(k) != rb.get(k)}
                changed.append(Change(fid, fields))
            return Diff(r_old.name, r_new.name, sorted(b.keys() - a.keys()), changed,
                        sorted(a.keys() - b.keys()))

    # -- search and show ---------------------------------------------------------------------

    def search(self, text: str | None = None, *, kind: str | None = None,
               geography: str | None = None, year: int | None = None, code: str | None = None,
               dataset: str | None = None, release: str | None = None, drafts: bool = False,
               limit: int = 50) -> list[dict[str, Any]]:
        """Factors matching every term of ``text`` (names zh/en, id, codes, ...) and the filters.

        By default the newest release of every dataset is searched; ``release`` searches one
        release, ``drafts`` the pending versions as well."""
        with transaction(self.engine) as s:
            query = select(FactorVersion)
            if release is not None:
                rel = self._release(s, release)
                query = query.join(ReleaseFactor, ReleaseFactor.factor_pk == FactorVersion.pk
                                   ).where(ReleaseFactor.release_pk == rel.pk)
            elif drafts:
                newest = _newest()
                query = query.join(newest, _is_newest(newest)).where(
                    FactorVersion.withdrawn.is_(False))
            else:
                query = query.where(FactorVersion.current)
            if text and text.strip():
                query = query.where(*self._text_clauses(text))
            if kind:
                query = query.where(FactorVersion.kind == kind)
            if geography:
                query = query.where(or_(FactorVersion.geography == geography,
                                        FactorVersion.geography.like(f"{geography}-%"),
                                        FactorVersion.geography.like(f"{geography}:%")))
            if year is not None:
                query = query.where(FactorVersion.year == year)
            if code:
                query = query.where(or_(*(and_(c >= code, c < code + "\uffff") for c in (
                    _FV.c.cpc, _FV.c.hs, _FV.c.cn_stat_code))))
            if dataset:
                query = query.where(FactorVersion.dataset_id == dataset)
            query = query.order_by(FactorVersion.factor_id).limit(limit)
            rows = list(s.scalars(query))
            if release is not None:
                rel_names = {v.pk: rel.name for v in rows}
            else:
                rel_names = self._current_release_names(s, rows)
            return [self._view(v, rel_names.get(v.pk)) for v in rows]

    def _text_clauses(self, text: str) -> list[Any]:
        """Every term must match: in the names (full-text), or, for a term with a digit or a
        colon, as the prefix of the id or of a classification code (as written).

        The name terms go to the full-text index together (one FTS5 query whose phrases must
        all match, or LIKE conditions that PostgreSQL answers with one BitmapAnd over its
        trigram index), so that two common words meet in the index rather than in the table.
        A term with alternatives becomes ``pk IN (one UNION per index)``, each alternative
        answered by its own index."""
        clauses: list[Any] = []
        phrases: list[str] = []
        sqlite = self.engine.dialect.name == "sqlite"
        for raw in text.split():
            term = raw.lower()
            escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            in_names = _FV.c.search_text.like(f"%{escaped}%", escape="\\")
            phrase = '"' + term.replace('"', '""') + '"'
            if not any(ch.isdigit() or ch == ":" for ch in term):
                if not sqlite:
                    clauses.append(in_names)
                elif len(term) >= 3:
                    phrases.append(phrase)
                else:  # the trigram index needs three characters: scan the narrow
                    # (search_text, pk) index rather than the table; search_text is lower
                    # case, so instr() matches as LIKE would, only faster
                    clauses.append(_FV.c.pk.in_(select(_FV.c.pk).where(
                        func.instr(_FV.c.search_text, term) > 0)))
                continue
            upper = raw + "\uffff"
            parts = [self._fts(phrase) if sqlite and len(term) >= 3
                     else select(_FV.c.pk).where(in_names)]
            parts.extend(select(_FV.c.pk).where(c >= raw, c < upper) for c in (
                _FV.c.factor_id, _FV.c.cpc, _FV.c.hs, _FV.c.cn_stat_code))
            clauses.append(_FV.c.pk.in_(union(*parts)))
        if phrases:
            clauses.append(_FV.c.pk.in_(self._fts(" ".join(phrases))))
        return clauses

    @staticmethod
    def _fts(query: str) -> Any:
        """``SELECT rowid AS pk FROM factor_fts WHERE factor_fts MATCH query`` (SQLite)."""
        return select(sql("rowid AS pk")).select_from(sql("factor_fts")).where(
            sql("factor_fts MATCH :fts").bindparams(bindparam("fts", query, unique=True)))

    @staticmethod
    def _current_release_names(s: Session, rows: list[FactorVersion]) -> dict[int, str]:
        pks = [v.pk for v in rows if v.released]
        if not pks:
            return {}
        newest = (select(ReleaseFactor.factor_pk, func.max(Release.number).label("n"),
                         Release.dataset_id)
                  .join(Release, Release.pk == ReleaseFactor.release_pk)
                  .where(ReleaseFactor.factor_pk.in_(pks))
                  .group_by(ReleaseFactor.factor_pk, Release.dataset_id))
        return {pk: f"{ds}@{n}" for pk, n, ds in s.execute(newest)}

    @staticmethod
    def _view(v: FactorVersion, release: str | None) -> dict[str, Any]:
        record = json.loads(v.record)
        return {
            "id": v.factor_id, "version": v.version, "dataset": v.dataset_id,
            "name_en": v.name_en, "name_zh": v.name_zh, "value": v.value, "unit": v.unit,
            "value_unit": f"kg CO2e/{v.unit}", "kind": v.kind, "data_year": v.year,
            "geography": v.geography, "boundary": record.get("boundary"),
            "cpc": v.cpc, "hs": v.hs, "cn_stat_code": v.cn_stat_code,
            "provenance": record.get("provenance", {}), "licence": record.get("licence"),
            "release": release, "status": "published" if v.released else "draft",
        }

    def show(self, factor_id: str, release: str | None = None) -> dict[str, Any]:
        """A factor with its full provenance chain: versions, imports, releases, review
        history of its dataset, quality flags and lineage."""
        with transaction(self.engine) as s:
            versions = list(s.scalars(select(FactorVersion)
                                      .where(FactorVersion.factor_id == factor_id)
                                      .order_by(FactorVersion.version)))
            if not versions:
                raise FactorDBError(f"no factor {factor_id!r}; try `tanzuji db search`")
            chosen = versions[-1]
            if release is not None:
                rel = self._release(s, release)
                hit = s.scalars(select(FactorVersion).join(
                    ReleaseFactor, ReleaseFactor.factor_pk == FactorVersion.pk).where(
                    ReleaseFactor.release_pk == rel.pk,
                    FactorVersion.factor_id == factor_id)).first()
                if hit is None:
                    raise FactorDBError(f"factor {factor_id!r} is not in release {rel.name}")
                chosen = hit
            else:
                current = [v for v in versions if v.current]
                chosen = current[-1] if current else versions[-1]
            names = self._current_release_names(s, [chosen])
            out = self._view(chosen, release or names.get(chosen.pk))
            out["record"] = json.loads(chosen.record)
            out["versions"] = [self._version_info(s, v) for v in versions]
            out["flags"] = [{"code": f.code, "message": f.message, "details": f.details}
                            for f in s.scalars(select(QualityFlag)
                                               .where(QualityFlag.factor_pk == chosen.pk))]
            out["review"] = self._history(s, chosen.dataset_id)
            out["lineage"] = self._lineage(s, chosen)
            return out

    @staticmethod
    def _version_info(s: Session, v: FactorVersion) -> dict[str, Any]:
        run = s.get(ImportRun, v.import_pk) if v.import_pk else None
        releases = [f"{ds}@{n}" for ds, n in s.execute(
            select(Release.dataset_id, Release.number)
            .join(ReleaseFactor, ReleaseFactor.release_pk == Release.pk)
            .where(ReleaseFactor.factor_pk == v.pk).order_by(Release.number))]
        return {"version": v.version, "value": v.value, "withdrawn": v.withdrawn,
                "created_by": v.created_by, "created_at": v.created_at.isoformat(),
                "sha256": v.record_sha256, "releases": releases,
                "import": None if run is None else {
                    "file": run.file_name, "sha256": run.file_sha256, "format": run.format,
                    "by": run.imported_by, "at": run.imported_at.isoformat()}}

    @staticmethod
    def _history(s: Session, dataset: str) -> list[dict[str, Any]]:
        return [{"action": e.action, "actor": e.actor, "from": e.from_state, "to": e.to_state,
                 "comment": e.comment, "release": e.release_number, "at": e.at.isoformat()}
                for e in s.scalars(select(ReviewEvent).where(ReviewEvent.dataset_id == dataset)
                                   .order_by(ReviewEvent.pk))]

    @staticmethod
    def _lineage(s: Session, v: FactorVersion) -> dict[str, Any]:
        chain = []
        seen = {v.factor_id}
        previous = v.supersedes
        while previous and previous not in seen:
            seen.add(previous)
            older = s.scalars(select(FactorVersion).where(FactorVersion.factor_id == previous)
                              .order_by(FactorVersion.version.desc()).limit(1)).first()
            chain.append({"id": previous, "value": older.value if older else None,
                          "found": older is not None})
            previous = older.supersedes if older else None
        superseded_by = sorted(set(s.scalars(select(FactorVersion.factor_id).where(
            FactorVersion.supersedes == v.factor_id, FactorVersion.withdrawn.is_(False)))))
        return {"supersedes": chain, "superseded_by": superseded_by}
