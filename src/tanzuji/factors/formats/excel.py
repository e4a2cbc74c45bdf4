"""Excel (.xlsx) factor workbooks: a fill-in template, import and export (openpyxl).

Suppliers and consultants collect factors in Excel, so the template carries its own
bilingual instructions and drop-down lists; the ``factors`` sheet is read with exactly the
CSV rules (:mod:`.flat`). Problems name the sheet cell (``factors!F12``) and the column.
Rows whose id starts with ``example:`` are the template's example and are skipped.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]

from tanzuji.factors.formats import Parsed, RowProblem
from tanzuji.factors.formats.flat import EXAMPLE_PREFIX, Cell, cell_text, flat_table, parse_rows
from tanzuji.factors.record import FLAT_COLUMNS, FactorRecord
from tanzuji.gwp import GWP_SETS

SHEET = "factors"
INSTRUCTIONS = "instructions"
TEMPLATE_GASES = ("CO2", "CH4", "N2O")
_LAST_ROW = 5000  # how far down the drop-down lists reach
_CHOICES = {
    "kind": ("carbon_footprint_factor", "co2_emission_factor"),
    "origin": ("fossil", "biogenic", "dluc", "aircraft"),
    "geography_level": ("global", "country", "region", "grid_region", "province", "city",
                        "site"),
    "distribution": ("lognormal", "normal", "triangular", "uniform"),
    "gwp": GWP_SETS,
}
_NUMERIC = {"value", "biogenic_carbon", "year", "gsd", "sd", "min", "mode", "max",
            "dqr_reliability", "dqr_completeness", "dqr_temporal", "dqr_geographical",
            "dqr_technological", "sample_size", *TEMPLATE_GASES}
_DATES = {"valid_from", "valid_until", "published"}

# column -> (中文说明, English meaning, required, unit / format)
_HELP: dict[str, tuple[str, str, str, str]] = {
    "id": ("唯一标识，字母或数字开头，可含 _ . : - / +", "unique identifier; starts with a "
           "letter or digit, may contain _ . : - / +", "必填 required", "e.g. cpcd:41233:2019"),
    "name_en": ("英文名称", "name in English", "必填 required", ""),
    "name_zh": ("中文名称", "name in Chinese", "可选 optional", ""),
    "unit": ("数值所对应的一个单位（千克、吨、千瓦时、吨公里……）", "the value is per ONE of this "
             "unit (kg, t, kWh, tkm, MJ, m3, piece …)", "必填 required",
             "pint syntax; 千克/公吨/千瓦时 accepted"),
    "declared_unit": ("声明单位的描述", "declared unit as published", "可选 optional",
                      "e.g. 1 t of hot-rolled coil"),
    "value": ("每一个 unit 的碳足迹，千克二氧化碳当量", "kg CO2e per ONE unit, as published",
              "value 或气体列二选一 value or a gas column", "kg CO2e / unit; '41.2 tCO2e/t' "
              "also accepted"),
    "gwp": ("发布者使用的 GWP 版本", "GWP set the publisher used", "可选 optional",
            "AR6 / AR5 / AR4"),
    "origin": ("排放来源类别", "emission category", "可选 optional (fossil)",
               "fossil / biogenic / dluc / aircraft"),
    "biogenic_carbon": ("生物碳含量", "biogenic carbon content", "可选 optional",
                        "kg C per unit"),
    "kind": ("因子类型：产品碳足迹因子或 CO2 排放因子", "carbon-footprint factor or CO2-only "
             "emission factor", "可选 optional", "carbon_footprint_factor / "
             "co2_emission_factor"),
    "boundary": ("系统边界（摇篮到大门等）", "system boundary", "可选 optional",
                 "cradle-to-gate …"),
    "geography": ("地理范围代码", "geography code", "推荐 recommended", "ISO 3166 (CN, CN-JS), "
                  "GLO"),
    "geography_level": ("地理层级", "geography level", "可选 optional",
                        "global / country / region / grid_region / province / city / site"),
    "year": ("数据年份（参考年）", "data (reference) year", "推荐 recommended", "YYYY"),
    "valid_from": ("有效期起", "valid from", "可选 optional", "YYYY-MM-DD"),
    "valid_until": ("有效期止", "valid until", "可选 optional", "YYYY-MM-DD"),
    "technology": ("技术路线", "technology or route", "可选 optional", ""),
    "cpc": ("联合国 CPC 产品分类代码", "UN CPC product code", "推荐 recommended", "text"),
    "hs": ("海关 HS 编码", "HS customs code", "可选 optional", "text"),
    "cn_stat_code": ("统计用产品分类目录代码", "Chinese statistical product code",
                     "可选 optional", "text"),
    "distribution": ("不确定性分布", "uncertainty distribution", "可选 optional",
                     "lognormal / normal / triangular / uniform"),
    "gsd": ("几何标准差（对数正态）", "geometric standard deviation (lognormal)",
            "lognormal 时必填 with lognormal", "> 1"),
    "sd": ("标准差（正态）", "standard deviation (normal)", "normal 时必填 with normal",
           "same unit as value"),
    "min": ("最小值", "minimum", "triangular/uniform 时必填", "same unit as value"),
    "mode": ("众数", "mode (most likely)", "可选 optional", "same unit as value"),
    "max": ("最大值", "maximum", "triangular/uniform 时必填", "same unit as value"),
    "method": ("核算标准", "standard followed", "可选 optional", "e.g. GB/T 24067-2024"),
    "pcr": ("产品种类规则", "product category rules", "可选 optional", ""),
    "dqr_reliability": ("数据质量：可靠性", "data quality: reliability",
                        "五项全填或全空 all five or none", "1 (best) … 5"),
    "dqr_completeness": ("数据质量：完整性", "data quality: completeness",
                         "五项全填或全空 all five or none", "1 … 5"),
    "dqr_temporal": ("数据质量：时间代表性", "data quality: temporal",
                     "五项全填或全空 all five or none", "1 … 5"),
    "dqr_geographical": ("数据质量：地理代表性", "data quality: geographical",
                         "五项全填或全空 all five or none", "1 … 5"),
    "dqr_technological": ("数据质量：技术代表性", "data quality: technological",
                          "五项全填或全空 all five or none", "1 … 5"),
    "source": ("完整引用", "full citation", "推荐 recommended",
               "author/publisher, title, year, table"),
    "publisher": ("发布机构", "publisher", "推荐 recommended", ""),
    "document": ("报告、论文或数据集名称", "title of the report, paper or dataset",
                 "可选 optional", ""),
    "announcement": ("公告文号", "official announcement number", "可选 optional",
                     "e.g. 2024年第33号"),
    "table": ("所在表格/页码", "table, page or figure", "推荐 recommended", ""),
    "url": ("网址", "URL", "可选 optional", ""),
    "sample_size": ("样本量", "sample size", "可选 optional", "whole number"),
    "developer": ("数据集编制者", "who compiled the dataset", "可选 optional", ""),
    "published": ("发布日期", "publication date", "可选 optional", "YYYY-MM-DD"),
    "licence": ("许可协议", "licence of the data", "推荐 recommended",
                "e.g. CC-BY-4.0, public domain"),
    "supersedes": ("被替代因子的 id", "id of the factor this one replaces", "可选 optional", ""),
    "comment": ("备注", "comment", "可选 optional", ""),
    "CO2": ("CO2 排放量（千克/单位）", "kg CO2 per unit", "value 或气体列二选一",
            "kg gas / unit; add columns for other gases (SF6, HFC-134a …)"),
    "CH4": ("CH4 排放量（千克/单位）", "kg CH4 per unit", "可选 optional", "kg gas / unit"),
    "N2O": ("N2O 排放量（千克/单位）", "kg N2O per unit", "可选 optional", "kg gas / unit"),
}

_GENERAL = [
    ("填写说明", "How to fill in"),
    ("每行一个因子，填写在 factors 工作表中；第一行为列名，请勿修改。",
     "One factor per row on the 'factors' sheet; the first row holds the column names: keep "
     "them."),
    ("以 example: 开头的示例行在导入时会被跳过，可删除。",
     "The grey row whose id starts with 'example:' is skipped on import; delete it if you "
     "like."),
    ("单位约定：value 为每一个 unit 的千克二氧化碳当量（kg CO2e）；气体列为每一个 unit 的"
     "该气体千克数。",
     "Unit convention: value is kg CO2e per ONE unit; a gas column is kg of that gas per ONE "
     "unit."),
    ("如发布值为 tCO2e/t 等，可直接写 '41.2 tCO2e/公吨'，导入时自动换算。",
     "A value may carry its own unit, e.g. '41.2 tCO2e/公吨'; it is converted on import."),
    ("引用来源：source 填写完整引用（发布机构、标题、年份），table 填写表格或页码，"
     "announcement 填写公告文号，url 填写网址，以便审核人员复查。",
     "Citing sources: give the full citation in 'source' (publisher, title, year), the table "
     "or page in 'table', the announcement number and the URL, so that a reviewer can find "
     "the value again."),
    ("许可：licence 填写数据的许可协议；仅提交您有权共享的数据。",
     "Licence: state the data's licence in 'licence'; submit only data you may share."),
]


def _locate(number: int, column: int | None) -> str:
    if column is None:
        return f"{SHEET}!{number}"
    return f"{SHEET}!{get_column_letter(column + 1)}{number}"


def read_excel(path: Path | str) -> Parsed:
    """Read the ``factors`` sheet of a workbook; never raises on content."""
    file = str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (OSError, zipfile.BadZipFile, InvalidFileException, KeyError, ValueError) as exc:
        return Parsed(problems=[RowProblem(file, None, None, f"cannot read as .xlsx: {exc}")])
    try:
        if SHEET not in book.sheetnames:
            return Parsed(problems=[RowProblem(file, None, None, f"no sheet named {SHEET!r} "
                                               f"(found {', '.join(book.sheetnames)})")])
        rows = list(_rows(book[SHEET]))
    finally:
        book.close()
    return parse_rows(file, rows, locate=_locate, row_word="row", skip_examples=True)


def _rows(sheet: Any) -> Iterator[tuple[int, Sequence[Cell]]]:
    for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
        yield number, [v if isinstance(v, str | int | float | dt.date) else
                       (None if v is None else cell_text(v)) for v in values]


def _header(sheet: Any, columns: Sequence[str]) -> None:
    bold = Font(bold=True)
    for index, name in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=index, value=name)
        cell.font = bold
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)
        if name not in _NUMERIC:
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    sheet.freeze_panes = "B2"
    for name, choices in _CHOICES.items():
        letter = get_column_letter(columns.index(name) + 1)
        check = DataValidation(type="list", formula1='"' + ",".join(choices) + '"',
                               allow_blank=True, showErrorMessage=True,
                               errorTitle=name, error=f"{name}: {' / '.join(choices)}")
        check.add(f"{letter}2:{letter}{_LAST_ROW}")
        sheet.add_data_validation(check)


def _put(sheet: Any, row: int, column: int, value: Cell, name: str) -> Any:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, float) and float(f"{value:.16g}") != value:
        value = repr(value)  # openpyxl keeps 16 digits; text keeps the exact float
    if isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # text stays text even when it looks like a formula
        cell.number_format = "@"
    else:
        cell.value = value
        if name in _DATES and value is not None:
            cell.number_format = "yyyy-mm-dd"
    return cell


def _instructions(book: Any, columns: Sequence[str]) -> None:
    sheet = book.create_sheet(INSTRUCTIONS)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    for zh, en in _GENERAL:
        sheet.cell(row=row, column=1, value=zh).alignment = wrap
        sheet.cell(row=row, column=2, value=en).alignment = wrap
        if row == 1:
            sheet.cell(row=row, column=1).font = bold
            sheet.cell(row=row, column=2).font = bold
        row += 1
    row += 1
    for index, title in enumerate(("列 column", "中文说明", "English", "是否必填 required",
                                   "单位/格式 unit / format"), 1):
        sheet.cell(row=row, column=index, value=title).font = bold
    for name in columns:
        row += 1
        zh, en, required, fmt = _HELP.get(name, ("气体排放量（千克/单位）", "kg of this gas per "
                                                 "unit", "可选 optional", "kg gas / unit"))
        for index, text in enumerate((name, zh, en, required, fmt), 1):
            sheet.cell(row=row, column=index, value=text).alignment = wrap
    for letter, width in zip("ABCDE", (24, 48, 48, 24, 36), strict=True):
        sheet.column_dimensions[letter].width = width


def _book(columns: Sequence[str]) -> tuple[Any, Any]:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    _header(sheet, columns)
    _instructions(book, columns)
    return book, sheet


def write_template(path: Path | str) -> None:
    """An empty ``factors`` sheet with drop-downs, one grey example row and instructions."""
    columns = [*FLAT_COLUMNS, *TEMPLATE_GASES]
    book, sheet = _book(columns)
    example: dict[str, Cell] = {
        "id": f"{EXAMPLE_PREFIX}steel-hot-rolled-coil", "name_en": "Hot-rolled steel coil",
        "name_zh": "热轧钢卷", "unit": "t", "declared_unit": "1 t of hot-rolled coil",
        "value": 2100.0, "gwp": "AR6", "origin": "fossil", "kind": "carbon_footprint_factor",
        "boundary": "cradle-to-gate", "geography": "CN", "geography_level": "country",
        "year": 2023, "distribution": "lognormal", "gsd": 1.2, "method": "GB/T 24067-2024",
        "source": "Publisher, Title of the report, 2024", "table": "Table 3",
        "licence": "CC-BY-4.0", "comment": "示例行，导入时跳过 / example row, skipped on import",
    }
    grey = Font(italic=True, color="808080")
    for index, name in enumerate(columns, 1):
        _put(sheet, 2, index, example.get(name), name).font = grey
    book.save(path)


def write_excel(path: Path | str, factors: Sequence[FactorRecord]) -> None:
    """Export ``factors`` so that :func:`read_excel` gives them back."""
    columns, rows = flat_table(factors)
    book, sheet = _book(columns)
    for number, row in enumerate(rows, 2):
        for index, (name, value) in enumerate(zip(columns, row, strict=True), 1):
            if value is not None:
                _put(sheet, number, index, value, name)
    book.save(path)
