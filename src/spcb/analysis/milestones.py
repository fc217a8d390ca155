"""The milestone table's arithmetic, as the board paper does it, and a measure's progress against its baseline.

Difference = this year - last year. Performance = difference / last year, in per cent to one decimal
place (halves away from zero). The target is floor(last year x (1 + milestone)); the variance is the
distance between this year and that target, and the status says on which side it lies. Counts of a
sensitive measure below the plan's threshold are suppressed when published.

A measure bound with a baseline year is also counted over the same dates of that year (1 April to the as-of
day; 29 February becomes 28 February). Its milestone's target is then floor(baseline x (1 + milestone)), and
the status says whether it is on track before the target year ends, and whether the target was met when the
window is the whole target year; the target is always named with its baseline ("−20% on 2011/12"). Its
progress is each financial year from the baseline to the window's: a whole year against the whole baseline
year, and the year to date against the baseline's same dates. A count over days the extract does not cover is
refused, never published as low.
"""
from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ..plan.model import Binding
from ..plan.periods import FinancialYear, Month, Window, long_date
from .arithmetic import percent_change
from .measures import Extract, year_to_date

DASH = "\u2013"
MINUS = "\u2212"


def target_text(target: Fraction) -> str:
    """A target as the table prints it: '−2%', with a true minus."""
    return f"{float(target * 100):g}%".replace("-", MINUS)


@dataclass(frozen=True)
class Baseline:
    """A measure's count over the window's dates in its baseline year, and the year its target is for."""

    year: FinancialYear
    count: int
    as_of: date  # the window's as-of date
    by: FinancialYear | None = None  # milestones only

    def target(self, target: Fraction) -> str:
        """'−20% on 2011/12'."""
        return f"{target_text(target)} on {self.year.label}"


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
    baseline: Baseline | None = None

    @property
    def suppressed(self) -> bool:
        counts = (self.last_year, self.this_year) + ((self.baseline.count,) if self.baseline else ())
        return min(counts) < self.suppress_below

    @property
    def difference(self) -> int:
        return self.this_year - self.last_year

    @property
    def performance(self) -> Decimal | None:
        return percent_change(self.this_year, self.last_year)

    @property
    def milestone(self) -> str:
        """The target as the table prints it: '−2%', or '−20% on 2011/12 by 2015/16'; a dash where none."""
        if self.target is None:
            return DASH
        if self.baseline is None:
            return target_text(self.target)
        return f"{self.baseline.target(self.target)} by {self.baseline.by.label}"

    @property
    def target_count(self) -> int | None:
        if self.target is None:
            return None
        return math.floor((self.last_year if self.baseline is None else self.baseline.count) * (1 + self.target))

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
        """'On track: 574 below target', so the sign of the variance cannot be misread; against a baseline,
        'Target met: 1,204 below target (−20% on 2011/12)' once the window is the whole target year."""
        if self.target_count is None:
            return DASH
        side = ("below" if self.this_year < self.target_count
                else "above" if self.this_year > self.target_count else "at")
        position = f"{'' if side == 'at' else f'{self.variance:,} '}{side} target"
        if self.baseline is None:
            return f"{'On track' if self.on_track else 'Off track'}: {position}"
        by = self.baseline.by
        if self.baseline.as_of < by.end:
            verdict = "On track" if self.on_track else "Off track"
        elif self.baseline.as_of == by.end:
            verdict = "Target met" if self.on_track else "Target not met"
        else:
            verdict = f"After the target year {by.label}"
        return f"{verdict}: {position} ({self.baseline.target(self.target)})"


def travel(now: Row, before: Row) -> str:
    """The direction of travel since the last report, from the change on last year at each: 'better', 'worse',
    'unchanged' (the same to one decimal place), or 'no direction set' for a measure better neither way."""
    if now.better not in ("lower", "higher"):
        return "no direction set"
    if now.performance is None or before.performance is None or now.performance == before.performance:
        return "unchanged"
    lower = now.performance < before.performance
    return "better" if lower == (now.better == "lower") else "worse"


