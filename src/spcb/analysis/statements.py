"""Statements generated from the data, each backed by a stated rule rather than read off a chart by eye.

For a monthly measure: whether the current financial year is stable under the SPC rules or shows special
cause variation (and in which months), how it stands against the average, which months were the lowest or
highest since records began, and the year-to-date change.

The latest month's SPC result in plain words, what it is before what it is called (`latest`, `plain_variation`):
- common cause: "No unusual change: within the normal range of the last N months (common cause variation)", N
  being the months of the current segment, from which the mean and limits are computed;
- special cause: "Unusually high (or low) for K months", K being how many months up to the latest are special
  cause in the same direction within the current segment, "high" or "low" by the side of the mean; when a trend
  decides the latest month, "Unusual rise (or fall) over K months", since a trend may lie on either side of it;
- then what it means for the board: ": look into it" for a concern, ": an improvement" for an improvement, and
  nothing more for a measure whose plan sets no direction;
- then the term in brackets: "(special cause variation, concern)", "(special cause variation, improvement)" or
  "(special cause variation; the plan sets no direction for this measure)". One month is "1 month"; the step is the
  chart's (a quarterly chart counts quarters).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..plan.model import Measure
from ..plan.periods import Month
from . import spc
from .arithmetic import percent_change
from .measures import SpcChart, YearToDate

RULE_WORDS = {
    "astronomical": ("above the upper process limit", "below the lower process limit"),
    "shift": ("a run of 7 or more months above the mean", "a run of 7 or more months below the mean"),
    "trend": ("7 or more months rising in a row", "7 or more months falling in a row"),
    "two_in_three": ("2 of 3 months close to the upper limit", "2 of 3 months close to the lower limit"),
}


def _name(month: Month) -> str:
    return month.name


def _span(months: list[Month]) -> str:
    """'July 2014', 'April and May 2014', 'April to September 2014'."""
    if len(months) == 1:
        return _name(months[0])
    consecutive = all(b == a.shift(1) for a, b in zip(months, months[1:]))
    if consecutive:
        first = months[0].name.split()[0] if months[0].year == months[-1].year else months[0].name
        return f"{first} to {_name(months[-1])}"
    names = [m.name.split()[0] if m.year == months[-1].year else m.name for m in months[:-1]]
    return ", ".join(names[:-1]) + (", " if len(names) > 1 else "") + f"{names[-1]} and {_name(months[-1])}"


def variation(chart: SpcChart, year_months: list[Month]) -> str:
    """Stable, or special cause variation in the given months (normally the financial year to date)."""
    result = chart.result
    index = [chart.months.index(m) for m in year_months if m in chart.months]
    if not index:
        return ""
    label = f"{year_months[0].financial_year.label} so far ({_span([chart.months[i] for i in index])})"
    segment = next(s for s in result.segments if s.start <= index[-1] < s.end)
    since = f", against its level since {_name(chart.months[segment.start])}" if segment.start > 0 else ""
    special = [i for i in index if result.special[i]]
    if not special:
        return f"Stable in {label}{since}: no special cause variation."
    parts = "; ".join(_describe(chart, members) for members in _groups(chart, special))
    if len(special) <= 2:
        return f"Stable in {label}{since}, apart from {parts}."
    return f"Special cause variation in {label}{since}: {parts}."


def _groups(chart: SpcChart, special: list[int]) -> list[list[int]]:
    """Consecutive special points of the same type and side, together."""
    groups: list[list[int]] = []
    result = chart.result
    for i in special:
        if groups and i == groups[-1][-1] + 1 and result.direction[i] == result.direction[groups[-1][-1]]:
            groups[-1].append(i)
        else:
            groups.append([i])
    return groups


def _describe(chart: SpcChart, members: list[int]) -> str:
    result = chart.result
    high = result.direction[members[0]] > 0
    change = "increase" if high else "decrease"
    kind = {spc.IMPROVEMENT: "an improvement", spc.CONCERN: "a concern"}.get(result.point_type[members[0]], "")
    rules = list(dict.fromkeys(result.rule[i] for i in members))
    why = " and ".join(RULE_WORDS[rule][0 if high else 1] for rule in rules)
    months = _span([chart.months[i] for i in members])
    return f"a significant {change} in {months} ({why}){', ' + kind if kind else ''}"


def average(chart: SpcChart) -> str:
    """The latest level against the average: the current segment against the one before a rebase, or the
    latest month against the mean."""
    result = chart.result
    last = len(result.values) - 1
    segment = result.segments[-1]
    unit = chart.measure.unit
    if len(result.segments) > 1:
        before = result.segments[-2]
        side = "above" if segment.mean > before.mean else "below"
        return (f"Since {_name(chart.months[segment.start])} the average has been {segment.mean:,.0f} {unit} a month, "
                f"{side} the average of {before.mean:,.0f} before then.")
    side = "above" if result.values[last] > segment.mean else "below" if result.values[last] < segment.mean else "at"
    return (f"The latest month, {_name(chart.months[last])} ({result.values[last]:,.0f}), is {side} the average of "
            f"{segment.mean:,.0f} {unit} a month since {_name(chart.months[segment.start])}.")


@dataclass(frozen=True)
class Record:
    month: Month
    value: int
    kind: str  # lowest | highest
    equalled: bool


def records(history: list[tuple[Month, int]], year_months: list[Month]) -> list[Record]:
    """Months of the year that were the lowest (or highest) since records began, at the time."""
    found = []
    for index, (month, value) in enumerate(history):
        if month not in year_months or index == 0:
            continue
        earlier = [v for _, v in history[:index]]
        for kind, best in (("lowest", min(earlier)), ("highest", max(earlier))):
            beats = value < best if kind == "lowest" else value > best
            if beats or value == best:
                found.append(Record(month, value, kind, equalled=not beats))
    return found


def record_statement(history: list[tuple[Month, int]], year_months: list[Month]) -> list[str]:
    """'Record lows since records began in April 2010 in three consecutive months: ...'."""
    first = history[0][0]
    out = []
    for kind, word in (("lowest", "low"), ("highest", "high")):
        found = [r for r in records(history, year_months) if r.kind == kind]
        new = [r for r in found if not r.equalled]
        sentence = ""
        if new:
            listed = ", ".join(f"{r.month.name} ({r.value:,})" for r in new[:-1])
            listed = f"{listed} and {new[-1].month.name} ({new[-1].value:,})" if listed else \
                f"{new[-1].month.name} ({new[-1].value:,})"
            run = len(new) > 1 and all(b.month == a.month.shift(1) for a, b in zip(new, new[1:]))
            many = f" in {_count(len(new))} consecutive months" if run else f" in {_count(len(new))} months"
            sentence = f"Record {word}{'s' if len(new) > 1 else ''} since records began in {first.name}" \
                       f"{many if len(new) > 1 else ''}: {listed}."
        set_this_year = {r.value for r in new}
        for r in (r for r in found if r.equalled and r.value in set_this_year):
            sentence += f" {r.month.name} equalled the record {word} ({r.value:,})."
        if sentence:
            out.append(sentence.strip())
    return out


def _count(n: int) -> str:
    return {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}.get(n, str(n))


def year_to_date(ytd: YearToDate, measure: Measure) -> str:
    difference = ytd.this_year - ytd.last_year
    if ytd.last_year == 0:
        return f"Year to date: {ytd.this_year:,} {measure.unit}."
    percent = abs(percent_change(ytd.this_year, ytd.last_year))
    direction = "up" if difference > 0 else "down" if difference < 0 else "unchanged"
    change = f"{direction} {abs(difference):,} ({percent}%)" if difference else "unchanged"
    return f"Year to date: {ytd.this_year:,} {measure.unit} against {ytd.last_year:,} last year, {change}."


def for_measure(chart: SpcChart, history: list[tuple[Month, int]], year_months: list[Month],
                ytd: YearToDate) -> list[str]:
    """Every computed statement for one measure, in reading order."""
    return [s for s in (variation(chart, year_months), average(chart), *record_statement(history, year_months),
                        year_to_date(ytd, chart.measure)) if s]


@dataclass(frozen=True)
class Latest:
    """The latest month's SPC result: what happened, what it means for the board, and the technical term."""

    change: str  # "No unusual change", "Unusually high for 3 months", "Unusual fall over 7 months"
    meaning: str  # "within the normal range of the last 24 months", "look into it", "an improvement" or ""
    term: str  # "common cause variation", "special cause variation, concern", ...


