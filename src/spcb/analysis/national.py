"""The national edition's figures: one territorial force of England and Wales, one financial quarter, from
published data alone (the Home Office's quarterly counts by offence group, the ONS rolling-year totals by
offence and the ONS mid-year population estimates).

- Fraud is left out everywhere: from 2013 its recording moved from forces to Action Fraud. Repeated rows for a
  force, quarter and group are added up. Every force has every quarter of the file, empty where the file has no
  row, and a quarter with an empty group has no total: a missing quarter is a gap, never a zero.
- Year to date is quarters 1 to n of the period's financial year against the same quarters a year earlier. A
  window that includes a gap is not available, with the quarters missing named; nothing is counted from it.
- A rate is per 1,000 residents, from the mid-year estimate of the year the financial year starts in (30 June
  falls inside it). Where the file has no estimate for that year, the nearest year it has is used (the latest
  one for a later year) and the rate says so. The file covers the forces of England only, so a Welsh force, Wales
  and England and Wales have no rate.
- A region is the ONS region of the force, its total the sum of its forces; England and Wales is the sum of the
  43 forces (British Transport Police is in neither, as the Home Office file has none). An area with a force
  whose window has a gap is summed over its other forces and named as excluding that force.
- The SPC charts take a group's quarterly counts from the first quarter of the file to the period, under the
  rules of `spc` (a gap is skipped); fewer recorded crimes count as better on every chart.
- The National Crime and Policing Measures are each the 12 months to the quarter's end against the 12 months a
  year earlier. Neighbourhood crime and homicide come from the ONS rolling-year totals, which end in December
  2018 (and before June 2007 give only the years to March); drug offences, from the Home Office counts, stand in
  for drugs supply. The measures published data cannot give are listed with the reason, never estimated.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd

from ..ingest.contract import FORCES as ALL_FORCES
from ..plan.model import Measure
from ..plan.periods import Quarter
from .arithmetic import percent_change
from .coverage import Unavailable
from .measures import SpcChart

FORCES = ALL_FORCES[:43]  # the territorial forces of England and Wales
FRAUD = "Fraud offences"
GROUPS = ("Violence against the person", "Sexual offences", "Robbery", "Theft offences", "Criminal damage and arson",
          "Drug offences", "Possession of weapons offences", "Public order offences",
          "Miscellaneous crimes against society")
TOTAL = "All offences excluding fraud"
ENGLAND_AND_WALES = "England and Wales"
SOURCE_HO = "Home Office police recorded crime open data, quarterly counts by force and offence group"
SOURCE_ONS = "ONS police recorded crime by police force area, rolling 12-month totals"
SOURCE_POPULATION = "ONS mid-year population estimates by police force area"
NOTES = {  # what a quarter's count means that the count alone cannot say
    ("Greater Manchester", Quarter(2019, 2)): (
        "Greater Manchester Police moved to a new crime recording system in July 2019; its count for July to "
        "September 2019 is far below the quarters either side because of that change, not because crime fell."),
}


def quarterly(rcq: pd.DataFrame) -> pd.DataFrame:
    """Counts by force and quarter (index: force, period 'YYYY-Qn') and offence group (columns: GROUPS then
    TOTAL), from the `recorded_crime_quarterly` table, empty (NaN) where the file has no row."""
    rows = rcq[rcq["offence_group"].isin(GROUPS) & rcq["force"].isin(FORCES)]
    if rows.empty:
        raise Unavailable("recorded_crime_quarterly: found no Home Office quarterly counts for the 43 forces; "
                          "expected them in the store (run `spcb ingest --edition national`)")
    period = rows["financial_year"].str[:4] + "-Q" + rows["quarter"].astype(str)
    summed = rows.assign(period=period).groupby(["force", "period", "offence_group"])["count"].sum()
    first, last = Quarter.parse(period.min()), Quarter.parse(period.max())
    quarters = [str(first.shift(i)) for i in range(_index(last) - _index(first) + 1)]
    wide = summed.unstack("offence_group").reindex(pd.MultiIndex.from_product([FORCES, quarters],
                                                                              names=["force", "period"]))
    wide = wide.reindex(columns=list(GROUPS)).astype(float)
    wide[TOTAL] = wide[list(GROUPS)].sum(axis=1, min_count=len(GROUPS))
    return wide


def _index(quarter: Quarter) -> int:
    return quarter.start_year * 4 + quarter.number - 1


def first_and_last(counts: pd.DataFrame) -> tuple[Quarter, Quarter]:
    periods = counts.index.get_level_values("period")
    return Quarter.parse(periods.min()), Quarter.parse(periods.max())


def check(counts: pd.DataFrame, quarter: Quarter) -> None:
    """Refuse a quarter whose year to date the file cannot compare: before its second financial year or after
    its last quarter."""
    first, last = first_and_last(counts)
    earliest = Quarter(first.start_year + 1, 1)
    if not earliest <= quarter <= last:
        raise Unavailable(f"period {quarter}: found a quarter the Home Office file cannot compare with a year "
                          f"earlier (it runs from {first.label} to {last.label}); expected one from {earliest} to "
                          f"{last}")


def year_to_date_quarters(quarter: Quarter) -> tuple[list[Quarter], list[Quarter]]:
    """This year's quarters to date and the same quarters a year earlier."""
    now = quarter.year_to_date()
    return now, [q.shift(-4) for q in now]


