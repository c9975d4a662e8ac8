"""The child process that lays out one PDF: `python -m views.documents.pdf_worker` reads
{"title", "body", "font"} as JSON on stdin and writes the PDF to stdout. When WeasyPrint or
Pango is missing it exits with pdf.UNAVAILABLE and says which on the last line of stderr."""

from __future__ import annotations

import json
import sys

from views.documents.errors import DocumentsUnavailable
from views.documents.pdf import UNAVAILABLE, render


def main() -> int:
    asked = json.loads(sys.stdin.buffer.read())
    try:
        made = render(asked["title"], asked["body"], asked["font"])
    except DocumentsUnavailable as error:
        sys.stderr.write(json.dumps({"cause": error.cause, "missing": error.missing}) + "\n")
        return UNAVAILABLE
    sys.stdout.buffer.write(made)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
