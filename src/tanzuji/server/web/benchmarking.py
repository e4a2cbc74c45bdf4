"""The benchmark section of the result page (grade, the category's distribution with the
product marked, weak links) and the reduction-scenario form with its before/after page.

Only the study's own members see either (``policy.can_benchmark_study``); a scenario is
recalculated in memory and never stored."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from tanzuji.accounting.result import StudyResult
from tanzuji.benchmark.assess import as_dict, assess_study
from tanzuji.benchmark.category import BenchmarkError
from tanzuji.benchmark.distribution import FACTOR
from tanzuji.benchmark.scenarios import (
    Change,
    GreenElectricity,
    RecycledContent,
    Scale,
    ScenarioError,
    TransportChange,
)
from tanzuji.model.errors import StudyError
from tanzuji.server import policy, workspace
from tanzuji.server.api.benchmark import scenario_answer
from tanzuji.server.api.common import readable_study
from tanzuji.server.deps import Principal, platform
from tanzuji.server.errors import ApiError
from tanzuji.server.web.charts import short
from tanzuji.server.web.render import error_page, need_user, page
from tanzuji.store.platform_db import PlatformDB

router = APIRouter()
StudyId = Annotated[int, Path(ge=1, le=2**63 - 1)]
_LAYOUT: dict[str, Any] = {"margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "height": 220,
                           "font": {"family": "system-ui, sans-serif", "size": 12},
                           "showlegend": True, "legend": {"orientation": "h"}}


def distribution_figure(bm: dict[str, Any], words: dict[str, str]) -> dict[str, Any]:
    """The category's values as points on one axis (published factors named in the hover,
    platform results anonymous), the product as a red line."""
    points = bm["distribution"]["points"]
    data: list[dict[str, Any]] = []
    for source, colour in ((FACTOR, "#5b7db1"), ("certified_platform", "#2f7d4f")):
        mine = [p for p in points if p["source"] == source]
        if mine:
            data.append({"type": "scatter", "mode": "markers", "name": source.replace("_", " "),
                         "x": [p["value"] for p in mine], "y": [0] * len(mine),
                         "marker": {"size": 12, "color": colour, "opacity": 0.8},
                         "text": [short(p["label"] or "", 60) for p in mine],
                         "hovertemplate": "%{x:.4g} %{text}<extra></extra>"})
    data.append({"type": "scatter", "mode": "lines", "name": words["bm_this"],
                 "x": [bm["value"], bm["value"]], "y": [-1, 1],
                 "line": {"color": "#b23a2a", "width": 3}})
    return {"data": data, "layout": {**_LAYOUT, "yaxis": {"visible": False, "range": [-1, 1]},
                                     "xaxis": {"title": {"text": bm["unit"]},
                                               "automargin": True}}}


def benchmark_section(db: PlatformDB, user: Principal, study: dict[str, Any],
                      stored: dict[str, Any], words: dict[str, str]) -> dict[str, Any]:
    """What the result page shows of the benchmark: ``bm`` (or ``bm_error``) and its chart;
    nothing for callers who are not the study's members."""
    if not policy.can_benchmark_study(user, study["organisation_id"]):
        return {}
    try:
        with workspace.with_result(db, study["id"], stored) as (result, sf, _):
            bm = as_dict(assess_study(db.engine, sf.study, result))
    except (BenchmarkError, StudyError) as exc:
        return {"bm_error": str(exc)}
    return {"bm": bm, "bm_figure": distribution_figure(bm, words)}


def _changes(form: dict[str, str]) -> list[Change]:
    """The changes the form asks for (a blank group is no change)."""
    changes: list[Change] = []
    if form.get("green_instrument"):
        changes.append(GreenElectricity.model_validate({
            "kind": "green_electricity", "instrument": form["green_instrument"],
            "source": form.get("green_source") or "wind",
            "share": float(form.get("green_share") or 1.0)}))
    if form.get("recycled_input"):
        changes.append(RecycledContent.model_validate({
            "kind": "recycled_content", "input": form["recycled_input"],
            "share": float(form.get("recycled_share") or 0), "factor":
                form.get("recycled_factor", "")}))
    if form.get("transport_to"):
        changes.append(TransportChange.model_validate({
            "kind": "transport_mode", "from_mode": form.get("transport_from") or "road",
            "to_mode": form["transport_to"]}))
    if form.get("scale_input"):
        changes.append(Scale.model_validate({
            "kind": "scale", "input": form["scale_input"],
            "factor": float(form.get("scale_factor") or 1.0)}))
    return changes


@router.post("/studies/{study_id}/scenarios", name="web_scenarios")
def scenarios(request: Request, study_id: StudyId,
              green_instrument: Annotated[str, Form(max_length=40)] = "",
              green_source: Annotated[str, Form(max_length=40)] = "",
              green_share: Annotated[str, Form(max_length=20)] = "",
              recycled_input: Annotated[str, Form(max_length=200)] = "",
              recycled_share: Annotated[str, Form(max_length=20)] = "",
              recycled_factor: Annotated[str, Form(max_length=200)] = "",
              transport_from: Annotated[str, Form(max_length=40)] = "",
              transport_to: Annotated[str, Form(max_length=40)] = "",
              scale_input: Annotated[str, Form(max_length=200)] = "",
              scale_factor: Annotated[str, Form(max_length=20)] = "",
              save: Annotated[bool, Form()] = False) -> Response:
    user = need_user(request)
    if isinstance(user, Response):
        return user
    db = platform(request)
    try:
        study = readable_study(db, study_id, user)
    except ApiError as exc:
        return error_page(request, exc.status)
    if not policy.can_benchmark_study(user, study["organisation_id"]):
        return error_page(request, 403)
    form = {"green_instrument": green_instrument, "green_source": green_source,
            "green_share": green_share, "recycled_input": recycled_input,
            "recycled_share": recycled_share, "recycled_factor": recycled_factor,
            "transport_from": transport_from, "transport_to": transport_to,
            "scale_input": scale_input, "scale_factor": scale_factor}
    form = {k: v.strip() for k, v in form.items()}
    error: str | None = None
    answer: dict[str, Any] | None = None
    try:
        changes = _changes(form)
        if not changes:
            error = "choose at least one change"
        else:
            answer = scenario_answer(db, study_id, changes,
                                     save_as=("", user.username) if save else None)
    except (ValueError, ScenarioError, StudyError) as exc:  # pydantic errors are ValueErrors
        error = str(exc)
    stored = db.latest_result(study_id)
    return page(request, "scenario.html.j2", status=422 if error else 200, user=user,
                study=study, answer=answer, error=error, form=form,
                r=None if stored is None else StudyResult.model_validate(stored))
