"""Mainland Chinese phone numbers: an 11-digit mobile starting with 1, or a landline with its
area code (e.g. 0371-12345678)."""

from __future__ import annotations

import re
import unicodedata

from services.errors import N_, InvalidInput

_MOBILE = re.compile(r"1[3-9]\d{9}")
# area codes: 010 and 02x have three digits and eight-digit local numbers; the others (0371)
# four digits and seven or eight
_LANDLINE = re.compile(r"(0[12]\d)(\d{8})|(0[3-9]\d{2})(\d{7,8})")


class BadPhone(InvalidInput):
    message = N_(
        "%(phone)s is not a phone number. Please send an 11-digit mobile number such as "
        "13812345678, or a landline with its area code such as 0371-12345678."
    )


def normalize(text: str) -> str:
    """The number as it is kept: a mobile as 11 digits, a landline as 'area-local'.
    Spaces, dashes, full-width digits and a +86 prefix are accepted."""
    plain = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text))
    if plain.startswith("+86"):
        plain = plain[3:]
    elif plain.startswith("0086"):
        plain = plain[4:]
    if _MOBILE.fullmatch(plain):
        return plain
    landline = _LANDLINE.fullmatch(plain)
    if landline:
        area, local = (g for g in landline.groups() if g)
        return f"{area}-{local}"
    raise BadPhone(phone=text.strip()[:40])
