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
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
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
        # cross-validation's peers: published factors by cpc or name (migration 0010)
        Index("ix_factor_versions_peer_cpc", "cpc", sqlite_where=text("current = 1"),
              postgresql_where=text("current")),
        Index("ix_factor_versions_peer_name", text("lower(name_en)"),
              sqlite_where=text("current = 1"), postgresql_where=text("current")),
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
    # no index: nothing looks versions up by import (migration 0010 dropped it)
    import_pk: Mapped[int | None] = mapped_column(ForeignKey("imports.pk"))
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


# --- ledger: the append-only, Merkle-tree log of every state change (tanzuji.ledger) ---


class LedgerEntry(Base):
    """One state change. ``seq`` runs 1, 2, 3 … without gaps; ``leaf_hash`` is the RFC 9162
    leaf hash of the entry's canonical encoding, stored so a tree head never rehashes."""

    __tablename__ = "ledger_entries"
    __table_args__ = (Index("ix_ledger_entries_object", "object_kind", "object_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40))
    object_kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON: sorted keys, no blanks
    payload_sha256: Mapped[str] = mapped_column(String(64))
    leaf_hash: Mapped[str] = mapped_column(String(64))


class LedgerHead(Base):
    """A signed tree head: the root of the first ``tree_size`` entries at ``signed_at``."""

    __tablename__ = "ledger_heads"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    tree_size: Mapped[int] = mapped_column(Integer, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, hex
    key_id: Mapped[str] = mapped_column(String(64))  # SHA-256 of the public key (DER), hex


# --- certification: bodies, cases, certificates, labels, credit (tanzuji.certification) ---


class CertOrganisation(Base):
    """An applicant enterprise or a consultancy."""

    __tablename__ = "cert_organisations"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20))  # enterprise or consultant
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertBody(Base):
    """A certification body: CNCA approval, pilot qualification, scope and status."""

    __tablename__ = "cert_bodies"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    cnca_approval: Mapped[str | None] = mapped_column(String(100))
    pilot_qualified: Mapped[bool] = mapped_column(Boolean, default=False)
    categories: Mapped[list[str]] = mapped_column(JSON)  # PCR ids or CPC prefixes
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertAuditor(Base):
    """A PCF auditor of a body with the competence record the rules ask for."""

    __tablename__ = "cert_auditors"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("cert_bodies.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    full_time: Mapped[bool] = mapped_column(Boolean, default=True)
    pcf_years: Mapped[float] = mapped_column(Float)
    categories: Mapped[list[str]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertRelationship(Base):
    """A recorded link that bears on impartiality (consultancy, ownership, shared staff)."""

    __tablename__ = "cert_relationships"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    other: Mapped[str] = mapped_column(String(100), index=True)
    product_model: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertCase(Base):
    """A certification case: one product model of one applicant, from application to
    decision, with the stored study it is verified against."""

    __tablename__ = "cert_cases"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("cert_organisations.id"), index=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("cert_bodies.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    product: Mapped[str] = mapped_column(String(500))
    product_zh: Mapped[str | None] = mapped_column(String(500))
    product_model: Mapped[str] = mapped_column(String(200))
    producer: Mapped[str | None] = mapped_column(String(300))
    site: Mapped[str | None] = mapped_column(String(300))
    pcr_id: Mapped[str | None] = mapped_column(String(100))  # id@version
    cpc: Mapped[str | None] = mapped_column(String(20))
    unit: Mapped[str] = mapped_column(String(200))
    functional_unit: Mapped[str] = mapped_column(String(500))
    boundary: Mapped[str] = mapped_column(String(40))
    declared_value: Mapped[float] = mapped_column(Float)
    tolerance_percent: Mapped[float] = mapped_column(Float)
    study_file: Mapped[str] = mapped_column(String(500))
    study_sha256: Mapped[str] = mapped_column(String(64))
    releases: Mapped[list[str]] = mapped_column(JSON)  # factor releases pinned, resolved
    gec_serials: Mapped[list[str]] = mapped_column(JSON)
    team: Mapped[list[str]] = mapped_column(JSON)  # auditor ids
    lead: Mapped[str | None] = mapped_column(String(100))
    plan: Mapped[str | None] = mapped_column(Text)
    verification: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertCaseFile(Base):
    """A file of an application: the study and its inputs, or a document (flow, BOM,
    inventory), stored byte for byte with its SHA-256."""

    __tablename__ = "cert_case_files"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cert_cases.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(500))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))


class CertCaseEvent(Base):
    """Every step of a case, with who, when and what."""

    __tablename__ = "cert_case_events"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cert_cases.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertFinding(Base):
    """A non-conformity of a case; open until closed with a note."""

    __tablename__ = "cert_findings"
    __table_args__ = (UniqueConstraint("case_id", "number"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cert_cases.id"))
    number: Mapped[int] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    raised_by: Mapped[str] = mapped_column(String(100))
    raised_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closure: Mapped[str | None] = mapped_column(Text)


class CertCertificate(Base):
    """A PCF label certificate of one product model."""

    __tablename__ = "cert_certificates"

    number: Mapped[str] = mapped_column(String(60), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cert_cases.id"), unique=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("cert_bodies.id"), index=True)
    applicant_id: Mapped[str] = mapped_column(ForeignKey("cert_organisations.id"), index=True)
    product: Mapped[str] = mapped_column(String(500))
    product_zh: Mapped[str | None] = mapped_column(String(500))
    product_model: Mapped[str] = mapped_column(String(200))
    producer: Mapped[str | None] = mapped_column(String(300))
    site: Mapped[str | None] = mapped_column(String(300))
    pcr_id: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(200))
    functional_unit: Mapped[str] = mapped_column(String(500))
    boundary: Mapped[str] = mapped_column(String(40))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    issued_by: Mapped[str] = mapped_column(String(100))


class CertCertificateEvent(Base):
    """A change of a certificate (issue, change, suspend, …): the regulator's view."""

    __tablename__ = "cert_certificate_events"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(ForeignKey("cert_certificates.number"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertLabel(Base):
    """A label made for a certificate: its signed payload, as issued."""

    __tablename__ = "cert_labels"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(ForeignKey("cert_certificates.number"), index=True)
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, hex
    value: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertCredit(Base):
    """A credit record of a body or an enterprise: violation, penalty, blacklisting, lifting."""

    __tablename__ = "cert_credit"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    party_kind: Mapped[str] = mapped_column(String(20))
    party_id: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    penalty: Mapped[str | None] = mapped_column(Text)
    fraud: Mapped[bool] = mapped_column(Boolean, default=False)
    on: Mapped[dt.date] = mapped_column(Date)
    until: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(100))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CertPeerReview(Base):
    """A certified case re-verified by another body, and whether the two agree."""

    __tablename__ = "cert_peer_reviews"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cert_cases.id"), index=True)
    reviewer_body: Mapped[str] = mapped_column(ForeignKey("cert_bodies.id"))
    certified_value: Mapped[float] = mapped_column(Float)
    recomputed_value: Mapped[float] = mapped_column(Float)
    disagreement: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- platform: organisations, users, sessions, clients, studies, jobs, evidence (server) ---


class PlatformOrganisation(Base):
    """A party of the platform. A certification body's organisation has the id of its
    ``cert_bodies`` row, an applicant's the id of its ``cert_organisations`` row."""

    __tablename__ = "platform_organisations"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    # enterprise, supplier, consultant, certification_body, regulator
    kind: Mapped[str] = mapped_column(String(30))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlatformUser(Base):
    """A person (or a machine client's owner) with an argon2 password hash and roles."""

    __tablename__ = "platform_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("platform_organisations.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlatformSession(Base):
    """A web session: only the SHA-256 of the cookie's token is kept."""

    __tablename__ = "platform_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("platform_users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class PlatformClient(Base):
    """An OAuth2 client (client credentials grant) acting for one user."""

    __tablename__ = "platform_clients"

    client_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(200))
    user_id: Mapped[int] = mapped_column(ForeignKey("platform_users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlatformLoginFailure(Base):
    """One failed login, keyed ``user:NAME`` or ``ip:ADDRESS``; counted in a time window."""

    __tablename__ = "platform_login_failures"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlatformStudy(Base):
    """An uploaded study file owned by an organisation; its factor tables in study_files."""

    __tablename__ = "platform_studies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("platform_organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    filename: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    # the footprint declared to customers (value, unit, data quality), set by the owner
    declared: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlatformStudyFile(Base):
    """A factor table (or other input) uploaded with a study."""

    __tablename__ = "platform_study_files"
    __table_args__ = (UniqueConstraint("study_id", "name"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("platform_studies.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class PlatformShare(Base):
    """A supplier's study whose declared footprint a customer organisation may see."""

    __tablename__ = "platform_shares"
    __table_args__ = (UniqueConstraint("study_id", "customer_id"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("platform_studies.id"), index=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("platform_organisations.id"), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PlatformJob(Base):
    """A long calculation: stored so its progress and result survive a reload or a restart."""

    __tablename__ = "platform_jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))  # queued, running, done, failed
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    organisation_id: Mapped[str | None] = mapped_column(String(100), index=True)
    study_id: Mapped[int | None] = mapped_column(ForeignKey("platform_studies.id"), index=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PlatformEvidence(Base):
    """An evidence file (meter export, invoice, BOM) supporting an amount of a study."""

    __tablename__ = "platform_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("platform_studies.id"), index=True)
    amount_path: Mapped[str] = mapped_column(String(500))
    filename: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- platform administration: token ids for revocation, job heartbeats (server) ---


class PlatformToken(Base):
    """A machine token issued by ``POST /api/token``, by its ``jti``: a token is honoured only
    while its row exists unrevoked, so a revocation holds at once in every worker."""

    __tablename__ = "platform_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("platform_users.id"), index=True)
    client_id: Mapped[str | None] = mapped_column(String(100), index=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PlatformJobBeat(Base):
    """The last sign of life of a job's worker (every progress write), and the job it
    retries: a queued or running job whose beat is too old lost its worker."""

    __tablename__ = "platform_job_beats"

    job_id: Mapped[str] = mapped_column(ForeignKey("platform_jobs.id"), primary_key=True)
    beat_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retry_of: Mapped[str | None] = mapped_column(String(40))


# --- PACT host: clients, policies, publications, requests, events (server/pact) ---


class PactClient(Base):
    """A PACT data recipient's credentials at this host (client credentials grant): the
    argon2 hash of the secret, the recipient organisation, and where its events go back
    (base URL, with the credentials it issued to us, Fernet-encrypted)."""

    __tablename__ = "pact_clients"

    client_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str] = mapped_column(String(200))
    organisation_id: Mapped[str | None] = mapped_column(
        ForeignKey("platform_organisations.id"), index=True)
    owner_id: Mapped[str | None] = mapped_column(
        ForeignKey("platform_organisations.id"), index=True)
    base_url: Mapped[str | None] = mapped_column(String(500))
    callback_client_id: Mapped[str | None] = mapped_column(String(200))
    callback_secret: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PactPolicy(Base):
    """A data owner's PACT rules: publish only certified results; answer requests on its own
    (with the footprints already released to the requester, else a rejection)."""

    __tablename__ = "pact_policies"

    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("platform_organisations.id"), primary_key=True)
    require_certificate: Mapped[bool] = mapped_column(Boolean, default=False)
    auto_answer: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PactPublication(Base):
    """One published ProductFootprint (its id is the PCF id): never changed after creation
    except ``status``; a new publication of the same study replaces (deprecates) this one."""

    __tablename__ = "pact_publications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("platform_organisations.id"), index=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("platform_studies.id"), index=True)
    study_sha256: Mapped[str] = mapped_column(String(64))
    result_sha256: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20))
    preceding_id: Mapped[str | None] = mapped_column(String(36))
    certificate_number: Mapped[str | None] = mapped_column(String(60))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deprecated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PactRecipient(Base):
    """Who may see a publication: an organisation (all its clients) or one client."""

    __tablename__ = "pact_recipients"
    __table_args__ = (UniqueConstraint("publication_id", "kind", "recipient"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    publication_id: Mapped[str] = mapped_column(
        ForeignKey("pact_publications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # organisation or client
    recipient: Mapped[str] = mapped_column(String(100), index=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PactRequest(Base):
    """A RequestCreatedEvent received from a client, until it is fulfilled or rejected."""

    __tablename__ = "pact_requests"
    __table_args__ = (UniqueConstraint("client_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("pact_clients.client_id"), index=True)
    event_id: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(500))
    criteria: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(20))  # pending, fulfilled, rejected
    answer: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    delivery_error: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class PactEvent(Base):
    """Any other event a client sent (published, fulfilled, rejected), kept as received."""

    __tablename__ = "pact_events"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("pact_clients.client_id"), index=True)
    type: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- supplier exchange: PACT partners, requests, received footprints (supply_db) ---


class SupplyPartner(Base):
    """A supplier's PACT endpoint we fetch footprints from; the client secret is kept
    encrypted (Fernet, key in TANZUJI_KEY_DIR), never as plain text."""

    __tablename__ = "supply_partners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    # the organisation that configured it (None: the whole instance, from the CLI)
    organisation_id: Mapped[str | None] = mapped_column(String(100), index=True)
    base_url: Mapped[str] = mapped_column(String(500))
    token_url: Mapped[str | None] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(200))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SupplyRequest(Base):
    """A customer's request for a product footprint, to an on-platform supplier organisation
    or to a PACT partner (then ``id`` is the RequestCreated event's id)."""

    __tablename__ = "supply_requests"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(100), index=True)
    supplier_id: Mapped[str | None] = mapped_column(String(100), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("supply_partners.id"), index=True)
    product_ids: Mapped[list[str]] = mapped_column(JSON)
    product_name: Mapped[str] = mapped_column(String(300))
    comment: Mapped[str | None] = mapped_column(Text)
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))  # pending, fulfilled, rejected
    error: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    pf_id: Mapped[str | None] = mapped_column(String(36))
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SupplyFootprint(Base):
    """A product footprint received from a supplier (PACT partner or on-platform supplier):
    the v3 document as received, and the fields studies and the version chain need."""

    __tablename__ = "supply_footprints"
    __table_args__ = (UniqueConstraint("source", "pf_id", "customer_id"),)

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    pf_id: Mapped[str] = mapped_column(String(36), index=True)
    # the partner's name or the supplier organisation's id
    source: Mapped[str] = mapped_column(String(100), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("supply_partners.id"))
    customer_id: Mapped[str | None] = mapped_column(String(100), index=True)
    request_id: Mapped[str | None] = mapped_column(String(64))
    product_ids: Mapped[list[str]] = mapped_column(JSON)
    preceding_pf_ids: Mapped[list[str]] = mapped_column(JSON)
    superseded_by: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    primary_data_share: Mapped[float | None] = mapped_column(Float)
    dqi: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    verification: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- procurement screenings and green finance (procurement_db, finance_db) ---


class ProcurementCriteria(Base):
    """A public buyer's carbon criteria for one product category (a PCR) and closing date."""

    __tablename__ = "procurement_criteria"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("platform_organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    pcr_id: Mapped[str] = mapped_column(String(100))
    max_value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(200))
    label_required: Mapped[bool] = mapped_column(Boolean, default=False)
    min_primary_share: Mapped[float | None] = mapped_column(Float)
    max_dqr: Mapped[float | None] = mapped_column(Float)
    closing_date: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ProcurementScreening(Base):
    """A signed screening record of bids against criteria, as issued (canonical document)."""

    __tablename__ = "procurement_screenings"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    criteria_id: Mapped[int] = mapped_column(ForeignKey("procurement_criteria.id"), index=True)
    organisation_id: Mapped[str] = mapped_column(String(100), index=True)
    envelope: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64))
    ledger_seq: Mapped[int] = mapped_column(Integer)
    passed: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    screened_by: Mapped[str] = mapped_column(String(100))
    screened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class FinanceConsent(Base):
    """A borrower's consent that a bank sees its certified footprints; revoked, not deleted."""

    __tablename__ = "finance_consents"

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("platform_organisations.id"), index=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("platform_organisations.id"), index=True)
    granted_by: Mapped[str] = mapped_column(String(100))
    granted_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class FinanceLoan(Base):
    """A footprint-linked loan: the agreed reduction path of one product category (PCR)."""

    __tablename__ = "finance_loans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bank_id: Mapped[str] = mapped_column(ForeignKey("platform_organisations.id"), index=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("platform_organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100))
    pcr_id: Mapped[str] = mapped_column(String(100))
    product_model: Mapped[str | None] = mapped_column(String(200))
    baseline_value: Mapped[float] = mapped_column(Float)
    baseline_year: Mapped[int] = mapped_column(Integer)
    # either a reduction of so many percent a year, or a target value per year {"2027": 700}
    reduction_percent: Mapped[float | None] = mapped_column(Float)
    targets: Mapped[dict[str, float] | None] = mapped_column(JSON)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
