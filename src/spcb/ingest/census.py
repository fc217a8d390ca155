"""2011 Census population by ethnic group: the police-defined groups by force, and the census groups by force
area or local authority (Nomis-style wide files whose columns read `Ethnic Group: ...; measures: Value`).

A file has one row per area; an ethnic group is a column, named as the census names it.
"""
from __future__ import annotations

import re

import pandas as pd

from .source import Context, Format, Parsed, Source, wide_rows

_CENSUS_LABEL = re.compile(r"^Ethnic Group: (.*); measures: Value$")


def _census_police(source: Source, context: Context) -> Parsed:
    groups = [c for c in source.header if c != "Police force"]
    forces = source.forces("Police force")
    return wide_rows(source, {"area": "Police force"}, groups, lambda long: pd.DataFrame({
        "area": forces.iloc[long["_line"]].to_numpy(), "area_type": "police force area",
        "classification": "police-defined", "ethnic_group": long["_column"], "population": long["_value"]}),
        "census_ethnicity", from_header="ethnic_group")


def _census(source: Source, area_column: str, area_type: str) -> Parsed:
    groups = [c for c in source.header if _CENSUS_LABEL.match(c)]
    areas = source.forces(area_column) if area_type == "police force area" else source.column(area_column)
    return wide_rows(source, {"area": area_column}, groups, lambda long: pd.DataFrame({
        "area": areas.iloc[long["_line"]].to_numpy(), "area_type": area_type, "classification": "census",
        "ethnic_group": long["_column"].str.replace(_CENSUS_LABEL, r"\1", regex=True),
        "population": long["_value"]}), "census_ethnicity", from_header="ethnic_group")


def _census_force(source: Source, context: Context) -> Parsed:
    return _census(source, "PFA16NM", "police force area")


def _census_la(source: Source, context: Context) -> Parsed:
    return _census(source, "geography", "local authority")


FORMATS = (
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
