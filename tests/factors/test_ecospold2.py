"""EcoSpold2 reader: small hand-written datasets with known numbers."""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from pathlib import Path

import pytest

from tanzuji.factors.formats.ecospold2 import read_ecospold2

ACT_A = "a0000000-0000-0000-0000-00000000000a"
ACT_B = "b0000000-0000-0000-0000-00000000000b"
STEEL = "5e000000-0000-0000-0000-000000000001"
WIDGET = "5e000000-0000-0000-0000-000000000002"


def product(pid: str, name: str, amount: float | str, unit: str = "kg", group: str = "output",
            number: int = 0, link: str | None = None, uncertainty: str = "") -> str:
    link_attr = f' activityLinkId="{link}"' if link else ""
    return (f'<intermediateExchange id="x{pid[-4:]}{number}" intermediateExchangeId="{pid}" '
            f'amount="{amount}"{link_attr}><name xml:lang="en">{name}</name>'
            f'<unitName xml:lang="en">{unit}</unitName>{uncertainty}'
            f'<{group}Group>{number}</{group}Group></intermediateExchange>')


def elementary(name: str, amount: float | str, comp: str = "air",
               sub: str = "unspecified", group: str = "output", uncertainty: str = "") -> str:
    return (f'<elementaryExchange id="e" elementaryExchangeId="e1" amount="{amount}">'
            f'<name xml:lang="en">{name}</name><unitName xml:lang="en">kg</unitName>'
            f'<compartment subcompartmentId="s"><compartment xml:lang="en">{comp}</compartment>'
            f'<subcompartment xml:lang="en">{sub}</subcompartment></compartment>{uncertainty}'
            f'<{group}Group>4</{group}Group></elementaryExchange>')


def spold(activity: str, name: str, exchanges: str, geo: str = "CN") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ecoSpold xmlns="http://www.EcoInvent.org/EcoSpold02">
 <activityDataset>
  <activityDescription>
   <activity id="{activity}" activityNameId="n1" type="1">
    <activityName xml:lang="en">{name}</activityName>
    <activityName xml:lang="zh">钢铁生产</activityName>
    <generalComment><text xml:lang="en" index="0">Test dataset.</text></generalComment>
   </activity>
   <geography geographyId="g1"><shortname xml:lang="en">{geo}</shortname></geography>
   <technology technologyLevel="3"><comment><text xml:lang="en" index="0">BF-BOF</text>
   </comment></technology>
   <timePeriod startDate="2020-01-01" endDate="2022-12-31" isDataValidForEntirePeriod="true"/>
  </activityDescription>
  <flowData>{exchanges}</flowData>
  <modellingAndValidation>
   <review reviewerId="r" reviewerName="R. Viewer"><details>
    <text xml:lang="en" index="0">Looks fine.</text></details></review>
  </modellingAndValidation>
  <administrativeInformation>
   <dataEntryBy personId="p1" personName="D. Entry"/>
   <dataGeneratorAndPublication personId="p2" personName="G. Enerator" dataPublishedIn="2"
     publishedSourceYear="2021" publishedSourceFirstAuthor="Author" accessRestrictedTo="1"/>
  </administrativeInformation>
 </activityDataset>
