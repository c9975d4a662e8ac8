"""Documents built at send time: a chart's PNG, a workbook read back with openpyxl, a PDF's
text read back with pypdf, and the one line shown when the server lacks the font."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import warnings
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest
from aiogram.utils.i18n import I18n

from views.documents import fonts
from views.documents.charts import Series, Threshold, bar_chart
from views.documents.errors import DocumentsUnavailable, explain
from views.documents.pdf import html_table, pdf_from_html
from views.documents.rendered import with_document
from views.documents.sheets import Sheet, workbook
from views.outbox import Attachment

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A server without fonts-wqy-microhei (or any font that covers Chinese)."""
    fonts.forget()
    monkeypatch.setattr(fonts, "locate", lambda: None)
    yield
    fonts.forget()


def rates_chart() -> bytes:
    return bar_chart(
        title="纬三路13号院 收费率（按户数）",
        categories=["1号楼", "2号楼", "3号楼"],
        series=[
            Series("11月", [Decimal("0.85"), Decimal("0.9"), None]),
            Series("12月", [Decimal("0.7"), Decimal("0.953"), Decimal("0.5")]),
        ],
        percent=True,
        thresholds=[Threshold("目标", Decimal("0.9"))],
        y_label="收费率",
    )


def png_size(png: bytes) -> tuple[int, int]:
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def test_a_chart_is_a_png_of_a_plausible_size() -> None:
    png = rates_chart()

    assert png.startswith(PNG_SIGNATURE)
    width, height = png_size(png)
    assert 600 <= width <= 2000
    assert 400 <= height <= 1000
    assert 10_000 < len(png) < 1_000_000


