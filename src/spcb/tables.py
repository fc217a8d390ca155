"""The milestone table, with the board paper's arithmetic, and its renderings (HTML, CSV, JSON, Markdown).

Difference = this year - last year. Performance = difference / last year, in per cent to one decimal
place (halves away from zero). The target is floor(last year x (1 + milestone)); the variance is the
distance between this year and that target, and the status says on which side it lies.
"""
from __future__ import annotations

import html
import io
import json
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pandas as pd

from .inputs import Extract
from .measures import year_to_date
from .periods import Window
from .plan import Binding

MINUS = "\u2212"
DASH = "\u2013"
COLUMNS = ("Measure", "Type", "Last year", "This year", "Difference", "Milestone", "Performance", "Variance",
           "Status")


@dataclass(frozen=True)
class Row:
    """One measure's year-to-date position against its milestone, if it has one."""

    label: str
    role: str
    better: str
    last_year: int
    this_year: int
    target: Fraction | None = None
    suppress_below: int = 0  # counts below this are not published (sensitive categories)

    @property
    def suppressed(self) -> bool:
        return min(self.last_year, self.this_year) < self.suppress_below

    @property
    def difference(self) -> int:
        return self.this_year - self.last_year

    @property
    def performance(self) -> Decimal | None:
        if self.last_year == 0:
            return None
        ratio = Fraction(self.difference * 100, self.last_year)
        exact = Decimal(ratio.numerator) / Decimal(ratio.denominator)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def target_count(self) -> int | None:
        if self.target is None:
            return None
        return math.floor(self.last_year * (1 + self.target))

    @property
    def variance(self) -> int | None:
        return None if self.target_count is None else abs(self.this_year - self.target_count)

    @property
    def on_track(self) -> bool | None:
        if self.target_count is None:
            return None
        if self.better == "higher":
            return self.this_year >= self.target_count
        return self.this_year <= self.target_count

    @property
    def status(self) -> str:
        """'On track: 574 below target', so the sign of the variance cannot be misread."""
        if self.target_count is None:
            return DASH
        side = "below" if self.this_year < self.target_count else "above" if self.this_year > self.target_count else "at"
        distance = "" if side == "at" else f"{self.variance:,} "
        return f"{'On track' if self.on_track else 'Off track'}: {distance}{side} target"


def rows_for(bindings: tuple[Binding, ...] | list[Binding], extract: Extract, window: Window,
             suppress_below=lambda measure: 0) -> list[Row]:
    """Year-to-date rows for the given measure bindings, in their order; `suppress_below(measure)` gives the
    publication threshold of a measure's counts."""
    rows = []
    for binding in bindings:
        ytd = year_to_date(extract, binding.measure.series, window)
        rows.append(Row(binding.measure.label, binding.role, binding.measure.better, ytd.last_year, ytd.this_year,
                        binding.target, suppress_below(binding.measure)))
    return rows


SUPPRESSED = "*"


def _shown(row: Row, cells: list) -> list:
    """A row's cells, with every figure replaced by an asterisk where its counts are suppressed."""
    return [cells[0], cells[1], *([SUPPRESSED] * (len(cells) - 2))] if row.suppressed else cells


def _signed(value: int | Decimal, suffix: str = "") -> str:
    """'+569', '−735', '0': a change always shows its sign, with a true minus."""
    text = f"{value:+,}{suffix}" if value else f"0{suffix}"
    return text.replace("-", MINUS)


def _milestone(target: Fraction | None) -> str:
    return DASH if target is None else f"{float(target * 100):g}%".replace("-", MINUS)


def display_frame(rows: list[Row]) -> pd.DataFrame:
    """The table as a reader sees it: thousands separators, true minus signs, dashes for 'not applicable'."""
    return pd.DataFrame(
        [_shown(r, [r.label, r.role.capitalize(), f"{r.last_year:,}", f"{r.this_year:,}", _signed(r.difference),
                    _milestone(r.target), DASH if r.performance is None else _signed(r.performance, "%"),
                    DASH if r.variance is None else f"{r.variance:,}", r.status]) for r in rows],
        columns=list(COLUMNS),
    )


def data_frame(rows: list[Row]) -> pd.DataFrame:
    """The table for scripts: plain numbers, empty where a value does not apply or is suppressed."""
    frame = pd.DataFrame({
        "measure": [r.label for r in rows],
        "type": [r.role for r in rows],
        "last_year": [r.last_year for r in rows],
        "this_year": [r.this_year for r in rows],
        "difference": [r.difference for r in rows],
        "milestone_percent": [None if r.target is None else float(r.target * 100) for r in rows],
        "performance_percent": [None if r.performance is None else float(r.performance) for r in rows],
        "target": [r.target_count for r in rows],
        "variance": [r.variance for r in rows],
        "on_track": [r.on_track for r in rows],
        "status": [None if r.target is None else r.status for r in rows],
    }, dtype=object)
    frame.loc[[r.suppressed for r in rows], list(frame.columns[2:])] = None
    return frame


def html_table(frame: pd.DataFrame, caption: str, table_id: str, source: str) -> str:
    """Any display frame as an accessible HTML table (caption, header cells) naming its source; stable
    from run to run."""
    escaped = frame.map(html.escape) if not frame.empty else frame
    styler = (escaped.style.set_uuid(table_id).hide(axis="index").set_caption(html.escape(caption))
              .set_table_attributes('class="spcb-table"'))
    return styler.to_html() + f'<p class="spcb-source">Source: {html.escape(source)}</p>\n'


def signed_percent(value: Decimal | None) -> str:
    """'+6.1%', '−1.0%', or a dash where there is no base to compare with."""
    return DASH if value is None else _signed(value, "%")


def to_markdown(rows: list[Row]) -> str:
    frame = display_frame(rows)
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(values) + " |" for values in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def to_csv(rows: list[Row]) -> str:
    buffer = io.StringIO()
    data_frame(rows).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def to_json(rows: list[Row]) -> str:
    records = data_frame(rows).to_dict(orient="records")
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"
