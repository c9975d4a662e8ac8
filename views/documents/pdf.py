"""Printable pages (PDF, A4) from a little HTML: the Chinese font embedded through @font-face,
plain readable type, tables with borders. WeasyPrint runs in a child process (never imported by
the bot itself); it needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0)."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Sequence
from decimal import Decimal
from html import escape
from pathlib import Path

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

WORKER_TIMEOUT = 120  # seconds; a few hundred rows take a few seconds
UNAVAILABLE = 3  # the worker's exit code for DocumentsUnavailable (its stderr says which)


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
    WeasyPrint or Pango is missing.

    WeasyPrint runs in a child process (`views.documents.pdf_worker`): it takes seconds and
    over 100 MB for a long table, which the bot's process should not keep; the same page asked
    for again (one notice to many people) is made once."""
    font = fonts.cjk_font_path("pdf")
    return _made(title, body_html, str(font))


@functools.lru_cache(maxsize=8)
def _made(title: str, body_html: str, font: str) -> bytes:
    request = json.dumps({"title": title, "body": body_html, "font": font}).encode()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "views.documents.pdf_worker"],
            input=request,
            capture_output=True,
            timeout=WORKER_TIMEOUT,
            check=False,
            env={**os.environ, "PYTHONPATH": _importable()},
        )
    except subprocess.TimeoutExpired:
        raise RuntimeError(f"PDF not made within {WORKER_TIMEOUT} s") from None
    if done.returncode == UNAVAILABLE:
        said = json.loads(done.stderr.decode().strip().splitlines()[-1])
        raise DocumentsUnavailable("pdf", said["cause"], said["missing"])
    if done.returncode != 0 or not done.stdout.startswith(b"%PDF"):
        tail = done.stderr.decode(errors="replace").strip()[-500:]
        raise RuntimeError(f"PDF worker failed ({done.returncode}): {tail}")
    return done.stdout


def _importable() -> str:
    """The child imports this package from where the parent did."""
    root = str(Path(__file__).resolve().parents[2])
    return os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)


def render(title: str, body_html: str, font: str) -> bytes:
    """The PDF itself, in this process (the worker's part)."""
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
    stylesheet = Stylesheet(string=CSS % {"font": Path(font).as_uri()})
    result = HTML(string=page).write_pdf(stylesheets=[stylesheet])
    assert result is not None
    return bytes(result)
