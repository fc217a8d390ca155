"""The national edition's pages: one force's quarterly book, from published data alone.

A page is drawn from a `NationalContext`: the edition, the force (any common spelling, made canonical), the
financial quarter and the store's ingest log. The force must be one of the 43 territorial forces and the quarter
one whose year to date the Home Office file can compare with a year earlier; otherwise the page is refused in
one line. Each store table is read the first time a page asks for it, and kept. The pages are the summary (the
year to date by offence group, with rates), the quarterly SPC charts, the National Crime and Policing Measures,
and the force against its region and England and Wales; what the data does not cover is said to be not available,
never shown as zero. The rules behind the figures are in `analysis.national`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from .. import __version__
from ..analysis import national
from ..analysis.arithmetic import rounded
from ..analysis.coverage import Unavailable
from ..analysis.milestones import DASH
from ..ingest import store
from ..ingest.contract import InputError, force_name
from ..plan import edition as editions
from ..plan.edition import Edition
from ..plan.periods import PeriodError, Quarter
from ..plan.schema import PlanError
from . import charts, output, pages, tables

CITY = "City of London"


@dataclass
class NationalContext:
    """The inputs of one national page: one force, one financial quarter."""

    edition: Edition
    force: str
    quarter: Quarter
    log: list[dict]
    data_dir: Path
    _tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, data_dir: str | Path, force: str, period: str | Quarter) -> NationalContext:
        data_dir = Path(data_dir)
        edition = editions.load(data_dir)
        if edition.kind != "national":
            raise PlanError(f"{data_dir / editions.FILE}: found kind {edition.kind!r}; expected kind: national")
        name = force_name(force)
        if name not in national.FORCES:
            raise PlanError(f"force {force!r}: found no territorial force of that name; expected one of the 43 "
                            "forces of England and Wales, such as 'West Midlands' or 'Avon and Somerset'")
        quarter = period if isinstance(period, Quarter) else Quarter.parse(period)
        ctx = cls(edition, name, quarter, store.Store(data_dir).log(), data_dir)
        try:
            national.check(ctx.counts, quarter)
        except Unavailable as why:
            raise PeriodError(str(why)) from None
        return ctx

    def table(self, name: str) -> pd.DataFrame:
        """A store table, read from the store the first time a page asks for it."""
        if name not in self._tables:
            self._tables[name] = store.Store(self.data_dir).table(name)
        return self._tables[name]

    @cached_property
    def counts(self) -> pd.DataFrame:
        """Every force's quarterly counts by offence group (see `national.quarterly`)."""
        try:
            return national.quarterly(self.table("recorded_crime_quarterly"))
        except Unavailable as why:
            raise InputError(f"{self.data_dir / 'store'}: {why}") from None

    @cached_property
    def regions(self) -> dict[str, str]:
        return national.regions(self.table("rolling_year_crime"))

    def window(self) -> str:
        """The year to date in words, for the top of a page."""
        now, before = national.year_to_date_quarters(self.quarter)
        return (f"Year to date: {now[0].first_day:%B %Y} to {now[-1].last_day:%B %Y} ({now[0].financial_year.label}, "
                f"quarter{'s 1 to ' if len(now) > 1 else ' '}{len(now)}), compared with {before[0].first_day:%B %Y} "
                f"to {before[-1].last_day:%B %Y}.")


def _count(value) -> str:
    return DASH if value is None or pd.isna(value) else f"{int(value):,}"


def _rate(value) -> str:
    return DASH if value is None or pd.isna(value) else f"{rounded(value)}"


def _plain_number(value):
    return None if value is None or pd.isna(value) else value


def _percent(value) -> float | None:
    return None if value is None else float(value)


