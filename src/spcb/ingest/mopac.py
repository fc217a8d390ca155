"""MOPAC (the Mayor's Office for Policing and Crime) files: the Public Attitude Survey totals.

MOPAC publishes them separated by semicolons, with decimal commas: the header is exactly
`Date;Survey;Borough;Measure;Proportion`, and each row gives the proportion of respondents agreeing with one
measure over the quarter ending on its date (`DD/MM/YYYY`, the last day of a quarter). A proportion is written
with a decimal comma (`0,67`), from 0 to 1: a decimal point, a thousands separator or a percentage is refused,
since any of them would be read as another number. No sample sizes are published, and none are made up. One
row per survey, area, measure and date.
"""
from __future__ import annotations

import pandas as pd

from .source import Context, Format, Parsed, Source

PAS_TOTAL = ("Date", "Survey", "Borough", "Measure", "Proportion")


def _proportions(source: Source, column: str) -> pd.Series:
    """A column of numbers written with a decimal comma (0,67), read as a decimal point would be."""
    text = source.column(column)
    source.refuse(~text.str.fullmatch(r"[0-9]+(?:,[0-9]+)?"), column,
                  "a proportion from 0 to 1 written with a decimal comma, like 0,67")
    return text.str.replace(",", ".", regex=False).astype("float64")


def _pas_total(source: Source, context: Context) -> Parsed:
    dates = source.dates("Date", ("%d/%m/%Y",), "a date written DD/MM/YYYY")
    quarter_end = dates + pd.offsets.QuarterEnd(0)
    source.refuse(dates != quarter_end, "Date", "the last day of a quarter, written DD/MM/YYYY")
    frame = pd.DataFrame({"period_end": dates, "survey": source.column("Survey"), "area": source.column("Borough"),
                          "measure": source.column("Measure"), "proportion": _proportions(source, "Proportion")})
    origin = {"period_end": "Date", "survey": "Survey", "area": "Borough", "measure": "Measure",
              "proportion": "Proportion"}
    return Parsed("attitude", source.validated("attitude", frame, origin), len(frame))


FORMATS = (
    Format("mopac-pas", "MOPAC Public Attitude Survey: proportion agreeing per measure, quarterly (semicolons, "
           "decimal commas)", "attitude", PAS_TOTAL, _pas_total, separator=";"),
)
