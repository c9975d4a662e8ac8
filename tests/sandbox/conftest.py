"""Fixtures: a sandbox on a free port, and an unmodified aiogram Bot pointed at it."""

from __future__ import annotations

import sys
from pathlib import Path

# With plain `pytest`, tests/ is on sys.path and the folder tests/sandbox could shadow the real
# `sandbox` package as a namespace package; make sure the repository root is importable first.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
if getattr(sys.modules.get("sandbox"), "__file__", "") is None:
    del sys.modules["sandbox"]

from collections.abc import AsyncIterator, Awaitable, Callable  # noqa: E402

import pytest  # noqa: E402
from aiogram import Bot  # noqa: E402
from sandbox_testkit import FakeClock, make_bot  # noqa: E402

from sandbox import Sandbox, SandboxLimits  # noqa: E402


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def start_sandbox() -> AsyncIterator[Callable[..., Awaitable[Sandbox]]]:
    started: list[Sandbox] = []

    async def start(**kwargs: object) -> Sandbox:
        sandbox = Sandbox(**kwargs)  # type: ignore[arg-type]
        await sandbox.start(port=0)
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        await sandbox.stop()


@pytest.fixture
async def sandbox(start_sandbox: Callable[..., Awaitable[Sandbox]]) -> Sandbox:
    return await start_sandbox(limits=SandboxLimits(enabled=False))


@pytest.fixture
async def bot(sandbox: Sandbox) -> AsyncIterator[Bot]:
    bot = make_bot(sandbox)
    yield bot
    await bot.session.close()
