"""The PACT host's store: data-recipient clients, publication policies, published footprints
with their recipients, and the requests and events clients send.

Client secrets are argon2 hashes (shown once); the credentials a client gave us for calling
back its own endpoint are Fernet-encrypted with a key file beside the platform key, because
they must be sent again. Publishing and deprecating are ledger entries in the same
transaction, so who published which footprint is tamper-evident.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.fernet import InvalidToken
from sqlalchemy import Engine, func, or_, select
from sqlalchemy.orm import Session

from tanzuji.ledger.log import record
from tanzuji.signing import secrets_key
from tanzuji.store.db import Refusal, transaction
from tanzuji.store.tables import (
    CertBody,
    CertCase,
    CertCertificate,
    PactClient,
    PactEvent,
    PactPolicy,
    PactPublication,
    PactRecipient,
    PactRequest,
    PlatformLoginFailure,
    PlatformOrganisation,
    utcnow,
)

_hasher = PasswordHasher()
CALLBACK_KEY = "pact-callback.key"
RECIPIENT_KINDS = ("organisation", "client")
REQUEST_STATES = ("pending", "fulfilled", "rejected")


class PactError(Refusal):
    """A refused PACT store action; ``field`` names the input at fault."""


@dataclass(frozen=True)
class ClientView:
    client_id: str
    name: str
    organisation_id: str | None
    owner_id: str | None
    base_url: str | None
    callback_client_id: str | None
    active: bool
    created_at: dt.datetime
    revoked_at: dt.datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {"client_id": self.client_id, "name": self.name,
                "organisation_id": self.organisation_id, "owner_id": self.owner_id,
                "base_url": self.base_url, "callback_client_id": self.callback_client_id,
                "active": self.active, "created_at": self.created_at,
                "revoked_at": self.revoked_at}


def _client_view(c: PactClient) -> ClientView:
    return ClientView(c.client_id, c.name, c.organisation_id, c.owner_id, c.base_url,
                      c.callback_client_id, c.active, c.created_at, c.revoked_at)


def _publication_view(s: Session, p: PactPublication) -> dict[str, Any]:
    recipients = s.scalars(select(PactRecipient).where(PactRecipient.publication_id == p.id)
                           .order_by(PactRecipient.pk))
    return {"id": p.id, "organisation_id": p.organisation_id, "study_id": p.study_id,
            "study_sha256": p.study_sha256, "result_sha256": p.result_sha256,
            "status": p.status, "preceding_id": p.preceding_id,
            "certificate_number": p.certificate_number, "created_by": p.created_by,
            "created_at": p.created_at, "deprecated_at": p.deprecated_at,
            "recipients": [{"kind": r.kind, "recipient": r.recipient} for r in recipients],
            "document": document(p)}


def document(p: PactPublication) -> dict[str, Any]:
    """The footprint as served: the stored JSON with the current status."""
    return {**p.document, "status": p.status}


class PactDB:
    """One transaction per operation over the PACT host tables."""

    def __init__(self, engine: Engine, keys: Path | None = None) -> None:
        self.engine, self.keys = engine, keys

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with transaction(self.engine) as s:
            yield s

    @staticmethod
    def _organisation(s: Session, org_id: str | None, field: str) -> None:
        if org_id is not None and s.get(PlatformOrganisation, org_id) is None:
            raise PactError(f"no organisation {org_id!r}", field, "not_found")

    # -- clients ---------------------------------------------------------------------------

    def add_client(self, name: str, *, organisation_id: str | None = None,
                   owner_id: str | None = None, base_url: str | None = None,
                   callback_client_id: str | None = None,
                   callback_secret: str | None = None) -> tuple[str, str]:
        """New credentials for a data recipient: (client id, secret shown only now)."""
        if not name.strip():
            raise PactError("a client needs a name", "name")
        if (callback_client_id is None) != (callback_secret is None):
            raise PactError("give both the callback client id and its secret, or neither",
                            "callback_client_id")
        client_id, secret = f"pact_{secrets.token_hex(8)}", secrets.token_urlsafe(32)
        sealed = (secrets_key(CALLBACK_KEY, self.keys).encrypt(callback_secret.encode()).decode()
                  if callback_secret is not None else None)
        with self._tx() as s:
            self._organisation(s, organisation_id, "organisation")
            self._organisation(s, owner_id, "owner")
            s.add(PactClient(client_id=client_id, name=name.strip(),
                             secret_hash=_hasher.hash(secret), organisation_id=organisation_id,
                             owner_id=owner_id, base_url=base_url.rstrip("/") if base_url
                             else None, callback_client_id=callback_client_id,
                             callback_secret=sealed, active=True))
        return client_id, secret

    def clients(self) -> list[ClientView]:
        with self._tx() as s:
            return [_client_view(c) for c in s.scalars(
                select(PactClient).order_by(PactClient.created_at, PactClient.client_id))]

    def client(self, client_id: str) -> ClientView | None:
        with self._tx() as s:
            c = s.get(PactClient, client_id)
            return None if c is None else _client_view(c)

    def revoke_client(self, client_id: str) -> None:
        """Revoked credentials get 401 from now on, and so do the tokens issued to them."""
        with self._tx() as s:
            c = s.get(PactClient, client_id)
            if c is None:
                raise PactError(f"no PACT client {client_id!r}", "client_id", "not_found")
            c.active, c.revoked_at = False, c.revoked_at or utcnow()

    def authenticate(self, client_id: str, secret: str, address: str, *,
                     max_failures: int = 5, window_seconds: int = 900) -> ClientView | None:
        """The active client with these credentials, else None; too many failures for this
        client or address in the window are refused (PactError ``rate_limited``)."""
        since = utcnow() - dt.timedelta(seconds=window_seconds)
        keys = (f"pact:{client_id}", f"pact-ip:{address}")
        with self._tx() as s:
            failures = [s.scalar(select(func.count()).select_from(PlatformLoginFailure).where(
                PlatformLoginFailure.key == k, PlatformLoginFailure.at >= since)) or 0
                for k in keys]
            if max(failures) >= max_failures:
                raise PactError("too many failed token requests; try again later",
                                "client_id", "rate_limited")
            c = s.get(PactClient, client_id)
            ok = False
            if c is not None and c.active:
                try:
                    ok = _hasher.verify(c.secret_hash, secret)
                except (VerificationError, InvalidHashError):
                    ok = False
            else:
                _hasher.hash(secret)  # same work either way: no timing hint
            if not ok or c is None:
                s.add_all([PlatformLoginFailure(key=k) for k in keys])
                return None
            return _client_view(c)

    def callback_secret(self, client_id: str) -> str | None:
        """The secret the client issued us for its own token endpoint, decrypted."""
        with self._tx() as s:
            c = s.get(PactClient, client_id)
            if c is None or c.callback_secret is None:
                return None
        try:
            return secrets_key(CALLBACK_KEY, self.keys).decrypt(c.callback_secret.encode()).decode()
        except InvalidToken:
            raise PactError(f"the callback secret of {client_id} cannot be decrypted with "
                            f"{CALLBACK_KEY}", "client_id", "key") from None

    # -- owners' policy --------------------------------------------------------------------

    def policy(self, organisation_id: str) -> dict[str, bool]:
        """The owner's rules (both off until set)."""
        with self._tx() as s:
            policy = s.get(PactPolicy, organisation_id)
            return {"require_certificate": bool(policy and policy.require_certificate),
                    "auto_answer": bool(policy and policy.auto_answer)}

    def set_policy(self, organisation_id: str, by: str, *, require_certificate: bool,
                   auto_answer: bool) -> None:
        with self._tx() as s:
            self._organisation(s, organisation_id, "organisation_id")
            policy = s.get(PactPolicy, organisation_id)
            if policy is None:
                policy = PactPolicy(organisation_id=organisation_id, updated_by=by)
                s.add(policy)
            policy.require_certificate, policy.auto_answer = require_certificate, auto_answer
            policy.updated_by, policy.updated_at = by, utcnow()

    def valid_certificate(self, organisation_id: str, study_sha256: str,
                          on: dt.date | None = None) -> dict[str, Any] | None:
        """The newest valid certificate issued on a case about exactly this study file."""
        day = on or dt.datetime.now(dt.UTC).date()
        with self._tx() as s:
            row = s.execute(
                select(CertCertificate, CertBody.name).join(
                    CertCase, CertCase.id == CertCertificate.case_id).join(
                    CertBody, CertBody.id == CertCertificate.body_id).where(
                    CertCase.applicant_id == organisation_id,
                    CertCase.study_sha256 == study_sha256, CertCertificate.status == "valid",
                    CertCertificate.issued_on <= day, CertCertificate.valid_until >= day)
                .order_by(CertCertificate.issued_on.desc())).first()
            if row is None:
                return None
            cert, body_name = row
            return {"number": cert.number, "body_id": cert.body_id, "body_name": body_name,
                    "issued_on": cert.issued_on, "valid_until": cert.valid_until,
                    "pcr_id": cert.pcr_id}

    # -- publications ----------------------------------------------------------------------

    def active_publication(self, study_id: int) -> dict[str, Any] | None:
        """The study's current Active footprint, which a new publication replaces."""
        with self._tx() as s:
            p = s.scalar(select(PactPublication).where(
                PactPublication.study_id == study_id, PactPublication.status == "Active")
                .order_by(PactPublication.created_at.desc()))
            return None if p is None else _publication_view(s, p)

    def publish(self, *, organisation_id: str, study_id: int, study_sha256: str,
                result_sha256: str, doc: dict[str, Any], recipients: Sequence[tuple[str, str]],
                certificate_number: str | None, by: str) -> dict[str, Any]:
        """Store a new footprint; the study's previous Active one (``precedingPfIds``) is
        deprecated and its recipients carried over, all in one transaction."""
        preceding = doc.get("precedingPfIds") or []
        with self._tx() as s:
            old = (s.get(PactPublication, preceding[0]) if preceding else None)
            if preceding and (old is None or old.study_id != study_id):
                raise PactError("precedingPfIds must name this study's publication",
                                "precedingPfIds")
            grants = list(recipients)
            if old is not None:
                if old.status != "Active":
                    raise PactError(f"footprint {old.id} was replaced meanwhile; publish again",
                                    "study_id", "conflict")
                old.status, old.deprecated_at = "Deprecated", utcnow()
                grants += [(r.kind, r.recipient) for r in s.scalars(
                    select(PactRecipient).where(PactRecipient.publication_id == old.id))]
                record(s, actor=by, action="deprecate", kind="pact_publication",
                       object_id=old.id, payload={"replaced_by": doc["id"]})
            p = PactPublication(id=doc["id"], organisation_id=organisation_id,
                                study_id=study_id, study_sha256=study_sha256,
                                result_sha256=result_sha256, document=doc, status="Active",
                                preceding_id=old.id if old is not None else None,
                                certificate_number=certificate_number, created_by=by,
                                created_at=dt.datetime.now(dt.UTC))  # µs: the list order
            s.add(p)
            s.flush()
            for kind, recipient in dict.fromkeys(grants):
                self._grant(s, p, kind, recipient, by)
            record(s, actor=by, action="publish", kind="pact_publication", object_id=p.id,
                   payload={"organisation": organisation_id, "study_id": study_id,
                            "study_sha256": study_sha256, "result_sha256": result_sha256,
                            "preceding": p.preceding_id, "certificate": certificate_number,
                            "recipients": [list(g) for g in dict.fromkeys(grants)]})
            return _publication_view(s, p)

    def publication(self, pub_id: str) -> dict[str, Any] | None:
        with self._tx() as s:
            p = s.get(PactPublication, pub_id)
            return None if p is None else _publication_view(s, p)

    def publications(self, organisation_id: str) -> list[dict[str, Any]]:
        with self._tx() as s:
            return [_publication_view(s, p) for p in s.scalars(
                select(PactPublication).where(PactPublication.organisation_id == organisation_id)
                .order_by(PactPublication.created_at, PactPublication.id))]

    def deprecate(self, pub_id: str, by: str) -> dict[str, Any]:
        with self._tx() as s:
            p = self._publication(s, pub_id)
            if p.status == "Deprecated":
                raise PactError(f"footprint {pub_id} is already deprecated", "id", "conflict")
            p.status, p.deprecated_at = "Deprecated", utcnow()
            record(s, actor=by, action="deprecate", kind="pact_publication", object_id=p.id,
                   payload={"replaced_by": None})
            return _publication_view(s, p)

    @staticmethod
    def _publication(s: Session, pub_id: str) -> PactPublication:
        p = s.get(PactPublication, pub_id)
        if p is None:
            raise PactError(f"no publication {pub_id}", "id", "not_found")
        return p

    def _grant(self, s: Session, p: PactPublication, kind: str, recipient: str,
               by: str) -> None:
        if kind not in RECIPIENT_KINDS:
            raise PactError(f"a recipient is an organisation or a client, not {kind!r}", "kind")
        if kind == "organisation":
            self._organisation(s, recipient, "recipient")
        elif s.get(PactClient, recipient) is None:
            raise PactError(f"no PACT client {recipient!r}", "recipient", "not_found")
        exists = s.scalar(select(PactRecipient.pk).where(
            PactRecipient.publication_id == p.id, PactRecipient.kind == kind,
            PactRecipient.recipient == recipient))
        if exists is None:
            s.add(PactRecipient(publication_id=p.id, kind=kind, recipient=recipient,
                                created_by=by))

    def grant(self, pub_id: str, kind: str, recipient: str, by: str) -> dict[str, Any]:
        with self._tx() as s:
            p = self._publication(s, pub_id)
            self._grant(s, p, kind, recipient, by)
            record(s, actor=by, action="grant", kind="pact_publication", object_id=p.id,
                   payload={"kind": kind, "recipient": recipient})
            s.flush()
            return _publication_view(s, p)

    def revoke(self, pub_id: str, kind: str, recipient: str, by: str) -> dict[str, Any]:
        with self._tx() as s:
            p = self._publication(s, pub_id)
            row = s.scalar(select(PactRecipient).where(
                PactRecipient.publication_id == p.id, PactRecipient.kind == kind,
                PactRecipient.recipient == recipient))
            if row is None:
                raise PactError(f"{recipient!r} is not a recipient of {pub_id}", "recipient",
                                "not_found")
            s.delete(row)
            record(s, actor=by, action="revoke", kind="pact_publication", object_id=p.id,
                   payload={"kind": kind, "recipient": recipient})
            s.flush()
            return _publication_view(s, p)

    def _visible(self, client: ClientView) -> Any:
        audience = [(PactRecipient.kind == "client") & (PactRecipient.recipient
                                                         == client.client_id)]
        if client.organisation_id is not None:
            audience.append((PactRecipient.kind == "organisation")
                            & (PactRecipient.recipient == client.organisation_id))
        return select(PactRecipient.publication_id).where(or_(*audience))

    def recipient_clients(self, pub_id: str) -> list[ClientView]:
        """Active clients that see this footprint and have a callback address."""
        with self._tx() as s:
            rows = list(s.scalars(select(PactRecipient).where(
                PactRecipient.publication_id == pub_id)))
            ids = {r.recipient for r in rows if r.kind == "client"}
            orgs = {r.recipient for r in rows if r.kind == "organisation"}
            clients = s.scalars(select(PactClient).where(
                PactClient.active.is_(True), PactClient.base_url.is_not(None),
                or_(PactClient.client_id.in_(ids), PactClient.organisation_id.in_(orgs)))
                .order_by(PactClient.client_id))
            return [_client_view(c) for c in clients]

    def visible(self, client: ClientView,
                organisation_id: str | None = None) -> list[dict[str, Any]]:
        """The footprints released to this client (by one owner, when given), oldest first
        (a stable page order)."""
        with self._tx() as s:
            query = select(PactPublication).where(PactPublication.id.in_(self._visible(client)))
            if organisation_id is not None:
                query = query.where(PactPublication.organisation_id == organisation_id)
            return [document(p) for p in s.scalars(
                query.order_by(PactPublication.created_at, PactPublication.id))]

    def footprint(self, pub_id: str, client: ClientView) -> tuple[bool, dict[str, Any] | None]:
        """(whether the footprint exists, its document when this client may see it)."""
        with self._tx() as s:
            p = s.get(PactPublication, pub_id)
            if p is None:
                return False, None
            allowed = s.scalar(self._visible(client).where(
                PactRecipient.publication_id == pub_id)) is not None
            return True, document(p) if allowed else None

    # -- requests and events ---------------------------------------------------------------

    def add_request(self, client_id: str, event_id: str, source: str,
                    criteria: dict[str, Any]) -> tuple[int, bool]:
        """Store a RequestCreated event once (a resent event keeps its first row):
        (its id, whether it is new)."""
        with self._tx() as s:
            existing = s.scalar(select(PactRequest.id).where(
                PactRequest.client_id == client_id, PactRequest.event_id == event_id))
            if existing is not None:
                return existing, False
            row = PactRequest(client_id=client_id, event_id=event_id, source=source,
                              criteria=criteria, state="pending")
            s.add(row)
            s.flush()
            return row.id, True

    @staticmethod
    def _request_view(r: PactRequest, c: PactClient) -> dict[str, Any]:
        return {"id": r.id, "client_id": r.client_id, "client_name": c.name,
                "requester_organisation": c.organisation_id, "event_id": r.event_id,
                "source": r.source, "criteria": r.criteria, "state": r.state,
                "answer": r.answer, "delivery_error": r.delivery_error,
                "answered_by": r.answered_by, "received_at": r.received_at,
                "answered_at": r.answered_at}

    def requests_for(self, organisation_id: str) -> list[dict[str, Any]]:
        """Requests from clients this organisation issued (owner) or released footprints to."""
        with self._tx() as s:
            granted = select(PactRecipient.recipient, PactRecipient.kind).join(
                PactPublication, PactPublication.id == PactRecipient.publication_id).where(
                PactPublication.organisation_id == organisation_id)
            pairs = {(r, k) for r, k in s.execute(granted)}
            rows = s.execute(select(PactRequest, PactClient).join(
                PactClient, PactClient.client_id == PactRequest.client_id)
                .order_by(PactRequest.received_at, PactRequest.id))
            return [self._request_view(r, c) for r, c in rows
                    if c.owner_id == organisation_id or (c.client_id, "client") in pairs
                    or (c.organisation_id, "organisation") in pairs]

    def request(self, request_id: int) -> dict[str, Any] | None:
        with self._tx() as s:
            r = s.get(PactRequest, request_id)
            if r is None:
                return None
            c = s.get(PactClient, r.client_id)
            assert c is not None
            return self._request_view(r, c)

    def answer_request(self, request_id: int, state: str, answer: dict[str, Any],
                       delivery_error: str | None, by: str) -> dict[str, Any]:
        """Record the answer sent (or that could not be delivered: kept pending to retry)."""
        if state not in REQUEST_STATES:
            raise PactError(f"unknown request state {state!r}", "state")
        with self._tx() as s:
            r = s.get(PactRequest, request_id)
            if r is None:
                raise PactError(f"no request {request_id}", "request_id", "not_found")
            if r.state != "pending":
                raise PactError(f"request {request_id} is already {r.state}", "request_id",
                                "conflict")
            r.answer, r.delivery_error = answer, delivery_error
            if delivery_error is None:
                r.state, r.answered_by, r.answered_at = state, by, utcnow()
            c = s.get(PactClient, r.client_id)
            assert c is not None
            return self._request_view(r, c)

    def add_event(self, client_id: str, type_: str, event_id: str, source: str,
                  data: dict[str, Any]) -> None:
        with self._tx() as s:
            s.add(PactEvent(client_id=client_id, type=type_, event_id=event_id, source=source,
                            data=data))

    def events(self, client_id: str | None = None) -> list[dict[str, Any]]:
        with self._tx() as s:
            query = select(PactEvent).order_by(PactEvent.pk)
            if client_id is not None:
                query = query.where(PactEvent.client_id == client_id)
            return [{"client_id": e.client_id, "type": e.type, "event_id": e.event_id,
                     "source": e.source, "data": e.data, "received_at": e.received_at}
                    for e in s.scalars(query)]
