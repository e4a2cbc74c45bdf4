"""ILCD reader: a small hand-written archive of processes, flows, properties and units."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from tanzuji.factors.formats.ilcd import read_ilcd

HEAD = ('xmlns:common="http://lca.jrc.it/ILCD/Common" '
        'xmlns:xml="http://www.w3.org/XML/1998/namespace"')
MASS, KG_GROUP = "93a60a56-a3c8-11da-a746-0800200b9a66", "93a60a57-a4c8-11da-a746-0800200c9a66"
CO2, CH4, WATER = "c0000000-0000-0000-0000-0000000000c2", "c0000000-0000-0000-0000-0000000000c4", \
    "c0000000-0000-0000-0000-0000000000a0"
STEEL_FLOW, WIDGET_FLOW = "f0000000-0000-0000-0000-000000000001", \
    "f0000000-0000-0000-0000-000000000002"
STEEL, WIDGET, GRID = "a0000000-0000-0000-0000-000000000001", \
    "a0000000-0000-0000-0000-000000000002", "a0000000-0000-0000-0000-000000000003"


def flow(uid: str, name: str, kind: str, categories: tuple[str, ...] = (), cas: str = "",
         name_zh: str = "", prop: str = MASS, prop_name: str = "Mass") -> str:
    cats = "".join(f'<common:category level="{i}">{c}</common:category>'
                   for i, c in enumerate(categories))
    zh = f'<baseName xml:lang="zh">{name_zh}</baseName>' if name_zh else ""
    return f"""<flowDataSet xmlns="http://lca.jrc.it/ILCD/Flow" {HEAD} version="1.1">
 <flowInformation><dataSetInformation><common:UUID>{uid}</common:UUID>
  <name><baseName xml:lang="en">{name}</baseName>{zh}</name>
  {f"<CASNumber>{cas}</CASNumber>" if cas else ""}
  <classificationInformation><common:elementaryFlowCategorization>{cats}
  </common:elementaryFlowCategorization></classificationInformation></dataSetInformation>
  <quantitativeReference><referenceToReferenceFlowProperty>0</referenceToReferenceFlowProperty>
  </quantitativeReference></flowInformation>
 <modellingAndValidation><LCIMethod><typeOfDataSet>{kind}</typeOfDataSet></LCIMethod>
 </modellingAndValidation>
 <flowProperties><flowProperty dataSetInternalID="0">
  <referenceToFlowPropertyDataSet type="flow property data set" refObjectId="{prop}">
  <common:shortDescription xml:lang="en">{prop_name}</common:shortDescription>
  </referenceToFlowPropertyDataSet><meanValue>1.0</meanValue></flowProperty></flowProperties>
</flowDataSet>"""


PROPERTY = f"""<flowPropertyDataSet xmlns="http://lca.jrc.it/ILCD/FlowProperty" {HEAD}>
 <flowPropertiesInformation><dataSetInformation><common:UUID>{MASS}</common:UUID>
 </dataSetInformation><quantitativeReference>
 <referenceToReferenceUnitGroup refObjectId="{KG_GROUP}"/></quantitativeReference>
 </flowPropertiesInformation></flowPropertyDataSet>"""

UNITS = f"""<unitGroupDataSet xmlns="http://lca.jrc.it/ILCD/UnitGroup" {HEAD}>
 <unitGroupInformation><dataSetInformation><common:UUID>{KG_GROUP}</common:UUID>
 </dataSetInformation><quantitativeReference><referenceToReferenceUnit>1</referenceToReferenceUnit>
 </quantitativeReference></unitGroupInformation>
 <units><unit dataSetInternalID="0"><name>g</name><meanValue>0.001</meanValue></unit>
 <unit dataSetInternalID="1"><name>kg</name><meanValue>1</meanValue></unit></units>
