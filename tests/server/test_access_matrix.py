"""Every role against every endpoint: the status each may get proves the confidentiality rules
(members and the certifying body see a study; a customer sees only the declared footprint;
a regulator sees cases and statistics, not inventories; the public sees the registry)."""

from __future__ import annotations

import pytest

from tests.server.conftest import ROLES, World

MEMBERS = {"admin": 200, "analyst": 200, "consultant": 200, "auditor": 200, "decider": 200}
PUBLIC = dict.fromkeys(ROLES, 200)


def expect(ok: dict[str, int], default: int = 403) -> dict[str, int]:
    """Statuses per role: ``ok`` where given, 401 for the anonymous, ``default`` otherwise."""
    return {role: ok.get(role, 401 if role == "anonymous" else default) for role in ROLES}


LOGGED_IN = expect({r: 200 for r in ROLES if r != "anonymous"})
# (method, path template, expected statuses per role)
MATRIX: list[tuple[str, str, dict[str, int]]] = [
    ("GET", "/api/studies/{acme}", expect(MEMBERS)),
    ("GET", "/api/studies/{acme}/result", expect(MEMBERS)),
    ("GET", "/api/studies/{acme}/files/portland-cement.yaml", expect(MEMBERS)),
    ("GET", "/api/studies/{acme}/evidence", expect(MEMBERS)),
    ("POST", "/api/studies/{acme}/validate", expect(MEMBERS)),
    ("GET", "/api/studies/{acme}/checks", expect(MEMBERS)),
    ("GET", "/api/studies/{acme}/declaration", expect(MEMBERS)),
    ("GET", "/api/jobs/{job}", expect(MEMBERS)),
    ("POST", "/api/studies/{acme}/declared",
     expect({"admin": 200, "analyst": 200, "consultant": 200})),
    # the supplier's inventory stays with the supplier, even for its customer
    ("GET", "/api/studies/{parts}", expect({"supplier": 200})),
    ("GET", "/api/studies/{parts}/result", expect({"supplier": 200})),
    ("GET", "/api/supply/{parts}",
     expect({"supplier": 200, "admin": 200, "analyst": 200, "consultant": 200})),
    ("GET", "/api/supply", expect({"admin": 200, "analyst": 200, "consultant": 200,
                                   "outsider": 200})),
    ("GET", "/api/studies", LOGGED_IN),
    ("GET", "/api/cases", LOGGED_IN),
    ("GET", "/api/cases/{case}", expect({**MEMBERS, "regulator": 200})),
    ("GET", "/api/certificates", LOGGED_IN),
    ("GET", "/api/certificates/feed", expect({"regulator": 200})),
    ("GET", "/api/statistics", expect({"regulator": 200})),
    ("GET", "/api/bodies", expect({"regulator": 200, "auditor": 200, "decider": 200,
                                   "other_auditor": 200})),
    ("GET", "/api/users", expect({"admin": 200})),
    ("GET", "/api/me", LOGGED_IN),
    ("GET", "/api/registry/CN-NOSUCH-1", PUBLIC),
    ("GET", "/api/registry?q=CN-NOSUCH-1", PUBLIC),
    ("GET", "/api/labels/CN-NOSUCH-1", PUBLIC),
    ("GET", "/api/releases", PUBLIC),
    ("GET", "/api/factors?q=cement&limit=3", PUBLIC),
    ("GET", "/api/pcrs", PUBLIC),
    ("GET", "/api/pcrs/cement-en16908", PUBLIC),
    ("GET", "/api/ledger/head", PUBLIC),
    ("GET", "/api/ledger/key", PUBLIC),
]


@pytest.mark.parametrize(("method", "template", "statuses"), MATRIX,
                         ids=[f"{m} {t}" for m, t, _ in MATRIX])
def test_every_role_against_every_endpoint(world: World, method: str, template: str,
                                           statuses: dict[str, int]) -> None:
    path = template.format(acme=world.acme_study, parts=world.parts_study, case=world.case_id,
                           job=world.job_id)
    responses = {role: world.as_(role).request(method, path) for role in ROLES}
    assert {role: r.status_code for role, r in responses.items()} == statuses
    for response in responses.values():
        if response.status_code >= 400:
            assert set(response.json()) >= {"code", "message", "field"}


def test_uploading_needs_an_editing_role(fresh_world: World) -> None:
    world = fresh_world
    content = b"study: {}\n"
    for role in ROLES:
        response = world.as_(role).post("/api/studies", files={
            "study": ("s.yaml", content, "application/x-yaml")})
        wanted = 201 if role in ("admin", "analyst", "consultant", "supplier", "outsider") \
            else 401 if role == "anonymous" else 403
        assert response.status_code == wanted, (role, response.text)


def test_the_body_loses_sight_of_the_study_when_the_case_closes(fresh_world: World) -> None:
    world = fresh_world
    path = f"/api/studies/{world.acme_study}"
    assert world.as_("auditor").get(path).status_code == 200
    world.close_case()
    assert world.as_("auditor").get(path).status_code == 403
    assert world.as_("analyst").get(path).status_code == 200


def test_lists_hold_only_what_each_party_may_see(world: World) -> None:
    def ids(role: str, path: str, key: str = "id") -> list[object]:
        return [row[key] for row in world.as_(role).get(path).json()]

    assert ids("analyst", "/api/studies") != []
    assert all(s["organisation_id"] == "acme" for s in world.as_("analyst").get(
        "/api/studies").json())
    assert ids("auditor", "/api/studies") == [world.acme_study]
    assert ids("other_auditor", "/api/studies") == []
    assert ids("regulator", "/api/studies") == []
    assert ids("regulator", "/api/cases") == [world.case_id]
    assert ids("auditor", "/api/cases") == [world.case_id]
    assert ids("other_auditor", "/api/cases") == []
    assert ids("outsider", "/api/cases") == []
    assert ids("admin", "/api/supply", "study_id") == [world.parts_study]
    assert ids("outsider", "/api/supply", "study_id") == []
    assert ids("other_auditor", "/api/bodies") == ["CB2"]
    assert sorted(ids("regulator", "/api/bodies")) == ["CB1", "CB2"]


def test_a_customer_sees_the_declared_footprint_not_the_inventory(world: World) -> None:
    shared = world.as_("admin").get(f"/api/supply/{world.parts_study}").json()
    assert set(shared) == {"study_id", "supplier", "name", "declared"}
    assert set(shared["declared"]) == {"value", "unit", "primary_data_share"}
    assert world.as_("admin").get(
        f"/api/studies/{world.parts_study}/files/portland-cement.yaml").status_code == 403


def test_a_regulator_sees_the_case_without_its_files(world: World) -> None:
    case = world.as_("regulator").get(f"/api/cases/{world.case_id}").json()
    assert case["state"] == "accepted" and "files" not in case
    assert "files" in world.as_("auditor").get(f"/api/cases/{world.case_id}").json()
    stats = world.as_("regulator").get("/api/statistics").json()
    assert stats["cases_by_state"] == {"accepted": 1} and stats["studies"] == 2
