"""Line charts drawn on the server as SVG: the figures page works without JavaScript."""

from __future__ import annotations

from html import escape

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f",
           "#bcbd22")


def line_chart(years: list[int], series: list[tuple[str, list[float | None]]], *, width: int = 560,
               height: int = 280, percent: bool = False, bold: frozenset[str] = frozenset(),
               title: str = "折线图") -> str:
    """An SVG line chart: one line per (label, values by year); gaps where a value is None.

    ``percent``: values are shares 0–1, the axis reads 0%–100%; series named in ``bold`` (a total) are drawn
    thicker and dashed so they stand apart from the units. The legend is an HTML list after the SVG, so it stays
    readable when a phone shrinks the drawing.
    """
    if not years or not series:
        return ""
    left, right, top, bottom = 52, 16, 16, 32
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, vs in series for v in vs if v is not None]
    top_value = 1.0 if percent else (max(values) if values else 1.0)
    top_value = top_value if top_value > 0 else 1.0

    def fmt(v: float) -> str:
        return f"{v * 100:.0f}%" if percent else f"{v:g}"

    def x(i: int) -> float:
        return left + (plot_w * i / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h - plot_h * v / top_value

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}"><title>{escape(title)}</title>']
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#999"/>')
    parts.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="#999"/>')
    for frac in (0, 0.5, 1):
        v = top_value * frac
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="13">{fmt(v)}</text>')
    for i, year in enumerate(years):
        parts.append(f'<text x="{x(i):.1f}" y="{height - 10}" text-anchor="middle" font-size="13">{year}</text>')
    legend: list[str] = []
    for n, (label, vals) in enumerate(series):
        color = "#222" if label in bold else PALETTE[n % len(PALETTE)]
        stroke = 'stroke-width="3" stroke-dasharray="6 3"' if label in bold else 'stroke-width="2"'
        segment: list[str] = []
        for i, v in enumerate(vals):
            if v is None:
                if len(segment) > 1:
                    parts.append(f'<polyline fill="none" stroke="{color}" {stroke} points="{" ".join(segment)}"/>')
                segment = []
                continue
            segment.append(f"{x(i):.1f},{y(v):.1f}")
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3" fill="{color}"><title>'
                         f'{escape(label)} {years[i]}: {fmt(v)}</title></circle>')
        if len(segment) > 1:
            parts.append(f'<polyline fill="none" stroke="{color}" {stroke} points="{" ".join(segment)}"/>')
        dash = ' stroke-dasharray="4 2"' if label in bold else ""
        legend.append(f'<li><svg width="22" height="10" aria-hidden="true"><line x1="0" y1="5" x2="22" y2="5" '
                      f'stroke="{color}" stroke-width="3"{dash}/></svg>{escape(label)}</li>')
    parts.append("</svg>")
    parts.append(f'<ul class="chart-legend">{"".join(legend)}</ul>')
    return "".join(parts)
