"""The tables of the factor database (SQLAlchemy 2 typed ORM).

A factor is stored as versions: every import that changes a factor adds a version row, never
rewrites a published one. A release is an immutable list of versions (``release_factors``);
``current`` marks the versions in the newest release of each dataset, which is what a search
sees by default. The full record is kept as JSON (``record``), and the fields people search
and filter on are copied into columns beside it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class Base(DeclarativeBase):
    pass


class Dataset(Base):
    """A named collection of factors with one owner, one licence and one review history."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    publisher: Mapped[str | None] = mapped_column(String(300))
    licence: Mapped[str | None] = mapped_column(String(300))
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    # review state of the pending changes: draft, submitted, under_review, rejected, published
    state: Mapped[str] = mapped_column(String(20), default="draft")
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Release(Base):
    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("dataset_id", "number"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"))
    number: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by: Mapped[str] = mapped_column(String(100))
    note: Mapped[str | None] = mapped_column(Text)
    n_factors: Mapped[int] = mapped_column(Integer)
    n_processes: Mapped[int] = mapped_column(Integer, default=0)
    content_sha256: Mapped[str] = mapped_column(String(64))

    @property
    def name(self) -> str:
        return f"{self.dataset_id}@{self.number}"


class ImportRun(Base):
    """One import of one file: the provenance of every version it created."""

    __tablename__ = "imports"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"))
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(20))
    imported_by: Mapped[str] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    withdrawn: Mapped[int] = mapped_column(Integer, default=0)


class FactorVersion(Base):
    __tablename__ = "factor_versions"
    __table_args__ = (
        UniqueConstraint("factor_id", "version"),
        Index("ix_factor_versions_filter", "current", "kind", "geography", "year"),
        Index("ix_factor_versions_dataset", "dataset_id", "released"),
        # most factors have no HS or statistical code and supersede nothing: index only
        # those that do (a range search on the column implies it is not null)
        *(Index(f"ix_factor_versions_{c}", c, sqlite_where=text(f"{c} IS NOT NULL"),
                postgresql_where=text(f"{c} IS NOT NULL"))
          for c in ("hs", "cn_stat_code", "supersedes")),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"))
    # looked up through the (factor_id, version) unique index
    factor_id: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    released: Mapped[bool] = mapped_column(Boolean, default=False)
    current: Mapped[bool] = mapped_column(Boolean, default=False)
    record: Mapped[str] = mapped_column(Text)  # the record as canonical JSON
    record_sha256: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(500))
    name_zh: Mapped[str | None] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(50))
    value: Mapped[float] = mapped_column(Float)  # kg CO2e per unit (AR6 for gas breakdowns)
    kind: Mapped[str] = mapped_column(String(40))
    geography: Mapped[str | None] = mapped_column(String(50), index=True)
    year: Mapped[int | None] = mapped_column(Integer)
    cpc: Mapped[str | None] = mapped_column(String(20), index=True)
    hs: Mapped[str | None] = mapped_column(String(20))
    cn_stat_code: Mapped[str | None] = mapped_column(String(30))
    supersedes: Mapped[str | None] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(Text)
    import_pk: Mapped[int | None] = mapped_column(ForeignKey("imports.pk"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcessVersion(Base):
    __tablename__ = "process_versions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False)
    released: Mapped[bool] = mapped_column(Boolean, default=False)
    current: Mapped[bool] = mapped_column(Boolean, default=False)
    record: Mapped[str] = mapped_column(Text)  # the record as canonical JSON
    record_sha256: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(50))
    import_pk: Mapped[int | None] = mapped_column(ForeignKey("imports.pk"))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReleaseFactor(Base):
    __tablename__ = "release_factors"

    release_pk: Mapped[int] = mapped_column(ForeignKey("releases.pk"), primary_key=True)
    factor_pk: Mapped[int] = mapped_column(ForeignKey("factor_versions.pk"), primary_key=True,
                                           index=True)


class ReleaseProcess(Base):
    __tablename__ = "release_processes"

    release_pk: Mapped[int] = mapped_column(ForeignKey("releases.pk"), primary_key=True)
    process_pk: Mapped[int] = mapped_column(ForeignKey("process_versions.pk"), primary_key=True)


class ReviewEvent(Base):
    """Every state change of a dataset's review, with who, when and why."""

    __tablename__ = "review_events"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    dataset_id: Mapped[str] = mapped_column(ForeignKey("datasets.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    release_number: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class QualityFlag(Base):
    """A cross-validation finding on a factor version (outlier, unit suspect, ...)."""

    __tablename__ = "quality_flags"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    factor_pk: Mapped[int] = mapped_column(ForeignKey("factor_versions.pk"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    message: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)


class GWPValue(Base):
    """The IPCC GWP100 tables, shipped as reference data."""

    __tablename__ = "gwp_values"

    gwp_set: Mapped[str] = mapped_column(String(10), primary_key=True)
    gas: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(Text)
