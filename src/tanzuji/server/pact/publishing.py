"""A study's stored result published as a PACT footprint: the document from
:mod:`tanzuji.exchange.from_result`, a new id, the study's previous footprint in
``precedingPfIds``, and the Chinese certificate as ``verification`` when the exact study file
holds a valid one. Shared by the API and ``tanzuji pact publish``."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from tanzuji.declare.info import DeclarationInfo, field_path
from tanzuji.declare.source import load
from tanzuji.exchange.from_result import product_footprint
from tanzuji.exchange.pact import ProductFootprint, Verification, VerificationCoverage
from tanzuji.model.errors import Problem, StudyError
from tanzuji.server import workspace
from tanzuji.store.pact_db import PactDB, PactError
from tanzuji.store.platform_db import PlatformDB


class NotCertified(PactError):
    """The owner publishes only certified results and this study file holds no certificate."""


def verification(cert: dict[str, Any]) -> Verification:
    issued: dt.date = cert["issued_on"]
    return Verification(
        coverage=VerificationCoverage.product_level, provider_name=cert["body_name"],
        completed_at=dt.datetime(issued.year, issued.month, issued.day, tzinfo=dt.UTC),
        standard_name="GB/T 24067-2024 (CNCA product carbon footprint label certification)",
        comments=f"certificate {cert['number']} by {cert['body_id']}, valid until "
                 f"{cert['valid_until']}" + (f", PCR {cert['pcr_id']}" if cert["pcr_id"]
                                             else ""))


def _info(data: dict[str, Any]) -> DeclarationInfo:
    try:
        return DeclarationInfo.model_validate(data)
    except ValidationError as exc:
        raise StudyError([Problem("declaration-info", e["msg"].removeprefix("Value error, "),
                                  "info", None, f"info.{field_path(e['loc'])}")
                          for e in exc.errors(include_url=False)]) from None


def publish_study(db: PlatformDB, store: PactDB, study: dict[str, Any],
                  result: dict[str, Any], *, info: dict[str, Any] | None,
                  recipients: list[tuple[str, str]], by: str) -> dict[str, Any]:
    """Build and store the footprint of ``study``'s ``result``; StudyError names missing
    PACT fields, NotCertified and PactError refuse."""
    owner = study["organisation_id"]
    cert = store.valid_certificate(owner, study["sha256"])
    if cert is None and store.policy(owner)["require_certificate"]:
        raise NotCertified(f"{owner} publishes only certified results: study {study['id']} "
                           f"(sha256 {study['sha256'][:12]}…) holds no valid certificate",
                           "study_id", "not_certified")
    previous = store.active_publication(study["id"])
    with workspace.with_result(db, study["id"], result) as (_, sf, saved):
        declarable = load(saved, study=sf.path)
        if info is not None:
            declarable = replace(declarable, info=_info(info), info_file="info")
        pf = product_footprint(declarable, pf_id=uuid.uuid4())
    update: dict[str, Any] = {}
    if previous is not None:
        update["preceding_pf_ids"] = [uuid.UUID(previous["id"])]
    if cert is not None:
        update["pcf"] = pf.pcf.model_copy(update={"verification": verification(cert)})
    doc = ProductFootprint.model_validate(pf.model_copy(update=update).to_json()).to_json()
    result_sha = hashlib.sha256(json.dumps(result, sort_keys=True).encode()).hexdigest()
    return store.publish(organisation_id=owner, study_id=study["id"],
                         study_sha256=study["sha256"], result_sha256=result_sha, doc=doc,
                         recipients=recipients,
                         certificate_number=cert["number"] if cert else None, by=by)
