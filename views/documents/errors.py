"""What to say when a document cannot be made on this server: the font, a system library or a
Python package is missing. One clear line naming the package to install, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from services.errors import N_

Document = Literal["chart", "spreadsheet", "pdf"]
Cause = Literal["font", "library", "package"]

FONT_PACKAGE = "fonts-wqy-microhei"
PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"

_DOCUMENTS: dict[str, str] = {
    "chart": N_("Cannot draw the chart"),
    "spreadsheet": N_("Cannot make the spreadsheet"),
    "pdf": N_("Cannot make the PDF"),
}
_CAUSES: dict[str, str] = {
    "font": N_("the server lacks the Chinese font (Debian package %(package)s)."),
    "library": N_("the server lacks a system library (Debian packages %(package)s)."),
    "package": N_("the server lacks the Python package %(package)s."),
}


class DocumentsUnavailable(Exception):
    """`missing` is what to install: the Debian package(s) or the PyPI package."""

    def __init__(self, document: Document, cause: Cause, missing: str) -> None:
        self.document = document
        self.cause = cause
        self.missing = missing
        super().__init__(f"cannot make the {document}: install {missing} ({cause} missing)")


def explain(exc: DocumentsUnavailable, gettext: Callable[[str], str]) -> str:
    """E.g. 「无法生成图表：服务器缺少中文字体（Debian 软件包 fonts-wqy-microhei）。」"""
    what = gettext(_DOCUMENTS[exc.document])
    why = gettext(_CAUSES[exc.cause]) % {"package": exc.missing}
    return gettext("%(what)s: %(why)s") % {"what": what, "why": why}
