"""The supplier questionnaire: an Excel workbook a supplier without a PCF system fills in, read
back into the same PACT v3 ProductFootprint a PACT partner would send.

The workbook has an instructions sheet and a ``Footprint`` sheet: one row per field, with the
field key (column A), its label (B, English or Chinese) and the unit or hint (D) locked, and
only the answer cells (C) open. Lists (units, standards, GWP sets, yes/no), numbers (ranges,
signs) and dates carry Excel data validation, so most mistakes are stopped while typing;
:func:`read_questionnaire` checks everything again and names each problem by sheet, cell and
field, and nothing is returned unless the whole file is right.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill, Protection  # type: ignore[import-untyped]
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
from openpyxl.worksheet.datavalidation import DataValidation  # type: ignore[import-untyped]
from pydantic import ValidationError

from tanzuji.exchange.pact import (
    CROSS_SECTORAL_STANDARDS,
    SPEC_VERSION,
    DeclaredUnit,
    ProductFootprint,
    add_years,
    methodology_problems,
)
from tanzuji.store.supply_db import SupplyDB, SupplyError

SHEET = "Footprint"
INSTRUCTIONS = "Instructions"
FIRST_ROW = 3  # rows 1-2: title and column headings
STAGES = ("raw_materials", "production", "distribution", "use", "end_of_life")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_URN = re.compile(r"^[uU][rR][nN]:[A-Za-z0-9][A-Za-z0-9-]{0,31}:\S+$")


@dataclass(frozen=True)
class Field:
    key: str
    en: str
    zh: str
    kind: str  # text, urn, list, decimal, date, sha256
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    hint: str = ""


_UNITS = tuple(u.value for u in DeclaredUnit if u is not DeclaredUnit.megabit_second)
_YES_NO = ("yes", "no")
FIELDS: tuple[Field, ...] = (
    Field("request_id", "Request id (do not change)", "请求编号（请勿修改）", "text"),
    Field("product_id", "Product id (URN)", "产品标识（URN）", "urn", hint="urn:gtin:…"),
    Field("product_name", "Product name", "产品名称", "text"),
    Field("product_description", "Product description", "产品描述", "text", required=False),
    Field("company_name", "Company name", "企业名称", "text"),
    Field("company_id", "Company id (URN)", "企业标识（URN）", "urn",
          hint="urn:uscc:… (统一社会信用代码) or urn:uuid:…"),
    Field("declared_unit", "Declared unit", "声明单位", "list", choices=_UNITS),
    Field("declared_unit_amount", "Declared unit amount", "声明单位数量", "decimal",
          minimum=0.0, hint="> 0"),
    Field("product_mass_per_declared_unit", "Product mass per declared unit",
          "每声明单位产品质量", "decimal", minimum=0.0, hint="kg"),
    Field("reference_period_start", "Reference period start", "数据时间范围起始", "date",
          hint="YYYY-MM-DD"),
    Field("reference_period_end", "Reference period end", "数据时间范围截止", "date",
          hint="YYYY-MM-DD"),
    Field("geography_country", "Country (ISO 3166-1 alpha-2)", "国家（两位代码）", "text",
          hint="CN"),
    Field("pcf_total", "Footprint total, excluding biogenic uptake", "碳足迹总量（不含生物源吸收）",
          "decimal", minimum=0.0, hint="kg CO2e per declared unit amount"),
    Field("fossil_ghg_emissions", "Fossil GHG emissions", "化石温室气体排放", "decimal",
          minimum=0.0, hint="kg CO2e"),
    Field("biogenic_non_co2_emissions", "Biogenic non-CO2 emissions", "生物源非CO2排放",
          "decimal", required=False, minimum=0.0, hint="kg CO2e"),
    Field("dluc_ghg_emissions", "Direct land use change (dLUC) emissions", "直接土地利用变化排放",
          "decimal", required=False, minimum=0.0, hint="kg CO2e"),
    Field("aircraft_ghg_emissions", "Aircraft emissions (part of the total)",
          "航空运输排放（含于总量）", "decimal", required=False, minimum=0.0, hint="kg CO2e"),
    Field("biogenic_co2_uptake", "Biogenic CO2 uptake (negative or zero)", "生物源CO2吸收（≤0）",
          "decimal", required=False, maximum=0.0, hint="kg CO2e, ≤ 0"),
    Field("fossil_carbon_content", "Fossil carbon content", "化石碳含量", "decimal",
          minimum=0.0, hint="kg C"),
    Field("biogenic_carbon_content", "Biogenic carbon content", "生物碳含量", "decimal",
          required=False, minimum=0.0, hint="kg C"),
    *(Field(f"stage_{s}", f"Stage: {s.replace('_', ' ')}", f"阶段：{zh}", "decimal",
            required=False, hint="kg CO2e")
      for s, zh in zip(STAGES, ("原材料获取", "生产", "分销", "使用", "生命末期"), strict=True)),
    Field("packaging_emissions_included", "Packaging emissions included", "是否包含包装排放",
          "list", choices=_YES_NO),
    Field("primary_data_share", "Primary data share", "初级数据占比", "decimal", minimum=0.0,
          maximum=100.0, hint="%"),
    Field("technological_dqr", "Technological DQR", "技术代表性 DQR", "decimal", minimum=1.0,
          maximum=5.0, hint="1 (best) … 5"),
    Field("temporal_dqr", "Temporal DQR", "时间代表性 DQR", "decimal", minimum=1.0, maximum=5.0,
          hint="1 (best) … 5"),
    Field("geographical_dqr", "Geographical DQR", "地理代表性 DQR", "decimal", minimum=1.0,
          maximum=5.0, hint="1 (best) … 5"),
    Field("cross_sectoral_standard", "Standard followed", "遵循标准", "list",
          choices=CROSS_SECTORAL_STANDARDS),
    Field("ipcc_characterization_factors", "IPCC GWP set", "IPCC GWP 版本", "list",
          choices=("AR6", "AR5", "AR4")),
    Field("exempted_emissions_percent", "Exempted emissions", "排除的排放占比", "decimal",
          minimum=0.0, maximum=100.0, hint="%"),
    Field("certificate_number", "Certificate number (if certified)", "认证证书编号（如有）", "text",
          required=False),
    Field("verifier", "Verifier or certification body", "核查/认证机构", "text", required=False),
    *(Field(f"evidence_sha256_{i}", f"Evidence file SHA-256 #{i}", f"证据文件 SHA-256 #{i}",
            "sha256", required=False, hint="64 hex digits") for i in (1, 2, 3)),
    Field("comment", "Comment", "备注", "text", required=False),
)
_BY_KEY = {f.key: f for f in FIELDS}

_INSTRUCTIONS = {
    "en": [
        "Product carbon footprint questionnaire (PACT v3 data model)",
        "Fill the yellow cells of the sheet 'Footprint' (column C); the other cells are locked.",
        "All emissions are kg CO2e per 'declared unit amount' of the 'declared unit', cradle to "
        "gate, following ISO 14067 / GB/T 24067-2024.",
        "The total excluding biogenic uptake must equal fossil + biogenic non-CO2 + dLUC "
        "emissions; stages, when given, must add up to the total.",
        "DQR scores: 1 = very good … 5 = poor (PACT v3). Primary data share in percent.",
        "Evidence: the SHA-256 of each supporting file (e.g. `sha256sum invoice.pdf`); keep "
        "the files, an auditor may ask for them.",
        "Upload the filled file on the supplier portal; problems are named by cell.",
    ],
    "zh": [
        "产品碳足迹问卷（PACT v3 数据模型）",
        "请填写“Footprint”工作表中黄色单元格（C 列）；其他单元格已锁定。",
        "所有排放量均为每“声明单位数量”的“声明单位”的 kg CO2e，从摇篮到大门，依据 GB/T 24067-2024"
        "（ISO 14067）。",
        "不含生物源吸收的总量须等于化石排放 + 生物源非 CO2 排放 + 直接土地利用变化排放；"
        "如填写各阶段，其合计须等于总量。",
        "DQR 评分：1 = 很好 … 5 = 差（PACT v3）。初级数据占比以百分比填写。",
        "证据：每个支持文件的 SHA-256（如 `sha256sum invoice.pdf`）；请保留文件，核查时可能需要。",
        "在供应商门户上传填好的文件；问题将按单元格指出。",
    ],
}


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    cell: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{where} ({self.field}): {self.message}" if self.field else \
            f"{where}: {self.message}"


class QuestionnaireError(ValueError):
    """The file cannot be read as a filled questionnaire; ``problems`` name each cell."""

    def __init__(self, problems: list[CellProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


def _cell(key: str) -> str:
    return f"C{FIRST_ROW + list(_BY_KEY).index(key)}"


def defaults(request: Mapping[str, Any]) -> dict[str, Any]:
    """What the questionnaire and the web form start with: the request's id and product, and
    the usual choices (declared unit amount 1, AR6, ISO 14067, nothing exempted)."""
    return {"request_id": request["id"], "product_id": (request.get("product_ids") or [""])[0],
            "product_name": request.get("product_name"), "declared_unit": "kilogram",
            "declared_unit_amount": 1,
            "ipcc_characterization_factors": "AR6", "cross_sectoral_standard": "ISO14067",
            "exempted_emissions_percent": 0, "packaging_emissions_included": "no",
            "fossil_carbon_content": 0}


def make_questionnaire(request: Mapping[str, Any], lang: str = "en",
                       prefill: Mapping[str, Any] | None = None) -> bytes:
    """The .xlsx for one request (its id, product id and name filled in)."""
    words = "zh" if lang == "zh" else "en"
    wb = Workbook()
    intro = wb.active
    intro.title = INSTRUCTIONS
    for i, line in enumerate(_INSTRUCTIONS[words], start=1):
        intro.cell(i, 1, line).font = Font(bold=i == 1, size=14 if i == 1 else 11)
    intro.column_dimensions["A"].width = 120
    intro.protection.sheet = True

    ws = wb.create_sheet(SHEET)
    wb.active = 1
    ws.cell(1, 1, "Tanzuji PCF questionnaire / 碳足迹问卷").font = Font(bold=True, size=14)
    heads = (("field", "label", "value", "unit / hint") if words == "en"
             else ("字段", "名称", "填写值", "单位 / 说明"))
    for col, text in enumerate(heads, start=1):
        ws.cell(2, col, text).font = Font(bold=True)
    values = {**defaults(request), **(prefill or {})}
    open_fill = PatternFill("solid", fgColor="FFF4B3")
    for row, f in enumerate(FIELDS, start=FIRST_ROW):
        ws.cell(row, 1, f.key).font = Font(color="808080")
        ws.cell(row, 2, (f.zh if words == "zh" else f.en) + (" *" if f.required else ""))
        value = ws.cell(row, 3, values.get(f.key))
        ws.cell(row, 4, ", ".join(f.choices[:4]) + " …" if len(f.choices) > 4 else f.hint)
        if f.key != "request_id":
            value.protection = Protection(locked=False)
            value.fill = open_fill
        if f.kind == "date":
            value.number_format = "yyyy-mm-dd"
    for f in FIELDS:
        cell = _cell(f.key)
        rule: DataValidation | None = None
        if f.kind == "list":
            rule = DataValidation(type="list", formula1='"' + ",".join(f.choices) + '"',
                                  allow_blank=not f.required)
        elif f.kind == "decimal":
            low = -1e15 if f.minimum is None else f.minimum
            high = 1e15 if f.maximum is None else f.maximum
            rule = DataValidation(type="decimal", operator="between", formula1=str(low),
                                  formula2=str(high), allow_blank=not f.required)
        elif f.kind == "date":
            rule = DataValidation(type="date", operator="greaterThan", formula1="1",
                                  allow_blank=not f.required)
        elif f.kind == "sha256":
            rule = DataValidation(type="textLength", operator="equal", formula1="64",
                                  allow_blank=True)
        if rule is not None:
            rule.error = f"{f.en} / {f.zh}: {f.hint or ', '.join(f.choices)}"
            rule.showErrorMessage = True
            ws.add_data_validation(rule)
            rule.add(cell)
    for letter, width in zip("ABCD", (30, 48, 44, 40), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=FIRST_ROW):
        row[1].alignment = Alignment(wrap_text=True)
    ws.protection.sheet = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("a number is needed")
    if isinstance(value, int | float):
        text = repr(float(value)) if isinstance(value, float) else str(value)
    else:
        text = str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise ValueError("a finite number is needed")
    return number.normalize() if number != number.to_integral() else number.quantize(Decimal(1))


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _read_value(f: Field, raw: object) -> object:
    if f.kind == "decimal":
        number = _decimal(raw)
        if f.minimum is not None and number < Decimal(str(f.minimum)):
            raise ValueError(f"must be at least {f.minimum:g}")
        if f.maximum is not None and number > Decimal(str(f.maximum)):
            raise ValueError(f"must be at most {f.maximum:g}")
        if f.key == "declared_unit_amount" and number <= 0:
            raise ValueError("must be greater than 0")
        return number
    if f.kind == "date":
        return _date(raw)
    text = str(raw).strip()
    if f.kind == "list" and text not in f.choices:
        raise ValueError(f"{text!r} is not one of {', '.join(f.choices)}")
    if f.kind == "urn" and not _URN.match(text):
        raise ValueError(f"{text!r} is not a URN (urn:<namespace>:<id>)")
    if f.kind == "sha256" and not _SHA256.fullmatch(text.lower()):
        raise ValueError("a SHA-256 is 64 hexadecimal digits")
    return text.lower() if f.kind == "sha256" else text


def read_questionnaire(content: bytes, request_id: str | None = None) -> dict[str, Any]:
    """The answers of a filled questionnaire, by field key (checked: types, ranges, lists,
    the total against its parts and the stages); QuestionnaireError names every problem."""
    try:
        wb = load_workbook(io.BytesIO(content), data_only=True, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise QuestionnaireError([CellProblem("file", None, None, "not an Excel .xlsx "
                                              "questionnaire")]) from None
    if SHEET not in wb.sheetnames:
        raise QuestionnaireError([CellProblem(SHEET, None, None, f"no sheet {SHEET!r}; "
                                              "download the questionnaire again")])
    ws = wb[SHEET]
    raw: dict[str, tuple[object, str | None]] = {}
    for row in ws.iter_rows(min_row=FIRST_ROW, max_col=3):
        key = row[0].value
        if isinstance(key, str) and key in _BY_KEY:
            raw[key] = (row[2].value, f"C{row[0].row}")
    wb.close()
    return _checked(raw, SHEET, request_id)


def read_form(values: Mapping[str, object], request_id: str | None = None) -> dict[str, Any]:
    """The same answers from the portal's web form (field key → text), checked the same way;
    problems name the field."""
    return _checked({f.key: (values.get(f.key), None) for f in FIELDS}, "form", request_id)


def _checked(raw: Mapping[str, tuple[object, str | None]], sheet: str,
             request_id: str | None) -> dict[str, Any]:
    problems: list[CellProblem] = []
    answers: dict[str, Any] = {}
    for f in FIELDS:
        value, cell = raw.get(f.key, (None, _cell(f.key) if sheet == SHEET else None))
        if value is None or (isinstance(value, str) and not value.strip()):
            if f.required:
                problems.append(CellProblem(sheet, cell, f.key, "is required"))
            continue
        try:
            answers[f.key] = _read_value(f, value)
        except ValueError as exc:
            problems.append(CellProblem(sheet, cell, f.key, str(exc)))
    if request_id is not None and "request_id" in answers and answers["request_id"] != request_id:
        problems.append(CellProblem(sheet, raw.get("request_id", (None, None))[1], "request_id",
                                    f"this answers request {answers['request_id']}, not "
                                    f"{request_id}"))
    if not problems:
        problems += [p if sheet == SHEET else CellProblem(sheet, None, p.field, p.message)
                     for p in _consistency(answers)]
    if problems:
        raise QuestionnaireError(problems)
    return answers


def _consistency(a: Mapping[str, Any]) -> list[CellProblem]:
    out = []
    parts = sum((a.get(k, Decimal(0)) for k in ("fossil_ghg_emissions",
                                                "biogenic_non_co2_emissions",
                                                "dluc_ghg_emissions")), Decimal(0))
    total: Decimal = a["pcf_total"]
    if abs(parts - total) > max(Decimal("0.001") * abs(total), Decimal("1e-9")):
        out.append(CellProblem(SHEET, _cell("pcf_total"), "pcf_total",
                               f"the total {total} is not fossil + biogenic non-CO2 + dLUC "
                               f"= {parts}"))
    stages = [a[f"stage_{s}"] for s in STAGES if f"stage_{s}" in a]
    if stages and abs(sum(stages, Decimal(0)) - total) > max(Decimal("0.01") * abs(total),
                                                              Decimal("1e-9")):
        out.append(CellProblem(SHEET, _cell(f"stage_{STAGES[0]}"), "stages",
                               f"the stages add up to {sum(stages, Decimal(0))}, not the total "
                               f"{total}"))
    if a["reference_period_end"] < a["reference_period_start"]:
        out.append(CellProblem(SHEET, _cell("reference_period_end"), "reference_period_end",
                               "is before the start"))
    if "aircraft_ghg_emissions" in a and a["aircraft_ghg_emissions"] > total:
        out.append(CellProblem(SHEET, _cell("aircraft_ghg_emissions"),
                               "aircraft_ghg_emissions", "is more than the total"))
    return out


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


_PF_FIELDS = {"productIds": "product_id", "companyIds": "company_id",
              "companyName": "company_name", "productNameCompany": "product_name",
              "declaredUnitOfMeasurement": "declared_unit",
              "declaredUnitAmount": "declared_unit_amount",
              "geographyCountry": "geography_country", "primaryDataShare": "primary_data_share"}


def to_footprint(answers: Mapping[str, Any], *, pf_id: uuid.UUID | None = None,
                 preceding: list[str] | None = None,
                 created: dt.datetime | None = None) -> ProductFootprint:
    """The answers as a PACT v3 ProductFootprint (what a PACT partner would have sent)."""
    a = answers
    uptake: Decimal = a.get("biogenic_co2_uptake", Decimal(0))
    excluding = sum((a.get(k, Decimal(0)) for k in ("fossil_ghg_emissions",
                                                    "biogenic_non_co2_emissions",
                                                    "dluc_ghg_emissions")), Decimal(0))
    start = _midnight(a["reference_period_start"])
    end = _midnight(a["reference_period_end"] + dt.timedelta(days=1))
    pcf: dict[str, Any] = {
        "declaredUnitOfMeasurement": a["declared_unit"],
        "declaredUnitAmount": a["declared_unit_amount"],
        "productMassPerDeclaredUnit": a["product_mass_per_declared_unit"],
        "referencePeriodStart": start, "referencePeriodEnd": end,
        "geographyCountry": a["geography_country"],
        "pcfExcludingBiogenicUptake": excluding,
        "pcfIncludingBiogenicUptake": excluding + uptake,
        "fossilGhgEmissions": a["fossil_ghg_emissions"],
        "fossilCarbonContent": a["fossil_carbon_content"],
        "packagingEmissionsIncluded": a["packaging_emissions_included"] == "yes",
        "ccsTechnologicalCO2CaptureIncluded": False,
        "primaryDataShare": a["primary_data_share"],
        "dqi": {"technologicalDQR": a["technological_dqr"], "temporalDQR": a["temporal_dqr"],
                "geographicalDQR": a["geographical_dqr"]},
        "ipccCharacterizationFactors": [a["ipcc_characterization_factors"]],
        "crossSectoralStandards": [a["cross_sectoral_standard"]],
        "exemptedEmissionsPercent": a["exempted_emissions_percent"],
    }
    for key, name in (("biogenic_non_co2_emissions", "biogenicNonCO2Emissions"),
                      ("dluc_ghg_emissions", "landUseChangeGhgEmissions"),
                      ("aircraft_ghg_emissions", "aircraftGhgEmissions"),
                      ("biogenic_carbon_content", "biogenicCarbonContent")):
        if key in a:
            pcf[name] = a[key]
    if "biogenic_co2_uptake" in a:
        pcf["biogenicCO2Uptake"] = uptake
    if "certificate_number" in a or "verifier" in a:
        pcf["verification"] = {
            "coverage": "product level", "providerName": a.get("verifier"),
            "standardName": "GB/T 24067-2024",
            "comments": f"certificate {a['certificate_number']}"
            if "certificate_number" in a else None}
    notes = [a["comment"]] if "comment" in a else []
    stages = {s: a[f"stage_{s}"] for s in STAGES if f"stage_{s}" in a}
    if stages:
        notes.append("by stage (kg CO2e): " + ", ".join(f"{k.replace('_', ' ')} {v}"
                                                         for k, v in stages.items()))
    evidence = [a[k] for k in ("evidence_sha256_1", "evidence_sha256_2", "evidence_sha256_3")
                if k in a]
    if evidence:
        notes.append("evidence sha256: " + ", ".join(evidence))
    document: dict[str, Any] = {
        "id": pf_id or uuid.uuid4(), "specVersion": SPEC_VERSION,
        "created": created or dt.datetime.now(dt.UTC).replace(microsecond=0),
        "status": "Active", "validityPeriodStart": end, "validityPeriodEnd": add_years(end, 3),
        "companyName": a["company_name"], "companyIds": [a["company_id"]],
        "productDescription": a.get("product_description") or a["product_name"],
        "productIds": [a["product_id"]], "productNameCompany": a["product_name"],
        "comment": "; ".join(notes) or None, "pcf": pcf,
    }
    if preceding:
        document["precedingPfIds"] = preceding
    try:
        pf = ProductFootprint.model_validate(document)
    except ValidationError as exc:
        raise QuestionnaireError([
            CellProblem(SHEET, _cell(_PF_FIELDS[str(e["loc"][-1])])
                        if str(e["loc"][-1]) in _PF_FIELDS else None,
                        _PF_FIELDS.get(str(e["loc"][-1]), ".".join(map(str, e["loc"]))),
                        e["msg"].removeprefix("Value error, "))
            for e in exc.errors(include_url=False)]) from None
    rules = methodology_problems(pf)
    if rules:
        raise QuestionnaireError([CellProblem(SHEET, None, None, m) for m in rules])
    return pf


def publish_answer(db: SupplyDB, request_id: str, answers: Mapping[str, Any],
                   by: str) -> ProductFootprint:
    """A supplier's answer to an on-platform request, published: the footprint is stored as
    received by the customer (the same path a PACT footprint takes), replacing (through
    ``precedingPfIds``) what this supplier sent the customer before for the product."""
    request = db.request(request_id)
    if request["supplier_id"] is None:
        raise SupplyError(f"request {request_id} went to a PACT partner; it answers through "
                          "PACT", "request_id")
    if request["status"] not in ("pending", "overdue"):
        raise SupplyError(f"request {request_id} is already {request['status']}",
                          "request_id", "conflict")
    product = str(answers["product_id"]).lower()
    earlier = [f["pf_id"] for f in db.footprints(request["customer_id"])
               if f["source"] == request["supplier_id"] and f["superseded_by"] is None
               and product in {p.lower() for p in f["product_ids"]}]
    pf = to_footprint(answers, preceding=earlier[:1] or None)
    db.receive(request["supplier_id"], pf, by=by, customer_id=request["customer_id"],
               request_id=request_id)
    return pf
