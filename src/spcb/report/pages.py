"""The pages of the report book, each a plain function of its page context.

A notebook loads the context once (`PageContext.load`) and calls one of these: `summary`, `objective`,
`appendix`, `comparison` or `provenance`. Everything shown is composed here and in `panels`, so that the notebooks stay
a parameters cell, a glued title and one call.
"""
from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pandas as pd

from .. import __version__
from ..analysis import compare, statements
from ..analysis.arithmetic import rounded
from ..analysis.compare import ForceComparison
from ..analysis.coverage import Unavailable
from ..analysis.milestones import DASH, rows_for
from ..ingest.store import sha256
from ..plan.model import Item, Objective
from ..plan.periods import long_date
from . import catalogue, charts, narrative, output, panels, tables
from .context import PageContext

PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "pyarrow", "pandera", "papermill", "jupyter-book", "myst-nb",
            "sphinx", "nbval")


def objective(ctx: PageContext, objective_id: str) -> None:
    """The page of one strategic objective: a block for each item with something to show (measures, panels, an
    update or a standing marker), then one line for each of the others."""
    found = ctx.plan.objective(objective_id)
    output.title(found.title)
    output.markdown(panels.preamble(ctx, uses_data=any(i.measures or i.milestone_table or i.panels
                                                       for i in found.items)))
    shown = [item for item in found.items if _shows_something(ctx, item)]
    quiet = [item for item in found.items if item not in shown]
    output.markdown(":::{container} spcb-screen-only\n**On this page**\n\n" + "\n".join(
        f"- {{ref}}`{output.words(item.short)} <{item.id}>`" for item in shown)
        + (f"\n- {{ref}}`Items with no update due <quiet-{found.id}>`" if quiet else "") + "\n:::")
    for item in shown:
        _item(ctx, item)
    if quiet:
        output.markdown(f"(quiet-{found.id})=\n## Items with no update due\n\n" + "\n\n".join(
            f"({item.id})=\n### {output.plain(item.short)}\n\n{_kind(item)} · {output.plain(item.lead_line)}. "
            f"{panels.update_text(ctx, item, ctx.update(item)).strip('*')}" for item in quiet))


def _shows_something(ctx: PageContext, item: Item) -> bool:
    return bool(item.measures or item.panels or item.milestone_table or ctx.update(item).state != "not-due")


def _kind(item: Item) -> str:
    return "Milestone" if item.kind == "milestone" else "Deliverable"


def _item(ctx: PageContext, item: Item) -> None:
    wording = f"*The plan:* {output.plain(item.title)}\n\n" if item.short != item.title else ""
    output.markdown(f"({item.id})=\n## {output.plain(item.short)}\n\n{wording}**{_kind(item)}** · "
                    f"{output.plain(item.lead_line)}\n\n{panels.update_text(ctx, item, ctx.update(item))}")
    if item.counted:
        output.markdown(panels.since_last(ctx, item))
    if item.milestone_table:
        output.markdown("The milestone table, every milestone and deliverable together, opens the "
                        "{doc}`executive summary <executive-summary>`.")
    with output.details(item.short):
        _details(ctx, item)


def _details(ctx: PageContext, item: Item) -> None:
    """An item's tables, charts and computed statements: the printed paper puts them in its appendix."""
    if item.counted:
        panels.item_table(ctx, item)
    for binding in item.counted:
        panels.measure(ctx, binding.measure)
        if binding.baseline:
            panels.baseline_progress(ctx, binding)
    if item.counted:
        output.markdown("Each measure's months by financial year are in the {doc}`appendix <appendix>`.")
    for binding in item.surveyed:
        panels.survey(ctx, binding.measure)
    for binding in item.attitudes:
        panels.attitude(ctx, binding)
    for panel in item.panels:
        panels.BY_NAME[panel](ctx)


