"""Which days the force's extract covers, and where it has gaps.

The extract holds one row per day, area and series, zeros included, so a missing row is a gap in the data,
never a count of 0. A day is covered for a series when every area that reports the series has a row for it.
A gap is a run of days, between the first and the last day of the extract, on which an area has no row for a
series. A month is complete only when every one of its days is covered. A monthly extract holds one row per
month (dated its first day), area and series: a month with a row covers each of its days, a missing month is
a gap of a whole month, and its gaps are written in months. No figure is published from a
window with a gap: a window that needs an uncovered day is refused, naming the series, areas and days, and
the default cut-off of a period is the last day before the first gap. Optional sources that do not cover a
period raise `Unavailable`, which a page shows as "Not available for this period" with the reason.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from ..ingest.contract import InputError
from ..plan.periods import Month


class CoverageError(InputError):
    """A window needs days the data does not cover."""


class Unavailable(ValueError):
    """An optional source (stop and search, surveys, the audit, the comparison) does not cover what a panel
    needs for this period; the panel says so, with this reason, and the rest of the book is built."""


@dataclass(frozen=True)
class Gap:
    """Days on which one area has no row for one series."""

    series: str
    area: str
    first: date
    last: date
    monthly: bool = False

    @property
    def days(self) -> str:
        if self.monthly:
            months = months_between(self.first, self.last)
            span = str(months[0]) if len(months) == 1 else f"{months[0]} to {months[-1]}"
            return f"{span} ({len(months)} month{'s' if len(months) > 1 else ''})"
        count = (self.last - self.first).days + 1
        span = self.first.isoformat() if count == 1 else f"{self.first.isoformat()} to {self.last.isoformat()}"
        return f"{span} ({count} day{'s' if count > 1 else ''})"


class Coverage:
    """The days covered per series and area, from the `date`, `area` and `series` columns of the extract (of a
    monthly extract when `monthly`)."""

    def __init__(self, counts: pd.DataFrame, monthly: bool = False):
        days = counts[["series", "area", "date"]].drop_duplicates()
        self.monthly = monthly
        self.first = days["date"].min().date() if len(days) else None
        self.last = days["date"].max().date() if len(days) else None
        if monthly and self.last:
            self.last = Month.of(self.last).last_day
        self._days = {key: pd.DatetimeIndex(group["date"]).sort_values()
                      for key, group in days.groupby(["series", "area"], sort=True)}
        self.areas = {s: tuple(a for (t, a) in self._days if t == s) for s, _ in self._days}
        self._complete: dict[str, set[str]] = {}

    def gaps(self, series: list[str] | None = None, start: date | None = None, end: date | None = None) -> list[Gap]:
        """The gaps of each series (all by default) from `start` to `end` (the extract's first and last day)."""
        start, end = start or self.first, end or self.last
        if start is None or start > end:
            return []
        wanted = (pd.date_range(Month.of(start).first_day, end, freq="MS") if self.monthly
                  else pd.date_range(start, end, freq="D"))
        found = []
        for name in sorted(self.areas) if series is None else series:
            for area in self.areas.get(name, ()):
                missing = wanted.difference(self._days[(name, area)])
                found += [Gap(name, area, first, last, self.monthly) for first, last in _runs(missing, self.monthly)]
        return found

    def covered_through(self, series: list[str], since: date) -> date | None:
        """The last day before the first gap of any of `series` on or after `since`; None if `since` is a gap."""
        if self.last is None or since > self.last:
            return None
        gaps = self.gaps(series, since, self.last)
        end = min((g.first for g in gaps), default=self.last + timedelta(days=1)) - timedelta(days=1)
        return end if end >= since else None

    def complete(self, series: str, month: Month) -> bool:
        """Every day of the month is covered for the series, in every area."""
        if series not in self._complete:
            areas = [self._days[(series, area)] for area in self.areas.get(series, ())]
            days = functools.reduce(pd.DatetimeIndex.intersection, areas) if areas else pd.DatetimeIndex([])
            per_month = days.to_period("M").value_counts()
            self._complete[series] = {str(p) for p, n in per_month.items() if self.monthly or n == p.days_in_month}
        return str(month) in self._complete[series]

    def require(self, series: list[str], windows: list[tuple[date, date]], purpose: str) -> None:
        """Refuse, in one line naming every series, area and day missing, windows the data does not cover."""
        absent = [s for s in series if s not in self.areas]
        gaps = [g for start, end in windows for g in self.gaps([s for s in series if s in self.areas], start, end)]
        needs = ([f"the series {', '.join(absent)}, which the extract does not hold (it has "
                  f"{', '.join(sorted(self.areas))})"] if absent else []) + (
            [f"days the extract does not cover: {describe(gaps, self)}"] if gaps else [])
        if needs:
            raise CoverageError(f"{purpose} needs {'; and '.join(needs)}")


def describe(gaps: list[Gap], coverage: Coverage) -> str:
    """Gaps in a few words: the days, then which series and areas lack them ('every area' where all do)."""
    by_days: dict[tuple[date, date], dict[str, list[str]]] = {}
    for gap in gaps:
        by_days.setdefault((gap.first, gap.last), {}).setdefault(gap.series, []).append(gap.area)
    parts = []
    for (first, last), series in sorted(by_days.items()):
        every = all(len(areas) == len(coverage.areas[s]) for s, areas in series.items())
        if every and set(series) == set(coverage.areas):
            who = "every series and area"
        else:
            who = "; ".join(f"{s} in {'every area' if len(a) == len(coverage.areas[s]) else ', '.join(a)}"
                            for s, a in series.items())
        parts.append(f"{Gap('', '', first, last, coverage.monthly).days} for {who}")
    return "; ".join(parts)


def month_spans(months: list[str]) -> str:
    """Months written YYYY-MM, as runs: '2013-04 to 2013-11, 2014-04 to 2014-11 and 2016-11'."""
    runs: list[list[Month]] = []
    for month in sorted(Month.parse(m) for m in set(months)):
        if runs and month == runs[-1][-1].shift(1):
            runs[-1].append(month)
        else:
            runs.append([month])
    parts = [str(r[0]) if len(r) == 1 else f"{r[0]} to {r[-1]}" for r in runs]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def months_between(start: date, end: date) -> list[Month]:
    """The months a span of days touches."""
    first, last = Month.of(start), Month.of(end)
    return [first.shift(i) for i in range((last.year - first.year) * 12 + last.month - first.month + 1)]


def _runs(days: pd.DatetimeIndex, monthly: bool = False) -> list[tuple[date, date]]:
    """Consecutive days (or months, given by their first days), as (first, last) days."""
    runs: list[tuple[date, date]] = []
    for day in (d.date() for d in days):
        last = Month.of(day).last_day if monthly else day
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], last)
        else:
            runs.append((day, last))
    return runs