def summary(ctx: NationalContext) -> None:
    """The landing page: the force's year to date by offence group, with the change and the rate per 1,000."""
    output.title(f"Recorded crime in {ctx.force}, {ctx.quarter.label}")
    output.markdown(
        f"*{ctx.window()} Every figure is published data: the Home Office's counts of crimes recorded by the "
        "police, by force and offence group. Fraud is left out, because since 2013 it has been recorded by Action "
        "Fraud rather than by forces.*")
    try:
        ytd = national.year_to_date(ctx.counts, ctx.table("population"), ctx.force, ctx.quarter)
    except Unavailable as why:
        output.not_available(f"Year to date for {ctx.force}", output.plain(str(why)))
        return
    total = ytd.set_index("group").loc[national.TOTAL]
    fewer = "more" if total["this_year"] > total["last_year"] else "fewer"
    output.markdown(
        f"{output.plain(ctx.force)} recorded **{total['this_year']:,}** crimes (excluding fraud) in the year to "
        f"{ctx.quarter.last_day:%B %Y}, against {total['last_year']:,} in the same quarters a year earlier: "
        f"{abs(total['this_year'] - total['last_year']):,} {fewer} "
        f"({tables.signed_percent(total['change'])}).")
    now = ctx.quarter.financial_year.label
    output.table(pd.DataFrame({
        "Offence group": ytd["group"], f"{now} to date": [_count(n) for n in ytd["this_year"]],
        "A year earlier": [_count(n) for n in ytd["last_year"]],
        "Change": [tables.signed_percent(c) for c in ytd["change"]],
        "Per 1,000 residents": [_rate(r) for r in ytd["per_1000"]]}),
        f"Crimes recorded by {ctx.force} by offence group, year to date to {ctx.quarter.last_day:%B %Y}",
        "national-year-to-date", f"{national.SOURCE_HO}; {national.SOURCE_POPULATION}",
        pd.DataFrame({"offence_group": ytd["group"], "this_year": ytd["this_year"], "last_year": ytd["last_year"],
                      "change_percent": [_percent(c) for c in ytd["change"]],
                      "per_1000_residents": [_plain_number(r) for r in ytd["per_1000"]],
                      "population_year": ytd.attrs["population_year"]}))
    output.markdown(_rates_note(ytd.attrs, ctx.force))


def _rates_note(attrs: dict, force: str) -> str:
    if attrs["rate_reason"]:
        return (f"**Rates per 1,000 residents are not available for {output.plain(force)}**: "
                f"{output.plain(attrs['rate_reason'])}.")
    text = (f"Rates are crimes in the year to date per 1,000 residents, from the ONS estimate of the population in "
            f"mid-{attrs['population_year']}.")
    if attrs["population_note"]:
        text += f" {output.plain(attrs['population_note'][:1].upper() + attrs['population_note'][1:])}."
    if force == CITY:
        text += (" The City of London has few residents and many more workers and visitors, so its rate per "
                 "resident is far above any other force's and says little about the risk to a person there.")
    return text


def trends(ctx: NationalContext) -> None:
    """One SPC chart of quarterly counts per offence group, and one of the total, over the whole series."""
    output.title("Quarterly trends")
    first, _ = national.first_and_last(ctx.counts)
    output.markdown(
        f"*Crimes recorded by {output.plain(ctx.force)} each quarter from {first.first_day:%B %Y} to "
        f"{ctx.quarter.last_day:%B %Y}, "
        "excluding fraud.*\n\n"
        "Each chart is a statistical process control (XmR) chart read with the NHS \"Making Data Count\" rules: the "
        "mean and process limits come from the quarters shown, and a quarter is marked when it is beyond a limit, "
        "part of a run of seven on one side of the mean or seven rising or falling, or one of two of three close to "
        "a limit. Fewer recorded crimes count as an improvement on every chart; drug and weapons offences are mostly "
        "found by the police themselves, so a rise there can reflect more police activity rather than more crime.")
    for note in national.notes(ctx.counts, ctx.force, ctx.quarter):
        output.markdown(f":::{{note}}\n{output.plain(note)}\n:::")
    for group in (national.TOTAL, *national.GROUPS):
        chart = national.spc_chart(ctx.counts, ctx.force, group, ctx.quarter)
        output.markdown(f"## {chart.measure.label}")
        output.figure(charts.spc_png(chart), charts.spc_alt(chart), national.SOURCE_HO)


