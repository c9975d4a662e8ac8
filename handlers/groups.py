"""Group chats: the bot being added or removed, /link to a courtyard, and pointing people to
the private chat for anything personal."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import JOIN_TRANSITION, LEAVE_TRANSITION, ChatMemberUpdatedFilter, Command
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    Message,
)
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import GROUPS, Where
from models import GroupKind
from services import courtyards
from services.access import Actor, Role, require
from services.clock import Clock
from services.errors import Stale
from views import groups as groups_view
from views.callbacks import LinkGroup
from views.text import h

LINKERS = (Role.GRID_LEADER, Role.ADMIN)


async def added(event: ChatMemberUpdated, session: AsyncSession) -> None:
    linked = await courtyards.note_group(
        session, event.chat.id, event.chat.title or "", active=True
    )
    if not linked:
        await event.answer(_("Hello! A grid leader can bind this group to a courtyard with /link."))


async def removed(event: ChatMemberUpdated, session: AsyncSession) -> None:
    await courtyards.note_group(session, event.chat.id, event.chat.title or "", active=False)


async def migrated(message: Message, session: AsyncSession) -> None:
    """The group became a supergroup with a new chat id; keep its binding."""
    if message.migrate_to_chat_id is not None:
        await courtyards.move_group(session, message.chat.id, message.migrate_to_chat_id)
    elif message.migrate_from_chat_id is not None:
        await courtyards.move_group(session, message.migrate_from_chat_id, message.chat.id)


async def link(message: Message, session: AsyncSession, actor: Actor) -> None:
    require(actor, LINKERS)
    led = await courtyards.courtyards_for(session, actor.courtyards_as(LINKERS))
    await message.answer(
        _("Which courtyard is this group for?"), reply_markup=groups_view.link_choices(led)
    )


async def on_link(
    query: CallbackQuery,
    callback_data: LinkGroup,
    session: AsyncSession,
    actor: Actor,
    clock: Clock,
) -> None:
    if not isinstance(query.message, Message) or query.message.chat.type not in (
        "group",
        "supergroup",
    ):
        raise Stale()
    try:
        kind = GroupKind(callback_data.kind)
    except ValueError:
        raise Stale() from None
    chat = query.message.chat
    await courtyards.link_group(
        session,
        actor,
        chat_id=chat.id,
        title=chat.title or "",
        courtyard_id=callback_data.c,
        kind=kind,
        now=clock(),
    )
    courtyard = (await courtyards.courtyards_for(session, {callback_data.c}))[0]
    if kind is GroupKind.RESIDENTS:
        text = _("✅ This group is now the residents' group of %(courtyard)s.")
    else:
        text = _("✅ This group is now the staff group of %(courtyard)s.")
    await query.message.edit_text(text % {"courtyard": h(courtyard.name)})
    await query.answer()


async def private_please(message: Message, bot_username: str | None) -> None:
    """Anything personal happens in the private chat; point there with a deep link."""
    if not bot_username:
        await message.reply(_("Please write to me in a private chat."))
        return
    await message.reply(
        _("Please continue in a private chat with me."),
        reply_markup=groups_view.private_chat(bot_username),
    )


def build() -> Router:
    """This feature's router; a new one per dispatcher."""
    router = Router(name="groups")
    router.my_chat_member(ChatMemberUpdatedFilter(JOIN_TRANSITION), GROUPS)(added)
    router.my_chat_member(ChatMemberUpdatedFilter(LEAVE_TRANSITION), GROUPS)(removed)
    router.message(Where(F.migrate_to_chat_id | F.migrate_from_chat_id))(migrated)
    router.message(Command("link"), GROUPS)(link)
    router.callback_query(LinkGroup.filter())(on_link)
    router.message(GROUPS, Where(F.text.startswith("/")))(private_please)
    return router
