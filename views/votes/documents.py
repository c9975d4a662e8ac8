"""A vote's result as documents: the chart (each option's share of the participants by
households and by area, with the threshold line), and the protocol as XLSX and PDF. Rooms are
listed with their choice only when the vote was created open; names never."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import gettext as _

from services.votes.protocol import Protocol
from services.votes.rules import Threshold as Rule
from views.documents import charts, pdf, sheets
from views.votes import words


def _decimal(share: Fraction) -> Decimal:
    return (Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.0001"))


def _share(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def chart(
    title: str,
    options: list[tuple[int, str, int, int]],
    took_part_heads: int,
    took_part_area: int,
    approval: Rule,
    by_area: bool,
) -> bytes:
    """`options`: (position, text, heads, area) each. DocumentsUnavailable when it cannot be
    drawn on this server."""
    series = [
        charts.Series(
            _("Share of households voting"),
            [_decimal(_share(heads, took_part_heads)) for _p, _t, heads, _a in options],
        )
    ]
    if by_area:
        series.append(
            charts.Series(
                _("Share of area voting"),
                [_decimal(_share(area, took_part_area)) for _p, _t, _h, area in options],
            )
        )
    line = charts.Threshold(
        _("Needed to pass"),
        _decimal(approval.share) + (Decimal("0.0001") if not approval.at_least else 0),
    )
    return charts.bar_chart(
        title=title,
        categories=[f"{p}. {t[:12]}" for p, t, _h, _a in options],
        series=series,
        percent=True,
        thresholds=[line],
    )


def _figures(protocol: Protocol, zone: ZoneInfo) -> list[tuple[str, str]]:
    r = protocol.result
    rows = [
        (_("Vote"), r.title),
        (_("Rule"), words.rule(r.rule, r.matter)),
        (_("Households in scope"), str(r.total.heads)),
        (_("Area in scope (m²)"), words.area(r.total.area)),
        (_("Households voting"), f"{r.took_part.heads} ({words.share(r.participation_heads)})"),
        (
            _("Area voting (m²)"),
            f"{words.area(r.took_part.area)} ({words.share(r.participation_area)})",
        ),
        (_("Outcome"), str(words.OUTCOMES[r.verdict.outcome.value])),
    ]
    if protocol.closed_at:
        rows.append((_("Closed"), words.when(protocol.closed_at, zone)))
    if protocol.close_reason:
        rows.append((_("Closed early because"), protocol.close_reason))
    if protocol.objection_until:
        rows.append((_("Objections until"), words.when(protocol.objection_until, zone)))
    return rows


def _option_rows(protocol: Protocol) -> list[list[sheets.Cell]]:
    r = protocol.result
    return [
        [
            o.position,
            o.text,
            o.heads,
            _decimal(_share(o.heads, r.took_part.heads)),
            Decimal(o.area) / 100,
            _decimal(_share(o.area, r.took_part.area)),
        ]
        for o in r.options
    ]


def _ballot_header(protocol: Protocol) -> list[str]:
    first = _("Room") if protocol.rooms_shown else _("Receipt")
    return [first, _("Option"), _("How")]


def _ballot_rows(protocol: Protocol) -> list[list[str | int]]:
    return [
        [
            b.room or "" if protocol.rooms_shown else b.receipt,
            b.option,
            str(words.CHANNELS[b.channel]),
        ]
        for b in protocol.ballots
    ]


def _option_header() -> list[str]:
    return [
        _("Option"),
        _("Text"),
        _("Households"),
        _("Share of households voting"),
        _("Area (m²)"),
        _("Share of area voting"),
    ]


def workbook(protocol: Protocol, zone: ZoneInfo) -> bytes:
    return sheets.workbook(
        [
            sheets.Sheet(
                _("Result"), [_("Item"), _("Value")], [list(x) for x in _figures(protocol, zone)]
            ),
            sheets.Sheet(
                _("Options"), _option_header(), _option_rows(protocol), percent_columns=(3, 5)
            ),
            sheets.Sheet(
                _("Ballots"),
                _ballot_header(protocol),
                [list[sheets.Cell](row) for row in _ballot_rows(protocol)],
            ),
        ]
    )


def document(protocol: Protocol, zone: ZoneInfo) -> bytes:
    r = protocol.result
    options: list[list[str | int]] = [
        [
            o.position,
            o.text,
            o.heads,
            words.share(_share(o.heads, r.took_part.heads)),
            words.area(o.area),
            words.share(_share(o.area, r.took_part.area)),
        ]
        for o in r.options
    ]
    figures: list[list[str | int]] = [list(x) for x in _figures(protocol, zone)]
    body = "".join(
        [
            pdf.html_table([_("Item"), _("Value")], figures),
            pdf.html_table(_option_header(), options),
            pdf.html_table(_ballot_header(protocol), _ballot_rows(protocol)),
        ]
    )
    return pdf.pdf_from_html(_("Vote protocol: %(title)s") % {"title": r.title}, body)
