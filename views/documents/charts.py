"""Bar charts as PNG: grouped bars per category (one colour per series), the value on each bar,
a percent axis for rates, dashed threshold lines with their labels, and a legend.

Values stay exact (Decimal or int) until drawn: the labels are written from the exact value,
only the bar heights become floats. matplotlib is imported here, inside `bar_chart`."""

from __future__ import annotations

import functools
import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from views.documents import fonts
from views.documents.errors import DocumentsUnavailable

# readable for most colour-blind people (Okabe-Ito), in this order
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
THRESHOLD_COLOURS = ("#C0392B", "#7F8C8D", "#8E44AD")
_DRAWING = threading.Lock()


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Decimal | int | None]  # one per category; None: no bar (no figure)


@dataclass(frozen=True)
class Threshold:
    label: str
    value: Decimal  # in the chart's unit: a ratio (0.9 = 90 %) when percent=True


def label(value: Decimal | int, *, percent: bool) -> str:
    """The exact value as shown on a bar: 85.3% from Decimal("0.8530"), 1234 from 1234."""
    if percent:
        shown = (Decimal(value) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        return f"{shown}%"
    if isinstance(value, Decimal) and value != value.to_integral_value():
        return f"{value.normalize():f}"
    return f"{int(value)}"


def bar_chart(
    *,
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    percent: bool = False,
    thresholds: Sequence[Threshold] = (),
    y_label: str = "",
) -> bytes:
    """A PNG of grouped bars. DocumentsUnavailable when matplotlib or the font is missing.

    The same chart asked for again (one message rendered for many people) is drawn once;
    charts are drawn one at a time (matplotlib's settings are global to the process)."""
    for one in series:
        if len(one.values) != len(categories):
            raise ValueError(f"series {one.name!r} has {len(one.values)} values")
    fonts.cjk_font_path("chart")  # the font went missing: say so, even for a chart drawn before
    with _DRAWING:
        return _drawn(
            title,
            tuple(categories),
            tuple(Series(one.name, tuple(one.values)) for one in series),
            percent,
            tuple(thresholds),
            y_label,
        )


@functools.lru_cache(maxsize=16)
def _drawn(
    title: str,
    categories: tuple[str, ...],
    series: tuple[Series, ...],
    percent: bool,
    thresholds: tuple[Threshold, ...],
    y_label: str,
) -> bytes:
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import PercentFormatter
    except ImportError:
        raise DocumentsUnavailable("chart", "package", "matplotlib") from None
    family = fonts.matplotlib_family()
    settings: dict[Any, Any] = {
        "font.family": [family],
        "font.size": 11,
        "axes.unicode_minus": False,  # the CJK font has no U+2212 minus
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
    with matplotlib.rc_context(settings):
        width = min(16.0, max(7.0, 1.0 + len(categories) * (0.5 + 0.45 * len(series))))
        figure = Figure(figsize=(width, 5.2), dpi=120, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        _draw(axes, categories, series, percent=percent)
        _thresholds(axes, thresholds, percent=percent)
        axes.set_title(title, fontsize=15, pad=12)  # the font has no bold face
        if y_label:
            axes.set_ylabel(y_label)
        if percent:
            axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))
        if len(series) > 1:
            axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _draw(axes: Any, categories: Sequence[str], series: Sequence[Series], *, percent: bool) -> None:
    count = max(1, len(series))
    group = 0.8  # of the space per category
    bar = group / count
    top = 0.0
    for index, one in enumerate(series):
        offset = -group / 2 + bar * (index + 0.5)
        xs = [position + offset for position in range(len(categories))]
        heights = [float(v) if v is not None else 0.0 for v in one.values]
        top = max([top, *heights])
        bars = axes.bar(xs, heights, bar * 0.92, label=one.name, color=COLOURS[index % 7])
        texts = [label(v, percent=percent) if v is not None else "—" for v in one.values]
        axes.bar_label(bars, labels=texts, padding=2, fontsize=9)
    axes.set_xticks(range(len(categories)), labels=list(categories))
    if len(categories) > 6:
        for tick in axes.get_xticklabels():
            tick.set_rotation(30)
            tick.set_horizontalalignment("right")
    axes.set_ylim(0, max(1.0, top) * 1.15 if percent else (top * 1.15 or 1.0))
    axes.grid(axis="y", alpha=0.25)
    axes.set_axisbelow(True)


def _thresholds(axes: Any, thresholds: Sequence[Threshold], *, percent: bool) -> None:
    low, high = axes.get_ylim()
    for index, threshold in enumerate(thresholds):
        level = float(threshold.value)
        colour = THRESHOLD_COLOURS[index % len(THRESHOLD_COLOURS)]
        shown = f"{threshold.label} {label(threshold.value, percent=percent)}"
        axes.axhline(level, color=colour, linestyle="--", linewidth=1.4)
        axes.annotate(
            shown,
            xy=(1.0, level),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 3),
            textcoords="offset points",
            ha="right",
            va="bottom",
            fontsize=9,
            color=colour,
        )
        high = max(high, level * 1.1)
    axes.set_ylim(low, high)
