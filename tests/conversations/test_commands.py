"""The ☰ command list: per language, from the catalogs; groups get theirs; staff get a list
of their own in their private chat; /lang changes the person's list too."""

from __future__ import annotations

from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeAllGroupChats, BotCommandScopeChat
from harness import World
from tests_data import ADMIN_ID, LEADER_ID

from bot.app import set_commands, set_staff_commands


def _lists(world: World) -> list[SetMyCommands]:
    return [s.method for s in world.telegram.requests if isinstance(s.method, SetMyCommands)]


def _commands(call: SetMyCommands) -> dict[str, str]:
    return {b.command: b.description for b in call.commands}


async def test_command_list_in_chinese_by_default_and_english_for_english_clients(
    world: World,
) -> None:
    await set_commands(world.bot, world.i18n)
    everyone = {c.language_code: _commands(c) for c in _lists(world) if c.scope is None}
    assert everyone[None]["report"] == "我要报修"
    assert everyone[None]["help"] == "我能做什么"
    assert everyone["en"]["report"] == "Report a repair"
    assert set(everyone[None]) == set(everyone["en"]) >= {"start", "report", "lang"}
    # staff commands are not in everyone's list
    assert "tickets" not in everyone[None]
    assert "pending" not in everyone[None]
    groups = [c for c in _lists(world) if isinstance(c.scope, BotCommandScopeAllGroupChats)]
    assert {c.language_code for c in groups} == {None, "en"}
    assert all(set(_commands(c)) == {"link", "fees"} for c in groups)


async def test_staff_get_their_roles_commands_in_their_own_chat(
    world: World, courtyard: dict
) -> None:
    await world.person("网格长", LEADER_ID).sends("/start")  # known to Telegram, so reachable
    count = await set_staff_commands(world.bot, world.i18n, world.sessions)
    assert count == 2  # the grid leader and the admin
    per_chat = {
        c.scope.chat_id: _commands(c)
        for c in _lists(world)
        if isinstance(c.scope, BotCommandScopeChat)
    }
    leader = per_chat[LEADER_ID]
    assert {"pending", "tickets", "stats", "deadline", "help", "report"} <= set(leader)
    assert leader["pending"] == "等待您审批的入住申请"
    assert "mytickets" not in leader  # a repair worker's command
    assert {"pending", "tickets"} <= set(per_chat[ADMIN_ID])


async def test_lang_changes_the_persons_own_command_list(world: World, courtyard: dict) -> None:
    resident = world.person("王阿姨", 9001)
    await resident.sends("/lang")
    await resident.taps("English")
    mine = [
        c
        for c in _lists(world)
        if isinstance(c.scope, BotCommandScopeChat) and c.scope.chat_id == resident.id
    ]
    assert mine
    assert _commands(mine[-1])["report"] == "Report a repair"
