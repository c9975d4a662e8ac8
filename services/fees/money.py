"""Reading money and rates as exact integers: fen, and 1/10000 ¥ per m² (never floats)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from services.fees.errors import BadAmount, BadParkingFee, BadRate

RATE_SCALE = 10000  # a plan's rate is stored in 1/10000 ¥ per m² per month


def _decimal(text: str) -> Decimal | None:
    cleaned = text.strip().replace(",", "").replace("¥", "").replace("元", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _scaled(value: Decimal, scale: int) -> int | None:
    scaled = value * scale
    return int(scaled) if scaled == scaled.to_integral_value() else None


def amount_fen(text: str) -> int:
    """A payment's amount in yuan ('86.50') as fen; zero, negative and sub-fen are refused."""
    value = _decimal(text)
    fen = _scaled(value, 100) if value is not None else None
    if fen is None or fen <= 0:
        raise BadAmount(text=text)
    return fen


def rate_per_m2(text: str) -> int:
    """A rate in yuan per m² per month ('0.55') in 1/10000 ¥; at most 4 decimals, ≥ 0."""
    value = _decimal(text)
    rate = _scaled(value, RATE_SCALE) if value is not None else None
    if rate is None or rate < 0:
        raise BadRate(text=text)
    return rate


def parking_fee_fen(text: str) -> int:
    """A fee per parking space per month in yuan ('40') as fen; ≥ 0, whole fen."""
    value = _decimal(text)
    fen = _scaled(value, 100) if value is not None else None
    if fen is None or fen < 0:
        raise BadParkingFee(text=text)
    return fen


def yuan(fen: int) -> str:
    """Fen as yuan with two decimals: 12345 → '123.45'."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), 100)
    return f"{sign}{whole}.{part:02d}"


def percent(ratio: Decimal | None) -> str:
    """A collection rate (a ratio to four decimals, 0.9444) as '94.44%' from the exact Decimal,
    never through a float; '-' when there is no rate (nothing billed)."""
    return "-" if ratio is None else f"{Decimal(str(ratio)) * 100:.2f}%"


def rate_text(rate: int) -> str:
    """A stored rate as yuan per m²: 5000 → '0.50', 5555 → '0.5555'."""
    whole, part = divmod(rate, RATE_SCALE)
    digits = f"{part:04d}".rstrip("0")
    return f"{whole}.{digits.ljust(2, '0')}"
