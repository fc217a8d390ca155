"""The pages of the report book: what each notebook displays, composed from the plan, data and commentary.

Notebooks call `Report.load(...)` and then `objective(...)` or `summary()`; everything shown is built here
so that the notebooks stay a parameters cell and one call.
"""
from __future__ import annotations

import base64
import hashlib
import os
from importlib import metadata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from IPython.display import HTML, Markdown, display
from myst_nb import glue

import pandas as pd

from . import __version__, charts, compare, narrative, statements, stopsearch, surveys, tables
from .compare import Comparison
from .inputs import Extract, load_extract
from .store import Store
from .measures import monthly, year_to_date
from .periods import FinancialYear, Month, Window, resolve
from .plan import FREQUENCY_LABELS, Item, Measure, Objective, Plan, load_dir
from .narrative import Update

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
        glue("title", objective.title, display=False)
        display(Markdown(self._preamble(uses_data=any(i.measures or i.milestone_table or i.panels
                                                       for i in objective.items))))
        display(Markdown("**On this page**\n\n" + "\n".join(
            f"- {{ref}}`{item.title} <{item.id}>`" for item in objective.items)))
        for item in objective.items:
            self._item(item)

    def summary(self) -> None:
        """Display the executive summary: the headline position, every item's status, and what is awaited."""
        glue("title", "Executive summary", display=False)
        display(Markdown(f"**Performance against the milestones and deliverables in the {self.plan.title}.** "
                         f"Report of {self.plan.force} to the {self.plan.board} for {self.period.name}.\n\n"
                         + self._preamble(uses_data=True)))
        display(Markdown(self._summary_text()))
        rows = tables.rows_for(self.plan.milestone_table, self.extract, self.window, self.plan.threshold)
        display(Markdown(":::{admonition} Headline position, computed from the data\n:class: tip spcb-computed\n"
                         + "\n".join(f"- {s}" for s in statements.overview(rows, self._awaiting(), self.period))
                         + "\n:::"))
        self._milestone_table()
        display(Markdown("## Measured milestones and deliverables at a glance"))
        _table(self._glance(), f"Every measure in the plan, year to date to "
                                       f"{self.window.as_of.day} {self.window.as_of:%B %Y}, with the variation of "
                                       "its latest complete month", "glance", self.extract.title)
        display(Markdown("## Strategic objectives\n\n" + "\n".join(
            self._objective_line(i, o) for i, o in enumerate(self.plan.objectives, start=1))))
        awaiting = self._awaiting()
        display(Markdown("## Items awaiting an update\n\n" + ("\n".join(
            f"- {{ref}}`{i.title} <{i.id}>` ({i.lead or 'no lead named'})" for i in awaiting)
            if awaiting else f"Every item due in {self.period.name} has its update.")))
        display(Markdown("## Every item this period"))
        _table(self._items_frame(), f"Milestones and deliverables: what each shows for "
                                       f"{self.period.name}", "items", self.plan.source.name)

    def provenance(self, command: str, commit: str) -> None:
        """Display what a reviewer needs to reproduce the numbers: parameters, inputs with their SHA-256,
        the plan's hash, versions, and the command."""
        glue("title", "Provenance", display=False)
        plan_file = self.plan.source
        display(Markdown(
            f"Everything on this site for {self.period.name} was computed from the inputs below, with the window "
            f"{self.window.start.isoformat()} to {self.window.as_of.isoformat()}. To reproduce it from a checkout "
            f"of spcb at the commit shown, run:\n\n```text\n{command}\n```\n\nthen `spcb verify --period "
            f"{self.period}` re-executes every notebook and compares each output. Each page's executed notebook "
            "can be downloaded from the download button at the top of that page."))
        _table(pd.DataFrame({"Parameter": ["period", "as_of", "spcb version", "spcb commit", "plan file",
                                           "plan SHA-256"],
                             "Value": [str(self.period), self.window.as_of.isoformat(), __version__, commit,
                                       plan_file.name, _sha256(plan_file)]}),
               "Parameters of this build", "provenance-parameters", "spcb")
        log = Store(self.data_dir).log()
        _table(pd.DataFrame({
            "File": [Path(e["path"]).name for e in log], "Format": [e["format"] for e in log],
            "Table": [e["table"] for e in log], "SHA-256": [e["sha256"] for e in log],
            "Rows read": [f"{e['rows_read']:,}" for e in log], "Rows used": [f"{e['rows_accepted']:,}" for e in log],
            "Covers": [f"{e['period_first']} to {e['period_last']}" if e["period_first"] else "" for e in log],
        }), "Every input file in the store, as ingested", "provenance-inputs", "the store's ingest log")
        texts = sorted(narrative.folder(self.data_dir, self.period).glob("*.md"))
        _table(pd.DataFrame({"Commentary file": [p.name for p in texts], "SHA-256": [_sha256(p) for p in texts]}),
               f"Commentary for {self.period.name}", "provenance-commentary", "the analysts' commentary files")
        _table(pd.DataFrame({"Package": list(PACKAGES), "Version": [_version(p) for p in PACKAGES]}),
               "Versions of the main packages", "provenance-packages", "the Python environment of the build")

    def _summary_text(self) -> str:
        """The analyst's executive summary, made safe; or what is missing."""
        summary = self.texts.get(narrative.SUMMARY)
        if not summary:
            return _update_required(f"No executive summary has been written for {self.period.name}.")
        origin = narrative.carried_forward(summary)
        if origin:
            rest = "\n".join(summary.splitlines()[1:]).strip()
            return (_update_required(f"The executive summary below is carried forward unchanged from {origin}.")
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
        display(Markdown(f"({item.id})=\n## {item.title}\n\n**{kind}** · {item.lead_line}\n\n{_update(self, item, update)}"))
        if item.milestone_table:
            self._milestone_table()
        elif item.counted:
            rows = tables.rows_for(item.counted, self.extract, self.window, self.plan.threshold)
            _table(tables.display_frame(rows), f"{item.title}: year to date", item.id, self.extract.title,
                   tables.data_frame(rows))
        for binding in item.counted:
            self._measure(binding.measure)
        for binding in item.surveyed:
            self._survey(binding.measure)
        for panel in item.panels:
            {"stop-and-search": self._stop_search, "audit": self._audit}[panel]()

    def _milestone_table(self) -> None:
        rows = tables.rows_for(self.plan.milestone_table, self.extract, self.window, self.plan.threshold)
        caption = f"Milestones and deliverables, year to date to {self.window.as_of.day} {self.window.as_of:%B %Y}"
        _table(tables.display_frame(rows), caption, "milestones", self.extract.title, tables.data_frame(rows))

    def _measure(self, measure: Measure) -> None:
        """A measure's trend by financial year, its SPC chart, and the statements computed from them."""
        frame = monthly(self.extract, measure.series, self.window)
        chart = self.spc(measure)
        current = chart.result.segments[-1]
        _figure(charts.trend_png(frame, measure, current), charts.alt_text(frame, measure) + (
            f" Reference lines show the current SPC mean ({current.mean:,.0f}) and process limits "
            f"({max(current.lower, 0):,.0f} to {current.upper:,.0f})."), self.extract.title)
        _figure(charts.spc_png(chart), charts.spc_alt(chart), self.extract.title)
        display(Markdown(_computed(measure.label, self.statements(measure))))

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

    def _survey(self, measure: Measure) -> None:
        """A survey measure: latest result with its interval, the comparison and whether it is significant."""
        last = self.window.last_complete_month
        compared = (surveys.by_wave if measure.basis == "wave" else surveys.rolling_year)(
            self.data_dir, measure.survey, last)
        latest, previous = compared.latest, compared.previous
        _table(pd.DataFrame({
            "Result": ["Latest", "Compared with"], "Period": [latest.label, previous.label],
            "Respondents": [f"{e.respondents:,}" for e in (latest, previous)],
            measure.unit.capitalize(): [f"{e.percent:.1f}%" for e in (latest, previous)],
            "95% interval": [f"{e.interval[0]:.1f}% to {e.interval[1]:.1f}%" for e in (latest, previous)],
        }), f"{measure.label}: latest result and its comparison", f"survey-{measure.id}", self._source("survey"))
        history = surveys.monthly_percent(self.data_dir, measure.survey, last)
        _figure(charts.survey_png(history, measure), charts.survey_alt(history, measure), self._source("survey"))
        lines = [compared.statement(measure.label)]
        if measure.basis == "rolling-12-months":  # monthly results: an SPC chart of the monthly percentages
            recent = history[history["month"] >= str(self.window.financial_year.start_year - 2) + "-04"]
            chart = statements.Chart.of(measure, [Month.parse(m) for m in recent["month"]],
                                        [round(p, 1) for p in recent["percent"]])
            _figure(charts.spc_png(chart), charts.spc_alt(chart), self._source("survey"))
            lines.append(statements.variation(chart, [m for m in chart.months
                                                      if m.financial_year == self.window.financial_year]))
        if measure.basis == "wave":
            lines += [s.replace(",", "") for s in statements.record_statement(
                [(Month.parse(m), round(p, 1)) for m, p in zip(history["month"], history["percent"])],
                [Month.parse(history["month"].iloc[-1])])]
        display(Markdown(_computed(measure.label, lines)))

    def _stop_search(self) -> None:
        """Searches, arrest and positive outcome rates, and disproportionality, this year against last."""
        force = self.plan.force_area
        people = stopsearch.census(self.data_dir, force)
        windows = []
        for start, end in ((self.window.last_year_start, self.window.last_year_end),
                           (self.window.start, self.window.as_of)):
            label = f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
            months = ((end - start).days + 1) / (365.25 / 12)
            windows.append(stopsearch.summarise(stopsearch.records(self.data_dir, force, start, end), label, months))
        before, now = windows
        rows = [("Searches", lambda w: f"{w.searches:,}"), ("Searches a month", lambda w: f"{w.per_month:,.0f}"),
                ("Arrest rate", lambda w: f"{w.arrest_rate:.1f}%"),
                ("Positive outcome rate", lambda w: f"{w.positive_rate:.1f}%")]
        rows += [(f"Searches per 1,000 {g} people", lambda w, g=g: f"{w.rates(people)[g]:.2f}")
                 for g in stopsearch.GROUPS]
        rows += [(f"{g} to White ratio", lambda w, g=g: f"{w.ratios(people)[g]:.1f}") for g in stopsearch.GROUPS[1:]]
        rows += [("Records without an ethnicity", lambda w: f"{w.without_ethnicity:,} "
                  f"({w.without_ethnicity / w.searches * 100 if w.searches else 0:.1f}%)")]
        _table(pd.DataFrame({"Measure": [r[0] for r in rows], before.label: [r[1](before) for r in rows],
                                                     now.label: [r[1](now) for r in rows]}),
                                       f"Stop and search in {force}", "stop-search", self._source("stop_search"))
        history = stopsearch.per_month(self.data_dir, force)
        history = history[history["month"] <= str(self.window.last_complete_month)]
        _figure(charts.searches_png(history), charts.searches_alt(history), self._source("stop_search"))
        ratio = lambda w, g: w.ratios(people)[g]  # noqa: E731
        display(Markdown(_computed("stop and search", [
            f"Searches went from about {before.per_month:,.0f} a month ({before.label}) to about "
            f"{now.per_month:,.0f} ({now.label}).",
            f"The arrest rate went from {before.arrest_rate:.1f}% to {now.arrest_rate:.1f}%, and the positive "
            f"outcome rate from {before.positive_rate:.1f}% to {now.positive_rate:.1f}%.",
            f"Asian people were {ratio(before, 'Asian'):.1f} times as likely as White people to be searched, and "
            f"are now {ratio(now, 'Asian'):.1f} times; Black people {ratio(before, 'Black'):.1f} times, now "
            f"{ratio(now, 'Black'):.1f}.",
            f"{stopsearch.METHOD} In the latest window {now.from_self:,} records gave a self-defined ethnicity, "
            f"{now.from_officer:,} only an officer-defined one, and {now.without_ethnicity:,} neither (left out).",
        ])))

    def _audit(self) -> None:
        """The crime data integrity audit, with the rates computed from the counts."""
        audit = Store(self.data_dir).table("audit")
        names = {"incidents": "Crimes from incidents", "directly-recorded": "Directly recorded crimes",
                 "no-crime": "No-crime decisions"}
        _table(pd.DataFrame({
            "Audit": [names[a] for a in audit["audit"]], "Category": audit["category"],
            "Should have been recorded, or examined": [f"{n:,}" for n in audit["expected"]],
            "Recorded, or correct": [f"{n:,}" for n in audit["correct"]],
            "Rate": [f"{compare.rounded(c / e * 100)}%" for c, e in zip(audit["correct"], audit["expected"])],
        }), "Crime data integrity audit: compliance rates computed from the counts", "audit",
            self._source("audit"))

    def _source(self, table: str) -> str:
        titles = [s["title"] or Path(s["path"]).name for s in Store(self.data_dir).sources(table)]
        return "; ".join(dict.fromkeys(titles)) or table

    def comparison(self) -> None:
        """Display how the force compares with its comparator group, from ONS data, and check the paper."""
        glue("title", "How the force compares", display=False)
        spec = self.plan.comparison
        if spec is None:
            display(Markdown(f"The plan ({self.plan.source.name}) sets no comparator group."))
            return
        data = Comparison.load(self.data_dir, spec.force, spec.group, spec.group_name)
        end = data.latest_quarter_end(self.window.as_of)
        ending = f"{end.day} {end:%B %Y}"
        display(Markdown(
            f"*Crimes per 1,000 residents in the 12 months to {ending}, the latest quarter end on or before "
            f"{self.window.as_of.day} {self.window.as_of:%B %Y}. Fraud is left out; residents are the ONS mid-year "
            f"estimate for {end.year}. Every figure on this page is published data.*\n\n"
            f"The **{spec.group_name.lower()}** ({', '.join(spec.group)}) are a comparator group set in the plan "
            f"({self.plan.source.name}); they are not the Home Office's most similar group of forces, and another "
            "group can be set there."))
        _table(_rates_frame(data.rates(end)), f"Crimes per 1,000 residents, 12 months to "
                                       f"{ending}", "comparison-rates", compare.SOURCE)
        _table(_breakdown_frame(data.breakdown(end), spec.force, spec.group_name),
                                       f"Crimes per 1,000 residents by main offence type, 12 months to {ending}",
                                       "comparison-types", compare.SOURCE)
        quarters = compare.year_to_date_quarters(self.data_dir, spec.force, end)
        if not quarters.empty:
            display(Markdown(
                f"Published quarterly figures give a check on the year-to-date tables, which come from the force's "
                f"extract and run to {self.window.as_of.day} {self.window.as_of:%B %Y}:"))
            _table(pd.DataFrame({
                "Quarter": quarters["quarter"], "Crimes": [f"{n:,}" for n in quarters["crimes"]],
                "A year earlier": [f"{n:,}" for n in quarters["previous"]],
                "Change": [tables.signed_percent(c) for c in quarters["change"]]}),
                f"Recorded crime in {spec.force} by quarter, excluding fraud", "comparison-quarters",
                compare.QUARTERLY_SOURCE)
        history = data.over_time()
        history = history[history["period_end"] <= end]
        _figure(charts.comparison_png(history, spec.force, spec.group_name),
                charts.comparison_alt(history, spec.force, spec.group_name), compare.SOURCE)
        findings = compare.check_paper(data, spec.paper, end)
        if findings:
            display(Markdown("## What the board paper says, checked against the data\n\n" + "\n\n".join(
                _finding(f) for f in findings)))


DOWNLOADS = Path("downloads")
PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "pyarrow", "pandera", "papermill", "jupyter-book", "myst-nb",
            "sphinx", "nbval")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _table(frame: pd.DataFrame, caption: str, table_id: str, source: str, data: pd.DataFrame | None = None) -> None:
    """An HTML table, and beside it its data as a CSV file to download (the plain numbers where given)."""
    display(HTML(tables.html_table(frame, caption, table_id, source)))
    path = DOWNLOADS / f"{table_id}.csv"
    path.parent.mkdir(exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    (frame if data is None else data).to_csv(partial, index=False, lineterminator="\n")
    os.replace(partial, path)  # the summary and an objective page may write the same table at once
    label = caption.replace("<", "").replace(">", "").replace("`", "")
    display(Markdown(f"{{download}}`Download the data: {label} (CSV) <{path.as_posix()}>`"))


def _figure(png: bytes, alt: str, source: str) -> None:
    """A PNG figure whose alt text travels in its output metadata, followed by its source."""
    encoded = base64.b64encode(png).decode("ascii")
    display({"image/png": encoded, "text/plain": alt}, raw=True, metadata={"image/png": {"alt": alt}})
    display(Markdown(f"*Source: {source}.*"))


def _rates_frame(rates) -> "pd.DataFrame":
    return pd.DataFrame({
        "Area": rates["name"],
        "Crimes": [f"{n:,}" for n in rates["crimes"]],
        "Residents": [f"{n:,}" for n in rates["population"]],
        "Crimes per 1,000": [f"{compare.rounded(v)}" for v in rates["per_1000"]],
        "A year earlier": [f"{int(n):,}" for n in rates["previous"]],
        "Change": [tables.signed_percent(c) for c in rates["change"]],
    })


def _breakdown_frame(types, force: str, group_name: str) -> "pd.DataFrame":
    return pd.DataFrame({
        "Offence type": types["type"],
        f"{force} per 1,000": [f"{compare.rounded(v, 2)}" for v in types["force_per_1000"]],
        f"{force} change": [tables.signed_percent(c) for c in types["force_change"]],
        f"{group_name} per 1,000": [f"{compare.rounded(v, 2)}" for v in types["group_per_1000"]],
        f"{group_name} change": [tables.signed_percent(c) for c in types["group_change"]],
    })


def _finding(finding: compare.Finding) -> str:
    verdict, kind = ("The data bears this out", "note") if finding.agrees else ("The data differs", "warning")
    return (f":::{{admonition}} {verdict}\n:class: {kind} spcb-finding\n**The paper:** {finding.claim}\n\n"
            f"**The data:** {finding.data}\n:::")


def _computed(subject: str, lines: list[str]) -> str:
    return (f":::{{admonition}} Computed from the data: {subject}\n:class: tip spcb-computed\n"
            + "\n".join(f"- {line}" for line in lines) + "\n:::")


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
        parts.append(_update_required(f"The commentary below is carried forward unchanged from "
                                      f"{narrative.carried_forward(update.commentary)}; it has not been updated for "
                                      f"{report.period.name}."))
        parts.append(narrative.safe("\n".join(lines[1:]).strip()))
    elif update.state == "update-required":
        parts.append(_update_required(f"This item is due for an update in {report.period.name} "
                                      f"({FREQUENCY_LABELS[item.frequency].lower()}) and has no commentary."))
    elif update.state == "not-due":
        when = f"The next update is due in {update.next_due.name}." if update.next_due else (
            "It is not due again in this plan year." if item.frequency != "none"
            else "The plan sets no reporting frequency for it.")
        parts.append(f"*No update is due in {report.period.name}. {when}*")
    return "\n\n".join(parts)


def _update_required(text: str) -> str:
    return f":::{{admonition}} Update required\n:class: danger spcb-update-required\n{text}\n:::"
