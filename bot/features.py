"""The features, each declared once: its routers, outbox renderers, menu items, help lines,
commands and scheduler jobs. The app, the standalone sender and the scheduler are built from
this list; adding a feature means writing its packages and adding its entry here."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiogram import Router
from babel.support import LazyProxy

import handlers.fees
import handlers.ledger
import handlers.notices
import handlers.people
import handlers.signups
import handlers.tickets
import handlers.visits
import handlers.votes
import scheduler.fees
import scheduler.jobs
import scheduler.ledger
import scheduler.notices
import scheduler.signups
import scheduler.tickets
import scheduler.votes
import views.fees.menu
import views.fees.reminders
import views.fees.renderers
import views.ledger.menu
import views.ledger.renderers
import views.membership
import views.notices.menu
import views.notices.renderers
import views.people
import views.roles
import views.signups.menu
import views.signups.renderers
import views.tickets.menu
import views.tickets.renderers
import views.visits
import views.votes.menu
import views.votes.notices
from handlers import errors
from scheduler.jobs import JobSpec
from services.access import Role
from services.outbox import OutboxPayload
from views.menu import CommandEntry, Menu, MenuItem
from views.outbox import Renderer, RenderTable
from views.visits import VisitTitle


def _none() -> Sequence[Router]:
    return ()


@dataclass(frozen=True)
class Feature:
    name: str
    # buttons and commands; a new router per call (one per dispatcher)
    routers: Callable[[], Sequence[Router]] = _none
    # typed input within a step of the feature: after every feature's buttons and commands
    step_routers: Callable[[], Sequence[Router]] = _none
    # its outbox kinds: payload type -> the view that renders it at send time
    renderers: Mapping[type[OutboxPayload], Renderer[Any]] = field(default_factory=dict)
    menu: Sequence[MenuItem] = ()
    help: Mapping[Role, Sequence[LazyProxy]] = field(default_factory=dict)
    commands: Sequence[CommandEntry] = ()
    jobs: Sequence[JobSpec] = ()
    # its kinds of visit on the grid leaders' 🚪 list: kind -> the title of one ref of it,
    # e.g. "notice" -> lambda ref, gettext: the notice's title (views.visits.VisitTitle)
    visit_kinds: Mapping[str, VisitTitle] = field(default_factory=dict)


BASICS = Feature(name="basics", routers=handlers.people.basics)

PEOPLE = Feature(
    name="people",
    routers=handlers.people.routers,
    renderers={**views.membership.RENDERERS, **views.roles.RENDERERS},
    menu=views.people.MENU,
    help=views.people.HELP_LINES,
    commands=views.people.COMMANDS,
    jobs=scheduler.jobs.JOBS,
)

TICKETS = Feature(
    name="tickets",
    routers=handlers.tickets.routers,
    step_routers=handlers.tickets.input_routers,
    renderers=views.tickets.renderers.RENDERERS,
    menu=views.tickets.menu.MENU,
    help=views.tickets.menu.HELP_LINES,
    commands=views.tickets.menu.COMMANDS,
    jobs=scheduler.tickets.JOBS,
)

LEDGER = Feature(
    name="ledger",
    routers=handlers.ledger.routers,
    step_routers=handlers.ledger.input_routers,
    renderers=views.ledger.renderers.RENDERERS,
    menu=views.ledger.menu.MENU,
    help=views.ledger.menu.HELP_LINES,
    commands=views.ledger.menu.COMMANDS,
    jobs=scheduler.ledger.JOBS,
)

VOTES = Feature(
    name="votes",
    routers=handlers.votes.routers,
    step_routers=handlers.votes.input_routers,
    renderers=views.votes.notices.RENDERERS,
    menu=views.votes.menu.MENU,
    help=views.votes.menu.HELP_LINES,
    commands=views.votes.menu.COMMANDS,
    jobs=scheduler.votes.JOBS,
    visit_kinds=views.votes.menu.VISIT_KINDS,
)

FEES = Feature(
    name="fees",
    routers=handlers.fees.routers,
    step_routers=handlers.fees.input_routers,
    renderers=views.fees.renderers.RENDERERS,
    menu=views.fees.menu.MENU,
    help=views.fees.menu.HELP_LINES,
    commands=views.fees.menu.COMMANDS,
    jobs=scheduler.fees.JOBS,
    visit_kinds=views.fees.reminders.VISIT_KINDS,
)

SIGNUPS = Feature(
    name="signups",
    routers=handlers.signups.routers,
    step_routers=handlers.signups.input_routers,
    renderers=views.signups.renderers.RENDERERS,
    menu=views.signups.menu.MENU,
    help=views.signups.menu.HELP_LINES,
    commands=views.signups.menu.COMMANDS,
    jobs=scheduler.signups.JOBS,
)

NOTICES = Feature(
    name="notices",
    routers=handlers.notices.routers,
    step_routers=handlers.notices.input_routers,
    renderers=views.notices.renderers.RENDERERS,
    menu=views.notices.menu.MENU,
    help=views.notices.menu.HELP_LINES,
    commands=views.notices.menu.COMMANDS,
    jobs=scheduler.notices.JOBS,
    visit_kinds=views.notices.menu.VISIT_KINDS,
)

# the grid leaders' list of households to see in person; the kinds on it come from the
# features that put households there (their `visit_kinds`)
VISITS = Feature(
    name="visits",
    routers=handlers.visits.routers,
    menu=views.visits.MENU,
    help=views.visits.HELP_LINES,
    commands=views.visits.COMMANDS,
)

# votes first and sign-ups before people: their `/start vote-<id>` and `/start signup-<id>`
# deep links must be seen before the invite deep link; FEES before PEOPLE: its /fees in a group
# comes before the groups' "write to me privately"
FEATURES: tuple[Feature, ...] = (
    VOTES,
    BASICS,
    TICKETS,
    FEES,
    NOTICES,
    LEDGER,
    SIGNUPS,
    PEOPLE,
    VISITS,
)


def routers(features: Sequence[Feature] = FEATURES) -> list[Router]:
    """Every router, in the order they see updates."""
    return [
        errors.build(),
        *(r for f in features for r in f.routers()),
        *(r for f in features for r in f.step_routers()),
        errors.build_fallback(),
    ]


def menu(features: Sequence[Feature] = FEATURES) -> Menu:
    return Menu.of(
        (item for f in features for item in f.menu),
        (f.help for f in features),
        (c for f in features for c in f.commands),
    )


def render_table(features: Sequence[Feature] = FEATURES) -> RenderTable:
    """Every feature's outbox renderers; two for one kind are refused."""
    return RenderTable(f.renderers for f in features)


def jobs(features: Sequence[Feature] = FEATURES) -> list[JobSpec]:
    return [job for f in features for job in f.jobs]


def visit_kinds(features: Sequence[Feature] = FEATURES) -> dict[str, VisitTitle]:
    """Every feature's kinds of visit; two features naming one kind are refused."""
    kinds: dict[str, VisitTitle] = {}
    for feature in features:
        for kind, title in feature.visit_kinds.items():
            if kind in kinds:
                raise ValueError(f"two features name the visit kind {kind!r}")
            kinds[kind] = title
    return kinds
