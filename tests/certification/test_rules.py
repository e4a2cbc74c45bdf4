"""The certification rules without a database: each one tried and, where it forbids, broken."""

from __future__ import annotations

import datetime as dt

import pytest

from tanzuji.certification import bodies, certificates, credit, flags, impartiality, peer
from tanzuji.certification import workflow as wf
from tanzuji.certification.config import CertConfig
from tanzuji.certification.errors import CertificationError
from tanzuji.model.study import Study
from tests.conftest import study_dict

CONFIG = CertConfig()
D = dt.date


def body(**kw: object) -> bodies.Body:
    base: dict[str, object] = {"id": "CB", "name": "CB", "cnca_approval": "CNCA-R-1",
                               "pilot_qualified": True, "categories": ("steel-bf-bof", "411")}
    base.update(kw)
    return bodies.Body(**base)  # type: ignore[arg-type]


def staff(n: int = 10, years: float = 2.0, full_time: bool = True) -> list[bodies.Auditor]:
    return [bodies.Auditor(f"A{i}", "CB", f"Auditor {i}", full_time, years) for i in range(n)]


# -- bodies -----------------------------------------------------------------------------------

def test_qualified_body_takes_cases_of_its_scope_by_pcr_or_cpc() -> None:
    assert bodies.case_problems(body(), staff(), CONFIG, "steel-bf-bof@1.0", None) == []
    assert bodies.case_problems(body(), staff(), CONFIG, None, "41121") == []


@pytest.mark.parametrize(("change", "words"), [
    ({"cnca_approval": None}, "no CNCA product-certification approval"),
    ({"pilot_qualified": False}, "no PCF label pilot qualification"),
    ({"status": "suspended"}, "is suspended"),
])
def test_body_without_approval_or_pilot_qualification_cannot(change: dict[str, object],
                                                              words: str) -> None:
    problems = bodies.case_problems(body(**change), staff(), CONFIG, "steel-bf-bof", None)
    assert any(words in p for p in problems)


@pytest.mark.parametrize("auditors", [staff(9), staff(10, years=1.9), staff(10, full_time=False),
                                      [*staff(9), bodies.Auditor("X", "OTHER", "x", True, 5)]])
def test_body_needs_ten_full_time_auditors_with_two_years(auditors: list[bodies.Auditor]) -> None:
    problems = bodies.body_problems(body(), auditors, CONFIG)
    assert any("the rules ask for 10" in p for p in problems)


def test_product_outside_the_scope_is_refused() -> None:
    problems = bodies.case_problems(body(), staff(), CONFIG, "cement-en16908@1.0", "37440")
    assert any("not in the scope" in p for p in problems)


def test_auditor_competence() -> None:
    good = bodies.Auditor("A", "CB", "a", True, 2.5, ("411",))
    assert bodies.auditor_problems(good, body(), CONFIG, None, "41121") == []
    assert bodies.auditor_problems(good, body(), CONFIG, None, "37440")  # not competent
    junior = bodies.Auditor("J", "CB", "j", True, 1.0)
    assert any("at least 2" in p for p in bodies.auditor_problems(junior, body(), CONFIG,
                                                                  None, "411"))
    other = bodies.Auditor("O", "ELSE", "o", True, 5.0)
    assert any("works for ELSE" in p for p in bodies.auditor_problems(other, body(), CONFIG,
                                                                      None, "411"))


# -- impartiality -----------------------------------------------------------------------------

R = impartiality.Relationship


def test_consultancy_on_the_same_product_bars_the_body() -> None:
    rel = [R("CB", "consultancy", "steelco", "HRC-1")]
    assert impartiality.conflicts("CB", "steelco", "HRC-1", rel)
    assert impartiality.conflicts("CB", "steelco", "HRC-2", rel) == []  # another product
    assert impartiality.conflicts("CB", "steelco", "HRC-2",
                                  [R("CB", "consultancy", "steelco", None)])  # all products


@pytest.mark.parametrize("kind", ["ownership", "shared_staff"])
def test_ownership_and_shared_staff_bar_either_way(kind: str) -> None:
    assert impartiality.conflicts("CB", "steelco", "any", [R("steelco", kind, "CB")])
    assert impartiality.conflicts("A1", "steelco", "any", [R("A1", kind, "steelco")])


def test_a_body_tied_to_the_applicants_consultant_is_barred() -> None:
    rel = [R("consult", "consultancy", "steelco", "HRC-1"), R("CB", "ownership", "consult")]
    found = impartiality.conflicts("CB", "steelco", "HRC-1", rel)
    assert any("the applicant's consultant" in f for f in found)
    assert impartiality.conflicts("OTHER", "steelco", "HRC-1", rel) == []


