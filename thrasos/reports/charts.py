"""Charts drawn on the server as SVG by matplotlib (its SVG backend, no
pyplot, no display), from the published tables of thrasos.reports.figures:
a masked figure is drawn as nothing and said in the table beside the chart.

The same SVG bytes go into the page (an <img> with a data: URL, which the
strict CSP allows: the chart's own style attributes are inside the image,
not in the page), into print and into the PDF. Text stays text (readable,
searchable), in DejaVu Sans, which WeasyPrint's fonts include. The output
is deterministic (no date, fixed ids), so regenerating a report gives the
same bytes."""

from __future__ import annotations

import base64
import io
import math
import re
import textwrap
from dataclasses import dataclass

import matplotlib

matplotlib.use("svg")

from matplotlib.figure import Figure

from thrasos.reports.figures import Table

matplotlib.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "thrasos",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
    }
)
# The palette of the interface (static/css), dark enough on white (WCAG AA
# for the large shapes), told apart also by position and the table.
PALETTE = ("#1d4e89", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51", "#6d597a", "#264653")


@dataclass(frozen=True)
class Chart:
    title: str
    svg: bytes
    table: Table

    @property
    def data_url(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg).decode("ascii")


def _number(value) -> float:
    """A published cell as a height: masked cells are drawn as nothing."""
    return float(value) if isinstance(value, int | float) else 0.0


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # Fixed margins (set per chart): a "tight" box costs a second drawing.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _lean(buffer.getvalue().decode("utf-8")).encode("utf-8")


_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_GLOBAL_STYLE = '<style type="text/css">*{stroke-linejoin: round; stroke-linecap: butt}</style>'
_STYLED_TAG = re.compile(r'<(\w+)([^<>]*?) style="([^"]*)"')


def _as_attributes(match: re.Match) -> str:
    tag, attributes, style = match.groups()
    declarations = [d.split(":", 1) for d in style.split(";") if d.strip()]
    return f"<{tag}{attributes} " + " ".join(
        f'{name.strip()}="{value.strip()}"' for name, value in declarations
    )


def _lean(svg: str) -> str:
    """The same drawing in fewer words for WeasyPrint, which parses every
    style attribute and matches every element against the style sheet
    (about a tenth of the report's drawing time): each style becomes
    presentation attributes (what SVG means by them is the same), the one
    global rule (inherited properties) goes on the root, the metadata goes."""
    if _GLOBAL_STYLE not in svg:
        raise ValueError("matplotlib's SVG changed: check charts._lean")
    svg = _METADATA.sub("", svg).replace(_GLOBAL_STYLE, "")
    svg = svg.replace("<svg ", '<svg stroke-linejoin="round" stroke-linecap="butt" ', 1)
    return _STYLED_TAG.sub(_as_attributes, svg)


def funnel_chart(table: Table, totals: list) -> Chart:
    """Horizontal bars, first step on top: the whole cohort of the period."""
    figure = Figure(figsize=(6.4, 3.0))
    figure.subplots_adjust(left=0.3, right=0.95, top=0.95, bottom=0.17)
    axes = figure.subplots()
    labels = table.columns
    values = [_number(v) for v in totals]
    positions = list(range(len(labels)))[::-1]
    bars = axes.barh(positions, values, color=PALETTE[0])
    axes.set_yticks(positions, labels)
    axes.bar_label(bars, labels=[_bar_label(v) for v in totals], padding=3)
    axes.set_xlabel("Personnes")
    axes.set_xlim(0, max([*values, 1]) * 1.15)
    return Chart(table.title, _svg(figure), table)


def stages_chart(table: Table) -> Chart:
    """One line per stage, month by month."""
    figure = Figure(figsize=(6.4, 3.0))
    figure.subplots_adjust(left=0.09, right=0.68, top=0.95, bottom=0.2)
    axes = figure.subplots()
    months = [label for label, _cells in table.rows]
    positions = list(range(len(months)))
    for index, stage in enumerate(table.columns):
        # A hidden figure is a gap in its line, not a fall to zero.
        values = [
            float(cells[index]) if isinstance(cells[index], int | float) else math.nan
            for _label, cells in table.rows
        ]
        axes.plot(positions, values, marker="o", color=PALETTE[index % len(PALETTE)], label=stage)
    axes.set_xticks(positions, months)
    axes.set_ylabel("Personnes")
    axes.set_ylim(bottom=0)
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    axes.tick_params(axis="x", labelrotation=45)
    return Chart(table.title, _svg(figure), table)


def outcomes_chart(table: Table) -> Chart:
    """Grouped bars: durable employment, autonomous housing and positive
    situations at exit, 6 and 12 months."""
    figure = Figure(figsize=(6.4, 3.0))
    figure.subplots_adjust(left=0.09, right=0.7, top=0.93, bottom=0.12)
    axes = figure.subplots()
    series = table.columns[1:]
    width = 0.8 / len(series)
    for index, name in enumerate(series):
        values = [cells[index + 1] for _label, cells in table.rows]
        positions = [row + index * width for row in range(len(table.rows))]
        bars = axes.bar(positions, [_number(v) for v in values], width, label=name,
                        color=PALETTE[index + 1])  # fmt: skip
        axes.bar_label(bars, labels=[_bar_label(v) for v in values], padding=2)
    axes.set_xticks(
        [row + width * (len(series) - 1) / 2 for row in range(len(table.rows))],
        [textwrap.fill(label, 14) for label, _cells in table.rows],
    )
    axes.set_ylabel("Personnes")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return Chart(table.title, _svg(figure), table)


def _bar_label(value) -> str:
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u202f")
    return str(value)
