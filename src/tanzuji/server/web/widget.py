"""The embeddable label widget: ``/widget/{certificate}`` is a small self-contained page (no
script, no external resource, inline style only) that any shop may frame, showing the live
status, certified value, grade and category comparison; ``/widget/{certificate}/embed`` shows
the ``<iframe>`` snippet to paste.

The registry is read on every request and the answer may be cached for a minute only, so a
suspension or withdrawal shows on every shop page within minutes."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tanzuji.benchmark.public import product_card
from tanzuji.server.deps import platform
from tanzuji.server.web.labels import catalogue, pick_lang
from tanzuji.server.web.render import lang_of, page, templates

router = APIRouter()
CACHE_SECONDS = 60
# framing by any site is the point; nothing else may load or run
WIDGET_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
              "form-action 'none'; frame-ancestors *")


def widget_headers() -> dict[str, str]:
    return {"Content-Security-Policy": WIDGET_CSP,
            "Cache-Control": f"public, max-age={CACHE_SECONDS}",
            "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}


@router.get("/widget/{certificate}", name="web_widget")
def widget(request: Request, certificate: str, lang: str | None = None) -> Response:
    """The widget itself; ``?lang=en`` or ``zh`` picks the language (default: the cookie's)."""
    chosen = pick_lang(lang) if lang else lang_of(request)
    card = product_card(platform(request).engine, certificate)
    label_url = str(request.url_for("web_label", certificate=certificate))
    return templates.TemplateResponse(
        request, "widget.html.j2",
        {"card": card, "t": catalogue(chosen), "lang": chosen, "label_url": label_url},
        status_code=200 if card["found"] else 404, headers=widget_headers())


@router.get("/widget/{certificate}/embed", name="web_widget_embed")
def embed(request: Request, certificate: str) -> Response:
    """How to put the widget on a shop page: the snippet, and the widget as it looks."""
    card = product_card(platform(request).engine, certificate)
    src = str(request.url_for("web_widget", certificate=certificate))
    snippet = (f'<iframe src="{escape(src)}" title="carbon footprint label '
               f'{escape(certificate)}" width="320" height="200" style="border:0" '
               'loading="lazy"></iframe>')
    return page(request, "widget_embed.html.j2", status=200 if card["found"] else 404,
                card=card, certificate=certificate, widget_src=src, snippet=snippet,
                public_page=True)
