"""A page's context: everything one page of the book is built from, loaded once when the page starts.

It holds the edition, the plan, the year-to-date window and the last report's (the latest earlier period built,
for what changed since), the force's extract (the store table the edition
names, daily or monthly, with the edition's series added up), the period's commentary and the store's ingest
log, read once. Any other store table a page asks for is read the first time it is asked for and
kept, so no table is read twice in one page. Source lines name the files a table's rows came from.

The window of a period is checked before anything is shown (the pre-flight): its cut-off is the one pinned
by an earlier build, or an explicit `--as-of`, or else the last day the extract covers for every series the
plan measures; and every day of this year's and last year's windows must be covered, or the period is
refused in one line listing everything missing. On a monthly extract a cut-off is the last day of a month.
The build's pre-flight also lists, in the same line, every input the plan names that the store lacks altogether: a
series, a survey measure's results, or the records a panel needs (stop and search and the census for the force,
the audit). An input that exists but does not cover the period is no error: its panel says it is not
available for this period.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from ..analysis.coverage import Coverage, CoverageError, month_spans, months_between
from ..analysis.measures import Extract, extract_counts
from ..ingest import store
from ..ingest.contract import InputError
from ..plan import edition as editions
from ..plan.edition import Edition
from ..plan.model import Item, Plan
from ..plan.periods import FinancialYear, Month, PeriodError, Window, resolve
from ..plan.schema import load_dir
from . import narrative
from .narrative import Update


@dataclass
class PageContext:
    """The inputs of one page for one period."""

    edition: Edition
    plan: Plan
    window: Window
    previous: Window | None  # the last report's window: the latest earlier period built, if the extract covers it
    extract: Extract
    texts: dict[str, str]
    log: list[dict]
    data_dir: Path
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, data_dir: str | Path, period: str | Month, as_of: str | date | None = None) -> PageContext:
        data_dir = Path(data_dir)
        edition, plan, found, rows, counts, covered = read(data_dir)
        log = found.log()
        window = _checked_window(plan, edition, covered, data_dir, period, as_of, [])  # the build checked its inputs
        until = used(rows, window.as_of)  # a later file adds nothing to this period
        extract = Extract(counts, store.titles(log, until, edition.extract),
                          any(s["demonstration"] for s in store.sources(log, until, edition.extract)), covered,
                          edition.granularity)
        return cls(edition, plan, window, _previous(plan, covered, data_dir, window.period), extract,
                   narrative.load(data_dir, window.period, plan), log, data_dir, {edition.extract: rows})

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
    """The window a period's pages will use, checked against what the extract covers and what the plan needs."""
    edition, plan, found, _, _, covered = read(Path(data_dir))
    return _checked_window(plan, edition, covered, Path(data_dir), period, as_of, missing_inputs(plan, found))


def read(data_dir: Path) -> tuple[Edition, Plan, store.Store, pd.DataFrame, pd.DataFrame, Coverage]:
    """The edition, its plan and store, the rows of its extract's table, the extract's counts (with the edition's
    series added up) and what they cover.

    The last edition read is kept while none of its files has changed (each the same file, size and modification
    time: the store replaces a table by renaming a new file over it), since a warm kernel runs page after page of
    one edition (see `session`) and a build reads it for each period. Pages never change what they are given."""
    identity = _identity(Path(data_dir))
    if _LAST.get("identity") != identity:
        _LAST.clear()
        _LAST.update(identity=identity, read=_read(Path(data_dir)))
    return _LAST["read"]


_LAST: dict = {}


def _identity(data_dir: Path) -> tuple:
    files = [data_dir.resolve() / editions.FILE, *sorted((data_dir / "plan").glob("*")),
             *sorted(store.Store(data_dir).root.glob("*"))]
    return tuple((str(p), s.st_ino, s.st_size, s.st_mtime_ns) for p in files if (s := _stat(p)))


def _stat(path: Path):
    try:
        return path.stat()
    except FileNotFoundError:
        return None


def _read(data_dir: Path) -> tuple[Edition, Plan, store.Store, pd.DataFrame, pd.DataFrame, Coverage]:
    edition, plan = editions.load(data_dir), load_dir(data_dir)
    found = store.Store(data_dir)
    rows = found.table(edition.extract)
    _require_extract(found, edition, rows.empty)
    counts = extract_counts(edition.extract, rows, edition.series, plan.force_area)
    return edition, plan, found, rows, counts, Coverage(counts, edition.granularity == "monthly")


def _previous(plan: Plan, coverage: Coverage, data_dir: Path, period: Month) -> Window | None:
    """The window of the last report: the latest earlier period built (its cut-off pinned), when the extract
    covers both its years for every series the plan measures; None otherwise."""
    last = narrative.previous(data_dir, period)
    if last is None:
        return None
    window = Window(last[0], last[1].as_of)
    spans = [(window.last_year_start, window.last_year_end), (window.start, window.as_of)]
    covered = coverage.first and coverage.first <= window.last_year_start and window.as_of <= coverage.last
    return window if covered and not any(coverage.gaps(measured_series(plan), *span) for span in spans) else None


