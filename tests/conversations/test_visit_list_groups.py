"""The visit list's heading names every group it counts, so its total adds up on any page."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.utils.i18n import I18n

from services.courtyards import CourtyardInfo
from services.visits import VisitInfo
from views import visits


def _visit(n: int, kind: str, ref: str) -> VisitInfo:
    return VisitInfo(
        id=n + 1,
        courtyard_id=1,
        kind=kind,
        ref=ref,
        reason="unreachable",
        household_id=n + 1,
        household=f"1号楼-1单元-{100 + n}",
        owner_name=None,
        phone=None,
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        tries=0,
        outcome=None,
        tried_at=None,
        done_at=None,
    )


def test_the_first_page_names_a_group_that_starts_on_a_later_page(i18n: I18n) -> None:
    found = [_visit(n, "fee-visit", "2026-12") for n in range(10)]
    found += [_visit(n, "notice", "1") for n in range(10, 13)]
    with i18n.context(), i18n.use_locale("en"):
        text, _keyboard = visits.visit_list(CourtyardInfo(1, "纬三路13号院", "WSL"), found, 0, {})
    assert "13 households" in text
    assert "(10 households)" in text
    assert "(3 households)" in text  # its households are on page 2 only