def store_gaps(counts: pd.DataFrame, searches: pd.DataFrame, table: str = "recorded_crime", monthly: bool = False
               ) -> list[dict]:
    """Every gap in the extract (the store table `table`: days, or months if `monthly`, per series and area) and in
    the stop and search records (months with none, per force, between its first and last month), for
    `spcb summary`."""
    found = [{"table": table, "series": g.series, "area": g.area, "first": g.first.isoformat(),
              "last": g.last.isoformat(), "missing": g.days} for g in Coverage(counts, monthly).gaps()]
    for force, months in searches.groupby("force")["month"]:
        held = sorted(set(months))
        span = [str(m) for m in months_between(Month.parse(held[0]).first_day, Month.parse(held[-1]).first_day)]
        missing = [m for m in span if m not in set(held)]
        if missing:
            found.append({"table": "stop_search", "force": force, "first": missing[0], "last": missing[-1],
                          "missing": month_spans(missing)})
    return found


def gaps_text(gaps: list[dict]) -> str:
    if not gaps:
        return ("\nGaps: none; every series and area of the extract has a row for every day (or month, for a monthly "
                "extract) it spans.\n")
    lines = ["\nGaps (no figure is published from a window that needs these days or months):"]
    lines += [f"  stop_search {g['force']}: no records in {g['missing']}" if g["table"] == "stop_search"
              else f"  {g['table']} {g['series']} in {g['area']}: {g['missing']}" for g in gaps]
    return "\n".join(lines) + "\n"
