"""The household picker: building → unit → room by buttons (paged), or typed ("3号楼", "502",
"5-502"). A flow declares a `Purpose` (its code in the buttons, who may pick, and the
continuation that gets the chosen household), starts the picker with `start`, and includes
`router(purpose)` in its own router. Each purpose's router handles only buttons and typed
answers carrying its code, so no router's place in the order matters, and no registry exists
to be filled by imports.

The purpose's check runs at every step, server-side, with the proof the picker was opened
with (a join carries the courtyard's invite code): a forged button opens nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from typing import Any

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, InaccessibleMessage, InlineKeyboardMarkup, Message
from babel.support import LazyProxy
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.filters import PRIVATE, Where
from services import addresses, membership
from services.access import Actor, Role, require
from services.clock import Clock
from services.errors import NotFound, Stale
from services.policy import Policy
from views import pickers
from views.menu import AnyMenuButton
from views.pickers import Frame, Pick

_KEY = "picker"  # where the step on screen is kept in the chat's FSM data, for typed answers


class Picking(StatesGroup):
    step = State()


@dataclass(frozen=True)
class Screen:
    """Where the next step goes: in place of the tapped message, or (after typed text) as a
    new message at the bottom of the chat."""

    message: Message
    edit: bool

    async def show(self, text: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
        if not self.edit:
            await self.message.answer(text, reply_markup=keyboard)
            return
        await self.message.edit_text(text, reply_markup=keyboard)  # the same again is fine


@dataclass(frozen=True)
class Picked:
    """What a flow's continuation receives with the chosen household."""

    screen: Screen
    session: AsyncSession
    actor: Actor
    state: FSMContext
    clock: Clock
    policy: Policy
    key: str  # the proof the picker was opened with


Check = Callable[[AsyncSession, Actor, int, str], Awaitable[None]]
Continuation = Callable[[Picked, int], Awaitable[None]]


def requiring(roles: Collection[Role]) -> Check:
    """The check of a purpose open to whoever holds one of `roles` in the courtyard."""

    async def allowed(session: AsyncSession, actor: Actor, courtyard_id: int, key: str) -> None:
        require(actor, roles, courtyard_id)

    return allowed


@dataclass(frozen=True)
class Purpose:
    """Why a household is being picked. `code` (one or two letters, unique among purposes)
    goes into every button; `allowed(session, actor, courtyard_id, key)` raises a DomainError
    unless the actor may pick in that courtyard; `on_picked(picked, household_id)` goes on."""

    code: str
    allowed: Check
    on_picked: Continuation
    question: LazyProxy  # asked at the building step


def _frame(purpose: Purpose, courtyard_id: int, key: str) -> Frame:
    return Frame(purpose.code, courtyard_id, key, str(purpose.question))


async def _remember(state: FSMContext, frame: Frame, step: str, b: int = 0, u: int = 0) -> None:
    await state.set_state(Picking.step)
    await state.update_data(
        {_KEY: {"p": frame.purpose, "c": frame.courtyard_id, "k": frame.key, "s": step,
                "b": b, "u": u}}
    )  # fmt: skip


async def _forget(state: FSMContext) -> None:
    data = await state.get_data()
    data.pop(_KEY, None)
    await state.set_data(data)
    await state.set_state(None)


async def _building(session: AsyncSession, c: int, b: int) -> tuple[str, list[str]]:
    names = await membership.buildings(session, c)
    if not 0 <= b < len(names):
        raise Stale()
    return names[b], names


async def _unit(session: AsyncSession, c: int, building: str, u: int) -> tuple[str, list[str]]:
    names = await membership.units(session, c, building)
    if not 0 <= u < len(names):
        raise Stale()
    return names[u], names


async def _show_buildings(
    screen: Screen, session: AsyncSession, state: FSMContext, frame: Frame, page: int = 0
) -> None:
    text, keyboard = pickers.buildings(
        frame, await membership.buildings(session, frame.courtyard_id), page
    )
    await screen.show(text, keyboard)
    await _remember(state, frame, "b")


async def _show_units(
    screen: Screen,
    session: AsyncSession,
    state: FSMContext,
    frame: Frame,
    b: int,
    page: int = 0,
) -> None:
    building, _names = await _building(session, frame.courtyard_id, b)
    names = await membership.units(session, frame.courtyard_id, building)
    if len(names) == 1:  # a building without units: straight to its rooms
        await _show_rooms(screen, session, state, frame, b, 0)
        return
    text, keyboard = pickers.units(frame, b, building, names, page)
    await screen.show(text, keyboard)
    await _remember(state, frame, "u", b)


async def _show_rooms(
    screen: Screen,
    session: AsyncSession,
    state: FSMContext,
    frame: Frame,
    b: int,
    u: int,
    page: int = 0,
) -> None:
    building, _names = await _building(session, frame.courtyard_id, b)
    unit, units = await _unit(session, frame.courtyard_id, building, u)
    homes = await membership.rooms(session, frame.courtyard_id, building, unit)
    label = "-".join(p for p in (building, unit) if p)
    text, keyboard = pickers.rooms(
        frame, b, u, label, [(x.id, x.room) for x in homes], page, only_unit=len(units) == 1
    )
    await screen.show(text, keyboard)
    await _remember(state, frame, "r", b, u)


