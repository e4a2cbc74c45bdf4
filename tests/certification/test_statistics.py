"""The regulator's statistics (tanzuji.certification.statistics) on SQLite or, with
TANZUJI_TEST_DATABASE_URL, PostgreSQL: certificates and their moves by PCR, region and body,
flags tied to their certificate, peer-review disagreement and factor coverage."""

from __future__ import annotations

import dataclasses

from tanzuji.certification import casefiles, statistics
from tanzuji.certification.workflow import Application
from tanzuji.store.certification_db import CertificationDB
from tanzuji.store.factor_db import FactorDB
from tanzuji.store.seed import init_database
from tests.certification.conftest import certify


def test_statistics_by_pcr_region_and_body(cdb: CertificationDB,
                                           application: Application) -> None:
    hebei = certify(cdb, dataclasses.replace(application, product_model="W-1",
                                             site="Tangshan, Hebei"))
    jiangsu = certify(cdb, dataclasses.replace(application, product_model="W-2",
                                               site="江苏常州"), team=("CB-A03", "CB-A04"))
    payload = {"value": "4", "certificate": hebei}
    cdb.add_label(hebei, payload, b"\x00" * 64, 4.0, "decider")
    cdb.transition(hebei, "suspend", "meter data under review", "decider")
    cdb.transition(jiangsu, "withdraw", "false readings", "decider")
    cdb.add_body("PEER", "Peer body", "CNCA-R-9", True, ["411"], "admin")
    cdb.peer_review("PEER", 5, 1, "peer-auditor", casefiles.recompute_total)

    by_region = {r["key"]: r for r in statistics.certificates(cdb.engine, "region")}
    assert by_region["CN-HE"]["issued"] == 1 and by_region["CN-HE"]["suspended"] == 1
    assert by_region["CN-JS"]["withdrawn"] == 1
    by_body = statistics.certificates(cdb.engine, "body")
    assert by_body == [{"key": "CB", "issued": 2, "valid": 0, "suspended": 1, "withdrawn": 1,
                        "cancelled": 0, "expired": 0}]

    timeline = statistics.over_time(cdb.engine, "body")
    assert len(timeline) == 1 and timeline[0]["key"] == "CB"
    assert (timeline[0]["issued"], timeline[0]["suspended"], timeline[0]["withdrawn"]) == \
        (2, 1, 1)
    assert len(timeline[0]["month"]) == 7

    rows = statistics.flags(cdb.engine, cdb.flags(casefiles.pcr_ranges()), "region")
    assert {"key": "CN-HE", "code": "CERT-USE"} in [
        {"key": r["key"], "code": r["code"]} for r in rows]
    assert statistics.flag_counts(rows)[0]["flags"] >= 1

    peer = statistics.peer_review(cdb.engine, "body")
    assert peer == [{"key": "CB", "reviews": 2, "disagreements": 0, "rate_percent": 0.0}]
    assert statistics.table(cdb.engine, "timeline", "pcr") == \
        statistics.over_time(cdb.engine, "pcr")
    csv_text = statistics.to_csv(by_body)
    assert csv_text.splitlines()[0] == "key,issued,valid,suspended,withdrawn,cancelled,expired"


def test_factor_coverage_counts_the_latest_releases(cdb: CertificationDB) -> None:
    assert statistics.factor_coverage(cdb.engine) == []
    init_database(FactorDB(cdb.engine))
    rows = statistics.factor_coverage(cdb.engine)
    assert rows and all(r["factors"] > 0 for r in rows)
    assert {"CN-HE", "CN"} <= {r["geography"] for r in rows}
