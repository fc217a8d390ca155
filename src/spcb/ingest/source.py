"""What every importer shares: a CSV file read as text whose cells can be pointed at, the format record, and
the two shapes several publishers use (reference lookups, and wide tables with one column per area or group).

A file is refused, never half-read: the whole text must be UTF-8 CSV (not a spreadsheet), and every cell an
importer reads is checked, so an error names the file, line and column, what was found and what was expected.
"""
from __future__ import annotations

import gzip
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from .contract import InputError, force_name, validate

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

    def __init__(self, path: Path, header: list[str], frame: pd.DataFrame, latest: tuple[date, str] | None = None):
        self.path, self.header, self.frame = path, header, frame
        self.latest = latest  # the last date a row may carry, and why (the run date, or the file's publication)

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
        if self.latest:
            last, why = self.latest
            late = (parsed.dt.tz_localize(None) if utc else parsed) >= pd.Timestamp(last) + pd.Timedelta(days=1)
            if late.any():
                index = int(late.to_numpy().nonzero()[0][0])
                raise self.fail(index, name, self.frame[name].iloc[index], f"a date no later than {last} ({why})")
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
    read: Callable[[Source, Context], Parsed]
    filename: str | None = None  # regex a file name must match to be this format (its first group is the month)
    wide: Callable[[list[str]], bool] | None = None  # recognises a wide header (one column per area or group)
    wide_rule: str = ""  # that rule in words, for the input contract page


class Context:
    """What an importer may look up: the store's reference tables as they stand in this ingest, and the
    day of the ingest (no row may be dated after it)."""

    def __init__(self, lookup: Callable[[str], pd.DataFrame], today: date | None = None):
        self.lookup = lookup
        self.today = today or date.today()


def opener(path: Path):
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(EXCEL_SIGNATURES):
        raise InputError(f"{path}:1:1: this is an Excel workbook, not a CSV file; save it as 'CSV UTF-8' and "
                         "ingest that")
    if start.startswith(b"\x1f\x8b"):
        return lambda: io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return lambda: open(path, encoding="utf-8-sig", newline="")


def lookup_rows(source: Source, kind: str, columns: dict[str, str | None], forces: str | None = None) -> Parsed:
    """Reference lookups share one table; `columns` maps its fields to this file's columns."""
    frame = pd.DataFrame({"lookup": kind, **{
        field_: (source.column(column) if column else "") for field_, column in columns.items()}})
    if forces:
        frame[forces] = source.forces(columns[forces], allow_empty=True)
    origin = {field_: column for field_, column in columns.items() if column}
    return Parsed("lookup", source.validated("lookup", frame, origin), len(frame))


def wide_rows(source: Source, ids: list[str], value_columns: list[str], build: Callable[[pd.DataFrame], pd.DataFrame],
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
