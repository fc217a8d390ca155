"""Importers: each published file format, read into a canonical table of the input contract.

A file's format is known by its name (data.police.uk archive files) or by its header. Reading checks the
file as a whole (text not a spreadsheet, a header, no truncated line, months that agree with the name)
and then every cell against the contract, so a bad file is refused with one line an analyst can act on.
"""
from __future__ import annotations

import csv
import gzip
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd
import yaml

from .contract import TABLES, InputError, force_name, validate

EXCEL_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@dataclass
class Parsed:
    """What one file contributes: its canonical rows, and how many rows were read and set aside, and why."""

    table: str
    frame: pd.DataFrame
    rows_read: int
    rejected: Counter = field(default_factory=Counter)
    title: str = ""
    demonstration: bool = False


class Source:
    """A CSV file read as text, with the means to point at any of its cells."""

    def __init__(self, path: Path, header: list[str], frame: pd.DataFrame):
        self.path, self.header, self.frame = path, header, frame

    def where(self, index: int | None, column: str | None) -> str:
        if index is None:
            return str(self.path)
        line = (int(self.frame["_row"].iloc[index]) if "_row" in self.frame else index) + 2
        if column is None or column not in self.header:
            return f"{self.path}:{line}"
        return f"{self.path}:{line}:{self.header.index(column) + 1}: column {column!r}"

    def fail(self, index: int, column: str, found, expected: str) -> InputError:
        return InputError(f"{self.where(index, column)}: found {found!r}; expected {expected}")

    def column(self, name: str) -> pd.Series:
        return self.frame[name].str.strip()

    def numbers(self, name: str, whole: bool = True) -> pd.Series:
        """A column as numbers; a cell that is not a number is an error naming its line and column."""
        text = self.column(name).str.replace(",", "", regex=False)
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() | ((values != values.round()) if whole else False)
        if bad.any():
            index = int(bad.to_numpy().nonzero()[0][0])
            raise self.fail(index, name, self.frame[name].iloc[index], "a whole number" if whole else "a number")
        return values.astype("int64") if whole else values

    def dates(self, name: str, formats: tuple[str, ...], expected: str, utc: bool = False) -> pd.Series:
        """A column of dates in one of `formats`; with `utc`, times with an offset are read as UTC."""
        text = self.column(name)
        parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]" if utc else "datetime64[ns]")
        for fmt in formats:
            missing = parsed.isna()
            parsed[missing] = pd.to_datetime(text[missing], format=fmt, errors="coerce", utc=utc)
        if parsed.isna().any():
            index = int(parsed.isna().to_numpy().nonzero()[0][0])
            raise self.fail(index, name, self.frame[name].iloc[index], expected)
        return parsed

    def forces(self, name: str, allow_empty: bool = False) -> pd.Series:
        """A column of force names, in their canonical spelling; an unknown force is an error."""
        raw = self.column(name)
        names = raw.map(lambda v: force_name(v) or "")
        unknown = (names == "") & ~((raw == "") & allow_empty)
        if unknown.any():
            index = int(unknown.to_numpy().nonzero()[0][0])
            raise self.fail(index, name, raw.iloc[index], "the name of a police force area")
        return names

    def validated(self, table: str, frame: pd.DataFrame, origin: dict[str, str]) -> pd.DataFrame:
        """Check one canonical row per source row; `origin` maps canonical columns to the file's columns."""
        return validate(table, frame, lambda index, column: self.where(index, origin.get(column, column)))


@dataclass(frozen=True)
class Format:
    """A published file format: how to recognise it and read it into its canonical table."""

    name: str
    description: str
    table: str
    columns: tuple[str, ...]
    read: Callable[[Source, "Context"], Parsed]
    filename: str | None = None  # regex a file name must match to be this format (its first group is the month)
    wide: Callable[[list[str]], bool] | None = None  # recognises a wide header (one column per area or group)
    wide_rule: str = ""  # that rule in words, for the README


class Context:
    """What an importer may look up: the store's reference tables as they stand in this ingest."""

    def __init__(self, lookup: Callable[[str], pd.DataFrame]):
        self.lookup = lookup


# Readers ------------------------------------------------------------------------------------------------

