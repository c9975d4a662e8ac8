"""Typed outbox messages: every kind has a payload type and a renderer; a payload built
wrongly fails when the row is written, never when it is sent; rows read back typed."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from aiogram.utils.i18n import I18n
from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import services
from bot import features
from bot.features import render_table
from models import OutboxMessage, Relation, User
from services import outbox
from services.access import Role
from services.clock import FixedClock
from services.membership_messages import MembershipApproved, MembershipRequested
from services.outbox import OutboxPayload
from views import menu as menu_view
from views.membership import approved
from views.outbox import RenderContext, Rendered, RenderTable

CONTEXT = RenderContext(timezone=ZoneInfo("Asia/Shanghai"))


def every_kind() -> list[type[OutboxPayload]]:
    """Every payload type with a kind in services/ (all of its modules imported)."""
    for module in pkgutil.walk_packages(services.__path__, "services."):
        importlib.import_module(module.name)
    found: list[type[OutboxPayload]] = []
    todo = list(OutboxPayload.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        # only services' kinds: tests may define kinds of their own
        if isinstance(getattr(cls, "kind", None), str) and cls.__module__.startswith("services."):
            found.append(cls)
    return found


def test_every_kind_has_a_renderer_and_kinds_are_unique() -> None:
    kinds = every_kind()
    assert len(kinds) >= 16  # 5 of joining, 1 of roles, 10 of tickets, and features to come
    names = [k.kind for k in kinds]
    assert len(names) == len(set(names)), sorted(names)
    assert set(kinds) == render_table().payload_types()


def test_two_renderers_for_one_kind_are_refused() -> None:
    def other(payload: MembershipApproved, context: RenderContext) -> Rendered:
        return Rendered("x")

    with pytest.raises(ValueError, match=r"membership\.approved"):
        RenderTable([{MembershipApproved: approved}, {MembershipApproved: other}])


def test_an_unknown_kind_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match=r"ticket\.vanished"):
        render_table().render("ticket.vanished", {}, CONTEXT)


def requested(**change: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "membership_id": 7,
        "name": "王阿姨",
        "courtyard": "纬三路13号院",
        "household": "2号楼-1单元-501",
        "relation": Relation.OWNER,
        "area_centi_m2": 8650,
    }
    values.update(change)
    return values


@pytest.mark.parametrize(
    "bad",
    [
        {"membership_id": "seven"},  # not an id
        {"relation": "landlord"},  # not a relation
        {"area": 86.5},  # a misspelt field
    ],
)
def test_a_payload_built_wrongly_fails_when_built(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        MembershipRequested(**requested(**bad))


def test_a_missing_field_fails_when_built() -> None:
    values = requested()
    del values["household"]
    with pytest.raises(ValidationError):
        MembershipRequested(**values)


async def test_only_a_payload_of_a_kind_can_be_enqueued_and_nothing_is_written(
    session: AsyncSession, clock: FixedClock
) -> None:
    person = User(telegram_id=9001, name="王阿姨", created_at=clock())
    session.add(person)
    await session.flush()
    with pytest.raises(TypeError):
        await outbox.enqueue(
            session,
            OutboxPayload(),
            dedupe_key="k",
            now=clock(),
            user_id=person.id,
        )
    with pytest.raises(TypeError):
        await outbox.enqueue(
            session,
            {"courtyard": "纬三路13号院"},  # type: ignore[arg-type]
            dedupe_key="k",
            now=clock(),
            user_id=person.id,
        )
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_the_row_keeps_kind_and_json_and_renders_typed(
    session: AsyncSession, clock: FixedClock, i18n: I18n
) -> None:
    person = User(telegram_id=9001, name="王阿姨", created_at=clock())
    session.add(person)
    await session.flush()
    payload = MembershipApproved(
        courtyard="纬三路13号院",
        household="2号楼-1单元-501",
        leader="李<网格长>",
        roles=(Role.RESIDENT,),
    )
    assert await outbox.enqueue(
        session, payload, dedupe_key="approved:1", now=clock(), user_id=person.id
    )
    row = await session.scalar(select(OutboxMessage))
    assert row is not None
    assert row.kind == "membership.approved"
    assert row.payload == {
        "courtyard": "纬三路13号院",
        "household": "2号楼-1单元-501",
        "leader": "李<网格长>",
        "roles": ["resident"],
    }
    with i18n.context(), i18n.use_locale("en"), menu_view.use(features.menu()):
        shown = render_table().render(row.kind, row.payload, CONTEXT)
    assert shown.text.startswith("✅ Welcome! 李&lt;网格长&gt; approved you for 纬三路13号院")


def test_a_stored_row_that_does_not_fit_its_kind_fails_to_render() -> None:
    """(A row written before a payload changed shape: the sender fails that row, not others.)"""
    with pytest.raises(ValidationError):
        render_table().render("membership.approved", {"courtyard": "纬三路13号院"}, CONTEXT)
