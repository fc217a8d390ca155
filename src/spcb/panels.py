"""The panels and pages beyond an item's own tables: surveys, stop and search, the audit, the comparison with
other forces, and provenance. Each takes the period's `Report` and displays through `output`."""
from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from . import __version__, charts, compare, narrative, output, statements, stopsearch, surveys, tables
from .compare import Comparison
from .periods import Month
from .plan import Measure
from .store import Store

if TYPE_CHECKING:
    from .pages import Report

PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "pyarrow", "pandera", "papermill", "jupyter-book", "myst-nb",
            "sphinx", "nbval")


def survey(report: Report, measure: Measure) -> None:
    """A survey measure: latest result with its interval, the comparison and whether it is significant."""
    last = report.window.last_complete_month
    compared = (surveys.by_wave if measure.basis == "wave" else surveys.rolling_year)(
        report.data_dir, measure.survey, last)
    latest, previous = compared.latest, compared.previous
    output.table(pd.DataFrame({
        "Result": ["Latest", "Compared with"], "Period": [latest.label, previous.label],
        "Respondents": [f"{e.respondents:,}" for e in (latest, previous)],
        measure.unit.capitalize(): [f"{e.percent:.1f}%" for e in (latest, previous)],
        "95% interval": [f"{e.interval[0]:.1f}% to {e.interval[1]:.1f}%" for e in (latest, previous)],
    }), f"{measure.label}: latest result and its comparison", f"survey-{measure.id}", report.source("survey"))
    history = surveys.monthly_percent(report.data_dir, measure.survey, last)
    output.figure(charts.survey_png(history, measure), charts.survey_alt(history, measure), report.source("survey"))
    lines = [compared.statement(measure.label)]
    if measure.basis == "rolling-12-months":  # monthly results: an SPC chart of the monthly percentages
        recent = history[history["month"] >= str(report.window.financial_year.start_year - 2) + "-04"]
        chart = statements.Chart.of(measure, [Month.parse(m) for m in recent["month"]],
                                    [round(p, 1) for p in recent["percent"]])
        output.figure(charts.spc_png(chart), charts.spc_alt(chart), report.source("survey"))
        lines.append(statements.variation(chart, [m for m in chart.months
                                                  if m.financial_year == report.window.financial_year]))
    if measure.basis == "wave":
        lines += [s.replace(",", "") for s in statements.record_statement(
            [(Month.parse(m), round(p, 1)) for m, p in zip(history["month"], history["percent"])],
            [Month.parse(history["month"].iloc[-1])])]
    output.markdown(output.computed(measure.label, lines))


def stop_search(report: Report) -> None:
    """Searches, arrest and positive outcome rates, and disproportionality, this year against last."""
    force = report.plan.force_area
    people = stopsearch.census(report.data_dir, force)
    windows = []
    for start, end in ((report.window.last_year_start, report.window.last_year_end),
                       (report.window.start, report.window.as_of)):
        label = f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
        months = ((end - start).days + 1) / (365.25 / 12)
        windows.append(stopsearch.summarise(stopsearch.records(report.data_dir, force, start, end), label, months))
    before, now = windows
    rows = [("Searches", lambda w: f"{w.searches:,}"), ("Searches a month", lambda w: f"{w.per_month:,.0f}"),
            ("Arrest rate", lambda w: f"{w.arrest_rate:.1f}%"),
            ("Positive outcome rate", lambda w: f"{w.positive_rate:.1f}%")]
    rows += [(f"Searches per 1,000 {g} people", lambda w, g=g: f"{w.rates(people)[g]:.2f}")
             for g in stopsearch.GROUPS]
    rows += [(f"{g} to White ratio", lambda w, g=g: f"{w.ratios(people)[g]:.1f}") for g in stopsearch.GROUPS[1:]]
    rows += [("Records without an ethnicity", lambda w: f"{w.without_ethnicity:,} "
              f"({w.without_ethnicity / w.searches * 100 if w.searches else 0:.1f}%)")]
    output.table(pd.DataFrame({"Measure": [r[0] for r in rows], before.label: [r[1](before) for r in rows],
                                                 now.label: [r[1](now) for r in rows]}),
                                   f"Stop and search in {force}", "stop-search", report.source("stop_search"))
    history = stopsearch.per_month(report.data_dir, force)
    history = history[history["month"] <= str(report.window.last_complete_month)]
    output.figure(charts.searches_png(history), charts.searches_alt(history), report.source("stop_search"))
    ratio = lambda w, g: w.ratios(people)[g]  # noqa: E731
    output.markdown(output.computed("stop and search", [
        f"Searches went from about {before.per_month:,.0f} a month ({before.label}) to about "
        f"{now.per_month:,.0f} ({now.label}).",
        f"The arrest rate went from {before.arrest_rate:.1f}% to {now.arrest_rate:.1f}%, and the positive "
        f"outcome rate from {before.positive_rate:.1f}% to {now.positive_rate:.1f}%.",
        f"Asian people were {ratio(before, 'Asian'):.1f} times as likely as White people to be searched, and "
        f"are now {ratio(now, 'Asian'):.1f} times; Black people {ratio(before, 'Black'):.1f} times, now "
        f"{ratio(now, 'Black'):.1f}.",
        f"{stopsearch.METHOD} In the latest window {now.from_self:,} records gave a self-defined ethnicity, "
        f"{now.from_officer:,} only an officer-defined one, and {now.without_ethnicity:,} neither (left out).",
    ]))


