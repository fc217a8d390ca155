"""Stop and search from records: searches a month, arrest and positive outcome rates, and disproportionality.

Ethnicity comes from the self-defined field where the record has one, mapped from its detailed category
to the five census groups (White, Black, Asian, Mixed, Other, with Chinese in Other as in the police-defined
census groups); otherwise from the officer-defined field. Records with neither are counted and left out of
the rates. The rate for a group is searches per 1,000 people of that group in the 2011 Census; the ratio
is that rate over the rate for White people. A month with no record for the force is not covered: windows
that touch one are not compared.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from .coverage import Unavailable, month_spans, months_between

GROUPS = ("White", "Black", "Asian", "Mixed", "Other")
SELF_DEFINED_PREFIX = {
    "White": "White", "Black or Black British": "Black", "Asian or Asian British": "Asian", "Mixed": "Mixed",
    "Chinese or other ethnic group": "Other", "Other ethnic group": "Other",
}
CENSUS_GROUPS = {"White": ("White",), "Black": ("Black (or Black British)",), "Asian": ("Asian (or Asian British)",),
                 "Mixed": ("Mixed",), "Other": ("Chinese", "Other")}
NO_FURTHER_ACTION = ("Nothing found - no further action", "A no further action disposal")
ARREST = ("Suspect arrested", "Arrest")
METHOD = ("Ethnicity is the self-defined field, mapped to the five census groups by its first part (White; "
          "Black or Black British; Asian or Asian British; Mixed; Chinese or other ethnic group as Other), or the "
          "officer-defined field where there is no self-defined one. Rates use 2011 Census residents in the "
          "police-defined groups (Chinese counted in Other).")


def ethnic_group(self_defined: str, officer_defined: str) -> tuple[str | None, str]:
    """The census group of a record, and which field gave it ('self', 'officer' or 'none')."""
    prefix = str(self_defined).split(" - ")[0].strip()
    if prefix in SELF_DEFINED_PREFIX:
        return SELF_DEFINED_PREFIX[prefix], "self"
    if officer_defined in GROUPS:
        return officer_defined, "officer"
    return None, "none"


@dataclass(frozen=True)
class SearchSummary:
    """The searches of one period, summarised."""

    label: str
    months: int
    searches: int
    arrests: int
    positive: int
    by_group: dict[str, int]
    from_self: int
    from_officer: int
    without_ethnicity: int

    @property
    def per_month(self) -> float:
        return self.searches / self.months if self.months else 0.0

    @property
    def arrest_rate(self) -> float:
        return self.arrests / self.searches * 100 if self.searches else 0.0

    @property
    def positive_rate(self) -> float:
        return self.positive / self.searches * 100 if self.searches else 0.0

    def rates(self, census: dict[str, int]) -> dict[str, float]:
        """Searches per 1,000 residents of each group (not a number for a group with no residents)."""
        return {g: self.by_group.get(g, 0) / census[g] * 1000 if census[g] else float("nan") for g in GROUPS}

    def ratios(self, census: dict[str, int]) -> dict[str, float]:
        """Each group's rate over the rate for White people."""
        rates = self.rates(census)
        return {g: rates[g] / rates["White"] if rates["White"] else float("nan") for g in GROUPS}


def summarise(records: pd.DataFrame, label: str, months: int) -> SearchSummary:
    groups = [ethnic_group(s, o)
              for s, o in zip(records["self_defined_ethnicity"], records["officer_defined_ethnicity"])]
    fields = pd.Series([f for _, f in groups], dtype=object)
    counted = pd.Series([g for g, _ in groups if g is not None], dtype=object).value_counts()
    return SearchSummary(label, months, len(records), int(records["outcome"].isin(ARREST).sum()),
                  int((~records["outcome"].isin(NO_FURTHER_ACTION) & (records["outcome"] != "")).sum()),
                  {g: int(counted.get(g, 0)) for g in GROUPS}, int((fields == "self").sum()),
                  int((fields == "officer").sum()), int((fields == "none").sum()))


def census(table: pd.DataFrame, force: str) -> dict[str, int]:
    """2011 Census residents of the force area in the five groups, from the `census_ethnicity` table."""
    rows = table[(table["area"] == force) & (table["classification"] == "police-defined")]
    if rows.empty:
        raise Unavailable(f"the store has no police-defined 2011 Census groups for {force}; ingest "
                          "resistancelab_police-defined-demographics.csv")
    people = dict(zip(rows["ethnic_group"], rows["population"]))
    return {g: int(sum(people.get(name, 0) for name in names)) for g, names in CENSUS_GROUPS.items()}


def require(table: pd.DataFrame, force: str, windows: list[tuple[date, date]], purpose: str) -> None:
    """Every month the windows touch must hold the force's records: a month without one is not covered. The
    reason names what the windows are for (`purpose`, e.g. "the year to date") and the months missing."""
    have = sorted(set(table.loc[table["force"] == force, "month"]))
    needed = {str(m) for start, end in windows for m in months_between(start, end)}
    missing = sorted(needed - set(have))
    if missing:
        held = f"cover {month_spans(have)}" if have else "hold nothing"
        raise Unavailable(f"the stop and search records for {force} {held}; {purpose} also needs "
                          f"{month_spans(missing)}")


def records(table: pd.DataFrame, force: str, start: date, end: date) -> pd.DataFrame:
    """The force's searches from `start` to `end`, from the `stop_search` table."""
    return table[(table["force"] == force) & (table["date"] >= pd.Timestamp(start))
                 & (table["date"] <= pd.Timestamp(end))]


def per_month(table: pd.DataFrame, force: str) -> pd.DataFrame:
    """The force's searches a month, from the `stop_search` table."""
    table = table[table["force"] == force]
    return table.groupby("month", as_index=False).size().rename(columns={"size": "searches"})
