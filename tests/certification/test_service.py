"""The workflow over a database: every impartiality and credit rule tried and broken, PCF
verification, certificate changes, expiry, peer review and the flags."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from tanzuji.certification import casefiles
from tanzuji.certification.errors import CertificationError
from tanzuji.certification.workflow import Application
from tanzuji.store.certification_db import CertificationDB, today
from tanzuji.store.db import transaction
from tanzuji.store.tables import CertCase, LedgerEntry
from tests.certification.conftest import certify, small_study, through_inspection
from tests.conftest import WriteStudy


def ledger_size(db: CertificationDB) -> int:
    with transaction(db.engine) as s:
        return s.scalar(select(func.count()).select_from(LedgerEntry)) or 0


def test_a_case_runs_to_a_certificate_and_every_step_is_in_the_ledger(
        cdb: CertificationDB, application: Application) -> None:
    before = ledger_size(cdb)
    number = certify(cdb, application)
    case = cdb.case(f"PCF-{today().year}-0001")
    assert case["state"] == "certified" and case["certificate"] == number
    assert case["verification"]["passed"] and case["verification"]["recomputed"] == \
        pytest.approx(4.0)
    assert {f["role"] for f in case["files"]} == {"study", "input", "process_flow", "bom",
                                                  "inventory"}
    cert = cdb.certificate(number)
    assert cert is not None and cert["status"] == "valid" and cert["value"] == pytest.approx(4)
    assert dt.date.fromisoformat(cert["valid_until"]) == \
        dt.date.fromisoformat(cert["issued_on"]).replace(
            year=dt.date.fromisoformat(cert["issued_on"]).year + 2) - dt.timedelta(days=1)
    # apply, accept, plan, review, inspect, verify, grant, issue (case) + issue (certificate)
    assert ledger_size(cdb) - before == 9


def test_out_of_order_steps_change_nothing(cdb: CertificationDB,
                                           application: Application) -> None:
    case = cdb.apply(application, "E1", "CB", "clerk")
    size = ledger_size(cdb)
    with pytest.raises(CertificationError, match="plan needs it to be accepted"):
        cdb.plan(case, ["CB-A01"], "CB-A01", "plan", "clerk")
    with pytest.raises(CertificationError, match="verify needs it"):
        cdb.verify(case, "clerk", casefiles.recompute_total)
    with pytest.raises(CertificationError, match="issue needs it"):
        cdb.issue(case, "clerk")
    assert cdb.case(case)["state"] == "applied" and ledger_size(cdb) == size


def test_open_findings_block_the_decision(cdb: CertificationDB,
                                         application: Application) -> None:
    case = through_inspection(cdb, application)
    number = cdb.raise_finding(case, "minor", "meter calibration certificate missing", "CB-A01")
    cdb.verify(case, "CB-A01", casefiles.recompute_total)
    with pytest.raises(CertificationError, match="1 finding"):
        cdb.decide(case, True, "decider")
    cdb.close_finding(case, number, "certificate supplied", "CB-A01")
    cdb.decide(case, True, "decider")
    assert cdb.case(case)["state"] == "granted"


def test_the_decider_never_audited_the_case(cdb: CertificationDB,
                                            application: Application) -> None:
    case = through_inspection(cdb, application)
    cdb.verify(case, "CB-A01", casefiles.recompute_total)
    for auditor in ("CB-A02", "name of CB-A01"):  # by id or by name
        with pytest.raises(CertificationError, match="audited this case"):
            cdb.decide(case, True, auditor)


def test_verification_fails_outside_the_tolerance(cdb: CertificationDB,
                                                  application: Application) -> None:
    tampered = dataclasses.replace(application, declared_value=3.9)  # 2.6 % below 4.0
    case = through_inspection(cdb, tampered)
    check = cdb.verify(case, "CB-A01", casefiles.recompute_total)
    assert not check.passed and check.difference_percent == pytest.approx(100 * 0.1 / 3.9)
    shown = cdb.case(case)
    assert shown["state"] == "inspected"
    assert shown["findings"][0]["severity"] == "major" and shown["findings"][0]["open"]
    with pytest.raises(CertificationError, match="grant needs it to be verified"):
        cdb.decide(case, True, "decider")
    lenient = dataclasses.replace(application, declared_value=3.9)
    case2 = cdb.apply(lenient, "E2", "CB", "clerk", tolerance_percent=5.0)
    cdb.accept(case2, "clerk")
    cdb.plan(case2, ["CB-A03"], "CB-A03", "p", "clerk")
    cdb.review(case2, "CB-A03")
    cdb.inspect(case2, "CB-A03")
    assert cdb.verify(case2, "CB-A03", casefiles.recompute_total).passed


def test_a_tampered_stored_study_is_caught(cdb: CertificationDB,
                                           application: Application) -> None:
    case = through_inspection(cdb, application)
    with transaction(cdb.engine) as s:
        row = s.get(CertCase, case)
        assert row is not None
        row.study_sha256 = "0" * 64
    with pytest.raises(CertificationError, match="does not hash"):
        cdb.verify(case, "CB-A01", casefiles.recompute_total)


# -- impartiality -----------------------------------------------------------------------------

def test_a_body_that_consulted_on_the_product_cannot_take_the_case(
        cdb: CertificationDB, application: Application) -> None:
    cdb.relate("CB", "consultancy", "E1", "W-1", "built the PCF model", "admin")
    with pytest.raises(CertificationError, match="consultancy relationship"):
        cdb.apply(application, "E1", "CB", "clerk")
    cdb.apply(application, "E2", "CB", "clerk")  # another applicant is fine


def test_a_body_owned_by_the_applicants_consultant_is_barred(
        cdb: CertificationDB, application: Application) -> None:
    cdb.add_organisation("C1", "Consult", "consultant", "admin")
    cdb.relate("C1", "consultancy", "E1", None, None, "admin")
    cdb.relate("C1", "ownership", "CB", None, "C1 owns CB", "admin")
    with pytest.raises(CertificationError, match="the applicant's consultant"):
        cdb.apply(application, "E1", "CB", "clerk")


def test_a_relationship_recorded_after_the_application_stops_acceptance(
        cdb: CertificationDB, application: Application) -> None:
    case = cdb.apply(application, "E1", "CB", "clerk")
    cdb.relate("E1", "ownership", "CB", None, None, "admin")
    with pytest.raises(CertificationError, match="ownership"):
        cdb.accept(case, "clerk")


@pytest.mark.parametrize("kind", ["shared_staff", "consultancy"])
def test_a_linked_auditor_cannot_be_assigned(cdb: CertificationDB, application: Application,
                                             kind: str) -> None:
    case = cdb.apply(application, "E1", "CB", "clerk")
    cdb.accept(case, "clerk")
    cdb.relate("CB-A01", kind, "E1", None, None, "admin")
    with pytest.raises(CertificationError, match="CB-A01 has a"):
        cdb.plan(case, ["CB-A01", "CB-A02"], "CB-A02", "plan", "clerk")
    cdb.plan(case, ["CB-A02", "CB-A03"], "CB-A02", "plan", "clerk")


def test_auditors_rotate(cdb: CertificationDB, write_study: WriteStudy) -> None:
    for i in range(3):
        app = casefiles.prepare_application(small_study(write_study, model=f"W-{i}"),
                                            derive_documents=True)
        certify(cdb, app, team=("CB-A01", f"CB-A1{i}"))
    app = casefiles.prepare_application(small_study(write_study, model="W-9"),
                                        derive_documents=True)
    with pytest.raises(CertificationError, match="CB-A01 served the applicant's last 3"):
        certify(cdb, app, team=("CB-A01", "CB-A05"))
    case = cdb.cases()[-1]["id"]
    cdb.plan(case, ["CB-A05", "CB-A06"], "CB-A05", "rotated team", "clerk")


def test_an_unqualified_or_out_of_scope_body_cannot_take_cases(
        cdb: CertificationDB, application: Application) -> None:
    cdb.add_body("SMALL", "Small body", "CNCA-R-2", True, ["411"], "admin")
    for i in range(9):
        cdb.add_auditor(f"S{i}", "SMALL", "s", True, 5.0, [], "admin")
    with pytest.raises(CertificationError, match="has 9 full-time PCF auditors"):
        cdb.apply(application, "E1", "SMALL", "clerk")
    cdb.add_body("CEMENT", "Cement body", "CNCA-R-3", True, ["374"], "admin")
    with pytest.raises(CertificationError, match="not in the scope"):
        cdb.apply(application, "E1", "CEMENT", "clerk")


# -- credit -----------------------------------------------------------------------------------

def test_a_blacklisted_body_cannot_take_cases(cdb: CertificationDB,
                                              application: Application) -> None:
    case = cdb.apply(application, "E2", "CB", "clerk")
    cdb.add_credit("body", "CB", "blacklist", "false reports", "cnca")
    assert "CB" in cdb.blacklist()
    with pytest.raises(CertificationError, match="blacklisted and cannot take cases"):
        cdb.apply(application, "E1", "CB", "clerk")
    with pytest.raises(CertificationError, match="blacklisted"):
        cdb.accept(case, "clerk")
    cdb.add_credit("body", "CB", "lift", "corrective actions verified", "cnca")
    cdb.accept(case, "clerk")


def test_an_enterprise_withdrawn_for_fraud_cannot_apply_within_the_bar(
        cdb: CertificationDB, application: Application) -> None:
    number = certify(cdb, application)
    cdb.transition(number, "withdraw", "falsified meter data", "cnca", fraud=True)
    records = cdb.credit_records("E1")
    assert records and records[0]["fraud"]
    with pytest.raises(CertificationError, match="withdrawn for fraud"):
        cdb.apply(application, "E1", "CB", "clerk")
    later = today().replace(year=today().year + 4)  # the default bar is 36 months
    cdb.apply(application, "E1", "CB", "clerk", on=later)


def test_one_open_case_and_one_certificate_in_force_per_model(
        cdb: CertificationDB, application: Application) -> None:
    case = cdb.apply(application, "E1", "CB", "clerk")
    with pytest.raises(CertificationError, match=f"case {case} for W-1 is still open"):
        cdb.apply(application, "E1", "CB", "clerk")
    cdb.refuse(case, "clerk", "incomplete")
    number = certify(cdb, application)
    cdb.transition(number, "suspend", "investigation", "cb")
    with pytest.raises(CertificationError, match="is suspended: change it, or cancel it"):
        cdb.apply(application, "E1", "CB", "clerk")
    cdb.apply(application, "E2", "CB", "clerk")  # another applicant's own model
    cdb.transition(number, "cancel", "holder's request", "cb")
    cdb.apply(application, "E1", "CB", "clerk")


def test_fraud_is_a_reason_for_withdrawal_only(cdb: CertificationDB,
                                               application: Application) -> None:
    number = certify(cdb, application)
    with pytest.raises(CertificationError, match="withdrawal only"):
        cdb.transition(number, "suspend", "x", "cnca", fraud=True)
    assert cdb.credit_records("E1") == []


def test_a_blacklisted_enterprise_cannot_apply(cdb: CertificationDB,
                                               application: Application) -> None:
    cdb.add_credit("enterprise", "E1", "blacklist", "repeated violations", "cnca",
                   until=today() + dt.timedelta(days=30))
    with pytest.raises(CertificationError, match="enterprise E1 is blacklisted"):
        cdb.apply(application, "E1", "CB", "clerk")
    cdb.apply(application, "E1", "CB", "clerk", on=today() + dt.timedelta(days=31))


# -- certificates -----------------------------------------------------------------------------

def test_certificate_changes_are_recorded_with_reason_actor_and_time(
        cdb: CertificationDB, application: Application) -> None:
    number = certify(cdb, application)
    cdb.transition(number, "change", "new site", "cb-staff", changes={"site": "Wuxi"})
    cdb.transition(number, "suspend", "surveillance overdue", "cb-staff")
    with pytest.raises(CertificationError, match="change needs it to be valid"):
        cdb.transition(number, "change", "x", "cb-staff", changes={"site": "y"})
    cdb.transition(number, "restore", "surveillance done", "cb-staff")
    cdb.transition(number, "cancel", "holder's request", "cb-staff")
    with pytest.raises(CertificationError, match="cancelled"):
        cdb.transition(number, "restore", "x", "cb-staff")
    cert = cdb.certificate(number)
    assert cert is not None and cert["site"] == "Wuxi"
    events = [(e["action"], e["actor"], e["to"]) for e in cert["events"]]
    assert events == [("issue", "decider", "valid"), ("change", "cb-staff", "valid"),
                      ("suspend", "cb-staff", "suspended"), ("restore", "cb-staff", "valid"),
                      ("cancel", "cb-staff", "cancelled")]
    assert [e["action"] for e in cdb.regulator_feed()] == [e[0] for e in events]
    with pytest.raises(CertificationError, match="one or more of"):
        cdb.transition(certify(cdb, application, "E2", ("CB-A03", "CB-A04")), "change", "x",
                       "s", changes={"number": "X"})


def test_expiry(cdb: CertificationDB, application: Application) -> None:
    number = certify(cdb, application)
    cert = cdb.certificate(number)
    assert cert is not None
    last = dt.date.fromisoformat(cert["valid_until"])
    assert cdb.expire_due("system", last) == []
    after = last + dt.timedelta(days=1)
    view = cdb.certificate(number, after)
    assert view is not None and view["status"] == "expired"  # before it is recorded
    assert cdb.expire_due("system", after) == [number]
    view = cdb.certificate(number)
    assert view is not None and view["recorded_status"] == "expired"
    with pytest.raises(CertificationError, match="expired"):
        cdb.surveil(number, True, "annual audit", "CB-A01")


def test_nonconforming_surveillance_suspends(cdb: CertificationDB,
                                             application: Application) -> None:
    number = certify(cdb, application)
    assert cdb.surveil(number, True, "annual audit passed", "CB-A03") == "valid"
    assert cdb.surveil(number, False, "product changed without notice", "CB-A03") == \
        "suspended"


# -- peer review and flags --------------------------------------------------------------------

def test_peer_review_records_agreement_and_refuses_self_review(
        cdb: CertificationDB, application: Application) -> None:
    certify(cdb, application)
    cdb.add_body("PEER", "Peer body", "CNCA-R-9", True, ["411"], "admin")
    rows = cdb.peer_review("PEER", 5, 1, "peer-auditor", casefiles.recompute_total)
    assert len(rows) == 1 and not rows[0]["disagreement"]
    with pytest.raises(CertificationError, match="no certified case of another body"):
        cdb.peer_review("CB", 5, 1, "x", casefiles.recompute_total)


def test_peer_review_records_a_disagreement(cdb: CertificationDB,
                                            application: Application) -> None:
    lenient = dataclasses.replace(application, declared_value=3.5)
    case = cdb.apply(lenient, "E1", "CB", "clerk", tolerance_percent=20.0)
    cdb.accept(case, "clerk")
    cdb.plan(case, ["CB-A01"], "CB-A01", "p", "clerk")
    cdb.review(case, "CB-A01")
    cdb.inspect(case, "CB-A01")
    cdb.verify(case, "CB-A01", casefiles.recompute_total)
    cdb.decide(case, True, "decider")
    cdb.issue(case, "decider")
    cdb.add_body("PEER", "Peer body", "CNCA-R-9", True, ["411"], "admin")
    rows = cdb.peer_review("PEER", 1, 1, "peer-auditor", casefiles.recompute_total)
    assert rows[0]["disagreement"] and rows[0]["recomputed"] == pytest.approx(4.0)


def test_flags_gec_claimed_twice_label_value_and_suspended_use(
        cdb: CertificationDB, write_study: WriteStudy) -> None:
    serial = "GEC certificates GEC2024-00001234"
    a = casefiles.prepare_application(
        small_study(write_study, "W-1", serial, "a.yaml"), derive_documents=True)
    b = casefiles.prepare_application(
        small_study(write_study, "W-2", serial, "b.yaml"), derive_documents=True)
    number = certify(cdb, a, "E1")
    cdb.apply(b, "E2", "CB", "clerk")
    cdb.add_label(number, {"value": "4"}, b"\0" * 64, 4.0, "clerk")
    assert [f.code for f in cdb.flags({})] == ["GEC-DOUBLE"]
    cdb.transition(number, "change", "value corrected", "cb", changes={"value": 4.4})
    cdb.transition(number, "suspend", "investigation", "cb")
    codes = sorted(f.code for f in cdb.flags({}))
    assert codes == ["CERT-USE", "GEC-DOUBLE", "LABEL-VALUE"]


def test_flags_a_value_outside_the_pcr_range(cdb: CertificationDB,
                                             application: Application) -> None:
    low = dataclasses.replace(application, pcr_id="steel-bf-bof@1.0")
    cdb.apply(low, "E1", "CB", "clerk")
    found = cdb.flags(casefiles.pcr_ranges())
    assert [f.code for f in found] == ["PCR-RANGE"] and "1500" in found[0].message


def test_verification_uses_the_release_pinned_at_application(
        cdb: CertificationDB, tmp_path: Path) -> None:
    """A study pinning ``assoc`` (the newest) is applied under assoc@1; a later release does
    not change what its verification recomputes."""
    from tests.store.test_db_cli import _study, ok, release_assoc
    from tests.store.test_factor_db import STEEL

    ok("db", "create", "assoc", "--title", "association factors", "--by", "alice")
    release_assoc(tmp_path, STEEL)
    doc = yaml.safe_load(Path(_study(tmp_path, ["assoc"])).read_text(encoding="utf-8"))
    doc["study"]["product"].update(model="W-1", cpc="41121")
    study = tmp_path / "pinned.yaml"
    study.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    app = casefiles.prepare_application(study, derive_documents=True)
    assert app.releases == ("assoc@1",)
    case = through_inspection(cdb, app)
    release_assoc(tmp_path, [STEEL[0].replace(",2100,", ",2300,"), *STEEL[1:]])  # assoc@2
    check = cdb.verify(case, "CB-A01", casefiles.recompute_total)
    assert check.passed and check.recomputed == pytest.approx(app.declared_value)
    assert cdb.case(case)["verification"]["releases"] == ["assoc@1"]
