"""data.police.uk archive files: street-level crime, outcomes and stop and search, one force and month a file,
and the site's force identifiers.

The file name carries the month (and, for stop and search, the force), in lower-case ASCII as the archive
writes it, and ends in `.csv` (or `.csv.gz`, gzipped); every row must fall in that month. Categories are the
archive's, matched exactly (see the contract). Street crime and outcomes are stored as counts per month, force,
LSOA and category; stop and search keeps one row per search. The archive writes stop and search times in UTC but
files them by the month in UK local time (a search at 00:30 BST on 1 April is written 2015-03-31T23:30:00+00:00
and is in the April file), so each search is dated, and its month checked, in Europe/London time.

A street crime's local authority is its LSOA's in the LSOA lookup, which is ingested with or before the street
files. A row with no LSOA code (the location is not known) keeps no local authority; an LSOA code the lookup
lacks is refused, once every cell of the file has passed its own checks.

Street crime and outcomes are counted before their cells are checked: each distinct row is checked once, as its
first line, so a bad cell is still refused at the first line that has it.
"""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .contract import InputError, force_name
from .source import Context, Format, Parsed, Source, lookup_rows

POLICE_UK_STREET = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context")

POLICE_UK_STOP = ("Type", "Date", "Part of a policing operation", "Policing operation", "Latitude", "Longitude",
                  "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity", "Legislation",
                  "Object of search", "Outcome", "Outcome linked to object of search",
                  "Removal of more than just outer clothing")

LOCAL_TIME = ZoneInfo("Europe/London")


def archive_name(kind: str) -> str:
    """The archive's name for one month of one force's file of a kind: YYYY-MM-<force>-<kind>.csv, or .csv.gz."""
    return rf"^([0-9]{{4}}-[0-9]{{2}})-([a-z-]+)-{kind}\.csv(\.gz)?$"


STOP_AND_SEARCH_NAME = archive_name("stop-and-search")

POLICE_UK_OUTCOMES = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                      "LSOA code", "LSOA name", "Outcome type")


def _check_month(source: Source, months: pd.Series, column: str) -> None:
    """data.police.uk files are named for their month, which cannot be after the last date a row may carry;
    every row must fall in it."""
    named = source.path.name[:7]
    if source.latest and named > source.latest[0].isoformat()[:7]:
        raise InputError(f"{source.path}:1:1: the file name says {named}; expected a month no later than "
                         f"{source.latest[0].isoformat()[:7]} ({source.latest[1]})")
    source.refuse(months != named, column, f"the month {named}, as the file name says")


def _police_uk_counts(source: Source, table: str, category: str, canonical: str,
                      extra: dict[str, pd.Series] | None = None) -> Parsed:
    months = source.column("Month")
    _check_month(source, months, "Month")
    rows = pd.DataFrame({
        "month": months,
        "force": source.forces("Falls within"),
        "lsoa_code": source.column("LSOA code"),
        canonical: source.column(category),
        **(extra or {}),
    })
    group = rows.groupby(list(rows.columns), sort=False, dropna=False).ngroup()  # numbered as first met
    distinct = rows[~group.duplicated()].assign(count=np.bincount(group))
    counted = source.validated(table, distinct, {"month": "Month", "force": "Falls within", "lsoa_code": "LSOA code",
                                                 canonical: category})
    keys = [c for c in counted.columns if c != "count"]
    return Parsed(table, counted.sort_values(keys, ignore_index=True), len(rows))


def _street(source: Source, context: Context) -> Parsed:
    lsoa = source.column("LSOA code")
    lookup = context.lookup("lsoa")
    local_authority = lsoa.map(pd.Series(lookup["parent_name"].to_numpy(), index=lookup["code"]))
    parsed = _police_uk_counts(source, "street_crime", "Crime type", "crime_type",
                               {"local_authority": local_authority.fillna("")})
    source.refuse(local_authority.isna() & (lsoa != ""), "LSOA code", "an LSOA code in the LSOA lookup; ingest the "
                  "lookup (for example data/sources/lsoa-police-force) with or before the street files")
    return parsed


def _outcomes(source: Source, context: Context) -> Parsed:
    return _police_uk_counts(source, "outcomes", "Outcome type", "outcome_type")


def _stop_search(source: Source, context: Context) -> Parsed:
    slug = re.match(STOP_AND_SEARCH_NAME, source.path.name).group(2)
    force = force_name(slug.replace("-", " "))
    if force is None:
        raise InputError(f"{source.path}: the file name names the force {slug!r}, which is not a police force area")
    when = source.dates("Date", ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"),
                        "a date and time written YYYY-MM-DDTHH:MM:SS+00:00", utc=True)
    when = when.dt.tz_convert(LOCAL_TIME).dt.tz_localize(None)  # the archive files its months in local time
    months = when.dt.strftime("%Y-%m")
    _check_month(source, months, "Date")
    frame = pd.DataFrame({
        "force": force, "date": when.dt.normalize(), "month": months, "type": source.column("Type"),
        "age_range": source.column("Age range"), "gender": source.column("Gender"),
        "self_defined_ethnicity": source.column("Self-defined ethnicity"),
        "officer_defined_ethnicity": source.column("Officer-defined ethnicity"),
        "legislation": source.column("Legislation"), "object_of_search": source.column("Object of search"),
        "outcome": source.column("Outcome"), "outcome_linked": source.column("Outcome linked to object of search"),
    })
    origin = {"date": "Date", "month": "Date", "type": "Type", "age_range": "Age range", "gender": "Gender",
              "self_defined_ethnicity": "Self-defined ethnicity",
              "officer_defined_ethnicity": "Officer-defined ethnicity", "legislation": "Legislation",
              "object_of_search": "Object of search", "outcome": "Outcome",
              "outcome_linked": "Outcome linked to object of search"}
    return Parsed("stop_search", source.validated("stop_search", frame, origin), len(frame))


def _force_ids(source: Source, context: Context) -> Parsed:
    return lookup_rows(source, "force-id", {"code": "id", "name": "Label", "parent_code": None, "parent_name": None,
                                        "value": "Population 2010"}, forces="name")


FORMATS = (
    Format("police-uk-force-ids", "data.police.uk force identifiers", "lookup", ("id", "Label", "Population 2010"),
           _force_ids),
    Format("police-uk-street", "data.police.uk street-level crime, one month of one force", "street_crime",
           POLICE_UK_STREET, _street, filename=archive_name("street")),
    Format("police-uk-stop-and-search", "data.police.uk stop and search, one month of one force", "stop_search",
           POLICE_UK_STOP, _stop_search, filename=STOP_AND_SEARCH_NAME),
    Format("police-uk-outcomes", "data.police.uk outcomes, one month of one force", "outcomes", POLICE_UK_OUTCOMES,
           _outcomes, filename=archive_name("outcomes")),
)