def rows_for(bindings: tuple[Binding, ...] | list[Binding], extract: Extract, window: Window,
             suppress_below=lambda measure: 0) -> list[Row]:
    """Year-to-date rows for the given measure bindings, in their order; `suppress_below(measure)` gives the
    publication threshold of a measure's counts."""
    rows = []
    for binding in bindings:
        series = binding.measure.series
        ytd = year_to_date(extract, series, window)
        baseline = None
        if binding.baseline is not None:
            span = same_dates(window.as_of, binding.baseline)
            _require(extract, series, binding.baseline, *span)
            baseline = Baseline(binding.baseline, _count(extract, series, span[1]), window.as_of, binding.by)
        rows.append(Row(binding.measure.label, binding.role, binding.measure.better, ytd.last_year, ytd.this_year,
                        binding.target, suppress_below(binding.measure), baseline))
    return rows


def same_dates(day: date, year: FinancialYear) -> tuple[date, date]:
    """1 April to the same day as `day` (in its financial year), in `year`; 29 February becomes 28 February."""
    calendar_year = day.year - (FinancialYear.of_date(day).start_year - year.start_year)
    return year.start, date(calendar_year, day.month, min(day.day, calendar.monthrange(calendar_year, day.month)[1]))


def _count(extract: Extract, series: str, last: date) -> int:
    """The count from 1 April of `last`'s financial year to `last`."""
    return year_to_date(extract, series, Window(Month.of(last), last)).this_year


def _require(extract: Extract, series: str, baseline: FinancialYear, first: date, last: date) -> None:
    """Refuse, in one line, a count against the baseline over days the extract does not cover."""
    extract.coverage.require([series], [(first, last)], f"{series} against its baseline year {baseline.label} "
                                                        f"({first.isoformat()} to {last.isoformat()})")


def progress(extract: Extract, series: str, baseline: FinancialYear, window: Window) -> pd.DataFrame:
    """Each financial year from `baseline` to the window's: its count (the whole year, or the year to date for
    the window's year) and its change on the baseline year over the same dates.

    Columns: financial_year ('2011/12'), whole (bool), first and last (the dates counted), dates (in words: 'the
    whole year', '1 April to 30 November 2014'), count, baseline (the baseline year's count over the same dates)
    and change (per cent, a Decimal; None for the baseline year).
    """
    years = [FinancialYear(y) for y in range(baseline.start_year, window.financial_year.start_year + 1)]
    lasts = [window.as_of if year == window.financial_year else year.end for year in years]
    _require(extract, series, baseline, baseline.start, window.as_of)  # every day counted, its same dates too
    whole = [last == year.end for year, last in zip(years, lasts)]
    counts = [_count(extract, series, last) for last in lasts]
    bases = [_count(extract, series, same_dates(last, baseline)[1]) for last in lasts]
    return pd.DataFrame({
        "financial_year": [year.label for year in years],
        "whole": whole,
        "first": [year.start for year in years],
        "last": lasts,
        "dates": ["the whole year" if full else f"1 April to {long_date(last)}" for full, last in zip(whole, lasts)],
        "count": counts,
        "baseline": bases,
        "change": [None if year == baseline else percent_change(count, base)
                   for year, count, base in zip(years, counts, bases)],
    })


def against_baseline(row: Row, years: pd.DataFrame, unit: str) -> list[str]:
    """Where a measure stands against its baseline year, in plain words: the latest whole year since the
    baseline, the window's year and, for a milestone, its target and status (from `progress` and the row)."""
    base = row.baseline.year.label
    since = years.iloc[1:-1]
    lines = []
    if not since.empty:
        latest = since.iloc[-1]
        lines.append(f"In {latest['financial_year']}, the latest whole year: {latest['count']:,} {unit}, "
                     f"{_change(latest['change'], base)} ({latest['baseline']:,}).")
    now = years.iloc[-1]
    if len(years) > 1:
        lines.append(f"In {now['financial_year']} ({now['dates']}): {now['count']:,} {unit}, "
                     f"{_change(now['change'], base)} over the same dates ({now['baseline']:,}).")
    if row.target is not None:
        lines.append(f"The target is {row.milestone}: for these dates, {row.target_count:,} {unit} or "
                     f"{'fewer' if row.better == 'lower' else 'more'}. {row.status}.")
    return lines


def _change(change: Decimal | None, base: str) -> str:
    if change is None:
        return f"no change can be given, as {base} counted none"
    if change == 0:
        return f"unchanged on {base}"
    return f"{'up' if change > 0 else 'down'} {abs(change)}% on {base}"
