"""How the force compares: crimes per 1,000 residents from the ONS rolling-year totals and mid-year estimates.

The window is the 12 months to the latest quarter end on or before the as-of date. Fraud is left out (it
is recorded nationally, not by forces). The population is the mid-year estimate of the year in which the
window ends. The comparator group is set in the plan; it is not the Home Office's most similar group.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from ..plan.periods import FinancialYear
from .arithmetic import percent_change, rounded
from .coverage import Unavailable

# The main offence types of the breakdown, from the ONS offence names (which changed over time).
MAIN_TYPES = {
    "Violence with injury": "Violence against the person",
    "Violence without injury": "Violence against the person",
    "Stalking and harassment": "Violence against the person",
    "Homicide": "Violence against the person",
    "Death or serious injury caused by illegal driving": "Violence against the person",
    "Sexual offences": "Sexual offences",
    "Robbery": "Robbery",
    "Domestic burglary": "Burglary",
    "Residential burglary": "Burglary",
    "Non-domestic burglary": "Burglary",
    "Non-residential burglary": "Burglary",
    "Vehicle offences": "Vehicle offences",
    "Shoplifting": "Theft",
    "Theft from the person": "Theft",
    "Bicycle theft": "Theft",
    "All other theft offences": "Theft",
    "Criminal damage and arson": "Criminal damage and arson",
    "Drug offences": "Drug offences",
    "Possession of weapons offences": "Other crimes against society",
    "Public order offences": "Other crimes against society",
    "Miscellaneous crimes against society": "Other crimes against society",
}
TYPE_ORDER = list(dict.fromkeys(MAIN_TYPES.values()))
QUARTERLY_SOURCE = "Home Office police recorded crime open data, quarterly counts by force and offence group"
SOURCE = ("ONS police recorded crime by police force area (rolling 12-month totals) and ONS mid-year population "
          "estimates")


@dataclass(frozen=True)
class ForceComparison:
    """The force, its comparator group and the ONS data they are compared on."""

    force: str
    group: tuple[str, ...]
    crime: pd.DataFrame  # period_end, force, offence, count (fraud excluded)
    population: pd.DataFrame  # year, force, population
    group_name: str = "Comparator group"

    @classmethod
    def of(cls, crime: pd.DataFrame, population: pd.DataFrame, force: str, group: tuple[str, ...],
           group_name: str) -> ForceComparison:
        """The comparison from the `rolling_year_crime` and `population` tables."""
        if crime.empty or population.empty:
            raise Unavailable("the comparison needs the ONS rolling-year crime and "
                             "mid-year population tables; run `spcb ingest data/sources` first")
        crime = crime[crime["force"].isin((force, *group)) & crime["offence"].isin(MAIN_TYPES)]
        population = population[population["area_type"] == "police force area"].rename(columns={"area": "force"})
        return cls(force, tuple(group), crime[["period_end", "force", "offence", "count"]],
                   population[["year", "force", "population"]], group_name)

    def latest_quarter_end(self, as_of: date) -> pd.Timestamp:
        ends = self.crime.loc[self.crime["period_end"] <= pd.Timestamp(as_of), "period_end"]
        if ends.empty:
            raise Unavailable(f"no ONS 12-month total ends on or before {as_of.isoformat()}")
        return ends.max()

    def _totals(self, period_end: pd.Timestamp, by_type: bool) -> pd.DataFrame:
        rows = self.crime[self.crime["period_end"] == period_end].assign(
            type=lambda f: f["offence"].map(MAIN_TYPES))
        keys = ["force", "type"] if by_type else ["force"]
        totals = rows.groupby(keys, as_index=False)["count"].sum()
        people = self.population[self.population["year"] == period_end.year]
        missing = set((self.force, *self.group)) - set(people["force"])
        if missing:
            raise Unavailable(f"no ONS mid-year estimate for {', '.join(sorted(missing))} in "
                             f"{period_end.year}, the year the 12 months to {period_end.date()} end")
        return totals.merge(people[["force", "population"]], on="force")

    def rates(self, period_end: pd.Timestamp) -> pd.DataFrame:
        """Crimes and crimes per 1,000 residents for the force, each comparator and the group as a whole,
        with the change on the 12 months a year earlier."""
        now, before = self._ranked(period_end), self._ranked(_year_earlier(period_end))
        now["previous"] = now["name"].map(before.set_index("name")["crimes"])
        now["change"] = [percent_change(c, p) for c, p in zip(now["crimes"], now["previous"])]
        return now

    def _ranked(self, period_end: pd.Timestamp) -> pd.DataFrame:
        totals = self._totals(period_end, by_type=False)
        members = totals.rename(columns={"force": "name", "count": "crimes"})
        group = members[members["name"].isin(self.group)]
        members = pd.concat([members, pd.DataFrame([{
            "name": self.group_name, "crimes": int(group["crimes"].sum()),
            "population": int(group["population"].sum())}])], ignore_index=True)
        members["per_1000"] = members["crimes"] / members["population"] * 1000
        order = [self.force, *self.group, self.group_name]
        return members.set_index("name").loc[order].reset_index()

    def breakdown(self, period_end: pd.Timestamp) -> pd.DataFrame:
        """Per main offence type: the force's and the group's rate per 1,000, and each one's change on last year."""
        def by_type(end: pd.Timestamp) -> pd.DataFrame:
            totals = self._totals(end, by_type=True)
            totals["side"] = totals["force"].where(totals["force"] == self.force, self.group_name)
            return totals.groupby(["side", "type"], as_index=False)["count"].sum()

        now, before = by_type(period_end), by_type(_year_earlier(period_end))
        people = self._totals(period_end, by_type=False)
        residents = {self.force: int(people.loc[people["force"] == self.force, "population"].sum()),
                     self.group_name: int(people.loc[people["force"].isin(self.group), "population"].sum())}
        rows = []
        for offence_type in TYPE_ORDER:
            row = {"type": offence_type}
            for side, prefix in ((self.force, "force"), (self.group_name, "group")):
                count = _pick(now, side, offence_type)
                row[f"{prefix}_crimes"] = count
                row[f"{prefix}_per_1000"] = count / residents[side] * 1000
                row[f"{prefix}_change"] = percent_change(count, _pick(before, side, offence_type))
            rows.append(row)
        return pd.DataFrame(rows)

    def over_time(self) -> pd.DataFrame:
        """Crimes per 1,000 residents at every quarter end with a population estimate: force, group, members."""
        years = set(self.population["year"])
        rows = []
        for end in sorted(e for e in self.crime["period_end"].unique() if pd.Timestamp(e).year in years):
            ranked = self._ranked(pd.Timestamp(end))
            rows += [{"period_end": pd.Timestamp(end), "name": n, "per_1000": r}
                     for n, r in zip(ranked["name"], ranked["per_1000"])]
        return pd.DataFrame(rows)

    def financial_year_totals(self) -> dict[str, int]:
        """The force's crimes (excluding fraud) in each financial year, from the 12 months to each March."""
        mine = self.crime[(self.crime["force"] == self.force) & (self.crime["period_end"].dt.month == 3)]
        totals = mine.groupby("period_end")["count"].sum()
        return {FinancialYear(end.year - 1).label: int(total) for end, total in totals.items()}


