"""The shared household picker: typed answers understood, the invite checked at every step,
its purposes kept apart; and the joining flows that use it: registering a neighbour (who is
recognised when she joins later), a waiting applicant, the approval card, /pending."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Router
from harness import World
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID

from models import Household, Membership, MembershipStatus, User
from views.pickers import Pick, PickRelation

EXPIRED = "This button has expired. Please start again from the menu."
BAD_INVITE = "This invite link is not valid (any more). Please ask your grid leader for a new one."


async def household_id(sessions: async_sessionmaker[AsyncSession], label: str) -> int:
    async with sessions() as session:
        for home in await session.scalars(select(Household)):
            if home.label() == label:
                return home.id
    raise AssertionError(label)


async def memberships(sessions: async_sessionmaker[AsyncSession]) -> list[Membership]:
    async with sessions() as session:
        return list(await session.scalars(select(Membership).order_by(Membership.id)))


# ---- typed answers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("2号楼", "2号楼. Which unit?"),
        ("我住2号楼", "2号楼. Which unit?"),
        ("2栋", "2号楼. Which unit?"),
        ("２号楼", "2号楼. Which unit?"),  # full-width digit
        ("2-1", "2号楼-1单元. Which room?"),
        ("2-1-501", "Room 2号楼-1单元-501. Are you the owner, a tenant, or family?"),
        ("2号楼1单元501", "Room 2号楼-1单元-501. Are you the owner, a tenant, or family?"),
    ],
)
async def test_typed_building_unit_and_room_are_understood(
    world: World, courtyard: dict[str, Any], typed: str, shown: str
) -> None:
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")

    await person.sends(typed)

    assert person.last_message() == shown


async def test_a_typed_room_number_shows_the_rooms_that_have_it(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")

    await person.sends("502")

    assert person.last_message() == "These rooms match “502”. Which one is it?"
    assert person.buttons() == [
        "1号楼-1单元-502", "1号楼-2单元-502", "2号楼-1单元-502", "2号楼-2单元-502", "↩ Back",
    ]  # fmt: skip
    await person.taps("2号楼-2单元-502")
    await person.taps("Owner")
    [request] = await memberships(sessions)
    assert request.household_id == await household_id(sessions, "2号楼-2单元-502")


async def test_typed_rooms_within_the_chosen_unit(world: World, courtyard: dict[str, Any]) -> None:
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")
    await person.taps("1号楼")
    await person.sends("2单元")
    assert person.last_message() == "1号楼-2单元. Which room?"
    await person.sends("302")
    assert person.last_message() == "Room 1号楼-2单元-302. Are you the owner, a tenant, or family?"


async def test_nothing_matches_kindly_and_the_picker_again(
    world: World, courtyard: dict[str, Any]
) -> None:
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")
    await person.taps("1号楼")

    await person.sends("我不知道")

    texts = person.texts()
    assert texts[-2].startswith("Sorry, I could not find “我不知道” here.")
    assert "/" not in texts[-2]  # no slash command for an elderly user
    assert texts[-1] == "1号楼. Which unit?"
    assert person.buttons()[:2] == ["1单元", "2单元"]
    await person.sends("9号楼")
    assert person.texts()[-2].startswith("Sorry, I could not find “9号楼” here.")


# ---- the invite, checked at every step -------------------------------------------------------


async def forge(world: World, person: Any, data: str) -> None:
    from aiogram.types import Chat, Message
    from harness import bot_user

    message = Message(message_id=1, date=0, chat=Chat(id=person.id, type="private"),
                      from_user=bot_user(), text="…")  # fmt: skip
    await world.feed(person.callback_update(message, data))


@pytest.mark.parametrize(
    "forged",
    [
        lambda c, h: Pick(p="j", c=c, s="b").pack(),  # no invite at all
        lambda c, h: Pick(p="j", c=c, s="u", b=0, k="Wrong12345").pack(),
        lambda c, h: Pick(p="j", c=c, s="r", b=0, u=0, k="Wrong12345").pack(),
        lambda c, h: Pick(p="j", c=c, s="h", n=h).pack(),
        lambda c, h: PickRelation(p="j", h=h, rel="owner").pack(),
        lambda c, h: PickRelation(p="j", h=h, rel="owner", k="Wrong12345").pack(),
    ],
    ids=["buildings", "units", "rooms", "room", "relation", "relation-wrong-code"],
)
async def test_a_stranger_without_the_invite_gets_nothing(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    forged: Any,
) -> None:
    stranger = world.person("Stranger", 9666, language_code="en")
    await stranger.sends("/start")
    leader_texts = len(world.telegram.chat(LEADER_ID).messages)
    home = await household_id(sessions, "1号楼-1单元-101")

    await forge(world, stranger, forged(courtyard["id"], home))

    assert stranger.alerts()[-1] == BAD_INVITE
    assert await memberships(sessions) == []
    assert len(world.telegram.chat(LEADER_ID).messages) == leader_texts
    assert not any("Which" in t for t in stranger.texts())


async def test_another_courtyards_invite_opens_only_that_courtyard(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    from tests_data import OTHER_LEADER_ID, seed_courtyard

    other = await seed_courtyard(
        sessions, world.clock(), "都市A座", code="DSA", leader_id=OTHER_LEADER_ID
    )
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {other['invite']}")
    home = await household_id(sessions, "1号楼-1单元-101")  # 纬三路13号院's first room

    await forge(world, person, Pick(p="j", c=courtyard["id"], s="b", k=other["invite"]).pack())
    await forge(world, person, PickRelation(p="j", h=home, rel="owner", k=other["invite"]).pack())

    assert person.alerts()[-2:] == [BAD_INVITE, BAD_INVITE]
    assert await memberships(sessions) == []


async def test_purposes_do_not_depend_on_router_order(
    world: World, courtyard: dict[str, Any]
) -> None:
    """Each purpose's router answers only its own buttons: put the join router first and a
    leader's buttons for registering and filing still work."""
    routers: list[Router] = list(world.dispatcher.sub_routers)
    join = next(r for r in routers if r.name == "join")
    world.dispatcher.sub_routers.remove(join)
    world.dispatcher.sub_routers.insert(1, join)
    names = [r.name for parent in world.dispatcher.sub_routers for r in parent.sub_routers]
    pickers = [n for n in names if n.startswith("picker:")]
    assert len(pickers) == len(set(pickers))  # one code per purpose
    assert {"picker:j", "picker:r", "picker:t", "picker:fm", "picker:fa"} <= set(pickers)

    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/file")
    await leader.taps("1号楼")
    await leader.taps("1单元")
    await leader.taps("101")
    assert "1号楼-1单元-101" in leader.last_message()
    await leader.sends("/register")
    await leader.sends("1-1-102")
    assert leader.last_message() == "Room 1号楼-1单元-102. How is the neighbour related to it?"


