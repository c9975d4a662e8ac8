"""A long main menu keeps ten big buttons at most: the seldom used items wait under
「➕ 更多」, which has a way back; a short menu (a resident's) stays as it is."""

from __future__ import annotations

from aiogram.utils.i18n import I18n
from harness import World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.demo_data import PEOPLE, WSL, link_groups, seed
from services.clock import FixedClock


async def test_a_grid_leaders_menu_has_more_and_a_way_back(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sessions() as session, session.begin():
        await seed(session, clock())
        await link_groups(session, WSL, -1001, -1002, clock())
    leader = world.person("李网格长", PEOPLE[1].telegram_id)
    await leader.sends("/menu")
    main = leader.menu()
    assert len(main) <= 10
    assert main[-1] == "➕ 更多"
    for often in ("📢 发通知", "🚪 上门名单", "🗳 投票管理", "📞 代居民报修", "❓ 帮助"):
        assert often in main
    await leader.sends("➕ 更多")
    assert "更多功能" in leader.last_message()
    assert leader.menu() == [
        "📋 我发的通知",
        "📊 报修统计",
        "📊 收费率",
        "➕ 发起投票",
        "📅 新建活动",
        "🌐 中文 / English",
        "↩ 返回主菜单",
    ]
    await leader.sends("↩ 返回主菜单")
    assert leader.menu() == main
    await leader.taps("📅 新建活动")  # from the main menu, through 「更多」
    assert "↩ 返回主菜单" in leader.menu()

    resident = world.person("王阿姨", PEOPLE[5].telegram_id)
    await resident.sends("/menu")
    assert "➕ 更多" not in resident.menu()
    assert "🌐 中文 / English" in resident.menu()


def test_a_menu_with_too_many_everyday_items_keeps_help_and_moves_the_rest(i18n: I18n) -> None:
    from babel.support import LazyProxy

    from services.access import Role
    from views.menu import MAX_MAIN, Menu, MenuItem

    def item(label: str, order: int, *, more: bool = False) -> MenuItem:
        return MenuItem(LazyProxy(lambda: label, enable_cache=False), (), order, more=more)

    items = [item(f"item {n}", n) for n in range(12)]
    menu = Menu.of([*items, item("help", 90), item("language", 91, more=True)], [], [])
    with i18n.context(), i18n.use_locale("zh_Hans"):
        main, rest = menu.sections_for({Role.RESIDENT})
    assert len(main) == MAX_MAIN
    assert main[-2:] == ["help", "➕ 更多"]
    assert rest == ["item 8", "item 9", "item 10", "item 11", "language"]
