"""The ☰ command list is set per language, from the catalogs."""

from __future__ import annotations

from aiogram.methods import SetMyCommands
from harness import World

from bot.app import set_commands


async def test_command_list_in_chinese_by_default_and_english_for_english_clients(
    world: World,
) -> None:
    await set_commands(world.bot, world.i18n)
    calls = [s.method for s in world.telegram.requests if isinstance(s.method, SetMyCommands)]
    by_language = {c.language_code: {b.command: b.description for b in c.commands} for c in calls}
    assert by_language[None]["report"] == "我要报修"
    assert by_language[None]["help"] == "我能做什么"
    assert by_language["en"]["report"] == "Report a repair"
    assert set(by_language[None]) == set(by_language["en"]) >= {"start", "report", "lang"}
