"""The shipped starter factor set: every row reads, cites its source, and matches SOURCES.md."""

from __future__ import annotations

import re
from collections import Counter
from importlib import resources
from pathlib import Path

import pytest

from tanzuji.factors import crossval
from tanzuji.factors.formats import Parsed
from tanzuji.factors.formats.csvfile import read_csv
from tanzuji.factors.record import FactorRecord
from tanzuji.factors.shipped import starter_file

SOURCES = Path(str(resources.files("tanzuji") / "data" / "factors" / "SOURCES.md"))
# the gaps the issue names, each with a term that a factor covering it has in its name
PCR_NEEDS = {
    "steel by route": "BF-BOF", "primary aluminium": "Primary aluminium", "alumina": "Alumina",
    "cement": "cement", "clinker": "clinker", "glass": "glass", "copper": "Copper",
    "polypropylene": "Polypropylene", "PVC": "PVC", "polystyrene": "Polystyrene",
    "PET": "Polyethylene terephthalate", "NMC cathode": "NMC cathode",
    "LFP cathode": "Lithium iron phosphate", "battery pack": "Battery pack",
    "graphite anode": "graphite anode", "polysilicon": "Polysilicon",
    "PV cell": "Solar cell", "PV module": "PV module", "coal": "coal",
    "natural gas": "Natural gas", "diesel": "diesel", "hydrogen": "Hydrogen",
    "steam": "steam", "road freight": "Road freight", "rail freight": "Rail freight",
    "sea freight": "Sea freight", "air freight": "Air freight",
}


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    return read_csv(starter_file())


@pytest.fixture(scope="module")
def factors(parsed: Parsed) -> list[FactorRecord]:
    return list(parsed.factors)


def test_every_row_reads_without_a_problem(parsed: Parsed) -> None:
    assert parsed.problems == []
    assert len(parsed.factors) >= 150
    ids = [f.id for f in parsed.factors]
    assert len(ids) == len(set(ids))


def test_every_factor_cites_its_source(factors: list[FactorRecord]) -> None:
    for f in factors:
        where = f.provenance
        assert where.source or where.document, f.id
        assert where.table, f"{f.id}: no table, page or record"
        assert where.url, f"{f.id}: no address"
        assert f.licence, f"{f.id}: no terms of use"
        assert f.year and f.boundary and f.geography and f.geography_level, f.id
        assert f.dqr is not None, f"{f.id}: no data-quality scores"


def test_the_key_pcr_needs_are_covered(factors: list[FactorRecord]) -> None:
    names = [f.name_en.casefold() for f in factors]
    missing = [need for need, term in PCR_NEEDS.items()
               if not any(term.casefold() in name for name in names)]
    assert missing == []


def test_sources_md_counts_match_the_csv(factors: list[FactorRecord]) -> None:
    text = SOURCES.read_text(encoding="utf-8")
    total = re.search(r"holds (\d+) background factors", text)
    assert total is not None and int(total.group(1)) == len(factors)
    counted: Counter[str] = Counter()
    for line in text.splitlines():
        row = re.match(r"\|\s*((?:`[^`]+`(?:,\s*)?)+)\s*\|\s*(\d+)\s*\|", line)
        if row is None:
            continue
        prefixes = tuple(re.findall(r"`([^`]+)`", row.group(1)))
        members = [f.id for f in factors if f.id.startswith(prefixes)]
        assert len(members) == int(row.group(2)), prefixes
        counted.update(members)
    assert set(counted) == {f.id for f in factors}, "ids that no table row counts"
    assert max(counted.values()) == 1, "ids counted by two table rows"


def test_each_cross_validation_flag_is_explained(factors: list[FactorRecord]) -> None:
    flags = crossval.check(factors)
    by_id = {f.id: f for f in factors}
    for flag in flags:
        assert "flag" in (by_id[flag.factor_id].comment or ""), flag.message
    # the battery packs are per kWh of capacity, which the electricity range check flags
    assert {(f.factor_id, f.code) for f in flags} >= {
        ("cpcd:46420X0172021C", "out_of_range"), ("cpcd:46420X0182021C", "out_of_range")}


def test_the_rows_checked_in_this_revision_say_so(factors: list[FactorRecord]) -> None:
    by_id = {f.id: f for f in factors}
    for fid in ("ipcc2006:ippu:steel-bof", "ipcc2006:ippu:clinker",
                "ipcc2006:mobile:road-diesel"):
        comment = by_id[fid].comment or ""
        dqr = by_id[fid].dqr
        assert "cross-checked" in comment and "from memory" not in comment, fid
        assert dqr is not None and dqr.reliability == 2, fid
