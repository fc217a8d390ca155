"""Survey measures: percentages with 95% Wilson intervals, and whether a change is statistically significant.

Wave measures (confidence, feeling safe) compare the latest wave with the one before. Monthly measures
(victim satisfaction) are pooled over a rolling 12 months and compared with the 12 months a year earlier.
A change is called significant only when a two-sided two-proportion z-test gives p < 0.05.

A public attitude survey publishes proportions with no sample size (MOPAC's Public Attitude Survey). Its latest
result on or before the as-of date is compared with the result before it and with the result for the period
ending on the same day a year earlier, in percentage points, as published (to one decimal place of a per cent,
halves away from zero). With no sample size no interval and no significance test can be given, and none is: the
statements say so. A level target is met when the latest result is at or beyond it.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pandas as pd

from ..plan.periods import Month, long_date, same_day_last_year
from .arithmetic import rounded
from .coverage import Unavailable, month_spans

NO_SAMPLE = "No sample size is published for these results, so no interval and no significance test is given."

Z95 = 1.959963984540054


def wilson(positive: int, respondents: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a proportion, as fractions."""
    if respondents == 0:
        return float("nan"), float("nan")
    p = positive / respondents
    centre = (p + z * z / (2 * respondents)) / (1 + z * z / respondents)
    half = z * math.sqrt(p * (1 - p) / respondents + z * z / (4 * respondents ** 2)) / (1 + z * z / respondents)
    return centre - half, centre + half


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float, float]:
    """z and the two-sided p-value for the difference between two proportions (pooled standard error)."""
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0, 1.0
    z = (x1 / n1 - x2 / n2) / se
    return z, math.erfc(abs(z) / math.sqrt(2))


@dataclass(frozen=True)
class Estimate:
    label: str
    positive: int
    respondents: int

    @property
    def percent(self) -> float:
        return self.positive / self.respondents * 100

    @property
    def interval(self) -> tuple[float, float]:
        low, high = wilson(self.positive, self.respondents)
        return low * 100, high * 100


@dataclass(frozen=True)
class SurveyComparison:
    """The latest estimate against the one it is compared with."""

    latest: Estimate
    previous: Estimate

    @property
    def change(self) -> float:
        return self.latest.percent - self.previous.percent

    @property
    def p_value(self) -> float:
        return two_proportion_test(self.latest.positive, self.latest.respondents,
                                   self.previous.positive, self.previous.respondents)[1]

    @property
    def significant(self) -> bool:
        return self.p_value < 0.05

    def statement(self, measure: str) -> str:
        low, high = self.latest.interval
        change = abs(round(self.change, 1))
        if change == 0:
            move = f"unchanged on {self.previous.label} ({self.previous.percent:.1f}%)"
        else:
            move = f"{'up' if self.change > 0 else 'down'} {change:.1f} points on {self.previous.label} " \
                   f"({self.previous.percent:.1f}%)"
        verdict = (f"a statistically significant change (p = {self.p_value:.3f})" if self.significant else
                   f"not a statistically significant change (p = {self.p_value:.2f})")
        return (f"{measure}: {self.latest.percent:.1f}% in {self.latest.label} (95% interval {low:.1f}% to "
                f"{high:.1f}%), {move}: {verdict}.")


def rows(table: pd.DataFrame, measure: str, last: Month) -> pd.DataFrame:
    """The results of one measure up to `last`, in month order, from the `survey` table."""
    table = table[(table["measure"] == measure) & (table["month"] <= str(last))].sort_values("month")
    if table.empty:
        raise Unavailable(f"the survey results have nothing for {measure!r} up to {last.name}")
    return table


def by_wave(survey: pd.DataFrame, measure: str, last: Month) -> SurveyComparison:
    """The latest wave up to `last` against the wave before it."""
    table = rows(survey, measure, last)
    if len(table) < 2:
        raise Unavailable(f"comparing {measure!r} needs two survey waves up to {last.name}; there is one")
    latest, previous = table.iloc[-1], table.iloc[-2]
    return SurveyComparison(Estimate(f"the {_month(latest['month'])} wave", int(latest["positive"]),
                                     int(latest["respondents"])),
                            Estimate(f"the {_month(previous['month'])} wave", int(previous["positive"]),
                                     int(previous["respondents"])))