def summary(ctx: PageContext) -> None:
    """The executive summary: the headline position, every item's status, and what is awaited."""
    plan, window, awaiting = ctx.plan, ctx.window, _awaiting(ctx)
    output.title("Executive summary")
    panels.cover(ctx, len(awaiting))
    output.markdown(f"**Performance against the milestones and deliverables in the {output.plain(plan.title)}.** "
                    f"Report of {output.plain(plan.force)} to the {output.plain(plan.board)} for {ctx.period.name}.\n\n"
                    + panels.preamble(ctx, uses_data=True))
    output.markdown(_summary_text(ctx))
    rows = rows_for(plan.milestone_table, ctx.extract, window, plan.threshold)
    output.markdown(":::{admonition} Headline position, computed from the data\n:class: tip spcb-computed\n"
                    + "\n".join(f"- {output.plain(s)}" for s in statements.overview(rows, awaiting, ctx.period))
                    + "\n:::")
    panels.milestone_table(ctx)
    output.markdown(f"## Every measure, and what changed since the last report\n\nCompared with "
                    f"{panels.last_report(ctx)}. The latest month is read against the measure's usual range "
                    "({doc}`glossary <../glossary>`).")
    output.table(_glance(ctx), f"Every measure in the plan, year to date to {long_date(window.as_of)}: now, at the "
                               "last report, and its latest complete month", "glance", ctx.extract.title)
    output.markdown("## Strategic objectives\n\n" + "\n".join(
        _objective_line(ctx, i, o) for i, o in enumerate(plan.objectives, start=1)))
    output.markdown("## Items awaiting an update\n\n" + ("\n".join(
        f"- {{ref}}`{output.words(i.short)} <{i.id}>` ({output.plain(i.lead or 'no lead named')})" for i in awaiting)
        if awaiting else f"Every item due in {ctx.period.name} has its update."))
    with output.details("Every item this period"):
        output.markdown("## Every item this period")
        output.table(_items_frame(ctx), f"Milestones and deliverables: what each shows for {ctx.period.name}",
                     "items", plan.source.name)


def _summary_text(ctx: PageContext) -> str:
    """The analyst's executive summary, made safe; or what is missing."""
    summary = ctx.texts.get(narrative.SUMMARY)
    if not summary:
        return output.update_required(f"No executive summary has been written for {ctx.period.name}.")
    origin = narrative.carried_forward(summary)
    if origin:
        rest = "\n".join(summary.splitlines()[1:]).strip()
        return (output.update_required(f"The executive summary below is carried forward unchanged from "
                                       f"{output.plain(origin)}.")
                + "\n\n" + narrative.safe(rest))
    return narrative.safe(summary)


def _awaiting(ctx: PageContext) -> list[Item]:
    return [i for i in ctx.plan.items if ctx.update(i).awaiting]


def _glance(ctx: PageContext) -> pd.DataFrame:
    """Each counted measure now, at the last report, its direction of travel and its latest month in words; a
    sensitive measure's suppressed counts show an asterisk."""
    bindings = [(item, b) for item in ctx.plan.items for b in item.counted]
    found = panels.changes(ctx, [b for _, b in bindings])

    def shown(row, text: str) -> str:
        return tables.SUPPRESSED if row.suppressed else text

    return pd.DataFrame({
        "Item": [item.short for item, _ in bindings],
        "Measure": [row.label for row, _, _ in found],
        "This year": [shown(row, f"{row.this_year:,}") for row, _, _ in found],
        "Now": [shown(row, panels.standing(row)) for row, _, _ in found],
        "At the last report": [shown(row, panels.standing(before)) if before else "No earlier report"
                               for row, before, _ in found],
        "Direction of travel": [shown(row, way.capitalize()) if way else DASH for row, _, way in found],
        "Latest month": [statements.plain_variation(panels.spc_chart(ctx, b.measure)) for _, b in bindings],
    })


def _items_frame(ctx: PageContext) -> pd.DataFrame:
    items = ctx.plan.items
    titles = {o.id: o.title for o in ctx.plan.objectives}
    return pd.DataFrame({
        "Objective": [titles[i.objective_id] for i in items],
        "Item": [i.short for i in items],
        "Kind": [i.kind.capitalize() for i in items],
        "Lead and frequency": [i.lead_line.removeprefix("Lead: ") for i in items],
        "This period": [narrative.state_label(ctx.update(i)) for i in items],
    })


def appendix(ctx: PageContext) -> None:
    """The detailed charts behind the objective pages: each counted measure's months, one line a financial year."""
    output.title("Appendix: monthly counts by financial year")
    output.markdown(panels.preamble(ctx, uses_data=True) + "\n\nEach chart sets this year's months against the "
                    "same months of the two years before, with the SPC mean and process limits of the objective "
                    "pages.")
    for found in ctx.plan.objectives:
        measured = [(item, b.measure) for item in found.items for b in item.counted]
        if measured:
            output.markdown(f"## {output.plain(found.title)}")
        for item, measure in measured:
            output.markdown(f"### {output.plain(measure.label)}\n\nFor {{ref}}`{output.words(item.short)} "
                            f"<{item.id}>`.")
            panels.trend(ctx, measure)


