"""ONS files: recorded crime by police force area (rolling 12-month totals), mid-year population by force
area or local authority, and the LSOA, local authority and offence severity lookups.

Rolling totals end on a quarter's last day (one published date, 30-12-2017, is snapped to the 31st), one row
per date, force and offence, the offences and regions as ONS names them. Negative rolling totals, and the
zero rows ONS publishes under an offence's name not in use at that date, are set aside with their reasons.
A population file has one row per year and names each area once in its header.
"""
from __future__ import annotations

from collections import Counter

import pandas as pd

from .contract import InputError, force_name, shown
from .source import Context, Format, Parsed, Source, lookup_rows, wide_rows

# ONS publishes renamed offences side by side, with a zero row under the name not in use at that date.
RENAMED_OFFENCES = ("Domestic burglary", "Residential burglary", "Non-domestic burglary",
                    "Non-residential burglary", "Fraud offences")


def _rolling_year(source: Source, context: Context) -> Parsed:
    column = "12 months ending"
    dates = source.dates(column, ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"), "a date written DD-MM-YYYY")
    month_end = dates + pd.offsets.MonthEnd(0)
    # One date is published as 30-12-2017: a quarter's last day written one day early. Snap it to the end.
    dates = dates.where(~((month_end - dates).dt.days == 1) | ~dates.dt.month.isin([3, 6, 9, 12]), month_end)
    source.refuse((dates != month_end) | ~dates.dt.month.isin([3, 6, 9, 12]), column, "the last day of a quarter")
    counts = source.numbers("Rolling year total number of offences")
    negative = counts < 0
    frame = pd.DataFrame({"period_end": dates, "force": source.forces("PFA"), "region": source.column("Region"),
                          "offence": source.column("Offence"), "count": counts})[~negative]
    frame = source.validated("rolling_year_crime", frame, {"period_end": column, "force": "PFA", "region": "Region",
                                                           "offence": "Offence",
                                                           "count": "Rolling year total number of offences"})
    placeholder = (frame["count"] == 0) & frame["offence"].isin(RENAMED_OFFENCES)
    rejected = Counter({"zero rows for an offence not published under that name at that date": int(placeholder.sum()),
                        "negative rolling totals (published revisions that cannot be counted)": int(negative.sum())})
    return Parsed("rolling_year_crime", frame[~placeholder], len(source.frame), +rejected)


def _population_pfa(source: Source, context: Context) -> Parsed:
    return _population(source, "police force area")


def _population_la(source: Source, context: Context) -> Parsed:
    return _population(source, "local authority")


def _population(source: Source, area_type: str) -> Parsed:
    areas = [c for c in source.header if c != "year"]
    names = {c: force_name(c) if area_type == "police force area" else c for c in areas}
    seen: set[str] = set()
    for column in areas:
        where = f"{source.path}:1:{source.header.index(column) + 1}: found the column {shown(column)}"
        if names[column] is None:
            raise InputError(f"{where}; expected the name of a police force area")
        if names[column] in seen:
            raise InputError(f"{where}; expected each area once ({names[column]!r} has a column already)")
        seen.add(names[column])
    years = source.numbers("year")
    return wide_rows(source, {"year": "year"}, areas, lambda long: pd.DataFrame({
        "year": years.iloc[long["_line"]].to_numpy(), "area": long["_column"].map(names),
        "area_type": area_type, "population": long["_value"]}), "population", from_header="area")


def _lsoa(source: Source, context: Context) -> Parsed:
    return lookup_rows(source, "lsoa", {"code": "LSOA Code", "name": "LSOA Name", "parent_code": "Local authority code",
                                    "parent_name": "Local authority name", "value": "Police_force"}, forces="value")


def _local_authority(source: Source, context: Context) -> Parsed:
    return lookup_rows(source, "local-authority", {"code": "LAD16CD", "name": "LAD16NM", "parent_code": "PFA16CD",
                                               "parent_name": "PFA16NM", "value": "CSP16NM"}, forces="parent_name")


def _offence_severity(source: Source, context: Context) -> Parsed:
    return lookup_rows(source, "offence-severity", {"code": "ONS_COUNTS_code", "name": "ONS_COUNTS_description",
                                                "parent_code": "POLICE_UK_CAT_MAP_category",
                                                "parent_name": "ONS_COUNTS_category", "value": "ONS_SEVERITY_weight"})


def _mostly_forces(columns: list[str]) -> bool:
    """A wide header of force areas, perhaps with a misspelt one; local authority headers are mostly not."""
    return sum(bool(force_name(c)) for c in columns) >= len(columns) / 2


FORMATS = (
    Format("lsoa-lookup", "LSOA to local authority and police force (ONS)", "lookup", (
        "Region code", "Region name", "Local authority code", "Local authority name", "MSOA Code", "MSOA Name",
        "LSOA Code", "LSOA Name", "Police_force"), _lsoa),
    Format("local-authority-lookup", "Local authority to community safety partnership and force (ONS)", "lookup",
           ("LAD16CD", "LAD16NM", "CSP16CD", "CSP16NM", "PFA16CD", "PFA16NM", "FID"), _local_authority),
    Format("offence-severity", "Offence codes with ONS crime severity weights", "lookup", (
        "ONS_COUNTS_category", "ONS_COUNTS_description", "ONS_SEVERITY_code", "ONS_COUNTS_code",
        "ONS_SEVERITY_category", "ONS_SEVERITY_offence", "ONS_SEVERITY_weight", "POLICE_UK_CAT_MAP_code",
        "POLICE_UK_CAT_MAP_sub_class", "POLICE_UK_CAT_MAP_offence", "POLICE_UK_CAT_MAP_category"), _offence_severity),
    Format("ons-rolling-year", "ONS recorded crime by police force area, rolling 12-month totals",
           "rolling_year_crime", ("12 months ending", "PFA", "Region", "Offence",
                                  "Rolling year total number of offences"), _rolling_year),
    Format("ons-population-pfa", "ONS mid-year population by police force area (wide)", "population", ("year",),
           _population_pfa, wide=lambda h: h[0] == "year" and _mostly_forces(h[1:]),
           wide_rule="`year`, then one column per police force area"),
    Format("ons-population-la", "ONS mid-year population by local authority (wide)", "population", ("year",),
           _population_la, wide=lambda h: h[0] == "year" and not _mostly_forces(h[1:]),
           wide_rule="`year`, then one column per local authority"),
)