def measures(ctx: NationalContext) -> None:
    """The National Crime and Policing Measures the published data can give, each with its definition and source,
    then those it cannot give."""
    output.title("National Crime and Policing Measures")
    found = national.measures(ctx.counts, ctx.table("rolling_year_crime"), ctx.force, ctx.quarter)
    output.markdown(
        f"*Each measure counts the 12 months to {ctx.quarter.last_day:%-d %B %Y} for {output.plain(ctx.force)}, "
        "against the 12 months a year earlier.*\n\n"
        "The National Crime and Policing Measures are the Home Office's national priorities for policing; since "
        "2021 every Police and Crime Commissioner has published a statement against them. Published data by force "
        "gives only some of them; the others are listed at the end of this page.")
    output.table(pd.DataFrame({
        "Measure": [r.definition.label for r in found],
        "12 months to": [f"{r.end:%B %Y}" for r in found],
        "Recorded": [_count(r.count) for r in found],
        "A year earlier": [_count(r.previous) for r in found],
        "Change": [tables.signed_percent(r.change) for r in found],
        "Note": ["" if r.count is not None else f"Not available: {r.reason}" for r in found]}),
        f"National Crime and Policing Measures for {ctx.force}, 12 months to {ctx.quarter.last_day:%B %Y}",
        "national-measures", f"{national.SOURCE_ONS}; {national.SOURCE_HO}",
        pd.DataFrame({"measure": [r.definition.id for r in found], "period_end": [r.end.isoformat() for r in found],
                      "recorded": [r.count for r in found], "a_year_earlier": [r.previous for r in found],
                      "change_percent": [_percent(r.change) for r in found],
                      "not_available_because": [r.reason for r in found]}))
    output.markdown("## What each measure counts\n\n" + "\n".join(
        f"- **{output.plain(d.label)}.** {output.plain(d.definition)} Source: {output.plain(d.source)}."
        for d in national.MEASURES))
    output.markdown("## Measures not available from published data\n\n" + "\n".join(
        f"- **{output.plain(label)}**: not available, because {output.plain(reason)}."
        for label, reason in national.NOT_AVAILABLE))


def compare(ctx: NationalContext) -> None:
    """The force's year to date against its region, England, and England and Wales."""
    output.title(f"How {ctx.force} compares")
    rows = national.areas(ctx.counts, ctx.table("population"), ctx.regions, ctx.force, ctx.quarter)
    output.markdown(
        f"*{ctx.window()} All offences excluding fraud. A region is the sum of its forces, as the ONS groups them; "
        "England and Wales is the sum of the 43 territorial forces, without British Transport Police.*")
    output.table(pd.DataFrame({
        "Area": rows["area"], "Forces": [str(n) for n in rows["forces"]],
        f"{ctx.quarter.financial_year.label} to date": [_count(n) for n in rows["this_year"]],
        "A year earlier": [_count(n) for n in rows["last_year"]],
        "Change": [tables.signed_percent(c) for c in rows["change"]],
        "Per 1,000 residents": [_rate(r) for r in rows["per_1000"]],
        "Population year": [DASH if pd.isna(y) else f"mid-{int(y)}" for y in rows["population_year"]]}),
        f"Crimes recorded, year to date to {ctx.quarter.last_day:%B %Y}: {ctx.force} and the areas around it",
        "national-areas", f"{national.SOURCE_HO}; {national.SOURCE_POPULATION}",
        pd.DataFrame({"area": rows["area"], "forces": rows["forces"],
                      "this_year": [_plain_number(n) for n in rows["this_year"]],
                      "last_year": [_plain_number(n) for n in rows["last_year"]],
                      "change_percent": [_percent(c) for c in rows["change"]],
                      "per_1000_residents": [_plain_number(r) for r in rows["per_1000"]],
                      "population_year": [_plain_number(y) for y in rows["population_year"]],
                      "note": rows["note"]}))
    notes = [f"- **{output.plain(area)}**: {output.plain(note)}." for area, note in zip(rows["area"], rows["note"])
             if note]
    if notes:
        output.markdown("Where a figure is missing or an area is narrowed, this is why:\n\n" + "\n".join(notes))


def headline(ctx: NationalContext) -> dict:
    """The force's headline figures for the index of all forces (see `national.headline`)."""
    return national.headline(ctx.counts, ctx.table("population"), ctx.regions, ctx.force, ctx.quarter)


def provenance(ctx: NationalContext, command: str, commit: str) -> None:
    """What a reviewer needs to rebuild and check the book: the commands, its parameters, every input file with its
    SHA-256, and the versions of the packages."""
    output.title("Provenance")
    output.markdown(
        f"Every figure in this book of {ctx.force} for {ctx.quarter.name} was computed from the published files "
        "below and nothing else. To build it again from a checkout of spcb at the commit shown, run:"
        f"\n\n```text\n{command}\n```\n\nThen `spcb verify` with the same edition, force and period checks each "
        "published file against the build's manifest, re-executes every notebook and compares each output. Each "
        "page's executed notebook can be downloaded from the button at the top of that page.")
    output.table(pd.DataFrame({"Parameter": ["period", "force", "spcb version", "spcb commit"],
                               "Value": [str(ctx.quarter), ctx.force, __version__, commit]}),
                 "Parameters of this build", "provenance-parameters", "spcb")
    pages.input_files(ctx.log)
    pages.packages()