def year_to_date_quarters(quarters: pd.DataFrame, force: str, period_end: pd.Timestamp) -> pd.DataFrame:
    """Published quarterly crime (excluding fraud) for the force, from April to `period_end`, against the same
    quarters a year earlier, from the `recorded_crime_quarterly` table; empty where it lacks those quarters."""
    quarters = quarters[(quarters["force"] == force) & (quarters["offence_group"] != "Fraud offences")]
    year = period_end.year if period_end.month > 3 else period_end.year - 1
    last = (period_end.month - 4) % 12 // 3 + 1
    rows = []
    for quarter in range(1, last + 1):
        now = quarters[(quarters["financial_year"] == FinancialYear(year).label)
                       & (quarters["quarter"] == quarter)]["count"]
        before = quarters[(quarters["financial_year"] == FinancialYear(year - 1).label)
                          & (quarters["quarter"] == quarter)]["count"]
        if now.empty or before.empty:
            return pd.DataFrame()
        start = pd.Timestamp(year, 4, 1) + pd.DateOffset(months=3 * (quarter - 1))
        rows.append({"quarter": f"{start:%B} to {start + pd.DateOffset(months=2):%B} {start.year}",
                     "crimes": int(now.sum()), "previous": int(before.sum())})
    if rows:
        rows.append({"quarter": "Year to date", "crimes": sum(r["crimes"] for r in rows),
                     "previous": sum(r["previous"] for r in rows)})
    frame = pd.DataFrame(rows)
    if not frame.empty:
        frame["change"] = [percent_change(c, p) for c, p in zip(frame["crimes"], frame["previous"])]
    return frame


