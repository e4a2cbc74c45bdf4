"""Evidence files: type and size limits, SHA-256, the amount they support, confidentiality."""

from __future__ import annotations

import hashlib

from tests.server.conftest import World

CSV = b"meter,kWh\nM1,1200\n"


def test_evidence_is_stored_with_its_sha256_and_amount(fresh_world: World) -> None:
    world = fresh_world
    client = world.as_("analyst")
    url = f"/api/studies/{world.acme_study}/evidence"
    response = client.post(url, files={"file": ("meter.csv", CSV, "text/csv")},
                           data={"amount_path": "processes.0.inputs.0.amount"})
    assert response.status_code == 201, response.text
    evidence = response.json()
    assert evidence["sha256"] == hashlib.sha256(CSV).hexdigest() and evidence["size"] == len(CSV)
    assert [e["id"] for e in client.get(url).json()] == [evidence["id"]]
    download = world.as_("auditor").get(f"/api/evidence/{evidence['id']}")
    assert download.status_code == 200 and download.content == CSV
    assert download.headers["x-sha256"] == evidence["sha256"]
    for role, status in (("regulator", 403), ("outsider", 403), ("anonymous", 401),
                         ("admin", 200)):
        assert world.as_(role).get(f"/api/evidence/{evidence['id']}").status_code == status


def test_evidence_limits(fresh_world: World) -> None:
    world = fresh_world
    client = world.as_("analyst")
    url = f"/api/studies/{world.acme_study}/evidence"
    path = {"amount_path": "processes.0.inputs.0.amount"}
    exe = client.post(url, files={"file": ("x.exe", b"MZ", "application/x-msdownload")},
                      data=path)
    assert exe.status_code == 415 and exe.json()["field"] == "file"
    big = client.post(url, files={"file": ("big.csv", b"1" * (
        world.settings.max_evidence_bytes + 1), "text/csv")}, data=path)
    assert big.status_code == 413
    wrong = client.post(url, files={"file": ("m.csv", CSV, "text/csv")},
                        data={"amount_path": "processes.99.nothing"})
    assert wrong.status_code == 422 and wrong.json()["field"] == "amount_path"
    auditor = world.as_("auditor").post(url, files={"file": ("m.csv", CSV, "text/csv")},
                                        data=path)
    assert auditor.status_code == 403
