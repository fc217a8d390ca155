"""The Police and Crime Plan as data: objectives, items, leads, frequencies, targets and measures.

An item is a milestone (judged on a measure against a target) or a deliverable. Each measure is a count from
the extract, a survey result with its sample (the force's surveys), or a published proportion with none (a public
attitude survey, for one area). A milestone's direction is the way its measure is better: reduce where lower
is better, increase where higher is; a measure that is better neither way is no milestone. A count's milestone
has a change as its target: on last year, or on a baseline year when its binding names one, to be met by the
end of a target year (the plan's financial year unless it names another); a count bound with a baseline is also
shown against it, year by year. An attitude measure's milestone has a level to reach. An item is due for
an update in the months its frequency names (monthly: every month of the plan year; quarterly and 6-monthly:
the plan's reporting months). Counts of a sensitive measure below the plan's threshold are not published.
An item's short title names it in tables and navigation: its `short`, or else its title, which is then of at most
`SHORT_WORDS` words; the full title is printed once, on the item's own page.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..ingest.contract import force_name
from .periods import FinancialYear, Month

FREQUENCIES = ("monthly", "quarterly", "6-monthly", "quarterly-until-complete", "none")
FREQUENCY_LABELS = {
    "monthly": "Monthly",
    "quarterly": "Quarterly",
    "6-monthly": "6-monthly",
    "quarterly-until-complete": "Quarterly until complete",
    "none": "No set frequency",
}
KINDS = ("milestone", "deliverable")
ROLES = ("milestone", "deliverable", "indicator")
MARKERS = ("not-required", "deferred", "see", "elsewhere")
PANELS = ("stop-and-search", "audit")
BASES = ("wave", "rolling-12-months")
DIRECTIONS = ("lower", "higher", "neutral")
MILESTONE_DIRECTIONS = {"lower": "reduce", "higher": "increase"}  # by the measure's `better`
SHORT_WORDS = 10  # the most words of a short title, counted as whitespace-separated tokens


@dataclass(frozen=True)
class Measure:
    """A count from the extract (`series`), a survey result (`survey`, compared by wave or over a rolling
    12 months), or a public attitude survey's proportion (`attitude`, the publisher's name for it, in `area`)."""

    id: str
    label: str
    series: str | None
    unit: str
    better: str
    rebase: tuple[Month, ...] = ()
    survey: str | None = None
    basis: str | None = None  # wave | rolling-12-months, for survey measures
    attitude: str | None = None
    area: str | None = None  # the area an attitude measure's results are for


@dataclass(frozen=True)
class Binding:
    """A measure as one item uses it: the milestone it is judged on, a deliverable, or an indicator. Only a
    milestone has a direction (reduce or increase) and a target: on a count, a change (-2% as -1/50) on last year,
    or on the `baseline` year by the end of the year `by`; on an attitude measure, a level to `reach` (75% as
    3/4). Any binding to a count may name a baseline year."""

    measure: Measure
    role: str
    target: Fraction | None = None
    direction: str | None = None
    baseline: FinancialYear | None = None
    by: FinancialYear | None = None  # the year a target against the baseline is for
    reach: Fraction | None = None


@dataclass(frozen=True)
class Status:
    marker: str
    note: str = ""
    see: tuple[str, ...] = ()
    period: Month | None = None

    def applies_to(self, period: Month) -> bool:
        return self.period is None or self.period == period


@dataclass(frozen=True)
class Item:
    id: str
    title: str
    kind: str
    lead: str | None
    frequency: str
    objective_id: str
    status: Status | None = None
    measures: tuple[Binding, ...] = ()
    milestone_table: bool = False
    panels: tuple[str, ...] = ()
    short_title: str | None = None  # the plan's `short`, where it gives one; read `short`

    @property
    def short(self) -> str:
        """The item's name in tables and navigation: its short title, or else its title."""
        return self.short_title or self.title

    @property
    def counted(self) -> tuple[Binding, ...]:
        """The bindings to counts from the extract (the ones with year-to-date tables and SPC charts)."""
        return tuple(b for b in self.measures if b.measure.series)

    @property
    def surveyed(self) -> tuple[Binding, ...]:
        return tuple(b for b in self.measures if b.measure.survey)

    @property
    def attitudes(self) -> tuple[Binding, ...]:
        return tuple(b for b in self.measures if b.measure.attitude)

    @property
    def lead_line(self) -> str:
        """'Lead: ACC Operations, quarterly', or only how often where the plan names no lead."""
        often = FREQUENCY_LABELS[self.frequency]
        return f"Lead: {self.lead}, {often[0].lower() + often[1:]}" if self.lead else f"{often}; the plan names no lead"


@dataclass(frozen=True)
class Objective:
    id: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class PaperFigures:
    """What the board paper says about the force against public data, for the book to check."""

    lower_rate_than_group: bool | None = None
    reduction_from: str | None = None
    reduction_to: str | None = None
    reduction_percent: float | None = None
    reduction_crimes: int | None = None
    second_lowest_year: str | None = None


@dataclass(frozen=True)
class ComparisonSpec:
    """The force and the comparator group the plan compares it with."""

    force: str
    group_name: str
    group: tuple[str, ...]
    paper: PaperFigures = PaperFigures()


@dataclass(frozen=True)
class Plan:
    title: str
    force: str
    board: str
    financial_year: Month
    reporting_months: dict[str, tuple[Month, ...]]
    measures: dict[str, Measure]
    milestone_table: tuple[Binding, ...]
    objectives: tuple[Objective, ...]
    comparison: ComparisonSpec | None = None
    suppress_below: int = 5
    sensitive: tuple[str, ...] = ()
    source: Path = field(default=Path("plan.yml"))

    def threshold(self, measure: Measure) -> int:
        """Counts of a sensitive measure below this are not published."""
        return self.suppress_below if measure.id in self.sensitive else 0

    @property
    def force_area(self) -> str:
        """The force's police force area: the comparison's force, or the force's name less 'Police'."""
        if self.comparison:
            return self.comparison.force
        return force_name(self.force) or self.force

    @property
    def items(self) -> list[Item]:
        return [item for objective in self.objectives for item in objective.items]

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def objective(self, objective_id: str) -> Objective:
        for objective in self.objectives:
            if objective.id == objective_id:
                return objective
        raise KeyError(f"no objective {objective_id!r} in {self.source}; "
                       f"known: {', '.join(o.id for o in self.objectives)}")

    def due_months(self, frequency: str) -> tuple[Month, ...]:
        """The months of the plan year in which an item of this frequency must be updated."""
        if frequency == "monthly":
            return tuple(self.financial_year.shift(i) for i in range(12))
        if frequency == "quarterly-until-complete":
            frequency = "quarterly"
        return self.reporting_months.get(frequency, ())
