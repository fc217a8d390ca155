"""Home Office police recorded crime open data: quarterly counts by force and offence group or code, crime
outcomes, and the offence code lookup.

Counts may be negative in these tables (cancelled crimes netted off) and are kept as published. Financial
years are written like 2014/15 (two consecutive years) and quarters run from 1 to 4. The quarterly tables
publish some quarter, force and group (or code) more than once, to be added up, so there a line is refused
only if it repeats an earlier one exactly; the outcomes file has one row per quarter, force, offence code and
outcome type. The tidied outcomes file writes a missing value as NA: rows with nothing to count are set aside
with their reason.
"""
from __future__ import annotations

import re
from collections import Counter

import pandas as pd

from .source import Context, Format, Parsed, Source, lookup_rows


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
    _check_quarters(source, frame, names)
    rows = source.validated(table, frame, names)
    source.refuse_repeated_lines(names["financial_year"])
    return Parsed(table, rows, len(frame))


def _check_quarters(source: Source, frame: pd.DataFrame, names: dict[str, str]) -> None:
    """Financial years of two consecutive years written like 2014/15, and quarters from 1 to 4."""
    years = frame["financial_year"]
    consecutive = {y: re.fullmatch(r"[0-9]{4}/[0-9]{2}", y) is not None and (int(y[:4]) + 1) % 100 == int(y[5:])
                   for y in years.unique()}
    source.refuse(~years.map(consecutive), names["financial_year"],
                  "a financial year of two consecutive years written like 2014/15")
    source.refuse(~frame["quarter"].isin([1, 2, 3, 4]), names["quarter"], "a quarter from 1 to 4")


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
    origin = {"financial_year": "financial_year", "quarter": "financial_quarter", "force": "force_name",
              "outcomes": "force_outcomes_recorded_in_quarter"}
    _check_quarters(source, frame, origin)
    rejected = Counter({"rows of NA only": int(blank.sum()), "rows with no outcome count (NA)": int(no_count.sum())})
    return Parsed("crime_outcomes", source.validated("crime_outcomes", frame, origin), len(raw), +rejected)


def _offence_codes(source: Source, context: Context) -> Parsed:
    return lookup_rows(source, "offence-code", {"code": "Offence_Code", "name": "Offence_Description",
                                            "parent_code": "Offence_Subgroup", "parent_name": "Offence_Group",
                                            "value": "Police.uk_Cat"})


FORMATS = (
    Format("offence-codes", "Home Office offence codes, groups and data.police.uk categories", "lookup", (
        "Offence_Group", "Offence_Code", "Offence_Description", "Offence_Subgroup", "Police.uk_Cat"), _offence_codes),
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
)
