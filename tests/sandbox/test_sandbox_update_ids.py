"""Update ids continue across restarts of a sandbox that keeps them in a file, so a bot whose
store remembers the ids it handled never skips the first updates of the next run."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from aiogram import Bot
from sandbox_testkit import make_bot

from sandbox import Sandbox, SandboxLimits

Start = Callable[..., Awaitable[Sandbox]]


async def ids_of_one_run(start_sandbox: Start, path: Path | None, messages: int) -> list[int]:
    """A sandbox over ``path``: a person sends ``messages`` texts and a bot polls them."""
    sandbox = await start_sandbox(limits=SandboxLimits(enabled=False), update_ids_file=path)
    user = sandbox.add_user("王阿姨", user_id=900_001)
    for number in range(messages):
        await sandbox.user_sends(user.id, f"第 {number} 条")
    bot: Bot = make_bot(sandbox)
    try:
        updates = await bot.get_updates(timeout=0)
    finally:
        await bot.session.close()
    assert len(updates) == messages
    return [update.update_id for update in updates]


async def test_a_second_sandbox_over_the_same_file_continues_above_the_first(
    start_sandbox: Start, tmp_path: Path
) -> None:
    path = tmp_path / "demo.sandbox-update-id"
    first = await ids_of_one_run(start_sandbox, path, 3)
    second = await ids_of_one_run(start_sandbox, path, 3)
    third = await ids_of_one_run(start_sandbox, path, 2)

    everything = first + second + third
    assert everything == sorted(everything)
    assert len(set(everything)) == len(everything)
    assert min(second) > max(first)
    assert min(third) > max(second)


async def test_without_a_file_every_sandbox_starts_from_the_same_id(
    start_sandbox: Start,
) -> None:
    """What the file is for: without it a restart hands out the same ids again."""
    assert await ids_of_one_run(start_sandbox, None, 2) == await ids_of_one_run(
        start_sandbox, None, 2
    )


async def test_many_updates_in_one_run_still_continue_after_a_crash(
    start_sandbox: Start, tmp_path: Path
) -> None:
    """More updates than one reserved block, and the sandbox never stopped cleanly."""
    path = tmp_path / "ids"
    first = Sandbox(limits=SandboxLimits(enabled=False), update_ids_file=path)
    user = first.add_user("李网格长")
    for _ in range(2500):
        await first.user_sends(user.id, "hi")
    last_of_first = first.core.hub.pending(first.core.account_for("1:x"))[-1].update_id

    second = await ids_of_one_run(start_sandbox, path, 1)
    assert second[0] > last_of_first


async def test_an_unreadable_file_still_gives_ids_above_any_earlier_run(
    start_sandbox: Start, tmp_path: Path
) -> None:
    path = tmp_path / "ids"
    earlier = await ids_of_one_run(start_sandbox, path, 2)
    path.write_text("garbage")
    later = await ids_of_one_run(start_sandbox, path, 2)
    assert min(later) > max(earlier)
    assert path.read_text().strip().isdecimal()


def test_the_demo_keeps_the_ids_next_to_its_store() -> None:
    from bot.demo import DEMO_DATABASE, update_ids_file

    assert update_ids_file(DEMO_DATABASE) == Path("data/demo.sandbox-update-id")
    assert update_ids_file("sqlite+aiosqlite:////srv/yard/store.db") == Path(
        "/srv/yard/store.sandbox-update-id"
    )
    assert update_ids_file("postgresql+asyncpg://u@h/db") == Path("data/sandbox-update-id")
