"""The parts a page is made of: the window, the counts' granularity and the demonstration notice, an item's update,
the milestone table, a measure's charts and computed statements, its progress against a baseline year, survey
results, public attitude survey proportions (no interval or test where no sample size is published), stop and
search (this year alone, saying why, when last year's records are missing), and the audit.

Each panel is a function of the page's context and displays through `output`; panels never call pages.
"""
from __future__ import annotations

import functools
import html
import math

import pandas as pd

from ..analysis import milestones, statements, stopsearch, surveys
from ..analysis.arithmetic import rounded
from ..analysis.coverage import Unavailable
from ..analysis.measures import SpcChart, monthly, year_to_date
from ..analysis.milestones import DASH, rows_for
from ..plan.model import FREQUENCY_LABELS, Binding, Item, Measure
from ..plan.periods import FinancialYear, Month, long_date
from . import charts, narrative, output, tables
from .context import PageContext
from .narrative import Update


def preamble(ctx: PageContext, uses_data: bool) -> str:
    """The window the page uses, whether its counts are daily or monthly, and, where its figures come from a
    demonstration extract, a notice saying so."""
    step = ("Counts are daily, to the end of the cut-off day." if ctx.extract.granularity == "daily" else
            f"Counts are monthly, so the year to date is whole months, April to {ctx.period.name}.")
    text = f"*{ctx.window.describe()} {step}*"
    if uses_data and ctx.extract.demonstration:
        text += ("\n\n:::{admonition} Demonstration data\n:class: warning spcb-demonstration\n"
                 f"Figures on this page whose source is the **{output.plain(ctx.extract.title)}** are demonstration "
                 "data: they reproduce the figures published for this period but are not the force's records. "
                 "See {doc}`about-the-data`.\n:::")
    return text


def cover(ctx: PageContext, awaiting: int) -> None:
    """The board paper's cover: the board, the title, the force, the period and cut-off, the purpose, and what the
    board is asked to do."""
    plan, period = ctx.plan, ctx.period.name
    asked = (f"note the position against each milestone and deliverable year to date, what has changed since "
             f"{'the last report' if ctx.previous else 'the start of the year'}"
             + (f", and the {awaiting} item{'s' if awaiting != 1 else ''} awaiting an update" if awaiting else "")
             + ".")
    demo = ("<p class=\"spcb-cover-note\">Figures from the force's extract in this edition are demonstration "
            "data; see About the data.</p>" if ctx.extract.demonstration else "")
    output.printed_only(
        f'<div class="spcb-cover"><p class="spcb-cover-board">{html.escape(plan.board)}</p>'
        f'<p class="spcb-cover-title">{html.escape(ctx.edition.title)}</p>'
        f'<p class="spcb-cover-subtitle">Performance against the {html.escape(plan.title)}: {period}</p>'
        f'<p class="spcb-cover-from">Report of {html.escape(plan.force)}. Data to {long_date(ctx.window.as_of)}.</p>'
        f'<p><strong>Purpose.</strong> To inform the {html.escape(plan.board)} of performance against the '
        f'milestones and deliverables of the {html.escape(plan.title)}, year to date to '
        f'{long_date(ctx.window.as_of)}.</p>'
        f'<p><strong>Recommendation.</strong> The {html.escape(plan.board)} is asked to {html.escape(asked)}</p>'
        f'{demo}</div>')


