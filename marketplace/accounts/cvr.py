"""CVR numbers: 8 digits whose weighted sum is divisible by 11 (modulus-11 check)."""

from __future__ import annotations

from marketplace.i18n import lazy_gettext as _l

WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)
INVALID_CVR = _l("Enter a valid CVR number of 8 digits. Check it in the CVR register.")


def normalise_cvr(value: str) -> str:
    """Drop the spaces and a "DK" prefix people often type or paste."""
    cleaned = value.replace(" ", "").replace("-", "").upper()
    return cleaned.removeprefix("DK")


def is_valid_cvr(value: str) -> bool:
    if len(value) != 8 or not value.isascii() or not value.isdigit() or value[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(value, WEIGHTS, strict=True)) % 11 == 0