def _spcb_extract(source: Source, context: Context) -> Parsed:
    frame = pd.DataFrame({
        "date": source.dates("date", ("%Y-%m-%d",), "a date written YYYY-MM-DD"),
        "area": source.column("area"),
        "series": source.column("series"),
        "count": source.numbers("count"),
    })
    frame = source.validated("recorded_crime", frame, {})
    duplicated = frame.duplicated(["date", "area", "series"])
    if duplicated.any():
        index = int(duplicated.to_numpy().nonzero()[0][0])
        raise source.fail(index, "date", source.frame["date"].iloc[index],
                          "one row per date, area and series (this one repeats an earlier row)")
    return Parsed("recorded_crime", frame, len(frame))


def _canonical(source: Source, table: str) -> pd.DataFrame:
    """A file whose columns are the contract's own: each column read by its kind, then checked."""
    frame = pd.DataFrame({column.name: source.numbers(column.name) if column.kind in ("count", "integer")
                          else source.column(column.name) for column in TABLES[table].columns})
    return source.validated(table, frame, {})


def _not_more(source: Source, frame: pd.DataFrame, part: str, whole: str) -> None:
    """A part (positive answers, correct records) cannot exceed its whole."""
    over = frame[part] > frame[whole]
    if over.any():
        index = int(over.to_numpy().nonzero()[0][0])
        raise source.fail(index, part, source.frame[part].iloc[index], f"at most {whole} ({frame[whole].iloc[index]})")


def _survey(source: Source, context: Context) -> Parsed:
    frame = _canonical(source, "survey")
    _not_more(source, frame, "positive", "respondents")
    return Parsed("survey", frame, len(frame))


def _audit(source: Source, context: Context) -> Parsed:
    frame = _canonical(source, "audit")
    _not_more(source, frame, "correct", "expected")
    return Parsed("audit", frame, len(frame))


def _extract_metadata(path: Path) -> dict:
    """The `extract.yml` that describes a force's extract, beside the file or in a folder above it."""
    sidecar = next((folder / "extract.yml" for folder in list(path.parents)[:3] if (folder / "extract.yml").exists()),
                   None)
    if sidecar is None:
        return {}
    try:
        meta = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"{sidecar}:{mark.line + 1 if mark else 1}:{mark.column + 1 if mark else 1}: "
                         "not valid YAML") from None
    if not isinstance(meta, dict):
        raise InputError(f"{sidecar}:1:1: expected the fields title, demonstration and note")
    return meta


def _check_month(source: Source, months: pd.Series, column: str) -> None:
    """data.police.uk files are named for their month; every row must fall in it."""
    named = re.match(r"^(\d{4}-\d{2})", source.path.name).group(1)
    wrong = months != named
    if wrong.any():
        index = int(wrong.to_numpy().nonzero()[0][0])
        raise source.fail(index, column, source.frame[column].iloc[index],
                          f"the month {named}, as the file name says")


def _police_uk_counts(source: Source, context: Context, table: str, category: str, canonical: str) -> Parsed:
    months = source.column("Month")
    _check_month(source, months, "Month")
    lsoa = source.column("LSOA code")
    rows = pd.DataFrame({
        "month": months,
        "force": source.forces("Falls within"),
        "lsoa_code": lsoa,
        canonical: source.column(category),
        "count": 1,
    })
    if table == "street_crime":
        lookup = context.lookup("lsoa")
        rows["local_authority"] = lsoa.map(dict(zip(lookup["code"], lookup["parent_name"]))).fillna("")
    rows = source.validated(table, rows, {"month": "Month", "force": "Falls within", "lsoa_code": "LSOA code",
                                          canonical: category})
    keys = [c for c in rows.columns if c != "count"]
    counted = rows.groupby(keys, as_index=False, sort=True)["count"].sum()
    return Parsed(table, counted, len(rows))


def _street(source: Source, context: Context) -> Parsed:
    return _police_uk_counts(source, context, "street_crime", "Crime type", "crime_type")


def _outcomes(source: Source, context: Context) -> Parsed:
    return _police_uk_counts(source, context, "outcomes", "Outcome type", "outcome_type")


