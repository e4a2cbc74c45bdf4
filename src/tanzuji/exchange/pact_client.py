"""A PACT v3 data-recipient client: token, ListFootprints (following ``Link``), GetFootprint
and the request events, over httpx.

Every answer is checked before it is handed on: JSON that does not parse, or a footprint that
breaks the v3 schema (our pydantic model, :mod:`tanzuji.exchange.pact`), is a
:class:`PactClientError` naming the URL and the field, never a half-read list. Timeouts,
connection errors, 5xx/429 answers and unreadable bodies are retried with exponential back-off
(:class:`Retry`, bounded and with an injectable sleep so tests need no real time); a 4xx is the
partner's considered answer and is not retried. A ``Link: rel="next"`` to another origin is
refused, because following it would hand our bearer token to a third party.

Plain ``http://`` is refused unless ``allow_http`` (or ``TANZUJI_PACT_ALLOW_HTTP=1``) says
otherwise: PACT requires HTTPS; loopback tests switch it on.
"""

from __future__ import annotations

import datetime as dt
import os
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from pydantic import ValidationError

from tanzuji.exchange.pact import ProductFootprint
from tanzuji.store.supply_db import SupplyDB

ALLOW_HTTP_ENV = "TANZUJI_PACT_ALLOW_HTTP"
ATTEMPTS_ENV = "TANZUJI_PACT_RETRY_ATTEMPTS"
BASE_ENV = "TANZUJI_PACT_RETRY_BASE"
EVENT_CREATED = "org.wbcsd.pact.ProductFootprint.RequestCreatedEvent.3"
EVENT_FULFILLED = "org.wbcsd.pact.ProductFootprint.RequestFulfilledEvent.3"
EVENT_REJECTED = "org.wbcsd.pact.ProductFootprint.RequestRejectedEvent.3"
CLOUDEVENTS_JSON = "application/cloudevents+json; charset=UTF-8"


class PactClientError(Exception):
    """A call to a partner failed; the message says which URL and why."""

    def __init__(self, message: str, url: str | None = None, status: int | None = None,
                 retryable: bool = False) -> None:
        super().__init__(message)
        self.url, self.status, self.retryable = url, status, retryable


@dataclass(frozen=True)
class Retry:
    """Exponential back-off: waits ``base``, 2·``base``, 4·``base``… (at most ``cap``) between
    ``attempts`` tries in all."""

    attempts: int = 4
    base: float = 0.5
    cap: float = 8.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    @classmethod
    def from_env(cls) -> Retry:
        """``TANZUJI_PACT_RETRY_ATTEMPTS`` and ``TANZUJI_PACT_RETRY_BASE`` (seconds)."""
        try:
            return cls(attempts=max(1, int(os.environ.get(ATTEMPTS_ENV, "4"))),
                       base=max(0.0, float(os.environ.get(BASE_ENV, "0.5"))))
        except ValueError:
            raise PactClientError(f"{ATTEMPTS_ENV} is a whole number and {BASE_ENV} a number "
                                  "of seconds") from None

    def delays(self) -> Iterator[float]:
        for i in range(max(self.attempts - 1, 0)):
            yield min(self.cap, self.base * 2 ** i)


def _allow_http() -> bool:
    return os.environ.get(ALLOW_HTTP_ENV, "").strip() in ("1", "true", "yes")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def footprint_errors(exc: ValidationError, where: str) -> str:
    """The first few schema problems of a footprint as ``where.field: message``."""
    parts = [f"{where}.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()[:3]]
    more = f" (and {exc.error_count() - 3} more)" if exc.error_count() > 3 else ""
    return "; ".join(parts) + more


def parse_footprint(data: object, where: str) -> ProductFootprint:
    """A v3 footprint, or a PactClientError naming the fields that break the schema."""
    try:
        return ProductFootprint.model_validate(data)
    except ValidationError as exc:
        raise PactClientError(f"the partner sent a footprint that breaks the PACT v3 schema: "
                              f"{footprint_errors(exc, where)}") from None


@dataclass(frozen=True)
class Answer:
    """A RequestFulfilled or RequestRejected event, checked."""

    request_id: str
    fulfilled: bool
    footprints: list[ProductFootprint]
    error: dict[str, str] | None


def parse_answer(event: Mapping[str, Any]) -> Answer:
    """Read a RequestFulfilled/Rejected event (CloudEvents structured mode); every footprint
    is validated, so nothing half-valid is stored."""
    kind, data = event.get("type"), event.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("requestEventId"), str):
        raise PactClientError("the event has no data.requestEventId")
    request_id = data["requestEventId"]
    if kind == EVENT_REJECTED:
        error = data.get("error")
        if not isinstance(error, dict):
            raise PactClientError("a RequestRejectedEvent needs data.error {code, message}")
        return Answer(request_id, False, [], {"code": str(error.get("code", "")),
                                              "message": str(error.get("message", ""))})
    if kind != EVENT_FULFILLED:
        raise PactClientError(f"not a request answer: type {kind!r}")
    pfs = data.get("pfs")
    if not isinstance(pfs, list) or not pfs:
        raise PactClientError("a RequestFulfilledEvent needs at least one footprint in data.pfs")
    return Answer(request_id, True, [parse_footprint(pf, f"data.pfs[{i}]")
                                     for i, pf in enumerate(pfs)], None)


