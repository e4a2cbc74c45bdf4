"""Benchmarking and grades (分级): a product's footprint against its PCR's category.

``grade_for`` is the stable entry point other services (procurement, green finance) call."""

from __future__ import annotations

from sqlalchemy import Engine

from tanzuji.benchmark.category import BenchmarkError, Category, category, category_dict
from tanzuji.benchmark.grades import Grade, grade
from tanzuji.benchmark.units import BenchmarkUnitError, convert_footprint

__all__ = ["BenchmarkError", "Category", "Grade", "category", "category_dict", "grade",
           "grade_for"]


def grade_for(engine: Engine, pcr_id: str, value: float, *,
              unit: str | None = None) -> Grade | None:
    """The grade of ``value`` in its category, or None when the PCR is unknown, has no
    benchmark, or too few values for its scale.

    ``value`` is kg CO2e per the PCR's declared unit, or, with ``unit`` (a certificate's or a
    result's unit such as ``kg CO2e per 1 kg``), converted from that; a unit that does not
    convert gives None rather than a grade of the wrong quantity."""
    try:
        cat = category(engine, pcr_id)
        if unit is not None:
            value = convert_footprint(value, unit, cat.rule.unit)
    except (BenchmarkError, BenchmarkUnitError):
        return None
    return grade(value, cat.distribution, cat.rule.scale)