def update_text(ctx: PageContext, item: Item, update: Update) -> str:
    """The markdown for an item's update: commentary, a standing marker, or what is missing."""
    parts = []
    status = update.status
    if status is not None:
        if status.marker == "see":
            parts.append("See also " + " and ".join(f"{{ref}}`{output.words(ctx.plan.item(i).short)} <{i}>`"
                                                     for i in status.see) + ".")
        else:
            label = {"not-required": "Not required", "deferred": "Update deferred",
                     "elsewhere": "Reported elsewhere"}[status.marker]
            parts.append(f":::{{admonition}} {label}\n:class: note spcb-status\n{narrative.safe(status.note)}\n:::")
    if update.state == "commentary":
        parts.append(narrative.safe(update.commentary))
    elif update.state == "carried-forward":
        lines = update.commentary.splitlines()
        parts.append(output.update_required(f"The commentary below is carried forward unchanged from "
                                            f"{output.plain(narrative.carried_forward(update.commentary))}; it has "
                                            f"not been updated for {ctx.period.name}."))
        parts.append(narrative.safe("\n".join(lines[1:]).strip()))
    elif update.state == "update-required":
        parts.append(output.update_required(f"This item is due for an update in {ctx.period.name} "
                                            f"({FREQUENCY_LABELS[item.frequency].lower()}) and has no commentary."))
    elif update.state == "not-due":
        when = f"The next update is due in {update.next_due.name}." if update.next_due else (
            "It is not due again in this plan year." if item.frequency != "none"
            else "The plan sets no reporting frequency for it.")
        parts.append(f"*No update is due in {ctx.period.name}. {when}*")
    return "\n\n".join(parts)


def milestone_table(ctx: PageContext) -> None:
    """The paper's headline table: every milestone and deliverable, year to date."""
    rows = rows_for(ctx.plan.milestone_table, ctx.extract, ctx.window, ctx.plan.threshold)
    caption = f"Milestones and deliverables, year to date to {long_date(ctx.window.as_of)}"
    output.table(tables.display_frame(rows), caption, "milestones", ctx.extract.title, tables.data_frame(rows))


def item_table(ctx: PageContext, item: Item) -> None:
    """An item's own measures, year to date."""
    rows = rows_for(item.counted, ctx.extract, ctx.window, ctx.plan.threshold)
    output.table(tables.display_frame(rows), f"{item.short}: year to date", item.id, ctx.extract.title,
                 tables.data_frame(rows))


def spc_chart(ctx: PageContext, measure: Measure) -> SpcChart:
    frame = monthly(ctx.extract, measure.series, ctx.window)
    return SpcChart.of(measure, list(frame["month"]), list(frame["count"]))


def measure_statements(ctx: PageContext, measure: Measure) -> list[str]:
    """Every computed statement for a counted measure, over its whole history in the extract."""
    history = monthly(ctx.extract, measure.series, ctx.window,
                      years=ctx.window.financial_year.start_year - FinancialYear.of_date(
                          ctx.extract.first_date).start_year + 1)
    year = [m for m in history["month"] if m.financial_year == ctx.window.financial_year]
    return statements.for_measure(spc_chart(ctx, measure), list(zip(history["month"], history["count"])), year,
                                  year_to_date(ctx.extract, measure.series, ctx.window))


def measure(ctx: PageContext, measure: Measure) -> None:
    """A measure's SPC chart and the statements computed from it; its months by financial year are in the
    appendix (`trend`)."""
    chart = spc_chart(ctx, measure)
    output.figure(charts.spc_png(chart), charts.spc_alt(chart), ctx.extract.title)
    output.markdown(output.computed(measure.label, measure_statements(ctx, measure)))


def trend(ctx: PageContext, measure: Measure) -> None:
    """A measure's months by financial year, one line a year, with the current SPC mean and limits."""
    frame = monthly(ctx.extract, measure.series, ctx.window)
    current = spc_chart(ctx, measure).result.segments[-1]
    output.figure(charts.trend_png(frame, measure, current), charts.alt_text(frame, measure) + (
        f" Reference lines show the current SPC mean ({current.mean:,.0f}) and process limits "
        f"({max(current.lower, 0):,.0f} to {current.upper:,.0f})."), ctx.extract.title)


def standing(row: milestones.Row) -> str:
    """Where a measure stands, in words: its status against its milestone, or its change on last year."""
    return row.status if row.target is not None else f"{tables.signed_percent(row.performance)} on last year"


def changes(ctx: PageContext, bindings: list[Binding]) -> list[tuple[milestones.Row, milestones.Row | None, str]]:
    """Each measure now, at the last report (None when there was none), and the direction of travel."""
    now = rows_for(bindings, ctx.extract, ctx.window, ctx.plan.threshold)
    if ctx.previous is None:
        return [(row, None, "") for row in now]
    before = rows_for(bindings, ctx.extract, ctx.previous, ctx.plan.threshold)
    return [(row, earlier, milestones.travel(row, earlier)) for row, earlier in zip(now, before)]


