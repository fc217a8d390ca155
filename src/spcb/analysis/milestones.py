"""The milestone table's arithmetic, as the board paper does it.

Difference = this year - last year. Performance = difference / last year, in per cent to one decimal
place (halves away from zero). The target is floor(last year x (1 + milestone)); the variance is the
distance between this year and that target, and the status says on which side it lies. Counts of a
sensitive measure below the plan's threshold are suppressed when published.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from ..plan.model import Binding
from ..plan.periods import Window
from .arithmetic import percent_change
from .measures import Extract, year_to_date

DASH = "\u2013"


@dataclass(frozen=True)
class Row:
    """One measure's year-to-date position against its milestone, if it has one."""

    label: str
    role: str
    better: str
    last_year: int
    this_year: int
    target: Fraction | None = None
    suppress_below: int = 0  # counts below this are not published (sensitive categories)

    @property
    def suppressed(self) -> bool:
        return min(self.last_year, self.this_year) < self.suppress_below

    @property
    def difference(self) -> int:
        return self.this_year - self.last_year

    @property
    def performance(self) -> Decimal | None:
        return percent_change(self.this_year, self.last_year)

    @property
    def target_count(self) -> int | None:
        if self.target is None:
            return None
        return math.floor(self.last_year * (1 + self.target))

    @property
    def variance(self) -> int | None:
        return None if self.target_count is None else abs(self.this_year - self.target_count)

    @property
    def on_track(self) -> bool | None:
        if self.target_count is None:
            return None
        if self.better == "higher":
            return self.this_year >= self.target_count
        return self.this_year <= self.target_count

    @property
    def status(self) -> str:
        """'On track: 574 below target', so the sign of the variance cannot be misread."""
        if self.target_count is None:
            return DASH
        side = ("below" if self.this_year < self.target_count
                else "above" if self.this_year > self.target_count else "at")
        distance = "" if side == "at" else f"{self.variance:,} "
        return f"{'On track' if self.on_track else 'Off track'}: {distance}{side} target"


def rows_for(bindings: tuple[Binding, ...] | list[Binding], extract: Extract, window: Window,
             suppress_below=lambda measure: 0) -> list[Row]:
    """Year-to-date rows for the given measure bindings, in their order; `suppress_below(measure)` gives the
    publication threshold of a measure's counts."""
    rows = []
    for binding in bindings:
        ytd = year_to_date(extract, binding.measure.series, window)
        rows.append(Row(binding.measure.label, binding.role, binding.measure.better, ytd.last_year, ytd.this_year,
                        binding.target, suppress_below(binding.measure)))
    return rows
