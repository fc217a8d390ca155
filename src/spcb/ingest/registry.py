"""The registry of published file formats: which one a file is, from its name or its header, and reading it.

A file's format is known by its name (data.police.uk archive files) or by its header. A file separated by
semicolons or tabs is refused, unless its header is exactly that of a format published so (MOPAC's survey
totals), which is then read with that separator. Reading checks the file as a whole (text not a spreadsheet,
separated as its format is, a header naming each column once, no truncated line, months that agree with the
name) and then every cell against the contract, so a bad file is refused with one line an analyst can act on.
An error never repeats more of a file than the one value it found: a header that matches no format is not
echoed, and a near miss is named only when most of its columns are there. A header that names every column of a
format, but some in another case, is refused naming that format, the columns written otherwise, and the
format's header (spaces around a column name never count).
Reference lookups are read first, so that the files that use them find them in the same ingest.
"""
from __future__ import annotations

import re
from pathlib import Path

from . import census, force, homeoffice, mopac, mps, ons, policeuk
from .contract import InputError, character, shown
from .source import Context, Format, Parsed, Source, records, semicolons_or_tabs, text_table

FORMATS = tuple(sorted((*ons.FORMATS, *homeoffice.FORMATS, *policeuk.FORMATS, *force.FORMATS, *census.FORMATS,
                        *mps.FORMATS, *mopac.FORMATS), key=lambda fmt: fmt.table != "lookup"))

GZIPPED = r"(\.gz)?"  # how a file name pattern accepts the file gzipped
ALLOWED_EXTRA = {"", "Policeuk_Cat", "Rural Urban", "geography code", "date", "LSOA11CD", "LAD16CD", "CSP16CD",
                 "CSP16NM", "PFA16CD", "PFA16NM", "FID", "LAD16NM"}


def recognise(path: Path) -> Format:
    """The format of a file, from its name or header line, before reading the rest."""
    header = records(path, header_only=True)[0]
    if not any(header):
        raise InputError(f"{path}:1:1: the file is empty; expected a CSV file with a header line")
    exact = next((fmt for fmt in FORMATS if fmt.separator != "," and header == [fmt.separator.join(fmt.columns)]),
                 None)
    if exact:
        return exact
    separator = semicolons_or_tabs(header)
    if separator:
        raise InputError(f"{path}:1:1: the header is separated by {separator}, not commas; save the file as "
                         "'CSV UTF-8', which separates with commas")
    return _recognise(path, header)


def read_as(fmt: Format, path: Path, context: Context) -> Parsed:
    """Read a file of a recognised format, checking its `extract.yml` and its shape first (no truncated or ragged
    lines)."""
    meta = force.extract_metadata(path, required=fmt in force.FORMATS)
    header, frame, lines = text_table(path, separator=fmt.separator)
    if frame.empty:
        raise InputError(f"{path}:2:1: the file has a header but no rows")
    latest = min([(context.today, "the day of this ingest"),
                  *([(meta["published"], "the publication date in extract.yml")] if "published" in meta else [])])
    parsed = fmt.read(Source(path, header, frame, lines, latest), context)
    parsed.title = str(meta.get("title", fmt.description))
    parsed.demonstration = bool(meta.get("demonstration", False))
    return parsed


