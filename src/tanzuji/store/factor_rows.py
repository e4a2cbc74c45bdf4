"""What one factor version row holds, built from a record, and the cross-validation of an
import against the published factors.

Both the importing process and the process that parses a large file in parallel
(:mod:`tanzuji.store.factor_stream`) build rows and flags with these functions, so a factor
is stored the same whichever way it came in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from tanzuji.factors import crossval
from tanzuji.factors.record import FactorRecord, ProcessRecord
from tanzuji.store.tables import Base

_FV = Base.metadata.tables["factor_versions"]
CHUNK = 900  # ids per IN (...) query, below SQLite's variable limit

# the columns a record fills, in the order of :func:`row_values`
RECORD_COLUMNS = ("factor_id", "record", "record_sha256", "name_en", "name_zh", "unit", "value",
                  "kind", "geography", "year", "cpc", "hs", "cn_stat_code", "supersedes",
                  "search_text")
Values = tuple[Any, ...]  # one row's RECORD_COLUMNS
SHA = RECORD_COLUMNS.index("record_sha256")


def canonical(record: FactorRecord | ProcessRecord) -> tuple[str, str]:
    """The record as JSON (fields in model order, no nulls) and the sha256 of that text."""
    text = record.model_dump_json(exclude_none=True)
    return text, hashlib.sha256(text.encode()).hexdigest()


def search_text(record: FactorRecord) -> str:
    """What full-text search indexes: the names in both languages and the technology (ids and
    codes are matched by prefix on their own columns; kept short, the trigram index is
    cheap to build)."""
    parts = (record.name_en, record.name_zh, record.technology)
    return " ".join(p for p in parts if p).lower()


def row_values(record: FactorRecord) -> Values:
    """The RECORD_COLUMNS of ``record``'s row (plain values: cheap to send between
    processes, unlike the record)."""
    data, sha = canonical(record)
    return (record.id, data, sha, record.name_en, record.name_zh, record.unit,
            record.co2e("AR6"), record.kind, record.geography, record.year, record.cpc,
            record.hs, record.cn_stat_code, record.supersedes, search_text(record))


def chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def cross_validate(conn: Connection, records: Sequence[FactorRecord]) -> list[crossval.Flag]:
    """Flags of ``records`` checked against each other and against the published factors of
    the same product classes (cpc or name) in every dataset; a published version of a factor
    the import brings again gives way to the import's."""
    cpcs = sorted({r.cpc for r in records if r.cpc})
    # a factor with a CPC code is compared by that code alone (crossval.product_class)
    names = sorted({r.name_en.strip().lower() for r in records if not r.cpc})
    ids = {r.id for r in records}
    peers: dict[str, FactorRecord] = {}
    for group, column in ((cpcs, _FV.c.cpc), (names, func.lower(_FV.c.name_en))):
        for chunk in chunks(group):
            for fid, data in conn.execute(select(_FV.c.factor_id, _FV.c.record).where(
                    _FV.c.current, column.in_(chunk))):
                if fid not in ids and fid not in peers:
                    peers[fid] = FactorRecord.model_validate_json(data)
    return [f for f in crossval.check([*records, *peers.values()]) if f.factor_id in ids]
