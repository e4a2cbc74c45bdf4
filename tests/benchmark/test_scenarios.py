"""Reduction scenarios on the cement example: recalculated in memory, the file untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import TypeAdapter

from tanzuji.accounting.calculate import StudyFile, open_study
from tanzuji.benchmark.scenarios import Change, ScenarioError, apply, run
from tanzuji.rules.library import find_pcr, get_pcr

EXAMPLE = Path(__file__).parents[2] / "examples" / "portland-cement.yaml"
CHANGES = TypeAdapter(list[Change])


@pytest.fixture(scope="module")
def cement() -> StudyFile:
    return open_study(EXAMPLE)


def changes(*items: dict[str, object]) -> list[Change]:
    return CHANGES.validate_python(list(items))


def test_green_electricity_switches_the_factor_and_lowers_the_total(cement: StudyFile) -> None:
    before = EXAMPLE.read_bytes()
    out = run(cement, changes({"kind": "green_electricity", "instrument": "GEC",
                               "source": "wind", "share": 0.5}), find_pcr(cement.study))
    assert out.result.total < out.base.total
    assert out.delta == pytest.approx(out.result.total - out.base.total)
    assert "cn-elec-cf:" in out.applied[0] and "GEC" in out.applied[0]
    labels = [c.label for c in out.result.contributions]
    assert any("(GEC, wind)" in label for label in labels)
    assert EXAMPLE.read_bytes() == before  # nothing written


def test_transport_scale_and_recycled_content(cement: StudyFile) -> None:
    pcr = find_pcr(cement.study)
    rail = run(cement, changes({"kind": "transport_mode", "from_mode": "road",
                                "to_mode": "rail"}), pcr)
    assert rail.delta < 0 and "road → rail" in rail.applied[0]
    half = run(cement, changes({"kind": "scale", "input": "electricity", "factor": 0.5}), pcr)
    assert half.delta < 0
    none = run(cement, changes({"kind": "scale", "input": "electricity", "factor": 1.0}), pcr)
    assert none.delta == pytest.approx(0, abs=1e-9)
    study, notes = apply(cement.study, changes({
        "kind": "recycled_content", "input": "electricity", "share": 0.25,
        "factor": "electricity:hydro"}), pcr)
    assert "25% recycled" in notes[0]
    assert len(study.processes[0].inputs) >= len(cement.study.processes[0].inputs)


def test_changes_that_cannot_apply_name_their_place(cement: StudyFile) -> None:
    with pytest.raises(ScenarioError) as exc:
        apply(cement.study, changes({"kind": "scale", "input": "unobtainium", "factor": 2}),
              None)
    assert exc.value.field == "changes[0]"
    with pytest.raises(ScenarioError, match="no air transport"):
        apply(cement.study, changes({"kind": "transport_mode", "from_mode": "air",
                                     "to_mode": "sea"}), None)
    no_instruments = get_pcr("cement-en16908").model_copy(deep=True)
    no_instruments.electricity.contractual_instruments = False
    with pytest.raises(ScenarioError, match="ELEC"):
        apply(cement.study, changes({"kind": "green_electricity",
                                     "instrument": "green_power_contract"}), no_instruments)
