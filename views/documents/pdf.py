"""Printable pages (PDF, A4) from a little HTML: the Chinese font embedded through @font-face,
plain readable type, tables with borders. WeasyPrint is imported inside `pdf_from_html`; it
needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from views.documents import fonts
from views.documents.errors import PANGO_PACKAGES, DocumentsUnavailable

CSS = """
@font-face { font-family: "CourtyardCJK"; src: url("%(font)s"); }
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
html { font-family: "CourtyardCJK", "WenQuanYi Micro Hei", sans-serif; font-size: 11pt;
       line-height: 1.5; color: #111; }
h1 { font-size: 18pt; margin: 0 0 8pt 0; }
h2 { font-size: 14pt; margin: 14pt 0 6pt 0; }
p { margin: 4pt 0; }
table { border-collapse: collapse; width: 100%%; margin: 6pt 0 10pt 0; }
th, td { border: 0.6pt solid #555; padding: 3pt 5pt; vertical-align: top; }
th { background: #eee; font-weight: normal; text-align: center; }
td.num { text-align: right; white-space: nowrap; }
tr { page-break-inside: avoid; }
thead { display: table-header-group; }
"""

TableCell = str | int | Decimal | None


def html_table(header: Sequence[str], rows: Sequence[Sequence[TableCell]]) -> str:
    """A <table> with every value escaped; numbers right-aligned."""
    head = "".join(f"<th>{escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(_cell(value) for value in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _cell(value: TableCell) -> str:
    if value is None:
        return "<td></td>"
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return f'<td class="num">{escape(str(value))}</td>'
    return f"<td>{escape(str(value))}</td>"


def pdf_from_html(title: str, body_html: str) -> bytes:
    """An A4 PDF: the title as its heading (and document title), then `body_html` as given
    (escape what you put in it; `html_table` does). DocumentsUnavailable when the font,
    WeasyPrint or Pango is missing."""
    font = fonts.cjk_font_path("pdf")
    try:
        from weasyprint import CSS as Stylesheet
        from weasyprint import HTML
    except ImportError:
        raise DocumentsUnavailable("pdf", "package", "weasyprint") from None
    except OSError:  # WeasyPrint is there, the Pango library it loads is not
        raise DocumentsUnavailable("pdf", "library", PANGO_PACKAGES) from None
    page = (
        '<!doctype html><html lang="zh-Hans"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>"
        f"<body><h1>{escape(title)}</h1>{body_html}</body></html>"
    )
    stylesheet = Stylesheet(string=CSS % {"font": font.as_uri()})
    result = HTML(string=page).write_pdf(stylesheets=[stylesheet])
    assert result is not None
    return bytes(result)
