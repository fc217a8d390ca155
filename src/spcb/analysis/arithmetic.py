"""The board paper's rounding, in one place.

A change in per cent is (now - before) / before x 100, computed exactly and rounded to one decimal place
with halves away from zero (+0.05% is +0.1%); there is none without a base (before is 0 or missing). Rates
shown to a fixed number of places round the same way.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pandas as pd


def percent_change(now: float, before: float) -> Decimal | None:
    """The change in per cent to one decimal place (halves away from zero); None without a base."""
    if not before or pd.isna(before):
        return None
    exact = (Decimal(int(now)) - Decimal(int(before))) * 100 / Decimal(int(before))
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rounded(value: float, places: int = 1) -> Decimal:
    """A value to `places` decimal places, halves away from zero."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
