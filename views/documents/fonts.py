"""The Chinese (CJK) font every document embeds: WenQuanYi Micro Hei from Debian's
fonts-wqy-microhei (or another installed font that covers Chinese), found once per process."""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

from views.documents.errors import FONT_PACKAGE, Document, DocumentsUnavailable

# Debian's and other distributions' places for it, tried before asking fontconfig
KNOWN_PATHS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)


def locate() -> Path | None:
    """The font file: a known path, else the first font fontconfig lists for Chinese."""
    for known in KNOWN_PATHS:
        if Path(known).is_file():
            return Path(known)
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        listed = subprocess.run(
            [fc_list, ":lang=zh-cn", "file"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.strip().rstrip(":") for line in listed.splitlines() if line.strip())
    return next((Path(f) for f in files if Path(f).is_file()), None)


@functools.cache
def _found() -> Path | None:
    return locate()


def cjk_font_path(document: Document) -> Path:
    """The font file, or DocumentsUnavailable naming the Debian package to install."""
    path = _found()
    if path is None:
        raise DocumentsUnavailable(document, "font", FONT_PACKAGE)
    return path


@functools.cache
def _matplotlib_family(path: Path) -> str:
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def matplotlib_family() -> str:
    """The font's family name, registered with matplotlib once (call with matplotlib loaded)."""
    return _matplotlib_family(cjk_font_path("chart"))


def forget() -> None:
    """Look again next time (tests that take the font away and give it back)."""
    _found.cache_clear()
