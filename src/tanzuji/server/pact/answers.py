"""Events the host sends: the answer to a stored request (RequestFulfilled or
RequestRejected, to the client's registered address, never the event's ``source``; a failed
delivery is kept on the request, still pending, to be sent again), the owner's automatic
answer, and the PublishedEvent that tells recipients of a new footprint."""

from __future__ import annotations

import logging
from typing import Any

from tanzuji.server.pact import callbacks, filters
from tanzuji.server.pact.callbacks import EVENT_TYPES, events_url
from tanzuji.server.pact.config import PactConfig
from tanzuji.store.pact_db import PactDB

AUTO = "auto-answer"
log = logging.getLogger("tanzuji.pact")


def answer(config: PactConfig, public_base_url: str, store: PactDB, req: dict[str, Any],
           type_: str, data: dict[str, Any], state: str, by: str) -> tuple[dict[str, Any],
                                                                           str | None]:
    """Send the answer and record it: (the request as stored now, the delivery error)."""
    client = store.client(req["client_id"])
    assert client is not None
    secret = store.callback_secret(client.client_id)
    event = callbacks.cloud_event(type_, f"{public_base_url}/3/events", data)
    error: str | None = None
    if client.base_url is None or client.callback_client_id is None or secret is None:
        error = "the client has no registered callback address and credentials"
    else:
        try:
            callbacks.deliver(config, client.base_url, events_url(client.base_url),
                              client.callback_client_id, secret, event)
        except callbacks.DeliveryError as exc:
            error = str(exc)
    return store.answer_request(req["id"], state, event, error, by), error


def fulfilled(req: dict[str, Any], docs: list[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    return EVENT_TYPES["fulfilled"], {"requestEventId": req["event_id"], "pfs": docs}


def rejected(req: dict[str, Any], code: str, message: str) -> tuple[str, dict[str, Any]]:
    return EVENT_TYPES["rejected"], {"requestEventId": req["event_id"],
                                     "error": {"code": code, "message": message}}


def auto_answer(config: PactConfig, public_base_url: str, store: PactDB, request_id: int,
                owner: str) -> None:
    """The owner's footprints already released to the requester that meet the request, or
    a rejection when none does (PACT: never a fulfilment with an empty list)."""
    req = store.request(request_id)
    client = store.client(req["client_id"]) if req is not None else None
    if req is None or client is None or req["state"] != "pending":
        return
    criteria = filters.from_event(req["criteria"])
    docs = [d for d in store.visible(client, owner) if filters.matches(d, criteria)]
    if docs:
        type_, data = fulfilled(req, docs)
        answer(config, public_base_url, store, req, type_, data, "fulfilled", AUTO)
    else:
        type_, data = rejected(req, "NotFound", "no footprint released to you meets the "
                               "request; the data owner may publish one later")
        answer(config, public_base_url, store, req, type_, data, "rejected", AUTO)


def notify_published(config: PactConfig, public_base_url: str, store: PactDB,
                     pub_ids: list[str]) -> None:
    """Best effort: a PublishedEvent to every client that sees these footprints and has a
    callback address; a recipient that cannot be reached still finds them by listing."""
    targets: dict[str, list[str]] = {}
    for pub_id in pub_ids:
        for client in store.recipient_clients(pub_id):
            targets.setdefault(client.client_id, []).append(pub_id)
    for client_id, ids in targets.items():
        found = store.client(client_id)
        secret = store.callback_secret(client_id)
        if found is None or found.base_url is None or found.callback_client_id is None \
                or secret is None:
            continue
        event = callbacks.cloud_event(EVENT_TYPES["published"], f"{public_base_url}/3/events",
                                      {"pfIds": ids})
        try:
            callbacks.deliver(config, found.base_url, events_url(found.base_url),
                              found.callback_client_id, secret, event)
        except callbacks.DeliveryError as exc:
            log.warning("PublishedEvent to %s not delivered: %s", client_id, exc)
