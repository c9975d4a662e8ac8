"""`make run` without a token: the local sandbox, the real bot against it, and demo data."""

from __future__ import annotations

import logging
from pathlib import Path

from aiogram.utils.i18n import gettext as _
from sqlalchemy.engine import make_url

from bot.app import assemble, run
from bot.config import Settings
from bot.demo_data import (
    PEOPLE,
    RESIDENTS_GROUP,
    STAFF_GROUP,
    WSL,
    link_groups,
    seed,
    seed_features,
)
from bot.schema import upgrade
from models.db import create_engine, session_factory
from sandbox import Sandbox, SandboxLimits
from services.clock import utc_now

log = logging.getLogger("courtyard.demo")
DEMO_TOKEN = "100001:SANDBOX-DEMO-TOKEN"
DEMO_USERNAME = "courtyard_demo_bot"
DEMO_DATABASE = "sqlite+aiosqlite:///data/demo.sqlite3"


def update_ids_file(database_url: str) -> Path:
    """Where the sandbox keeps its last update id: next to a SQLite store (the store
    remembers handled update ids, so the sandbox must continue above them), else in data/."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_suffix(".sandbox-update-id")
    return Path("data/sandbox-update-id")


async def prepare(settings: Settings, sandbox: Sandbox) -> dict[str, str]:
    """Seed the store and the sandbox's people and groups; return invite codes."""
    database_url = settings.database_url
    await upgrade(database_url)
    for person in PEOPLE:
        sandbox.add_user(person.name, user_id=person.telegram_id, language_code="zh-hans")
    leader, repair = PEOPLE[1].telegram_id, PEOPLE[3].telegram_id
    residents = [p.telegram_id for p in PEOPLE if p.home and p.home[0] == WSL]
    staff = sandbox.add_group(STAFF_GROUP, [leader, repair])
    neighbours = sandbox.add_group(RESIDENTS_GROUP, [leader, *residents])
    engine = create_engine(database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            invites = await seed(session, utc_now())
            await link_groups(session, WSL, staff.id, neighbours.id, utc_now())
            await seed_features(session, utc_now(), settings.policy())
    finally:
        await engine.dispose()
    for group in (staff, neighbours):
        await sandbox.add_bot_to_group(group.id, by_user_id=leader)
    for name, code in invites.items():
        sandbox.add_link(name, f"https://t.me/{sandbox.bot_username}?start={code}")
    return invites


def demo_settings(settings: Settings) -> Settings:
    """The demo's own store, and quiet hours off unless QUIET_HOURS was set: a demo is tried
    at any hour, and messages that would wait for the morning should go out at once."""
    changes: dict[str, str] = {}
    if "database_url" not in settings.model_fields_set:
        changes["database_url"] = DEMO_DATABASE
    if "quiet_hours" not in settings.model_fields_set:
        changes["quiet_hours"] = "off"
    return settings.model_copy(update=changes)


def banner(settings: Settings, url: str, invites: dict[str, str]) -> str:
    lines = [
        _("The sandbox is running: open %(url)s/ in a browser.") % {"url": url},
        _("All demo data is invented."),
    ]
    if not settings.policy().quiet_hours.active:
        lines.append(
            _(
                "Quiet hours are off in the demo: every message goes out at once "
                "(set QUIET_HOURS=21:00-08:00 to try them)."
            )
        )
    for name, code in invites.items():
        lines.append(
            _("Invite to %(courtyard)s: /start %(code)s") % {"courtyard": name, "code": code}
        )
    lines.append(_("Stop with Ctrl+C."))
    return "\n" + "\n".join("  " + line for line in lines) + "\n"


async def run_demo(settings: Settings, *, port: int | None = None) -> int:
    settings = demo_settings(settings)
    sandbox = Sandbox(
        bot_username=DEMO_USERNAME,
        limits=SandboxLimits(enabled=True),
        update_ids_file=update_ids_file(settings.database_url),
    )
    url = await sandbox.start(port=settings.sandbox_port if port is None else port)
    try:
        invites = await prepare(settings, sandbox)
        demo = settings.model_copy(update={"telegram_api_url": url, "bot_username": DEMO_USERNAME})
        runtime = await assemble(demo, DEMO_TOKEN)
        print(banner(settings, url, invites), flush=True)
        await run(runtime)
    finally:
        await sandbox.stop()
    return 0
