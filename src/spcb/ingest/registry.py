"""The registry of published file formats: which one a file is, from its name or its header, and reading it.

A file's format is known by its name (data.police.uk archive files) or by its header. Reading checks the
file as a whole (text not a spreadsheet, a header, no truncated line, months that agree with the name)
and then every cell against the contract, so a bad file is refused with one line an analyst can act on.
Reference lookups are read first, so that the files that use them find them in the same ingest.
"""
from __future__ import annotations

import csv
import gzip
import re
from pathlib import Path

import pandas as pd

from . import census, force, homeoffice, ons, policeuk
from .contract import InputError
from .source import Context, Format, Parsed, Source, opener

FORMATS = tuple(sorted((*ons.FORMATS, *homeoffice.FORMATS, *policeuk.FORMATS, *force.FORMATS, *census.FORMATS),
                       key=lambda fmt: fmt.table != "lookup"))

ALLOWED_EXTRA = {"", "Policeuk_Cat", "Rural Urban", "geography code", "date", "LSOA11CD", "LAD16CD", "CSP16CD",
                 "CSP16NM", "PFA16CD", "PFA16NM", "FID", "LAD16NM"}


def recognise(path: Path) -> Format:
    """The format of a file, from its name or header line, before reading the rest."""
    try:
        with opener(path)() as handle:
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
    open_file = opener(path)
    try:
        with open_file() as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader)]
            for number, row in enumerate(reader, start=2):
                if len(row) != len(header) and any(cell.strip() for cell in row):
                    raise InputError(f"{path}:{number}:{len(row)}: line has {len(row)} fields; expected "
                                     f"{len(header)} like the header (is the file cut short?)")
        with open_file() as handle:
            frame = pd.read_csv(handle, dtype=str, keep_default_na=False, skip_blank_lines=True)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as 'CSV UTF-8'") from None
    except (gzip.BadGzipFile, EOFError, csv.Error, pd.errors.ParserError) as exc:
        raise InputError(f"{path}: cannot be read as CSV: {str(exc).splitlines()[0]}") from None
    if frame.empty:
        raise InputError(f"{path}:2:1: the file has a header but no rows")
    frame.columns = header
    meta = force.extract_metadata(path)
    latest = min([(context.today, "the day of this ingest"),
                  *([(meta["published"], "the publication date in extract.yml")] if "published" in meta else [])])
    parsed = fmt.read(Source(path, header, frame, latest), context)
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
    """The formats `spcb ingest` recognises, as Markdown, for the book's input contract page."""
    lines = ["| format | what it is | recognised by | into table |", "|---|---|---|---|"]
    for fmt in FORMATS:
        pattern = (fmt.filename or "").strip("^$").replace(r"(\d{4}-\d{2})", "YYYY-MM").replace(
            "[a-z-]+", "<force>").replace("\\.", ".")
        how = (f"file name `{pattern}`" if fmt.filename
               else f"header: {fmt.wide_rule}" if fmt.wide else "header columns " +
               ", ".join(f"`{c}`" for c in fmt.columns[:4]) + (", …" if len(fmt.columns) > 4 else ""))
        lines.append(f"| `{fmt.name}` | {fmt.description} | {how} | `{fmt.table}` |")
    return "\n".join(lines) + "\n"
