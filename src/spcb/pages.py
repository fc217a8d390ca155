"""The pages of the report book: what each notebook displays, composed from the plan, data and commentary.

Notebooks call `Report.load(...)` and then `objective(...)` or `summary()`; everything shown is built here
so that the notebooks stay a parameters cell and one call.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from . import charts, narrative, output, panels, statements, tables
from .inputs import Extract, load_extract
from .measures import monthly, year_to_date
from .narrative import Update
from .periods import FinancialYear, Month, Window, resolve
from .plan import FREQUENCY_LABELS, Item, Measure, Objective, Plan, load_dir
from .store import Store

def page_name(index: int, objective: Objective) -> str:
    """The file name of an objective's page; the number keeps the plan's order in the table of contents."""
    return f"objective-{index:02d}-{objective.id}"


@dataclass(frozen=True)
class Report:
    """Everything one period's pages are built from."""

    plan: Plan
    extract: Extract
    window: Window
    texts: dict[str, str]
    data_dir: Path

    @classmethod
    def load(cls, data_dir: str | Path, period: str, as_of: str | date | None = None) -> "Report":
        plan = load_dir(data_dir)
        extract = load_extract(data_dir)
        window = resolve(period, as_of, extract.first_date, extract.last_date)
        return cls(plan, extract, window, narrative.load(data_dir, window.period, plan), Path(data_dir))

    @property
    def period(self) -> Month:
        return self.window.period

    def update(self, item: Item) -> Update:
        return narrative.update_for(self.plan, item, self.period, self.texts)

    # Pages -------------------------------------------------------------------------------------------

    def objective(self, objective_id: str) -> None:
        """Display the page of one strategic objective: every item with its update, tables and charts."""
        objective = self.plan.objective(objective_id)
        output.title(objective.title)
        output.markdown(self._preamble(uses_data=any(i.measures or i.milestone_table or i.panels
                                                       for i in objective.items)))
        output.markdown("**On this page**\n\n" + "\n".join(
            f"- {{ref}}`{item.title} <{item.id}>`" for item in objective.items))
        for item in objective.items:
            self._item(item)

    def summary(self) -> None:
        """Display the executive summary: the headline position, every item's status, and what is awaited."""
        output.title("Executive summary")
        output.markdown(f"**Performance against the milestones and deliverables in the {self.plan.title}.** "
                         f"Report of {self.plan.force} to the {self.plan.board} for {self.period.name}.\n\n"
                         + self._preamble(uses_data=True))
        output.markdown(self._summary_text())
        rows = tables.rows_for(self.plan.milestone_table, self.extract, self.window, self.plan.threshold)
        output.markdown(":::{admonition} Headline position, computed from the data\n:class: tip spcb-computed\n"
                         + "\n".join(f"- {s}" for s in statements.overview(rows, self._awaiting(), self.period))
                         + "\n:::")
        self._milestone_table()
        output.markdown("## Measured milestones and deliverables at a glance")
        output.table(self._glance(), f"Every measure in the plan, year to date to "
                                       f"{self.window.as_of.day} {self.window.as_of:%B %Y}, with the variation of "
                                       "its latest complete month", "glance", self.extract.title)
        output.markdown("## Strategic objectives\n\n" + "\n".join(
            self._objective_line(i, o) for i, o in enumerate(self.plan.objectives, start=1)))
        awaiting = self._awaiting()
        output.markdown("## Items awaiting an update\n\n" + ("\n".join(
            f"- {{ref}}`{i.title} <{i.id}>` ({i.lead or 'no lead named'})" for i in awaiting)
            if awaiting else f"Every item due in {self.period.name} has its update."))
        output.markdown("## Every item this period")
        output.table(self._items_frame(), f"Milestones and deliverables: what each shows for "
                                       f"{self.period.name}", "items", self.plan.source.name)


    def _summary_text(self) -> str:
        """The analyst's executive summary, made safe; or what is missing."""
        summary = self.texts.get(narrative.SUMMARY)
        if not summary:
            return output.update_required(f"No executive summary has been written for {self.period.name}.")
        origin = narrative.carried_forward(summary)
        if origin:
            rest = "\n".join(summary.splitlines()[1:]).strip()
            return (output.update_required(f"The executive summary below is carried forward unchanged from {origin}.")
                    + "\n\n" + narrative.safe(rest))
        return narrative.safe(summary)

    def _awaiting(self) -> list[Item]:
        return [i for i in self.plan.items if self.update(i).awaiting]

    def _glance(self) -> pd.DataFrame:
        bindings = [(item, b) for item in self.plan.items for b in item.counted]
        rows = tables.rows_for([b for _, b in bindings], self.extract, self.window, self.plan.threshold)
        return pd.DataFrame({
            "Item": [item.title for item, _ in bindings],
            "Measure": [row.label for row in rows],
            "Type": [row.role.capitalize() for row in rows],
            "This year": [f"{row.this_year:,}" for row in rows],
            "Change": [tables.signed_percent(row.performance) for row in rows],
            "Against milestone": [row.status for row in rows],
            "Latest month": [statements.icon_label(self.spc(b.measure).result.icon).capitalize() for _, b in bindings],
        })

    def _items_frame(self) -> pd.DataFrame:
        items = self.plan.items
        titles = {o.id: o.title for o in self.plan.objectives}
        return pd.DataFrame({
            "Objective": [titles[i.objective_id] for i in items],
            "Item": [i.title for i in items],
            "Kind": [i.kind.capitalize() for i in items],
            "Lead and frequency": [i.lead_line.removeprefix("Lead: ") for i in items],
            "This period": [narrative.state_label(self.update(i)) for i in items],
        })

    # Parts -------------------------------------------------------------------------------------------

    def _preamble(self, uses_data: bool) -> str:
        text = f"*{self.window.describe()}*"
        if uses_data and self.extract.demonstration:
            text += ("\n\n:::{admonition} Demonstration data\n:class: warning spcb-demonstration\n"
                     f"Figures on this page whose source is the **{self.extract.title}** are demonstration data: "
                     "they reproduce the figures published for this period but are not the force's records. "
                     "See {doc}`../about-the-data`.\n:::")
        return text

    def _objective_line(self, index: int, objective: Objective) -> str:
        awaiting = sum(self.update(i).awaiting for i in objective.items)
        note = f"; {awaiting} awaiting an update" if awaiting else ""
        return f"- {{doc}}`{objective.title} <{page_name(index, objective)}>`: {len(objective.items)} items{note}"

    def _item(self, item: Item) -> None:
        update = self.update(item)
        kind = "Milestone" if item.kind == "milestone" else "Deliverable"
        output.markdown(f"({item.id})=\n## {item.title}\n\n**{kind}** · {item.lead_line}\n\n{_update(self, item, update)}")
        if item.milestone_table:
            self._milestone_table()
        elif item.counted:
            rows = tables.rows_for(item.counted, self.extract, self.window, self.plan.threshold)
            output.table(tables.display_frame(rows), f"{item.title}: year to date", item.id, self.extract.title,
                   tables.data_frame(rows))
        for binding in item.counted:
            self._measure(binding.measure)
        for binding in item.surveyed:
            panels.survey(self, binding.measure)
        for panel in item.panels:
            {"stop-and-search": panels.stop_search, "audit": panels.audit}[panel](self)

    def _milestone_table(self) -> None:
        rows = tables.rows_for(self.plan.milestone_table, self.extract, self.window, self.plan.threshold)
        caption = f"Milestones and deliverables, year to date to {self.window.as_of.day} {self.window.as_of:%B %Y}"
        output.table(tables.display_frame(rows), caption, "milestones", self.extract.title, tables.data_frame(rows))

    def _measure(self, measure: Measure) -> None:
        """A measure's trend by financial year, its SPC chart, and the statements computed from them."""
        frame = monthly(self.extract, measure.series, self.window)
        chart = self.spc(measure)
        current = chart.result.segments[-1]
        output.figure(charts.trend_png(frame, measure, current), charts.alt_text(frame, measure) + (
            f" Reference lines show the current SPC mean ({current.mean:,.0f}) and process limits "
            f"({max(current.lower, 0):,.0f} to {current.upper:,.0f})."), self.extract.title)
        output.figure(charts.spc_png(chart), charts.spc_alt(chart), self.extract.title)
        output.markdown(output.computed(measure.label, self.statements(measure)))

    def spc(self, measure: Measure) -> statements.Chart:
        frame = monthly(self.extract, measure.series, self.window)
        return statements.Chart.of(measure, list(frame["month"]), list(frame["count"]))

    def statements(self, measure: Measure) -> list[str]:
        history = monthly(self.extract, measure.series, self.window,
                          years=self.window.financial_year.start_year - FinancialYear.of_date(
                              self.extract.first_date).start_year + 1)
        year = [m for m in history["month"] if m.financial_year == self.window.financial_year]
        return statements.for_measure(self.spc(measure), list(zip(history["month"], history["count"])), year,
                                      year_to_date(self.extract, measure.series, self.window))




    def comparison(self) -> None:
        """Display how the force compares with its comparator group (see `panels.comparison`)."""
        panels.comparison(self)

    def provenance(self, command: str, commit: str) -> None:
        """Display what a reviewer needs to reproduce the numbers (see `panels.provenance`)."""
        panels.provenance(self, command, commit)

    def source(self, table: str) -> str:
        """The titles of the files a store table's rows came from, for a 'Source:' line."""
        return Store(self.data_dir).titles(table)




def _update(report: Report, item: Item, update: Update) -> str:
    """The markdown for an item's update: commentary, a standing marker, or what is missing."""
    parts = []
    status = update.status
    if status is not None:
        if status.marker == "see":
            parts.append("See also " + " and ".join(f"{{ref}}`{report.plan.item(i).title} <{i}>`"
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
                                      f"{narrative.carried_forward(update.commentary)}; it has not been updated for "
                                      f"{report.period.name}."))
        parts.append(narrative.safe("\n".join(lines[1:]).strip()))
    elif update.state == "update-required":
        parts.append(output.update_required(f"This item is due for an update in {report.period.name} "
                                      f"({FREQUENCY_LABELS[item.frequency].lower()}) and has no commentary."))
    elif update.state == "not-due":
        when = f"The next update is due in {update.next_due.name}." if update.next_due else (
            "It is not due again in this plan year." if item.frequency != "none"
            else "The plan sets no reporting frequency for it.")
        parts.append(f"*No update is due in {report.period.name}. {when}*")
    return "\n\n".join(parts)
