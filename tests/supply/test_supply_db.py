"""The supply store: encrypted partner secrets, bulk requests and their status, received
footprints with their version chain, and the answer path the PACT host's events route uses."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from tanzuji.exchange.pact import ProductFootprint
from tanzuji.store.supply_db import KEY_FILE, SupplyDB, SupplyError
from tanzuji.store.tables import SupplyFootprint
from tests.supply.fake_host import footprint


def pf(product: str, pf_id: str | None = None, preceding: list[str] | None = None,
       value: str = "2.5") -> ProductFootprint:
    return ProductFootprint.model_validate(footprint(product, pf_id, preceding, value))


def test_partner_secrets_are_encrypted_at_rest(supply: SupplyDB, tmp_path: Path) -> None:
    supply.add_partner("steelco", "https://steel.example/", "cid", "very-secret-value", by="t")
    key = tmp_path / "keys" / KEY_FILE
    assert key.exists() and stat.S_IMODE(os.stat(key).st_mode) == 0o600
    with supply.engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("SELECT * FROM supply_partners"))
                        for v in row)
    assert "very-secret-value" not in dump
    assert supply.partner_secret("steelco") == "very-secret-value"
    shown = supply.partner("steelco").to_dict()
    assert "secret" not in " ".join(shown) and shown["base_url"] == "https://steel.example"
    key.write_bytes(b"Qk9HVVNfS0VZX0JPR1VTX0tFWV9CT0dVU19LRVlfQk8=")  # another key
    with pytest.raises(SupplyError, match="cannot be decrypted"):
        supply.partner_secret("steelco")


def test_partner_names_are_checked(supply: SupplyDB) -> None:
    supply.add_partner("steelco", "https://steel.example", "cid", "s", by="t")
    with pytest.raises(SupplyError, match="exists"):
        supply.add_partner("steelco", "https://x.example", "cid", "s", by="t")
    with pytest.raises(SupplyError, match="without '/'"):
        supply.add_partner("a/b", "https://x.example", "cid", "s", by="t")
    with pytest.raises(SupplyError, match="http"):
        supply.add_partner("ftp", "ftp://x.example", "cid", "s", by="t")
    supply.remove_partner("steelco")
    assert supply.partners(everyone=True) == []


def test_bulk_requests_are_all_or_nothing_and_become_overdue(supply: SupplyDB) -> None:
    supply.add_partner("steelco", "https://steel.example", "cid", "s", by="t",
                       organisation_id="acme")
    with pytest.raises(SupplyError, match="request 1: give supplier_id or partner"):
        supply.add_requests("acme", [{"supplier_id": "parts", "product_ids": ["urn:x:1"]},
                                     {"product_ids": ["urn:x:2"]}], by="t")
    assert supply.requests(customer_id="acme") == []
    ids = supply.add_requests("acme", [
        {"supplier_id": "parts", "product_ids": ["urn:x:1"], "product_name": "bolt",
         "due_on": dt.date(2020, 1, 1)},
        {"partner": "steelco", "product_ids": ["urn:gtin:1"]}], by="t")
    by_id = {r["id"]: r for r in supply.requests(customer_id="acme")}
    assert by_id[ids[0]]["status"] == "overdue" and by_id[ids[1]]["status"] == "pending"
    assert by_id[ids[1]]["partner"] == "steelco"
    assert [r["id"] for r in supply.requests(supplier_id="parts")] == [ids[0]]
    with pytest.raises(SupplyError, match="no partner"):
        supply.add_requests("other", [{"partner": "steelco", "product_ids": ["u:x:1"]}],
                            by="t")
    supply.mark_rejected(ids[0], {"code": "NotFound", "message": "we do not make it"}, "p")
    assert supply.request(ids[0])["status"] == "rejected"
    with pytest.raises(SupplyError, match="already rejected"):
        supply.mark_rejected(ids[0], {"code": "x", "message": "y"}, "p")


def test_received_versions_chain_and_resolve(supply: SupplyDB) -> None:
    first = pf("urn:gtin:1")
    assert supply.receive("steelco", first, by="t", customer_id="acme")
    assert not supply.receive("steelco", first, by="t", customer_id="acme")  # idempotent
    assert supply.resolve("steelco", "urn:gtin:1")["pf_id"] == str(first.id)
    second = pf("urn:gtin:1", preceding=[str(first.id)], value="2.0")
    supply.receive("steelco", second, by="t", customer_id="acme")
    assert supply.resolve("steelco", "URN:GTIN:1")["pf_id"] == str(second.id)
    assert supply.resolve("steelco", str(first.id))["superseded_by"] == str(second.id)
    assert supply.superseding([str(first.id), str(second.id)]) == {
        str(first.id): str(second.id)}
    with pytest.raises(SupplyError, match="no active footprint"):
        supply.resolve("steelco", "urn:gtin:404")
    with pytest.raises(SupplyError, match="no footprint received"):
        supply.resolve("nobody", "urn:gtin:1")


def test_a_successor_received_first_still_supersedes(supply: SupplyDB) -> None:
    old = pf("urn:gtin:1")
    new = pf("urn:gtin:1", preceding=[str(old.id)])
    supply.receive("steelco", new, by="t")
    supply.receive("steelco", old, by="t")
    assert supply.superseding([str(old.id)]) == {str(old.id): str(new.id)}


def test_fulfilled_stores_the_answer_for_the_request(supply: SupplyDB) -> None:
    supply.add_partner("steelco", "https://steel.example", "cid", "s", by="t",
                       organisation_id="acme")
    rid = supply.add_requests("acme", [{"partner": "steelco", "product_ids": ["urn:gtin:1"]}],
                              by="t")[0]
    answer = pf("urn:gtin:1")
    assert supply.fulfilled(rid, [answer]) == [str(answer.id)]
    request = supply.request(rid)
    assert request["status"] == "fulfilled" and request["pf_id"] == str(answer.id)
    [stored] = supply.footprints("acme")
    assert stored["request_id"] == rid and stored["source"] == "steelco"
    assert stored["primary_data_share"] == 40.0 and stored["dqi"]["temporalDQR"] == "1"
    onsite = supply.add_requests("acme", [{"supplier_id": "parts",
                                           "product_ids": ["urn:gtin:2"]}], by="t")[0]
    with pytest.raises(SupplyError, match="not sent to a PACT partner"):
        supply.fulfilled(onsite, [pf("urn:gtin:2")])
    with pytest.raises(SupplyError, match="no request"):
        supply.fulfilled("unknown", [pf("urn:gtin:2")])


def test_each_received_footprint_is_ledgered(supply: SupplyDB) -> None:
    supply.receive("steelco", pf("urn:gtin:1"), by="t", customer_id="acme")
    with supply.engine.connect() as conn:
        kinds = [r[0] for r in conn.execute(text("SELECT object_kind FROM ledger_entries"))]
    assert kinds == ["supply_footprint"]
    with supply.engine.connect() as conn:
        assert len(conn.execute(select(SupplyFootprint)).all()) == 1
