"""The picture of a published month: a table of the figures above a bar chart of income and
expenses by category (the shared `bar_chart`), as one PNG that reads on a phone."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from aiogram.utils.i18n import gettext as _

from services.ledger.messages import LedgerDisclosure
from views.documents import fonts
from views.documents.charts import Series, bar_chart
from views.documents.errors import DocumentsUnavailable
from views.ledger import documents, words


def _table_png(month: LedgerDisclosure) -> bytes:
    try:
        import matplotlib
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise DocumentsUnavailable("chart", "package", "matplotlib") from None
    family = fonts.matplotlib_family()
    rows = [
        [kind, category, words.money(fen)]
        for kind, category, fen in documents.summary_rows(month)
        if fen
    ]
    rows += [["", label, words.money(fen)] for label, fen in documents.totals(month)]
    rows.append(["", _("Lines"), str(month.figures["lines"])])
    rows.append(["", _("Chain head"), f"#{month.head_seq} {month.fingerprint}"])
    settings: dict[Any, Any] = {"font.family": [family], "font.size": 13}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(7.0, 0.42 * (len(rows) + 2)), dpi=120)
        FigureCanvasAgg(figure)
        axes = figure.add_axes((0.02, 0.02, 0.96, 0.86))
        axes.axis("off")
        figure.suptitle(documents.title(month), fontsize=15)
        table = axes.table(
            cellText=rows,
            colLabels=[_("Kind"), _("Category"), _("Amount")],
            loc="upper center",
            cellLoc="left",
            colWidths=[0.2, 0.45, 0.35],
        )
        table.auto_set_font_size(False)
        table.set_fontsize(12)
        table.scale(1, 1.5)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _chart_png(month: LedgerDisclosure) -> bytes:
    shown = [(k, c, fen) for k, c, fen in documents.summary_rows(month) if fen]
    income_name, expense_name = words.kind("income"), words.kind("expense")
    return bar_chart(
        title=_("Income and expenses by category (¥)"),
        categories=[c for _k, c, _f in shown] or [_("none")],
        series=[
            Series(
                income_name,
                [Decimal(f) / 100 if k == income_name else None for k, _c, f in shown] or [None],
            ),
            Series(
                expense_name,
                [Decimal(f) / 100 if k == expense_name else None for k, _c, f in shown] or [None],
            ),
        ],
    )


def month_png(month: LedgerDisclosure) -> bytes:
    """Table above chart, one PNG. DocumentsUnavailable when the font or matplotlib is missing."""
    from PIL import Image

    table = Image.open(io.BytesIO(_table_png(month)))
    chart = Image.open(io.BytesIO(_chart_png(month)))
    width = max(table.width, chart.width)
    both = Image.new("RGB", (width, table.height + chart.height), "white")
    both.paste(table, ((width - table.width) // 2, 0))
    both.paste(chart, ((width - chart.width) // 2, table.height))
    buffer = io.BytesIO()
    both.save(buffer, format="PNG")
    return buffer.getvalue()