# ---- registering a neighbour ---------------------------------------------------------------


async def begin_registering(world: World, name: str = "刘奶奶") -> Any:
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/register")
    assert leader.last_message().startswith("Which building does the neighbour live in?")
    await leader.taps("1号楼")
    await leader.taps("2单元")
    await leader.taps("301")
    await leader.taps("Owner")
    assert "Please send the neighbour's name." in leader.last_message()
    await leader.sends(name)
    assert leader.last_message().startswith(f"{name}'s phone number")
    return leader


async def test_registering_with_a_phone_shows_a_summary_then_saves(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    leader = await begin_registering(world)
    await leader.sends("12345")
    assert leader.last_message().startswith("12345 is not a phone number.")
    assert await memberships(sessions) == []

    await leader.sends("138 1234 5678")
    assert leader.last_message() == (
        "<b>Please check before saving:</b>\nName: 刘奶奶\nRoom: 1号楼-2单元-301\n"
        "Relation: Owner\nPhone: 13812345678"
    )
    assert leader.buttons() == ["✅ Save", "✖ Cancel"]
    assert await memberships(sessions) == []
    await leader.taps("✅ Save")

    assert leader.last_message() == (
        "✅ 刘奶奶 is now registered for room 1号楼-2单元-301. You can act for this household."
    )
    async with sessions() as session:
        person = await session.scalar(select(User).where(User.name == "刘奶奶"))
    assert person is not None
    assert person.phone == "13812345678"
    assert person.telegram_id is None
    [membership] = await memberships(sessions)
    assert membership.status is MembershipStatus.APPROVED
    assert membership.channel == "grid_leader"


async def test_a_landline_or_no_phone_and_cancel(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    leader = await begin_registering(world)
    await leader.sends("0371-6234 5678")
    assert leader.last_message().endswith("Phone: 0371-62345678")
    await leader.taps("✖ Cancel")
    assert leader.last_message() == "Registration cancelled. Nothing was saved."
    assert await memberships(sessions) == []

    leader = await begin_registering(world, "赵爷爷")
    await leader.taps("Skip: no phone")
    assert leader.last_message().endswith("Phone: none")
    await leader.taps("✅ Save")
    assert "赵爷爷 is now registered" in leader.last_message()
    assert len(await memberships(sessions)) == 1


async def test_the_registered_neighbour_joining_later_is_linked_not_doubled(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    leader = await begin_registering(world)
    await leader.taps("Skip: no phone")
    await leader.taps("✅ Save")
    async with sessions() as session:
        people_before = await session.scalar(select(func.count()).select_from(User))

    her = world.person("刘奶奶", 9300, language_code="en")
    await her.sends(f"/start {courtyard['invite']}")
    await her.sends("1-2-301")
    await her.taps("Owner")

    card = leader.last_message()
    assert "Living there now: 刘奶奶 (Owner)" in card
    assert "This looks like 刘奶奶, whom a grid leader registered for this room" in card
    await leader.taps("✅ Approve")

    async with sessions() as session:
        people = list(await session.scalars(select(User).where(User.name == "刘奶奶")))
        total = await session.scalar(select(func.count()).select_from(User))
    assert [p.telegram_id for p in people] == [9300]  # one 刘奶奶, the one on Telegram
    assert total == people_before  # the Telegram account replaced the record without it
    members = [m for m in await memberships(sessions) if m.status is MembershipStatus.APPROVED]
    assert [(m.user_id, m.household_id) for m in members] == [
        (people[0].id, await household_id(sessions, "1号楼-2单元-301"))
    ]
    assert "Welcome" in her.last_message()


# ---- a waiting applicant -------------------------------------------------------------------


async def test_a_waiting_applicant_is_told_her_request_waits(
    world: World, courtyard: dict[str, Any]
) -> None:
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/start")
    her = world.person("王阿姨", 9001, language_code="en")
    await her.sends(f"/start {courtyard['invite']}")
    await her.sends("2-1-501")
    await her.taps("Owner")
    since = world.clock().astimezone(world.policy.timezone).strftime("%Y-%m-%d %H:%M")
    waiting = (
        f"⏳ Your request for 纬三路13号院, room 2号楼-1单元-501, has been waiting since {since} "
        "for 李网格长 to answer.\nYou will get a message here as soon as they answer."
    )

    await her.sends("/start")
    assert her.last_message() == waiting
    for button in ("🛠 Report a repair", "📋 My requests"):
        await her.sends(button)
        assert her.last_message() == waiting

    await leader.taps("✅ Approve")
    await her.sends("/start")
    assert her.last_message().startswith("Hello, 王阿姨!")


# ---- the approval card, rejecting with a reason, /pending ----------------------------------


async def ask_to_join(
    world: World, courtyard: dict[str, Any], name: str, tid: int, room: str
) -> Any:
    person = world.person(name, tid, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")
    await person.sends(room)
    await person.taps("Family member")
    return person


async def test_the_card_shows_who_lives_there_and_a_rejection_has_a_reason(
    world: World, courtyard: dict[str, Any]
) -> None:
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/start")
    first = await ask_to_join(world, courtyard, "王阿姨", 9001, "1-1-101")
    assert "Nobody is registered for this room yet." in leader.last_message()
    await leader.taps("✅ Approve")

    second = await ask_to_join(world, courtyard, "Mallory", 9002, "1-1-101")
    assert "Living there now: 王阿姨 (Family member)" in leader.last_message()
    await leader.taps("❌ Reject")
    assert leader.last_message().startswith("Why is the request rejected?")
    assert leader.buttons() == ["Not living in this household", "Information incomplete"]
    await leader.taps("Not living in this household")
    assert leader.last_message() == "❌ Rejected: Mallory, 纬三路13号院 1号楼-1单元-101."
    assert second.last_message() == (
        "Your request to join 纬三路13号院, room 1号楼-1单元-101, was not approved.\n"
        "Reason: Not living in this household\n"
        "If this is a mistake, please talk to your grid leader, 李网格长."
    )

    third = await ask_to_join(world, courtyard, "Trudy", 9003, "1-1-102")
    await leader.taps("❌ Reject")
    await leader.sends("请本人带身份证来居委会")
    assert third.last_message().split("\n")[1] == "Reason: 请本人带身份证来居委会"
    assert first.last_message().startswith("✅ Welcome")


async def test_pending_is_one_paged_message_and_each_request_opens(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    from views.membership import PENDING_PAGE

    for i in range(PENDING_PAGE + 2):
        await ask_to_join(world, courtyard, f"居民{i}", 9100 + i, f"2-2-{(i // 2) + 1}0{i % 2 + 1}")
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    before = len(leader.texts())

    await leader.sends("/pending")

    assert len(leader.texts()) == before + 1  # one message
    page = leader.last_message()
    assert page.startswith(f"📝 {PENDING_PAGE + 2} join request(s) waiting:")
    assert page.count("\n") == PENDING_PAGE + 1
    assert leader.buttons()[-2:] == ["1/2", "Next ▶"]
    await leader.taps("Next ▶")
    assert leader.buttons() == [
        f"{PENDING_PAGE + 1}. 居民{PENDING_PAGE} · 2号楼-2单元-501",
        f"{PENDING_PAGE + 2}. 居民{PENDING_PAGE + 1} · 2号楼-2单元-502",
        "◀ Previous", "2/2",
    ]  # fmt: skip
    await leader.taps(f"{PENDING_PAGE + 2}. 居民{PENDING_PAGE + 1} · 2号楼-2单元-502")
    assert "居民9 asks to join 纬三路13号院, room 2号楼-2单元-502" in leader.last_message()
    await leader.taps("✅ Approve")
    assert leader.last_message() == "✅ Approved: 居民9, 纬三路13号院 2号楼-2单元-502."
    approved = [m for m in await memberships(sessions) if m.status is MembershipStatus.APPROVED]
    assert len(approved) == 1
