"""The regulator's dashboards: certificates issued, suspended and withdrawn, the
anti-fraud flags, peer-review disagreement and published-factor coverage, by product category
(PCR), region (province) or certification body, with each table as CSV. The numbers come from
``tanzuji.certification.statistics`` (the same tables as ``/api/statistics/{name}``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tanzuji.certification import statistics
from tanzuji.server import policy
from tanzuji.server.deps import platform
from tanzuji.server.web import charts
from tanzuji.server.web.labels import catalogue
from tanzuji.server.web.render import error_page, lang_of, need_user, page

router = APIRouter()


def _by(request: Request) -> str:
    by = request.query_params.get("by", "pcr")
    return by if by in statistics.DIMENSIONS else "pcr"


@router.get("/regulator", name="web_regulator")
def dashboard(request: Request) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if not policy.can_see_oversight(user):
        return error_page(request, 403)
    engine, by = platform(request).engine, _by(request)
    words = catalogue(lang_of(request))
    tables = {name: statistics.table(engine, name, by) for name in statistics.TABLES}
    per_code: dict[str, int] = defaultdict(int)
    for row in tables["flags"]:
        per_code[row["code"]] += 1
    per_class: dict[str, int] = defaultdict(int)
    for row in tables["factor-coverage"]:
        per_class[row["cpc_division"]] += row["factors"]
    figures: dict[str, Any] = {
        "chart-certificates": charts.certificate_status_figure(tables["certificates"], words),
        "chart-timeline": charts.timeline_figure(tables["timeline"], words),
        "chart-flags": charts.count_figure(list(per_code), list(per_code.values()),
                                           "#9a2b16"),
        "chart-peer": charts.count_figure([r["key"] for r in tables["peer-review"]],
                                          [r["rate_percent"] for r in tables["peer-review"]],
                                          "#c2703d", " %"),
        "chart-coverage": charts.count_figure(list(per_class), list(per_class.values())),
    }
    names = {code: zh if lang_of(request) == "zh" else en
             for code, en, zh in statistics.provinces()} if by == "region" else {}
    return page(request, "regulator.html.j2", user=user, by=by, names=names,
                dimensions=statistics.DIMENSIONS, tables=tables,
                flag_counts=statistics.flag_counts(tables["flags"]), figures=figures)


@router.get("/regulator/{name}.csv", name="web_regulator_csv")
def download(request: Request, name: str) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    if not policy.can_see_oversight(user):
        return error_page(request, 403)
    if name not in statistics.TABLES:
        return error_page(request, 404)
    by = _by(request)
    rows = statistics.table(platform(request).engine, name, by)
    filename = f"{name}-by-{by}.csv" if name != "factor-coverage" else f"{name}.csv"
    return Response(statistics.to_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
