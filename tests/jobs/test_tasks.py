"""Tasks and the in-process runner: same numbers as the CLI, chunked Monte Carlo, bad payloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tanzuji.accounting.calculate import calculate
from tanzuji.jobs import tasks
from tanzuji.jobs.runner import Runner
from tanzuji.jobs.tasks import StudyInput
from tanzuji.model.errors import StudyError

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.yaml"))


def without_clock(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    data["provenance"].pop("computed_at")
    return data


@pytest.fixture(scope="module")
def runner() -> Any:
    r = Runner()
    yield r
    r.close()


def test_footprint_equals_cli_calculation(example_payloads: list[dict[str, Any]],
                                          runner: Runner) -> None:
    steps: list[tuple[int, int]] = []
    out = runner.run("footprint", example_payloads[0], lambda d, t: steps.append((d, t)))
    direct = calculate(EXAMPLES[0]).model_dump_json()
    assert without_clock(out) == without_clock(direct)
    assert steps == [(0, 1), (1, 1)]


def test_one_chunk_is_the_cli_monte_carlo(example_payloads: list[dict[str, Any]],
                                          runner: Runner) -> None:
    out = json.loads(runner.run("monte_carlo", {**example_payloads[3], "iterations": 300,
                                                "seed": 11}))["uncertainty"]
    cli = calculate(EXAMPLES[3], iterations=300, seed=11).uncertainty
    assert cli is not None
    assert out == json.loads(cli.model_dump_json())


def test_chunks_are_independent_and_reproducible(example_payloads: list[dict[str, Any]],
                                                 runner: Runner) -> None:
    job = {**example_payloads[3], "iterations": 400, "seed": 5, "chunk": 150}
    steps: list[tuple[int, int]] = []
    first = json.loads(runner.run("monte_carlo", job, lambda d, t: steps.append((d, t))))
    again = json.loads(runner.run("monte_carlo", job))
    assert first["uncertainty"] == again["uncertainty"]
    assert steps == [(150, 400), (300, 400), (400, 400)]
    u = first["uncertainty"]
    assert u["iterations"] == 400 and u["method"].endswith("3 chunks of 150 draws")
    assert sum(u["histogram"]["counts"]) + u["histogram"]["below"] + u["histogram"]["above"] \
        == 400
    study = StudyInput(job["study"], job["files"])
    a = tasks.monte_carlo_chunk(study, 0, 150, 5)
    b = tasks.monte_carlo_chunk(study, 1, 150, 5)
    assert not np.array_equal(a.scores, b.scores)  # independent streams
    assert np.array_equal(b.scores, tasks.monte_carlo_chunk(study, 1, 150, 5).scores)
    assert u["p2_5"] < u["median"] < u["p97_5"]


def test_chunk_sizes_and_seeds() -> None:
    assert tasks.chunk_sizes(10, 4) == [4, 4, 2]
    assert tasks.chunk_sizes(10, None) == [10]
    assert tasks.chunk_seed(3, 0) == 3
    assert tasks.chunk_seed(3, 1) == tasks.chunk_seed(3, 1) != tasks.chunk_seed(3, 2)
    with pytest.raises(StudyError, match="at least 1"):
        tasks.chunk_sizes(0, 4)


def test_batch_keeps_going_past_a_bad_study(example_payloads: list[dict[str, Any]],
                                            runner: Runner) -> None:
    bad = {"study": "bad.yaml", "files": {"bad.yaml": "study: {id: x}\nprocesses: nope\n"}}
    steps: list[tuple[int, int]] = []
    out = json.loads(runner.run("batch", {"studies": [example_payloads[1], bad]},
                                lambda d, t: steps.append((d, t))))
    assert out[0]["study"] == example_payloads[1]["study"]
    assert out[0]["result"]["total"] == pytest.approx(calculate(EXAMPLES[1]).total, rel=0)
    assert out[1]["study"] == "bad.yaml"
    assert out[1]["problems"] and out[1]["problems"][0]["file"].endswith("bad.yaml")
    assert steps == [(1, 2), (2, 2)]


@pytest.mark.parametrize(("kind", "payload", "field"), [
    ("sleep", {}, "kind"),
    ("footprint", {"study": "a.yaml", "files": {}}, "files"),
    ("monte_carlo", {"study": "a.yaml", "files": {"a.yaml": ""}, "iterations": 0},
     "iterations"),
    ("batch", {"studies": []}, "studies"),
])
def test_bad_payload_names_the_field(kind: str, payload: dict[str, Any], field: str,
                                     runner: Runner) -> None:
    with pytest.raises(StudyError) as info:
        runner.submit(kind, payload)
    assert any((p.field or "").startswith(field) for p in info.value.problems), \
        info.value.problems


def test_file_names_cannot_escape_the_job_folder(runner: Runner) -> None:
    job = {"study": "../x.yaml", "files": {"../x.yaml": "study: {}"}}
    with pytest.raises(StudyError, match="relative"):
        runner.run("footprint", job)
