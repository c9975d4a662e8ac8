"""What each option's fee plan costs one household per month, exact to the fen (the bill
run's half-up rounding), with the numbers that make it up."""

from __future__ import annotations

from dataclasses import dataclass

from services.fees.money import RATE_SCALE


@dataclass(frozen=True)
class Price:
    position: int
    monthly_fen: int
    area_centi_m2: int
    rate_per_m2: int  # 1/10000 ¥ per m²
    spaces: int
    parking_fee_fen: int
    more_than_first_fen: int | None  # against the first option with a plan; None for it


def monthly_fen(area_centi_m2: int, rate_per_m2: int, spaces: int, parking_fee_fen: int) -> int:
    """area (1/100 m²) × rate (1/10000 ¥) is in 1/1_000_000 ¥ = 1/10_000 fen; half up."""
    exact = area_centi_m2 * rate_per_m2 + spaces * parking_fee_fen * RATE_SCALE
    whole, rest = divmod(exact, RATE_SCALE)
    return whole + (1 if rest * 2 >= RATE_SCALE else 0)


def for_household(
    options: list[tuple[int, int | None, int | None]], area_centi_m2: int, spaces: int
) -> list[Price]:
    """`options`: (position, rate, parking fee) each; options without a plan are left out."""
    prices: list[Price] = []
    first: int | None = None
    for position, rate, fee in options:
        if rate is None or fee is None:
            continue
        amount = monthly_fen(area_centi_m2, rate, spaces, fee)
        prices.append(
            Price(
                position,
                amount,
                area_centi_m2,
                rate,
                spaces,
                fee,
                None if first is None else amount - first,
            )
        )
        if first is None:
            first = amount
    return prices
