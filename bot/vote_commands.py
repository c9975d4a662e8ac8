"""The vote commands of `courtyard`: votes (a list), vote show (totals, ballots by option, the
four ratios, the outcome), vote create (from a JSON file; --open opens it at once), vote close
(early, with a reason) and vote adopt (the winning fee plan from a month). Imported by bot.cli;
nothing heavy is imported until a command runs."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.config import Settings
    from services.votes.tally import Tally


def _(message: str) -> str:
    from bot.cli import _ as translate

    return translate(message)


def add_parsers(sub: Any) -> None:
    listing = sub.add_parser("votes", help="list votes")
    listing.add_argument("--courtyard", help="one courtyard (default: all)")
    vote = sub.add_parser("vote", help="one vote: show, create, close, adopt")
    vote_sub = vote.add_subparsers(dest="vote_command", required=True)
    show = vote_sub.add_parser("show", help="totals, ballots by option, ratios and outcome")
    show.add_argument("id", type=int)
    show.add_argument("--format", choices=("table", "json"), default="table")
    create = vote_sub.add_parser("create", help="create a vote from a JSON file")
    create.add_argument("file", type=Path)
    create.add_argument("--courtyard", required=True)
    create.add_argument("--open", action="store_true", help="open it at once")
    close = vote_sub.add_parser("close", help="close a vote before its deadline")
    close.add_argument("id", type=int)
    close.add_argument("--reason", required=True)
    proto = vote_sub.add_parser("protocol", help="the protocol of a closed vote, XLSX or PDF")
    proto.add_argument("id", type=int)
    proto.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
    proto.add_argument("--output", type=Path, required=True, help="file to write")
    adopt = vote_sub.add_parser("adopt", help="adopt the winning option's fee plan")
    adopt.add_argument("id", type=int)
    adopt.add_argument("--from", dest="from_period", required=True, help="YYYY-MM")


async def _with_store(settings: Settings, work: Callable[..., Any]) -> int:
    from bot.cli import _with_store as with_store

    result: int = await with_store(settings, work)
    return result


def area_text(centi: int) -> str:
    return f"{centi // 100}.{centi % 100:02d}"


def percent_text(share: Fraction) -> str:
    """An exact share as a percentage with two decimals, half up."""
    hundredths = share * 10000
    whole = int(hundredths)
    if hundredths - whole >= Fraction(1, 2):
        whole += 1
    return f"{whole // 100}.{whole % 100:02d}%"


def figures(result: Tally) -> dict[str, Any]:
    lead = result.leader()
    return {
        "id": result.vote_id,
        "title": result.title,
        "rule": result.rule.value,
        "matter": result.matter,
        "status": result.status.value,
        "closes_at": result.closes_at.isoformat(),
        "total": {"heads": result.total.heads, "area_centi_m2": result.total.area},
        "took_part": {"heads": result.took_part.heads, "area_centi_m2": result.took_part.area},
        "options": [
            {
                "position": o.position,
                "text": o.text,
                "heads": o.heads,
                "area_centi_m2": o.area,
                "rate_per_m2": o.rate_per_m2,
                "parking_fee_fen": o.parking_fee_fen,
            }
            for o in result.options
        ],
        "ratios": {
            "participation_heads": str(result.participation_heads),
            "participation_area": str(result.participation_area),
            "approval_heads": str(result.approval_heads),
            "approval_area": str(result.approval_area),
        },
        "leading_option": lead.position if lead else None,
        "outcome": result.verdict.outcome.value,
        "shortfall": {
            "participation_heads": result.verdict.shortfall.participation_heads,
            "participation_area_centi_m2": result.verdict.shortfall.participation_area,
            "approval_heads": result.verdict.shortfall.approval_heads,
            "approval_area_centi_m2": result.verdict.shortfall.approval_area,
        },
        "buildings": [
            {"building": b.building, "households": b.households, "voted": b.voted}
            for b in result.buildings
        ],
    }


def table(result: Tally) -> str:
    lines = [
        f"#{result.vote_id} {result.title}  [{result.status.value}]",
        _("rule: %(rule)s") % {"rule": _rule(result)},
        _("in scope: %(heads)s heads, %(area)s m²")
        % {"heads": result.total.heads, "area": area_text(result.total.area)},
        _("took part: %(heads)s heads (%(ph)s), %(area)s m² (%(pa)s)")
        % {
            "heads": result.took_part.heads,
            "ph": percent_text(result.participation_heads),
            "area": area_text(result.took_part.area),
            "pa": percent_text(result.participation_area),
        },
    ]
    lines.extend(
        _("option %(n)s %(text)s: %(heads)s heads, %(area)s m²")
        % {"n": o.position, "text": o.text, "heads": o.heads, "area": area_text(o.area)}
        for o in result.options
    )
    lines.append(
        _("leading option approval: %(ah)s of heads, %(aa)s of area")
        % {"ah": percent_text(result.approval_heads), "aa": percent_text(result.approval_area)}
    )
    lines.append(_("outcome: %(outcome)s") % {"outcome": result.verdict.outcome.value})
    return "\n".join(lines)


def _rule(result: Tally) -> str:
    if result.matter is None:
        return _("simple majority of households")
    return _("Civil Code Art. 278, matter %(matter)s") % {"matter": result.matter}


async def cmd_votes(args: argparse.Namespace, settings: Settings) -> int:
    from services import courtyards
    from services.votes import queries

    async def work(session: AsyncSession) -> int:
        courtyard_id = None
        if args.courtyard:
            courtyard_id = (await courtyards.by_name(session, args.courtyard)).id
        rows = await queries.listing(session, courtyard_id)
        if not rows:
            print(_("No votes yet."))
        zone = ZoneInfo(settings.timezone)
        for row in rows:
            print(
                _(
                    "#%(id)s %(courtyard)s  %(title)s  %(status)s  closes %(closes)s  "
                    "%(ballots)s/%(heads)s ballots"
                )
                % {
                    "id": row.id,
                    "courtyard": row.courtyard,
                    "title": row.title,
                    "status": row.status.value,
                    "closes": row.closes_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                    "ballots": row.ballots,
                    "heads": row.total_heads,
                }
            )
        return 0

    return await _with_store(settings, work)


def _local(text: str, zone: ZoneInfo) -> datetime:
    """An ISO time; without an offset, local time in `zone`."""
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=zone)


def _draft(data: dict[str, Any], zone: ZoneInfo) -> Any:
    from models import VoteRule
    from services.errors import InvalidInput
    from services.votes.drafting import OptionDraft, VoteDraft

    try:
        closes = _local(str(data["closes_at"]), zone)
        opens = _local(str(data["opens_at"]), zone) if data.get("opens_at") else None
        return VoteDraft(
            title=str(data["title"]),
            text=str(data.get("text", "")),
            options=[
                OptionDraft(
                    text=str(o["text"]),
                    rate=None if o.get("rate") is None else str(o["rate"]),
                    parking_fee=None if o.get("parking_fee") is None else str(o["parking_fee"]),
                    includes=str(o.get("includes", "")),
                )
                for o in data["options"]
            ],
            closes_at=closes,
            rule=VoteRule(data.get("rule", "simple")),
            matter=data.get("matter"),
            buildings=[str(b) for b in data.get("buildings", [])],
            choices_visible_before_close=bool(data.get("choices_visible_before_close", False)),
            allow_change=bool(data.get("allow_change", False)),
            objection_days=int(data.get("objection_days", 7)),
            opens_at=opens,
        )
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidInput() from error


async def cmd_vote(args: argparse.Namespace, settings: Settings) -> int:
    from services import courtyards
    from services.clock import utc_now
    from services.errors import InvalidInput
    from services.policy import Policy
    from services.votes import adoption, closing, drafting, notices, protocol, tally

    policy = Policy()

    async def work(session: AsyncSession) -> int:
        now = utc_now()
        if args.vote_command == "show":
            result = await tally.live(session, None, args.id)
            text = json.dumps(figures(result), ensure_ascii=False, indent=2)
            print(text if args.format == "json" else table(result))
        elif args.vote_command == "create":
            try:
                data = json.loads(args.file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise InvalidInput() from error
            courtyard = await courtyards.by_name(session, args.courtyard)
            draft = _draft(data, ZoneInfo(settings.timezone))
            vote_id = await drafting.create(
                session, None, courtyard.id, draft, now=now, channel="cli"
            )
            if args.open:
                vote = await notices.open_and_announce(session, None, vote_id, now, policy)
                print(
                    _("Vote #%(id)s is open: %(heads)s heads.")
                    % {"id": vote_id, "heads": vote.total_heads}
                )
            else:
                print(_("Vote #%(id)s created as a draft.") % {"id": vote_id})
        elif args.vote_command == "protocol":
            from views.documents.errors import DocumentsUnavailable, explain

            found = await protocol.build(session, None, args.id)
            try:
                data = _protocol_file(found, args.format, settings)
            except DocumentsUnavailable as missing:
                print(explain(missing, _), file=sys.stderr)
                return 1
            args.output.write_bytes(data)
            print(_("Wrote %(path)s.") % {"path": args.output})
        elif args.vote_command == "close":
            result = await closing.close_early(session, None, args.id, args.reason, now, policy)
            print(
                _("Vote #%(id)s closed: %(outcome)s.")
                % {"id": args.id, "outcome": result.verdict.outcome.value}
            )
        else:
            plan = await adoption.adopt(
                session, None, args.id, from_period=args.from_period, now=now
            )
            print(
                _("Adopted fee plan %(name)s from %(period)s (plan #%(plan)s, from vote #%(id)s).")
                % {"name": plan.name, "period": plan.from_period, "plan": plan.id, "id": args.id}
            )
        return 0

    return await _with_store(settings, work)


def _protocol_file(found: Any, form: str, settings: Settings) -> bytes:
    """The views write in the operator's language (the bot's catalogs, loaded only here)."""
    from bot.i18n import build_i18n
    from views.votes import documents

    i18n = build_i18n(settings.default_locale)
    zone = ZoneInfo(settings.timezone)
    with i18n.context(), i18n.use_locale(settings.default_locale):
        return (
            documents.workbook(found, zone) if form == "xlsx" else documents.document(found, zone)
        )


COMMANDS: dict[str, Callable[[argparse.Namespace, Settings], Any]] = {
    "votes": cmd_votes,
    "vote": cmd_vote,
}
