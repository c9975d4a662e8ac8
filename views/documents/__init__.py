"""Documents built at send time: bar charts (PNG, matplotlib), spreadsheets (XLSX, openpyxl)
and printable pages (PDF, WeasyPrint), all with the Chinese font embedded.

matplotlib and WeasyPrint are imported inside the functions that draw, never when the bot
starts (they would double its memory). When the font, a library or a package is missing on the
server, `errors.DocumentsUnavailable` says which one, and `errors.explain` turns it into the one
line to show instead."""
