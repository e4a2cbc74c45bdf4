"""Charts as inline SVG: stages, Pareto, Monte Carlo histogram, tornado, supply-chain Sankey.

Plain SVG built here needs no JavaScript and no browser, so the same markup works in the HTML
report and in WeasyPrint's PDF. Charts take plain numbers and labels, never a result object:
what to show is decided by the report context, how to draw it here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

FONT = "Noto Sans SC, sans-serif"
BLUE = "#2f6f9f"
GREEN = "#3c9a5f"
RED = "#c0504d"
ORANGE = "#e08a2c"
GREY = "#8a8f98"
PALETTE = ["#2f6f9f", "#3c9a5f", "#e08a2c", "#8e5ea2", "#c0504d", "#4bacc6", "#9bbb59",
           "#f2c14e", "#7f6a5c", "#5c7f7a"]

Format = Callable[[float], str]


class Svg:
    """A small SVG writer: shapes in user units, text escaped."""

    def __init__(self, width: float, height: float, title: str) -> None:
        self.width = width
        self.height = height
        self.parts = [f"<title>{escape(title)}</title>"]

    def rect(self, x: float, y: float, w: float, h: float, fill: str, tip: str = "",
             opacity: float = 1.0) -> None:
        title = f"<title>{escape(tip)}</title>" if tip else ""
        alpha = f' fill-opacity="{opacity}"' if opacity < 1 else ""
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
                          f'height="{max(h, 0):.1f}" fill="{fill}"{alpha}>{title}</rect>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = GREY,
             dash: bool = False, width: float = 1.0) -> None:
        style = ' stroke-dasharray="4 3"' if dash else ""
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                          f'stroke="{stroke}" stroke-width="{width}"{style}/>')

    def path(self, d: str, fill: str = "none", stroke: str = "none", opacity: float = 1.0,
             tip: str = "") -> None:
        title = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(f'<path d="{d}" fill="{fill}" stroke="{stroke}" '
                          f'fill-opacity="{opacity}">{title}</path>')

    def circle(self, x: float, y: float, r: float, fill: str) -> None:
        self.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}"/>')

    def text(self, x: float, y: float, text: str, anchor: str = "start", size: float = 11,
             fill: str = "#222", bold: bool = False) -> None:
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
                          f'font-size="{size}"{weight} fill="{fill}">{escape(text)}</text>')

    def render(self) -> str:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
                f'viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
                f'width="{self.width:.0f}" height="{self.height:.0f}" '
                f'font-family="{FONT}">' + "".join(self.parts) + "</svg>")


def _text_width(text: str, size: float) -> float:
    """Rough width of a label in user units (CJK glyphs are square, Latin about half)."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.55 for ch in text)


def fit(text: str, room: float, size: float) -> str:
    """Cut a label to fit ``room`` user units at font ``size``."""
    if _text_width(text, size) <= room:
        return text
    while text and _text_width(text + "…", size) > room:
        text = text[:-1]
    return text.rstrip() + "…"


class _Scale:
    """Linear map from data values to pixels over [lo, hi], always including zero."""

    def __init__(self, values: Sequence[float], start: float, end: float) -> None:
        self.lo = min(0.0, *values) if values else 0.0
        self.hi = max(0.0, *values) if values else 1.0
        if self.hi == self.lo:
            self.hi = self.lo + 1.0
        self.start, self.end = start, end

    def __call__(self, v: float) -> float:
        return self.start + (v - self.lo) / (self.hi - self.lo) * (self.end - self.start)


def bar_chart(rows: Sequence[tuple[str, float]], fmt: Format, title: str,
              width: float = 640) -> str:
    """Horizontal bars, negative values to the left of a zero line (e.g. stages, REP-02)."""
    label_w, value_w, bar_h, gap = 190.0, 80.0, 18.0, 8.0
    height = len(rows) * (bar_h + gap) + gap
    svg = Svg(width, height, title)
    scale = _Scale([v for _, v in rows], label_w + value_w, width - value_w)
    zero = scale(0.0)
    for i, (label, value) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        x0, x1 = sorted((zero, scale(value)))
        svg.rect(x0, y, x1 - x0, bar_h, RED if value < 0 else PALETTE[i % len(PALETTE)],
                 f"{label}: {fmt(value)}")
        svg.text(label_w + value_w - 8 if value >= 0 else 8, y + bar_h - 5,
                 fit(label, label_w + value_w - 16, 11), anchor="end" if value >= 0 else "start")
        tx = x1 + 4 if value >= 0 else x0 - 4
        svg.text(tx, y + bar_h - 5, fmt(value), anchor="start" if value >= 0 else "end")
    svg.line(zero, 0, zero, height)
    return svg.render()