def missing(counts: pd.DataFrame, force: str, quarters: list[Quarter]) -> list[Quarter]:
    """The quarters among `quarters` for which the file gives the force no complete count."""
    totals = counts.loc[force, TOTAL]
    return [q for q in quarters if pd.isna(totals.get(str(q), np.nan))]


def _gap(force: str, gaps: list[Quarter]) -> str:
    return f"the Home Office file has no figures for {force} for {', '.join(q.label for q in gaps)}"


def _sum(counts: pd.DataFrame, force: str, quarters: list[Quarter]) -> pd.Series:
    return counts.loc[[(force, str(q)) for q in quarters]].sum()


@dataclass(frozen=True)
class Residents:
    """The residents of one or more force areas, the year of the estimate, and a note when it is not the year
    asked for."""

    people: int
    year: int
    note: str


def residents(population: pd.DataFrame, forces: tuple[str, ...] | list[str], quarter: Quarter) -> Residents:
    """The mid-year estimate for the forces, for the year the quarter's financial year starts in, or the nearest
    year the file has; Unavailable where the file has no estimate for a force."""
    areas = population[population["area_type"] == "police force area"]
    lacking = [f for f in forces if f not in set(areas["area"])]
    if lacking:
        raise Unavailable(f"the ONS population file has no estimate for {', '.join(lacking)} (it covers the "
                          "forces of England only)")
    wanted = quarter.financial_year.start_year
    years = sorted(set(areas["year"]))
    year = wanted if wanted in years else max(years) if wanted > max(years) else min(years)
    note = "" if year == wanted else (
        f"no estimate for mid-{wanted} is published in the file; mid-{year}, the "
        f"{'latest' if year < wanted else 'earliest'} it has, is used")
    people = areas.loc[(areas["year"] == year) & areas["area"].isin(forces), "population"].sum()
    return Residents(int(people), year, note)


def year_to_date(counts: pd.DataFrame, population: pd.DataFrame, force: str, quarter: Quarter) -> pd.DataFrame:
    """Per offence group and in total: this_year, last_year, change (per cent) and per_1000 (this year to date
    per 1,000 residents, None without an estimate); Unavailable where the window has a gap. The frame's attrs
    give the population year and its note, or the reason there is no rate."""
    now, before = year_to_date_quarters(quarter)
    gaps = missing(counts, force, before + now)
    if gaps:
        raise Unavailable(_gap(force, gaps))
    this_year, last_year = _sum(counts, force, now), _sum(counts, force, before)
    frame = pd.DataFrame({"group": [*GROUPS, TOTAL], "this_year": this_year.astype(int).to_numpy(),
                          "last_year": last_year.astype(int).to_numpy()})
    frame["change"] = [percent_change(n, b) for n, b in zip(frame["this_year"], frame["last_year"])]
    try:
        people = residents(population, [force], quarter)
        frame["per_1000"] = [n / people.people * 1000 for n in frame["this_year"]]
        frame.attrs.update(population_year=people.year, population_note=people.note, rate_reason="")
    except Unavailable as why:
        frame["per_1000"] = None
        frame.attrs.update(population_year=None, population_note="", rate_reason=str(why))
    return frame


def regions(rolling: pd.DataFrame) -> dict[str, str]:
    """The ONS region of each of the 43 forces, from the `rolling_year_crime` table."""
    pairs = rolling.loc[rolling["force"].isin(FORCES), ["force", "region"]].drop_duplicates()
    return dict(zip(pairs["force"], pairs["region"]))