def used(rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The rows of the extract's table up to the cut-off."""
    if "date" in rows:
        return rows[rows["date"] <= pd.Timestamp(as_of)]
    return rows[rows["month"] <= str(Month.of(as_of))]


def baselines(plan: Plan) -> dict[FinancialYear, list[str]]:
    """The series the plan compares with each baseline year."""
    found: dict[FinancialYear, set[str]] = {}
    for binding in (b for item in plan.items for b in item.counted if b.baseline):
        found.setdefault(binding.baseline, set()).add(binding.measure.series)
    return {year: sorted(series) for year, series in found.items()}


def measured_series(plan: Plan) -> list[str]:
    """The extract's series the plan measures: each must cover every day of a period's windows."""
    return sorted({b.measure.series for b in (*plan.milestone_table, *(b for i in plan.items for b in i.counted))})


def _checked_window(plan: Plan, edition: Edition, coverage: Coverage, data_dir: Path, period: str | Month,
                    as_of: str | date | None, lacking: list[str]) -> Window:
    """The period's window, refused in one line naming every day or month and every input it lacks."""
    month = period if isinstance(period, Month) else Month.parse(period)
    series = measured_series(plan)

    def refuse(text: str) -> CoverageError:
        return CoverageError("; and ".join([text, *lacking]))

    if coverage.first is None:
        raise refuse(f"period {month} needs the extract ({edition.extract}) for {plan.force_area}, which the store "
                     f"does not hold: the plan measures the series {', '.join(series)}")
    if as_of in (None, ""):
        pin = narrative.pinned(data_dir, month)
        as_of = pin.as_of if pin else _last_covered(coverage, series, month)
    before = Month(month.financial_year.start_year - 1, 4)
    if coverage.monthly and coverage.first and before.first_day < coverage.first:
        missing = month_spans([str(m) for m in months_between(before.first_day, coverage.first)[:-1]])
        raise refuse(f"period {month} needs every month from {before} for last year's comparison, but the extract "
                     f"({edition.extract}) starts in {Month.of(coverage.first)}: {missing} missing")
    window = resolve(month, as_of, coverage.first, coverage.last)
    if coverage.monthly and window.as_of != month.last_day:
        raise PeriodError(f"as-of date {window.as_of.isoformat()}: the extract ({edition.extract}) counts whole "
                          f"months, so a cut-off is the last day of a month; expected {month.last_day.isoformat()}")
    purpose = (f"period {month} (year to date {window.start.isoformat()} to {window.as_of.isoformat()}, "
               f"against {window.last_year_start.isoformat()} to {window.last_year_end.isoformat()})")
    try:
        coverage.require(series, [(window.last_year_start, window.last_year_end), (window.start, window.as_of)],
                         purpose)
        for year, counted in sorted(baselines(plan).items()):  # each year since the baseline is counted
            coverage.require(counted, [(year.start, window.as_of)], f"{purpose} against the baseline year "
                                                                    f"{year.label}")
    except CoverageError as error:
        raise refuse(str(error)) from None
    if lacking:
        raise CoverageError(f"{purpose} needs " + "; and ".join(lacking))
    return window


def missing_inputs(plan: Plan, found: store.Store) -> list[str]:
    """What the plan names that the store lacks altogether, beyond the extract's series (see the module's rules)."""
    lacking = []
    surveyed = sorted({b.measure.survey for i in plan.items for b in i.surveyed if b.measure.survey})
    if surveyed:
        held = set(found.table("survey", ["measure"])["measure"])
        lacking += [f"survey results for {name}, which the store does not hold" for name in surveyed
                    if name not in held]
    attitudes = sorted({b.measure.attitude for i in plan.items for b in i.measures
                        if getattr(b.measure, "attitude", None)})
    if attitudes:
        held = set(found.table("attitude", ["measure"])["measure"])
        lacking += [f"public attitude survey results for {name}, which the store does not hold" for name in attitudes
                    if name not in held]
    panels = {p for i in plan.items for p in i.panels}
    if "stop-and-search" in panels:
        force = plan.force_area
        if force not in set(found.table("stop_search", ["force"])["force"]):
            lacking.append(f"stop and search records for {force} (data.police.uk files), which the store does not "
                           "hold")
        if force not in set(found.table("census_ethnicity", ["area"])["area"]):
            lacking.append(f"2011 Census residents by ethnic group for {force}, which the store does not hold")
    if "audit" in panels and found.table("audit", ["audit"]).empty:
        lacking.append("the crime data integrity audit (the force's audit file), which the store does not hold")
    return lacking


def _last_covered(coverage: Coverage, series: list[str], month: Month) -> date | None:
    """The default cut-off: the period's last day, or the last day before the first gap this financial year
    if that is earlier (None, for `resolve`'s own default, where that day is before the period)."""
    through = coverage.covered_through(series, month.financial_year.start)
    return min(month.last_day, through) if through and through >= month.first_day else None


def _require_extract(found: store.Store, edition: Edition, missing: bool) -> None:
    if missing:
        raise InputError(f"{found.root}: no {edition.extract} rows in the store, which the edition's extract is; run "
                         f"`spcb ingest --edition {edition.name}` (or ingest its files) first")