</ecoSpold>
"""


STEEL_XML = spold(ACT_A, "steel production", product(STEEL, "steel", 1.0)
                  + elementary("Carbon dioxide, fossil", 2.0)
                  + elementary("Methane, fossil", 0.01)
                  + elementary("Water", 5.0, "water", "surface water"))


def test_lci_dataset_becomes_factor(tmp_path: Path) -> None:
    path = tmp_path / "steel.spold"
    path.write_text(STEEL_XML, encoding="utf-8")
    parsed = read_ecospold2(path)
    assert parsed.problems == []
    (factor,) = parsed.factors
    assert factor.id == f"ecoinvent:{ACT_A}_{STEEL}"
    assert factor.gases == {"CO2": 2.0, "CH4": 0.01}
    assert factor.origin == "fossil"
    assert factor.co2e("AR6") == pytest.approx(2.298)
    assert factor.unit == "kg"
    assert factor.name_en == "steel production" and factor.name_zh == "钢铁生产"
    assert factor.geography == "CN"
    assert (factor.valid_from, factor.valid_until, factor.year) == (
        dt.date(2020, 1, 1), dt.date(2022, 12, 31), 2022)
    assert factor.technology == "current technology: BF-BOF"
    assert factor.provenance.developer == "G. Enerator"
    assert factor.provenance.source == "Author (2021)"
    assert factor.provenance.document == str(path)
    assert factor.licence == "licensees"
    assert factor.comment == "Test dataset.\nReview (R. Viewer): Looks fine."


def test_amounts_are_per_unit_and_uncertainty_kept(tmp_path: Path) -> None:
    lognormal = ('<uncertainty><lognormal meanValue="4" mu="1.386" variance="0.04" '
                 'varianceWithPedigreeUncertainty="0.09"/></uncertainty>')
    xml = spold(ACT_A, "steel", product(STEEL, "steel", 2.0, unit="t")
                + elementary("Carbon dioxide, fossil", 4000.0, uncertainty=lognormal))
    path = tmp_path / "s.spold"
    path.write_text(xml, encoding="utf-8")
    (factor,) = read_ecospold2(path).factors
    assert factor.unit == "t"
    assert factor.gases == {"CO2": 2000.0}
    assert factor.uncertainty is not None
    assert factor.uncertainty.gsd == pytest.approx(math.exp(0.3))


def test_unit_process_keeps_links(tmp_path: Path) -> None:
    normal = '<uncertainty><normal meanValue="0.5" variance="0.0004"/></uncertainty>'
    widget = spold(ACT_B, "widget making",
                   product(WIDGET, "widget", 1.0, unit="unit")
                   + product(STEEL, "steel", 0.5, group="input", number=5, link=ACT_A,
                             uncertainty=normal)
                   + product("5e000000-0000-0000-0000-000000000009", "by-product", 0.2,
                             number=2)
                   + elementary("Carbon dioxide, non-fossil", 0.3)
                   + elementary("Carbon dioxide, in air", 0.1, "natural resource", "in air",
                                group="input"))
    (tmp_path / "steel.spold").write_text(STEEL_XML, encoding="utf-8")
    (tmp_path / "widget.spold").write_text(widget, encoding="utf-8")
    parsed = read_ecospold2(tmp_path)
    assert parsed.problems == []
    (proc,) = parsed.processes
    assert proc.id == f"ecoinvent:{ACT_B}_{WIDGET}"
    assert proc.unit == "piece" and proc.reference_product == "widget"
    by_dir = {(e.direction, e.name): e for e in proc.exchanges}
    steel = by_dir[("input", "steel")]
    assert steel.amount == 0.5 and steel.unit == "kg"
    assert steel.factor == f"ecoinvent:{ACT_A}_{STEEL}"  # the steel dataset became a factor
    assert steel.uncertainty is not None and steel.uncertainty.sd == pytest.approx(0.02)
    co2 = by_dir[("emission", "Carbon dioxide, non-fossil")]
    assert (co2.gas, co2.origin, co2.amount) == ("CO2", "biogenic", 0.3)
    removal = by_dir[("removal", "Carbon dioxide, in air")]
    assert (removal.gas, removal.origin, removal.amount) == ("CO2", "biogenic", 0.1)
    assert "by-products not recorded: by-product" in (proc.comment or "")


def test_links_without_activity_link_id_resolve_by_product(tmp_path: Path) -> None:
    widget = spold(ACT_B, "widget making", product(WIDGET, "widget", 1.0)
                   + product(STEEL, "steel", 0.5, group="input", number=5))
    archive = tmp_path / "db.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("datasets/steel.spold", STEEL_XML)
        zf.writestr("datasets/widget.spold", widget)
    parsed = read_ecospold2(archive)
    assert parsed.problems == []
    (proc,) = parsed.processes
    (link,) = [e for e in proc.exchanges if e.direction == "input"]
    assert link.factor == f"ecoinvent:{ACT_A}_{STEEL}"
    assert parsed.factors[0].provenance.document == f"{archive}!datasets/steel.spold"


def test_bad_elements_become_problems(tmp_path: Path) -> None:
    triangular = ('<uncertainty><triangular minValue="3" mostLikelyValue="2" maxValue="1"/>'
                  '</uncertainty>')
    xml = spold(ACT_A, "steel", product(STEEL, "steel", 1.0)
                + elementary("Carbon dioxide, fossil", "two")
                + elementary("Methane, fossil", 0.01, uncertainty=triangular)
                + product("5e000000-0000-0000-0000-000000000003", "coal", 1.0, unit="zorkmids",
                          group="input", number=5, link=ACT_B))
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("a/bad.spold", xml)
        zf.writestr("a/broken.spold", "<ecoSpold><not closed>")
    parsed = read_ecospold2(archive)
    where = {(p.file, p.row, p.field) for p in parsed.problems}
    assert (f"{archive}!a/bad.spold", "flowData/elementaryExchange[1]", "amount") in where
    assert (f"{archive}!a/bad.spold", "flowData/elementaryExchange[2]/uncertainty",
            "uncertainty") in where
    assert (f"{archive}!a/bad.spold", "flowData/intermediateExchange[2]", "unit") in where
    assert any(p.file == f"{archive}!a/broken.spold" and "XML" in p.reason
               for p in parsed.problems)
    (factor,) = parsed.factors  # the rest of the dataset is still read
    assert factor.gases == {"CH4": 0.01}


def test_unreadable_archive_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    parsed = read_ecospold2(path)
    assert len(parsed.problems) == 1 and parsed.problems[0].file == str(path)


def test_missing_reference_product(tmp_path: Path) -> None:
    path = tmp_path / "x.spold"
    path.write_text(spold(ACT_A, "x", elementary("Carbon dioxide, fossil", 1.0)),
                    encoding="utf-8")
    parsed = read_ecospold2(path)
    assert parsed.factors == []
    assert parsed.problems[0].field == "outputGroup"


def test_entities_are_not_expanded(tmp_path: Path) -> None:
    path = tmp_path / "evil.spold"
    path.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
                    encoding="utf-8")
    parsed = read_ecospold2(path)
    assert parsed.factors == [] and len(parsed.problems) == 1
