"""Finding one's room with buttons: pages, the page number, Back, and leaving a half-done
registration by a command or a menu button."""

from __future__ import annotations

from typing import Any

from harness import World
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from tests_data import LEADER_ID

from models import Household, Membership, User

APOLOGY = "Sorry, something went wrong on our side. Please try again in a moment."


async def add_homes(
    sessions: async_sessionmaker[AsyncSession], courtyard_id: int, building: str, unit: str,
    rooms: list[str],
) -> None:  # fmt: skip
    async with sessions() as session, session.begin():
        session.add_all(
            Household(courtyard_id=courtyard_id, building=building, unit=unit, room=room,
                      area_centi_m2=5000)
            for room in rooms
        )  # fmt: skip


async def test_long_room_lists_come_in_pages(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await add_homes(sessions, courtyard["id"], "7号楼", "1单元", [str(100 + i) for i in range(30)])
    await add_homes(sessions, courtyard["id"], "7号楼", "2单元", ["101"])
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")
    await person.taps("7号楼")
    await person.taps("1单元")

    assert person.last_message() == "7号楼-1单元. Which room?"
    assert person.buttons()[:3] == ["100", "101", "102"]
    assert person.buttons()[-3:] == ["1/3", "Next ▶", "↩ Back"]
    await person.taps("Next ▶")
    assert person.buttons()[0] == "112"
    assert person.buttons()[-4:] == ["◀ Previous", "2/3", "Next ▶", "↩ Back"]
    await person.taps("Next ▶")
    assert person.buttons()[:6] == ["124", "125", "126", "127", "128", "129"]

    # tapping the page number shows the same page: nothing to change, and nothing goes wrong
    await person.taps("3/3")
    assert APOLOGY not in person.alerts()
    assert person.buttons()[0] == "124"

    await person.taps("129")
    assert person.last_message() == "Room 7号楼-1单元-129. Are you the owner, a tenant, or family?"


async def test_back_from_the_rooms_of_a_building_without_units(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    await add_homes(sessions, courtyard["id"], "6号楼", "", ["1", "2", "3"])
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")
    await person.taps("6号楼")
    assert person.last_message() == "6号楼. Which room?"  # no unit question

    await person.taps("↩ Back")

    assert person.last_message().startswith("Which building do you live in?")
    assert person.buttons() == ["1号楼", "2号楼", "6号楼"]


async def test_back_from_rooms_to_units_and_buildings(
    world: World, courtyard: dict[str, Any]
) -> None:
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")
    await person.taps("2号楼")
    await person.taps("2单元")
    await person.taps("↩ Back")
    assert person.last_message() == "2号楼. Which unit?"
    await person.taps("↩ Back")
    assert person.last_message().startswith("Which building do you live in?")


async def test_a_double_tap_on_a_room_is_harmless(world: World, courtyard: dict[str, Any]) -> None:
    person = world.person("王阿姨", 9001, language_code="en")
    await person.sends(f"/start {courtyard['invite']}")
    await person.taps("1号楼")
    await person.taps("1单元")
    twice = person.tap_update("101")
    await world.feed(twice)
    await world.feed(
        person.callback_update(twice.callback_query.message, twice.callback_query.data)
    )
    assert APOLOGY not in person.alerts()
    assert person.buttons() == ["Owner", "Tenant", "Family member"]


async def start_registering(world: World) -> Any:
    leader = world.person("李网格长", LEADER_ID, language_code="en")
    await leader.sends("/register")
    await leader.taps("1号楼")
    await leader.taps("2单元")
    await leader.taps("301")
    await leader.taps("Owner")
    assert "Please send the neighbour's name." in leader.last_message()
    return leader


async def registered_people(sessions: async_sessionmaker[AsyncSession]) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Membership)) or 0)


async def test_a_menu_button_while_registering_is_a_menu_button(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    leader = await start_registering(world)

    await leader.sends("❓ Help")  # a tap on the menu button: not the neighbour's name

    assert leader.last_message().startswith("<b>What you can do</b>")
    await leader.sends("刘奶奶")  # the registration was left: this is just a message now
    assert leader.last_message().startswith("Sorry, I did not understand that.")
    assert await registered_people(sessions) == 0
    async with sessions() as session:
        assert await session.scalar(select(User.id).where(User.name == "❓ Help")) is None


async def test_a_command_while_registering_is_a_command(
    world: World, courtyard: dict[str, Any], sessions: async_sessionmaker[AsyncSession]
) -> None:
    leader = await start_registering(world)
    await leader.sends("/pending")
    assert leader.last_message() == "No join requests are waiting. 👍"

    leader = await start_registering(world)
    await leader.sends("刘奶奶")
    assert leader.last_message().startswith("刘奶奶's phone number")
    await leader.sends("/start")  # begins afresh
    assert leader.last_message().startswith("Hello, 李网格长!")
    await leader.sends("13812345678")
    assert leader.last_message().startswith("Sorry, I did not understand that.")
    await leader.taps("Skip: no phone")
    assert leader.alerts()[-1] == "This button has expired. Please start again from the menu."
    assert await registered_people(sessions) == 0
