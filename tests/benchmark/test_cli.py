"""`tanzuji benchmark PCR_ID` and `tanzuji benchmark grade PCR_ID VALUE`."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from tanzuji.cli import app
from tanzuji.store.db import make_engine, upgrade
from tanzuji.store.factor_db import FactorDB
from tanzuji.store.seed import init_database

runner = CliRunner()


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database with the shipped factors for the module (the CLI only reads)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bench') / 'tanzuji.db'}"
    engine = make_engine(url)
    upgrade(engine)
    init_database(FactorDB(engine))
    engine.dispose()
    return url


@pytest.fixture
def database(seeded: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TANZUJI_DATABASE_URL", seeded)
    return seeded


def test_distribution_and_grade(database: str) -> None:
    shown = runner.invoke(app, ["benchmark", "steel-bf-bof", "--json"])
    assert shown.exit_code == 0, shown.output
    data = json.loads(shown.output)
    assert data["n"] == 5 and data["unit"] == "kg CO2e per t"
    assert data["scale"]["letters"] == ["A", "B", "C", "D", "E"]
    table = runner.invoke(app, ["benchmark", "steel-bf-bof"])
    assert table.exit_code == 0 and "cpcd:41121A0022021A" in table.output
    graded = runner.invoke(app, ["benchmark", "grade", "steel-bf-bof", "2000", "--json"])
    assert graded.exit_code == 0, graded.output
    assert json.loads(graded.output)["letter"] == "A"
    plain = runner.invoke(app, ["benchmark", "grade", "steel-bf-bof", "2400"])
    assert plain.exit_code == 0 and "grade E" in plain.output


@pytest.mark.parametrize(("args", "code", "text"), [
    (["benchmark", "cn-notebook-computer"], 2, "defines no benchmark"),
    (["benchmark", "grade", "steel-bf-bof", "lots"], 2, "not a number"),
    (["benchmark", "grade", "steel-bf-bof"], 2, "usage"),
    (["benchmark", "grade", "cement-en16908", "700"], 1, "too few"),
])
def test_errors_are_clear(database: str, args: list[str], code: int, text: str) -> None:
    answer = runner.invoke(app, args)
    assert answer.exit_code == code
    assert text in answer.output
