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
