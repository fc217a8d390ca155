"""What the notebooks read: the force's extract of daily counts, from the store, with its provenance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from .contract import InputError
from .store import Store


@dataclass(frozen=True)
class Extract:
    """Daily counts by area and series (the `recorded_crime` table), and the files they came from."""

    counts: pd.DataFrame
    title: str
    demonstration: bool

    @property
    def first_date(self) -> date:
        return self.counts["date"].min().date()

    @property
    def last_date(self) -> date:
        return self.counts["date"].max().date()

    @property
    def series(self) -> set[str]:
        return set(self.counts["series"].unique())

    def require(self, series: str) -> None:
        if series not in self.series:
            raise InputError(f"recorded_crime: no rows for series {series!r}, which the plan measures; "
                             f"the extract has {', '.join(sorted(self.series))}")


def load_extract(data_dir: str | Path) -> Extract:
    """The recorded crime extract as ingested into `<data_dir>/store`."""
    store = Store(data_dir)
    counts = store.table("recorded_crime")
    if counts.empty:
        raise InputError(f"{store.root}: no recorded crime extract in the store; run "
                         f"`spcb ingest {Path(data_dir, 'extract')}` first")
    return Extract(counts, store.titles("recorded_crime"),
                   any(s["demonstration"] for s in store.sources("recorded_crime")))
