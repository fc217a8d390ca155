"""What every importer shares: a CSV file read as text whose cells can be pointed at, the format record, and
the two shapes several publishers use (reference lookups, and wide tables with one column per area or group).

A file is refused, never half-read: the whole text must be UTF-8 CSV separated by commas (not a spreadsheet;
a format published with another separator is known by its exact header and read with that separator), with no
NUL byte, and every line as many fields as the header (a line with nothing in it is skipped). Every
cell an importer reads is checked, so an error names the file, the line and column as a text editor counts
them (a quoted cell may span lines), what was found as written, and what was expected. A whole number is
written with ASCII digits, with or without commas between groups of three (1,234; never 12,34), and is at most
1,000,000,000 either side of zero; a date is written with ASCII digits.

A file is read in bulk (by pyarrow) when its bytes leave no room for doubt: no quote or NUL byte, a header line,
no cell longer than the `csv` module allows, and a visible ASCII character on every line, so that each line (ended
by LF, CRLF or CR, as the `csv` module ends them) is one row split at the separator. Any other file, or one the
bulk reader refuses (a line with too few or too many fields, text that is not UTF-8), is read line by line by the
`csv` module, which reads a file the bulk reader accepts the same way and says exactly what is wrong with one it
does not.
"""
from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as arrow_csv

from .contract import LARGEST, TABLES, InputError, force_name, shown, validate
from .yamlfile import position

EXCEL_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
GZIP_SIGNATURE = b"\x1f\x8b"
BOM = b"\xef\xbb\xbf"
_WHOLE = r"-?(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)"


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

    def __init__(self, path: Path, header: list[str], frame: pd.DataFrame, lines: Sequence[int],
                 latest: tuple[date, str] | None = None):
        self.path, self.header, self.frame = path, header, frame
        self.lines = lines  # the line each row of `frame` starts on, as a text editor counts lines
        self.latest = latest  # the last date a row may carry, and why (the run date, or the file's publication)

    def where(self, index: int | None, column: str | None) -> str:
        if index is None:
            return str(self.path)
        line = self.lines[int(self.frame["_row"].iloc[index]) if "_row" in self.frame else index]
        if column is None or column not in self.header:
            return f"{self.path}:{line}"
        return f"{self.path}:{line}:{self.header.index(column) + 1}: column {column!r}"

    def written(self, index: int, column: str) -> str | None:
        """A cell as the file writes it; None where the file has no such column."""
        return self.frame[column].iloc[index] if column in self.header else None

    def fail(self, index: int, column: str, expected: str) -> InputError:
        return InputError(f"{self.where(index, column)}: found {shown(self.written(index, column))}; expected "
                          f"{expected}")

    def refuse(self, bad: pd.Series, column: str, expected: str) -> None:
        """Fail at the first row where `bad` holds, pointing at its cell in `column`."""
        if bad.any():
            raise self.fail(int(bad.to_numpy().nonzero()[0][0]), column, expected)

    def column(self, name: str) -> pd.Series:
        return each_distinct(self.frame[name], str.strip)

    def numbers(self, name: str) -> pd.Series:
        """A column of whole numbers; a cell that is not one, or is too large to be a count, is an error."""
        text = self.column(name)
        self.refuse(~text.str.fullmatch(_WHOLE), name, "a whole number, written like 1234 or 1,234")
        digits = text.str.replace(",", "", regex=False)
        self.refuse(digits.str.lstrip("-").str.len() > len(str(LARGEST)), name,
                    f"a whole number no further from zero than {LARGEST:,}")
        values = digits.astype("int64")
        self.refuse(values.abs() > LARGEST, name, f"a whole number no further from zero than {LARGEST:,}")
        return values

    def dates(self, name: str, formats: tuple[str, ...], expected: str, utc: bool = False) -> pd.Series:
        """A column of dates in one of `formats`; with `utc`, times with an offset are read as UTC."""
        text = self.column(name)
        parsed = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]" if utc else "datetime64[ns]")
        for fmt in formats:
            missing = parsed.isna() & text.map(str.isascii)
            parsed[missing] = pd.to_datetime(text[missing], format=fmt, errors="coerce", utc=utc)
        self.refuse(parsed.isna(), name, expected)
        if self.latest:
            last, why = self.latest
            late = (parsed.dt.tz_localize(None) if utc else parsed) >= pd.Timestamp(last) + pd.Timedelta(days=1)
            self.refuse(late, name, f"a date no later than {last} ({why})")
        return parsed

    def forces(self, name: str, allow_empty: bool = False) -> pd.Series:
        """A column of force names, in their canonical spelling; an unknown force is an error."""
        raw = self.column(name)
        names = each_distinct(raw, lambda value: force_name(value) or "")
        self.refuse((names == "") & ~((raw == "") & allow_empty), name, "the name of a police force area")
        return names

    def refuse_repeated_lines(self, column: str) -> None:
        """A line that repeats an earlier one cell for cell is refused (a file pasted in twice), at `column`."""
        self.refuse(self.frame.duplicated(), column, "each line once (this one repeats an earlier line)")

    def validated(self, table: str, frame: pd.DataFrame, origin: dict[str, str]) -> pd.DataFrame:
        """Check canonical rows, each indexed by the source row it stands for; `origin` maps canonical columns to
        the file's columns."""
        return validate(table, frame, lambda index, column: self.where(index, origin.get(column, column)),
                        lambda index, column: self.written(index, origin.get(column, column)))