def _objective_line(ctx: PageContext, index: int, found: Objective) -> str:
    awaiting = sum(ctx.update(i).awaiting for i in found.items)
    note = f"; {awaiting} awaiting an update" if awaiting else ""
    return (f"- {{doc}}`{output.words(found.title)} <{catalogue.objective_page(index, found)}>`: "
            f"{len(found.items)} items{note}")


def comparison(ctx: PageContext) -> None:
    """How the force compares with its comparator group, from ONS data, with the paper's statements checked."""
    output.title("How the force compares")
    spec = ctx.plan.comparison
    if spec is None:
        output.markdown(f"The plan ({output.plain(ctx.plan.source.name)}) sets no comparator group.")
        return
    as_of = ctx.window.as_of
    try:
        data = ForceComparison.of(ctx.table("rolling_year_crime"), ctx.table("population"), spec.force,
                                  spec.group, spec.group_name)
        end = data.latest_quarter_end(as_of)
        rates, breakdown = data.rates(end), data.breakdown(end)
    except Unavailable as why:
        output.not_available("How the force compares", narrative.safe(str(why)))
        return
    ending = long_date(end)
    output.markdown(
        f"*Crimes per 1,000 residents in the 12 months to {ending}, the latest quarter end on or before "
        f"{long_date(as_of)}. Fraud is left out; residents are the ONS mid-year "
        f"estimate for {end.year}. Every figure on this page is published data.*\n\n"
        f"The **{output.plain(spec.group_name.lower())}** ({output.plain(', '.join(spec.group))}) are a comparator "
        f"group set in the plan ({output.plain(ctx.plan.source.name)}); they are not the Home Office's most similar "
        "group of forces, and another group can be set there.")
    output.table(_rates_frame(rates), f"Crimes per 1,000 residents, 12 months to {ending}",
                 "comparison-rates", compare.SOURCE)
    output.table(_breakdown_frame(breakdown, spec.force, spec.group_name),
                 f"Crimes per 1,000 residents by main offence type, 12 months to {ending}", "comparison-types",
                 compare.SOURCE)
    quarters = compare.year_to_date_quarters(ctx.table("recorded_crime_quarterly"), spec.force, end)
    if not quarters.empty:
        output.markdown(
            f"Published quarterly figures give a check on the year-to-date tables, which come from the force's "
            f"extract and run to {long_date(as_of)}:")
        output.table(pd.DataFrame({
            "Quarter": quarters["quarter"], "Crimes": [f"{n:,}" for n in quarters["crimes"]],
            "A year earlier": [f"{n:,}" for n in quarters["previous"]],
            "Change": [tables.signed_percent(c) for c in quarters["change"]]}),
            f"Recorded crime in {spec.force} by quarter, excluding fraud", "comparison-quarters",
            compare.QUARTERLY_SOURCE)
    history = data.over_time()
    history = history[history["period_end"] <= end]
    output.figure(charts.comparison_png(history, spec.force, spec.group_name),
                  charts.comparison_alt(history, spec.force, spec.group_name), compare.SOURCE)
    findings = compare.check_paper(data, spec.paper, end)
    if findings:
        output.markdown("## What the board paper says, checked against the data\n\n" + "\n\n".join(
            _finding(f) for f in findings))


def _rates_frame(rates: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Area": rates["name"],
        "Crimes": [f"{n:,}" for n in rates["crimes"]],
        "Residents": [f"{n:,}" for n in rates["population"]],
        "Crimes per 1,000": [f"{rounded(v)}" for v in rates["per_1000"]],
        "A year earlier": [f"{int(n):,}" for n in rates["previous"]],
        "Change": [tables.signed_percent(c) for c in rates["change"]],
    })


