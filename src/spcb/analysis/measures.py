"""Measures computed from the extract: year-to-date totals, monthly series, and a measure's SPC chart.

The extract is a force's daily counts (`recorded_crime`) or monthly ones, each month's row dated its first day:
the Met's own counts by borough and category (`monthly_crime`), or data.police.uk street-level crime
(`street_crime`), counted by crime type and local authority, a crime with no LSOA in the area "Location not
known". A data.police.uk file lists every crime of its force and month, so in a month with a file a crime type
with no row counted 0, for every current crime type and any other the files use; a month with no file stays
missing, a gap. An edition may define a series as the sum of several of the extract's (`extract_counts`).

Year to date is the sum of the counts from 1 April to the as-of date, against the same window a year
earlier. Monthly series hold complete months only (every day covered, see `coverage`), up to the window's
last complete month; a month the data does not fully cover is left out, never counted as low. The SPC
analysis is rebased at the months the plan names.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

import pandas as pd

from ..ingest.contract import CURRENT_CRIME_TYPES, InputError
from ..plan.model import Measure
from ..plan.periods import FinancialYear, Month, Window
from . import spc
from .coverage import Coverage


@dataclass(frozen=True)
class Extract:
    """Daily counts by area and series (the `recorded_crime` table), and the files they came from."""

    counts: pd.DataFrame
    title: str
    demonstration: bool
    coverage: Coverage = field(default=None, compare=False, repr=False)
    granularity: str = "daily"
    _rows: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        if self.coverage is None:
            object.__setattr__(self, "coverage", Coverage(self.counts, self.granularity == "monthly"))

    @property
    def first_date(self) -> date:
        return self.counts["date"].min().date()

    @property
    def last_date(self) -> date:
        return self.counts["date"].max().date()

    @cached_property
    def series(self) -> set[str]:
        return set(self.counts["series"].unique())

    def rows(self, series: str) -> pd.DataFrame:
        """The counts of one series, picked out once: a page asks for the same series many times."""
        if series not in self._rows:
            self._rows[series] = self.counts[self.counts["series"] == series]
        return self._rows[series]

    def require(self, series: str) -> None:
        if series not in self.series:
            raise InputError(f"recorded_crime: no rows for series {series!r}, which the plan measures; "
                             f"the extract has {', '.join(sorted(self.series))}")


NOT_KNOWN = "Location not known"


def extract_counts(table: str, rows: pd.DataFrame, series: dict[str, tuple[str, ...]], force: str | None = None
                   ) -> pd.DataFrame:
    """The extract's counts (date, area, series, count) from the rows of a store table, with each series of
    `series` added as the sum of its categories; street-level crime is taken for `force` only."""
    if table == "monthly_crime":
        rows = rows.assign(date=pd.to_datetime(rows["month"] + "-01"))[["date", "area", "series", "count"]]
    elif table == "street_crime":
        rows = _street_counts(rows[rows["force"] == force] if force else rows)
    else:
        rows = rows[["date", "area", "series", "count"]]
    added = [rows[rows["series"].isin(parts)].groupby(["date", "area"], as_index=False)["count"].sum()
             .assign(series=name) for name, parts in series.items()]
    return pd.concat([rows, *added], ignore_index=True)[["date", "area", "series", "count"]] if added else rows


def _street_counts(rows: pd.DataFrame) -> pd.DataFrame:
    """Street-level crime by month, local authority and crime type, 0 where a month's file has no such crime."""
    frame = pd.DataFrame({"date": pd.to_datetime(rows["month"] + "-01"),
                          "area": rows["local_authority"].where(rows["local_authority"] != "", NOT_KNOWN),
                          "series": rows["crime_type"], "count": rows["count"]})
    counted = frame.groupby(["date", "area", "series"])["count"].sum()
    grid = pd.MultiIndex.from_product([sorted(frame["date"].unique()), sorted(frame["area"].unique()),
                                       sorted(set(frame["series"]) | set(CURRENT_CRIME_TYPES))],
                                      names=["date", "area", "series"])
    return counted.reindex(grid, fill_value=0).reset_index()


@dataclass(frozen=True)
class YearToDate:
    """A measure's count this year to date and over the same window last year."""

    last_year: int
    this_year: int


def _total(extract: Extract, series: str, start: date, end: date) -> int:
    rows = extract.rows(series)
    return int(rows.loc[(rows["date"] >= pd.Timestamp(start)) & (rows["date"] <= pd.Timestamp(end)), "count"].sum())


def year_to_date(extract: Extract, series: str, window: Window) -> YearToDate:
    extract.require(series)
    return YearToDate(
        last_year=_total(extract, series, window.last_year_start, window.last_year_end),
        this_year=_total(extract, series, window.start, window.as_of),
    )


def monthly(extract: Extract, series: str, window: Window, years: int = 3) -> pd.DataFrame:
    """Complete months of the last `years` financial years up to the window's last complete month.

    Columns: month (Month), label ('Apr'...), financial_year ('2014/15'), count.
    """
    extract.require(series)
    last = window.last_complete_month
    first_year = FinancialYear(window.financial_year.start_year - years + 1)
    months = [m for fy in range(first_year.start_year, window.financial_year.start_year + 1)
              for m in FinancialYear(fy).months() if m <= last and extract.coverage.complete(series, m)]
    rows = extract.rows(series)
    by_month = rows.groupby(rows["date"].dt.to_period("M"))["count"].sum()
    return pd.DataFrame({
        "month": months,
        "label": [m.first_day.strftime("%b") for m in months],
        "financial_year": [m.financial_year.label for m in months],
        "count": [int(by_month.get(pd.Period(str(m), freq="M"), 0)) for m in months],
    })


@dataclass(frozen=True)
class SpcChart:
    """A measure's monthly history and its SPC analysis, for the statements and the SPC chart."""

    measure: Measure
    months: tuple[Month, ...]
    result: spc.Result

    @classmethod
    def of(cls, measure: Measure, months: list[Month], values: list[int]) -> SpcChart:
        rebase = tuple(months.index(m) for m in measure.rebase if m in months)
        return cls(measure, tuple(months), spc.analyse(values, measure.better, rebase))
