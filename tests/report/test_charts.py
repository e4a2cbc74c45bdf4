"""Charts are well-formed SVG whose shapes follow the numbers given."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from tanzuji.report import charts
from tanzuji.report.context import num

NS = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def rects(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{NS}rect") if r.get("fill") != "#ffffff"]


def test_bar_chart_draws_negative_values_to_the_left() -> None:
    root = parse(charts.bar_chart([("production", 10.0), ("credit", -5.0)], num, "stages"))
    bars = rects(root)
    assert len(bars) == 2
    pos, neg = bars
    assert neg.get("fill") == charts.RED
    assert float(pos.get("width", 0)) == pytest.approx(2 * float(neg.get("width", 0)), rel=0.01)
    assert float(neg.get("x", 0)) + float(neg.get("width", 0)) == pytest.approx(
        float(pos.get("x", 0)), abs=0.2)


def test_pareto_bars_by_rank_and_cumulative_line() -> None:
    root = parse(charts.pareto_chart([60.0, 30.0, 10.0], num, "hot spots"))
    assert len(rects(root)) == 3
    heights = [float(r.get("height", 0)) for r in rects(root)]
    assert heights[0] == pytest.approx(2 * heights[1], rel=0.01)
    assert len(list(root.iter(f"{NS}circle"))) == 3
    assert "80 %" in "".join(root.itertext())


def test_histogram_has_one_bar_per_bin_and_its_markers() -> None:
    root = parse(charts.histogram_chart([0, 1, 2, 3], [2, 4, 1], [("median", 1.5)], num, "mc"))
    heights = [float(r.get("height", 0)) for r in rects(root)]
    assert heights[1] == max(heights) and heights[0] == pytest.approx(heights[1] / 2)
    assert "median" in "".join(root.itertext())


def test_tornado_puts_the_widest_range_on_top() -> None:
    root = parse(charts.tornado_chart([("a", 9.0, 11.0), ("b", 5.0, 15.0)], 10.0, num, "t"))
    labels = [t.text for t in root.iter(f"{NS}text")]
    assert labels.index("b") < labels.index("a")


def test_sankey_draws_every_node_to_the_depth_limit() -> None:
    leaf = charts.Flow("coal mining", 2.0)
    tree = charts.Flow("product", 10.0, [
        charts.Flow("smelting", 8.0, [charts.Flow("ore", 6.0, [leaf]), charts.Flow("slag",
                                                                                   -1.0)]),
        charts.Flow("transport", 2.0)])
    root = parse(charts.sankey_chart(tree, num, "supply", max_depth=2))
    nodes = [r for r in rects(root) if r.find(f"{NS}title") is not None]
    assert len(nodes) == 5  # coal mining lies beyond max_depth=2
    assert any(r.get("fill") == charts.RED for r in nodes)  # the slag credit
    assert len(list(root.iter(f"{NS}path"))) == 4  # one band per supplier drawn


def test_fit_cuts_labels_to_their_room() -> None:
    assert charts.fit("short", 100, 10) == "short"
    cut = charts.fit("原材料获取阶段的很长的名称", 50, 10)
    assert cut.endswith("…") and len(cut) <= 5
