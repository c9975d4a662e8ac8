"""Gettext catalogs: compiled from the .po files with Babel when stale, loaded by aiogram's I18n
for the bot, and by the standard library for the terminal (the CLI starts without aiogram)."""

from __future__ import annotations

import gettext
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiogram.utils.i18n import I18n

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


def compile_catalogs(directory: Path = LOCALES_DIR) -> list[Path]:
    """Write each messages.mo whose messages.po is newer. Returns the files written."""
    written = []
    for po_path in sorted(directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


def build_i18n(default_locale: str = "zh_Hans", directory: Path = LOCALES_DIR) -> I18n:
    from aiogram.utils.i18n import I18n

    compile_catalogs(directory)
    return I18n(path=directory, default_locale=default_locale, domain=DOMAIN)


def terminal_translations(locale: str, directory: Path = LOCALES_DIR) -> gettext.NullTranslations:
    """One locale's catalog for text printed on the terminal (the same .mo files as the bot's)."""
    compile_catalogs(directory)
    try:
        with (directory / locale / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as mo_file:
            return gettext.GNUTranslations(mo_file)
    except FileNotFoundError:  # the source locale: msgids are English
        return gettext.NullTranslations()


def fill_source_locale(directory: Path = LOCALES_DIR, locale: str = "en") -> int:
    """The code's msgids are English: the en catalog translates each to itself."""
    from babel.messages.pofile import read_po, write_po

    path = directory / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, str):
            if not message.string:
                message.string = message.id
                filled += 1
        elif isinstance(message.string, tuple | list) and not all(message.string):
            message.string = tuple(message.id)  # a plural: its singular and plural forms
            filled += 1
    with path.open("wb") as po_file:
        write_po(po_file, catalog, width=100, omit_header=False, sort_output=True)
    return filled