def rolling_year(survey: pd.DataFrame, measure: str, last: Month) -> SurveyComparison:
    """The 12 months to `last` (pooled) against the 12 months to the same month a year earlier."""
    table = rows(survey, measure, last)
    months = table.set_index("month")

    def pooled(end: Month, label: str) -> Estimate:
        wanted = [str(end.shift(-i)) for i in range(12)]
        missing = [m for m in wanted if m not in months.index]
        if missing:
            raise Unavailable(f"the survey results for {measure!r} have nothing for {month_spans(missing)}, "
                              f"needed for the 12 months to {end.name}")
        part = months.loc[wanted]
        return Estimate(label, int(part["positive"].sum()), int(part["respondents"].sum()))

    return SurveyComparison(pooled(last, f"the 12 months to {last.name}"),
                            pooled(last.shift(-12), f"the 12 months to {last.shift(-12).name}"))


def monthly_percent(survey: pd.DataFrame, measure: str, last: Month) -> pd.DataFrame:
    table = rows(survey, measure, last)
    return table.assign(percent=table["positive"] / table["respondents"] * 100)


def _month(text: str) -> str:
    return Month.parse(text).name


@dataclass(frozen=True)
class Proportion:
    """A published share of respondents agreeing, over the period ending on `period_end`."""

    period_end: date
    proportion: float

    @property
    def percent(self) -> Decimal:
        return rounded(self.proportion * 100)

    @property
    def label(self) -> str:
        return f"the period to {long_date(self.period_end)}"


@dataclass(frozen=True)
class AttitudeComparison:
    """The latest published result against the one before it and the one a year earlier, where published."""

    latest: Proportion
    previous: Proportion | None
    year_earlier: Proportion | None

    def change(self, other: Proportion | None) -> Decimal | None:
        """The latest result less `other`, in percentage points."""
        return None if other is None else self.latest.percent - other.percent

    def reached(self, level: Fraction, better: str) -> bool:
        """The latest result is at the level, or beyond it the way that is better."""
        gap = Decimal(level.numerator * 100) / level.denominator - self.latest.percent
        return gap <= 0 if better == "higher" else gap >= 0

    def against(self, level: Fraction, better: str) -> str:
        """'Below the 75% target by 8 points', or 'At or above the 75% target' (the other way round where lower
        is better)."""
        percent = Decimal(level.numerator * 100) / level.denominator
        target = f"the {figure(percent)}% target"
        if not self.reached(level, better):
            gap = abs(percent - self.latest.percent)
            return f"{'Below' if better == 'higher' else 'Above'} {target} by {points(gap)}"
        return f"At or {'above' if better == 'higher' else 'below'} {target}"

    def statements(self, label: str) -> list[str]:
        """The latest result and its changes, then why no interval or test is given."""
        moves = [f"{_move(self.change(other))} on {name or other.label} ({figure(other.percent)}%)"
                 for other, name in ((self.previous, None), (self.year_earlier, "a year earlier")) if other]
        return [f"{label}: {figure(self.latest.percent)}% in {self.latest.label}"
                + (f", {' and '.join(moves)}" if moves else "") + ".", NO_SAMPLE]


def attitude(table: pd.DataFrame, measure: str, area: str, as_of: date) -> AttitudeComparison:
    """The latest result of `measure` in `area` on or before `as_of`, from the `attitude` table, against the
    result before it and the result for the period ending on the same day a year earlier."""
    rows = table[(table["measure"] == measure) & (table["area"] == area)
                 & (table["period_end"] <= pd.Timestamp(as_of))].sort_values("period_end")
    if rows.empty:
        raise Unavailable(f"the public attitude survey results have nothing for {measure!r} in {area} on or before "
                          f"{long_date(as_of)}")
    results = [Proportion(end.date(), float(share)) for end, share in zip(rows["period_end"], rows["proportion"])]
    latest = results[-1]
    by_end = {r.period_end: r for r in results}
    return AttitudeComparison(latest, results[-2] if len(results) > 1 else None,
                              by_end.get(same_day_last_year(latest.period_end)))


def figure(value: Decimal) -> str:
    """A per cent or a number of points as published: '67', '66.5'."""
    return format(value.normalize(), "f")


def points(value: Decimal) -> str:
    """'1 point', '8.5 points'."""
    return f"{figure(value)} point{'' if value == 1 else 's'}"


def _move(change: Decimal) -> str:
    return "unchanged" if change == 0 else f"{'up' if change > 0 else 'down'} {points(abs(change))}"