async def start(
    message: Message,
    state: FSMContext,
    session: AsyncSession,
    actor: Actor,
    purpose: Purpose,
    courtyard_id: int,
    key: str = "",
    *,
    edit: bool = False,
) -> None:
    """Ask for the building (in place of `message` if `edit`, else as a new message)."""
    await purpose.allowed(session, actor, courtyard_id, key)
    frame = _frame(purpose, courtyard_id, key)
    await _show_buildings(Screen(message, edit), session, state, frame)


def _message(query: CallbackQuery) -> Message:
    if query.message is None or isinstance(query.message, InaccessibleMessage):
        raise Stale()
    return query.message


class _PickingFor(Filter):
    """The chat is at a step of this purpose's picker."""

    def __init__(self, code: str) -> None:
        self.code = code

    async def __call__(self, message: Message, state: FSMContext) -> bool:
        if await state.get_state() != Picking.step.state:
            return False
        at = (await state.get_data()).get(_KEY) or {}
        return bool(at.get("p") == self.code)


def router(purpose: Purpose) -> Router:
    """The picker's buttons and typed answers for one purpose; include it in the flow's
    router (a new one per dispatcher)."""

    async def finish(
        screen: Screen,
        household_id: int,
        courtyard_id: int,
        key: str,
        **deps: Any,
    ) -> None:
        home = await membership.household(deps["session"], household_id)
        if home.courtyard_id != courtyard_id:
            raise NotFound()
        await _forget(deps["state"])
        await purpose.on_picked(Picked(screen=screen, key=key, **deps), home.id)

    async def on_tap(
        query: CallbackQuery,
        callback_data: Pick,
        session: AsyncSession,
        actor: Actor,
        state: FSMContext,
        clock: Clock,
        policy: Policy,
    ) -> None:
        cb = callback_data
        await purpose.allowed(session, actor, cb.c, cb.k)
        frame = _frame(purpose, cb.c, cb.k)
        screen = Screen(_message(query), edit=True)
        if cb.s == "b":
            await _show_buildings(screen, session, state, frame, cb.n)
        elif cb.s == "u":
            await _show_units(screen, session, state, frame, cb.b, cb.n)
        elif cb.s == "r":
            await _show_rooms(screen, session, state, frame, cb.b, cb.u, cb.n)
        elif cb.s == "h":
            deps = {"session": session, "actor": actor, "state": state, "clock": clock,
                    "policy": policy}  # fmt: skip
            await finish(screen, cb.n, cb.c, cb.k, **deps)
        else:
            raise Stale()
        await query.answer()

    async def on_typed(
        message: Message,
        session: AsyncSession,
        actor: Actor,
        state: FSMContext,
        clock: Clock,
        policy: Policy,
    ) -> None:
        at = (await state.get_data())[_KEY]
        c, key, step = int(at["c"]), str(at["k"]), str(at["s"])
        await purpose.allowed(session, actor, c, key)
        frame = _frame(purpose, c, key)
        typed = (message.text or "").strip()
        names = await membership.buildings(session, c)
        building = unit = None
        if step in ("u", "r"):
            building, _names = await _building(session, c, int(at["b"]))
        if step == "r":
            unit, _units = await _unit(session, c, building or "", int(at["u"]))
        found = addresses.find(
            await addresses.places(session, c), typed, building=building, unit=unit
        )
        screen = Screen(message, edit=False)
        if len(found.households) == 1:
            deps = {"session": session, "actor": actor, "state": state, "clock": clock,
                    "policy": policy}  # fmt: skip
            await finish(screen, found.households[0].household_id, c, key, **deps)
        elif found.households:
            await screen.show(*pickers.matches(frame, typed, found.households))
        elif found.building is not None:
            b = names.index(found.building)
            if found.unit is None:
                await _show_units(screen, session, state, frame, b)
            else:
                units = await membership.units(session, c, found.building)
                await _show_rooms(screen, session, state, frame, b, units.index(found.unit))
        elif found.buildings:
            indexed = [(names.index(n), n) for n in found.buildings]
            await screen.show(*pickers.some_buildings(frame, typed, indexed))
        else:  # kindly, and the same step again, below
            await message.answer(pickers.not_found(typed))
            if step == "u":
                await _show_units(screen, session, state, frame, int(at["b"]))
            elif step == "r":
                await _show_rooms(screen, session, state, frame, int(at["b"]), int(at["u"]))
            else:
                await _show_buildings(screen, session, state, frame)

    async def leave(message: Message, state: FSMContext) -> None:
        """A command or a menu button while picking: the person has moved on."""
        await _forget(state)
        raise SkipHandler()

    picking = _PickingFor(purpose.code)
    routes = Router(name=f"picker:{purpose.code}")
    routes.callback_query(Pick.filter(F.p == purpose.code))(on_tap)
    routes.message(
        PRIVATE, picking, Where(F.text), Where(~F.text.startswith("/")), ~AnyMenuButton()
    )(on_typed)
    routes.message(PRIVATE, picking, Where(F.text))(leave)
    return routes
