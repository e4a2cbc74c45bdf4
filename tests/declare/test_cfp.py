"""The CFP declaration (DECL-01..03): every example declares, and a partial CFP says so."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from tanzuji.declare.cfp import cfp_declaration
from tanzuji.declare.labels import DESIGNATION, Lang
from tanzuji.declare.render import cfp_html, cfp_pdf, plain
from tanzuji.declare.source import load
from tests.conftest import WriteStudy
from tests.declare.examples import NAMES, declarable, full_cfp_study


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_example_declares(name: str, lang: Lang) -> None:
    d = declarable(name)
    decl = cfp_declaration(d, lang)
    info = d.study.study
    # DECL-01 fields
    assert decl.product.model == info.product.model
    assert decl.producer.name == info.product.producer and decl.producer.site == info.product.site
    assert decl.unit.description == info.unit.description
    assert decl.value.amount == pytest.approx(d.result.total, rel=5e-3)
    assert decl.value.significant_digits == 3
    assert len(re.sub(r"[^0-9]", "", plain(decl.value.amount)).strip("0")) <= 3
    assert decl.boundary == info.boundary and len(decl.stages) == 5
    assert decl.reference_period_start == info.reference_period.start
    assert decl.pcr == info.pcr and "GB/T 24067-2024" in decl.standards
    assert decl.gwp == "IPCC AR6 GWP100"
    assert decl.primary_data_share_percent == pytest.approx(d.result.primary_data_share, abs=0.05)
    assert decl.validity.start == dt.date(2025, 3, 15) and not decl.validity.default
    assert decl.verification.status == "certified"
    assert decl.verification.certificate_number == "CFP-2025-0001"
    assert decl.public_report_url == "https://example.com/pcf/report-0001"
    # DECL-02: all examples are partial CFPs, and say so
    assert decl.result_type == "partial_CFP"
    assert decl.designation == DESIGNATION[lang]["partial_CFP"]
    html = cfp_html(decl)
    assert f"<h1>{decl.designation}</h1>" in html
    assert html.count(decl.designation) >= 3  # title, heading, label beside the value
    excluded = [s for s in decl.stages if not s.included]
    assert excluded and all(s.value is None and s.justification for s in excluded)
    assert any(("partial CFP" in s) or ("部分碳足迹" in s) for s in decl.statements)
    # DECL-03 and INT-03
    assert any(("carbon-neutrality" in s) or ("碳中和" in s) for s in decl.statements)


def test_full_cfp_is_not_called_partial(write_study: WriteStudy) -> None:
    d = load(write_study(full_cfp_study()))
    en, zh = cfp_declaration(d, "en"), cfp_declaration(d, "zh")
    assert en.designation == "Carbon footprint of a product (CFP)"
    assert zh.designation == "产品碳足迹"
    assert "Partial" not in cfp_html(en) and "部分碳足迹" not in cfp_html(zh)
    assert all(s.included for s in en.stages)
    r = en.reported_apart
    assert (r.fossil, r.aircraft, r.dluc, r.biogenic_removals) == (2.0, 2.0, 0.3, -2.0)
    assert r.biogenic_emissions == pytest.approx(0.77)
    assert en.value.amount == pytest.approx(3.07)


def test_defaults_without_info(write_study: WriteStudy) -> None:
    d = load(write_study(full_cfp_study()))
    decl = cfp_declaration(d, "en")
    assert decl.validity.default
    assert (decl.validity.start, decl.validity.end) == (dt.date(2025, 1, 1), dt.date(2028, 1, 1))
    assert decl.verification.status == "not_verified"
    assert decl.public_report_url is None and "not published" in cfp_html(decl)
    assert decl.declaration_id.startswith("test-study-")
    assert decl.declaration_id == cfp_declaration(load(write_study(full_cfp_study())),
                                                  "zh").declaration_id


@pytest.mark.parametrize(("value", "digits", "expected"), [
    (739.4665, 3, 739.0), (2105.68, 3, 2110.0), (0.00063767, 3, 0.000638), (0.1781, 2, 0.18),
    (-0.0012941, 3, -0.00129), (0.0, 3, 0.0),
])
def test_significant_digits(write_study: WriteStudy, value: float, digits: int,
                            expected: float) -> None:
    d = load(write_study(full_cfp_study()))
    info = d.info.model_copy(update={"significant_digits": digits})
    assert type(d)(**{**d.__dict__, "info": info}).rounded(value) == expected


def test_html_escapes_study_text(write_study: WriteStudy) -> None:
    doc = full_cfp_study()
    doc["study"]["product"]["name"] = "<script>alert(1)</script>"
    html = cfp_html(cfp_declaration(load(write_study(doc)), "en"))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_pdf_is_one_page_and_holds_the_value() -> None:
    d = declarable("lfp-battery-pack.yaml")
    for lang in ("zh", "en"):
        declaration = cfp_declaration(d, lang)
        pdf = PdfReader(io.BytesIO(cfp_pdf(declaration)))
        assert len(pdf.pages) == 1, lang
        assert plain(declaration.value.amount) in pdf.pages[0].extract_text(), lang
