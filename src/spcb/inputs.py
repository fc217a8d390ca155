"""The force's own extract: the input contract the notebooks read, and its checks.

`<data>/extract/recorded-crime.csv` (or `.csv.gz`) holds daily counts, one row per date, area and series:

    date,area,series,count
    2014-11-24,Coventry,burglary_dwelling,4

`<data>/extract/extract.yml` describes it (`title`, `demonstration: true|false`, `note`). Every problem is
reported as one line naming the file, line and column, what was found and what was expected.
"""
from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import yaml

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
COLUMNS = ("date", "area", "series", "count")
EXTRACT_NAMES = ("recorded-crime.csv", "recorded-crime.csv.gz")


class InputError(ValueError):
    """An input file breaks the contract; the message is one line an analyst can act on."""


@dataclass(frozen=True)
class Extract:
    """Daily counts by area and series, with what the extract says about itself."""

    counts: pd.DataFrame
    path: Path
    title: str
    demonstration: bool
    note: str

    @property
    def first_date(self) -> date:
        return self.counts["date"].min().date()

    @property
    def last_date(self) -> date:
        return self.counts["date"].max().date()

    def require(self, series: str) -> None:
        if series not in self.series:
            raise InputError(f"{self.path}: no rows for series {series!r}, which the plan measures; "
                             f"the extract has {', '.join(sorted(self.series))}")

    @property
    def series(self) -> set[str]:
        return set(self.counts["series"].unique())


def extract_path(data_dir: str | Path) -> Path:
    folder = Path(data_dir, "extract")
    for name in EXTRACT_NAMES:
        if (folder / name).exists():
            return folder / name
    raise InputError(f"{folder}: no extract found; expected {' or '.join(EXTRACT_NAMES)}")


def load_extract(data_dir: str | Path) -> Extract:
    """Read and check the extract in `<data_dir>/extract/`."""
    path = extract_path(data_dir)
    meta = _metadata(path.parent / "extract.yml")
    return Extract(read_counts(path), path, meta.get("title", path.name), bool(meta.get("demonstration", False)),
                   str(meta.get("note", "")))


def _metadata(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InputError(f"{where}: not valid YAML") from None
    if not isinstance(meta, dict):
        raise InputError(f"{path}:1:1: expected fields title, demonstration and note")
    return meta


def read_counts(path: Path) -> pd.DataFrame:
    """The counts file as a frame (date, area, series, count), or an InputError naming the first bad cell."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle), None)
        if header is None:
            raise InputError(f"{path}:1:1: the file is empty; expected the header {','.join(COLUMNS)}")
        if tuple(h.strip() for h in header) != COLUMNS:
            raise InputError(f"{path}:1:1: found the header {','.join(header)!r}; expected {','.join(COLUMNS)}")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError):
        raise InputError(f"{path}:1:1: not a UTF-8 CSV file (saved as Excel or another format?)") from None
    except pd.errors.ParserError as exc:
        raise InputError(f"{path}: cannot be read as CSV: {exc}") from None
    if frame.empty:
        raise InputError(f"{path}:2:1: the file has a header but no rows")
    return _checked(frame, path)


def _checked(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    def fail(mask: pd.Series, column: str, expected: str) -> None:
        if mask.any():
            row = int(mask.to_numpy().nonzero()[0][0])
            found = frame[column].iloc[row]
            raise InputError(f"{path}:{row + 2}:{COLUMNS.index(column) + 1}: column {column!r}: "
                             f"found {found!r}; expected {expected}")

    dates = pd.to_datetime(frame["date"], format="%Y-%m-%d", errors="coerce")
    fail(dates.isna(), "date", "a date written YYYY-MM-DD")
    fail(frame["area"].str.strip() == "", "area", "the name of a local policing unit")
    fail(~frame["series"].isin(list(SERIES)), "series", f"one of {', '.join(SERIES)}")
    counts = pd.to_numeric(frame["count"], errors="coerce")
    fail(counts.isna() | (counts < 0) | (counts != counts.round()), "count", "a whole number of 0 or more")
    out = pd.DataFrame({"date": dates, "area": frame["area"].str.strip(), "series": frame["series"],
                        "count": counts.astype("int64")})
    duplicated = out.duplicated(["date", "area", "series"])
    fail(duplicated, "date", "one row per date, area and series (this one repeats an earlier row)")
    return out
