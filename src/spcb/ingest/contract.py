"""The input contract: the canonical tables the book reads, their columns, types, allowed values and units.

Every importer turns a published file into one of these tables; `validate` checks a table against its
contract with pandera and reports the first bad cell as one line naming the file, line and column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa


class InputError(ValueError):
    """An input file breaks the contract; the message is one line an analyst can act on."""


SERIES = {
    "total_recorded_crime": "All crimes recorded by the force (total recorded crime)",
    "burglary_dwelling": "Burglary of a dwelling",
    "public_place_violence_injury": "Violence with injury in a public place",
    "robbery": "Robbery of personal property and of business property",
    "vehicle_crime": "Theft of and from vehicles and vehicle interference",
    "business_crime": "Crimes against businesses (flagged as business crime)",
    "theft_from_shops": "Theft from shops and stalls",
    "make_off_without_payment": "Making off without payment",
    "domestic_abuse_incidents": "Domestic abuse incidents recorded (crimes and non-crimes)",
    "hate_crime": "Hate crimes recorded",
}


SURVEYS = {
    "confidence": "Respondents confident in policing in their area (public perception survey, by wave)",
    "safe_day": "Respondents who feel safe outside in their area during the day (by wave)",
    "safe_dark": "Respondents who feel safe outside in their area after dark (by wave)",
    "satisfaction_crime": "Victims of crime satisfied with the whole experience (victim survey, by month)",
    "satisfaction_asb": "Victims of anti-social behaviour satisfied with the whole experience (by month)",
}
AUDITS = ("incidents", "directly-recorded", "no-crime")


# Police force areas, by their canonical (ONS) names. Other spellings map here through `force_name`.
FORCES = (
    "Avon and Somerset", "Bedfordshire", "Cambridgeshire", "Cheshire", "City of London", "Cleveland", "Cumbria",
    "Derbyshire", "Devon and Cornwall", "Dorset", "Durham", "Dyfed-Powys", "Essex", "Gloucestershire",
    "Greater Manchester", "Gwent", "Hampshire", "Hertfordshire", "Humberside", "Kent", "Lancashire",
    "Leicestershire", "Lincolnshire", "Merseyside", "Metropolitan Police", "Norfolk", "North Wales",
    "North Yorkshire", "Northamptonshire", "Northumbria", "Nottinghamshire", "South Wales", "South Yorkshire",
    "Staffordshire", "Suffolk", "Surrey", "Sussex", "Thames Valley", "Warwickshire", "West Mercia",
    "West Midlands", "West Yorkshire", "Wiltshire", "British Transport Police",
    # Fraud reporting bodies, which the Home Office and ONS publish alongside the forces.
    "Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK",
)
FRAUD_BODIES = ("Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK")
_ALIASES = {"london city of": "City of London", "metropolitan": "Metropolitan Police",
            "metropolitan police service": "Metropolitan Police", "dyfed powys": "Dyfed-Powys"}
_SUFFIX = re.compile(r"\s+(police service|police force|constabulary|police)$")


def _key(name: str) -> str:
    text = re.sub(r"[^a-z0-9 ]", " ", str(name).lower().replace("&", " and "))
    return _SUFFIX.sub("", " ".join(text.split()))


_FORCE_KEYS = {_key(f): f for f in FORCES} | {_key(a): f for a, f in _ALIASES.items()}


def force_name(name: str) -> str | None:
    """The canonical name of a force written any common way ('Avon & Somerset Constabulary'), or None."""
    key = _key(name)
    return _FORCE_KEYS.get(key) or _FORCE_KEYS.get(_SUFFIX.sub("", key))


POLICE_UK_CRIME_TYPES = (
    "Anti-social behaviour", "Bicycle theft", "Burglary", "Criminal damage and arson", "Drugs", "Other crime",
    "Other theft", "Possession of weapons", "Public order", "Robbery", "Shoplifting", "Theft from the person",
    "Vehicle crime", "Violence and sexual offences",
    # Categories used before May 2013.
    "Violent crime", "Public disorder and weapons",
)


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    kind: str  # text | count | integer | number | date | month | flag
    description: str
    allowed: tuple[str, ...] | None = None
    unit: str = ""
    optional: bool = False

    @property
    def type_name(self) -> str:
        return {"text": "text", "count": "whole number >= 0", "integer": "whole number", "number": "number",
                "date": "date YYYY-MM-DD", "month": "month YYYY-MM", "flag": "true/false"}[self.kind]


@dataclass(frozen=True)
class Table:
    """A canonical table: its columns, and the columns whose values a newer file replaces as a block."""

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    period: str | None  # the column whose range a file covers; None for tables without a time dimension
    category: str  # the column the summary breaks rows down by
    measure: str | None = None  # the column of counts the summary adds up; None where each row is one record

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _force(description: str = "police force area (canonical name)") -> Column:
    return Column("force", "text", description, FORCES)


def _quarter() -> tuple[Column, ...]:
    """The columns that place a Home Office row: financial year, quarter, force and offence group."""
    return (Column("financial_year", "text", "financial year, e.g. 2014/15"),
            Column("quarter", "integer", "quarter of the financial year, 1 (April to June) to 4"),
            _force(), Column("offence_group", "text", "Home Office offence group"))


QUARTER_KEY = ("financial_year", "quarter", "force")


TABLES = {t.name: t for t in (
    Table("recorded_crime", "The force's own extract: crimes and incidents recorded per day, area and series", (
        Column("date", "date", "day the crime or incident was recorded"),
        Column("area", "text", "local policing unit"),
        Column("series", "text", "what is counted", tuple(SERIES)),
        Column("count", "count", "crimes or incidents recorded that day", unit="crimes or incidents"),
    ), key=("date",), period="date", category="series", measure="count"),
    Table("survey", "The force's surveys: respondents and positive answers per measure and wave or month", (
        Column("measure", "text", "what was asked", tuple(SURVEYS)),
        Column("month", "month", "month of the wave, or of the interviews"),
        Column("respondents", "count", "people who answered", unit="people"),
        Column("positive", "count", "people who gave the positive answer (confident, safe, satisfied)",
               unit="people"),
    ), key=("measure", "month"), period="month", category="measure", measure="positive"),
    Table("audit", "Crime data integrity audit: records examined and records right, by audit and category", (
        Column("audit", "text", "what was audited", AUDITS),
        Column("category", "text", "the kind of record examined (e.g. rape, robbery)"),
        Column("expected", "count", "crimes that should have been recorded, or decisions examined",
               unit="records"),
        Column("correct", "count", "crimes recorded, or decisions found correct", unit="records"),
    ), key=("audit", "category"), period=None, category="audit", measure="expected"),
    Table("street_crime", "data.police.uk street-level crime, counted by month, force, LSOA and crime type", (
        Column("month", "month", "month the crime was recorded"),
        _force("force the crime falls within"),
        Column("lsoa_code", "text", "2011 lower layer super output area, empty where the location is unknown",
               optional=True),
        Column("local_authority", "text", "local authority of the LSOA, empty where not known", optional=True),
        Column("crime_type", "text", "data.police.uk crime category", POLICE_UK_CRIME_TYPES),
        Column("count", "count", "crimes", unit="crimes"),
    ), key=("force", "month"), period="month", category="crime_type", measure="count"),
    Table("stop_search", "data.police.uk stop and search records, one row per search", (
        _force(),
        Column("date", "date", "day of the search"),
        Column("month", "month", "month of the search"),
        Column("type", "text", "person, vehicle, or person and vehicle search"),
        Column("age_range", "text", "age band of the person searched", optional=True),
        Column("gender", "text", "gender of the person searched", optional=True),
        Column("self_defined_ethnicity", "text", "ethnicity as stated by the person (census 18+1 categories)",
               optional=True),
        Column("officer_defined_ethnicity", "text", "ethnicity as recorded by the officer (White, Black, Asian, "
               "Mixed, Other)", optional=True),
        Column("legislation", "text", "power used for the search", optional=True),
        Column("object_of_search", "text", "what was searched for", optional=True),
        Column("outcome", "text", "outcome of the search", optional=True),
        Column("outcome_linked", "text", "whether the outcome was linked to the object of search (True/False)",
               optional=True),
    ), key=("force", "month"), period="month", category="outcome"),
    Table("outcomes", "data.police.uk outcomes, counted by month, force, LSOA and outcome type", (
        Column("month", "month", "month the outcome was recorded"),
        _force("force the crime falls within"),
        Column("lsoa_code", "text", "2011 LSOA, empty where unknown", optional=True),
        Column("outcome_type", "text", "outcome category"),
        Column("count", "count", "outcomes", unit="outcomes"),
    ), key=("force", "month"), period="month", category="outcome_type", measure="count"),
    Table("recorded_crime_quarterly", "Home Office police recorded crime, quarterly counts by force and "
          "offence group", (
        *_quarter(),
        Column("count", "integer", "offences recorded in the quarter", unit="offences"),
    ), key=QUARTER_KEY, period="financial_year", category="offence_group", measure="count"),
    Table("recorded_crime_by_code", "Home Office police recorded crime, quarterly counts by force and offence "
          "code", (
        *_quarter(),
        Column("offence_subgroup", "text", "Home Office offence subgroup"),
        Column("offence_code", "text", "Home Office offence code"),
        Column("offence_description", "text", "offence as described in the counting rules"),
        Column("count", "integer", "offences recorded in the quarter; may be negative where crimes cancelled in "
               "the quarter outnumber those recorded", unit="offences"),
    ), key=QUARTER_KEY, period="financial_year", category="offence_group", measure="count"),
    Table("crime_outcomes", "Home Office crime outcomes by force, quarter, offence and outcome", (
        *_quarter(),
        Column("offence_code", "text", "Home Office offence code"),
        Column("outcome_group", "text", "outcome group"),
        Column("outcome_type", "text", "outcome type number"),
        Column("outcomes", "integer", "outcomes recorded in the quarter; may be negative where the quarter "
               "reverses outcomes recorded earlier", unit="outcomes"),
    ), key=QUARTER_KEY, period="financial_year", category="outcome_group", measure="outcomes"),
    Table("rolling_year_crime", "ONS police recorded crime by police force area: totals for the 12 months "
          "ending on each date", (
        Column("period_end", "date", "last day of the 12 months"),
        _force("police force area, or fraud reporting body"),
        Column("region", "text", "region of the force area"),
        Column("offence", "text", "ONS offence category as published at that date"),
        Column("count", "count", "offences in the 12 months", unit="offences"),
    ), key=("period_end", "force"), period="period_end", category="offence", measure="count"),
    Table("population", "ONS mid-year population estimates", (
        Column("year", "integer", "year of the mid-year (30 June) estimate"),
        Column("area", "text", "police force area or local authority"),
        Column("area_type", "text", "what the area is", ("police force area", "local authority")),
        Column("population", "count", "residents", unit="people"),
    ), key=("year", "area_type", "area"), period="year", category="area_type", measure="population"),
    Table("census_ethnicity", "2011 Census usual residents by ethnic group", (
        Column("area", "text", "police force area or local authority"),
        Column("area_type", "text", "what the area is", ("police force area", "local authority")),
        Column("classification", "text", "which grouping the ethnic group belongs to",
               ("police-defined", "census")),
        Column("ethnic_group", "text", "ethnic group as published"),
        Column("population", "count", "usual residents in 2011", unit="people"),
    ), key=("area_type", "area", "classification"), period=None, category="classification", measure="population"),
    Table("lookup", "Reference lookups: LSOA to local authority and force, local authority to force, "
          "offence codes to groups and data.police.uk categories, data.police.uk force ids", (
        Column("lookup", "text", "which lookup the row belongs to",
               ("lsoa", "local-authority", "offence-code", "offence-severity", "force-id")),
        Column("code", "text", "the code looked up"),
        Column("name", "text", "its name", optional=True),
        Column("parent_code", "text", "the code it belongs to", optional=True),
        Column("parent_name", "text", "the name it belongs to, e.g. the force", optional=True),
        Column("value", "text", "a further attribute: category, weight or population", optional=True),
    ), key=("lookup",), period=None, category="lookup"),
)}


def _schema(table: Table) -> pa.DataFrameSchema:
    columns = {}
    for column in table.columns:
        checks = []
        if column.allowed:
            checks.append(pa.Check.isin(list(column.allowed)))
        if column.kind == "count":
            checks.append(pa.Check.ge(0))
        if column.kind == "month":
            checks.append(pa.Check.str_matches(r"^\d{4}-(0[1-9]|1[0-2])$"))
        if column.kind == "text" and not column.optional:
            checks.append(pa.Check.str_length(min_value=1))
        dtype = {"count": "int64", "integer": "int64", "number": "float64", "date": "datetime64[ns]",
                 "flag": "bool"}.get(column.kind, "str")
        columns[column.name] = pa.Column(dtype, checks=checks, nullable=column.optional)
    return pa.DataFrameSchema(columns, strict="filter", ordered=False)


SCHEMAS = {name: _schema(table) for name, table in TABLES.items()}


def validate(table_name: str, frame: pd.DataFrame, where) -> pd.DataFrame:
    """Check `frame` against its contract; `where(index, column)` names the source line and column of a cell.

    Returns the frame with exactly the contract's columns, in order.
    """
    table = TABLES[table_name]
    try:
        checked = SCHEMAS[table_name].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases.dropna(subset=["index"])
        if cases.empty:
            raise InputError(f"{where(None, None)}: {errors.failure_cases.iloc[0]['check']}") from None
        first = cases.sort_values("index", kind="stable").iloc[0]
        column = table.column(first["column"])
        expected = _expected(column)
        found = first["failure_case"]
        shown = repr(found) if isinstance(found, str) else str(found)
        raise InputError(f"{where(int(first['index']), column.name)}: found {shown}; expected {expected}") from None
    return checked[table.column_names]


def _expected(column: Column) -> str:
    if column.allowed:
        shown = ", ".join(column.allowed[:8]) + (", ..." if len(column.allowed) > 8 else "")
        return f"one of {shown}"
    return {"count": "a whole number of 0 or more", "month": "a month written YYYY-MM"}.get(
        column.kind, f"a non-empty {column.type_name}")


def markdown() -> str:
    """The contract as Markdown, for the book's input contract page (a test keeps the two the same)."""
    parts = []
    for table in TABLES.values():
        parts.append(f"### `{table.name}`\n\n{table.description}. A newer file replaces the rows with the same "
                     f"{', '.join(table.key)}.\n\n| column | type | allowed values | unit | meaning |\n"
                     f"|---|---|---|---|---|")
        for column in table.columns:
            allowed = ", ".join(column.allowed) if column.allowed and len(column.allowed) <= 12 else (
                "a police force area" if column.allowed == FORCES else
                "a data.police.uk crime category" if column.allowed else "")
            if column.optional:
                allowed = (allowed + "; " if allowed else "") + "may be empty"
            parts.append(f"| `{column.name}` | {column.type_name} | {allowed} | {column.unit} | "
                         f"{column.description} |")
        parts.append("")
    return "\n".join(parts)
