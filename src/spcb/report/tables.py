"""Tables as a reader sees them, and for scripts: HTML with a caption and source line, CSV, JSON and Markdown.

Figures carry thousands separators and true minus signs, sit right-aligned and never break across lines; a
change always shows its sign (+569, −735, 0); a dash stands for "not applicable". A suppressed row shows an
asterisk for every figure on the page and is empty in the data downloads. The milestone table has a Baseline
column (the baseline year's count over the same dates) only when one of its measures has a baseline year. HTML
tables are stable from run to run (fixed table ids).

Every CSV download is safe to open in a spreadsheet: a text cell or column name that a spreadsheet would read as
a formula (starting with =, +, -, @, a tab or a carriage return) starts with a single quote instead, as OWASP
advises against CSV injection, and a carriage return inside a text cell is written as a line feed, so that the
cell is quoted and cannot start a row of its own; numbers are written as they are, so -735 stays a number.
"""
from __future__ import annotations

import html
import json
import math
import re
from decimal import Decimal

import pandas as pd

from ..analysis.milestones import DASH, MINUS, Row
from ..analysis.surveys import points

COLUMNS = ("Measure", "Type", "Last year", "This year", "Difference", "Milestone", "Performance", "Variance",
           "Status")
SUPPRESSED = "*"
FORMULA = ("=", "+", "-", "@", "\t", "\r")
SIGNED = re.compile(r"[+-][0-9][0-9,]*(\.[0-9]+)?%?")
FIGURE = re.compile(r"[+\u2212-]?[0-9][0-9,]*(\.[0-9]+)?%?|\u2013|\*")  # 1,234  +5.1%  −735  a dash  a suppressed *


def _shown(row: Row, cells: list) -> list:
    """A row's cells, with every figure replaced by an asterisk where its counts are suppressed."""
    return [cells[0], cells[1], *([SUPPRESSED] * (len(cells) - 2))] if row.suppressed else cells


def _signed(value: int | Decimal, suffix: str = "") -> str:
    """'+569', '−735', '0': a change always shows its sign, with a true minus."""
    text = f"{value:+,}{suffix}" if value else f"0{suffix}"
    return text.replace("-", MINUS)


def _baseline(row: Row) -> str:
    return DASH if row.baseline is None else f"{row.baseline.count:,} in {row.baseline.year.label}"


def display_frame(rows: list[Row]) -> pd.DataFrame:
    """The table as a reader sees it: thousands separators, true minus signs, dashes for 'not applicable'."""
    baseline = any(r.baseline for r in rows)
    columns = list(COLUMNS)
    if baseline:
        columns.insert(columns.index("Milestone"), "Baseline")
    return pd.DataFrame(
        [_shown(r, [r.label, r.role.capitalize(), f"{r.last_year:,}", f"{r.this_year:,}", _signed(r.difference),
                    *([_baseline(r)] if baseline else []), r.milestone,
                    DASH if r.performance is None else _signed(r.performance, "%"),
                    DASH if r.variance is None else f"{r.variance:,}", r.status]) for r in rows],
        columns=columns,
    )


def data_frame(rows: list[Row]) -> pd.DataFrame:
    """The table for scripts: plain numbers, empty where a value does not apply or is suppressed."""
    baseline = any(r.baseline for r in rows)
    frame = pd.DataFrame({
        "measure": [r.label for r in rows],
        "type": [r.role for r in rows],
        "last_year": [r.last_year for r in rows],
        "this_year": [r.this_year for r in rows],
        "difference": [r.difference for r in rows],
        **({"baseline_year": [None if r.baseline is None else r.baseline.year.label for r in rows],
            "baseline": [None if r.baseline is None else r.baseline.count for r in rows]} if baseline else {}),
        "milestone_percent": [None if r.target is None else float(r.target * 100) for r in rows],
        "performance_percent": [None if r.performance is None else float(r.performance) for r in rows],
        **({"target_year": [r.baseline.by.label if r.baseline and r.baseline.by else None for r in rows]}
           if baseline else {}),
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
    if not frame.empty:  # a figure is right-aligned and never broken across lines; text wraps
        styler = styler.set_td_classes(frame.map(lambda cell: "spcb-figure" if FIGURE.fullmatch(str(cell)) else ""))
    return styler.to_html() + f'<p class="spcb-source">Source: {html.escape(source)}</p>\n'


def figure(value: float, spec: str) -> str:
    """A figure in the given format, or a dash where there is none (not a number, or infinite)."""
    return format(value, spec) if math.isfinite(value) else DASH


def signed_percent(value: Decimal | None) -> str:
    """'+6.1%', '−1.0%', or a dash where there is no base to compare with."""
    return DASH if value is None else _signed(value, "%")


def signed_points(value: Decimal) -> str:
    """'+1 point', '−2.5 points', '0 points': a change in percentage points, with its sign."""
    return f"{'+' if value > 0 else MINUS if value < 0 else ''}{points(abs(value))}"


def to_markdown(rows: list[Row]) -> str:
    frame = display_frame(rows)
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(values) + " |" for values in frame.itertuples(index=False)]
    return "\n".join(lines) + "\n"


def to_csv(rows: list[Row]) -> str:
    return csv_text(data_frame(rows))


def to_json(rows: list[Row]) -> str:
    records = data_frame(rows).to_dict(orient="records")
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


def csv_text(frame: pd.DataFrame) -> str:
    """A table's CSV download, with every text cell that a spreadsheet could run as a formula neutralised (the
    columns keep their types, so numbers are written as before)."""
    inert = frame.mask(frame.map(lambda value: _inert(value) is not value), frame.map(_inert))
    inert.columns = [_inert(name) for name in frame.columns]
    return inert.to_csv(index=False, lineterminator="\n")


def _inert(value):
    """A text cell that starts with a single quote where it would start a formula, and whose line breaks are
    written as \\n, so that the cell is quoted and no line of the file starts inside it. A plain signed
    figure such as +0.8% or -735 is data, not a formula, and is written as it is."""
    if not isinstance(value, str) or not (value.startswith(FORMULA) or "\r" in value) or SIGNED.fullmatch(value):
        return value
    return ("'" + value if value.startswith(FORMULA) else value).replace("\r\n", "\n").replace("\r", "\n")