def pareto_chart(values: Sequence[float], fmt: Format, title: str,
                 width: float = 640) -> str:
    """Bars of hot spots by rank (1 = largest) with the cumulative share and the 80 % line."""
    height, left, right, top, bottom = 260.0, 60.0, 50.0, 14.0, 30.0
    svg = Svg(width, height, title)
    n = max(len(values), 1)
    gross = sum(abs(v) for v in values) or 1.0
    scale = _Scale(list(values), height - bottom, top)
    step = (width - left - right) / n
    cumulative = 0.0
    points = []
    for i, value in enumerate(values):
        x = left + i * step
        y0, y1 = sorted((scale(0.0), scale(value)))
        svg.rect(x + step * 0.15, y0, step * 0.7, y1 - y0, RED if value < 0 else BLUE,
                 f"{i + 1}: {fmt(value)}")
        svg.text(x + step / 2, height - bottom + 14, str(i + 1), anchor="middle", size=10)
        cumulative += abs(value)
        points.append((x + step / 2, top + (1 - cumulative / gross) * (height - bottom - top)))
    if points:
        svg.path("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in points), stroke=ORANGE)
        for x, y in points:
            svg.circle(x, y, 2.5, ORANGE)
    y80 = top + 0.2 * (height - bottom - top)
    svg.line(left, y80, width - right, y80, ORANGE, dash=True)
    svg.text(width - right + 4, y80 + 4, "80 %", size=10, fill=ORANGE)
    svg.text(width - right + 4, top + 4, "100 %", size=10, fill=ORANGE)
    svg.line(left, scale(0.0), width - right, scale(0.0))
    svg.line(left, top, left, height - bottom)
    for v in (scale.lo, scale.hi):
        svg.text(left - 4, scale(v) + 4, fmt(v), anchor="end", size=10)
    return svg.render()


def histogram_chart(edges: Sequence[float], counts: Sequence[int],
                    markers: Sequence[tuple[str, float]], fmt: Format, title: str,
                    width: float = 640) -> str:
    """Monte Carlo totals as a histogram, with marker lines (deterministic, interval ends)."""
    height, left, right, top, bottom = 230.0, 40.0, 20.0, 34.0, 30.0
    svg = Svg(width, height, title)
    lo, hi = edges[0], edges[-1]
    span = (hi - lo) or 1.0
    peak = max(counts) or 1

    def x_of(v: float) -> float:
        return left + (v - lo) / span * (width - left - right)

    for i, count in enumerate(counts):
        x0, x1 = x_of(edges[i]), x_of(edges[i + 1])
        h = count / peak * (height - top - bottom)
        svg.rect(x0 + 0.5, height - bottom - h, x1 - x0 - 1, h, BLUE,
                 f"{fmt(edges[i])} – {fmt(edges[i + 1])}: {count}")
    svg.line(left, height - bottom, width - right, height - bottom)
    for v in (lo, (lo + hi) / 2, hi):
        svg.text(x_of(v), height - bottom + 14, fmt(v), anchor="middle", size=10)
    colours = [RED, ORANGE, ORANGE, GREEN]
    for i, (label, value) in enumerate(markers):
        if not lo <= value <= hi:
            continue
        x = x_of(value)
        colour = colours[i % len(colours)]
        svg.line(x, top - 4, x, height - bottom, colour, dash=True, width=1.5)
        svg.text(x, 12 + 12 * (i % 2), label, anchor="middle", size=10, fill=colour)
    return svg.render()


def tornado_chart(rows: Sequence[tuple[str, float, float]], base: float, fmt: Format,
                  title: str, legend: tuple[str, str] = ("low", "high"),
                  width: float = 640) -> str:
    """Totals at each item's low and high value around the base total, widest range on top."""
    label_w, bar_h, gap, top = 170.0, 16.0, 6.0, 22.0
    rows = sorted(rows, key=lambda r: -abs(r[2] - r[1]))
    height = top + len(rows) * (bar_h + gap) + gap
    svg = Svg(width, height, title)
    values = [v for _, lo, hi in rows for v in (lo, hi)] + [base]
    lo_v, hi_v = min(values), max(values)
    pad = (hi_v - lo_v) * 0.05 or abs(base) * 0.05 or 1.0
    span = hi_v - lo_v + 2 * pad
    plot_l, plot_r = label_w + 50, width - 50

    def x_of(v: float) -> float:
        return plot_l + (v - lo_v + pad) / span * (plot_r - plot_l)

    xb = x_of(base)
    for i, (label, low, high) in enumerate(rows):
        y = top + i * (bar_h + gap)
        for value, colour in ((low, BLUE), (high, ORANGE)):
            x0, x1 = sorted((xb, x_of(value)))
            svg.rect(x0, y, x1 - x0, bar_h, colour, f"{label}: {fmt(value)}")
        svg.text(label_w, y + bar_h - 4, fit(label, label_w - 4, 10), anchor="end", size=10)
        left, right = sorted((low, high))
        svg.text(x_of(left) - 3, y + bar_h - 4, fmt(left), anchor="end", size=9)
        svg.text(x_of(right) + 3, y + bar_h - 4, fmt(right), size=9)
    svg.line(xb, top - 6, xb, height, "#222")
    svg.text(xb, top - 9, fmt(base), anchor="middle", size=10, bold=True)
    for i, (text, colour) in enumerate(zip(legend, (BLUE, ORANGE), strict=True)):
        svg.rect(8, 6 + 12 * i, 8, 8, colour)
        svg.text(20, 14 + 12 * i, text, size=9)
    return svg.render()


@dataclass
class Flow:
    """A node of the supply tree for :func:`sankey_chart`: its value and its suppliers."""

    name: str
    value: float
    children: list[Flow] = field(default_factory=list)


@dataclass
class _Placed:
    flow: Flow
    depth: int
    x: float = 0.0
    y: float = 0.0
    h: float = 0.0
    colour: str = BLUE
    inputs: list[_Placed] = field(default_factory=list)


def sankey_chart(root: Flow, fmt: Format, title: str, max_depth: int = 4,
                 width: float = 680) -> str:
    """Supply chain as a Sankey diagram: suppliers on the left flow into the product.

    Band widths are proportional to each node's cumulative contribution; credits (negative
    values) are drawn in red. Levels deeper than ``max_depth`` stay inside their ancestor."""
    node_w, pad, top, height = 10.0, 6.0, 8.0, 380.0
    scale_total = abs(root.value) or 1.0
    levels: list[list[_Placed]] = []

    def place(flow: Flow, depth: int, colour: str) -> _Placed:
        node = _Placed(flow, depth, colour=RED if flow.value < 0 else colour)
        while len(levels) <= depth:
            levels.append([])
        levels[depth].append(node)
        if depth < max_depth:
            for i, child in enumerate(flow.children):
                hue = PALETTE[i % len(PALETTE)] if depth == 1 else node.colour
                node.inputs.append(place(child, depth + 1, hue))
        return node

    place(root, 0, GREY)
    n_levels = len(levels)
    usable = height - top - 10 - pad * max(len(level) for level in levels)
    widest = max(sum(abs(n.flow.value) for n in level) for level in levels)
    unit = usable / max(widest, scale_total)
    right = 120.0  # room for the product's label
    col_step = (width - right - node_w) / max(n_levels - 1, 1)
    for depth, level in enumerate(levels):
        x = width - right - depth * col_step
        y = top
        for node in level:
            node.x, node.y, node.h = x, y, max(abs(node.flow.value) * unit, 1.0)
            y += node.h + pad
    svg = Svg(width, height, title)
    for level in levels:
        for node in level:
            offset = node.y
            for child in node.inputs:
                band = child.h
                x0, x1 = child.x + node_w, node.x
                mid = (x0 + x1) / 2
                d = (f"M{x0:.1f},{child.y:.1f} C{mid:.1f},{child.y:.1f} {mid:.1f},{offset:.1f} "
                     f"{x1:.1f},{offset:.1f} L{x1:.1f},{offset + band:.1f} C{mid:.1f},"
                     f"{offset + band:.1f} {mid:.1f},{child.y + band:.1f} {x0:.1f},"
                     f"{child.y + band:.1f} Z")
                svg.path(d, fill=child.colour, opacity=0.35,
                         tip=f"{child.flow.name}: {fmt(child.flow.value)}")
                offset += band
    for level in levels:
        for node in level:
            tip = f"{node.flow.name}: {fmt(node.flow.value)}"
            svg.rect(node.x, node.y, node_w, node.h, node.colour, tip)
            if node.h >= 9 or node.depth == 0:
                value = fmt(node.flow.value)
                room = (right if node.depth == 0 else col_step - node_w) - 8
                label = f"{fit(node.flow.name, room - _text_width(value, 9) - 6, 9)} {value}"
                y = node.y + min(node.h, 20) / 2 + 4
                svg.rect(node.x + node_w + 1, y - 10, _text_width(label, 9) + 4, 13,
                         "#ffffff", opacity=0.8)
                svg.text(node.x + node_w + 3, y, label, size=9)
    return svg.render()