def each_distinct(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """`function` of each cell of a column of text, called once per distinct value."""
    codes, distinct = pd.factorize(values)
    return pd.Series(np.array([function(value) for value in distinct], dtype=object)[codes], index=values.index,
                     name=values.name)


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
    separator: str = ","  # a format published with another separator is recognised by its exact header only


class Context:
    """What an importer may look up: the store's reference tables as they stand in this ingest, and the
    day of the ingest (no row may be dated after it)."""

    def __init__(self, lookup: Callable[[str], pd.DataFrame], today: date | None = None):
        self.lookup = lookup
        self.today = today or date.today()


def _opener(path: Path):
    with open(path, "rb") as handle:
        start = handle.read(8)
    if start.startswith(EXCEL_SIGNATURES):
        raise InputError(f"{path}:1:1: this is an Excel workbook, not a CSV file; save it as 'CSV UTF-8' and "
                         "ingest that")
    if start.startswith(GZIP_SIGNATURE):
        return lambda: io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8-sig", newline="")
    return lambda: open(path, encoding="utf-8-sig", newline="")


def _not_utf8(path: Path) -> InputError:
    """The first byte that is not UTF-8, at its line and column."""
    data = path.read_bytes()
    if data.startswith(GZIP_SIGNATURE):
        try:
            data = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data)  # as far as it goes, if cut short
        except zlib.error:
            data = b""
    data = data.removeprefix(BOM)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = position(data, exc.start)
        return InputError(f"{path}:{line}:{column}: found the byte 0x{data[exc.start]:02x}, which is not UTF-8 "
                          "text; save the file as 'CSV UTF-8'")
    return InputError(f"{path}: not UTF-8 text; save the file as 'CSV UTF-8'")


def records(path: Path, header_only: bool = False,
            separator: str = ",") -> tuple[list[str], list[list[str]], list[int]]:
    """The header of a CSV file, then its rows and the line each starts on; a line with nothing in it is skipped.

    With `header_only`, only the header is read (to recognise the file's format)."""
    rows, lines, line = [], [], 1
    header: list[str] | None = None
    try:
        with _opener(path)() as handle:
            reader = csv.reader(handle, delimiter=separator, strict=True)
            for row in reader:
                if header is None:
                    header = row
                    if header_only:
                        break
                elif any(cell.strip() for cell in row):
                    rows.append(row)
                    lines.append(line)
                line = reader.line_num + 1
    except UnicodeDecodeError:
        raise _not_utf8(path) from None
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise InputError(f"{path}: cannot be read as a gzip file: {str(exc).splitlines()[0]}") from None
    except csv.Error as exc:
        unclosed = " (a quote opened on this line is never closed)" if "end of data" in str(exc) else ""
        raise InputError(f"{path}:{line}:1: cannot be read as CSV: {str(exc).splitlines()[0]}{unclosed}") from None
    return [h.strip() for h in header or []], rows, lines


def text_table(path: Path, separator: str = ",") -> tuple[list[str], pd.DataFrame, Sequence[int]]:
    """The header of a CSV file, its rows as a frame of text and the line each starts on, every row checked to be
    as long as the header and free of NUL bytes (`check_shape`); in bulk where the module's rule allows."""
    bulk = _bulk(path, separator)
    if bulk is not None:
        return bulk
    header, rows, lines = records(path, separator=separator)
    check_shape(path, header, rows, lines)
    return header, pd.DataFrame(rows, columns=header, dtype=object), lines


