"""CSV factor files: round trip, dialect aliases, and a problem per malformed row."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanzuji.factors.formats import Parsed
from tanzuji.factors.formats.csvfile import read_csv, write_csv
from tanzuji.factors.record import FLAT_COLUMNS, FactorRecord, Provenance, Quality, Spread


def full_record() -> FactorRecord:
    """Every field of a FactorRecord set, with Chinese text, dates and awkward floats."""
    return FactorRecord(
        id="cpcd:41233:2019-a", name_en="Hot-rolled steel coil, \"BF-BOF\", 1,000 mm",
        name_zh="热轧钢卷（高炉-转炉）", unit="t", declared_unit="1 t of hot-rolled coil",
        value=2100.123456789012, gwp="AR5", gases={"CO2": 2000.5, "CH4": 0.1 + 0.2,
                                                   "N2O": 1e-05, "HFC134a": 3.3e-9},
        origin="fossil", biogenic_carbon=0.25, kind="carbon_footprint_factor",
        boundary="摇篮到大门 cradle-to-gate", geography="CN-JS", geography_level="province",
        year=2019, valid_from=dt.date(2020, 1, 1), valid_until=dt.date(2024, 12, 31),
        technology="BF-BOF\nwith line break", cpc="41233", hs="7208", cn_stat_code="0123",
        uncertainty=Spread(distribution="lognormal", gsd=1.3498588075760032, min=1800.0,
                           mode=2100.0, max=2500.0),
        method="GB/T 24067-2024", pcr="PCR 2019:14",
        dqr=Quality(reliability=1, completeness=2, temporal=3, geographical=4,
                    technological=5),
        provenance=Provenance(
            source="中国产品全生命周期温室气体排放系数库 (CPCD), 2022", publisher="生态环境部",
            document="CPCD 2022", announcement="2024年第33号", table="表 3, p. 12",
            url="https://example.org/cpcd?id=1&x=2", sample_size=12, developer="Team X",
            published=dt.date(2022, 6, 30)),
        licence="CC-BY-4.0", supersedes="cpcd:41233:2018", comment="# not a comment; =1+1",
    )


def other_records() -> list[FactorRecord]:
    """A few plainer records: gases only, normal and triangular spreads, nothing optional."""
    return [
        FactorRecord(id="grid:cn", name_en="Electricity, grid", unit="kWh",
                     gases={"CO2": 0.5703}, kind="co2_emission_factor",
                     uncertainty=Spread(distribution="normal", sd=0.05)),
        FactorRecord(id="road", name_en="Road freight", unit="tkm", value=0.1,
                     uncertainty=Spread(distribution="triangular", min=0.05, mode=0.1,
                                        max=0.2)),
        FactorRecord(id="wood", name_en="Wood", unit="kg", value=-1.5, origin="biogenic",
                     gases={"SF6": 0.0}),
    ]


def _read(tmp_path: Path, text: str, encoding: str = "utf-8") -> Parsed:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding=encoding)
    return read_csv(path)


def _where(parsed: Parsed) -> set[tuple[object, object]]:
    return {(p.row, p.field) for p in parsed.problems}


def test_round_trip_every_field(tmp_path: Path) -> None:
    records = [full_record(), *other_records()]
    path = tmp_path / "out.csv"
    write_csv(path, records)
    parsed = read_csv(path)
    assert parsed.problems == []
    assert parsed.factors == records
    assert parsed.factor_rows == [2, 4, 5, 6]  # the line break in 'technology' takes a line
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header == [*FLAT_COLUMNS, "CO2", "CH4", "N2O", "HFC134a", "SF6"]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel shows 中文


def test_round_trip_without_gases(tmp_path: Path) -> None:
    records = [FactorRecord(id="a", name_en="A", unit="kg", value=1.0)]
    write_csv(tmp_path / "a.csv", records)
    assert read_csv(tmp_path / "a.csv").factors == records
    write_csv(tmp_path / "empty.csv", [])
    assert read_csv(tmp_path / "empty.csv") == Parsed()


def test_study_dialect_aliases(tmp_path: Path) -> None:
    parsed = _read(tmp_path, "\ufeff# comment\nid,name,unit,co2e,sigma,data,value_unit,gwp\n"
                   "a,Cement,公吨,0.85,0.2,x,tCO2e,ar6\n"
                   "b,Lime,,41.2 tCO2e/公吨,,,,\n"
                   "c,Lime,kg,41.2 tCO2e/公吨,0,,,\n"
                   "d,Gas,Nm3,2.1,,,gCO2e/L,\n", encoding="utf-8")
    assert parsed.problems == []
    a, b, c, d = parsed.factors
    assert (a.name_en, a.unit, a.value, a.gwp) == ("Cement", "t", 850.0, "AR6")
    assert a.uncertainty is not None and a.uncertainty.distribution == "lognormal"
    assert a.uncertainty.gsd == pytest.approx(math.exp(0.2))
    assert (b.unit, b.value) == ("t", pytest.approx(41200.0))
    assert (c.unit, c.value, c.uncertainty) == ("kg", pytest.approx(41.2), None)
    # 2.1 g per litre = 2.1 kg per m3 (the unit column wins, the value is rescaled)
    assert (d.unit, d.value) == ("Nm3", pytest.approx(2.1))
    assert parsed.factor_rows == [3, 4, 5, 6]


def test_comment_lines_keep_file_line_numbers(tmp_path: Path) -> None:
    parsed = _read(tmp_path, "# one\n#two\nid,name_en,unit,value\n# three\n\n"
                   "a,A,kg,1\n  # indented comment\nb,B,kg,x\n")
    assert [f.id for f in parsed.factors] == ["a"]
    assert parsed.factor_rows == [6]
    assert _where(parsed) == {(8, "value")}
    assert "value must be a number, not 'x'" in str(parsed.problems[0])


MALFORMED = (
    "id,name_en,unit,value,CO2,dqr_reliability,published\n"
    "ok,Steel,kg,2.0,,,\n"                              # 2
    "badunit,Steel,furlongs_x,2.0,,,\n"                 # 3 bad unit
    'badnum,Steel,kg,"2,0",,,\n'                         # 4 bad number
    ",Steel,kg,2.0,,,\n"                                # 5 missing id
    "ok,Steel again,kg,3.0,,,\n"                        # 6 duplicate id
    "gas,Gas,kg,,abc,,\n"                               # 7 bad gas number
    "dqr,Steel,kg,1.0,,7,\n"                            # 8 dqr out of range (and alone)
    "date,Steel,kg,1.0,,,2024-13-01\n"                  # 9 bad date
    "withunit,Steel,kg,12.3 kgCO2e/kWh,,,\n"            # 10 value per kWh, unit kg
    "zh,钢,公吨,2.0,,,\n"                                # 11 Chinese unit: fine
    "novalue,Steel,kg,,,,\n"                            # 12 neither value nor gas
    "bad id,Steel,kg,1,,,\n"                            # 13 blank in id
    "nounit,Steel,,1,,,\n"                              # 14 no unit at all
    "extra,Steel,kg,2,0,,,1\n"                          # 15 one cell too many
    "trailing,Steel,kg,2,,,,\n"                         # 16 a blank extra cell is fine
)


def test_each_malformed_row_names_line_and_field(tmp_path: Path) -> None:
    parsed = _read(tmp_path, MALFORMED)
    assert [f.id for f in parsed.factors] == ["ok", "zh", "trailing"]
    assert parsed.factors[1].unit == "t"
    problems = {(p.row, p.field): p.reason for p in parsed.problems}
    assert set(problems) == {(3, "unit"), (4, "value"), (5, "id"), (6, "id"), (7, "CO2"),
                             (8, "dqr_completeness"), (9, "published"), (10, "value"),
                             (12, "value"), (13, "id"), (14, "unit"), (15, None)}
    assert problems[(4, "value")] == "value must be a number, not '2,0'"
    assert "has no column name" in problems[(15, None)]
    assert "unknown unit 'furlongs_x'" in problems[(3, "unit")]
    assert problems[(5, "id")] == "empty id"
    assert problems[(6, "id")] == "duplicate id 'ok': line 2 and line 6"
    assert problems[(7, "CO2")] == "CO2 must be a number, not 'abc'"
    assert "all five" in problems[(8, "dqr_completeness")]
    assert "must be a date" in problems[(9, "published")]
    assert "per kWh but unit is kg" in problems[(10, "value")]
    assert "give a value" in problems[(12, "value")]
    assert "no unit" in problems[(14, "unit")]
    assert all(p.file == str(tmp_path / "f.csv") for p in parsed.problems)
    rows = [p.row for p in parsed.problems]
    assert rows == sorted(rows, key=lambda r: (r if isinstance(r, int) else 0))


def test_unknown_and_repeated_columns_are_header_problems(tmp_path: Path) -> None:
    parsed = _read(tmp_path, "# c\nid,name,unit,value,colour,name_en,HFC-134a\n"
                   "a,A,kg,1,red,A,0.1\n")
    assert _where(parsed) == {(2, "colour"), (2, "name_en")}
    assert "unknown column 'colour'" in parsed.problems[0].reason
    assert "repeats column 'name'" in parsed.problems[1].reason
    assert [f.gases for f in parsed.factors] == [{"HFC134a": 0.1}]  # rows are still read


def test_missing_required_column_stops_reading(tmp_path: Path) -> None:
    parsed = _read(tmp_path, "name_en,unit,value\nA,kg,1\n")
    assert _where(parsed) == {(1, "id")} and parsed.factors == []
    assert "missing column 'id'" in parsed.problems[0].reason


def test_spread_cells(tmp_path: Path) -> None:
    parsed = _read(tmp_path, "id,name_en,unit,value,gsd,sigma,sd,min,max,distribution\n"
                   "a,A,kg,1,0.5,,,,,\n"          # 2 gsd < 1
                   "b,A,kg,1,,-0.1,,,,\n"         # 3 negative sigma
                   "c,A,kg,1,1.5,0.9,,,,\n"       # 4 gsd and sigma disagree
                   "d,A,kg,1,,,,0.5,2,\n"         # 5 min/max without distribution
                   "e,A,kg,1,,,,,,gamma\n"        # 6 unknown distribution
                   "f,A,kg,1,,,,,,uniform\n"      # 7 uniform without min/max
                   "g,A,kg,1,1,,,,,\n"            # gsd 1: certain
                   "h,A,kg,1,,,0.2,,,\n")         # sd alone: normal
    assert _where(parsed) == {(2, "gsd"), (3, "sigma"), (4, "sigma"), (5, "distribution"),
                              (6, "distribution"), (7, "distribution")}
    g, h = parsed.factors
    assert g.uncertainty is None
    assert h.uncertainty == Spread(distribution="normal", sd=0.2)


def test_unreadable_files(tmp_path: Path) -> None:
    missing = read_csv(tmp_path / "absent.csv")
    assert "cannot read" in missing.problems[0].reason
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"id,name_en,unit,value\na,caf\xe9,kg,1\n")
    latin = read_csv(path)
    assert (latin.problems[0].row, latin.factors) == (2, [])
    assert "UTF-8" in latin.problems[0].reason
    empty = _read(tmp_path, "# only a comment\n")
    assert "empty" in empty.problems[0].reason


def test_unclosed_quote_is_reported(tmp_path: Path) -> None:
    parsed = _read(tmp_path, 'id,name_en,unit,value\na,A,kg,1\nb,"B,kg,1\n')
    assert [f.id for f in parsed.factors] == ["a"]
    assert [p.row for p in parsed.problems] == [3]


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                min_size=1, max_size=30).map(str.strip).filter(bool)
_FLOAT = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(name=_TEXT, comment=st.none() | _TEXT, value=_FLOAT, co2=st.none() | _FLOAT,
       unit=st.sampled_from(["kg", "t", "kWh", "tkm", "m**3", "piece", "MJ"]),
       year=st.none() | st.integers(1900, 2100))
def test_round_trip_property(tmp_path_factory: pytest.TempPathFactory, name: str,
                             comment: str | None, value: float, co2: float | None, unit: str,
                             year: int | None) -> None:
    """Any text (commas, quotes, line breaks, '#', 中文), any finite float survives."""
    record = FactorRecord(id="x:1", name_en=name, name_zh=name, comment=comment, unit=unit,
                          value=value, gases={} if co2 is None else {"CO2": co2}, year=year)
    path = tmp_path_factory.mktemp("rt") / "x.csv"
    write_csv(path, [record, record.model_copy(update={"id": "x:2"})])
    parsed = read_csv(path)
    assert parsed.problems == []
    assert parsed.factors == [record, record.model_copy(update={"id": "x:2"})]


def test_study_factor_tables_use_the_same_dialect(tmp_path: Path) -> None:
    """read_factor_table goes through the flat parser: the same aliases, the same problems."""
    from tanzuji.model.errors import StudyError
    from tanzuji.model.factors import read_factor_table
    from tanzuji.model.study import Origin

    path = tmp_path / "study.csv"
    path.write_text("id,unit,co2e,sigma,source,CH4,origin\n"
                    "clinker,公吨,0.85 tCO2e/t,0.3,CPCD 2022,,\n"
                    "bio,kg,,,,0.01,biogenic\n", encoding="utf-8")
    table = read_factor_table(path)
    clinker, bio = table["clinker"], table["bio"]
    assert (clinker.name, clinker.unit, clinker.co2e, clinker.source) == (
        "clinker", "t", pytest.approx(850.0), "CPCD 2022")
    assert clinker.sigma == pytest.approx(0.3)
    assert (clinker.file, clinker.line) == (str(path), 2)
    assert (bio.gases, bio.origin, bio.co2e, bio.sigma) == ({"CH4": 0.01}, Origin.biogenic,
                                                             None, 0.0)
    path.write_text("id,unit,co2e\na,kg,1\na,kg,2\nb,kg,1 kgCO2e/kWh\n", encoding="utf-8")
    with pytest.raises(StudyError) as err:
        read_factor_table(path)
    assert [(p.code, p.line, p.field) for p in err.value.problems] == [
        ("factor-table", 3, "id"), ("factor-table", 4, "co2e")]
    assert "line 2 and line 3" in err.value.problems[0].message
