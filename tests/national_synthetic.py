"""A synthetic national year of data.police.uk street-level crime files, for the ingest benchmark.

`python tests/national_synthetic.py OUT [--shared ../shared/data]` writes, under OUT, the street files of every
territorial force of England and Wales for a year, about 6 million rows, made by resampling real rows. The data is
never committed: it is generated where it is needed (a temporary folder) from the real files, so only this script
is. The rules it follows:

- One file per force and month, `YYYY-MM/YYYY-MM-<force>-street.csv`, with exactly the archive's header and columns
  (`policeuk.POLICE_UK_STREET`), each cell quoted only where CSV needs it, lines ending in CRLF as in the archive's
  West Yorkshire files.
- The forces are the 43 of England and Wales (`forces` takes the first of them), named and identified as
  data.police.uk names them (the shared `public/datapolice-force-ids/forces.csv`; British Transport Police, which
  the 2011 Census gives no residents, is left out). The months are `months` consecutive months from July 2016.
- The `rows` are shared between the forces in proportion to their residents in the 2011 Census (the shipped
  `census2011-ethnicity` file), then evenly between the months, largest remainders first, so that they add up to
  `rows` exactly.
- Each row is a real street row drawn at random (with replacement) from the real street files: the shared
  `police-uk/*/*-street.csv` and the shipped `data/sources/police-uk/*/*/*-street.csv.gz`, each file name once.
  Only rows whose LSOA code is in the shipped LSOA lookup (which covers England), or blank (the location is not
  known), are drawn, so every row is one the ingest accepts once the lookup is ingested with the files. A row keeps
  its cells as written, except `Month`, `Reported by` and `Falls within`, which are the file's, and `Crime ID`: a row
  that had one gets a new one, unique over the whole year (64 hex digits: the row's number in the year, then random
  ones); a row without one (anti-social behaviour) keeps it blank. Locations are therefore not the force's own.
- The same arguments give the same files, byte for byte (the draws are seeded).
"""
from __future__ import annotations

import argparse
import csv
import io
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from spcb.ingest.contract import force_name
from spcb.ingest.policeuk import POLICE_UK_STREET
from spcb.ingest.source import records

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "data" / "sources"
LSOA_LOOKUP = SOURCES / "lsoa-police-force" / "PoliceforceLSOA.csv.gz"
CENSUS = SOURCES / "census2011-ethnicity" / "resistancelab_police-defined-demographics.csv"
FORCE_IDS = Path("public") / "datapolice-force-ids" / "forces.csv"
FIRST_MONTH = "2016-07"
SEED = 13
NEWLINE = "\r\n"
KEPT = POLICE_UK_STREET.index("Longitude")  # the cells before it (Crime ID, Month, force) are each file's own


def _csv_line(cells: list[str]) -> str:
    text = io.StringIO()
    csv.writer(text, lineterminator=NEWLINE).writerow(cells)
    return text.getvalue()


def _real_rows(shared: Path) -> list[tuple[bool, str]]:
    """Every real street row an ingest accepts: whether it has a Crime ID, and the CSV text of its cells after
    `Falls within`."""
    files = {}
    found = sorted(shared.glob("police-uk/*/*-street.csv")) + sorted(SOURCES.glob("police-uk/*/*/*-street.csv.gz"))
    for path in found:
        files.setdefault(path.name.removesuffix(".gz"), path)
    known = set(pd.read_csv(LSOA_LOOKUP, usecols=["LSOA Code"], dtype=str)["LSOA Code"])
    crime_id, lsoa = POLICE_UK_STREET.index("Crime ID"), POLICE_UK_STREET.index("LSOA code")
    rows = [(bool(row[crime_id]), _csv_line(row[KEPT:])) for path in files.values() for row in records(path)[1]
            if row[lsoa] in known or not row[lsoa]]
    if not rows:
        raise SystemExit(f"{shared}: found no data.police.uk street file under police-uk/; expected the shared data")
    return rows


def _forces(shared: Path, count: int) -> tuple[list[tuple[str, str]], np.ndarray]:
    """The first `count` forces of England and Wales as (identifier, name) and their residents in 2011."""
    census = pd.read_csv(CENSUS)
    residents = dict(zip(census["Police force"].map(force_name), census.iloc[:, 1:].sum(axis=1)))
    ids = pd.read_csv(shared / FORCE_IDS)
    forces = [(slug, label) for slug, label in zip(ids["id"], ids["Label"]) if force_name(label) in residents]
    chosen = forces[:count]
    return chosen, np.array([residents[force_name(label)] for _, label in chosen], dtype=float)


def _apportion(total: int, weights: np.ndarray) -> np.ndarray:
    """`total` split in proportion to `weights` in whole numbers, the remainder going to the largest fractions."""
    exact = total * weights / weights.sum()
    shares = np.floor(exact).astype(int)
    shares[np.argsort(shares - exact, kind="stable")[:total - shares.sum()]] += 1
    return shares


def generate(target: Path, shared: Path, forces: int = 43, months: int = 12, rows: int = 6_000_000) -> list[Path]:
    """Write the street files of `forces` forces for `months` months, `rows` rows in all, under `target`."""
    real = _real_rows(shared)
    chosen, residents = _forces(shared, forces)
    periods = pd.period_range(FIRST_MONTH, periods=months, freq="M").strftime("%Y-%m")
    counts = _apportion(rows, np.repeat(residents, months) / months).reshape(len(chosen), months)
    rng = np.random.default_rng(SEED)
    header = _csv_line(list(POLICE_UK_STREET))
    written, serial = [], 0
    for (slug, label), per_month in zip(chosen, counts):
        for month, n in zip(periods, per_month):
            random = rng.bytes(24 * n).hex()
            own = "," + _csv_line([month, label, label]).removesuffix(NEWLINE) + ","
            lines = [(f"{serial + k:016x}{random[48 * k:48 * k + 48]}" if has_id else "") + own + tail
                     for k, (has_id, tail) in enumerate(real[j] for j in rng.integers(0, len(real), size=n))]
            serial += n
            path = target / month / f"{month}-{slug}-street.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(header + "".join(lines), encoding="utf-8", newline="")
            written.append(path)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write the files into")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data",
                        help="the shared real data (default: ../shared/data beside the checkout)")
    parser.add_argument("--forces", type=int, default=43)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--rows", type=int, default=6_000_000)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    paths = generate(args.out, args.shared, args.forces, args.months, args.rows)
    print(f"wrote {args.rows:,} rows in {len(paths)} files under {args.out} in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