</unitGroupDataSet>"""


def exchange(i: int, flow_id: str, amount: str, direction: str = "Output",
             extra: str = "") -> str:
    return (f'<exchange dataSetInternalID="{i}"><referenceToFlowDataSet type="flow data set" '
            f'refObjectId="{flow_id}"><common:shortDescription xml:lang="en">f{i}'
            f"</common:shortDescription></referenceToFlowDataSet>"
            f"<exchangeDirection>{direction}</exchangeDirection>"
            f"<meanAmount>{amount}</meanAmount><resultingAmount>{amount}</resultingAmount>"
            f"{extra}</exchange>")


def process(uid: str, name: str, exchanges: str, lcia: str = "") -> str:
    return f"""<processDataSet xmlns="http://lca.jrc.it/ILCD/Process" {HEAD} version="1.1">
 <processInformation>
  <dataSetInformation><common:UUID>{uid}</common:UUID>
   <name><baseName xml:lang="en">{name}</baseName><baseName xml:lang="zh">钢</baseName>
    <treatmentStandardsRoutes xml:lang="en">BF-BOF</treatmentStandardsRoutes></name>
   <common:generalComment xml:lang="en">Hand-made.</common:generalComment>
  </dataSetInformation>
  <quantitativeReference type="Reference flow(s)">
   <referenceToReferenceFlow>0</referenceToReferenceFlow></quantitativeReference>
  <time><common:referenceYear>2021</common:referenceYear>
   <common:dataSetValidUntil>2025</common:dataSetValidUntil></time>
  <geography><locationOfOperationSupplyOrProduction location="CN"/></geography>
  <technology><technologyDescriptionAndIncludedProcesses xml:lang="en">Blast furnace
  </technologyDescriptionAndIncludedProcesses></technology>
 </processInformation>
 <modellingAndValidation>
  <dataSourcesTreatmentAndRepresentativeness><referenceToDataSource refObjectId="s">
   <common:shortDescription xml:lang="en">Steel report 2021</common:shortDescription>
  </referenceToDataSource></dataSourcesTreatmentAndRepresentativeness>
  <validation><review type="Independent external review">
   <common:reviewDetails xml:lang="en">Checked.</common:reviewDetails></review></validation>
 </modellingAndValidation>
 <administrativeInformation>
  <dataGenerator><common:referenceToPersonOrEntityGeneratingTheDataSet refObjectId="p">
   <common:shortDescription xml:lang="en">Lab X</common:shortDescription>
  </common:referenceToPersonOrEntityGeneratingTheDataSet></dataGenerator>
  <publicationAndOwnership><common:referenceToOwnershipOfDataSet refObjectId="o">
   <common:shortDescription xml:lang="en">Owner Y</common:shortDescription>
  </common:referenceToOwnershipOfDataSet>
  <common:licenseType>Free of charge for all users and uses</common:licenseType>
  </publicationAndOwnership>
 </administrativeInformation>
 <exchanges>{exchanges}</exchanges>
 {lcia}
</processDataSet>"""


AIR = ("Emissions", "Emissions to air", "Emissions to air, unspecified")


def archive(tmp_path: Path, processes: dict[str, str]) -> Path:
    path = tmp_path / "ilcd.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"ILCD/flows/{CO2}.xml", flow(CO2, "carbon dioxide (fossil)",
                                                  "Elementary flow", AIR, "124-38-9"))
        zf.writestr(f"ILCD/flows/{CH4}.xml", flow(CH4, "methane (fossil)", "Elementary flow",
                                                  AIR, "74-82-8"))
        zf.writestr(f"ILCD/flows/{WATER}.xml", flow(WATER, "water", "Elementary flow",
                                                    ("Emissions", "Emissions to water")))
        zf.writestr(f"ILCD/flows/{STEEL_FLOW}.xml", flow(STEEL_FLOW, "steel", "Product flow",
                                                         name_zh="钢材"))
        zf.writestr(f"ILCD/flows/{WIDGET_FLOW}.xml",
                    flow(WIDGET_FLOW, "widget", "Product flow", prop="p-items",
                         prop_name="Number of items"))
        zf.writestr(f"ILCD/flowproperties/{MASS}.xml", PROPERTY)
        zf.writestr(f"ILCD/unitgroups/{KG_GROUP}.xml", UNITS)
        for name, text in processes.items():
            zf.writestr(f"ILCD/processes/{name}.xml", text)
    return path


STEEL_XML = process(STEEL, "steel", exchange(0, STEEL_FLOW, "1.0")
                    + exchange(1, CO2, "2.0") + exchange(2, CH4, "0.01")
                    + exchange(3, WATER, "3.0"))


def test_lci_process_becomes_factor(tmp_path: Path) -> None:
    path = archive(tmp_path, {STEEL: STEEL_XML})
    parsed = read_ilcd(path)
    assert parsed.problems == []
    (factor,) = parsed.factors
    assert factor.id == f"ilcd:{STEEL}"
    assert factor.gases == {"CO2": 2.0, "CH4": 0.01}
    assert factor.co2e("AR6") == pytest.approx(2.298)
    assert factor.unit == "kg"  # unit via flow -> flow property -> unit group
    assert factor.name_en == "steel; BF-BOF" and factor.name_zh == "钢"
    assert (factor.geography, factor.year, factor.valid_until) == ("CN", 2021,
                                                                  dt.date(2025, 12, 31))
    assert factor.technology == "Blast furnace"
    assert factor.provenance.developer == "Lab X"
    assert factor.provenance.publisher == "Owner Y"
    assert factor.provenance.source == "Steel report 2021"
    assert factor.provenance.document == f"{path}!ILCD/processes/{STEEL}.xml"
    assert factor.licence == "Free of charge for all users and uses"
    assert factor.comment == "Hand-made.\nReview (Independent external review): Checked."


def test_unit_process_links_to_the_producer_of_its_input(tmp_path: Path) -> None:
    lognormal = ("<uncertaintyDistributionType>log-normal</uncertaintyDistributionType>"
                 "<relativeStandardDeviation95In>1.44</relativeStandardDeviation95In>")
    widget = process(WIDGET, "widget", exchange(0, WIDGET_FLOW, "2.0")
                     + exchange(1, STEEL_FLOW, "0.5", "Input", lognormal)
                     + exchange(2, CO2, "0.2"))
    parsed = read_ilcd(archive(tmp_path, {STEEL: STEEL_XML, WIDGET: widget}))
    assert parsed.problems == []
    (proc,) = parsed.processes
    assert proc.unit == "piece"  # from the flow property name: no unit group in the archive
    output, steel, co2 = proc.exchanges
    assert (output.direction, output.amount) == ("output", 2.0)
    assert (steel.direction, steel.name, steel.amount, steel.factor) == (
        "input", "steel", 0.5, f"ilcd:{STEEL}")
    assert steel.uncertainty is not None and steel.uncertainty.gsd == pytest.approx(1.2)
    assert (co2.direction, co2.gas, co2.origin, co2.amount) == ("emission", "CO2", "fossil", 0.2)


def test_lcia_result_is_the_value_without_ghg_exchanges(tmp_path: Path) -> None:
    lcia = """<LCIAResults>
 <LCIAResult><referenceToLCIAMethodDataSet refObjectId="m1">
  <common:shortDescription xml:lang="en">Climate change - Fossil</common:shortDescription>
  </referenceToLCIAMethodDataSet><meanAmount>3.0</meanAmount></LCIAResult>
 <LCIAResult><referenceToLCIAMethodDataSet refObjectId="m2">
  <common:shortDescription xml:lang="en">EF 3.1 Climate change</common:shortDescription>
  </referenceToLCIAMethodDataSet><meanAmount>3.5</meanAmount></LCIAResult>
 <LCIAResult><referenceToLCIAMethodDataSet refObjectId="m3">
  <common:shortDescription xml:lang="en">Acidification</common:shortDescription>
  </referenceToLCIAMethodDataSet><meanAmount>9</meanAmount></LCIAResult>
