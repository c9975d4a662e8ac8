"""Reading a registry file (CSV or XLSX) row by row, without holding the whole file in memory.

A file is read twice by an import (once to check every row, once to write), so `Table.rows()`
can be called again; nothing of a row outlives the loop that reads it."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.errors import N_, DomainError

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_LINES = 5  # the title rows and the header are in the first few lines
_CHUNK = 1 << 16


class BrokenTable(Exception):
    """The file cannot be read on from `line` (a msgid and its parameters say why)."""

    def __init__(self, line: int, message: str, **params: str) -> None:
        super().__init__(message, params)
        self.line = line
        self.message = message
        self.params = params


@dataclass(frozen=True)
class Table:
    path: Path
    kind: str  # "csv" or "xlsx"
    encoding: str = "utf-8-sig"
    delimiter: str = ","

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells as text) for every row; raises BrokenTable where it cannot."""
        return self._xlsx_rows() if self.kind == "xlsx" else self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        with self.path.open(encoding=self.encoding, newline="") as file:
            reader = csv.reader(file, delimiter=self.delimiter)
            first_line = 1
            while True:
                try:
                    cells = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    if "field larger than field limit" in str(error):
                        raise BrokenTable(
                            reader.line_num,
                            N_("a cell is longer than %(limit)s characters"),
                            limit=str(csv.field_size_limit()),
                        ) from None
                    raise BrokenTable(reader.line_num, N_("this line is not valid CSV")) from None
                # the line a record starts on: a quoted cell may span several lines
                yield first_line, [c.strip() for c in cells]
                first_line = reader.line_num + 1

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        # openpyxl raises many kinds of errors on a damaged or foreign file (BadZipFile,
        # KeyError, XML errors, ...): to the clerk each one means the same thing
        try:
            from openpyxl import load_workbook

            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception:
            raise DomainError(N_("The file is not a readable .xlsx workbook.")) from None
        try:
            sheets = workbook.worksheets
            if not sheets:
                return
            values_by_row = sheets[0].iter_rows(values_only=True)
            number = 0
            while True:
                try:
                    values = next(values_by_row)
                except StopIteration:
                    return
                except Exception:
                    raise BrokenTable(
                        number + 1, N_("this row of the workbook is damaged")
                    ) from None
                number += 1
                yield number, [_cell_text(v) for v in values]
        finally:
            workbook.close()


def open_table(path: Path) -> Table:
    """Which kind of file it is and, for CSV, its encoding and the character between columns."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return Table(path, "xlsx")
    if suffix not in (".csv", ".txt"):
        raise DomainError(N_("Only .csv and .xlsx files can be imported."))
    encoding = _encoding(path)
    return Table(path, "csv", encoding, _delimiter(path, encoding))


def _encoding(path: Path) -> str:
    # Excel on Chinese Windows saves CSV as GBK; everyone else as UTF-8 (maybe with a BOM)
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as file:
                while chunk := file.read(_CHUNK):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise DomainError(N_("The file is neither UTF-8 nor GBK text."))


def _delimiter(path: Path, encoding: str) -> str:
    """The candidate seen most often in the first lines (Excel in a European locale saves
    with ";", a database export often with a tab). csv.Sniffer guesses wrong on a title row."""
    lines: list[str] = []
    with path.open(encoding=encoding, newline="") as file:
        for line in file:
            if line.strip():
                lines.append(line[:_CHUNK])
            if len(lines) >= _SAMPLE_LINES:
                break
    counts = {d: sum(line.count(d) for line in lines) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def delimiter_name(delimiter: str) -> str:
    """How a delimiter is shown in a message: a tab is invisible when quoted."""
    return "Tab" if delimiter == "\t" else f"“{delimiter}”"


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # a formula's result carries binary noise (86.55000000000001): take what the cell shows
        return str(round(value, 6))
    return str(value).strip()