def last_report(ctx: PageContext) -> str:
    """The last report, in words, or why there is nothing to compare with."""
    if ctx.previous is None:
        return ("no earlier report of this plan has been built (or the data no longer covers it), so there is "
                "nothing to compare with")
    return f"the {ctx.previous.period.name} report, year to date to {long_date(ctx.previous.as_of)}"


def since_last(ctx: PageContext, item: Item) -> str:
    """What changed for an item's measures since the last report, one line each."""
    if ctx.previous is None:
        return f"*Since the last report: {last_report(ctx)}.*"
    lines = [f"- **{output.plain(row.label)}**: {output.plain(standing(before))} at the last report; now "
             f"{output.plain(standing(row))}. Direction of travel: **{way}**."
             for row, before, way in changes(ctx, list(item.counted)) if not row.suppressed]
    return f"**Since the last report** ({last_report(ctx)}):\n\n" + "\n".join(lines)


def optional(subject: str):
    """An optional panel: where its source does not cover the period it says so, and the page goes on."""
    def wrap(panel):
        @functools.wraps(panel)
        def shown(ctx: PageContext, *args) -> None:
            try:
                panel(ctx, *args)
            except Unavailable as why:
                output.not_available(subject(*args) if callable(subject) else subject, narrative.safe(str(why)))
        return shown
    return wrap


@optional(lambda measure: measure.label)
def survey(ctx: PageContext, measure: Measure) -> None:
    """A survey measure: latest result with its interval, the comparison and whether it is significant."""
    last = ctx.window.last_complete_month
    results = ctx.table("survey")
    compared = (surveys.by_wave if measure.basis == "wave" else surveys.rolling_year)(results, measure.survey, last)
    latest, previous = compared.latest, compared.previous
    source = ctx.source("survey")
    output.table(pd.DataFrame({
        "Result": ["Latest", "Compared with"], "Period": [latest.label, previous.label],
        "Respondents": [f"{e.respondents:,}" for e in (latest, previous)],
        measure.unit.capitalize(): [f"{e.percent:.1f}%" for e in (latest, previous)],
        "95% interval": [f"{e.interval[0]:.1f}% to {e.interval[1]:.1f}%" for e in (latest, previous)],
    }), f"{measure.label}: latest result and its comparison", f"survey-{measure.id}", source)
    history = surveys.monthly_percent(results, measure.survey, last)
    output.figure(charts.survey_png(history, measure), charts.survey_alt(history, measure), source)
    lines = [compared.statement(measure.label)]
    if measure.basis == "rolling-12-months":  # monthly results: an SPC chart of the monthly percentages
        recent = history[history["month"] >= str(ctx.window.financial_year.start_year - 2) + "-04"]
        chart = SpcChart.of(measure, [Month.parse(m) for m in recent["month"]],
                            [round(p, 1) for p in recent["percent"]])
        output.figure(charts.spc_png(chart), charts.spc_alt(chart), source)
        lines.append(statements.variation(chart, [m for m in chart.months
                                                  if m.financial_year == ctx.window.financial_year]))
    if measure.basis == "wave":
        lines += [s.replace(",", "") for s in statements.record_statement(
            [(Month.parse(m), round(p, 1)) for m, p in zip(history["month"], history["percent"])],
            [Month.parse(history["month"].iloc[-1])])]
    output.markdown(output.computed(measure.label, lines))


