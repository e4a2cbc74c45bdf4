"""Events the host sends back to a data recipient (RequestFulfilled, RequestRejected):
authenticate at the recipient (OpenID discovery, else ``{base}/auth/token``) with the
credentials it issued us, then POST the CloudEvent to its events endpoint. Only the base URL
registered for the client is ever called, never an address taken from an event."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import httpx

from tanzuji.server.pact.config import PactConfig

# the PACT v3 event types (CloudEvents ``type``)
EVENT_TYPES = {
    "created": "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3",
    "fulfilled": "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3",
    "rejected": "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3",
    "published": "org.wbcsd.pact.ProductFootprint.PublishedEvent.3",
}


def events_url(base: str) -> str:
    """The events endpoint of a base URL or of an event's ``source``: scheme-less
    (``//host/…``) means https, and ``/3/events`` is added unless the URL ends in it."""
    url = f"https:{base}" if base.startswith("//") else base
    url = url.rstrip("/")
    return url if url.endswith("/events") else f"{url}/3/events"


class DeliveryError(Exception):
    """The recipient could not be reached or refused the event."""


def cloud_event(type_: str, source: str, data: dict[str, Any]) -> dict[str, Any]:
    """A CloudEvents 1.0 structured-mode event."""
    return {"specversion": "1.0", "id": str(uuid.uuid4()), "source": source, "type": type_,
            "time": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
            .replace("+00:00", "Z"), "data": data}


def _token_endpoint(http: httpx.Client, base: str) -> str:
    try:
        found = http.get(f"{base}/.well-known/openid-configuration")
        endpoint = found.json().get("token_endpoint") if found.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError):
        endpoint = None
    if isinstance(endpoint, str):  # discovery may not send us to another host
        try:
            found_url, base_url = httpx.URL(endpoint), httpx.URL(base)
        except httpx.InvalidURL:
            return f"{base}/auth/token"
        if (found_url.scheme, found_url.netloc) == (base_url.scheme, base_url.netloc):
            return endpoint
    return f"{base}/auth/token"


def deliver(config: PactConfig, base_url: str, events_url: str, client_id: str, secret: str,
            event: dict[str, Any]) -> None:
    """Send one event; DeliveryError says what went wrong."""
    base = base_url.rstrip("/")
    try:
        with httpx.Client(timeout=config.timeout, transport=config.transport) as http:
            answer = http.post(_token_endpoint(http, base), auth=(client_id, secret),
                               data={"grant_type": "client_credentials"})
            if answer.status_code != 200:
                raise DeliveryError(f"the recipient's token endpoint answered "
                                    f"{answer.status_code}")
            try:
                token = answer.json()["access_token"]
            except (ValueError, KeyError, TypeError):
                raise DeliveryError("the recipient's token answer has no access_token") \
                    from None
            sent = http.post(events_url, content=json.dumps(event).encode(),
                             headers={"Authorization": f"Bearer {token}",
                                      "Content-Type":
                                      "application/cloudevents+json; charset=UTF-8"})
            if sent.status_code != 200:
                raise DeliveryError(f"the recipient's events endpoint answered "
                                    f"{sent.status_code}: {sent.text[:200]}")
    except httpx.HTTPError as exc:
        raise DeliveryError(f"cannot reach {base}: {exc}") from None
