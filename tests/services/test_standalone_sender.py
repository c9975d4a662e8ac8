"""`courtyard send`: the outbox sender alone renders every kind as the bot process does — a
message that brings a new main menu shows every feature's buttons."""

from __future__ import annotations

import pytest
from aiogram.methods import SendMessage
from aiogram.types import ReplyKeyboardMarkup
from harness import World
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import build_sender
from bot.config import Settings
from models import User
from services import outbox
from services.access import Actor, Role
from services.clock import FixedClock
from services.membership_messages import MembershipApproved
from views import menu as menu_view


async def test_standalone_sender_sends_the_full_menu_with_an_approval(
    world: World, sessions: async_sessionmaker[AsyncSession], clock: FixedClock
) -> None:
    async with sessions() as session, session.begin():
        user = User(telegram_id=9001, name="王阿姨", language_code="zh-hans", created_at=clock())
        session.add(user)
        await session.flush()
        await outbox.enqueue(
            session,
            MembershipApproved(
                courtyard="纬三路13号院",
                household="2号楼-1单元-501",
                leader="李",
                roles=(Role.RESIDENT,),
            ),
            dedupe_key="approved:1",
            now=clock(),
            user_id=user.id,
        )
    settings = Settings(bot_token="123456:TEST", quiet_hours="off")
    sender = build_sender(settings, "123456:TEST", sessions, clock=clock)
    await sender.bot.session.close()
    sender.bot = world.bot  # the fake Telegram instead of the network
    assert await sender.drain_once() == 1
    [sent] = [s.method for s in world.telegram.requests if isinstance(s.method, SendMessage)]
    assert isinstance(sent.reply_markup, ReplyKeyboardMarkup)
    labels = [b.text for row in sent.reply_markup.keyboard for b in row]
    assert {"🏠 我的家", "🛠 我要报修", "📋 我的报修", "❓ 帮助"} <= set(labels)


def test_no_menu_outside_an_update_or_a_rendering() -> None:
    """Rendering a menu with nothing assembled would show an incomplete one: refused."""
    with pytest.raises(LookupError):
        menu_view.main_menu(Actor(user_id=1, name="x", grants=frozenset()))
