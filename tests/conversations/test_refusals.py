"""Refusals: every role-gated command and button answers politely, in the person's language,
and changes nothing; stale and forged buttons are answered with an alert and change nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from harness import Person, World
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID

from models import Base, Household, Membership, MembershipStatus, Relation, User
from views.callbacks import Decide, Language, LinkGroup, PickCourtyard
from views.membership import RegisterStep
from views.pickers import Pick, PickRelation

ONLY_LEADERS = "Sorry, only grid leaders or the service center can do this."
EXPIRED = "This button has expired. Please start again from the menu."
NOT_FOUND = "This could not be found. It may have been removed."
# who a user is and which updates were seen change with every update; nothing else may
BOOKKEEPING = {"users", "processed_updates"}


async def store_state(sessions: async_sessionmaker[AsyncSession]) -> dict[str, list[tuple]]:
    """Every row of every table but the bookkeeping ones."""
    state: dict[str, list[tuple]] = {}
    async with sessions() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in BOOKKEEPING:
                continue
            rows = (await session.execute(select(table))).all()
            state[table.name] = sorted((tuple(map(repr, r)) for r in rows), key=repr)
    return state


async def resident_of(
    world: World, sessions: async_sessionmaker[AsyncSession], name: str, telegram_id: int,
    room: str = "101", language_code: str = "en",
) -> Person:  # fmt: skip
    """An approved resident of 1号楼-1单元-<room>, already known to the bot."""
    person = world.person(name, telegram_id, language_code=language_code)
    await person.sends("/start")
    async with sessions() as session, session.begin():
        user = await session.scalar(select(User).where(User.telegram_id == telegram_id))
        home = await session.scalar(
            select(Household).where(Household.room == room, Household.building == "1号楼",
                                    Household.unit == "1单元")
        )  # fmt: skip
        assert user is not None
        assert home is not None
        session.add(
            Membership(
                user_id=user.id,
                household_id=home.id,
                relation=Relation.OWNER,
                status=MembershipStatus.APPROVED,
                requested_at=world.clock(),
            )
        )
    return person


async def join_request(world: World, courtyard: dict[str, Any], person: Person) -> int:
    """`person` asks to join 2号楼-1单元-501 through the invite link; the membership id."""
    await person.sends(f"/start {courtyard['invite']}")
    await person.taps("2号楼")
    await person.taps("1单元")
    await person.taps("501")
    await person.taps("Owner")
    async with world.sessions() as session:
        found = await session.scalar(select(Membership.id).order_by(Membership.id.desc()))
    assert found is not None
    return found


async def tap_forged(person: Person, data: str, chat: Any = None) -> None:
    """Tap a button with this callback data, as if on the newest message of the chat (a stale
    keyboard, a forwarded one, or a hand-made request)."""
    log = person.world.telegram.chat(chat.id if chat else person.id)
    assert log.messages, "the person needs some message to tap on"
    message = list(log.messages.values())[-1]
    await person.world.feed(person.callback_update(message, data))


def last_alert(person: Person) -> str:
    alerts = person.alerts()
    assert alerts, "no alert was shown"
    return alerts[-1]


# ---- role-gated commands and menu buttons ----------------------------------------------------


@pytest.mark.parametrize("command", ["/pending", "/register", "📝 Join requests",
                                     "👤 Register a neighbour"])  # fmt: skip
async def test_leader_commands_refused_to_a_resident_and_a_stranger(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    command: str,
) -> None:
    resident = await resident_of(world, sessions, "王阿姨", 9001)
    stranger = world.person("Stranger", 9002, language_code="en")
    await stranger.sends("/start")
    before = await store_state(sessions)

    for person in (resident, stranger):
        await person.sends(command)
        assert person.last_message() == ONLY_LEADERS

    assert await store_state(sessions) == before
    # and the menu never offered it to them
    assert "📝 Join requests" not in resident.menu()
    assert "👤 Register a neighbour" not in resident.menu()


async def test_approve_and_reject_by_someone_who_is_not_a_leader(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    asker = world.person("王阿姨", 9001, language_code="en")
    membership_id = await join_request(world, courtyard, asker)
    resident = await resident_of(world, sessions, "Neighbour", 9002, room="102")
    before = await store_state(sessions)

    await tap_forged(resident, Decide(m=membership_id, ok=True).pack())
    assert last_alert(resident) == ONLY_LEADERS
    await tap_forged(asker, Decide(m=membership_id, ok=True).pack())  # approving oneself
    assert last_alert(asker) == ONLY_LEADERS
    await tap_forged(asker, Decide(m=membership_id, ok=False).pack())
    assert last_alert(asker) == ONLY_LEADERS

    assert await store_state(sessions) == before
    async with sessions() as session:
        status = await session.scalar(select(Membership.status).where(
            Membership.id == membership_id))  # fmt: skip
    assert status is MembershipStatus.PENDING


async def test_link_in_a_group_by_someone_who_is_not_a_leader(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    group = world.group(-100_777, "纬三路13号院 邻里群")
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await world.add_bot_to_group(group, leader)
    resident = await resident_of(world, sessions, "王阿姨", 9001)
    before = await store_state(sessions)

    # in a group the bot speaks the courtyard's language (Chinese), whoever asked
    only_leaders_zh = "抱歉，只有网格长或服务中心可以进行此操作。"
    await resident.sends("/link", chat=group)
    assert resident.last_message(group) == only_leaders_zh

    # the leader asks; the resident taps the leader's button before the leader does
    await leader.sends("/link", chat=group)
    assert "本群属于哪个楼院？" in leader.last_message(group)
    await resident.taps("纬三路13号院 · 居民群", chat=group)
    assert last_alert(resident) == only_leaders_zh

    assert await store_state(sessions) == before


# ---- stale and forged buttons ----------------------------------------------------------------


FORGED: list[tuple[str, Callable[[dict[str, Any]], str], str]] = [
    ("garbage", lambda ids: "zzz:not-a-button", EXPIRED),
    ("garbage with a known prefix", lambda ids: "md:abc:maybe", EXPIRED),
    ("decide a request that does not exist", lambda ids: Decide(m=424242, ok=True).pack(),
     NOT_FOUND),
    ("building out of range", lambda ids: Pick(p="j", c=ids["c"], s="u", b=99, k=ids["k"]).pack(),
     EXPIRED),
    ("negative building", lambda ids: f"hp:j:{ids['c']}:u:-1:0:0:{ids['k']}", EXPIRED),
    ("huge courtyard id", lambda ids: "hp:j:99999999999999999999:b:0:0:0:x", EXPIRED),
    ("unit out of range", lambda ids: Pick(p="j", c=ids["c"], s="r", b=0, u=7, k=ids["k"]).pack(),
     EXPIRED),
    ("unknown picker purpose", lambda ids: Pick(p="x", c=ids["c"], s="b").pack(), EXPIRED),
    ("unknown picker step", lambda ids: Pick(p="j", c=ids["c"], s="z", k=ids["k"]).pack(),
     EXPIRED),
    ("room that does not exist", lambda ids: Pick(p="j", c=ids["c"], s="h", n=999_999,
                                                  k=ids["k"]).pack(), NOT_FOUND),
    ("unknown relation", lambda ids: PickRelation(p="j", h=ids["h"], rel="landlord",
                                                  k=ids["k"]).pack(), EXPIRED),
    ("register-mode building picker", lambda ids: Pick(p="r", c=ids["c"], s="b").pack(),
     ONLY_LEADERS),
    ("register-mode room", lambda ids: Pick(p="r", c=ids["c"], s="h", n=ids["h"]).pack(),
     ONLY_LEADERS),
    ("register-mode relation", lambda ids: PickRelation(p="r", h=ids["h"], rel="owner").pack(),
     ONLY_LEADERS),
    ("register-mode courtyard", lambda ids: PickCourtyard(mode="r", c=ids["c"]).pack(),
     ONLY_LEADERS),
    ("save without registering", lambda ids: RegisterStep(do="save").pack(), EXPIRED),
    ("link outside a group", lambda ids: LinkGroup(c=ids["c"], kind="residents").pack(), EXPIRED),
    ("unknown language", lambda ids: Language(code="tlh").pack(),
     "This language is not available."),
]  # fmt: skip


@pytest.mark.parametrize(("data", "alert"), [(f, a) for _, f, a in FORGED],
                         ids=[name for name, _, _ in FORGED])  # fmt: skip
async def test_forged_and_stale_buttons_answer_and_change_nothing(
    world: World,
    courtyard: dict[str, Any],
    sessions: async_sessionmaker[AsyncSession],
    data: Callable[[dict[str, Any]], str],
    alert: str,
) -> None:
    resident = await resident_of(world, sessions, "王阿姨", 9001)
    async with sessions() as session:
        household = await session.scalar(select(Household.id).order_by(Household.id))
    before = await store_state(sessions)
    sent_before = len(resident.texts())

    await tap_forged(
        resident, data({"c": courtyard["id"], "h": household, "k": courtyard["invite"]})
    )

    assert last_alert(resident) == alert
    assert await store_state(sessions) == before
    assert len(resident.texts()) == sent_before  # an alert, not a new message


async def test_approve_on_a_request_already_answered(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    asker = world.person("王阿姨", 9001, language_code="en")
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/start")  # so the bot knows the leader reads English
    await join_request(world, courtyard, asker)
    request_update = leader.tap_update("✅ Approve")  # the same button, tapped twice
    reject_update = leader.tap_update("❌ Reject")
    await world.feed(request_update)
    assert "Approved" in leader.last_message()
    before = await store_state(sessions)

    await world.feed(reject_update)  # a second leader's old keyboard, or a double tap

    assert last_alert(leader) == "This request was already answered (approved)."
    assert await store_state(sessions) == before
    welcomes = [t for t in asker.texts() if t.startswith("✅ Welcome")]
    assert len(welcomes) == 1


async def test_unknown_or_renewed_invite_code(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    person = world.person("Newcomer", 9001, language_code="en")
    before = await store_state(sessions)

    await person.sends("/start NoSuchCode1")

    assert person.last_message() == (
        "This invite link is not valid (any more). Please ask your grid leader for a new one."
    )
    assert person.buttons() == []
    assert await store_state(sessions) == before


async def test_asking_twice_for_the_same_room(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/start")
    asker = world.person("王阿姨", 9001, language_code="en")
    await join_request(world, courtyard, asker)
    before = await store_state(sessions)

    await asker.sends(f"/start {courtyard['invite']}")
    await asker.taps("2号楼")
    await asker.taps("1单元")
    await asker.taps("501")
    await asker.taps("Tenant")

    assert last_alert(asker) == (
        "You have already asked to join 2号楼-1单元-501. A grid leader will answer soon."
    )
    assert await store_state(sessions) == before
    assert len([t for t in leader.texts() if "New join request" in t]) == 1


async def test_refusals_in_chinese(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    """A person whose Telegram speaks Chinese (the default) is refused in Chinese."""
    person = world.person("张大爷", 9001)  # language_code "zh-hans"
    await person.sends("/start")
    before = await store_state(sessions)

    await person.sends("/pending")
    assert person.last_message() == "抱歉，只有网格长或服务中心可以进行此操作。"

    await tap_forged(person, "zzz")
    assert last_alert(person) == "此按钮已失效，请从菜单重新开始。"

    await person.sends("/start NoSuchCode1")
    assert "邀请" in person.last_message()

    asker = world.person("王阿姨", 9002)
    await asker.sends(f"/start {courtyard['invite']}")
    await asker.taps("2号楼")
    await asker.taps("1单元")
    await asker.taps("501")
    owner = asker.buttons()[0]
    await asker.taps(owner)
    leader = world.person("李网格长", LEADER_ID)
    approve = leader.buttons()[0]
    stale = leader.tap_update(approve)
    await leader.taps(approve)
    await world.feed(stale)
    assert last_alert(leader) == "此申请已经处理过了（已通过）。"
    assert (await store_state(sessions))["courtyards"] == before["courtyards"]
