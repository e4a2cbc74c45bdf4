"""Benchmarks and grades: a PCR's category distribution (public: published factors, and
certified platform results only as anonymous values from k on), a value's grade, a study's
benchmark with its weak links, and reduction scenarios recalculated without saving."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import asdict
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from tanzuji.accounting.calculate import open_study
from tanzuji.benchmark import BenchmarkError, Grade, category, category_dict, grade
from tanzuji.benchmark.assess import as_dict, assess_study
from tanzuji.benchmark.scenarios import Change, ScenarioError, run, study_text
from tanzuji.jobs.tasks import materialised
from tanzuji.rules.library import find_pcr
from tanzuji.server import policy, workspace
from tanzuji.server.api.common import StudyId, latest_result, study_or_404
from tanzuji.server.deps import Principal, current_user, platform
from tanzuji.server.errors import ApiError, forbidden, unauthenticated
from tanzuji.store.platform_db import PlatformDB

router = APIRouter(tags=["benchmarks"])
PcrId = Annotated[str, Path(min_length=1, max_length=120, pattern=r"^[a-z0-9][a-z0-9_.@\-]*$",
                            description="a PCR id, or id@version")]


class GradeOut(BaseModel):
    letter: str
    percentile: float | None
    scale: str
    thresholds: list[float]
    n: int
    sources: list[tuple[str, int]]
    method: str
    unit: str
    letters: list[str]


class ScenarioIn(BaseModel):
    changes: list[Change] = Field(min_length=1, max_length=20)
    save: bool = Field(False, description="also store the changed study as a new study "
                                          "(the original stays as it is)")
    name: str | None = Field(None, max_length=300, description="name of the saved study")


class ScenarioOut(BaseModel):
    unit: str
    base_total: float
    total: float
    delta: float
    delta_percent: float | None
    base_by_stage: dict[str, float]
    by_stage: dict[str, float]
    base_grade: GradeOut | None
    grade: GradeOut | None
    applied: list[str]
    saved: bool = Field(description="whether the changed study was stored as a new study")
    study_id: int | None = Field(None, description="the new study, when saved")


def _benchmark_error(exc: BenchmarkError) -> ApiError:
    return ApiError(422, "no_benchmark", str(exc), exc.field)


def _grade(g: Grade | None) -> dict[str, Any] | None:
    return None if g is None else asdict(g)


@router.get("/benchmarks/{pcr_id}", response_model=dict[str, Any],
            summary="A PCR's category distribution and grade scale (public, anonymised)")
def distribution(pcr_id: PcrId, request: Request) -> dict[str, Any]:
    try:
        return category_dict(category(platform(request).engine, pcr_id))
    except BenchmarkError as exc:
        raise _benchmark_error(exc) from None


@router.get("/benchmarks/{pcr_id}/grade", response_model=GradeOut,
            summary="The grade of a footprint per the PCR's declared unit (public)")
def grade_of(pcr_id: PcrId, request: Request,
             value: Annotated[float, Query(ge=-1e12, le=1e12, allow_inf_nan=False,
                                           description="kg CO2e per declared unit")]
             ) -> dict[str, Any]:
    try:
        cat = category(platform(request).engine, pcr_id)
    except BenchmarkError as exc:
        raise _benchmark_error(exc) from None
    g = grade(value, cat.distribution, cat.rule.scale)
    if g is None:
        raise ApiError(409, "too_few_values", f"{cat.distribution.n} value(s) in the category "
                       f"of {cat.pcr.id}: too few for its percentile scale", "pcr_id")
    return asdict(g)


def _member(db: PlatformDB, study_id: int, user: Principal | None) -> Principal:
    """The caller, if a member of the study's organisation."""
    study = study_or_404(db, study_id)
    if user is None:
        raise unauthenticated()
    if not policy.can_benchmark_study(user, study["organisation_id"]):
        raise forbidden("a study's benchmark and scenarios are for its organisation's members")
    return user


@router.get("/studies/{study_id}/benchmark", response_model=dict[str, Any],
            summary="A study's grade, its category and its weak links (members only)")
def study_benchmark(study_id: StudyId, request: Request,
                    user: Annotated[Principal | None, Depends(current_user)]
                    ) -> dict[str, Any]:
    db = platform(request)
    _member(db, study_id, user)
    stored = latest_result(db, study_id)
    with workspace.with_result(db, study_id, stored) as (result, sf, _):
        try:
            return as_dict(assess_study(db.engine, sf.study, result))
        except BenchmarkError as exc:
            raise _benchmark_error(exc) from None


@router.post("/studies/{study_id}/scenarios", response_model=ScenarioOut,
             summary="Recalculate the study with reduction changes; stored only as a new study "
                     "when asked (members)")
def scenarios(study_id: StudyId, body: ScenarioIn, request: Request,
              user: Annotated[Principal | None, Depends(current_user)]) -> dict[str, Any]:
    db = platform(request)
    member = _member(db, study_id, user)
    try:
        return scenario_answer(db, study_id, body.changes,
                               save_as=(body.name or "", member.username) if body.save else None)
    except ScenarioError as exc:
        raise ApiError(422, "scenario", str(exc), exc.field) from None


def scenario_answer(db: PlatformDB, study_id: int, changes: list[Change],
                    save_as: tuple[str, str] | None = None) -> dict[str, Any]:
    """The study before and after the changes, with both grades where its PCR has a
    benchmark (also used by the web page). ``save_as`` (name, user) stores the changed study
    as a new study of the same organisation, with the same input files."""
    with (materialised(workspace.study_input(db, study_id)) as path,
          workspace.relative_problems(path.parent)):
        sf = open_study(path)
        outcome = run(sf, changes, find_pcr(sf.study))
        grades: list[Grade | None] = [None, None]
        # no PCR or no benchmark: the scenario still has its totals, without grades
        with suppress(BenchmarkError):
            grades = [assess_study(db.engine, sf.study, r).grade
                      for r in (outcome.base, outcome.result)]
    base = outcome.base
    new_id = None
    if save_as is not None:
        study = study_or_404(db, study_id)
        filename, _, files = db.study_content(study_id)
        name, by = save_as
        new_id = db.add_study(study["organisation_id"], name or f"{study['name']} (scenario)",
                              str(PurePosixPath(filename).with_suffix(".yaml")),
                              study_text(outcome.study).encode("utf-8"), files, by)
    return {
        "unit": base.unit, "base_total": base.total, "total": outcome.result.total,
        "delta": outcome.delta,
        "delta_percent": 100.0 * outcome.delta / base.total if base.total else None,
        "base_by_stage": base.by_stage, "by_stage": outcome.result.by_stage,
        "base_grade": _grade(grades[0]), "grade": _grade(grades[1]),
        "applied": list(outcome.applied), "saved": new_id is not None, "study_id": new_id,
    }