NO_DIRECTION = ("", "special cause variation; the plan sets no direction for this measure")
MEANING = {spc.CONCERN: ("look into it", "special cause variation, concern"),
           spc.IMPROVEMENT: ("an improvement", "special cause variation, improvement"),
           spc.NEUTRAL_HIGH: NO_DIRECTION, spc.NEUTRAL_LOW: NO_DIRECTION}


def latest(chart: SpcChart) -> Latest:
    """The latest month's SPC result in plain words (the rules are in this module's docstring)."""
    result = chart.result
    segment = result.segments[-1]
    last = len(result.values) - 1
    point_type = result.point_type[last]
    step = chart.months[-1].step
    if point_type == spc.COMMON:
        months = _months(segment.end - segment.start, step)
        return Latest("No unusual change", f"within the normal range of the last {months}", "common cause variation")
    direction = result.direction[last]
    first = last  # the run: back from the latest month while special in the same direction, within the segment
    while first > segment.start and result.special[first - 1] and result.direction[first - 1] == direction:
        first -= 1
    run = last + 1 - first
    if result.rule[last] == "trend":
        change = f"Unusual {'rise' if direction > 0 else 'fall'} over {_months(run, step)}"
    else:
        change = f"Unusually {'high' if direction > 0 else 'low'} for {_months(run, step)}"
    return Latest(change, *MEANING[point_type])


