"""What a job is asked to do: the payload of each kind, validated before anything runs.

The server stores these payloads with the job and hands them to :func:`tanzuji.jobs.runner.submit`;
a bad one is a StudyError naming the field, raised when the job is submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from tanzuji.jobs.tasks import StudyInput
from tanzuji.model.errors import Problem, StudyError

Kind = Literal["footprint", "monte_carlo", "batch"]
KINDS: tuple[str, ...] = ("footprint", "monte_carlo", "batch")


class StudyPayload(BaseModel):
    """A study file and the files it reads; contents as text (UTF-8) or bytes."""

    model_config = ConfigDict(extra="forbid")

    study: str = Field(min_length=1, description="the study file's name among the files")
    files: dict[str, bytes] = Field(description="relative path → contents")

    @field_validator("files")
    @classmethod
    def _study_is_a_file(cls, files: dict[str, bytes], info: ValidationInfo) -> dict[str, bytes]:
        study = info.data.get("study")
        if study is not None and study not in files:
            raise ValueError(f"the study file {study!r} is not among the files")
        return files

    def input(self) -> StudyInput:
        return StudyInput(self.study, self.files)


class FootprintJob(StudyPayload):
    gwp: str | None = None
    sensitivity: bool = False
    releases: list[str] = Field(default_factory=list)


class MonteCarloJob(StudyPayload):
    iterations: int = Field(ge=1, le=10_000_000)
    seed: int = Field(0, ge=0, lt=2**63)
    chunk: int | None = Field(None, ge=1, description="draws per chunk (default: one chunk)")
    gwp: str | None = None


class BatchJob(BaseModel):
    model_config = ConfigDict(extra="forbid")

    studies: list[StudyPayload] = Field(min_length=1, max_length=10_000)
    gwp: str | None = None


Job = FootprintJob | MonteCarloJob | BatchJob
_MODELS: dict[str, type[BaseModel]] = {
    "footprint": FootprintJob, "monte_carlo": MonteCarloJob, "batch": BatchJob}


def parse_job(kind: str, payload: Mapping[str, Any]) -> Job:
    """The payload of a ``kind`` job, checked; a StudyError names every field at fault."""
    model = _MODELS.get(kind)
    if model is None:
        raise StudyError([Problem("job", f"unknown job kind {kind!r}; expected one of "
                                         f"{', '.join(KINDS)}", None, None, "kind")])
    try:
        job = model.model_validate(payload)
    except ValidationError as exc:
        raise StudyError([
            Problem("job", e["msg"], None, None,
                    ".".join(str(x) for x in e["loc"]) or "payload")
            for e in exc.errors()]) from None
    assert isinstance(job, FootprintJob | MonteCarloJob | BatchJob)
    return job
