"""A study's PACT publications for its data owner: what was published to whom, publishing the
newest result to named customers (organisations on the platform or PACT clients) and
deprecating a footprint. The same services as ``/api/pact/publications``; the policy decides
who sees and who publishes."""

from __future__ import annotations

import re
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, BackgroundTasks, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from tanzuji.model.errors import StudyError
from tanzuji.server import policy
from tanzuji.server.api.common import StudyId
from tanzuji.server.deps import Principal, platform
from tanzuji.server.pact.host import pact_db
from tanzuji.server.pact.owner import announce
from tanzuji.server.pact.publishing import publish_study
from tanzuji.server.web.labels import catalogue
from tanzuji.server.web.render import error_page, lang_of, need_user, page
from tanzuji.store.pact_db import PactError

router = APIRouter()
PubId = Annotated[str, Path(max_length=36)]
INFO_TEMPLATE = """\
# what PACT needs and a study does not hold (see docs/pact-mapping.md)
company_ids: [urn:uuid:00000000-0000-0000-0000-000000000000]
product_ids: [urn:gtin:00000000000000]
"""


def _owned(request: Request, study_id: int) -> tuple[Principal, dict[str, Any]] | Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    study = platform(request).study(study_id)
    if study is None:
        return error_page(request, 404)
    if not policy.can_see_pact(user, study["organisation_id"]):
        return error_page(request, 403)
    return user, study


def recipients_of(text: str) -> list[tuple[str, str]]:
    """``acme, client:3f2a…`` → organisation ``acme`` and PACT client ``3f2a…``."""
    out: list[tuple[str, str]] = []
    for word in re.split(r"[\s,;]+", text.strip()):
        if word:
            kind, sep, name = word.partition(":")
            out.append(("client", name) if sep and kind == "client" else ("organisation", word))
    return out


def _page(request: Request, user: Principal, study: dict[str, Any], *, status: int = 200,
          errors: dict[str, str] | None = None, form: dict[str, str] | None = None) -> Response:
    mine = [p for p in pact_db(request).publications(study["organisation_id"])
            if p["study_id"] == study["id"]]
    return page(request, "publications.html.j2", status=status, user=user, study=study,
                publications=list(reversed(mine)), errors=errors or {},
                form=form or {"info": INFO_TEMPLATE, "recipients": ""},
                can_publish=policy.can_publish_pact(user, study["organisation_id"]),
                has_result=platform(request).latest_result(study["id"]) is not None)


@router.get("/studies/{study_id}/pact", name="web_publications")
def publications(request: Request, study_id: StudyId) -> Response:
    found = _owned(request, study_id)
    return found if isinstance(found, Response) else _page(request, *found)


@router.post("/studies/{study_id}/pact", name="web_publish")
def publish(request: Request, study_id: StudyId, tasks: BackgroundTasks,
            recipients: Annotated[str, Form()] = "",
            info: Annotated[str, Form()] = "") -> Response:
    """Publish the newest result; a refusal (no result, a missing PACT field, an uncertified
    result where the organisation requires certificates) comes back beside its field."""
    found = _owned(request, study_id)
    if isinstance(found, Response):
        return found
    user, study = found
    if not policy.can_publish_pact(user, study["organisation_id"]):
        return error_page(request, 403)
    words = catalogue(lang_of(request))
    form = {"info": info, "recipients": recipients}
    db = platform(request)
    result = db.latest_result(study_id)
    errors: dict[str, str] = {}
    facts: Any = None
    try:
        facts = yaml.safe_load(info) if info.strip() else None
    except yaml.YAMLError as exc:
        errors["info"] = f"YAML: {exc}"
    if facts is not None and not isinstance(facts, dict):
        errors["info"] = words["pub_info_mapping"]
    if result is None:
        errors["study"] = words["pub_no_result"]
    if not errors:
        assert result is not None
        store = pact_db(request)
        try:
            pub = publish_study(db, store, study, result, info=facts,
                                recipients=recipients_of(recipients), by=user.username)
            announce(request, store, tasks, [pub["id"]])  # to recipients' systems, after
        except StudyError as exc:
            errors["info"] = "; ".join(p.message for p in exc.problems)
        except PactError as exc:
            errors["recipients" if exc.field == "recipient" else "study"] = str(exc)
    if errors:
        return _page(request, user, study, status=422, errors=errors, form=form)
    return RedirectResponse(request.url_for("web_publications", study_id=study_id),
                            status_code=303, background=tasks)


@router.post("/studies/{study_id}/pact/{pub_id}/deprecate", name="web_publication_deprecate")
def deprecate(request: Request, study_id: StudyId, pub_id: PubId) -> Response:
    found = _owned(request, study_id)
    if isinstance(found, Response):
        return found
    user, study = found
    store = pact_db(request)
    pub = store.publication(pub_id)
    if pub is None or pub["study_id"] != study_id:
        return error_page(request, 404)
    if not policy.can_publish_pact(user, study["organisation_id"]):
        return error_page(request, 403)
    try:
        store.deprecate(pub_id, user.username)
    except PactError as exc:
        return _page(request, user, study, status=409, errors={"study": str(exc)})
    return RedirectResponse(request.url_for("web_publications", study_id=study_id),
                            status_code=303)
