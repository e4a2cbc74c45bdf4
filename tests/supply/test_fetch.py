"""Fetching a stored partner's footprints into the store, and sending our requests to it."""

from __future__ import annotations

import pytest

from tanzuji.exchange.pact_client import (
    PactClientError,
    Retry,
    fetch_partner,
    send_request,
)
from tanzuji.store.supply_db import SupplyDB
from tests.supply.fake_host import CLIENT_ID, SECRET, fake_host, footprint
from tests.supply.loopback import serve

NO_WAIT = Retry(attempts=2, sleep=lambda _: None)


def test_fetch_stores_footprints_and_fulfils_matching_requests(supply: SupplyDB) -> None:
    first = footprint("urn:gtin:1")
    pfs = [first, footprint("urn:gtin:2"),
           footprint("urn:gtin:1", preceding=[first["id"]], value="2.0")]
    app = fake_host(pfs)
    with serve(app) as base:
        supply.add_partner("steelco", base, CLIENT_ID, SECRET, by="t", organisation_id="acme")
        rid = supply.add_requests("acme", [{"partner": "steelco",
                                            "product_ids": ["urn:gtin:2"]}], by="t")[0]
        send_request(supply, rid, "https://us.example", allow_http=True, retry=NO_WAIT)
        got = fetch_partner(supply, "steelco", by="t", allow_http=True, retry=NO_WAIT)
        again = fetch_partner(supply, "steelco", by="t", allow_http=True, retry=NO_WAIT)
    assert app.state.events[0]["id"] == rid
    assert supply.partner("steelco").token_url == f"{base}/oauth/token"  # remembered
    assert len(got.received) == 3 and got.fulfilled == [rid] and again.known == got.received
    assert supply.request(rid)["status"] == "fulfilled"
    assert supply.resolve("steelco", "urn:gtin:1")["pf_id"] == pfs[2]["id"]


def test_a_bad_page_stores_nothing(supply: SupplyDB) -> None:
    bad = footprint("urn:gtin:3")
    bad["specVersion"] = "3.0"  # not x.y.z
    with serve(fake_host([footprint("urn:gtin:1"), footprint("urn:gtin:2"), bad])) as base:
        supply.add_partner("steelco", base, CLIENT_ID, SECRET, by="t", organisation_id="acme")
        with pytest.raises(PactClientError, match=r"data\[0\]\.specVersion"):
            fetch_partner(supply, "steelco", by="t", allow_http=True, retry=NO_WAIT)
    assert supply.footprints("acme") == []