def test_auditors_rotate_after_the_configured_number_of_cases() -> None:
    teams = [["A1", "A2"], ["A1", "A3"], ["A1", "A2"]]
    assert impartiality.rotation_problem("A1", teams, 3)
    assert impartiality.rotation_problem("A2", teams, 3) is None  # not in a row
    assert impartiality.rotation_problem("A1", teams[:2], 3) is None
    assert impartiality.rotation_problem("A1", teams[:2], 2)


def test_the_decider_never_audited_the_case() -> None:
    assert impartiality.decider_problem("A1", ["A1", "A2"])
    assert impartiality.decider_problem("D", ["A1", "A2"]) is None


# -- case workflow ----------------------------------------------------------------------------

def test_case_steps_in_order_only() -> None:
    state = "applied"
    for action in ("accept", "plan", "review", "inspect", "verify", "grant", "issue"):
        state = wf.next_state(state, action)
    assert state == "certified"
    for state, action in [("applied", "plan"), ("accepted", "review"), ("planned", "verify"),
                          ("reviewed", "grant"), ("inspected", "grant"), ("certified", "accept"),
                          ("refused", "accept"), ("verified", "issue")]:
        with pytest.raises(CertificationError, match=f"{action} needs it to be"):
            wf.next_state(state, action)


def test_open_findings_and_failed_verification_block_a_grant() -> None:
    with pytest.raises(CertificationError, match="1 finding"):
        wf.check_grant([wf.Finding(1, "minor", "label draft", False)], True)
    with pytest.raises(CertificationError, match="verification"):
        wf.check_grant([wf.Finding(1, "minor", "x", True)], False)
    wf.check_grant([wf.Finding(1, "minor", "x", True)], True)
    with pytest.raises(CertificationError, match="findings are raised between"):
        wf.check_finding_allowed("certified")


def test_documents_required() -> None:
    with pytest.raises(CertificationError, match="lacks bom, inventory"):
        wf.check_documents(["study", "process_flow"])


def test_verification_tolerance() -> None:
    assert wf.Verification(100.0, 100.9, 1.0).passed
    assert not wf.Verification(100.0, 101.1, 1.0).passed
    assert wf.Verification(100.0, 101.1, 1.0).difference_percent == pytest.approx(1.1)


# -- certificates -----------------------------------------------------------------------------

def test_valid_two_years_per_certificate() -> None:
    assert certificates.valid_until(D(2025, 3, 17), 2) == D(2027, 3, 16)
    assert certificates.valid_until(D(2024, 2, 29), 2) == D(2026, 2, 27)


def test_lifecycle_and_final_states() -> None:
    until, today = D(2027, 1, 1), D(2026, 1, 1)

    def t(status: str, action: str, on: dt.date = today) -> str:
        return certificates.transition(status, action, "because", "cnca", until=until, today=on)

    assert t("valid", "suspend") == "suspended"
    assert t("suspended", "restore") == "valid"
    assert t("valid", "change") == "valid"
    assert t("suspended", "withdraw") == "withdrawn"
    assert t("valid", "cancel") == "cancelled"
    assert t("valid", "expire", D(2027, 1, 2)) == "expired"
    for status in certificates.FINAL:
        with pytest.raises(CertificationError):
            t(status, "restore")
    with pytest.raises(CertificationError, match="valid until"):
        t("valid", "expire")
    with pytest.raises(CertificationError, match="expired on"):
        t("suspended", "restore", D(2027, 6, 1))
    with pytest.raises(CertificationError, match="needs a reason"):
        certificates.transition("valid", "suspend", " ", "x", until=until, today=today)


def test_expiry_shows_before_it_is_recorded() -> None:
    assert certificates.effective_status("valid", D(2026, 1, 1), D(2026, 1, 2)) == "expired"
    assert certificates.effective_status("valid", D(2026, 1, 1), D(2026, 1, 1)) == "valid"
    assert certificates.effective_status("withdrawn", D(2026, 1, 1), D(2027, 1, 1)) == \
        "withdrawn"


# -- credit -----------------------------------------------------------------------------------

C = credit.CreditRecord


def test_a_blacklisted_body_cannot_take_cases_until_lifted_or_ended() -> None:
    recs = [C("body", "CB", "blacklist", D(2026, 1, 1), D(2026, 12, 31))]
    with pytest.raises(CertificationError, match="blacklisted"):
        credit.check_body_may_take_cases(recs, "CB", D(2026, 6, 1))
    credit.check_body_may_take_cases(recs, "CB", D(2027, 1, 1))  # ended
    credit.check_body_may_take_cases(recs, "CB", D(2025, 12, 31))  # not yet
    lifted = [*recs, C("body", "CB", "lift", D(2026, 3, 1))]
    credit.check_body_may_take_cases(lifted, "CB", D(2026, 6, 1))
    again = [*lifted, C("body", "CB", "blacklist", D(2026, 5, 1))]
    assert credit.blacklisted(again, "CB", D(2030, 1, 1))  # no end date: until lifted