def _stop_search(source: Source, context: Context) -> Parsed:
    slug = re.match(r"^\d{4}-\d{2}-(.+)-stop-and-search\.csv(\.gz)?$", source.path.name).group(1)
    force = force_name(slug.replace("-", " "))
    if force is None:
        raise InputError(f"{source.path}: the file name names the force {slug!r}, which is not a police force area")
    when = source.dates("Date", ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"),
                        "a date and time written YYYY-MM-DDTHH:MM:SS+00:00", utc=True)
    when = when.dt.tz_localize(None)  # the archive files its months by these (UTC) timestamps
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
    origin = {"date": "Date", "month": "Date", "type": "Type"}
    return Parsed("stop_search", source.validated("stop_search", frame, origin), len(frame))


def _quarterly(source: Source, table: str, names: dict[str, str]) -> Parsed:
    """Home Office quarterly tables; `names` maps canonical columns to this file's column names."""
    frame = pd.DataFrame({
        "financial_year": source.column(names["financial_year"]),
        "quarter": source.numbers(names["quarter"]),
        "force": source.forces(names["force"]),
        **{c: source.column(names[c]) for c in ("offence_group", "offence_subgroup", "offence_code",
                                                  "offence_description") if c in names},
        "count": source.numbers(names["count"]),
    })
    bad_year = ~frame["financial_year"].str.match(r"^\d{4}/\d{2}$")
    if bad_year.any():
        index = int(bad_year.to_numpy().nonzero()[0][0])
        raise source.fail(index, names["financial_year"], frame["financial_year"].iloc[index],
                          "a financial year written like 2014/15")
    bad_quarter = ~frame["quarter"].isin([1, 2, 3, 4])
    if bad_quarter.any():
        index = int(bad_quarter.to_numpy().nonzero()[0][0])
        raise source.fail(index, names["quarter"], source.frame[names["quarter"]].iloc[index], "a quarter from 1 to 4")
    return Parsed(table, source.validated(table, frame, names), len(frame))


def _offence_group(source: Source, context: Context) -> Parsed:
    return _quarterly(source, "recorded_crime_quarterly", {
        "financial_year": "Financial Year", "quarter": "Financial Quarter", "force": "Force Name",
        "offence_group": "Offence Group", "count": "Number of Offences"})


def _offence_code(source: Source, context: Context) -> Parsed:
    return _quarterly(source, "recorded_crime_by_code", {
        "financial_year": "Financial_Year", "quarter": "Financial_Quarter", "force": "Force_Name",
        "offence_group": "Offence_Group", "offence_subgroup": "Offence_Subgroup", "offence_code": "Offence_Code",
        "offence_description": "Offence_Description", "count": "Number_of_Offences"})


def _crime_outcomes(source: Source, context: Context) -> Parsed:
    # The tidied file writes a missing value as NA (R's convention): a row of NAs, or one without an
    # outcome count, carries nothing to count and is set aside with its reason.
    raw = source.frame
    blank = (raw == "NA").all(axis=1)
    no_count = ~blank & (raw["force_outcomes_recorded_in_quarter"] == "NA")
    source.frame = raw[~blank & ~no_count].reset_index(drop=False).rename(columns={"index": "_row"})
    frame = pd.DataFrame({
        "financial_year": source.column("financial_year"), "quarter": source.numbers("financial_quarter"),
        "force": source.forces("force_name"), "offence_code": source.column("offence_code"),
        "offence_group": source.column("offence_group"), "outcome_group": source.column("outcome_group"),
        "outcome_type": source.column("outcome_type"),
        "outcomes": source.numbers("force_outcomes_recorded_in_quarter"),
    })
    origin = {"quarter": "financial_quarter", "force": "force_name", "outcomes": "force_outcomes_recorded_in_quarter"}
    rejected = Counter({"rows of NA only": int(blank.sum()), "rows with no outcome count (NA)": int(no_count.sum())})
    return Parsed("crime_outcomes", source.validated("crime_outcomes", frame, origin), len(raw), +rejected)


# ONS publishes renamed offences side by side, with a zero row under the name not in use at that date.
RENAMED_OFFENCES = ("Domestic burglary", "Residential burglary", "Non-domestic burglary",
                    "Non-residential burglary", "Fraud offences")


