"""The counting rules, in exact integers: who must take part, what share must approve, and how
far a vote is from passing. Nothing here reads the store; `tally` feeds it the sums.

Civil Code Art. 278: owners holding at least 2/3 of the area AND 2/3 of the heads take part;
matters (6)-(8) pass with at least 3/4 of the participating area AND heads, the others with
more than 1/2 of both. A simple vote passes with more than half of the participating
households (no quorum). Comparisons are cross-multiplied integers, never floats."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from fractions import Fraction

from models import VoteRule
from services.errors import N_

# the nine matters of Art. 278, as people call them (msgids; views translate them)
MATTERS: dict[int, str] = {
    1: N_("Assembly rules"),
    2: N_("Management covenant"),
    3: N_("Electing or replacing the owners' committee"),
    4: N_("Hiring or dismissing the property service provider"),
    5: N_("Using the maintenance fund"),
    6: N_("Raising the maintenance fund"),
    7: N_("Rebuilding buildings and facilities"),
    8: N_("Changing the use of common parts or using them for business"),
    9: N_("Other major matters"),
}
THREE_QUARTER_MATTERS = frozenset({6, 7, 8})


class Outcome(enum.StrEnum):
    PASSED = "passed"
    NOT_PASSED = "not_passed"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Threshold:
    """A share that must be reached: `at_least` means ≥, otherwise strictly more than."""

    share: Fraction
    at_least: bool

    def met(self, part: int, whole: int) -> bool:
        if whole <= 0:
            return False
        left = part * self.share.denominator
        right = whole * self.share.numerator
        return left >= right if self.at_least else left > right

    def short(self, part: int, whole: int) -> int:
        """How much more `part` needs when `whole` stays as it is (0 when met)."""
        if self.met(part, whole):
            return 0
        # smallest n ≥ part with n/whole reaching the share
        need = whole * self.share.numerator
        n, rest = divmod(need, self.share.denominator)
        if rest or not self.at_least:
            n += 1
        return max(n - part, 0)

    def short_joining(self, part: int, whole: int) -> int:
        """How much must join `part` and `whole` together (new voters for the same option)."""
        if self.met(part, whole):
            return 0
        p, q = self.share.numerator, self.share.denominator
        # (part + k) q ≥ (whole + k) p  ⇔  k (q - p) ≥ whole p - part q
        gap = whole * p - part * q
        k, rest = divmod(gap, q - p)
        if rest or not self.at_least:
            k += 1
        return max(k, 0)


TWO_THIRDS = Threshold(Fraction(2, 3), at_least=True)
MORE_THAN_HALF = Threshold(Fraction(1, 2), at_least=False)
THREE_QUARTERS = Threshold(Fraction(3, 4), at_least=True)


@dataclass(frozen=True)
class Thresholds:
    participation: Threshold | None  # None: no quorum needed
    approval: Threshold
    by_area: bool  # Art. 278 counts area too


def thresholds(rule: VoteRule, matter: int | None) -> Thresholds:
    if rule is VoteRule.SIMPLE:
        return Thresholds(None, MORE_THAN_HALF, by_area=False)
    approval = THREE_QUARTERS if matter in THREE_QUARTER_MATTERS else MORE_THAN_HALF
    return Thresholds(TWO_THIRDS, approval, by_area=True)


@dataclass(frozen=True)
class Count:
    heads: int
    area: int  # hundredths of m²


@dataclass(frozen=True)
class Shortfall:
    """How far from passing; zeros where a condition is met."""

    participation_heads: int
    participation_area: int
    approval_heads: int  # more ballots for the leading option, if they all chose it
    approval_area: int


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    leading_option_id: int | None  # None when nobody voted or the first two are level
    quorum: bool
    approval_heads_met: bool
    approval_area_met: bool
    shortfall: Shortfall


def leading(by_option: dict[int, Count], order: list[int], *, by_area: bool) -> int | None:
    """The option with most heads (then most area, when area counts); None on a tie at the
    top or with no ballot."""

    def weight(option: int) -> tuple[int, int]:
        count = by_option[option]
        return (count.heads, count.area if by_area else 0)

    ranked = sorted(
        (o for o in order if by_option.get(o, Count(0, 0)).heads > 0),
        key=lambda o: (tuple(-w for w in weight(o)), order.index(o)),
    )
    if not ranked:
        return None
    if len(ranked) > 1 and weight(ranked[0]) == weight(ranked[1]):
        return None
    return ranked[0]


def judge(
    rules: Thresholds, total: Count, took_part: Count, by_option: dict[int, Count], order: list[int]
) -> Verdict:
    """The outcome from the sums; `order` lists the option ids in their order."""
    lead = leading(by_option, order, by_area=rules.by_area)
    best = by_option.get(lead, Count(0, 0)) if lead is not None else Count(0, 0)
    if rules.participation is None:
        quorum = took_part.heads > 0
        part_heads = part_area = 0
    else:
        part_heads = rules.participation.short(took_part.heads, total.heads)
        part_area = rules.participation.short(took_part.area, total.area)
        quorum = part_heads == 0 and part_area == 0
    heads_met = lead is not None and rules.approval.met(best.heads, took_part.heads)
    area_met = not rules.by_area or (
        lead is not None and rules.approval.met(best.area, took_part.area)
    )
    if not quorum:
        outcome = Outcome.NO_QUORUM
    elif heads_met and area_met:
        outcome = Outcome.PASSED
    else:
        outcome = Outcome.NOT_PASSED
    shortfall = Shortfall(
        participation_heads=part_heads,
        participation_area=part_area,
        approval_heads=rules.approval.short_joining(best.heads, took_part.heads),
        approval_area=(
            rules.approval.short_joining(best.area, took_part.area) if rules.by_area else 0
        ),
    )
    return Verdict(outcome, lead, quorum, heads_met, area_met, shortfall)
