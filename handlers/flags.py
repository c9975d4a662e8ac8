"""Handler flags the update middlewares read.

`READS_ONLY`: the handler changes nothing in the store (help, menus, lists, details). Its update
takes no write lock and writes nothing (a write through its session is refused); it is still
handled once. Every handler without it gets one write transaction."""

from __future__ import annotations

from typing import Any

READ_ONLY = "read_only"
READS_ONLY: dict[str, Any] = {READ_ONLY: True}