def _rolling_year(source: Source, context: Context) -> Parsed:
    column = "12 months ending"
    dates = source.dates(column, ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d"), "a date written DD-MM-YYYY")
    month_end = dates + pd.offsets.MonthEnd(0)
    # One date is published as 30-12-2017: a quarter's last day written one day early. Snap it to the end.
    dates = dates.where(~((month_end - dates).dt.days == 1) | ~dates.dt.month.isin([3, 6, 9, 12]), month_end)
    not_quarter_end = (dates != month_end) | ~dates.dt.month.isin([3, 6, 9, 12])
    if not_quarter_end.any():
        index = int(not_quarter_end.to_numpy().nonzero()[0][0])
        raise source.fail(index, column, source.frame[column].iloc[index], "the last day of a quarter")
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


def _wide(source: Source, ids: list[str], value_columns: list[str], build: Callable[[pd.DataFrame], pd.DataFrame],
          table: str) -> Parsed:
    """Wide files (one column per area or group): one canonical row per cell, errors still point at the cell."""
    values = {c: source.numbers(c) for c in value_columns}
    cells = []
    for column in value_columns:
        part = source.frame[ids].copy()
        part["_column"], part["_value"], part["_line"] = column, values[column], source.frame.index
        cells.append(part)
    long = pd.concat(cells, ignore_index=True)
    frame = build(long)

    def where(index, column):
        if index is None:
            return str(source.path)
        return source.where(int(long["_line"].iloc[index]), long["_column"].iloc[index])
    return Parsed(table, validate(table, frame, where), len(source.frame))


def _population_pfa(source: Source, context: Context) -> Parsed:
    return _population(source, "police force area")


def _population_la(source: Source, context: Context) -> Parsed:
    return _population(source, "local authority")


def _population(source: Source, area_type: str) -> Parsed:
    areas = [c for c in source.header if c != "year"]
    if area_type == "police force area":
        unknown = [c for c in areas if force_name(c) is None]
        if unknown:
            raise InputError(f"{source.path}:1:{source.header.index(unknown[0]) + 1}: found the column "
                             f"{unknown[0]!r}; expected the name of a police force area")
    years = source.numbers("year")
    return _wide(source, ["year"], areas, lambda long: pd.DataFrame({
        "year": years.iloc[long["_line"]].to_numpy(),
        "area": long["_column"].map(lambda c: force_name(c) or c) if area_type == "police force area"
        else long["_column"],
        "area_type": area_type, "population": long["_value"]}), "population")


def _census_police(source: Source, context: Context) -> Parsed:
    groups = [c for c in source.header if c != "Police force"]
    forces = source.forces("Police force")
    return _wide(source, ["Police force"], groups, lambda long: pd.DataFrame({
        "area": forces.iloc[long["_line"]].to_numpy(), "area_type": "police force area",
        "classification": "police-defined", "ethnic_group": long["_column"], "population": long["_value"]}),
        "census_ethnicity")


_CENSUS_LABEL = re.compile(r"^Ethnic Group: (.*); measures: Value$")


def _census(source: Source, area_column: str, area_type: str) -> Parsed:
    groups = [c for c in source.header if _CENSUS_LABEL.match(c)]
    areas = source.forces(area_column) if area_type == "police force area" else source.column(area_column)
    return _wide(source, [area_column], groups, lambda long: pd.DataFrame({
        "area": areas.iloc[long["_line"]].to_numpy(), "area_type": area_type, "classification": "census",
        "ethnic_group": long["_column"].str.replace(_CENSUS_LABEL, r"\1", regex=True),
        "population": long["_value"]}), "census_ethnicity")


def _census_force(source: Source, context: Context) -> Parsed:
    return _census(source, "PFA16NM", "police force area")


def _census_la(source: Source, context: Context) -> Parsed:
    return _census(source, "geography", "local authority")


def _lookup(source: Source, kind: str, columns: dict[str, str | None], forces: str | None = None) -> Parsed:
    """Reference lookups share one table; `columns` maps its fields to this file's columns."""
    frame = pd.DataFrame({"lookup": kind, **{
        field_: (source.column(column) if column else "") for field_, column in columns.items()}})
    if forces:
        frame[forces] = source.forces(columns[forces], allow_empty=True)
    origin = {field_: column for field_, column in columns.items() if column}
    return Parsed("lookup", source.validated("lookup", frame, origin), len(frame))


def _lsoa(source: Source, context: Context) -> Parsed:
    return _lookup(source, "lsoa", {"code": "LSOA Code", "name": "LSOA Name", "parent_code": "Local authority code",
                                    "parent_name": "Local authority name", "value": "Police_force"}, forces="value")


def _local_authority(source: Source, context: Context) -> Parsed:
    return _lookup(source, "local-authority", {"code": "LAD16CD", "name": "LAD16NM", "parent_code": "PFA16CD",
                                               "parent_name": "PFA16NM", "value": "CSP16NM"}, forces="parent_name")


def _offence_codes(source: Source, context: Context) -> Parsed:
    return _lookup(source, "offence-code", {"code": "Offence_Code", "name": "Offence_Description",
                                            "parent_code": "Offence_Subgroup", "parent_name": "Offence_Group",
                                            "value": "Police.uk_Cat"})


def _offence_severity(source: Source, context: Context) -> Parsed:
    return _lookup(source, "offence-severity", {"code": "ONS_COUNTS_code", "name": "ONS_COUNTS_description",
                                                "parent_code": "POLICE_UK_CAT_MAP_category",
                                                "parent_name": "ONS_COUNTS_category", "value": "ONS_SEVERITY_weight"})


def _force_ids(source: Source, context: Context) -> Parsed:
    return _lookup(source, "force-id", {"code": "id", "name": "Label", "parent_code": None, "parent_name": None,
                                        "value": "Population 2010"}, forces="name")


def _mostly_forces(columns: list[str]) -> bool:
    """A wide header of force areas, perhaps with a misspelt one; local authority headers are mostly not."""
    return sum(bool(force_name(c)) for c in columns) >= len(columns) / 2


POLICE_UK_STREET = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context")
POLICE_UK_STOP = ("Type", "Date", "Part of a policing operation", "Policing operation", "Latitude", "Longitude",
                  "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity", "Legislation",
                  "Object of search", "Outcome", "Outcome linked to object of search",
                  "Removal of more than just outer clothing")
POLICE_UK_OUTCOMES = ("Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
                      "LSOA code", "LSOA name", "Outcome type")

# Reference lookups come first, so that the files that use them find them in the same ingest.
FORMATS = (
    Format("lsoa-lookup", "LSOA to local authority and police force (ONS)", "lookup", (
        "Region code", "Region name", "Local authority code", "Local authority name", "MSOA Code", "MSOA Name",
        "LSOA Code", "LSOA Name", "Police_force"), _lsoa),
    Format("local-authority-lookup", "Local authority to community safety partnership and force (ONS)", "lookup",
           ("LAD16CD", "LAD16NM", "CSP16CD", "CSP16NM", "PFA16CD", "PFA16NM", "FID"), _local_authority),
    Format("offence-codes", "Home Office offence codes, groups and data.police.uk categories", "lookup", (
        "Offence_Group", "Offence_Code", "Offence_Description", "Offence_Subgroup", "Police.uk_Cat"), _offence_codes),
    Format("offence-severity", "Offence codes with ONS crime severity weights", "lookup", (
        "ONS_COUNTS_category", "ONS_COUNTS_description", "ONS_SEVERITY_code", "ONS_COUNTS_code",
        "ONS_SEVERITY_category", "ONS_SEVERITY_offence", "ONS_SEVERITY_weight", "POLICE_UK_CAT_MAP_code",
        "POLICE_UK_CAT_MAP_sub_class", "POLICE_UK_CAT_MAP_offence", "POLICE_UK_CAT_MAP_category"), _offence_severity),
    Format("police-uk-force-ids", "data.police.uk force identifiers", "lookup", ("id", "Label", "Population 2010"),
           _force_ids),
    Format("spcb-extract", "The force's own extract of daily counts (spcb format)", "recorded_crime",
           ("date", "area", "series", "count"), _spcb_extract),
    Format("spcb-survey", "The force's survey results per measure and wave or month (spcb format)", "survey",
           ("measure", "month", "respondents", "positive"), _survey),
    Format("spcb-audit", "Crime data integrity audit counts (spcb format)", "audit",
           ("audit", "category", "expected", "correct"), _audit),
    Format("police-uk-street", "data.police.uk street-level crime, one month of one force", "street_crime",
           POLICE_UK_STREET, _street, filename=r"^(\d{4}-\d{2})-[a-z-]+-street\.csv$"),
    Format("police-uk-stop-and-search", "data.police.uk stop and search, one month of one force", "stop_search",
           POLICE_UK_STOP, _stop_search, filename=r"^(\d{4}-\d{2})-[a-z-]+-stop-and-search\.csv(\.gz)?$"),
    Format("police-uk-outcomes", "data.police.uk outcomes, one month of one force", "outcomes", POLICE_UK_OUTCOMES,
           _outcomes, filename=r"^(\d{4}-\d{2})-[a-z-]+-outcomes\.csv$"),
    Format("homeoffice-offence-group", "Home Office police recorded crime by quarter and offence group",
           "recorded_crime_quarterly", ("Financial Year", "Financial Quarter", "Force Name", "Offence Group",
                                        "Number of Offences"), _offence_group),
    Format("homeoffice-offence-code", "Home Office police recorded crime by quarter and offence code",
           "recorded_crime_by_code", ("Financial_Year", "Financial_Quarter", "Force_Name", "Offence_Description",
                                      "Offence_Group", "Offence_Subgroup", "Offence_Code", "Number_of_Offences"),
           _offence_code),
    Format("homeoffice-outcomes", "Home Office crime outcomes by quarter, offence and outcome", "crime_outcomes", (
        "financial_year", "financial_quarter", "force_name", "offence_description", "offence_group",
        "offence_subgroup", "offence_code", "offence_code_expired", "outcome_description", "outcome_group",
        "outcome_type", "offences", "force_outcomes_recorded_in_quarter"), _crime_outcomes),
    Format("ons-rolling-year", "ONS recorded crime by police force area, rolling 12-month totals",
           "rolling_year_crime", ("12 months ending", "PFA", "Region", "Offence",
                                  "Rolling year total number of offences"), _rolling_year),
    Format("ons-population-pfa", "ONS mid-year population by police force area (wide)", "population", ("year",),
           _population_pfa, wide=lambda h: h[0] == "year" and _mostly_forces(h[1:]),
           wide_rule="`year`, then one column per police force area"),
    Format("ons-population-la", "ONS mid-year population by local authority (wide)", "population", ("year",),
           _population_la, wide=lambda h: h[0] == "year" and not _mostly_forces(h[1:]),
           wide_rule="`year`, then one column per local authority"),
    Format("census-police-defined", "2011 Census population by police-defined ethnic group and force",
           "census_ethnicity", ("Police force", "White", "Black (or Black British)", "Asian (or Asian British)",
                                "Chinese", "Mixed", "Other"), _census_police),
    Format("census-force", "2011 Census ethnic groups by police force area", "census_ethnicity", ("PFA16NM",),
           _census_force, wide=lambda h: h[0] == "PFA16NM" and all(_CENSUS_LABEL.match(c) for c in h[1:]),
           wide_rule="`PFA16NM`, then `Ethnic Group: …; measures: Value` columns"),
    Format("census-la", "2011 Census ethnic groups by local authority", "census_ethnicity", ("geography",),
           _census_la, wide=lambda h: h[:2] == ["date", "geography"] and any(_CENSUS_LABEL.match(c) for c in h),
           wide_rule="`date`, `geography`, then `Ethnic Group: …; measures: Value` columns"),
)

ALLOWED_EXTRA = {"", "Policeuk_Cat", "Rural Urban", "geography code", "date", "LSOA11CD", "LAD16CD", "CSP16CD",
                 "CSP16NM", "PFA16CD", "PFA16NM", "FID", "LAD16NM"}


def _opener(path: Path):
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(EXCEL_SIGNATURES):
        raise InputError(f"{path}:1:1: this is an Excel workbook, not a CSV file; save it as 'CSV UTF-8' and "
                         "ingest that")
    if start.startswith(b"\x1f\x8b"):
        return lambda: io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return lambda: open(path, encoding="utf-8-sig", newline="")


def recognise(path: Path) -> Format:
    """The format of a file, from its name or header line, before reading the rest."""
    try:
        with _opener(path)() as handle:
            header = next(csv.reader(handle), None)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}:1:1: not UTF-8 text (byte {exc.start}); save the file as 'CSV UTF-8'") from None
    except (gzip.BadGzipFile, EOFError, csv.Error) as exc:
        raise InputError(f"{path}:1:1: cannot be read as CSV: {str(exc).splitlines()[0]}") from None
    if header is None or not any(h.strip() for h in header):
        raise InputError(f"{path}:1:1: the file is empty; expected a CSV file with a header line")
    return _recognise(path, [h.strip() for h in header])


