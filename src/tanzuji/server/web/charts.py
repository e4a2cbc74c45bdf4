"""Plotly figures (plain JSON: data and layout) of a stored result, drawn in the page by the
plotly.js that ships inside the ``plotly`` package; nothing is computed here but the layout."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from tanzuji.accounting.result import STAGES, StudyResult, TreeNode

Figure = dict[str, Any]
# the page's CJK face first (see static/site.css), so Chinese axis and legend words render
_FONT = '"Tanzuji CJK", system-ui, sans-serif'
_LAYOUT: dict[str, Any] = {"margin": {"l": 10, "r": 10, "t": 10, "b": 10}, "height": 320,
                           "font": {"family": _FONT, "size": 12}}
_GREEN = "#2f7d4f"


def short(name: str, size: int = 36) -> str:
    """A name cut to fit a chart's axis or node (the full name stays in the hover text)."""
    return name if len(name) <= size else name[:size - 1] + "…"


def _layout(**extra: Any) -> dict[str, Any]:
    return {**_LAYOUT, **extra}


def stage_figure(result: StudyResult, words: dict[str, str]) -> Figure:
    """One bar per life-cycle stage (kg CO2e per unit)."""
    names = [words.get(f"stage_{s}", s) for s in STAGES]
    values = [result.by_stage.get(s, 0.0) for s in STAGES]
    return {"data": [{"type": "bar", "x": names, "y": values, "marker": {"color": _GREEN},
                      "hovertemplate": "%{x}: %{y:.4g}<extra></extra>"}],
            "layout": _layout(yaxis={"title": {"text": result.unit}, "automargin": True},
                              xaxis={"automargin": True})}


def hotspot_figure(result: StudyResult, limit: int = 10) -> Figure:
    """The largest process contributions, largest on top."""
    spots = sorted(result.hotspots, key=lambda h: abs(h.value), reverse=True)[:limit][::-1]
    return {"data": [{"type": "bar", "orientation": "h", "y": [short(h.name) for h in spots],
                      "x": [h.value for h in spots], "marker": {"color": "#c2703d"},
                      "customdata": [[h.name, round(h.share, 1)] for h in spots],
                      "hovertemplate": "%{customdata[0]}: %{x:.4g} (%{customdata[1]} %)"
                                       "<extra></extra>"}],
            "layout": _layout(height=max(200, 40 + 28 * len(spots)),
                              yaxis={"automargin": True},
                              xaxis={"title": {"text": result.unit}, "automargin": True})}


def uncertainty_figure(result: StudyResult) -> Figure | None:
    """The histogram of Monte Carlo totals, with the deterministic total marked; None when the
    result has no Monte Carlo run."""
    unc = result.uncertainty
    if unc is None or unc.histogram is None:
        return None
    edges, counts = unc.histogram.edges, unc.histogram.counts
    centres = [(a + b) / 2 for a, b in pairwise(edges)]
    widths = [b - a for a, b in pairwise(edges)]
    top = max(counts) if counts else 1
    return {"data": [{"type": "bar", "x": centres, "y": counts, "width": widths,
                      "marker": {"color": "#5b7db1"},
                      "hovertemplate": "%{x:.4g}: %{y}<extra></extra>"},
                     {"type": "scatter", "mode": "lines", "x": [unc.deterministic] * 2,
                      "y": [0, top], "line": {"color": "#222", "dash": "dash"},
                      "hoverinfo": "skip"}],
            "layout": _layout(showlegend=False, bargap=0,
                              xaxis={"title": {"text": result.unit}, "automargin": True},
                              yaxis={"automargin": True})}


def sankey_figure(result: StudyResult, depth: int = 3) -> Figure:
    """The supply tree as a Sankey: each node's value flows into the node that uses it."""
    labels: list[str] = []
    source: list[int] = []
    target: list[int] = []
    value: list[float] = []

    def walk(node: TreeNode, level: int) -> int:
        index = len(labels)
        labels.append(short(node.name, 48))
        if level < depth:
            for child in node.children:
                if child.value > 0:
                    child_index = walk(child, level + 1)
                    source.append(child_index)
                    target.append(index)
                    value.append(child.value)
        return index

    walk(result.tree, 0)
    return {"data": [{"type": "sankey", "arrangement": "snap",
                      "node": {"label": labels, "pad": 12, "thickness": 14,
                               "color": _GREEN},
                      "link": {"source": source, "target": target, "value": value}}],
            "layout": _layout(height=420)}


def result_figures(result: StudyResult, words: dict[str, str]) -> dict[str, Figure | None]:
    """Every chart of the result page, keyed by the element id they are drawn into."""
    return {"chart-stages": stage_figure(result, words),
            "chart-hotspots": hotspot_figure(result),
            "chart-uncertainty": uncertainty_figure(result),
            "chart-sankey": sankey_figure(result)}


_STATUS_COLOURS = {"valid": _GREEN, "suspended": "#d9a400", "withdrawn": "#9a2b16",
                   "cancelled": "#6b7a72", "expired": "#9fb3a8"}


def certificate_status_figure(rows: list[dict[str, Any]], words: dict[str, str]) -> Figure:
    """Stacked bars: the certificates of each key by their status now."""
    keys = [short(str(r["key"]), 24) for r in rows]
    data = [{"type": "bar", "name": words.get(f"status_{s}", s), "x": keys,
             "y": [r[s] for r in rows], "marker": {"color": colour}}
            for s, colour in _STATUS_COLOURS.items()]
    return {"data": data, "layout": _layout(barmode="stack", xaxis={"automargin": True},
                                            yaxis={"automargin": True},
                                            legend={"orientation": "h"})}


def timeline_figure(rows: list[dict[str, Any]], words: dict[str, str]) -> Figure:
    """Certificates issued, suspended and withdrawn per month (all keys together)."""
    months = sorted({r["month"] for r in rows})
    colours = {"issued": _GREEN, "suspended": "#d9a400", "withdrawn": "#9a2b16"}
    data = [{"type": "scatter", "mode": "lines+markers", "name": words.get(f"reg_{m}", m),
             "x": months, "y": [sum(r[m] for r in rows if r["month"] == month)
                                for month in months], "line": {"color": colour}}
            for m, colour in colours.items()]
    return {"data": data, "layout": _layout(xaxis={"type": "category", "automargin": True},
                                            yaxis={"automargin": True},
                                            legend={"orientation": "h"})}


def count_figure(labels: list[str], values: list[float], colour: str = _GREEN,
                 suffix: str = "") -> Figure:
    """One bar per label (flags per code, disagreement rate per key, factors per class)."""
    return {"data": [{"type": "bar", "x": [short(x, 24) for x in labels], "y": values,
                      "marker": {"color": colour},
                      "hovertemplate": "%{x}: %{y}" + suffix + "<extra></extra>"}],
            "layout": _layout(xaxis={"type": "category", "automargin": True},
                              yaxis={"automargin": True})}
