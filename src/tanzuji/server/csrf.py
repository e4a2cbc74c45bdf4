"""Cross-site request forgery defences for what a browser sends with the session cookie.

- Web forms carry a token bound to the session: HMAC-SHA256 keyed with the session token
  (which only the browser holds: the cookie is HttpOnly), so a page on another site can
  neither read nor compute it. Logging in, which has no session yet, is checked by origin.
- The JSON API, when called with the session cookie instead of a Bearer token, must be called
  from this site: a state-changing request whose ``Origin`` (or, lacking it, ``Referer``)
  names another origin is refused. Browsers send ``Origin`` on every cross-origin POST, and
  programs that send neither header are not browsers riding on someone's cookie. The cookie
  is also ``SameSite=Lax``, so most browsers do not send it cross-site at all.

Bearer-token calls are not affected: a browser never adds that header by itself.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlsplit

from starlette.requests import Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
FORM_FIELD = "csrf"
_CONTEXT = b"tanzuji web form"


def form_token(session_token: str) -> str:
    """The token a form of this session carries."""
    return hmac.new(session_token.encode("utf-8"), _CONTEXT, hashlib.sha256).hexdigest()


def token_ok(session_token: str, sent: object) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(form_token(session_token), sent)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def same_origin(request: Request, public_base_url: str) -> bool:
    """True unless the request names an origin other than this site (as the request reached
    it, or its configured public address)."""
    sent = request.headers.get("origin") or request.headers.get("referer")
    if not sent:
        return True
    origin = _origin(sent)
    if origin is None:  # "null" (sandboxed or privacy-redirected pages) is not this site
        return False
    own = {_origin(str(request.base_url)), _origin(public_base_url)}
    return origin in own


def unsafe(request: Request) -> bool:
    return request.method.upper() not in SAFE_METHODS
