"""``python -m sandbox [--host H] [--port P] [--no-limits] [--demo] [--update-ids-file F]``:
a standalone sandbox.

``--demo`` adds a few invented people and a group (demo data is invented).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from pathlib import Path

from sandbox.limits import SandboxLimits
from sandbox.server import Sandbox


def seed_demo(sandbox: Sandbox) -> None:
    """Invented people of 纬三路13号院: a resident, a grid leader and a repair worker."""
    resident = sandbox.add_user("王阿姨", last_name="(演示)")
    leader = sandbox.add_user("李网格长", last_name="(演示)")
    sandbox.add_user("张师傅", last_name="(演示)")
    sandbox.add_user("Alice", last_name="(demo)", language_code="en")
    sandbox.add_group("纬三路13号院 议事群（演示）", [leader.id, resident.id])


async def serve(
    host: str,
    port: int,
    limits: bool,
    username: str,
    demo: bool = False,
    update_ids_file: Path | None = None,
) -> None:
    sandbox = Sandbox(
        bot_username=username,
        limits=SandboxLimits(enabled=limits),
        update_ids_file=update_ids_file,
    )
    if demo:
        seed_demo(sandbox)
    url = await sandbox.start(host, port)
    print(f"Sandbox running: web chat {url}/  Bot API {url}/bot<token>/<method>", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--bot-username", default="courtyard_sandbox_bot")
    parser.add_argument("--no-limits", action="store_true", help="never answer 429")
    parser.add_argument("--demo", action="store_true", help="add invented people and a group")
    parser.add_argument(
        "--update-ids-file",
        type=Path,
        help="keep the last update id here, so a restart continues above it",
    )
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            serve(
                args.host,
                args.port,
                not args.no_limits,
                args.bot_username,
                demo=args.demo,
                update_ids_file=args.update_ids_file,
            )
        )


if __name__ == "__main__":
    main()
