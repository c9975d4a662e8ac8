"""The `courtyard` command (also `python -m bot`): set up courtyards, people and roles; run.

It starts without the bot framework: aiogram (seconds to import), the store and the services are
imported by the commands that use them, so `--help` and the store commands answer at once."""

from __future__ import annotations

import argparse
import asyncio
import gettext
import logging
import sys
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot import fee_commands, fee_reminder_commands, ledger_commands, vote_commands
from bot.i18n import terminal_translations
from services.access import ROLE_NAMES, Role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Settings
    from services.errors import DomainError

Command = Callable[[argparse.Namespace, "Settings"], Coroutine[Any, Any, int]]
# models.GovernanceKind's values (a test keeps them equal): the store costs --help a second
GOVERNANCE = ("property_company", "self_governed", "service_center", "none")
# commands that run the bot: they load aiogram and its i18n context
BOT_COMMANDS = ("run", "send", "demo")


class _Catalog:
    """The terminal's catalog: the store commands translate without aiogram's I18n."""

    translations: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    return _Catalog.translations.gettext(message)


def _roles_help() -> str:
    chinese = terminal_translations("zh_Hans")
    return ", ".join(
        f"{role.value} ({chinese.gettext(ROLE_NAMES[role])})"
        for role in Role
        if role is not Role.RESIDENT
    )


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="courtyard", description="Courtyard (楼院管家)")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="bring the store to the newest schema")
    add = sub.add_parser("add", help="add a courtyard")
    add.add_argument("name")
    add.add_argument("--address")
    add.add_argument("--community")
    add.add_argument("--code", help="short code used in ticket numbers (default Y01, Y02, ...)")
    add.add_argument("--governance", choices=GOVERNANCE, default="service_center")
    imp = sub.add_parser("import-households", help="import households from CSV or XLSX")
    imp.add_argument("file", type=Path)
    imp.add_argument("--courtyard", required=True)
    inv = sub.add_parser("invite", help="print a courtyard's invite link")
    inv.add_argument("name")
    inv.add_argument("--renew", action="store_true", help="make a new code; old links stop")
    roles_help = _roles_help()
    for name in ("grant", "revoke"):
        g = sub.add_parser(
            name,
            help=f"{name} a role",
            description=f"{name.capitalize()} a role. Roles: {roles_help}.",
        )
        g.add_argument("role", help=f"one of: {roles_help} (residents join by invite)")
        g.add_argument("--user", type=int, required=True, help="Telegram user id")
        g.add_argument("--courtyard", help="one courtyard (default: all)")
    sub.add_parser("courtyards", help="list courtyards with household and member counts")
    sub.add_parser("run", help="run the bot (polling, or webhook with WEBHOOK_URL)")
    sub.add_parser(
        "send", help="run the outbox sender alone (beside webhook bot processes, for scale)"
    )
    demo = sub.add_parser("demo", help="run the bot against the local sandbox with demo data")
    demo.add_argument("--port", type=int, default=None)
    fee_commands.add_parsers(sub)
    ledger_commands.add_parsers(sub)
    vote_commands.add_parsers(sub)
    fee_reminder_commands.add_parsers(sub)
    return p