def _pick(frame: pd.DataFrame, side: str, offence_type: str) -> int:
    match = frame[(frame["side"] == side) & (frame["type"] == offence_type)]["count"]
    return int(match.sum())


def _year_earlier(period_end: pd.Timestamp) -> pd.Timestamp:
    return period_end - pd.DateOffset(years=1) + pd.offsets.MonthEnd(0)


@dataclass(frozen=True)
class Finding:
    """One statement of the board paper, set against what the public data shows."""

    claim: str
    data: str
    agrees: bool


def check_paper(comparison: ForceComparison, paper, period_end: pd.Timestamp) -> list[Finding]:
    """Check the paper's statements (as recorded in the plan) against the ONS figures."""
    findings = []
    force = comparison.force
    if paper.lower_rate_than_group is not None:
        rates = comparison.rates(period_end).set_index("name")["per_1000"]
        below = [m for m in comparison.group if rates[force] < rates[m]]
        lower = rates[force] < rates[comparison.group_name]
        findings.append(Finding(
            f"{force} records {'fewer' if paper.lower_rate_than_group else 'more'} crimes per 1,000 residents "
            "than its comparator forces.",
            f"In the 12 months to {period_end:%-d %B %Y}, {force} recorded {rounded(rates[force])} crimes per 1,000 "
            f"residents against {rounded(rates[comparison.group_name])} for the {comparison.group_name.lower()} "
            f"together; it was lower than {len(below)} of the {len(comparison.group)} forces in the group.",
            bool(lower) == paper.lower_rate_than_group))
    years = comparison.financial_year_totals()
    if paper.reduction_from and paper.reduction_from in years and paper.reduction_to in years:
        start, end = years[paper.reduction_from], years[paper.reduction_to]
        change = percent_change(end, start)
        fall, percent = start - end, -change
        findings.append(Finding(
            f"Crime fell by {paper.reduction_percent:g}% from {paper.reduction_from} to {paper.reduction_to}, "
            f"around {paper.reduction_crimes:,} fewer crimes.",
            f"ONS figures (excluding fraud): {start:,} crimes in {paper.reduction_from} and {end:,} in "
            f"{paper.reduction_to}, a fall of {percent}% ({fall:,} crimes).",
            round(float(percent)) == round(paper.reduction_percent)
            and abs(fall - paper.reduction_crimes) <= 0.05 * paper.reduction_crimes))
    if paper.second_lowest_year and paper.second_lowest_year in years:
        upto = {y: n for y, n in years.items() if y <= paper.second_lowest_year}
        ranked = sorted(upto, key=upto.get)
        position = ranked.index(paper.second_lowest_year) + 1
        findings.append(Finding(
            f"{paper.second_lowest_year} was the second lowest year for recorded crime.",
            f"Of the {len(upto)} financial years from {min(upto)} to {paper.second_lowest_year} in the ONS series, "
            f"{paper.second_lowest_year} ({upto[paper.second_lowest_year]:,} crimes) is number {position} from the "
            f"lowest; the lowest is {ranked[0]} ({upto[ranked[0]]:,}).",
            position == 2))
    return findings

