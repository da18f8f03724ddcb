"""Charts drawn on the server as SVG (no JavaScript), so that the page and the PDF show
the same picture and WeasyPrint can print it."""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from rumbo.core.numbers import format_mx

from .monthly import MonthBar

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 30, 40
PROGRAMMED_COLOUR = "#7a8ba6"
ACHIEVED_COLOUR = "#2e7d32"


def _nice_max(value: Decimal) -> Decimal:
    """A round axis maximum at or above ``value`` (1, 2 or 5 × 10^n)."""
    if value <= 0:
        return Decimal(1)
    exponent = value.adjusted()
    for step in (1, 2, 5, 10):
        candidate = Decimal(step).scaleb(exponent)
        if candidate >= value:
            return candidate
    return Decimal(10).scaleb(exponent)  # pragma: no cover - the loop always returns


def month_bars_svg(bars: list[MonthBar], *, title: str) -> str:
    """Average compliance and share on track per month (percent, unit-free) as grouped
    bars, with a legend and a labelled axis."""
    top = max(
        [b.average_compliance or Decimal(0) for b in bars]
        + [b.on_track or Decimal(0) for b in bars]
        + [Decimal(100)]
    )
    axis_max = _nice_max(top)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(bars), 1)
    bar_w = slot * 0.35
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" '
        f'aria-label="{escape(title)}" font-family="DejaVu Sans, sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):
        value = axis_max * i / 4
        y = TOP + plot_h - plot_h * i / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#d0d5dd" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{format_mx(value, 0)} %</text>'
        )
    for i, bar in enumerate(bars):
        x = LEFT + slot * i + slot * 0.15
        for offset, amount, colour, name in (
            (0, bar.average_compliance, PROGRAMMED_COLOUR, "Cumplimiento promedio"),
            (bar_w, bar.on_track, ACHIEVED_COLOUR, "En meta"),
        ):
            if amount is None:
                continue
            h = float(amount / axis_max) * plot_h
            parts.append(
                f'<rect x="{x + offset:.1f}" y="{TOP + plot_h - h:.1f}" width="{bar_w:.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{name} en {escape(bar.label)}: '
                f"{format_mx(amount)} %</title></rect>"
            )
        parts.append(
            f'<text x="{x + bar_w:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">'
            f"{escape(bar.label)}</text>"
        )
    legend_y = 14
    parts.append(
        f'<rect x="{LEFT}" y="{legend_y - 9}" width="10" height="10" fill="{PROGRAMMED_COLOUR}"/>'
        f'<text x="{LEFT + 14}" y="{legend_y}">Cumplimiento promedio</text>'
        f'<rect x="{LEFT + 180}" y="{legend_y - 9}" width="10" height="10" '
        f'fill="{ACHIEVED_COLOUR}"/><text x="{LEFT + 194}" y="{legend_y}">'
        "En meta (verde ÷ calificadas)</text>"
    )
    parts.append("</svg>")
    return "".join(parts)
