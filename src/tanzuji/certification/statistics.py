"""Statistics for regulators: certificates, anti-fraud flags, peer-review disagreement and
published-factor coverage, by product category (PCR), region (province) or certification
body.

Everything is counted from the certification and factor tables with SQL aggregates; no
inventory is opened. A certificate's region is the province its site (or producer) names:
the 34 provincial divisions by Chinese name, English name or ISO 3166-2 code (``CN-HE``),
from the provinces of the shipped grid-factor table plus the four it has no factor for.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import Engine, case, extract, func, select

from tanzuji.certification.casefiles import pcr_ranges
from tanzuji.certification.certificates import FINAL
from tanzuji.certification.flags import Flag
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.db import transaction
from tanzuji.store.tables import (
    CertCase,
    CertCertificate,
    CertCertificateEvent,
    CertPeerReview,
    FactorVersion,
    Release,
    ReleaseFactor,
)

DIMENSIONS = ("pcr", "region", "body")
STATUSES = ("valid", "suspended", "withdrawn", "cancelled", "expired")
# certificate events counted over time: what happened, read from the status it led to
MOVES = ("issued", "suspended", "withdrawn")
UNKNOWN = "—"
_NOT_IN_GRID_TABLE = (("CN-XZ", "Xizang", "西藏"), ("CN-HK", "Hong Kong", "香港"),
                      ("CN-MO", "Macao", "澳门"), ("CN-TW", "Taiwan", "台湾"))


@cache
def provinces() -> tuple[tuple[str, str, str], ...]:
    """(ISO 3166-2 code, English name, Chinese name) of every provincial division."""
    text = (resources.files("tanzuji") / "data" / "cn_grid_electricity_co2_factors.csv"
            ).read_text(encoding="utf-8")
    found = {row["iso_3166_2"]: (row["iso_3166_2"], row["region_en"], row["region_zh"])
             for row in csv.DictReader(io.StringIO(text)) if row["level"] == "provincial"}
    return tuple(sorted([*found.values(), *_NOT_IN_GRID_TABLE]))


def province_of(*texts: str | None) -> str:
    """The ISO code of the first province the texts name, or ``—``."""
    for text in texts:
        if not text:
            continue
        for code, en, zh in provinces():
            if (zh in text or re.search(rf"\b{re.escape(code)}\b", text, re.IGNORECASE)
                    or re.search(rf"\b{re.escape(en)}\b", text, re.IGNORECASE)):
                return code
    return UNKNOWN


def _pcr(pcr_id: str | None) -> str:
    return pcr_id.split("@")[0] if pcr_id else UNKNOWN


def _key(dimension: str, pcr_id: str | None, body: str, site: str | None,
         producer: str | None) -> str:
    if dimension == "pcr":
        return _pcr(pcr_id)
    if dimension == "body":
        return body
    return province_of(site, producer)


def check_dimension(dimension: str) -> str:
    if dimension not in DIMENSIONS:
        raise ValueError(f"{dimension!r} is not one of {', '.join(DIMENSIONS)}")
    return dimension


def certificates(engine: Engine, dimension: str,
                 on: dt.date | None = None) -> list[dict[str, Any]]:
    """Per key: certificates issued, and how many are now in each status (expiry counted
    as the public sees it, recorded or not)."""
    check_dimension(dimension)
    on = on or dt.date.today()
    status = case((CertCertificate.status.not_in(FINAL) & (CertCertificate.valid_until < on),
                   "expired"), else_=CertCertificate.status)
    query = (select(CertCertificate.pcr_id, CertCertificate.body_id, CertCertificate.site,
                    CertCertificate.producer, status, func.count())
             .group_by(CertCertificate.pcr_id, CertCertificate.body_id, CertCertificate.site,
                       CertCertificate.producer, status))
    table: dict[str, dict[str, Any]] = {}
    with transaction(engine) as s:
        for pcr_id, body, site, producer, state, n in s.execute(query):
            key = _key(dimension, pcr_id, body, site, producer)
            row = table.setdefault(key, {"key": key, "issued": 0,
                                         **dict.fromkeys(STATUSES, 0)})
            row["issued"] += n
            row[state] = row.get(state, 0) + n
    return [table[k] for k in sorted(table)]


def over_time(engine: Engine, dimension: str) -> list[dict[str, Any]]:
    """Per month and key: certificates issued, suspended and withdrawn (from their events)."""
    check_dimension(dimension)
    e, c = CertCertificateEvent, CertCertificate
    move = case((e.action == "issue", "issued"),
                (e.to_status == "suspended", "suspended"),
                (e.to_status == "withdrawn", "withdrawn"), else_=None)
    year, month = extract("year", e.at), extract("month", e.at)
    query = (select(year, month, c.pcr_id, c.body_id, c.site, c.producer, move, func.count())
             .join(c, c.number == e.number)
             .where((e.action == "issue") | ((e.to_status.in_(("suspended", "withdrawn")))
                                            & (e.from_status != e.to_status)))
             .group_by(year, month, c.pcr_id, c.body_id, c.site, c.producer, move))
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(MOVES, 0))
    with transaction(engine) as s:
        for y, m, pcr_id, body, site, producer, what, n in s.execute(query):
            key = _key(dimension, pcr_id, body, site, producer)
            counts[(f"{int(y):04d}-{int(m):02d}", key)][what] += n
    return [{"month": month_, "key": key, **counts[(month_, key)]}
            for month_, key in sorted(counts)]


def _subjects(engine: Engine) -> tuple[dict[str, tuple[str | None, str, str | None,
                                                        str | None]],
                                       dict[str, tuple[str | None, str, str | None,
                                                       str | None]]]:
    """(pcr, body, site, producer) of every certificate and every case."""
    with transaction(engine) as s:
        certs = {n: (p, b, si, pr) for n, p, b, si, pr in s.execute(select(
            CertCertificate.number, CertCertificate.pcr_id, CertCertificate.body_id,
            CertCertificate.site, CertCertificate.producer))}
        cases = {i: (p, b, si, pr) for i, p, b, si, pr in s.execute(select(
            CertCase.id, CertCase.pcr_id, CertCase.body_id, CertCase.site, CertCase.producer))}
    return certs, cases


def flags(engine: Engine, raised: Sequence[Flag], dimension: str) -> list[dict[str, Any]]:
    """The flags the anti-fraud checks raised (``CertificationDB.flags``), each with the key
    of the certificate or case it concerns."""
    check_dimension(dimension)
    certs, cases = _subjects(engine)
    case_ref = re.compile(r"\bcase ([\w\-]+)")
    out = []
    for flag in raised:
        facts = None
        for number, cert_facts in certs.items():
            if number in flag.subject:
                facts = cert_facts
                break
        if facts is None:
            found = case_ref.search(f"{flag.subject} {flag.message}")
            facts = cases.get(found.group(1)) if found else None
        key = _key(dimension, *facts) if facts else UNKNOWN
        out.append({"key": key, "code": flag.code, "subject": flag.subject,
                    "message": flag.message})
    return sorted(out, key=lambda r: (r["key"], r["code"], r["subject"]))


def flag_counts(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The flags per key and code."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        counts[(row["key"], row["code"])] += 1
    return [{"key": k, "code": code, "flags": n} for (k, code), n in sorted(counts.items())]


def peer_review(engine: Engine, dimension: str) -> list[dict[str, Any]]:
    """Per key of the reviewed certificate: peer reviews, disagreements and their rate."""
    check_dimension(dimension)
    c, p = CertCertificate, CertPeerReview
    disagreed = func.sum(case((p.disagreement.is_(True), 1), else_=0))
    query = (select(c.pcr_id, c.body_id, c.site, c.producer, func.count(), disagreed)
             .join(c, c.case_id == p.case_id)
             .group_by(c.pcr_id, c.body_id, c.site, c.producer))
    table: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    with transaction(engine) as s:
        for pcr_id, body, site, producer, n, bad in s.execute(query):
            counts = table[_key(dimension, pcr_id, body, site, producer)]
            counts[0] += n
            counts[1] += int(bad or 0)
    return [{"key": k, "reviews": n, "disagreements": bad,
             "rate_percent": round(100 * bad / n, 1) if n else 0.0}
            for k, (n, bad) in sorted(table.items())]


def factor_coverage(engine: Engine) -> list[dict[str, Any]]:
    """Factors in the latest release of each dataset, by CPC division (the two digits that
    PCRs name product classes by) and geography."""
    latest = (select(Release.dataset_id, func.max(Release.number).label("number"))
              .group_by(Release.dataset_id).subquery())
    division = func.substr(FactorVersion.cpc, 1, 2)
    query = (select(division, FactorVersion.geography,
                    func.count(func.distinct(FactorVersion.factor_id)))
             .select_from(Release)
             .join(latest, (latest.c.dataset_id == Release.dataset_id)
                   & (latest.c.number == Release.number))
             .join(ReleaseFactor, ReleaseFactor.release_pk == Release.pk)
             .join(FactorVersion, FactorVersion.pk == ReleaseFactor.factor_pk)
             .group_by(division, FactorVersion.geography))
    with transaction(engine) as s:
        rows = [{"cpc_division": d or UNKNOWN, "geography": g or UNKNOWN, "factors": int(n)}
                for d, g, n in s.execute(query)]
    return sorted(rows, key=lambda r: (r["cpc_division"], r["geography"]))


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    """A table as CSV (the columns of its first row)."""
    out = io.StringIO()
    if rows:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return out.getvalue()


TABLES = ("certificates", "timeline", "flags", "peer-review", "factor-coverage")


def table(engine: Engine, name: str, dimension: str = "pcr") -> list[dict[str, Any]]:
    """One of :data:`TABLES` by ``dimension``, as rows (the dashboards, CSV and API share it).
    The flags are raised afresh by ``CertificationDB.flags`` with the PCR library's ranges."""
    check_dimension(dimension)
    if name == "certificates":
        return certificates(engine, dimension)
    if name == "timeline":
        return over_time(engine, dimension)
    if name == "flags":
        raised = CertificationDB(engine).flags(pcr_ranges())
        return flags(engine, raised, dimension)
    if name == "peer-review":
        return peer_review(engine, dimension)
    if name == "factor-coverage":
        return factor_coverage(engine)
    raise ValueError(f"{name!r} is not one of {', '.join(TABLES)}")