def areas(counts: pd.DataFrame, population: pd.DataFrame, region_of: dict[str, str], force: str,
          quarter: Quarter) -> pd.DataFrame:
    """The force, its region, England and England and Wales: area, forces (how many are summed), this_year,
    last_year, change, per_1000, population_year and note (what is left out or not available, and why)."""
    region = region_of.get(force)
    if region is None:
        raise Unavailable(f"the ONS rolling-year file gives no region for {force}")
    now, before = year_to_date_quarters(quarter)
    england = [f for f in FORCES if region_of.get(f) != "Wales"]
    rows = [_area(counts, population, force, [force], now, before, quarter),
            _area(counts, population, region if region != force else f"{region} region",
                  [f for f in FORCES if region_of.get(f) == region], now, before, quarter)]
    if region != "Wales":
        rows.append(_area(counts, population, "England", england, now, before, quarter))
    rows.append(_area(counts, population, ENGLAND_AND_WALES, list(FORCES), now, before, quarter))
    return pd.DataFrame(rows)


def _area(counts: pd.DataFrame, population: pd.DataFrame, name: str, members: list[str], now: list[Quarter],
          before: list[Quarter], quarter: Quarter) -> dict:
    gaps = {f: missing(counts, f, before + now) for f in members}
    left_out = [f for f in members if gaps[f]]
    kept = [f for f in members if not gaps[f]]
    row = {"area": name, "forces": len(kept) or len(members), "this_year": None, "last_year": None, "change": None,
           "per_1000": None, "population_year": None, "note": ""}
    notes = [_gap(f, gaps[f]) for f in left_out]
    if not kept:
        return {**row, "note": "; ".join(notes)}
    if left_out and len(members) > 1:
        row["area"] = f"{name} excluding {', '.join(left_out)}"
    this_year = int(sum(_sum(counts, f, now)[TOTAL] for f in kept))
    last_year = int(sum(_sum(counts, f, before)[TOTAL] for f in kept))
    row.update(this_year=this_year, last_year=last_year, change=percent_change(this_year, last_year))
    try:
        people = residents(population, kept, quarter)
        row.update(per_1000=this_year / people.people * 1000, population_year=people.year)
        notes += [people.note] if people.note else []
    except Unavailable as why:
        notes.append(f"no rate: {why}")
    return {**row, "note": "; ".join(notes)}


def spc_chart(counts: pd.DataFrame, force: str, group: str, quarter: Quarter) -> SpcChart:
    """The SPC chart of a group's (or the total's) quarterly counts, from the file's first quarter to `quarter`."""
    first, _ = first_and_last(counts)
    quarters = [first.shift(i) for i in range(_index(quarter) - _index(first) + 1)]
    values = counts.loc[force, group].reindex([str(q) for q in quarters]).tolist()
    return SpcChart.of(Measure(group, group, None, "recorded", "lower"), quarters, values)


def notes(counts: pd.DataFrame, force: str, quarter: Quarter) -> list[str]:
    """What a reader of the force's charts needs told: the quarters with no figures, and any known break."""
    first, _ = first_and_last(counts)
    quarters = [first.shift(i) for i in range(_index(quarter) - _index(first) + 1)]
    found = []
    gaps = missing(counts, force, quarters)
    if gaps:
        found.append(f"The Home Office file has no figures for {force} for {len(gaps)} quarter"
                     f"{'s' if len(gaps) != 1 else ''} ({', '.join(q.label for q in gaps)}); the charts leave "
                     "a gap there, and no figure counts them as zero.")
    found += [text for (name, when), text in NOTES.items() if name == force and when <= quarter]
    return found


@dataclass(frozen=True)
class Definition:
    """A National Crime and Policing Measure: what it counts, and where the figures come from."""

    id: str
    label: str
    definition: str
    source: str