def audit(report: Report) -> None:
    """The crime data integrity audit, with the rates computed from the counts."""
    audit = Store(report.data_dir).table("audit")
    names = {"incidents": "Crimes from incidents", "directly-recorded": "Directly recorded crimes",
             "no-crime": "No-crime decisions"}
    output.table(pd.DataFrame({
        "Audit": [names[a] for a in audit["audit"]], "Category": audit["category"],
        "Should have been recorded, or examined": [f"{n:,}" for n in audit["expected"]],
        "Recorded, or correct": [f"{n:,}" for n in audit["correct"]],
        "Rate": [f"{compare.rounded(c / e * 100)}%" for c, e in zip(audit["correct"], audit["expected"])],
    }), "Crime data integrity audit: compliance rates computed from the counts", "audit",
        report.source("audit"))


def comparison(report: Report) -> None:
    """Display how the force compares with its comparator group, from ONS data, and check the paper."""
    output.title("How the force compares")
    spec = report.plan.comparison
    if spec is None:
        output.markdown(f"The plan ({report.plan.source.name}) sets no comparator group.")
        return
    data = Comparison.load(report.data_dir, spec.force, spec.group, spec.group_name)
    end = data.latest_quarter_end(report.window.as_of)
    ending = f"{end.day} {end:%B %Y}"
    output.markdown(
        f"*Crimes per 1,000 residents in the 12 months to {ending}, the latest quarter end on or before "
        f"{report.window.as_of.day} {report.window.as_of:%B %Y}. Fraud is left out; residents are the ONS mid-year "
        f"estimate for {end.year}. Every figure on this page is published data.*\n\n"
        f"The **{spec.group_name.lower()}** ({', '.join(spec.group)}) are a comparator group set in the plan "
        f"({report.plan.source.name}); they are not the Home Office's most similar group of forces, and another "
        "group can be set there.")
    output.table(_rates_frame(data.rates(end)), f"Crimes per 1,000 residents, 12 months to "
                                   f"{ending}", "comparison-rates", compare.SOURCE)
    output.table(_breakdown_frame(data.breakdown(end), spec.force, spec.group_name),
                                   f"Crimes per 1,000 residents by main offence type, 12 months to {ending}",
                                   "comparison-types", compare.SOURCE)
    quarters = compare.year_to_date_quarters(report.data_dir, spec.force, end)
    if not quarters.empty:
        output.markdown(
            f"Published quarterly figures give a check on the year-to-date tables, which come from the force's "
            f"extract and run to {report.window.as_of.day} {report.window.as_of:%B %Y}:")
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


def provenance(report: Report, command: str, commit: str) -> None:
    """Display what a reviewer needs to reproduce the numbers: parameters, inputs with their SHA-256,
    the plan's hash, versions, and the command."""
    output.title("Provenance")
    plan_file = report.plan.source
    output.markdown(
        f"Everything on this site for {report.period.name} was computed from the inputs below, with the window "
        f"{report.window.start.isoformat()} to {report.window.as_of.isoformat()}. To reproduce it from a checkout "
        f"of spcb at the commit shown, run:\n\n```text\n{command}\n```\n\nthen `spcb verify --period "
        f"{report.period}` re-executes every notebook and compares each output. Each page's executed notebook "
        "can be downloaded from the download button at the top of that page.")
    output.table(pd.DataFrame({"Parameter": ["period", "as_of", "spcb version", "spcb commit", "plan file",
                                       "plan SHA-256"],
                         "Value": [str(report.period), report.window.as_of.isoformat(), __version__, commit,
                                   plan_file.name, _sha256(plan_file)]}),
           "Parameters of this build", "provenance-parameters", "spcb")
    log = Store(report.data_dir).log()
    output.table(pd.DataFrame({
        "File": [Path(e["path"]).name for e in log], "Format": [e["format"] for e in log],
        "Table": [e["table"] for e in log], "SHA-256": [e["sha256"] for e in log],
        "Rows read": [f"{e['rows_read']:,}" for e in log], "Rows used": [f"{e['rows_accepted']:,}" for e in log],
        "Covers": [f"{e['period_first']} to {e['period_last']}" if e["period_first"] else "" for e in log],
    }), "Every input file in the store, as ingested", "provenance-inputs", "the store's ingest log")
    texts = sorted(narrative.folder(report.data_dir, report.period).glob("*.md"))
    output.table(pd.DataFrame({"Commentary file": [p.name for p in texts], "SHA-256": [_sha256(p) for p in texts]}),
           f"Commentary for {report.period.name}", "provenance-commentary", "the analysts' commentary files")
    output.table(pd.DataFrame({"Package": list(PACKAGES), "Version": [_version(p) for p in PACKAGES]}),
           "Versions of the main packages", "provenance-packages", "the Python environment of the build")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


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
