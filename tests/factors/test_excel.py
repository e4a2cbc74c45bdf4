"""Excel workbooks: the template, round trips, and problems that name the sheet cell."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]

from tanzuji.factors.formats import Parsed
from tanzuji.factors.formats.excel import (
    INSTRUCTIONS,
    SHEET,
    read_excel,
    write_excel,
    write_template,
)
from tanzuji.factors.record import FLAT_COLUMNS, FactorRecord
from tests.factors.test_csvfile import full_record, other_records


def _book(tmp_path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    for row in rows:
        sheet.append(row)
    path = tmp_path / "in.xlsx"
    book.save(path)
    return path


def test_template_layout_and_it_reads_empty(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template(path)
    book = load_workbook(path)
    assert book.sheetnames == [SHEET, INSTRUCTIONS]
    sheet = book[SHEET]
    header = [c.value for c in sheet[1]]
    assert header == [*FLAT_COLUMNS, "CO2", "CH4", "N2O"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "B2"
    example = sheet.cell(row=2, column=1)
    assert str(example.value).startswith("example:")
    assert example.font.i and example.font.color.rgb.endswith("808080")
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    letters = {name: sheet.cell(row=1, column=i + 1).column_letter
               for i, name in enumerate(header)}
    for name in ("kind", "origin", "geography_level", "distribution", "gwp"):
        assert f"{letters[name]}2" in lists, name
    assert "co2_emission_factor" in lists[f"{letters['kind']}2"]
    assert "AR6" in lists[f"{letters['gwp']}2"]
    text = "\n".join(str(c.value) for row in book[INSTRUCTIONS].iter_rows() for c in row
                     if c.value is not None)
    for column in header:
        assert column in text
    for phrase in ("kg CO2e per ONE unit", "千克二氧化碳当量", "licence", "许可", "引用来源",
                   "Citing sources"):
        assert phrase in text
    assert read_excel(path) == Parsed()  # the example row is skipped


def test_round_trip_every_field(tmp_path: Path) -> None:
    records = [full_record(), *other_records()]
    path = tmp_path / "out.xlsx"
    write_excel(path, records)
    parsed = read_excel(path)
    assert parsed.problems == []
    assert parsed.factors == records
    assert parsed.factor_rows == ["factors!2", "factors!3", "factors!4", "factors!5"]
    sheet = load_workbook(path)[SHEET]
    # cpc '0123' stays text; the date is a real date; the comment is text, not a formula
    header = [c.value for c in sheet[1]]
    row = {name: sheet.cell(row=2, column=i + 1) for i, name in enumerate(header)}
    assert row["cn_stat_code"].value == "0123"
    assert isinstance(row["valid_from"].value, dt.datetime)
    assert row["comment"].data_type == "s"


def test_excel_dialect_aliases_and_native_cells(tmp_path: Path) -> None:
    path = _book(tmp_path, [
        ["id", "name", "unit", "co2e", "year", "published", "value_unit", "CH4"],
        ["a", "水泥", "公吨", 0.85, 2021.0, dt.datetime(2022, 6, 30), "tCO2e", None],
        ["b", "Lime", None, "41.2 tCO2e/公吨", 2021, None, None, 0.5],
        [None, None, None, None, None, None, None, None],
    ])
    parsed = read_excel(path)
    assert parsed.problems == []
    a, b = parsed.factors
    assert (a.name_en, a.unit, a.value, a.year) == ("水泥", "t", 850.0, 2021)
    assert a.provenance.published == dt.date(2022, 6, 30)
    assert (b.unit, b.value, b.gases) == ("t", 41200.0, {"CH4": 0.5})


def test_problems_name_sheet_row_and_column(tmp_path: Path) -> None:
    path = _book(tmp_path, [
        ["id", "name_en", "unit", "value", "colour"],
        ["ok", "Steel", "kg", 2.0, None],
        ["bad", "Steel", "kilofoo", 2.0, None],   # row 3, column C
        ["num", "Steel", "kg", "two", None],      # row 4, column D
        [None, "Steel", "kg", 1.0, None],         # row 5, column A
        ["ok", "Steel", "kg", 1.0, None],         # row 6: duplicate
        ["zh", "钢", "千克", "2 kgCO2e/千克", None],  # Chinese units: fine
    ])
    parsed = read_excel(path)
    found = {(p.row, p.field) for p in parsed.problems}
    assert found == {("factors!E1", "colour"), ("factors!C3", "unit"),
                     ("factors!D4", "value"), ("factors!A5", "id"), ("factors!A6", "id")}
    dup = next(p for p in parsed.problems if p.row == "factors!A6")
    assert dup.reason == "duplicate id 'ok': row 2 and row 6"
    assert all(p.file == str(path) for p in parsed.problems)
    assert [(f.id, f.unit, f.value) for f in parsed.factors] == [("ok", "kg", 2.0),
                                                                 ("zh", "kg", 2.0)]


def test_unreadable_workbooks(tmp_path: Path) -> None:
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook", encoding="utf-8")
    assert "cannot read as .xlsx" in read_excel(junk).problems[0].reason
    book = Workbook()
    book.active.title = "other"
    book.save(tmp_path / "nosheet.xlsx")
    assert "no sheet named 'factors'" in read_excel(tmp_path / "nosheet.xlsx").problems[0].reason


def test_export_of_nothing(tmp_path: Path) -> None:
    write_excel(tmp_path / "e.xlsx", [])
    assert read_excel(tmp_path / "e.xlsx") == Parsed()
    records = [FactorRecord(id="x", name_en="X", unit="kWh", value=1e-05)]
    write_excel(tmp_path / "x.xlsx", records)
    assert read_excel(tmp_path / "x.xlsx").factors == records