async def _with_store(settings: Settings, work: Callable[..., Awaitable[int]]) -> int:
    from bot.schema import upgrade
    from models.db import create_engine, session_factory

    await upgrade(settings.database_url)
    engine = create_engine(settings.database_url)
    try:
        async with session_factory(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


async def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.schema import upgrade

    await upgrade(settings.database_url)
    print(_("The store is up to date."))
    return 0


async def cmd_add(args: argparse.Namespace, settings: Settings) -> int:
    from models import GovernanceKind
    from services import courtyards
    from services.clock import utc_now

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
    from services import courtyards, household_import
    from services.household_files import open_table

    path: Path = args.file
    if not await asyncio.to_thread(path.is_file):
        print(_("No such file: %(path)s") % {"path": path}, file=sys.stderr)
        return 1
    # the first pass checks every row (and raises ImportRejected) before the store is touched
    table = await asyncio.to_thread(open_table, path)
    total = await asyncio.to_thread(household_import.check, table)

    def progress(done: int, total: int) -> None:
        print(_("… %(done)s of %(total)s rows") % {"done": done, "total": total}, file=sys.stderr)

    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.courtyard)
        result = await household_import.save_rows(
            session,
            courtyard.id,
            household_import.household_rows(table),
            total=total,
            progress=progress if total >= 5 * household_import.BATCH else None,
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
    from services import courtyards
    from services.clock import utc_now

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
    from services import courtyards, roles
    from services.clock import utc_now

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
    from services import courtyards

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
    from bot.schema import migrated, start_upgrade

    # the store is migrated in a child process while this one imports the bot (seconds)
    migrating = await start_upgrade(settings.database_url)
    from aiogram.exceptions import TelegramAPIError, TelegramUnauthorizedError

    from bot.app import assemble, run

    if not _well_formed(token):
        await migrating.wait()
        return 2
    await migrated(migrating)
    try:
        runtime = await assemble(settings, token)
    except TelegramUnauthorizedError:
        print(_("BOT_TOKEN was refused by Telegram: check it with @BotFather."), file=sys.stderr)
        return 2
    except TelegramAPIError as error:  # e.g. TELEGRAM_API_URL points at something else
        print(
            _("The Bot API at TELEGRAM_API_URL (%(url)s) answered: %(error)s")
            % {"url": settings.telegram_api_url, "error": str(error).replace(token, "…")},
            file=sys.stderr,
        )
        return 2
    await run(runtime)
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
    from bot.schema import upgrade_apart

    if not _well_formed(token):
        return 2
    await upgrade_apart(settings.database_url)
    await run_sender(settings, token)
    return 0


def _well_formed(token: str) -> bool:
    """Say so in one line (no TokenValidationError traceback) when BOT_TOKEN is malformed."""
    from aiogram.utils.token import TokenValidationError, validate_token

    try:
        validate_token(token)
    except TokenValidationError:
        print(
            _(
                "BOT_TOKEN is malformed: a token from @BotFather looks like "
                "123456789:AAE… (digits, a colon, then letters)."
            ),
            file=sys.stderr,
        )
        return False
    return True


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
    **fee_commands.COMMANDS,
    **ledger_commands.COMMANDS,
    **vote_commands.COMMANDS,
    **fee_reminder_commands.COMMANDS,
}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    args = parser().parse_args(argv)
    if args.command != "migrate":  # every command migrates first; only `migrate` says how
        logging.getLogger("alembic").setLevel(logging.WARNING)
    from bot.config import ConfigError, load_settings

    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"configuration: {error}", file=sys.stderr)
        return 2
    _Catalog.translations = terminal_translations(settings.default_locale)
    if args.command not in BOT_COMMANDS:
        return _execute(args, settings)
    try:  # a Ctrl-C while aiogram loads (seconds on a slow machine) is no traceback either
        from bot.i18n import build_i18n

        i18n = build_i18n(settings.default_locale)
    except KeyboardInterrupt:
        return 130
    with i18n.context(), i18n.use_locale(settings.default_locale):
        return _execute(args, settings)


def _execute(args: argparse.Namespace, settings: Settings) -> int:
    from services.errors import DomainError
    from services.household_import import ImportRejected

    try:
        return asyncio.run(COMMANDS[args.command](args, settings))
    except ImportRejected as error:
        print(_text(error), file=sys.stderr)
        for problem in error.problems:
            print(
                _("line %(line)s: %(problem)s")
                % {"line": problem.line, "problem": _filled(problem.message, problem.params)},
                file=sys.stderr,
            )
        return 1
    except DomainError as error:
        print(_text(error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _text(error: DomainError) -> str:
    """A DomainError on the terminal. The store commands have no actor, so none of them raises
    the errors whose parameters need the bot's views (roles, states)."""
    return _filled(error.message, error.params)


def _filled(message: str, params: dict[str, Any]) -> str:
    text = _(message)
    try:
        return text % params if params else text
    except (KeyError, TypeError, ValueError):
        return text
