"""The declaration info file: defaults, the default location, errors with file:line field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanzuji.declare.info import DeclarationInfo, default_info_path, load_info
from tanzuji.declare.source import load
from tanzuji.model.errors import StudyError
from tests.conftest import WriteStudy
from tests.declare.examples import INFO, full_cfp_study


def test_shipped_test_info_loads() -> None:
    info = load_info(INFO)
    assert info.verification.status == "certified"
    assert info.battery is not None and info.battery.category == "electric_vehicle"


def test_default_location_beside_the_study(write_study: WriteStudy) -> None:
    path = write_study(full_cfp_study(), name="widget.yaml")
    assert default_info_path(path) == path.parent / "widget.declaration.yaml"
    assert load(path).info_file is None
    default_info_path(path).write_text("public_report_url: https://example.com/r\n")
    d = load(path)
    assert d.info_file == str(default_info_path(path))
    assert d.info.public_report_url == "https://example.com/r"


def test_empty_file_is_all_defaults(tmp_path: Path) -> None:
    path = tmp_path / "info.yaml"
    path.write_text("# nothing yet\n")
    assert load_info(path) == DeclarationInfo()


@pytest.mark.parametrize(("text", "line", "field"), [
    ("significant_digits: 3\nverification:\n  status: certified\n  body: CB\n", 2,
     "verification"),
    ("public_report_url: not-a-link\n", 1, "public_report_url"),
    ("company_ids:\n  - urn:a:b\n  - 7\n", 3, "company_ids[1]"),
    ("valid_from: 2025-01-01\nvalid_until: 2024-01-01\n", 1, ""),
    ("unknown_field: 1\n", 1, "unknown_field"),
])
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int,
                                         field: str) -> None:
    path = tmp_path / "info.yaml"
    path.write_text(text)
    with pytest.raises(StudyError) as caught:
        load_info(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.field) == (str(path), line, field)


def test_malformed_and_missing_files(tmp_path: Path) -> None:
    path = tmp_path / "info.yaml"
    path.write_text("a: [1\n")
    with pytest.raises(StudyError, match="malformed YAML"):
        load_info(path)
    with pytest.raises(StudyError, match="cannot read"):
        load_info(tmp_path / "absent.yaml")
    path.write_text("- 1\n")
    with pytest.raises(StudyError, match="mapping"):
        load_info(path)
