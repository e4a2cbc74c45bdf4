"""The PCR library: every shipped rule validates, the schema is published, studies find their
rule, and bad PCR files are reported with file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tanzuji.model.errors import StudyError
from tanzuji.model.loader import load_study
from tanzuji.rules import find_pcr, get_pcr, load_library, load_pcr
from tanzuji.rules.library import LIBRARY
from tanzuji.rulescli import pcr_schema

from .conftest import EXAMPLES

SHIPPED = sorted(LIBRARY.glob("*.yaml"))


def test_library_has_the_rules_the_issue_asks_for() -> None:
    lib = load_library()
    assert len(lib) >= 8
    standards = " ".join(r.standard for r in lib.values())
    for needle in ("GB/T 44905-2024", "ISO 20915", "EN 16908", "T/GDCPA 013-2023", "CFB-EV"):
        assert needle in standards
    assert {"steel-bf-bof", "steel-eaf", "cn-electricity", "cn-li-ion-traction-battery",
            "eu-battery-cfb-ev", "cn-notebook-computer"} <= set(lib)
    assert lib["steel-bf-bof"].qualifiers == {"route": "BF-BOF"}
    assert lib["cn-aluminium-electrolytic"].cut_off is not None
    assert lib["cn-aluminium-electrolytic"].cut_off.per_item_percent == 1.0


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_shipped_pcr_validates(path: Path) -> None:
    rule = load_pcr(path)
    assert path.stem == rule.id
    assert rule.sources and all(s.title for s in rule.sources)
    assert rule.title_zh and rule.title_en and rule.version
    for m in rule.mandatory_processes:
        assert m.aliases


def test_published_schema_is_generated_from_the_model() -> None:
    shipped = json.loads((LIBRARY.parent / "pcr.schema.json").read_text(encoding="utf-8"))
    assert shipped == pcr_schema()


@pytest.mark.parametrize(("example", "rule"), [
    ("lfp-battery-pack.yaml", "cn-li-ion-traction-battery"),
    ("portland-cement.yaml", "cement-en16908"),
    ("pv-module.yaml", "cn-pv-module"),
    ("steel-bf-bof-hot-rolled.yaml", "steel-bf-bof"),
])
def test_examples_find_their_pcr(example: str, rule: str) -> None:
    study, _ = load_study(EXAMPLES / example)
    found = find_pcr(study)
    assert found is not None and found.id == rule


def test_find_pcr_by_id_none_and_ambiguity() -> None:
    study, _ = load_study(EXAMPLES / "steel-bf-bof-hot-rolled.yaml")
    study.study.pcr = "steel-eaf@1.0"
    assert find_pcr(study).id == "steel-eaf"  # type: ignore[union-attr]
    study.study.pcr = "none"
    assert find_pcr(study) is None
    study.study.pcr = "ISO 20915:2018"
    study.study.title = study.study.id = study.study.product.name = "hot-rolled coil"
    with pytest.raises(StudyError, match="several PCRs"):
        find_pcr(study)


def test_get_pcr_versions_and_files() -> None:
    assert get_pcr("cn-pv-module@1.0").id == "cn-pv-module"
    with pytest.raises(StudyError, match=r"version 1\.0"):
        get_pcr("cn-pv-module@2.0")
    with pytest.raises(StudyError, match="unknown PCR"):
        get_pcr("no-such-rule")
    assert get_pcr(str(SHIPPED[0])).id == SHIPPED[0].stem


def test_bad_pcr_file_names_file_line_and_field(tmp_path: Path) -> None:
    doc = yaml.safe_load((LIBRARY / "cn-aluminium-electrolytic.yaml").read_text(encoding="utf-8"))
    doc["cut_off"]["per_item_percent"] = 150
    doc["unit"]["unit"] = "tonnes_x"
    del doc["sources"]
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(StudyError) as info:
        load_pcr(bad)
    problems = {p.field: p for p in info.value.problems}
    assert set(problems) == {"sources", "unit.unit", "cut_off.per_item_percent"}
    text = bad.read_text(encoding="utf-8").splitlines()
    unit = problems["unit.unit"]
    assert unit.file == str(bad) and unit.line is not None
    assert text[unit.line - 1].strip().startswith("unit: tonnes_x")
    assert "unknown unit" in unit.message


def test_malformed_pcr_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("id: x\nversion: [1\n", encoding="utf-8")
    with pytest.raises(StudyError) as info:
        load_pcr(bad)
    assert info.value.problems[0].code == "syntax" and info.value.problems[0].line == 3
