"""Survey measures: percentages with 95% Wilson intervals, and whether a change is statistically significant.

Wave measures (confidence, feeling safe) compare the latest wave with the one before. Monthly measures
(victim satisfaction) are pooled over a rolling 12 months and compared with the 12 months a year earlier.
A change is called significant only when a two-sided two-proportion z-test gives p < 0.05.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..plan.periods import Month
from .coverage import Unavailable, month_spans

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
