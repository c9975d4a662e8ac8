"""The features, each declared once: its routers, outbox renderers, menu items, help lines,
commands and scheduler jobs. The app, the standalone sender and the scheduler are built from
this list; adding a feature means writing its packages and adding its entry here."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aiogram import Router
from babel.support import LazyProxy

import handlers.people
import handlers.tickets
import scheduler.jobs
import scheduler.tickets
import views.people
import views.tickets.menu
from handlers import errors
from scheduler.jobs import JobSpec
from services.access import Role
from views.menu import CommandEntry, Menu, MenuItem


def _none() -> Sequence[Router]:
    return ()


@dataclass(frozen=True)
class Feature:
    name: str
    # buttons and commands; a new router per call (one per dispatcher)
    routers: Callable[[], Sequence[Router]] = _none
    # typed input within a step of the feature: after every feature's buttons and commands
    step_routers: Callable[[], Sequence[Router]] = _none
    renderer_modules: Sequence[str] = ()
    menu: Sequence[MenuItem] = ()
    help: Mapping[Role, Sequence[LazyProxy]] = field(default_factory=dict)
    commands: Sequence[CommandEntry] = ()
    jobs: Sequence[JobSpec] = ()


BASICS = Feature(name="basics", routers=handlers.people.basics)

PEOPLE = Feature(
    name="people",
    routers=handlers.people.routers,
    renderer_modules=("views.membership",),
    menu=views.people.MENU,
    help=views.people.HELP_LINES,
    commands=views.people.COMMANDS,
    jobs=scheduler.jobs.JOBS,
)

TICKETS = Feature(
    name="tickets",
    routers=handlers.tickets.routers,
    step_routers=handlers.tickets.input_routers,
    renderer_modules=("views.tickets.cards", "views.tickets.notices"),
    menu=views.tickets.menu.MENU,
    help=views.tickets.menu.HELP_LINES,
    commands=views.tickets.menu.COMMANDS,
    jobs=scheduler.tickets.JOBS,
)

FEATURES: tuple[Feature, ...] = (BASICS, TICKETS, PEOPLE)


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


def jobs(features: Sequence[Feature] = FEATURES) -> list[JobSpec]:
    return [job for f in features for job in f.jobs]
