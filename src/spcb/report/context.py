"""A page's context: everything one page of the book is built from, loaded once when the page starts.

It holds the plan, the year-to-date window, the force's extract, the period's commentary and the store's
ingest log, read once. Any other store table a page asks for is read the first time it is asked for and
kept, so no table is read twice in one page. Source lines name the files a table's rows came from.

The window of a period is checked before anything is shown (the pre-flight): its cut-off is the one pinned
by an earlier build, or an explicit `--as-of`, or else the last day the extract covers for every series the
plan measures; and every day of this year's and last year's windows must be covered, or the period is
refused in one line listing everything missing.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..analysis.coverage import Coverage
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
        covered = Coverage(counts)
        window = _checked_window(plan, covered, data_dir, period, as_of)
        used = counts[counts["date"] <= pd.Timestamp(window.as_of)]  # a later file adds nothing to this period
        extract = Extract(counts, store.titles(log, used, EXTRACT),
                          any(s["demonstration"] for s in store.sources(log, used, EXTRACT)), covered)
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
    """The window a period's pages will use, checked against what the extract covers (its counts unread)."""
    found = store.Store(data_dir)
    days = found.table(EXTRACT, ["date", "area", "series"])
    _require_extract(found, days.empty)
    return _checked_window(load_dir(data_dir), Coverage(days), Path(data_dir), period, as_of)


def measured_series(plan: Plan) -> list[str]:
    """The extract's series the plan measures: each must cover every day of a period's windows."""
    return sorted({b.measure.series for b in (*plan.milestone_table, *(b for i in plan.items for b in i.counted))})


def _checked_window(plan: Plan, coverage: Coverage, data_dir: Path, period: str | Month,
                    as_of: str | date | None) -> Window:
    month = period if isinstance(period, Month) else Month.parse(period)
    series = measured_series(plan)
    if as_of in (None, ""):
        pin = narrative.pinned(data_dir, month)
        as_of = pin.as_of if pin else _last_covered(coverage, series, month)
    window = resolve(month, as_of, coverage.first, coverage.last)
    coverage.require(series, [(window.last_year_start, window.last_year_end), (window.start, window.as_of)],
                     f"period {month} (year to date {window.start.isoformat()} to {window.as_of.isoformat()}, "
                     f"against {window.last_year_start.isoformat()} to {window.last_year_end.isoformat()})")
    return window


def _last_covered(coverage: Coverage, series: list[str], month: Month) -> date | None:
    """The default cut-off: the period's last day, or the last day before the first gap this financial year
    if that is earlier (None, for `resolve`'s own default, where that day is before the period)."""
    through = coverage.covered_through(series, month.financial_year.start)
    return min(month.last_day, through) if through and through >= month.first_day else None


def _require_extract(found: store.Store, missing: bool) -> None:
    if missing:
        raise InputError(f"{found.root}: no recorded crime extract in the store; run "
                         f"`spcb ingest {found.root.parent / 'extract'}` first")