def _recognise(path: Path, header: list[str]) -> Format:
    for fmt in FORMATS:
        if fmt.filename and re.match(fmt.filename, path.name):
            _check_header(path, header, fmt)
            return fmt
    commas = [fmt for fmt in FORMATS if fmt.separator == ","]
    for fmt in commas:
        if fmt.filename is None and (fmt.wide(header) if fmt.wide else set(fmt.columns) <= set(header)):
            _check_header(path, header, fmt)
            return fmt
    named = [fmt for fmt in commas if fmt.wide is None]
    for fmt in named:
        _refuse_case_variant(path, header, fmt)
    best = max(named, key=lambda f: len(set(f.columns) & set(header)) / len(f.columns))
    missing = [c for c in best.columns if c not in header]
    if not missing:
        odd = next((c for c in path.name if not re.fullmatch(r"[a-z0-9.-]", c)), None)
        why = f"; {character(odd)} is not a lower-case ASCII letter" if odd else ""
        raise InputError(f"{path}:1:1: found the file name {shown(path.name)}; expected a name like "
                         f"{filename_rule(best)}, as the archive names a {best.name} file (its header is one){why}")
    if len(missing) < len(best.columns) / 2:
        raise InputError(f"{path}:1:1: the header matches no known format; the nearest is {best.name} "
                         f"({best.description}), which also needs the column{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(repr(m) for m in missing)}")
    raise InputError(f"{path}:1:1: the header matches no known format; expected the header of one of the formats "
                     "`spcb contract` lists")


def _check_header(path: Path, header: list[str], fmt: Format) -> None:
    twice = next((i for i, h in enumerate(header) if h and h in header[:i]), None)
    if twice is not None:
        raise InputError(f"{path}:1:{twice + 1}: found the column {shown(header[twice])} a second time; expected "
                         "each column once")
    _refuse_case_variant(path, header, fmt)
    missing = [c for c in fmt.columns if c not in header]
    if missing:
        raise InputError(f"{path}:1:1: missing the column {missing[0]!r} of a {fmt.name} file (which its name "
                         "says it is)")
    if fmt.wide is None:
        extra = [c for c in header if c not in fmt.columns and c not in ALLOWED_EXTRA]
        if extra:
            raise InputError(f"{path}:1:{header.index(extra[0]) + 1}: unexpected column {shown(extra[0])} in a "
                             f"{fmt.name} file")


def _refuse_case_variant(path: Path, header: list[str], fmt: Format) -> None:
    """Refuse a header that names each of the format's columns, but some only when case is ignored."""
    folded = [h.casefold() for h in header]
    if set(fmt.columns) <= set(header) or not {c.casefold() for c in fmt.columns} <= set(folded):
        return
    places = sorted(folded.index(c.casefold()) for c in fmt.columns if c not in header)
    found = ", ".join(shown(header[i]) for i in places)
    raise InputError(f"{path}:1:{places[0] + 1}: found the column{'s' if len(places) > 1 else ''} {found}; expected "
                     f"the header {','.join(fmt.columns)} of the {fmt.name} format, which this header matches except "
                     "for the case of its column names")


def filename_rule(fmt: Format) -> str:
    """The file name a format is recognised by, written for people (YYYY-MM-<force>-street.csv)."""
    pattern = (fmt.filename or "").strip("^$").replace(GZIPPED, "").replace(r"([0-9]{4}-[0-9]{2})", "YYYY-MM")
    pattern = pattern.replace("\\.", ".")
    return re.sub(r"\(?\[a-z-\]\+\)?", "<force>", pattern)


def priority(fmt: Format) -> int:
    return FORMATS.index(fmt)


def formats_markdown() -> str:
    """The formats `spcb ingest` recognises, as Markdown, for the book's input contract page."""
    lines = ["| format | what it is | recognised by | into table |", "|---|---|---|---|"]
    for fmt in FORMATS:
        gzipped = " (or gzipped, `.csv.gz`)" if fmt.filename and GZIPPED in fmt.filename else ""
        how = (f"file name `{filename_rule(fmt)}`{gzipped}" if fmt.filename
               else f"header: {fmt.wide_rule}" if fmt.wide
               else f"exactly the header `{fmt.separator.join(fmt.columns)}`" if fmt.separator != ","
               else "header columns " +
               ", ".join(f"`{c}`" for c in fmt.columns[:4]) + (", …" if len(fmt.columns) > 4 else ""))
        lines.append(f"| `{fmt.name}` | {fmt.description} | {how} | `{fmt.table}` |")
    return "\n".join(lines) + "\n"
