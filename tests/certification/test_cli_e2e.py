"""End to end through the CLI: an example study from application to a verified label; then
the certificate is suspended and the registry and `label verify --online` say so."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.labels.payload import envelope, parse_payload, sign_payload
from tests.certification.conftest import small_study
from tests.conftest import WriteStudy

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "steel-bf-bof-hot-rolled.yaml"
runner = CliRunner()


def run(*args: str, code: int = 0) -> str:
    res = runner.invoke(app, [*args])
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    return res.output


def test_example_study_to_verified_label_then_suspended(db_url: str, tmp_path: Path) -> None:
    run("db", "init")
    run("cb", "add", "CQC", "--name", "Example Certification Centre", "--cnca-approval",
        "CNCA-R-2002-001", "--pilot", "--category", "steel-bf-bof", "--by", "admin")
    for i in range(1, 11):
        run("cb", "auditor", f"CQC-A{i:02d}", "--body", "CQC", "--name", f"Auditor {i}",
            "--years", "3", "--by", "admin")
    run("cb", "org", "steelco", "--name", "Example Iron & Steel", "--by", "admin")
    listed = json.loads(run("cb", "list", "--json"))
    assert listed[0]["qualified_auditors"] == 10 and listed[0]["problems"] == []

    out = run("case", "apply", str(EXAMPLE), "--applicant", "steelco", "--body", "CQC",
              "--derive-documents", "--by", "steelco-clerk")
    case = out.split()[1].rstrip(":")
    run("case", "decide", case, "--grant", "--by", "decider", code=2)  # out of order
    run("case", "accept", case, "--by", "cqc-clerk")
    run("case", "plan", case, "--auditor", "CQC-A01", "--auditor", "CQC-A02", "--lead",
        "CQC-A01", "--plan", "two days on site", "--by", "cqc-clerk")
    run("case", "review", case, "--by", "CQC-A01")
    run("case", "inspect", case, "--by", "CQC-A01")
    run("case", "finding", case, "--severity", "minor", "--text", "BOM revision not signed",
        "--by", "CQC-A02")
    assert "passed" in run("case", "verify", case, "--by", "CQC-A01")
    assert "1 finding(s) still open" in run("case", "decide", case, "--grant", "--by",
                                           "decider", code=2)
    run("case", "close-finding", case, "1", "--note", "signed BOM supplied", "--by", "CQC-A02")
    assert "audited this case" in run("case", "decide", case, "--grant", "--by", "CQC-A02",
                                      code=2)
    run("case", "decide", case, "--grant", "--by", "decider")
    number = run("cert", "issue", case, "--by", "decider").split()[1]
    shown = json.loads(run("case", "show", case, "--json"))
    assert shown["state"] == "certified" and shown["verification"]["passed"]

    labels = tmp_path / "labels"
    files = run("label", "make", number, "--out", str(labels), "--by", "cqc-clerk").split()
    assert sorted(Path(f).suffix for f in files) == [".json", ".png", ".svg", ".txt"]
    assert "signature valid" in run("label", "verify", str(labels / f"{number}.png"))
    online = json.loads(run("label", "verify", str(labels / f"{number}.svg"), "--online",
                            "--json"))
    assert online["ok"] and online["status"] == "valid" and online["value"] > 2000

    run("cert", "suspend", number, "--reason", "surveillance found meter tampering", "--by",
        "cqc-manager")
    record = json.loads(run("cert", "registry", number, "--json", code=1))
    assert record["status"] == "suspended"
    assert "suspended" in record["warnings"][0]["en"] and "暂停" in record["warnings"][0]["zh"]
    qr = (labels / f"{number}.txt").read_text(encoding="utf-8").strip()
    assert "已被暂停" in run("cert", "registry", qr, code=1)
    # offline the label is still authentic; online it reports the suspension
    run("label", "verify", str(labels / f"{number}.svg"))
    online = json.loads(run("label", "verify", str(labels / f"{number}.svg"), "--online",
                            "--json", code=1))
    assert online["signature_valid"] and online["status"] == "suspended"
    flags = json.loads(run("flags", "--json"))
    assert [f["code"] for f in flags] == ["CERT-USE"]
    feed = json.loads(run("cert", "list", "--regulator", "--json"))
    assert [(e["action"], e["to"]) for e in feed] == [("issue", "valid"),
                                                     ("suspend", "suspended")]
    assert feed[1]["actor"] == "cqc-manager"


def test_a_label_edited_after_signing_fails(db_url: str, tmp_path: Path) -> None:
    run("db", "init")
    forged = tmp_path / "forged.json"
    payload = parse_payload({
        "certificate": "X-1", "product_en": "coil", "product_model": "M", "producer": "P",
        "value": "2106", "unit": "kg CO2e per 1 t", "result_type": "partial_CFP",
        "boundary": "cradle_to_gate", "pcr": "none", "certification_body": "B",
        "issued": "2026-01-01", "valid_until": "2027-12-31",
        "verify_url": "https://registry.tanzuji.org"})
    doc = envelope(payload, sign_payload(payload))
    doc["payload"]["value"] = "1990"
    forged.write_text(json.dumps(doc), encoding="utf-8")
    assert "does not verify" in run("label", "verify", str(forged), code=1)
    doc["payload"]["value"] = "2106"
    forged.write_text(json.dumps(doc), encoding="utf-8")
    assert "counterfeit" in run("label", "verify", str(forged), "--online", code=1)


def test_credit_and_impartiality_commands(db_url: str, write_study: WriteStudy) -> None:
    run("db", "init")
    run("cb", "add", "CB", "--name", "Body", "--cnca-approval", "R-1", "--pilot",
        "--category", "411")
    for i in range(10):
        run("cb", "auditor", f"A{i}", "--body", "CB", "--name", f"a{i}", "--years", "2")
    run("cb", "org", "E1", "--name", "Enterprise")
    run("cb", "org", "C1", "--name", "Consult", "--consultant")
    study = str(small_study(write_study))
    run("credit", "blacklist", "CB", "--body", "--reason", "false reports", "--by", "cnca")
    assert "CB" in run("credit", "blacklist")
    assert "blacklisted and cannot take cases" in run(
        "case", "apply", study, "--applicant", "E1", "--body", "CB", "--derive-documents",
        code=2)
    run("credit", "blacklist", "CB", "--body", "--lift", "--reason", "corrected")
    assert "the blacklist is empty" in run("credit", "blacklist")
    run("cb", "relate", "C1", "consultancy", "E1", "--product", "W-1")
    run("cb", "relate", "A0", "shared_staff", "C1")
    case = run("case", "apply", study, "--applicant", "E1", "--body", "CB",
               "--derive-documents").split()[1].rstrip(":")
    run("case", "accept", case)
    assert "the applicant's consultant" in run(
        "case", "plan", case, "--auditor", "A0", "--lead", "A0", "--plan", "p", code=2)
    run("credit", "add", "E1", "--enterprise", "--kind", "penalty", "--description",
        "late surveillance", "--penalty", "warning")
    records = json.loads(run("credit", "list", "E1", "--json"))
    assert [(r["kind"], r["party"]) for r in records] == [("penalty", "E1")]
    body = json.loads(run("cb", "show", "CB", "--json"))
    assert body["status"] == "active" and not body["blacklisted"]  # lifted