</LCIAResults>"""
    xml = process(STEEL, "steel", exchange(0, STEEL_FLOW, "2.0"), lcia)
    (factor,) = read_ilcd(archive(tmp_path, {STEEL: xml})).factors
    assert factor.value == 1.75 and factor.gases == {}
    assert "EF 3.1 Climate change" in (factor.comment or "")


def test_bad_elements_become_problems(tmp_path: Path) -> None:
    xml = process(STEEL, "steel", exchange(0, STEEL_FLOW, "1.0")
                  + exchange(1, CO2, "lots") + exchange(2, CH4, "0.01")
                  + exchange(3, "missing-flow", "1", "Input"))
    path = archive(tmp_path, {STEEL: xml, "broken": "<processDataSet"})
    parsed = read_ilcd(path)
    member = f"{path}!ILCD/processes/{STEEL}.xml"
    where = {(p.file, p.row, p.field) for p in parsed.problems}
    assert (member, "exchanges/exchange[2]", "resultingAmount") in where
    assert (member, "exchanges/exchange[4]", "referenceToFlowDataSet") in where
    assert any(p.file == f"{path}!ILCD/processes/broken.xml" for p in parsed.problems)
    (factor,) = parsed.factors
    assert factor.gases == {"CH4": 0.01}


def test_chinese_flow_names(tmp_path: Path) -> None:
    bio = "c0000000-0000-0000-0000-0000000000b1"
    xml = process(GRID, "电网电力", exchange(0, STEEL_FLOW, "1.0") + exchange(1, bio, "0.5"))
    path = archive(tmp_path, {GRID: xml})
    with zipfile.ZipFile(path, "a") as zf:
        text = flow(bio, "", "Elementary flow", ("排放", "排放到大气"),
                    name_zh="二氧化碳（生物源）")
        zf.writestr(f"ILCD/flows/{bio}.xml",
                    text.replace('<baseName xml:lang="en"></baseName>', ""))
    (factor,) = read_ilcd(path).factors
    assert factor.gases == {"CO2": 0.5} and factor.origin == "biogenic"


def test_single_process_file_without_flows(tmp_path: Path) -> None:
    path = tmp_path / "grid.xml"
    path.write_text(process(GRID, "grid", exchange(0, STEEL_FLOW, "1.0")), encoding="utf-8")
    parsed = read_ilcd(path)
    # the reference flow has no flow dataset here, so its unit is unknown
    assert parsed.factors == []
    assert (parsed.problems[0].file, parsed.problems[0].field) == (str(path), "unit")


def test_unreadable_archive(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(b"PK\x03\x04garbage")
    parsed = read_ilcd(path)
    assert len(parsed.problems) == 1 and parsed.problems[0].file == str(path)
