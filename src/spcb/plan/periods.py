"""Reporting periods: months, financial quarters, financial years and the year-to-date windows the board compares.

The financial year starts on 1 April. Year to date runs from 1 April to the as-of date; "last year"
is the same window one year earlier (29 February falls back to 28 February). A period is written YYYY-MM and
an as-of date YYYY-MM-DD, in ASCII digits, in a year from 1900 to 2100. A financial quarter (the national
edition's period) is written YYYY-Qn, YYYY being the first year of its financial year: 2023-Q1 is April to June
2023 and 2023-Q4 is January to March 2024.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

FY_START_MONTH = 4
FIRST_YEAR, LAST_YEAR = 1900, 2100
_PERIOD = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_QUARTER = re.compile(r"([0-9]{4})-Q([1-4])", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


class PeriodError(ValueError):
    """A period or as-of date that cannot be reported on."""


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, written YYYY-MM."""

    year: int
    month: int
    step: ClassVar[str] = "month"  # what a chart's point is, in words

    @classmethod
    def parse(cls, text: str) -> Month:
        match = _PERIOD.fullmatch(str(text).strip())
        if not match or not 1 <= int(match.group(2)) <= 12 or not FIRST_YEAR <= int(match.group(1)) <= LAST_YEAR:
            raise PeriodError(f"period {text!r}: expected a month written YYYY-MM, such as 2014-11, in a year from "
                              f"{FIRST_YEAR} to {LAST_YEAR}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def name(self) -> str:
        """Long name, e.g. 'November 2014'."""
        return f"{calendar.month_name[self.month]} {self.year}"

    def shift(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year if self.month >= FY_START_MONTH else self.year - 1)


@dataclass(frozen=True, order=True)
class FinancialYear:
    """The year from 1 April of `start_year` to 31 March of the next year."""

    start_year: int

    @classmethod
    def of_date(cls, day: date) -> FinancialYear:
        return Month.of(day).financial_year

    @property
    def start(self) -> date:
        return date(self.start_year, FY_START_MONTH, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, FY_START_MONTH, 1) - timedelta(days=1)

    @property
    def label(self) -> str:
        """Label as printed in the plan, e.g. '2014/15'."""
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def months(self) -> list[Month]:
        first = Month(self.start_year, FY_START_MONTH)
        return [first.shift(i) for i in range(12)]


@dataclass(frozen=True, order=True)
class Quarter:
    """A financial quarter: quarter `number` (1 to 4) of the financial year starting in `start_year`."""

    start_year: int
    number: int
    step: ClassVar[str] = "quarter"

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.fullmatch(str(text).strip())
        if not match or not FIRST_YEAR <= int(match.group(1)) < LAST_YEAR:
            raise PeriodError(f"period {text!r}: expected a financial quarter written YYYY-Qn, such as 2023-Q4 "
                              f"(January to March 2024), in a year from {FIRST_YEAR} to {LAST_YEAR - 1}")
        return cls(int(match.group(1)), int(match.group(2)))

    def __str__(self) -> str:
        return f"{self.start_year:04d}-Q{self.number}"

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.start_year)

    @property
    def months(self) -> tuple[Month, ...]:
        first = Month(self.start_year, FY_START_MONTH).shift(3 * (self.number - 1))
        return tuple(first.shift(i) for i in range(3))

    @property
    def first_day(self) -> date:
        return self.months[0].first_day

    @property
    def last_day(self) -> date:
        return self.months[-1].last_day

    @property
    def name(self) -> str:
        """Long name, e.g. 'January to March 2024'."""
        first, last = self.months[0], self.months[-1]
        return f"{calendar.month_name[first.month]} to {last.name}"

    @property
    def label(self) -> str:
        """Short name, e.g. '2023/24 Q4'."""
        return f"{self.financial_year.label} Q{self.number}"

    def shift(self, quarters: int) -> Quarter:
        index = self.start_year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def year_to_date(self) -> list[Quarter]:
        """The quarters of its financial year up to and including this one."""
        return [Quarter(self.start_year, n) for n in range(1, self.number + 1)]


def same_day_last_year(day: date) -> date:
    """The same calendar day a year earlier; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Window:
    """The year-to-date comparison for one reporting period."""

    period: Month
    as_of: date

    @property
    def financial_year(self) -> FinancialYear:
        return self.period.financial_year

    @property
    def start(self) -> date:
        return self.financial_year.start

    @property
    def last_year_start(self) -> date:
        return FinancialYear(self.financial_year.start_year - 1).start

    @property
    def last_year_end(self) -> date:
        return same_day_last_year(self.as_of)

    @property
    def last_complete_month(self) -> Month:
        """The latest month wholly inside the window: monthly charts stop here."""
        month = Month.of(self.as_of)
        return month if self.as_of == month.last_day else month.shift(-1)

    def describe(self) -> str:
        """One sentence stating the window, for the top of every page."""
        return (
            f"Year to date: {long_date(self.start)} to {long_date(self.as_of)} ({self.financial_year.label}), "
            f"compared with {long_date(self.last_year_start)} to {long_date(self.last_year_end)}."
        )


def long_date(day: date) -> str:
    """A day as the report writes it: '24 November 2014'."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def resolve(period: str | Month, as_of: str | date | None, data_first: date, data_last: date) -> Window:
    """The window for `period`, checked against the dates the data covers.

    `as_of` defaults to the last day of the period, or to the last date with data if that is earlier.
    """
    month = period if isinstance(period, Month) else Month.parse(period)
    if month.first_day > data_last:
        raise PeriodError(f"period {month} is after the data, which ends on {data_last.isoformat()}")
    if as_of is None or as_of == "":
        cut = min(month.last_day, data_last)
    else:
        cut = as_of if isinstance(as_of, date) else _parse_date(as_of)
    if not month.first_day <= cut <= month.last_day:
        raise PeriodError(f"as-of date {cut.isoformat()} is outside the period {month} "
                          f"({month.first_day.isoformat()} to {month.last_day.isoformat()})")
    window = Window(month, cut)
    if cut > data_last:
        raise PeriodError(f"period {month}: the data ends on {data_last.isoformat()}, "
                          f"before the as-of date {cut.isoformat()}")
    if window.last_year_start < data_first:
        raise PeriodError(f"period {month} needs data from {window.last_year_start.isoformat()} for last year's "
                          f"comparison, but the data starts on {data_first.isoformat()}")
    return window


def _parse_date(text: str) -> date:
    written = str(text).strip()
    if _DATE.fullmatch(written) and FIRST_YEAR <= int(written[:4]) <= LAST_YEAR:
        try:
            return date.fromisoformat(written)
        except ValueError:
            pass
    raise PeriodError(f"as-of date {text!r}: expected a date written YYYY-MM-DD, such as 2014-11-24, in a year from "
                      f"{FIRST_YEAR} to {LAST_YEAR}")
