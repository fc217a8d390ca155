"""The Metropolitan Police Service's monthly recorded crime by borough, as released on the London Datastore.

The file is wide: its header is `MajorText`, `MinorText`, `BoroughName`, then one column per month written
YYYYMM (201004 is April 2010); a month column that is not a real month, or is later than the month of the
ingest, is refused at its place in the header. Each cell below a month becomes one row of `monthly_crime`: a
whole number of crimes from 0 up, never empty, and an error points at that cell. A line names its categories
and area as the MPS writes them (the categories in capitals, the areas being the 32 boroughs, the two
airports and `Unknown`), each spelt one way within the file; a line that repeats another's minor category
and borough is refused, so no month counts a category twice in one borough. A newer file replaces the
months it covers.
"""
from __future__ import annotations

import re

import pandas as pd

from .contract import InputError, shown
from .source import Context, Format, Parsed, Source, wide_rows

NAMES = ("MajorText", "MinorText", "BoroughName")
_YYYYMM = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")


def _months(source: Source) -> list[str]:
    """The header's month columns, each a real month written YYYYMM and no later than the ingest's month."""
    months = source.header[len(NAMES):]
    last = f"{source.latest[0]:%Y%m}" if source.latest else None
    for index, column in enumerate(months, start=len(NAMES) + 1):
        where = f"{source.path}:1:{index}: found the column {shown(column)}; expected"
        if not _YYYYMM.fullmatch(column):
            raise InputError(f"{where} a month written YYYYMM, such as 201004 for April 2010")
        if last and column > last:
            raise InputError(f"{where} a month no later than {last} ({source.latest[1]})")
    return months


def _borough(source: Source, context: Context) -> Parsed:
    ids = {"area": "BoroughName", "major": "MajorText", "series": "MinorText"}
    return wide_rows(source, ids, _months(source), lambda long: pd.DataFrame({
        "month": long["_column"].str[:4] + "-" + long["_column"].str[4:],
        **{name: long[column].str.strip() for name, column in ids.items()},
        "count": long["_value"]}), "monthly_crime", from_header="month")


FORMATS = (
    Format("mps-borough", "Metropolitan Police Service recorded crime by borough, month and category (wide)",
           "monthly_crime", NAMES, _borough, wide=lambda h: h[:len(NAMES)] == list(NAMES) and len(h) > len(NAMES),
           wide_rule="`MajorText`, `MinorText`, `BoroughName`, then one column per month `YYYYMM`"),
)
