"""The `courtyard` command (also `python -m bot`): set up courtyards, people and roles; run."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import ConfigError, Settings, load_settings
from bot.i18n import build_i18n
from bot.schema import upgrade
from models import GovernanceKind
from models.db import create_engine, session_factory
from services import courtyards, household_import, roles
from services.clock import utc_now
from services.errors import DomainError
from views.errors import error_text

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="courtyard", description="Courtyard (楼院管家)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="bring the store to the newest schema")
    add = sub.add_parser("add", help="add a courtyard")
    add.add_argument("name")
    add.add_argument("--address")
    add.add_argument("--community")
    add.add_argument("--code", help="short code used in ticket numbers (default Y01, Y02, ...)")
    add.add_argument(
        "--governance",
        choices=[g.value for g in GovernanceKind],
        default=GovernanceKind.SERVICE_CENTER.value,
    )
    imp = sub.add_parser("import-households", help="import households from CSV or XLSX")
    imp.add_argument("file", type=Path)
    imp.add_argument("--courtyard", required=True)
    inv = sub.add_parser("invite", help="print a courtyard's invite link")
    inv.add_argument("name")
    inv.add_argument("--renew", action="store_true", help="make a new code; old links stop")
    for name in ("grant", "revoke"):
        g = sub.add_parser(name, help=f"{name} a role")
        g.add_argument("role")
        g.add_argument("--user", type=int, required=True, help="Telegram user id")
        g.add_argument("--courtyard", help="one courtyard (default: all)")
    sub.add_parser("courtyards", help="list courtyards with household and member counts")
    sub.add_parser("run", help="run the bot (polling, or webhook with WEBHOOK_URL)")
    sub.add_parser(
        "send", help="run the outbox sender alone (beside webhook bot processes, for scale)"
    )
    demo = sub.add_parser("demo", help="run the bot against the local sandbox with demo data")
    demo.add_argument("--port", type=int, default=None)
    return p


async def _with_store(settings: Settings, work: Callable[..., Awaitable[int]]) -> int:
    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


async def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    await upgrade(settings.database_url)
    print(_("The store is up to date."))
    return 0


async def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> int:
        c = await courtyards.create_courtyard(
            session,
            args.name,
            utc_now(),
            address=args.address,
            community=args.community,
            governance=GovernanceKind(args.governance),
            code=args.code,
        )
        print(_("Added courtyard %(name)s (code %(code)s).") % {"name": c.name, "code": c.code})
        return 0

    return await _with_store(settings, work)


async def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    path: Path = args.file
    if not await asyncio.to_thread(path.is_file):
        print(_("No such file: %(path)s") % {"path": path}, file=sys.stderr)
        return 1
    rows = await asyncio.to_thread(
        lambda: household_import.parse_rows(household_import.read_table(path))
    )

    def progress(done: int, total: int) -> None:
        print(_("… %(done)s of %(total)s rows") % {"done": done, "total": total}, file=sys.stderr)

    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.courtyard)
        result = await household_import.save_rows(
            session, courtyard.id, rows, progress=progress if len(rows) >= 1000 else None
        )
        print(
            _(
                "Imported into %(courtyard)s: %(created)s new, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "courtyard": courtyard.name,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
        return 0

    return await _with_store(settings, work)


async def cmd_invite(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.name)
        if args.renew:
            await courtyards.renew_invite(session, courtyard, utc_now())
        code = courtyard.invite_code
        username = settings.bot_username or await _bot_username(settings)
        if username:
            print(f"https://t.me/{username}?start={code}")
        else:
            print(
                _("Invite code (bot username unknown; set BOT_USERNAME for a link): %(code)s")
                % {"code": code}
            )
        return 0

    return await _with_store(settings, work)


async def _bot_username(settings: Settings) -> str | None:
    token = settings.token()
    if not token:
        return None
    from bot.app import build_bot

    bot = build_bot(token, settings.telegram_api_url)
    try:
        me = await asyncio.wait_for(bot.get_me(), timeout=5)
        return me.username
    except Exception:  # offline: the code alone still works
        return None
    finally:
        await bot.session.close()


async def cmd_role(args: argparse.Namespace, settings: Settings) -> int:
    role = roles.parse_role(args.role)

    async def work(session: AsyncSession) -> int:
        now = utc_now()
        courtyard_id = None
        if args.courtyard:
            courtyard_id = (await courtyards.by_name(session, args.courtyard)).id
        user = await roles.user_by_telegram_id(
            session, args.user, now, create=args.command == "grant"
        )
        where = args.courtyard or _("all courtyards")
        values = {"role": role.value, "user": args.user, "where": where}
        if args.command == "grant":
            changed = await roles.grant(session, user, role, courtyard_id, now)
            print(
                (
                    _("Granted %(role)s to %(user)s in %(where)s.")
                    if changed
                    else _("%(user)s already holds %(role)s in %(where)s.")
                )
                % values
            )
        else:
            changed = await roles.revoke(session, user, role, courtyard_id, now)
            print(
                (
                    _("Revoked %(role)s from %(user)s in %(where)s.")
                    if changed
                    else _("%(user)s does not hold %(role)s in %(where)s.")
                )
                % values
            )
        return 0

    return await _with_store(settings, work)


async def cmd_courtyards(args: argparse.Namespace, settings: Settings) -> int:
    async def work(session: AsyncSession) -> int:
        rows = await courtyards.summaries(session)
        if not rows:
            print(_("No courtyards yet. Add one with: courtyard add NAME"))
        for row in rows:
            print(
                _("%(code)s  %(name)s  households: %(households)s  members: %(members)s")
                % {
                    "code": row.code,
                    "name": row.name,
                    "households": row.households,
                    "members": row.members,
                }
            )
        return 0

    return await _with_store(settings, work)


async def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.token()
    if not token:
        print(
            _(
                "BOT_TOKEN is not set: get a token from @BotFather and set BOT_TOKEN "
                "(or run `make run` without one to try the local sandbox)."
            ),
            file=sys.stderr,
        )
        return 2
    from bot.app import assemble, run

    await upgrade(settings.database_url)
    await run(await assemble(settings, token))
    return 0


async def cmd_send(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.token()
    if not token:
        print(
            _("BOT_TOKEN is not set: get a token from @BotFather and set BOT_TOKEN."),
            file=sys.stderr,
        )
        return 2
    from bot.app import run_sender

    await upgrade(settings.database_url)
    await run_sender(settings, token)
    return 0


async def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from bot.demo import run_demo

    result: int = await run_demo(settings, port=args.port)
    return result


COMMANDS: dict[str, Command] = {
    "migrate": cmd_migrate,
    "add": cmd_add,
    "import-households": cmd_import,
    "invite": cmd_invite,
    "grant": cmd_role,
    "revoke": cmd_role,
    "courtyards": cmd_courtyards,
    "run": cmd_run,
    "send": cmd_send,
    "demo": cmd_demo,
}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    if args.command != "migrate":  # every command migrates first; only `migrate` says how
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"configuration: {error}", file=sys.stderr)
        return 2
    i18n = build_i18n(settings.default_locale)
    with i18n.context(), i18n.use_locale(settings.default_locale):
        try:
            return asyncio.run(COMMANDS[args.command](args, settings))
        except household_import.ImportRejected as error:
            print(error_text(error), file=sys.stderr)
            for problem in error.problems:
                detail = (
                    _(problem.message) % problem.params if problem.params else _(problem.message)
                )
                print(
                    _("line %(line)s: %(problem)s") % {"line": problem.line, "problem": detail},
                    file=sys.stderr,
                )
            return 1
        except DomainError as error:
            print(error_text(error), file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            return 130
