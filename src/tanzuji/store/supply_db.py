"""The supplier exchange's store: PACT partners (secrets encrypted at rest), footprint
requests to suppliers, and the footprints received from them with their version chain.

A partner's client secret is encrypted with Fernet (AES-128-CBC + HMAC) under a key kept in
``TANZUJI_KEY_DIR/supply-partners.fernet``, made on first use with owner-only permissions,
so a copy of the database alone does not reveal it. Each received footprint is stored in one
transaction with a ledger entry; a footprint whose ``precedingPfIds`` name an earlier one
marks that one ``superseded_by`` it, which is how studies using the old one learn that they
need recalculating.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from tanzuji.exchange.pact import ProductFootprint
from tanzuji.ledger.log import record
from tanzuji.signing import key_dir, secrets_key
from tanzuji.store.db import NoSchemaError, Refusal, open_engine, transaction
from tanzuji.store.tables import SupplyFootprint, SupplyPartner, SupplyRequest, utcnow

KEY_FILE = "supply-partners.fernet"
STATUSES = ("pending", "fulfilled", "rejected", "overdue")


class SupplyError(Refusal):
    """A refused supplier-exchange action; ``field`` names the input at fault."""


@dataclass(frozen=True)
class Partner:
    """A partner as shown: never its secret."""

    id: int
    name: str
    organisation_id: str | None
    base_url: str
    token_url: str | None
    client_id: str
    created_by: str
    created_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "organisation_id": self.organisation_id,
                "base_url": self.base_url, "token_url": self.token_url,
                "client_id": self.client_id, "created_by": self.created_by,
                "created_at": self.created_at}


def _partner(p: SupplyPartner) -> Partner:
    return Partner(p.id, p.name, p.organisation_id, p.base_url, p.token_url, p.client_id,
                   p.created_by, p.created_at)


def _status(r: SupplyRequest, today: dt.date) -> str:
    if r.status == "pending" and r.due_on is not None and r.due_on < today:
        return "overdue"
    return r.status


def _request_view(r: SupplyRequest, partner: str | None, today: dt.date) -> dict[str, Any]:
    return {"id": r.id, "customer_id": r.customer_id, "supplier_id": r.supplier_id,
            "partner": partner, "product_ids": list(r.product_ids),
            "product_name": r.product_name, "comment": r.comment, "due_on": r.due_on,
            "status": _status(r, today), "error": r.error, "pf_id": r.pf_id,
            "created_by": r.created_by, "created_at": r.created_at,
            "answered_at": r.answered_at}


def _footprint_view(f: SupplyFootprint) -> dict[str, Any]:
    pcf = f.document.get("pcf", {})
    return {"pf_id": f.pf_id, "source": f.source, "customer_id": f.customer_id,
            "request_id": f.request_id, "product_ids": list(f.product_ids),
            "product_name": f.document.get("productNameCompany"),
            "company_name": f.document.get("companyName"),
            "value": pcf.get("pcfExcludingBiogenicUptake"),
            "declared_unit": pcf.get("declaredUnitOfMeasurement"),
            "declared_unit_amount": pcf.get("declaredUnitAmount"),
            "preceding_pf_ids": list(f.preceding_pf_ids), "superseded_by": f.superseded_by,
            "status": f.status, "primary_data_share": f.primary_data_share, "dqi": f.dqi,
            "verification": f.verification, "received_at": f.received_at,
            "document": f.document}


class SupplyDB:
    """One transaction per operation over the supply tables."""

    def __init__(self, engine: Engine, keys: Path | None = None) -> None:
        self.engine = engine
        self.keys = keys

    @classmethod
    def open(cls, url: str | None = None, migrate: bool = False) -> SupplyDB:
        try:
            return cls(open_engine(url, migrate))
        except NoSchemaError as exc:
            raise SupplyError(str(exc), code="no_schema") from None

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with transaction(self.engine) as s:
            yield s

    # -- partners --------------------------------------------------------------------------

    def add_partner(self, name: str, base_url: str, client_id: str, secret: str, *,
                    by: str, organisation_id: str | None = None,
                    token_url: str | None = None) -> Partner:
        if not name.strip() or "/" in name or len(name) > 100:
            raise SupplyError("a partner name is 1-100 characters without '/'", "name")
        if not base_url.startswith(("https://", "http://")):
            raise SupplyError("base_url must be an http(s) URL", "base_url")
        if not client_id or not secret:
            raise SupplyError("client id and secret are both needed", "client_id")
        encrypted = secrets_key(KEY_FILE, self.keys).encrypt(secret.encode()).decode()
        with self._tx() as s:
            if s.scalar(select(SupplyPartner).where(SupplyPartner.name == name)):
                raise SupplyError(f"partner {name!r} exists", "name", "conflict")
            row = SupplyPartner(name=name, organisation_id=organisation_id,
                                base_url=base_url.rstrip("/"), token_url=token_url,
                                client_id=client_id, secret_encrypted=encrypted, created_by=by)
            s.add(row)
            s.flush()
            return _partner(row)

    def partners(self, organisation_id: str | None = None,
                 everyone: bool = False) -> list[Partner]:
        """The partners of an organisation (``everyone``: all of them, for the CLI)."""
        with self._tx() as s:
            query = select(SupplyPartner).order_by(SupplyPartner.name)
            if not everyone:
                query = query.where(SupplyPartner.organisation_id == organisation_id)
            return [_partner(p) for p in s.scalars(query)]

    def partner(self, name: str) -> Partner:
        with self._tx() as s:
            return _partner(self._partner_row(s, name))

    @staticmethod
    def _partner_row(s: Session, name: str) -> SupplyPartner:
        row = s.scalar(select(SupplyPartner).where(SupplyPartner.name == name))
        if row is None:
            raise SupplyError(f"no partner {name!r}", "name", "not_found")
        return row

    def partner_secret(self, name: str) -> str:
        """The decrypted client secret, for the client only (never shown)."""
        with self._tx() as s:
            token = self._partner_row(s, name).secret_encrypted
        try:
            return secrets_key(KEY_FILE, self.keys).decrypt(token.encode()).decode()
        except InvalidToken:
            raise SupplyError(f"the secret of partner {name!r} cannot be decrypted with the "
                              f"key in {self.keys or key_dir()}; add the partner again",
                              "name") from None

    def set_token_url(self, name: str, token_url: str) -> None:
        with self._tx() as s:
            self._partner_row(s, name).token_url = token_url

    def remove_partner(self, name: str) -> None:
        """Forget a partner; what was received from it stays (its source keeps the name)."""
        with self._tx() as s:
            row = self._partner_row(s, name)
            s.execute(update(SupplyRequest).where(SupplyRequest.partner_id == row.id)
                      .values(partner_id=None))
            s.execute(update(SupplyFootprint).where(SupplyFootprint.partner_id == row.id)
                      .values(partner_id=None))
            s.execute(delete(SupplyPartner).where(SupplyPartner.id == row.id))

    # -- requests --------------------------------------------------------------------------

    def add_requests(self, customer_id: str | None, items: Sequence[dict[str, Any]],
                     by: str) -> list[str]:
        """Several requests at once (all or none). Each item: ``product_ids``,
        ``product_name``, and ``supplier_id`` (an organisation) or ``partner`` (a name);
        optional ``comment``, ``due_on``, ``id``."""
        ids = []
        with self._tx() as s:
            for i, item in enumerate(items):
                supplier, partner_name = item.get("supplier_id"), item.get("partner")
                if (supplier is None) == (partner_name is None):
                    raise SupplyError(f"request {i}: give supplier_id or partner (one of them)",
                                      f"requests[{i}].supplier_id")
                products = list(item.get("product_ids") or [])
                if not products or not all(isinstance(p, str) and p for p in products):
                    raise SupplyError(f"request {i}: product_ids needs at least one id",
                                      f"requests[{i}].product_ids")
                partner_id = None
                if partner_name is not None:
                    row = self._partner_row(s, partner_name)
                    if customer_id is not None and row.organisation_id not in (None,
                                                                               customer_id):
                        raise SupplyError(f"no partner {partner_name!r}",
                                          f"requests[{i}].partner", "not_found")
                    partner_id = row.id
                rid = item.get("id") or str(uuid.uuid4())
                s.add(SupplyRequest(
                    id=rid, customer_id=customer_id, supplier_id=supplier, partner_id=partner_id,
                    product_ids=products, product_name=item.get("product_name") or products[0],
                    comment=item.get("comment"), due_on=item.get("due_on"), status="pending",
                    created_by=by))
                record(s, actor=by, action="request", kind="supply_request", object_id=rid,
                       payload={"customer": customer_id, "supplier": supplier,
                                "partner": partner_name, "product_ids": products})
                ids.append(rid)
        return ids

    def requests(self, *, customer_id: str | None = None, supplier_id: str | None = None,
                 everyone: bool = False, today: dt.date | None = None) -> list[dict[str, Any]]:
        """Requests a customer sent, or a supplier organisation received."""
        day = today or dt.date.today()
        with self._tx() as s:
            query = select(SupplyRequest, SupplyPartner.name).outerjoin(
                SupplyPartner, SupplyPartner.id == SupplyRequest.partner_id
            ).order_by(SupplyRequest.created_at.desc(), SupplyRequest.id)
            if not everyone:
                if supplier_id is not None:
                    query = query.where(SupplyRequest.supplier_id == supplier_id)
                else:
                    query = query.where(SupplyRequest.customer_id == customer_id)
            return [_request_view(r, name, day) for r, name in s.execute(query)]

    def request(self, request_id: str, today: dt.date | None = None) -> dict[str, Any]:
        with self._tx() as s:
            r = s.get(SupplyRequest, request_id)
            if r is None:
                raise SupplyError(f"no request {request_id!r}", "request_id", "not_found")
            partner = s.get(SupplyPartner, r.partner_id) if r.partner_id else None
            return _request_view(r, partner.name if partner else None,
                                 today or dt.date.today())

    def set_error(self, request_id: str, error: dict[str, str] | None) -> None:
        """Why a request could not be sent (None: it was sent); it stays pending."""
        with self._tx() as s:
            r = s.get(SupplyRequest, request_id)
            if r is None:
                raise SupplyError(f"no request {request_id!r}", "request_id", "not_found")
            r.error = dict(error) if error is not None else None

    def mark_rejected(self, request_id: str, error: dict[str, str], by: str) -> None:
        """A supplier (or partner, by RequestRejectedEvent) declined the request."""
        with self._tx() as s:
            r = s.get(SupplyRequest, request_id)
            if r is None:
                raise SupplyError(f"no request {request_id!r}", "request_id", "not_found")
            if r.status != "pending":
                raise SupplyError(f"request {request_id} is already {r.status}", "request_id",
                                  "conflict")
            r.status, r.error, r.answered_at = "rejected", dict(error), utcnow()
            record(s, actor=by, action="reject", kind="supply_request", object_id=request_id,
                   payload={"error": dict(error)})

    # -- received footprints ---------------------------------------------------------------

    def receive(self, source: str, footprint: ProductFootprint, *, by: str,
                customer_id: str | None = None, partner_id: int | None = None,
                request_id: str | None = None) -> bool:
        """Store one received footprint in one transaction (ledgered); its predecessors are
        marked superseded, and the request it answers fulfilled. False when it was already
        stored (receiving is idempotent)."""
        document = footprint.to_json()
        pf_id = str(footprint.id)
        with self._tx() as s:
            exists = s.scalar(select(SupplyFootprint).where(
                SupplyFootprint.source == source, SupplyFootprint.pf_id == pf_id,
                SupplyFootprint.customer_id == customer_id if customer_id is not None
                else SupplyFootprint.customer_id.is_(None)))
            if exists is None:
                preceding = [str(p) for p in footprint.preceding_pf_ids or []]
                pcf = footprint.pcf
                row = SupplyFootprint(
                    pf_id=pf_id, source=source, partner_id=partner_id, customer_id=customer_id,
                    request_id=request_id, product_ids=list(footprint.product_ids),
                    preceding_pf_ids=preceding, status=footprint.status.value,
                    document=document,
                    primary_data_share=(float(pcf.primary_data_share)
                                        if pcf.primary_data_share is not None else None),
                    dqi=document["pcf"].get("dqi"),
                    verification=document["pcf"].get("verification"))
                others = list(s.scalars(select(SupplyFootprint).where(
                    SupplyFootprint.source == source)))
                for other in others:
                    if other.pf_id in preceding:
                        other.superseded_by = pf_id
                    elif pf_id in other.preceding_pf_ids:  # its successor arrived first
                        row.superseded_by = other.pf_id
                s.add(row)
                record(s, actor=by, action="receive", kind="supply_footprint",
                       object_id=f"{source}/{pf_id}",
                       payload={"customer": customer_id, "request": request_id,
                                "product_ids": list(footprint.product_ids),
                                "preceding_pf_ids": preceding})
            if request_id is not None:
                r = s.get(SupplyRequest, request_id)
                if r is not None and r.status == "pending":
                    r.status, r.pf_id, r.answered_at = "fulfilled", pf_id, utcnow()
            return exists is None

    def fulfilled(self, request_id: str, footprints: Iterable[ProductFootprint],
                  by: str = "pact") -> list[str]:
        """A RequestFulfilledEvent for a request we sent: store its footprints (one
        transaction each) for the request's customer, under the partner's name. The PACT
        host's events route calls this; an unknown request is refused."""
        req = self.request(request_id)
        if req["partner"] is None:
            raise SupplyError(f"request {request_id!r} was not sent to a PACT partner",
                              "requestEventId", "not_found")
        partner = self.partner(req["partner"])
        stored = []
        for pf in footprints:
            self.receive(partner.name, pf, by=by, customer_id=req["customer_id"],
                         partner_id=partner.id, request_id=request_id)
            stored.append(str(pf.id))
        return stored

    def footprints(self, customer_id: str | None = None,
                   everyone: bool = False) -> list[dict[str, Any]]:
        with self._tx() as s:
            query = select(SupplyFootprint).order_by(SupplyFootprint.received_at.desc(),
                                                     SupplyFootprint.pk.desc())
            if not everyone:
                query = query.where(SupplyFootprint.customer_id == customer_id)
            return [_footprint_view(f) for f in s.scalars(query)]

    def resolve(self, source: str, key: str, customer_id: str | None = None) -> dict[str, Any]:
        """The footprint a study reference ``supplier:<source>/<key>`` means: ``key`` is a PCF
        id (that exact version) or a product id (its newest version not superseded). With
        ``customer_id``, only what that organisation received counts."""
        with self._tx() as s:
            query = select(SupplyFootprint).where(SupplyFootprint.source == source)
            if customer_id is not None:
                query = query.where(SupplyFootprint.customer_id == customer_id)
            rows = list(s.scalars(query.order_by(SupplyFootprint.received_at.desc(),
                                                 SupplyFootprint.pk.desc())))
            if not rows:
                raise SupplyError(f"no footprint received from {source!r}", "factor",
                                  "not_found")
            exact = [r for r in rows if r.pf_id == key.lower()]
            if exact:
                return _footprint_view(exact[0])
            wanted = key.lower()
            for r in rows:
                if r.superseded_by is None and r.status == "Active" and any(
                        p.lower() == wanted for p in r.product_ids):
                    return _footprint_view(r)
            raise SupplyError(f"no active footprint of product {key!r} received from "
                              f"{source!r}", "factor", "not_found")

    def superseding(self, pf_ids: Iterable[str]) -> dict[str, str]:
        """For those of ``pf_ids`` that a newer version replaces: old id → newest id."""
        wanted = set(pf_ids)
        if not wanted:
            return {}
        with self._tx() as s:
            following = {r.pf_id: r.superseded_by for r in s.scalars(select(SupplyFootprint))
                         if r.superseded_by is not None}
        out = {}
        for pf in wanted & following.keys():
            newest, seen = following[pf], {pf}
            while newest in following and newest not in seen:
                seen.add(newest)
                newest = following[newest]
            out[pf] = newest
        return out