def plain_variation(chart: SpcChart) -> str:
    """'Unusually high for 3 months: look into it (special cause variation, concern)'."""
    found = latest(chart)
    return f"{found.change}{': ' + found.meaning if found.meaning else ''} ({found.term})"


def _months(n: int, step: str = "month") -> str:
    return f"{n} {step}{'s' if n != 1 else ''}"


def overview(rows, awaiting: list, period: Month) -> list[str]:
    """The headline position in neutral words: milestones on and off track, the deliverables' change, and
    how many items await an update."""
    milestones = [r for r in rows if r.target is not None]
    by_status: dict[str, list[str]] = {}
    for row in milestones:  # 'On track', 'Off track', or at the end of a baseline target's year 'Target met' ...
        by_status.setdefault(row.status.split(":")[0], []).append(row.label)
    if set(by_status) <= {"On track", "Off track"}:
        on, off = by_status.get("On track", []), by_status.get("Off track", [])
        out = [f"Of {len(milestones)} milestones with a numeric target, {len(on)} "
               f"{'is' if len(on) == 1 else 'are'} on track{_names(on)} and {len(off)} "
               f"{'is' if len(off) == 1 else 'are'} off track{_names(off)}."]
    else:
        out = [f"Of {len(milestones)} milestone{'s' if len(milestones) != 1 else ''} with a numeric target: "
               + "; ".join(f"{len(labels)} {status[0].lower() + status[1:]}{_names(labels)}"
                           for status, labels in by_status.items()) + "."]
    for row in (r for r in rows if r.target is None):
        change = "unchanged" if row.difference == 0 else (
            f"{'up' if row.difference > 0 else 'down'} {abs(row.performance)}%" if row.performance is not None
            else "up from none")
        out.append(f"{row.label}: {row.this_year:,} year to date, {change} on last year.")
    out.append(f"{len(awaiting)} item{'s' if len(awaiting) != 1 else ''} due in {period.name} "
               f"{'is' if len(awaiting) == 1 else 'are'} awaiting an update." if awaiting
               else f"Every item due in {period.name} has its update.")
    return out


def _names(labels: list[str]) -> str:
    return f" ({', '.join(labels)})" if labels else ""