NEIGHBOURHOOD = ("Domestic burglary", "Residential burglary", "Robbery", "Theft from the person", "Vehicle offences")
MEASURES = (
    Definition("neighbourhood-crime", "Neighbourhood crime",
               "Domestic burglary, robbery, theft from the person and vehicle offences recorded by the force. Domestic "
               "burglary is counted as residential burglary from April 2017, when the offence was redefined to "
               "include outbuildings such as sheds; robbery includes robbery of business property, because the file "
               "does not split it from personal robbery.", SOURCE_ONS),
    Definition("homicide", "Homicide", "Murder, manslaughter, corporate manslaughter and infanticide recorded by "
               "the force.", SOURCE_ONS),
    Definition("drugs", "Drug offences (a proxy for drugs supply)",
               "All drug offences recorded by the force. The measure itself is about disrupting drugs supply and "
               "county lines; published data gives only all drug offences, most of which are possession, so this "
               "is a proxy for it, not the measure.", SOURCE_HO),
)
NOT_AVAILABLE = (
    ("Hospital admissions for serious violence", "admissions of under-25s for assault with a sharp object come from "
     "NHS hospital episode statistics, which are not among the published files the book reads"),
    ("Cyber crime", "the measure rests on the Crime Survey for England and Wales estimate of computer misuse, which "
     "is national only and not among the published files the book reads"),
    ("Victim satisfaction", "satisfaction with the police comes from surveys of victims, which are not among the "
     "published files the book reads"),
)


@dataclass(frozen=True)
class MeasureResult:
    """One measure for the 12 months to `end`: the count, the count a year earlier and the change, or the reason
    it is not available."""

    definition: Definition
    end: date
    count: int | None = None
    previous: int | None = None
    change: Decimal | None = None
    reason: str = ""


def measures(counts: pd.DataFrame, rolling: pd.DataFrame, force: str, quarter: Quarter) -> list[MeasureResult]:
    """Each of `MEASURES` for the force, for the 12 months to the end of the quarter."""
    ons = rolling[(rolling["force"] == force)]
    found = []
    for definition, offences in zip(MEASURES[:2], (NEIGHBOURHOOD, ("Homicide",))):
        found.append(_rolling(definition, ons[ons["offence"].isin(offences)], quarter, rolling["period_end"].max()))
    drugs = MEASURES[2]
    year, earlier = [quarter.shift(-i) for i in range(4)], [quarter.shift(-4 - i) for i in range(4)]
    known = set(counts.index.get_level_values("period"))
    outside = [q for q in earlier + year if str(q) not in known]
    gaps = outside or [q for q in earlier + year if pd.isna(counts.loc[(force, str(q)), "Drug offences"])]
    if gaps:
        reason = _gap(force, sorted(gaps))
        found.append(MeasureResult(drugs, quarter.last_day, reason=reason))
    else:
        now = int(sum(counts.loc[(force, str(q)), "Drug offences"] for q in year))
        before = int(sum(counts.loc[(force, str(q)), "Drug offences"] for q in earlier))
        found.append(MeasureResult(drugs, quarter.last_day, now, before, percent_change(now, before)))
    return found


def _rolling(definition: Definition, rows: pd.DataFrame, quarter: Quarter, last: pd.Timestamp) -> MeasureResult:
    end = quarter.last_day
    totals = rows.groupby("period_end")["count"].sum()
    ends = [pd.Timestamp(end), pd.Timestamp(quarter.shift(-4).last_day)]
    lacking = [e for e in ends if e not in totals.index]
    if lacking:
        why = (f"the ONS rolling-year file ends with the 12 months to {last:%-d %B %Y}" if ends[0] > last else
               f"the ONS rolling-year file has no total for the 12 months to {lacking[0]:%-d %B %Y}")
        return MeasureResult(definition, end, reason=why)
    now, before = int(totals[ends[0]]), int(totals[ends[1]])
    return MeasureResult(definition, end, now, before, percent_change(now, before))


def headline(counts: pd.DataFrame, population: pd.DataFrame, region_of: dict[str, str], force: str,
             quarter: Quarter) -> dict:
    """The force's headline figures for the index of all forces: year to date excluding fraud, a year earlier,
    the change (a fraction), the rate per 1,000 and its population year; None where not available."""
    found = {"force": force, "region": region_of.get(force), "period": str(quarter), "this_year": None,
             "last_year": None, "change": None, "rate": None, "population_year": None, "note": ""}
    try:
        table = year_to_date(counts, population, force, quarter)
    except Unavailable as why:
        return {**found, "note": str(why)}
    total = table.set_index("group").loc[TOTAL]
    change = total["change"]
    return {**found, "this_year": int(total["this_year"]), "last_year": int(total["last_year"]),
            "change": None if change is None else float(change / 100),
            "rate": None if total["per_1000"] is None else float(total["per_1000"]),
            "population_year": table.attrs["population_year"],
            "note": table.attrs["population_note"] or table.attrs["rate_reason"]}