def test_chinese_in_a_chart_is_drawn_with_the_chinese_font(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        rates_chart()

    assert [str(w.message) for w in caught] == []
    assert [r.getMessage() for r in caplog.records if "font" in r.getMessage()] == []


def test_without_the_chinese_font_matplotlib_would_warn_of_missing_glyphs() -> None:
    """The check above can fail: the default font has no Chinese and says so."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure()
    FigureCanvasAgg(figure)
    figure.add_subplot().set_title("收费率", family="DejaVu Sans")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(io.BytesIO(), format="png")

    assert any("missing from font" in str(w.message) for w in caught)


def test_a_series_must_have_one_value_per_category() -> None:
    with pytest.raises(ValueError, match="2 values"):
        bar_chart(title="x", categories=["a", "b", "c"], series=[Series("s", [1, 2])])


def test_a_workbook_shows_yuan_percentages_dates_and_totals() -> None:
    sheet = Sheet(
        title="2026-12 收费",
        header=["房号", "应收", "实收", "收费率", "缴费日期"],
        rows=[
            ["1-101", 12345, 12345, Decimal("1"), date(2026, 12, 3)],
            ["1-102", 5000, 0, Decimal("0"), None],
        ],
        money_columns={1, 2},
        percent_columns={3},
        totals=["合计", 17345, 12345, Decimal("0.7117"), None],
    )

    book = openpyxl.load_workbook(io.BytesIO(workbook([sheet])))

    ws = book["2026-12 收费"]
    values = [list(row) for row in ws.iter_rows(values_only=True)]
    assert values == [
        ["房号", "应收", "实收", "收费率", "缴费日期"],
        ["1-101", 123.45, 123.45, 1, ws["E2"].value],
        ["1-102", 50, 0, 0, None],
        ["合计", 173.45, 123.45, 0.7117, None],
    ]
    assert ws["E2"].value.date() == date(2026, 12, 3)  # a real date, not text
    assert ws["B2"].number_format == "0.00"
    assert ws["D4"].number_format == "0.0%"
    assert ws["E2"].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b
    assert ws["B4"].font.b
    assert not ws["B3"].font.b
    assert ws.column_dimensions["E"].width >= 10


def test_sheet_titles_are_made_valid_and_unique() -> None:
    sheets = [Sheet(title="a/b: 12月?", header=["x"], rows=[]), Sheet("a b  12月", ["x"], [])]

    book = openpyxl.load_workbook(io.BytesIO(workbook(sheets)))

    assert len(book.sheetnames) == 2
    assert len(set(book.sheetnames)) == 2
    assert all(not set("[]:*?/\\") & set(name) for name in book.sheetnames)


def test_a_pdf_carries_its_chinese_text_and_font() -> None:
    table = html_table(
        ["楼栋", "户数", "备注"], [["1号楼", 12, "<b>全部缴清</b>"], ["2号楼", None, "&"]]
    )

    data = pdf_from_html("纬三路13号院 收费情况", "<p>按户数计算</p>" + table)

    reader = pypdf.PdfReader(io.BytesIO(data))
    text = reader.pages[0].extract_text()
    assert "纬三路13号院 收费情况" in text
    assert "按户数计算" in text
    assert "<b>全部缴清</b>" in text  # escaped, shown as typed
    fonts_used = reader.pages[0]["/Resources"]["/Font"].values()
    assert any("WenQuanYi" in str(f.get_object()["/BaseFont"]) for f in fonts_used)
    assert "weasyprint" not in sys.modules  # laid out in a child process, not in the bot's


def test_html_table_escapes_every_value() -> None:
    table = html_table(["<h>"], [["<script>"], [Decimal("1.50")]])

    assert "<script>" not in table
    assert "&lt;script&gt;" in table
    assert "&lt;h&gt;" in table
    assert '<td class="num">1.50</td>' in table


@pytest.mark.usefixtures("no_font")
def test_without_the_font_every_document_says_which_package_to_install() -> None:
    with pytest.raises(DocumentsUnavailable) as chart:
        rates_chart()
    with pytest.raises(DocumentsUnavailable) as page:
        pdf_from_html("标题", "<p>正文</p>")

    assert chart.value.missing == "fonts-wqy-microhei"
    assert chart.value.document == "chart"
    assert page.value.missing == "fonts-wqy-microhei"


def test_explain_gives_one_line_in_chinese_and_english(i18n: I18n) -> None:
    error = DocumentsUnavailable("chart", "font", "fonts-wqy-microhei")

    with i18n.context(), i18n.use_locale("zh_Hans"):
        chinese = explain(error, i18n.gettext)
    with i18n.context(), i18n.use_locale("en"):
        english = explain(error, i18n.gettext)

    assert chinese == "无法生成图表：服务器缺少中文字体（Debian 软件包 fonts-wqy-microhei）。"
    assert english == (
        "Cannot draw the chart: the server lacks the Chinese font "
        "(Debian package fonts-wqy-microhei)."
    )


def test_explain_names_a_missing_library_or_package(i18n: I18n) -> None:
    pango = DocumentsUnavailable("pdf", "library", "libpango-1.0-0 libpangoft2-1.0-0")
    package = DocumentsUnavailable("spreadsheet", "package", "openpyxl")

    with i18n.context(), i18n.use_locale("zh_Hans"):
        lines = [explain(pango, i18n.gettext), explain(package, i18n.gettext)]

    assert lines == [
        "无法生成 PDF 文件：服务器缺少系统库（Debian 软件包 libpango-1.0-0 libpangoft2-1.0-0）。",
        "无法生成表格文件：服务器缺少 Python 软件包 openpyxl。",
    ]


def test_the_bot_starts_without_loading_matplotlib_or_weasyprint() -> None:
    """They would double the bot's memory: only drawing a document loads them."""
    probe = (
        "import sys, bot.app, bot.features, bot.sender; "
        "print(sorted(m for m in ('matplotlib', 'weasyprint', 'pypdf') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()

    assert loaded == "[]"


def test_without_matplotlib_a_chart_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.backends.backend_agg", None)

    with pytest.raises(DocumentsUnavailable) as missing:
        bar_chart(title="无库", categories=["1号楼"], series=[Series("户数", [3])])

    assert (missing.value.cause, missing.value.missing) == ("package", "matplotlib")


def test_without_pango_a_pdf_names_the_debian_packages(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """WeasyPrint installed, Pango not: importing it fails with OSError (in the worker)."""
    (tmp_path / "weasyprint.py").write_text(
        "raise OSError(\"cannot load library 'libpango-1.0-0'\")\n"
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))

    with pytest.raises(DocumentsUnavailable) as missing:
        pdf_from_html("没有 Pango 的服务器", "<p>正文</p>")

    assert (missing.value.cause, missing.value.missing) == (
        "library",
        "libpango-1.0-0 libpangoft2-1.0-0",
    )


def test_a_message_shows_why_its_document_is_missing(i18n: I18n) -> None:
    def no_font() -> bytes:
        raise DocumentsUnavailable("chart", "font", "fonts-wqy-microhei")

    with i18n.context(), i18n.use_locale("zh_Hans"):
        made = with_document("12月收费率", lambda: b"PNG", filename="a.png", as_photo=True)
        explained = with_document("12月收费率", no_font, filename="a.png", as_photo=True)

    assert made.attachment == Attachment(b"PNG", "a.png", as_photo=True)
    assert explained.attachment is None
    assert explained.text == (
        "12月收费率\n\n无法生成图表：服务器缺少中文字体（Debian 软件包 fonts-wqy-microhei）。"
    )