def _breakdown_frame(types: pd.DataFrame, force: str, group_name: str) -> pd.DataFrame:
    return pd.DataFrame({
        "Offence type": types["type"],
        f"{force} per 1,000": [f"{rounded(v, 2)}" for v in types["force_per_1000"]],
        f"{force} change": [tables.signed_percent(c) for c in types["force_change"]],
        f"{group_name} per 1,000": [f"{rounded(v, 2)}" for v in types["group_per_1000"]],
        f"{group_name} change": [tables.signed_percent(c) for c in types["group_change"]],
    })


def _finding(finding: compare.Finding) -> str:
    verdict, kind = ("The data bears this out", "note") if finding.agrees else ("The data differs", "warning")
    return (f":::{{admonition}} {verdict}\n:class: {kind} spcb-finding\n**The paper:** {output.plain(finding.claim)}"
            f"\n\n**The data:** {output.plain(finding.data)}\n:::")


def provenance(ctx: PageContext, command: str, commit: str) -> None:
    """What a reviewer needs to reproduce the numbers: parameters, inputs with their SHA-256, the plan's
    hash, versions, and the command."""
    output.title("Provenance")
    plan_file = ctx.plan.source
    output.markdown(
        f"Everything on this site for {ctx.period.name} was computed from the inputs below, with the window "
        f"{ctx.window.start.isoformat()} to {ctx.window.as_of.isoformat()}. To reproduce it from a checkout "
        f"of spcb at the commit shown, run:\n\n```text\n{command}\n```\n\nthen `spcb verify --period "
        f"{ctx.period}` checks every published file against the build's manifest, then re-executes every "
        "notebook and compares each output. Each page's executed notebook "
        "can be downloaded from the download button at the top of that page.")
    output.markdown(_cut_off(ctx))
    output.table(pd.DataFrame({"Parameter": ["period", "as_of", "spcb version", "spcb commit", "plan file",
                                             "plan SHA-256"],
                               "Value": [str(ctx.period), ctx.window.as_of.isoformat(), __version__, commit,
                                         plan_file.name, sha256(plan_file)]}),
                 "Parameters of this build", "provenance-parameters", "spcb")
    input_files(ctx.log)
    texts = sorted(narrative.folder(ctx.data_dir, ctx.period).glob("*.md"))
    output.table(pd.DataFrame({"Commentary file": [p.name for p in texts], "SHA-256": [sha256(p) for p in texts]}),
                 f"Commentary for {ctx.period.name}", "provenance-commentary", "the analysts' commentary files")
    packages()


def input_files(log: list[dict]) -> None:
    """Every input file in the store, from its ingest log: its format, table, SHA-256, rows and coverage."""
    output.table(pd.DataFrame({
        "File": [Path(e["path"]).name for e in log], "Format": [e["format"] for e in log],
        "Table": [e["table"] for e in log], "SHA-256": [e["sha256"] for e in log],
        "Rows read": [f"{e['rows_read']:,}" for e in log], "Rows used": [f"{e['rows_accepted']:,}" for e in log],
        "Covers": [f"{e['period_first']} to {e['period_last']}" if e["period_first"] else "" for e in log],
    }), "Every input file in the store, as ingested", "provenance-inputs", "the store's ingest log")


def packages() -> None:
    """The versions of the packages the numbers and pages depend on."""
    output.table(pd.DataFrame({"Package": list(PACKAGES), "Version": [_version(p) for p in PACKAGES]}),
                 "Versions of the main packages", "provenance-packages", "the Python environment of the build")


def _cut_off(ctx: PageContext) -> str:
    """Where the period's cut-off comes from, and any earlier cut-off it replaced."""
    pin = narrative.pinned(ctx.data_dir, ctx.period)  # a build pins its cut-off before any page runs
    where = f"`narrative/{ctx.period}/{narrative.PERIOD_FILE}`"
    day = long_date(ctx.window.as_of)
    if pin is None:
        return f"The cut-off is {day}; building the period pins it in {where}."
    if pin.as_of != ctx.window.as_of:
        return (f"The cut-off, {day}, differs from {long_date(pin.as_of)}, pinned in {where}; building the period "
                "with `--as-of` moves the pin.")
    text = f"The cut-off, {day}, is pinned in {where}: a rebuild keeps it, so the figures stay as published."
    if pin.replaced:
        text += (f" **The cut-off was changed** with `--as-of` from {long_date(pin.replaced[-1])}"
                 + (f" (before that: {', '.join(long_date(d) for d in pin.replaced[:-1])})" if pin.replaced[1:] else "")
                 + ".")
    return text


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"