@optional("Stop and search")
def stop_search(ctx: PageContext) -> None:
    """Searches, arrest and positive outcome rates, and disproportionality, this year against last."""
    force = ctx.plan.force_area
    people = stopsearch.census(ctx.table("census_ethnicity"), force)
    searches = ctx.table("stop_search")
    spans = [(ctx.window.last_year_start, ctx.window.last_year_end), (ctx.window.start, ctx.window.as_of)]
    stopsearch.require(searches, force, spans[1:], "the year to date")
    try:
        stopsearch.require(searches, force, spans[:1], "comparing this year with last")
        uncompared = None
    except Unavailable as why:  # this year alone is shown, and why there is no comparison
        uncompared, spans = str(why), spans[1:]
    source = ctx.source("stop_search")
    windows = []
    for start, end in spans:
        label = f"{long_date(start)} to {long_date(end)}"
        months = ((end - start).days + 1) / (365.25 / 12)
        windows.append(stopsearch.summarise(stopsearch.records(searches, force, start, end), label, months))
    now = windows[-1]
    rows = [("Searches", lambda w: f"{w.searches:,}"), ("Searches a month", lambda w: f"{w.per_month:,.0f}"),
            ("Arrest rate", lambda w: f"{w.arrest_rate:.1f}%"),
            ("Positive outcome rate", lambda w: f"{w.positive_rate:.1f}%")]
    rows += [(f"Searches per 1,000 {g} people", lambda w, g=g: tables.figure(w.rates(people)[g], ".2f"))
             for g in stopsearch.GROUPS]
    rows += [(f"{g} to White ratio", lambda w, g=g: tables.figure(w.ratios(people)[g], ".1f"))
             for g in stopsearch.GROUPS[1:]]
    rows += [("Records without an ethnicity", lambda w: f"{w.without_ethnicity:,} "
              f"({w.without_ethnicity / w.searches * 100 if w.searches else 0:.1f}%)")]
    output.table(pd.DataFrame({"Measure": [r[0] for r in rows], **{w.label: [r[1](w) for r in rows] for w in windows}}),
                 f"Stop and search in {force}", "stop-search", source)
    history = stopsearch.per_month(searches, force)
    history = history[history["month"] <= str(ctx.window.last_complete_month)]
    output.figure(charts.searches_png(history), charts.searches_alt(history), source)
    output.markdown(output.computed("stop and search", [
        *(_search_changes(windows, people) if uncompared is None else [
            f"No comparison with last year: {uncompared}.",
            f"About {now.per_month:,.0f} searches a month ({now.label}); the arrest rate was {now.arrest_rate:.1f}% "
            f"and the positive outcome rate {now.positive_rate:.1f}%.", _ratios([now], people)]),
        f"{stopsearch.METHOD} In the latest window {now.from_self:,} records gave a self-defined ethnicity, "
        f"{now.from_officer:,} only an officer-defined one, and {now.without_ethnicity:,} neither (left out).",
    ]))


def _search_changes(windows: list, people: dict) -> list[str]:
    """Stop and search last year against this year, in words."""
    before, now = windows
    return [f"Searches went from about {before.per_month:,.0f} a month ({before.label}) to about "
            f"{now.per_month:,.0f} ({now.label}).",
            f"The arrest rate went from {before.arrest_rate:.1f}% to {now.arrest_rate:.1f}%, and the positive "
            f"outcome rate from {before.positive_rate:.1f}% to {now.positive_rate:.1f}%.", _ratios(windows, people)]


def _ratios(windows: list, people: dict) -> str:
    """How much likelier Asian and Black people were to be searched than White people, in each window."""
    ratio = {(w.label, g): w.ratios(people)[g] for w in windows for g in ("Asian", "Black")}
    if not all(math.isfinite(r) for r in ratio.values()):
        return ("No ratio to White people can be given: a window has no searches of White people, or the census "
                "no residents in a group.")
    first, last = windows[0].label, windows[-1].label
    if len(windows) == 1:
        return (f"Asian people were {ratio[last, 'Asian']:.1f} times as likely as White people to be searched, "
                f"and Black people {ratio[last, 'Black']:.1f} times.")
    return (f"Asian people were {ratio[first, 'Asian']:.1f} times as likely as White people to be "
            f"searched, and are now {ratio[last, 'Asian']:.1f} times; Black people "
            f"{ratio[first, 'Black']:.1f} times, now {ratio[last, 'Black']:.1f}.")


