"""Confidentiality of the PACT owner API: every role against every endpoint under /api/pact
(a data owner's publications and requests are its members' only; the organisation admin sets
the certification rule). The /3 actions take PACT client tokens only (test_host.py)."""

from __future__ import annotations

import pytest

from tests.server.conftest import ROLES
from tests.server.pact.conftest import INFO, PactWorld, publish, second_study

ACME_MEMBERS = ("admin", "analyst", "consultant")
ANY_MEMBER = (*ACME_MEMBERS, "supplier", "outsider")  # members of some organisation


def expect(ok: dict[str, int], default: int = 403) -> dict[str, int]:
    return {role: ok.get(role, 401 if role == "anonymous" else default) for role in ROLES}


# (method, path, JSON body, expected status per role); roles are tried in ROLES order
MATRIX: list[tuple[str, str, dict[str, object] | None, dict[str, int]]] = [
    ("GET", "/api/pact/publications", None, expect(dict.fromkeys(ANY_MEMBER, 200))),
    ("GET", "/api/pact/publications/{hidden}", None, expect(dict.fromkeys(ACME_MEMBERS, 200))),
    ("GET", "/api/pact/requests", None, expect(dict.fromkeys(ANY_MEMBER, 200))),
    ("GET", "/api/pact/policy", None, expect(dict.fromkeys(ANY_MEMBER, 200))),
    ("PUT", "/api/pact/policy", {"require_certificate": False}, expect({"admin": 200})),
    ("POST", "/api/pact/publications", {"study_id": "{spare_study}", "info": INFO},
     expect(dict.fromkeys(ACME_MEMBERS, 201))),
    ("POST", "/api/pact/publications/{spare}/recipients",
     {"kind": "organisation", "recipient": "gov"}, expect(dict.fromkeys(ACME_MEMBERS, 200))),
    # the first member deprecates it; the others find it deprecated already
    ("POST", "/api/pact/publications/{spare}/deprecate", None,
     expect({"admin": 200, "analyst": 409, "consultant": 409})),
    # an unknown request is "not found" for any data owner, refused for non-members
    ("POST", "/api/pact/requests/999999/reject", {"message": "no"},
     expect(dict.fromkeys(ANY_MEMBER, 404))),
]


@pytest.mark.parametrize(("method", "path", "body", "statuses"), MATRIX,
                         ids=[f"{m} {p}" for m, p, _, _ in MATRIX])
def test_role_matrix(pact: PactWorld, method: str, path: str, body: dict[str, object] | None,
                     statuses: dict[str, int]) -> None:
    world = pact.world
    study = second_study(world)  # its own footprints: the others' stay as they are
    spare = publish(world, "analyst", study)["id"] if "{spare}" in path else ""
    url = path.format(hidden=pact.hidden["id"], spare=spare)
    payload = ({k: study if v == "{spare_study}" else v for k, v in body.items()}
               if body is not None else None)
    got = {role: world.as_(role).request(method, url, json=payload).status_code
           for role in ROLES}
    assert got == statuses
