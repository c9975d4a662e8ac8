"""`courtyard fee-reminders COURTYARD [--stage STAGE --day N --off|--on]`: show a courtyard's
reminder stages, or change one (the day of the month it is due from, or switch it off or on).
Imported by bot.cli; nothing heavy is imported until the command runs."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Settings

STAGES = ("notice", "friendly", "overdue", "visit", "formal")  # models.ReminderStage


def _(message: str) -> str:
    from bot.cli import _ as translate  # the terminal's catalog, set up by bot.cli.main

    return translate(message)


def add_parsers(sub: Any) -> None:
    reminders = sub.add_parser(
        "fee-reminders",
        help="a courtyard's fee reminder stages (催缴): show them, or change one",
    )
    reminders.add_argument("courtyard")
    reminders.add_argument("--stage", choices=STAGES, help="the stage to change")
    reminders.add_argument("--day", type=int, help="local day of the month it is due from (1-28)")
    switch = reminders.add_mutually_exclusive_group()
    switch.add_argument("--off", action="store_true", help="switch the stage off")
    switch.add_argument("--on", action="store_true", help="switch the stage on again")


async def cmd_fee_reminders(args: argparse.Namespace, settings: Settings) -> int:
    from bot.cli import _with_store
    from services import courtyards
    from services.clock import utc_now
    from services.fees import reminder_settings

    async def work(session: AsyncSession) -> int:
        courtyard = await courtyards.by_name(session, args.courtyard)
        changing = args.day is not None or args.off or args.on
        if changing and args.stage is None:
            print(_("Say which stage to change with --stage."))
            return 2
        if changing:
            await reminder_settings.configure(
                session,
                None,
                courtyard.id,
                reminder_settings.parse_stage(args.stage),
                now=utc_now(),
                day=args.day,
                enabled=False if args.off else True if args.on else None,
            )
        print(_("Fee reminders of %(courtyard)s:") % {"courtyard": courtyard.name})
        for rule in await reminder_settings.rules(session, courtyard.id):
            print(
                _("%(stage)-9s %(state)s  from day %(day)s, %(months)s month(s) after the bill")
                % {
                    "stage": rule.stage.value,
                    "state": (_("on") if rule.enabled else _("off")).ljust(3),
                    "day": rule.day,
                    "months": rule.months_after,
                }
            )
        return 0

    result: int = await _with_store(settings, work)
    return result


COMMANDS = {"fee-reminders": cmd_fee_reminders}
