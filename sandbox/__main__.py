"""``python -m sandbox [--host H] [--port P] [--no-limits]``: a standalone sandbox to poke at."""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from sandbox.limits import SandboxLimits
from sandbox.server import Sandbox


async def serve(host: str, port: int, limits: bool, username: str) -> None:
    sandbox = Sandbox(bot_username=username, limits=SandboxLimits(enabled=limits))
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
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.host, args.port, not args.no_limits, args.bot_username))


if __name__ == "__main__":
    main()