def test_fraud_withdrawal_bars_new_applications_for_the_configured_months() -> None:
    recs = [C("enterprise", "E", "violation", D(2026, 1, 31), fraud=True)]
    with pytest.raises(CertificationError, match="cannot apply before 2026-07-31"):
        credit.check_enterprise_may_apply(recs, "E", D(2026, 7, 30), 6)
    credit.check_enterprise_may_apply(recs, "E", D(2026, 7, 31), 6)
    credit.check_enterprise_may_apply(recs, "OTHER", D(2026, 2, 1), 6)
    plain = [C("enterprise", "E", "violation", D(2026, 1, 31))]
    credit.check_enterprise_may_apply(plain, "E", D(2026, 2, 1), 6)  # not fraud
    assert credit.add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)


def test_config_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANZUJI_CERT_FRAUD_BAR_MONTHS", "12")
    monkeypatch.setenv("TANZUJI_CERT_TOLERANCE_PERCENT", "0.5")
    config = CertConfig.from_env()
    assert (config.fraud_bar_months, config.tolerance_percent) == (12, 0.5)
    monkeypatch.setenv("TANZUJI_CERT_ROTATION_CASES", "three")
    with pytest.raises(ValueError, match="TANZUJI_CERT_ROTATION_CASES='three'"):
        CertConfig.from_env()


# -- peer review ------------------------------------------------------------------------------

def test_peer_sample_is_reproducible_and_never_self_review() -> None:
    ids = [f"C{i}" for i in range(10)]
    assert peer.sample(ids, 3, 7) == peer.sample(ids, 3, 7)
    assert len(peer.sample(ids, 30, 1)) == 10
    with pytest.raises(CertificationError, match="cannot peer-review"):
        peer.check_reviewer("CB", "CB")
    assert peer.disagrees(100.0, 106.0, 5.0) and not peer.disagrees(100.0, 104.0, 5.0)


# -- flags ------------------------------------------------------------------------------------

def _study_with_evidence(evidence: str) -> Study:
    doc = study_dict([{
        "id": "p", "name": "p", "stage": "production",
        "reference_product": {"name": "widget", "amount": 1, "unit": "kg"},
        "inputs": [{"name": "green electricity", "amount": 5, "unit": "kWh",
                    "factor": "steel", "evidence": evidence}],
    }])
    return Study.model_validate(doc)


def test_gec_serials_are_read_from_evidence_and_ranges_expanded() -> None:
    study = _study_with_evidence("GEC serials GEC2024-00000101..00000103, GEC2024-00000200")
    assert flags.gec_serials(study) == ["GEC2024-00000101", "GEC2024-00000102",
                                        "GEC2024-00000103", "GEC2024-00000200"]
    assert flags.gec_serials(_study_with_evidence("meter M-01 2024 ledger")) == []
    assert flags.gec_serials(_study_with_evidence("绿证 编号 12345678901")) == ["12345678901"]


def test_the_same_gec_serial_claimed_twice_is_flagged() -> None:
    claims = [flags.Claim("S1", "C1", "E1", "M1"), flags.Claim("S1", "C2", "E2", "M9"),
              flags.Claim("S2", "C3", "E1", "M1"), flags.Claim("S2", "C4", "E1", "M1")]
    found = flags.double_claims(claims)
    assert [f.subject for f in found] == ["S1"]  # S2: the same product applying again


def test_label_and_status_and_range_flags() -> None:
    assert flags.label_value("L", "N", "2106", 2105.68) is None  # rounding shown on the label
    assert flags.label_value("L", "N", "1990", 2105.68) is not None
    assert flags.label_value("L", "N", "2105.7", 2105.68) is not None
    assert flags.shown_value(0.0001234567) == "0.0001235"
    assert flags.certificate_use("L", "N", "valid") is None
    assert flags.certificate_use("L", "N", "suspended") is not None
    assert flags.pcr_range("c", 2100.0, 1500.0, 3200.0, "steel") is None
    assert flags.pcr_range("c", 900.0, 1500.0, 3200.0, "steel") is not None


def test_industry_outliers_need_enough_peers() -> None:
    values = {f"N{i}": 2000.0 + 10 * i for i in range(6)}
    assert flags.industry_outliers(values, "steel", 5.0) == []
    values["FAR"] = 9000.0
    assert [f.subject for f in flags.industry_outliers(values, "steel", 5.0)] == ["FAR"]
    assert flags.industry_outliers({"A": 1.0, "B": 100.0}, "steel", 5.0) == []
