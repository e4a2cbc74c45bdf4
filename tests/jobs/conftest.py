"""Study payloads built from the shipped examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tanzuji.jobs.tasks import StudyInput

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def payload(path: Path) -> dict[str, Any]:
    study = StudyInput.from_folder(path)
    return {"study": study.study, "files": dict(study.files)}


@pytest.fixture(scope="session")
def example_payloads() -> list[dict[str, Any]]:
    return [payload(p) for p in EXAMPLES]
