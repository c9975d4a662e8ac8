"""Documents built at send time: bar charts (PNG, matplotlib), spreadsheets (XLSX, openpyxl)
and printable pages (PDF, WeasyPrint), all with the Chinese font embedded.

- `charts.bar_chart`, `sheets.workbook`, `pdf.pdf_from_html` (+ `pdf.html_table`) return bytes;
  put them in `views.outbox.Attachment` on a `Rendered` (`rendered.with_document` does it and
  falls back to the explanation below).
- matplotlib is imported inside `bar_chart`, never when the bot starts; WeasyPrint runs in a
  child process (`pdf_worker`), so the bot never holds its memory. The outbox sender renders in
  a worker thread; a handler that builds a document should do the same
  (`await asyncio.to_thread(bar_chart, ...)`) rather than block the event loop.
- When the font, a library or a package is missing on the server,
  `errors.DocumentsUnavailable` says which one, and `errors.explain` turns it into the one line
  to show instead (「无法生成图表：服务器缺少中文字体（Debian 软件包 fonts-wqy-microhei）。」)."""