def request_event(event_id: str, source: str, product_ids: Sequence[str],
                  comment: str | None = None) -> dict[str, Any]:
    """A RequestCreatedEvent asking for the footprints of these products."""
    data: dict[str, Any] = {"productId": list(product_ids)}
    if comment:
        data["comment"] = comment
    return {"specversion": "1.0", "id": event_id, "source": source, "type": EVENT_CREATED,
            "time": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"), "data": data}


def _read_page(response: httpx.Response, body: Any) -> tuple[list[ProductFootprint],
                                                            str | None]:
    url = str(response.request.url)
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise PactClientError(f"GET {url}: the answer is not "
                              '{"data": [ProductFootprint, …]}', url)
    pfs = [parse_footprint(pf, f"data[{i}]") for i, pf in enumerate(body["data"])]
    following = response.links.get("next", {}).get("url")
    return pfs, following


class PactClient:
    """One partner's PACT host, as a data recipient sees it."""

    def __init__(self, base_url: str, client_id: str, client_secret: str, *,
                 token_url: str | None = None, timeout: float = 10.0, retry: Retry | None = None,
                 transport: httpx.BaseTransport | None = None,
                 allow_http: bool | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.allow_http = _allow_http() if allow_http is None else allow_http
        self._check_scheme(self.base_url)
        self.client_id, self._secret = client_id, client_secret
        self.token_url = token_url
        self.retry = retry or Retry.from_env()
        self._http = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)
        self._token: tuple[str, float] | None = None

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PactClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _check_scheme(self, url: str) -> None:
        scheme = urlsplit(url).scheme
        if scheme == "https" or (scheme == "http" and self.allow_http):
            return
        raise PactClientError(f"{url}: PACT partners are reached over https only (set "
                              f"{ALLOW_HTTP_ENV}=1 for a local test)", url)

    # -- transport with retries ----------------------------------------------------------------

    def _send(self, method: str, url: str, retry: bool = True,
              **kwargs: Any) -> httpx.Response:
        """One request with retries; answers 2xx and 4xx (the caller reads them)."""
        self._check_scheme(url)
        delays = self.retry.delays() if retry else iter(())
        while True:
            try:
                response = self._http.request(method, url, **kwargs)
                if response.status_code >= 500 or response.status_code == 429:
                    raise PactClientError(f"{method} {url}: the partner answered "
                                          f"{response.status_code}", url,
                                          response.status_code, retryable=True)
                return response
            except httpx.TimeoutException:
                failure = PactClientError(f"{method} {url}: no answer in time (timeout)", url,
                                          retryable=True)
            except httpx.TransportError as exc:
                failure = PactClientError(f"{method} {url}: cannot connect ({exc})", url,
                                          retryable=True)
            except PactClientError as exc:
                failure = exc
            delay = next(delays, None)
            if delay is None:
                raise PactClientError(f"{failure} (gave up after "
                                      f"{self.retry.attempts if retry else 1} attempts)", url,
                                      failure.status)
            self.retry.sleep(delay)

    def _json(self, method: str, url: str, read: Callable[[httpx.Response, Any], Any],
              **kwargs: Any) -> Any:
        """Send, check the status, parse JSON and ``read`` it; an unreadable body is retried
        like a failed connection (a cut-off answer often is one)."""
        delays = self.retry.delays()
        while True:
            response = self._send(method, url, **kwargs)
            self._raise_for_status(method, url, response)
            try:
                return read(response, response.json())
            except ValueError:
                failure = PactClientError(f"{method} {url}: the answer is not JSON", url,
                                          response.status_code)
            except PactClientError as exc:
                failure = exc
            delay = next(delays, None)
            if delay is None:
                raise failure
            self.retry.sleep(delay)

    @staticmethod
    def _raise_for_status(method: str, url: str, response: httpx.Response) -> None:
        if response.status_code < 400:
            return
        try:
            body = response.json()
        except ValueError:
            body = None
        detail = ""
        if isinstance(body, dict):
            code = body.get("code") or body.get("error")
            text = body.get("message") or body.get("error_description")
            detail = f": {code} {text or ''}".rstrip()
        raise PactClientError(f"{method} {url}: the partner refused with "
                              f"{response.status_code}{detail}", url, response.status_code)

    # -- authentication ------------------------------------------------------------------------

    def discover_token_url(self) -> str:
        """The token endpoint from ``/.well-known/openid-configuration``, else
        ``{base}/auth/token`` (PACT 2.1+)."""
        if self.token_url:
            return self.token_url
        url = f"{self.base_url}/.well-known/openid-configuration"
        found: str | None = None
        try:
            response = self._send("GET", url, retry=False)  # optional: no back-off
            if response.status_code == 200:
                endpoint = response.json().get("token_endpoint")
                if isinstance(endpoint, str) and endpoint:
                    found = urljoin(url, endpoint)
        except (PactClientError, ValueError, AttributeError):
            found = None
        self.token_url = found or f"{self.base_url}/auth/token"
        self._check_scheme(self.token_url)
        return self.token_url

    def token(self, now: Callable[[], float] = time.monotonic) -> str:
        """A bearer token (client credentials, HTTP Basic), reused until shortly before it
        expires."""
        if self._token is not None and self._token[1] > now():
            return self._token[0]
        url = self.discover_token_url()

        def read(_: httpx.Response, body: Any) -> tuple[str, float]:
            if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
                raise PactClientError(f"POST {url}: the answer has no access_token", url)
            expires = body.get("expires_in")
            life = float(expires) if isinstance(expires, int | float) else 300.0
            return body["access_token"], now() + max(life - 30.0, life / 2)

        self._token = self._json("POST", url, read, auth=(self.client_id, self._secret),
                                 data={"grant_type": "client_credentials"})
        return self._token[0]

    def _authorised(self, method: str, url: str, read: Callable[[httpx.Response, Any], Any],
                    **kwargs: Any) -> Any:
        """A call with the bearer token; a 401 gets one new token and one more try."""
        for fresh in (False, True):
            headers = {**kwargs.pop("headers", {}), "Authorization": f"Bearer {self.token()}"}
            try:
                return self._json(method, url, read, headers=headers, **kwargs)
            except PactClientError as exc:
                if exc.status != 401 or fresh:
                    raise
                self._token = None
        raise AssertionError("unreachable")  # pragma: no cover

    # -- actions -------------------------------------------------------------------------------

    def list_footprints(self, filters: Mapping[str, str | Sequence[str]] | None = None,
                        limit: int | None = None, max_pages: int = 1000
                        ) -> list[ProductFootprint]:
        """Every footprint the partner lists for us (filters as in ListFootprints), page by
        page along ``Link: rel="next"``; all pages are read and checked before any is
        returned."""
        params: dict[str, Any] = dict(filters or {})
        if limit is not None:
            params["limit"] = limit
        url: str | None = f"{self.base_url}/3/footprints"
        origin = _origin(self.base_url)
        out: list[ProductFootprint] = []
        pages = 0
        while url is not None:
            pages += 1
            if pages > max_pages:
                raise PactClientError(f"{url}: more than {max_pages} pages; stopped", url)
            page_url = url
            if params:
                url = str(httpx.URL(url, params=params))
                params = {}  # the next link carries its own query
            pfs, following = self._authorised("GET", url, _read_page)
            out.extend(pfs)
            if following is not None:
                following = urljoin(page_url, following)
                if _origin(following) != origin:
                    raise PactClientError(f"GET {page_url}: the next page link points to "
                                          f"another host ({following}); not followed", url)
            url = following
        return out

    def get_footprint(self, pf_id: str) -> ProductFootprint:
        url = f"{self.base_url}/3/footprints/{pf_id}"

        def read(_: httpx.Response, body: Any) -> ProductFootprint:
            if not isinstance(body, dict) or "data" not in body:
                raise PactClientError(f"GET {url}: the answer is not {{\"data\": …}}", url)
            return parse_footprint(body["data"], "data")

        result: ProductFootprint = self._authorised("GET", url, read)
        return result

    def send_event(self, event: Mapping[str, Any]) -> None:
        """POST one CloudEvent to the partner's ``/3/events``; 200 (empty body) = taken, a 401
        gets one new token and one more try."""
        url = f"{self.base_url}/3/events"
        for fresh in (False, True):
            response = self._send("POST", url, json=dict(event),
                                  headers={"Content-Type": CLOUDEVENTS_JSON,
                                           "Authorization": f"Bearer {self.token()}"})
            if response.status_code != 401 or fresh:
                break
            self._token = None
        self._raise_for_status("POST", url, response)

    def request_footprints(self, source: str, product_ids: Sequence[str],
                           comment: str | None = None, event_id: str | None = None) -> str:
        """Send a RequestCreatedEvent; the id it was sent under (the partner answers it with
        a RequestFulfilled/Rejected event naming it)."""
        eid = event_id or str(uuid.uuid4())
        self.send_event(request_event(eid, source, product_ids, comment))
        return eid


# -- a stored partner: fetch its footprints, send our requests --------------------------------


def partner_client(db: SupplyDB, name: str, **options: Any) -> PactClient:
    """A client for a stored partner; the token endpoint it discovers is remembered."""
    partner = db.partner(name)
    client = PactClient(partner.base_url, partner.client_id, db.partner_secret(name),
                        token_url=partner.token_url, **options)
    if partner.token_url is None:
        db.set_token_url(name, client.discover_token_url())
    return client


@dataclass(frozen=True)
class Fetched:
    received: list[str]  # PCF ids newly stored
    known: list[str]  # PCF ids already stored
    fulfilled: list[str]  # request ids the fetch answered


def fetch_partner(db: SupplyDB, name: str, product_ids: Sequence[str] = (), *,
                  by: str, **options: Any) -> Fetched:
    """List the partner's footprints (of ``product_ids`` when given) and store each in its
    own transaction; a pending request to this partner naming one of a footprint's products
    is fulfilled by it. Nothing is stored when any page is unreadable or breaks the schema."""
    partner = db.partner(name)
    filters = {"productId": list(product_ids)} if product_ids else None
    with partner_client(db, name, **options) as client:
        footprints = client.list_footprints(filters)
    pending = [r for r in db.requests(customer_id=partner.organisation_id,
                                      everyone=partner.organisation_id is None)
               if r["partner"] == name and r["status"] in ("pending", "overdue")]
    received: list[str] = []
    known: list[str] = []
    fulfilled: list[str] = []
    for pf in footprints:
        products = {p.lower() for p in pf.product_ids}
        answers = next((r["id"] for r in pending if r["id"] not in fulfilled
                        and products & {p.lower() for p in r["product_ids"]}), None)
        customer = partner.organisation_id
        if answers is not None:
            customer = db.request(answers)["customer_id"]
            fulfilled.append(answers)
        new = db.receive(name, pf, by=by, customer_id=customer, partner_id=partner.id,
                         request_id=answers)
        (received if new else known).append(str(pf.id))
    return Fetched(received, known, fulfilled)


def send_request(db: SupplyDB, request_id: str, source: str, **options: Any) -> None:
    """Send a stored request to its partner as a RequestCreatedEvent under the request's id;
    ``source`` is our own PACT base URL, where the partner answers."""
    req = db.request(request_id)
    if req["partner"] is None:
        raise PactClientError(f"request {request_id} is for an on-platform supplier")
    with partner_client(db, req["partner"], **options) as client:
        client.request_footprints(source, req["product_ids"], req["comment"],
                                  event_id=request_id)


def record_answer(db: SupplyDB, event: Mapping[str, Any]) -> list[str]:
    """Apply a RequestFulfilled/Rejected event that answers a request we sent: its footprints
    are checked and stored for the request's customer (one transaction each), or the request
    is marked rejected. The PACT host's ``/3/events`` route calls this for those two types;
    an answer to a request we never sent is a SupplyError (not_found)."""
    answer = parse_answer(event)
    if answer.fulfilled:
        return db.fulfilled(answer.request_id, answer.footprints)
    db.mark_rejected(answer.request_id, answer.error or {}, "pact")
    return []
