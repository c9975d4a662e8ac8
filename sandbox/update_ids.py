"""Update ids: strictly increasing, and with a file also across restarts of the sandbox.

A bot remembers the update ids it has handled (its store outlives the sandbox in the demo), so
a sandbox that started again from the same number would have its first updates skipped as
"seen before". With a file, ids continue where the last run stopped: the file holds the highest
id handed out or reserved. Ids are reserved in blocks, written before any id of the block is
used, so a crash never reuses an id and not every update writes the file (the cost is a gap
after a restart, which Telegram's ids have too).
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)
FIRST_ID = 100_001
BLOCK = 1000


class UpdateIds:
    def __init__(self, path: Path | None = None, *, first: int = FIRST_ID) -> None:
        self._path = path
        self._next = first
        self._reserved_to = 0
        if path is not None:
            last = _read_last(path)
            self._next = max(first, last + 1)

    def take(self) -> int:
        """The next update id."""
        update_id = self._next
        if self._path is not None and update_id > self._reserved_to:
            self._reserved_to = update_id + BLOCK - 1
            _write_last(self._path, self._reserved_to)
        self._next += 1
        return update_id

    @property
    def last(self) -> int:
        """The highest id handed out so far (one less than the first id when none was)."""
        return self._next - 1


def _read_last(path: Path) -> int:
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return 0
    except (OSError, UnicodeDecodeError) as exc:
        return _unreadable(path, type(exc).__name__)
    if not text.isdecimal():
        return _unreadable(path, "not a number")
    return int(text)


def _unreadable(path: Path, reason: str) -> int:
    # milliseconds since the epoch are far above any id a previous run can have reached
    last = time.time_ns() // 1_000_000
    log.warning("sandbox update ids: %s is unreadable (%s); continuing from %d", path, reason, last)
    return last


def _write_last(path: Path, last: int) -> None:
    """Atomically: a half-written file must never read as a smaller number."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(f"{last}\n", encoding="ascii")
    os.replace(temporary, path)