def read_as(fmt: Format, path: Path, context: Context) -> Parsed:
    """Read a file of a recognised format, checking its shape first (no truncated or ragged lines)."""
    opener = _opener(path)
    try:
        with opener() as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader)]
            for number, row in enumerate(reader, start=2):
                if len(row) != len(header) and any(cell.strip() for cell in row):
                    raise InputError(f"{path}:{number}:{len(row)}: line has {len(row)} fields; expected "
                                     f"{len(header)} like the header (is the file cut short?)")
        with opener() as handle:
            frame = pd.read_csv(handle, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as 'CSV UTF-8'") from None
    except (gzip.BadGzipFile, EOFError, csv.Error, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot be read as CSV: {str(exc).splitlines()[0]}") from None
    if frame.empty:
        raise InputError(f"{path}:2:1: the file has a header but no rows")
    frame.columns = header
    parsed = fmt.read(Source(path, header, frame), context)
    meta = _extract_metadata(path)
    parsed.title = str(meta.get("title", fmt.description))
    parsed.demonstration = bool(meta.get("demonstration", False))
    return parsed


def _recognise(path: Path, header: list[str]) -> Format:
    for fmt in FORMATS:
        if fmt.filename and re.match(fmt.filename, path.name):
            _check_header(path, header, fmt)
            return fmt
    for fmt in FORMATS:
        if fmt.filename is None and (fmt.wide(header) if fmt.wide else set(fmt.columns) <= set(header)):
            _check_header(path, header, fmt)
            return fmt
    best = max(FORMATS, key=lambda f: len(set(f.columns) & set(header)) / len(f.columns))
    missing = [c for c in best.columns if c not in header]
    raise InputError(f"{path}:1:1: the header matches no known format; the nearest is {best.name} "
                     f"({best.description}), which also needs the column{'s' if len(missing) > 1 else ''} "
                     f"{', '.join(repr(m) for m in missing)}")


def _check_header(path: Path, header: list[str], fmt: Format) -> None:
    missing = [c for c in fmt.columns if c not in header]
    if missing:
        raise InputError(f"{path}:1:1: missing the column {missing[0]!r} of a {fmt.name} file; found the header "
                         f"{','.join(header)!r}")
    if fmt.wide is None:
        extra = [c for c in header if c not in fmt.columns and c not in ALLOWED_EXTRA]
        if extra:
            raise InputError(f"{path}:1:{header.index(extra[0]) + 1}: unexpected column {extra[0]!r} in a "
                             f"{fmt.name} file")


def priority(fmt: Format) -> int:
    return FORMATS.index(fmt)



def formats_markdown() -> str:
    """The formats `spcb ingest` recognises, as Markdown, for the README."""
    lines = ["| format | what it is | recognised by | into table |", "|---|---|---|---|"]
    for fmt in FORMATS:
        pattern = (fmt.filename or "").strip("^$").replace(r"(\d{4}-\d{2})", "YYYY-MM").replace(
            "[a-z-]+", "<force>").replace("\\.", ".")
        how = (f"file name `{pattern}`" if fmt.filename
               else f"header: {fmt.wide_rule}" if fmt.wide else "header columns " +
               ", ".join(f"`{c}`" for c in fmt.columns[:4]) + (", …" if len(fmt.columns) > 4 else ""))
        lines.append(f"| `{fmt.name}` | {fmt.description} | {how} | `{fmt.table}` |")
    return "\n".join(lines) + "\n"