@optional("Crime data integrity audit")
def audit(ctx: PageContext) -> None:
    """The crime data integrity audit, with the rates computed from the counts."""
    audit = ctx.table("audit")
    if audit.empty:
        raise Unavailable("the store holds no audit counts; ingest the force's audit file")
    names = {"incidents": "Crimes from incidents", "directly-recorded": "Directly recorded crimes",
             "no-crime": "No-crime decisions"}
    output.table(pd.DataFrame({
        "Audit": [names[a] for a in audit["audit"]], "Category": audit["category"],
        "Should have been recorded, or examined": [f"{n:,}" for n in audit["expected"]],
        "Recorded, or correct": [f"{n:,}" for n in audit["correct"]],
        "Rate": [f"{rounded(c / e * 100)}%" for c, e in zip(audit["correct"], audit["expected"])],
    }), "Crime data integrity audit: compliance rates computed from the counts", "audit", ctx.source("audit"))


def baseline_progress(ctx: PageContext, binding: Binding) -> None:
    """A count against its baseline year: each financial year since, and where it stands now against the
    baseline and, for a milestone, against its target. A year whose counts fall below the plan's threshold for
    the measure shows asterisks, and then no statement gives a figure."""
    measure, baseline = binding.measure, binding.baseline
    years = milestones.progress(ctx.extract, measure.series, baseline, ctx.window)
    threshold = ctx.plan.threshold(measure)
    hidden = [min(n, b) < threshold for n, b in zip(years["count"], years["baseline"])]

    def shown(values, spell) -> list[str]:
        return [tables.SUPPRESSED if h else spell(v) for v, h in zip(values, hidden)]

    data = years[["financial_year", "first", "last", "count", "baseline"]].assign(
        change_percent=[None if c is None else float(c) for c in years["change"]]).astype(object)
    data.loc[hidden, ["count", "baseline", "change_percent"]] = None
    output.table(pd.DataFrame({
        "Financial year": years["financial_year"],
        "Dates counted": [d[0].upper() + d[1:] for d in years["dates"]],
        measure.unit.capitalize(): shown(years["count"], lambda n: f"{n:,}"),
        f"{baseline.label}, same dates": shown(years["baseline"], lambda n: f"{n:,}"),
        f"Change on {baseline.label}": shown(years["change"], tables.signed_percent),
    }), f"{measure.label} against the baseline year {baseline.label}", f"baseline-{measure.id}", ctx.extract.title,
        data)
    row = rows_for((binding,), ctx.extract, ctx.window, ctx.plan.threshold)[0]
    lines = ([f"Counts below {threshold:,} are not published for this measure, so no figure is given against "
              f"{baseline.label}."] if any(hidden) or row.suppressed
             else milestones.against_baseline(row, years, measure.unit))
    output.markdown(output.computed(measure.label, lines))


@optional(lambda binding: binding.measure.label)
def attitude(ctx: PageContext, binding: Binding) -> None:
    """A public attitude survey's proportion, published with no sample size: the latest result against the one
    before it and the one a year earlier, and against the level the plan sets it to reach."""
    measure = binding.measure
    compared = surveys.attitude(ctx.table("attitude"), measure.attitude, measure.area, ctx.window.as_of)
    results = [(name, found) for name, found in (("Latest", compared.latest), ("Previous", compared.previous),
                                                 ("A year earlier", compared.year_earlier)) if found]
    output.table(pd.DataFrame({
        "Result": [name for name, _ in results],
        "Period ending": [long_date(found.period_end) for _, found in results],
        measure.unit.capitalize(): [f"{surveys.figure(found.percent)}%" for _, found in results],
        "Change to the latest": [DASH if found is compared.latest else tables.signed_points(compared.change(found))
                                 for _, found in results],
    }), f"{measure.label} ({measure.area}): latest result and its comparisons", f"attitude-{measure.id}",
        ctx.source("attitude"))
    lines = compared.statements(measure.label)
    if binding.reach is not None:
        against = compared.against(binding.reach, measure.better)
        if ctx.window.as_of == ctx.plan.financial_year.financial_year.end:  # the plan's year is over: say so plainly
            verdict = "met" if compared.reached(binding.reach, measure.better) else "not met"
            against = (f"Target {verdict} at the end of {ctx.window.financial_year.label}: "
                       f"{against[0].lower()}{against[1:]}")
        lines.insert(1, f"{against}.")
    output.markdown(output.computed(measure.label, lines))


# The panels an item may name in the plan (its `panels` field).
BY_NAME = {"stop-and-search": stop_search, "audit": audit}