def _bulk(path: Path, separator: str) -> tuple[list[str], pd.DataFrame, range] | None:
    """The file read by pyarrow, or None where it is not plain enough to be read so (see the module's rule)."""
    data = path.read_bytes()
    try:
        data = (gzip.decompress(data) if data.startswith(GZIP_SIGNATURE) else data).removeprefix(BOM)
        first = re.match(rb"[^\r\n]*", data).group()
        header = first.decode("utf-8").split(separator)
    except (gzip.BadGzipFile, EOFError, zlib.error, UnicodeDecodeError):
        return None
    if not first or len(first) == len(data) or b'"' in data or b"\0" in data:
        return None
    names = [str(i) for i in range(len(header))]
    try:
        table = arrow_csv.read_csv(
            io.BytesIO(data), arrow_csv.ReadOptions(skip_rows=1, column_names=names),
            arrow_csv.ParseOptions(delimiter=separator, quote_char=False, ignore_empty_lines=False),
            arrow_csv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    if not table.num_rows:
        return None
    unseen = pa.array(np.arange(table.num_rows))  # the rows not yet known to have a visible character
    for column in table.columns:
        if pc.max(pc.binary_length(column)).as_py() > csv.field_size_limit():
            return None
        if len(unseen):
            unseen = unseen.filter(pc.invert(pc.match_substring_regex(column.take(unseen), "[!-~]")))
    if len(unseen):
        return None
    frame = table.to_pandas()
    frame.columns = header = [h.strip() for h in header]
    return header, frame, range(2, table.num_rows + 2)


def check_shape(path: Path, header: list[str], rows: list[list[str]], lines: list[int]) -> None:
    """Every row as long as the header (a short last line is a file cut short), and no NUL byte in any cell."""
    for row, line in zip([header, *rows], [1, *lines]):
        if line > 1 and len(row) != len(header):
            raise InputError(f"{path}:{line}:{len(row)}: line has {len(row)} fields; expected {len(header)} like "
                             "the header (is the file cut short?)")
        nul = next((i for i, cell in enumerate(row) if "\0" in cell), None)
        if nul is not None:
            named = f" column {header[nul]!r}:" if line > 1 else ""
            raise InputError(f"{path}:{line}:{nul + 1}:{named} found {shown(row[nul])}; expected text without a "
                             "NUL byte (0x00), which cuts a value short")


def semicolons_or_tabs(header: list[str]) -> str | None:
    """The separator a header line uses, if it is not the comma: semicolons or tabs."""
    for name, separator in (("semicolons", ";"), ("tabs", "\t")):
        if sum(h.count(separator) for h in header) >= len(header):
            return name
    return None


def lookup_rows(source: Source, kind: str, columns: dict[str, str | None], forces: str | None = None) -> Parsed:
    """Reference lookups share one table; `columns` maps its fields to this file's columns."""
    frame = pd.DataFrame({"lookup": kind, **{
        field_: (source.column(column) if column else "") for field_, column in columns.items()}})
    if forces:
        frame[forces] = source.forces(columns[forces], allow_empty=True)
    origin = {field_: column for field_, column in columns.items() if column}
    return Parsed("lookup", source.validated("lookup", frame, origin), len(frame))


def wide_rows(source: Source, ids: dict[str, str], value_columns: list[str],
              build: Callable[[pd.DataFrame], pd.DataFrame], table: str, from_header: str) -> Parsed:
    """Wide files (one column per area or group): one canonical row per cell, errors still point at the cell.

    `ids` maps canonical columns to the file's columns that name a row; `from_header` is the canonical column
    the header's names give (an area or a group), so an error in it points at the header."""
    values = {c: source.numbers(c) for c in value_columns}
    cells = []
    for column in value_columns:
        part = source.frame[list(ids.values())].copy()
        part["_column"], part["_value"], part["_line"] = column, values[column], source.frame.index
        cells.append(part)
    long = pd.concat(cells, ignore_index=True)
    frame = build(long)
    measure = TABLES[table].measure

    def origin(index: int, column: str) -> str | None:
        return ids.get(column) or (long["_column"].iloc[index] if column == measure else None)

    def where(index, column):
        if index is None:
            return str(source.path)
        if column == from_header:
            name = long["_column"].iloc[index]
            return f"{source.path}:1:{source.header.index(name) + 1}: column {name!r}"
        return source.where(int(long["_line"].iloc[index]), origin(index, column))

    def written(index, column):
        if column == from_header:
            return long["_column"].iloc[index]
        file_column = origin(index, column)
        return None if file_column is None else source.written(int(long["_line"].iloc[index]), file_column)
    return Parsed(table, validate(table, frame, where, written), len(source.frame))
