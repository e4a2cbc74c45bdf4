"""Unit processes of a pinned release solved as the study's background technosphere.

The release ``loop@1`` holds three processes with a loop (steel needs power, power needs
steel) and one factor (coal), imported from an openLCA JSON-LD zip written by our writer.
Per unit of reference product, with A = diag(output) - inputs:

* steel (kg, output 1):   0.5 kWh power; 2 kg CO2 fossil, 0.01 kg CH4 biogenic
* power (kWh, output 2):  100 g steel (= 0.1 kg), 0.2 kg coal (factor, 2.5 kg CO2 fossil/kg);
                          1 kg CO2 fossil
* bracket (piece, out 1): 3 kg steel; removal of 0.5 kg CO2 biogenic

For one bracket: s_bracket = 1, s_steel = 3 + 0.1 s_power, 2 s_power = 0.5 s_steel, so
s_power = s_steel / 4 and s_steel = 3 / 0.975.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tanzuji.accounting.calculate import calculate
from tanzuji.cli import app
from tanzuji.factors.formats.jsonld import write_jsonld
from tanzuji.factors.record import ExchangeRecord, FactorRecord, ProcessRecord
from tanzuji.model.errors import StudyError
from tanzuji.store.factor_db import FactorDB
from tests.conftest import study_dict

CH4_NONFOSSIL = {"AR6": 27.0, "AR5": 28.0}
S_STEEL = 3 / 0.975
S_POWER = S_STEEL / 4


def bracket_footprint(gwp: str = "AR6") -> float:
    """kg CO2e of one bracket: (I - A)^-1 solved by hand above, times the direct burdens."""
    steel = 2.0 + 0.01 * CH4_NONFOSSIL[gwp]  # per kg steel (output 1)
    power = 1.0 + 0.2 * 2.5  # per process run, which makes 2 kWh: s_power counts runs
    return S_STEEL * steel + S_POWER * power - 0.5


def _ex(direction: str, name: str, amount: float, unit: str, **kw: Any) -> ExchangeRecord:
    return ExchangeRecord.model_validate({"direction": direction, "name": name,
                                          "amount": amount, "unit": unit, **kw})


def processes(power_steel: str = "steel", bracket_name: str = "steel bracket"
              ) -> list[ProcessRecord]:
    steel = ProcessRecord(id="steel", name_en="steel making", reference_product="steel",
                          unit="kg", exchanges=[
                              _ex("output", "steel", 1, "kg"),
                              _ex("input", "power", 0.5, "kWh", process="power"),
                              _ex("emission", "CO2", 2, "kg", gas="CO2"),
                              _ex("emission", "methane", 10, "g", gas="CH4",
                                  origin="biogenic"),
                          ])
    power = ProcessRecord(id="power", name_en="power plant", reference_product="power",
                          unit="kWh", exchanges=[
                              _ex("output", "power", 2, "kWh"),
                              _ex("input", "steel", 100, "g", process=power_steel),
                              _ex("input", "coal", 0.2, "kg", factor="coal"),
                              _ex("emission", "CO2", 1, "kg", gas="CO2"),
                          ])
    bracket = ProcessRecord(id="bracket", name_en=bracket_name, reference_product="bracket",
                            unit="piece", exchanges=[
                                _ex("output", "bracket", 1, "piece"),
                                _ex("input", "steel", 3, "kg", process="steel"),
                                _ex("removal", "CO2 uptake", 0.5, "kg", gas="CO2",
                                    origin="biogenic"),
                            ])
    return [steel, power, bracket]


COAL = FactorRecord(id="coal", name_en="hard coal", unit="kg", gases={"CO2": 2.5})


def publish(db: FactorDB, tmp_path: Path, procs: list[ProcessRecord],
            dataset: str = "loop") -> None:
    path = tmp_path / f"{dataset}.zip"
    write_jsonld(path, [COAL] if dataset == "loop" else [], procs)
    db.create_dataset(dataset, f"{dataset} processes", "alice")
    db.import_file(path, dataset, "alice")
    db.submit(dataset, "alice")
    db.review(dataset, "bob", "approve")
    db.publish(dataset, "carol")


def study(tmp_path: Path, links: list[dict[str, Any]], releases: list[str] | None = None,
          gwp: str = "AR6") -> Path:
    doc = study_dict([{"id": "make", "name": "make", "stage": "production",
                       "reference_product": {"name": "widget", "unit": "kg"},
                       "inputs": links}], gwp=gwp)
    doc["background"] = {"releases": releases or ["loop@1"]}
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    """1-based line of the study file that holds ``text``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def problems(path: Path) -> list[tuple[str | None, int | None, str | None, str]]:
    with pytest.raises(StudyError) as info:
        calculate(path)
    return [(p.file, p.line, p.field, p.message) for p in info.value.problems]


def test_a_release_loop_solves_like_the_hand_computed_inverse(db: FactorDB,
                                                              tmp_path: Path) -> None:
    publish(db, tmp_path, processes())
    path = study(tmp_path, [{"activity": "loop:bracket", "amount": 2, "unit": "piece"},
                            {"activity": "loop:steel making", "amount": 500, "unit": "g"}])
    r = calculate(path)
    one_steel = (2.27 + 1.5 / 4) / 0.975  # one kg: s_steel = 1 / 0.975, s_power = s_steel / 4
    assert r.total == pytest.approx(2 * bracket_footprint() + 0.5 * one_steel, rel=1e-12)
    assert r.biogenic_removals == pytest.approx(-2 * 0.5, rel=1e-12)
    assert r.by_gas["CH4_nonfossil"] == pytest.approx(
        (2 * S_STEEL + 0.5 / 0.975) * 0.01 * 27.0, rel=1e-12)
    assert r.provenance.releases == ["loop@1"]
    assert r.provenance.databases == [{"id": "loop", "release": "loop@1", "activities": 3}]
    names = {child.name for child in r.tree.children[0].children}
    assert {"steel bracket", "steel making"} <= names


