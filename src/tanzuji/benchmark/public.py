"""What a shop page or a consumer learns from a certificate number: the registry's live record
(status, validity, value), the grade and the comparison with the category, in plain words.

Read on every request, never cached here, so a suspension or withdrawal shows at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine

from tanzuji.benchmark.assess import assess_value
from tanzuji.benchmark.category import BenchmarkError
from tanzuji.benchmark.explain import plain_words
from tanzuji.certification.registry import lookup_number
from tanzuji.store.certification_db import CertificationDB


def product_card(engine: Engine, number: str, on: dt.date | None = None) -> dict[str, Any]:
    """The public card of a certificate (``found`` False when there is none)."""
    db = CertificationDB(engine)
    record = lookup_number(db, number, on)
    card: dict[str, Any] = {
        "certificate": record["certificate"], "found": record["found"], "ok": record["ok"],
        "warnings": record["warnings"],
    }
    if not record["found"]:
        return card
    cert = db.public_certificate(number.strip(), on)
    assert cert is not None  # lookup_number just found it
    card.update({k: record[k] for k in (
        "status", "product", "product_zh", "product_model", "producer", "value", "unit",
        "functional_unit", "boundary", "certification_body", "issued_on", "valid_until")})
    card["pcr"] = cert["pcr"]
    card["grade"] = card["comparison"] = card["explanation"] = None
    if cert["pcr"] and record["status"] == "valid":
        try:
            a = assess_value(engine, cert["pcr"], cert["value"], cert["unit"], on)
        except BenchmarkError as exc:
            card["comparison"] = {"available": False, "reason": str(exc)}
            return card
        summary = a.category.distribution.summary()
        card["grade"] = None if a.grade is None else {
            "letter": a.grade.letter, "letters": list(a.grade.letters),
            "scale": a.grade.scale, "percentile": a.grade.percentile, "n": a.grade.n}
        card["comparison"] = {
            "available": True, "value": a.value, "unit": a.category.distribution.unit,
            "median": a.median, "below_median_percent": a.below_median_percent,
            "n": a.category.distribution.n, "sources": a.category.distribution.sources,
            "min": summary.get("min"), "max": summary.get("max")}
        card["explanation"] = plain_words(a, cert["product"], cert["product_zh"],
                                          cert["boundary"])
    return card
