"""The force's own files in spcb's formats: the daily extract (`date,area,series,count`), survey results and
the crime data integrity audit, each described by an `extract.yml` beside it or in one of the two folders above it.

The extract holds one row per date, area and series, the survey one per measure and month, the audit one
per audit and category; an area or a category is spelt one way within a file. A part (positive answers,
correct records) can never exceed its whole. A file in one of these formats with no `extract.yml` is refused:
nothing else says whether its data is real. `extract.yml` must say whether the data is a demonstration
(`demonstration: true` or `false`, not in quotes), and may give the title named under every table, a note, and
the day it was published: no row may be dated after that day, nor after the day of the ingest. Published
formats (data.police.uk, ONS, Home Office, the Metropolitan Police, MOPAC) need no `extract.yml`.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from .contract import TABLES, InputError
from .source import Context, Format, Parsed, Source
from .yamlfile import Reader, compose


def _spcb_extract(source: Source, context: Context) -> Parsed:
    frame = pd.DataFrame({
        "date": source.dates("date", ("%Y-%m-%d",), "a date written YYYY-MM-DD"),
        "area": source.column("area"),
        "series": source.column("series"),
        "count": source.numbers("count"),
    })
    return Parsed("recorded_crime", source.validated("recorded_crime", frame, {}), len(frame))


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
        raise source.fail(index, part, f"at most {whole} ({frame[whole].iloc[index]})")


def _survey(source: Source, context: Context) -> Parsed:
    frame = _canonical(source, "survey")
    _not_more(source, frame, "positive", "respondents")
    return Parsed("survey", frame, len(frame))


def _audit(source: Source, context: Context) -> Parsed:
    frame = _canonical(source, "audit")
    _not_more(source, frame, "correct", "expected")
    return Parsed("audit", frame, len(frame))


def extract_metadata(path: Path, required: bool = False) -> dict:
    """The `extract.yml` that describes a force's extract, beside the file or in one of the two folders above it;
    with `required` (a file in one of the force's formats), a file without one is refused."""
    sidecar = next((folder / "extract.yml" for folder in list(path.parents)[:3] if (folder / "extract.yml").exists()),
                   None)
    if sidecar is None:
        if required:
            raise InputError(f"{path}: found no extract.yml beside the file or in the two folders above it; expected "
                             "an extract.yml saying whether the data is a demonstration (`demonstration: true` or "
                             "`false`) and giving its title")
        return {}
    reader = Reader(sidecar, InputError)
    node = compose(sidecar, InputError, "extract description")
    fields = reader.mapping(node, "extract.yml", ("demonstration",), ("title", "note", "published"))
    meta = {name: reader.text(value, f"extract.yml: field {name!r}") for name, value in fields.items()
            if name in ("title", "note")}
    meta["demonstration"] = reader.boolean(fields["demonstration"], "extract.yml: field 'demonstration'")
    if "published" in fields:
        text = reader.text(fields["published"], "extract.yml: field 'published'")
        try:
            meta["published"] = date.fromisoformat(text)
        except ValueError:
            raise reader.fail(fields["published"], "extract.yml: field 'published'",
                              f"expected a date written YYYY-MM-DD; found {text!r}") from None
    return meta


FORMATS = (
    Format("spcb-extract", "The force's own extract of daily counts (spcb format)", "recorded_crime",
           ("date", "area", "series", "count"), _spcb_extract),
    Format("spcb-survey", "The force's survey results per measure and wave or month (spcb format)", "survey",
           ("measure", "month", "respondents", "positive"), _survey),
    Format("spcb-audit", "Crime data integrity audit counts (spcb format)", "audit",
           ("audit", "category", "expected", "correct"), _audit),
)