def test_the_study_gwp_set_characterises_release_gases(db: FactorDB, tmp_path: Path) -> None:
    publish(db, tmp_path, processes())
    path = study(tmp_path, [{"activity": "loop:bracket", "amount": 1, "unit": "piece"}],
                 gwp="AR5")
    assert calculate(path).total == pytest.approx(bracket_footprint("AR5"), rel=1e-12)
    assert calculate(path, gwp="AR6").total == pytest.approx(bracket_footprint("AR6"),
                                                             rel=1e-12)


def test_unknown_and_ambiguous_processes_name_the_input(db: FactorDB, tmp_path: Path) -> None:
    publish(db, tmp_path, processes(bracket_name="steel making"))
    path = study(tmp_path, [{"activity": "loop:brackett", "amount": 1, "unit": "piece"},
                            {"activity": "loop:steel making", "amount": 1, "unit": "kg"},
                            {"activity": "nowhere:steel", "amount": 1, "unit": "kg"}])
    found = problems(path)
    assert [(f, line, field) for f, line, field, _ in found] == [
        (str(path), line_of(path, "loop:brackett"), "processes[0].inputs[0].activity"),
        (str(path), line_of(path, "loop:steel making"), "processes[0].inputs[1].activity"),
        (str(path), line_of(path, "nowhere:steel"), "processes[0].inputs[2].activity"),
    ]
    assert "release loop@1 has no process with id or name 'brackett'" in found[0][3]
    assert "did you mean 'bracket'" in found[0][3]
    assert "2 activities named 'steel making' (loop:bracket, loop:steel)" in found[1][3]
    assert "background.releases (loop)" in found[2][3]


def test_a_provider_missing_from_the_release_names_process_and_exchange(
        db: FactorDB, tmp_path: Path) -> None:
    publish(db, tmp_path, processes(power_steel="rolled-steel"))
    path = study(tmp_path, [{"activity": "loop:bracket", "amount": 1, "unit": "piece"}])
    [(file, line, field, message)] = problems(path)
    assert (file, line, field) == (str(path), line_of(path, "- loop@1"),
                                   "background.releases[0]")
    assert message == ("release loop@1: process 'power' (power plant), exchanges[1] input "
                       "'steel': links to process 'rolled-steel', which the release does not "
                       "contain")


def test_a_release_without_processes_cannot_be_linked(db: FactorDB, tmp_path: Path) -> None:
    db.create_dataset("plain", "factors only", "alice")
    csv = tmp_path / "plain.csv"
    csv.write_text("id,name_en,unit,value\ncoal,hard coal,kg,2.5\n", encoding="utf-8")
    db.import_file(csv, "plain", "alice")
    db.submit("plain", "alice")
    db.review("plain", "bob", "approve")
    db.publish("plain", "carol")
    path = study(tmp_path, [{"activity": "plain:coal", "amount": 1, "unit": "kg"}],
                 releases=["plain@1"])
    [(_, _, field, message)] = problems(path)
    assert field == "processes[0].inputs[0].activity"
    assert "release plain@1 holds no unit processes (link its factors with 'factor:')" in message


def test_calc_through_the_cli(db_url: str, db: FactorDB, tmp_path: Path) -> None:
    publish(db, tmp_path, processes())
    path = study(tmp_path, [{"activity": "loop:bracket", "amount": 1, "unit": "piece"}])
    res = CliRunner().invoke(app, ["calc", str(path), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["total"] == pytest.approx(bracket_footprint(), rel=1e-12)
    assert out["provenance"]["releases"] == ["loop@1"]
    assert out["provenance"]["databases"][0]["release"] == "loop@1"
    bad = study(tmp_path, [{"activity": "loop:nothing", "amount": 1, "unit": "piece"}])
    res = CliRunner().invoke(app, ["calc", str(bad)])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "no process with id or name 'nothing'" in res.output


def test_another_release_swaps_the_processes_and_monte_carlo_keeps_them_certain(
        db: FactorDB, tmp_path: Path) -> None:
    publish(db, tmp_path, processes())
    zip2 = tmp_path / "loop2.zip"
    changed = processes()
    steel = changed[0].model_copy(update={"exchanges": [
        *changed[0].exchanges[:2], _ex("emission", "CO2", 3, "kg", gas="CO2"),
        *changed[0].exchanges[3:]]})
    write_jsonld(zip2, [COAL], [steel, *changed[1:]])
    db.import_file(zip2, "loop", "alice")
    db.submit("loop", "alice")
    db.review("loop", "bob", "approve")
    db.publish("loop", "carol")
    path = study(tmp_path, [{"activity": "loop:bracket", "amount": 1, "unit": "piece"}])
    swapped = calculate(path, releases=["loop@2"])
    assert swapped.total == pytest.approx(bracket_footprint() + S_STEEL, rel=1e-12)
    assert swapped.provenance.releases == ["loop@2"]
    assert swapped.provenance.databases[0]["release"] == "loop@2"
    mc = calculate(path, iterations=200, seed=1)
    assert mc.uncertainty is not None
    assert mc.uncertainty.mean == pytest.approx(bracket_footprint(), rel=1e-9)
