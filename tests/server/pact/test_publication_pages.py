"""The data owner's web page of a study's PACT publications: publish the newest result to a
customer, see it listed, deprecate it; refusals beside their field; nobody else gets in."""

from __future__ import annotations

import re

import yaml
from fastapi.testclient import TestClient

from tanzuji.server import csrf
from tanzuji.store.pact_db import PactDB
from tests.server.conftest import ROLES, World
from tests.server.pact.conftest import INFO, second_study


def token(world: World, client: TestClient) -> str:
    return csrf.form_token(client.cookies.get(world.settings.session_cookie) or "")


def test_publish_list_and_deprecate_from_the_study_page(world: World) -> None:
    study = second_study(world, "published from the web page")
    analyst = world.as_("analyst")
    assert 'id="see-publications"' in analyst.get(f"/studies/{study}").text
    url = f"/studies/{study}/pact"
    assert 'id="no-publications"' in analyst.get(url).text
    form = {"csrf": token(world, analyst), "recipients": "parts",
            "info": yaml.safe_dump(INFO)}
    # refusals come back beside their field, nothing published
    bad = analyst.post(url, data={**form, "info": "company_ids: [unclosed"})
    assert bad.status_code == 422 and 'id="error-info"' in bad.text
    nobody = analyst.post(url, data={**form, "recipients": "no-such-org"})
    assert nobody.status_code == 422 and 'id="error-recipients"' in nobody.text
    store = PactDB(world.db.engine)
    assert not [p for p in store.publications("acme") if p["study_id"] == study]
    # published to parts, listed with its recipient
    done = analyst.post(url, data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    [pub] = [p for p in store.publications("acme") if p["study_id"] == study]
    assert pub["recipients"] == [{"kind": "organisation", "recipient": "parts"}]
    assert pub["document"]["productIds"] == INFO["product_ids"]
    listed = analyst.get(url).text
    assert re.search(rf'id="publication-{pub["id"]}" data-status="Active"', listed)
    # deprecated: listed and stored as such
    gone = analyst.post(f"{url}/{pub['id']}/deprecate",
                        data={"csrf": token(world, analyst)}, follow_redirects=False)
    assert gone.status_code == 303
    assert re.search(rf'id="publication-{pub["id"]}" data-status="Deprecated"',
                     analyst.get(url).text)
    assert store.publication(pub["id"])["status"] == "Deprecated"  # type: ignore[index]


def test_only_the_owners_members_see_the_page(world: World) -> None:
    url = f"/studies/{world.acme_study}/pact"
    seen = {role: world.as_(role).get(url, follow_redirects=False).status_code
            for role in ROLES}
    members = {"admin": 200, "analyst": 200, "consultant": 200}
    assert seen == {role: members.get(role, 302 if role == "anonymous" else 403)
                    for role in ROLES}
    # another organisation's post is refused
    outsider = world.as_("outsider")
    refused = outsider.post(url, data={"csrf": token(world, outsider), "recipients": "parts",
                                       "info": yaml.safe_dump(INFO)})
    assert refused.status_code == 403
