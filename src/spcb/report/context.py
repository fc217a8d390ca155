"""A page's context: everything one page of the book is built from, loaded once when the page starts.

It holds the plan, the year-to-date window, the force's extract, the period's commentary and the store's
ingest log, read once. Any other store table a page asks for is read the first time it is asked for and
kept, so no table is read twice in one page. Source lines name the files a table's rows came from.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..analysis.measures import Extract
from ..ingest import store
from ..ingest.contract import InputError
from ..plan.model import Item, Plan
from ..plan.periods import Month, Window, resolve
from ..plan.schema import load_dir
from . import narrative
from .narrative import Update

EXTRACT = "recorded_crime"


@dataclass
class PageContext:
    """The inputs of one page for one period."""

    plan: Plan
    window: Window
    extract: Extract
    texts: dict[str, str]
    log: list[dict]
    data_dir: Path
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, data_dir: str | Path, period: str | Month, as_of: str | date | None = None) -> PageContext:
        data_dir = Path(data_dir)
        plan = load_dir(data_dir)
        found = store.Store(data_dir)
        log = found.log()
        counts = found.table(EXTRACT)
        _require_extract(found, counts.empty)
        extract = Extract(counts, store.titles(log, counts, EXTRACT),
                          any(s["demonstration"] for s in store.sources(log, counts, EXTRACT)))
        window = resolve(period, as_of, extract.first_date, extract.last_date)
        return cls(plan, window, extract, narrative.load(data_dir, window.period, plan), log, data_dir,
                   {EXTRACT: counts})

    @property
    def period(self) -> Month:
        return self.window.period

    def table(self, name: str) -> pd.DataFrame:
        """A store table, read from the store the first time a page asks for it."""
        if name not in self._tables:
            self._tables[name] = store.Store(self.data_dir).table(name)
        return self._tables[name]

    def source(self, name: str) -> str:
        """The titles of the files a store table's rows came from, for a 'Source:' line."""
        return store.titles(self.log, self.table(name), name)

    def update(self, item: Item) -> Update:
        return narrative.update_for(self.plan, item, self.period, self.texts)


def window(data_dir: str | Path, period: str | Month, as_of: str | date | None = None) -> Window:
    """The window a period's pages will use, from the extract's first and last dates alone."""
    found = store.Store(data_dir)
    span = found.date_range(EXTRACT)
    _require_extract(found, span is None)
    return resolve(period, as_of, span[0].date(), span[1].date())


def _require_extract(found: store.Store, missing: bool) -> None:
    if missing:
        raise InputError(f"{found.root}: no recorded crime extract in the store; run "
                         f"`spcb ingest {found.root.parent / 'extract'}` first")
