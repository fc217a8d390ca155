"""`spcb init NAME --force "Force name"`: start an edition for a force on data.police.uk files alone.

It writes, in `data/editions/NAME/` (which must not exist yet):
- `edition.yml`: the title, the extract (data.police.uk street-level crime, by month) and the inputs: the
  force's data.police.uk files (the folder given with `--police-uk`, or the edition's own `police-uk/` to fill),
  the LSOA lookup and the 2011 Census, both shipped under `data/sources/`;
- a plan (`plan/<year>.yml`) with one measure and item per current data.police.uk crime type, all in the
  milestone table with no target (the board sets targets), and an item for stop and search with its outcomes.
  Its year is that of the latest street-level file in the folder given, or else the current financial year.
  Every item's title has at most 10 words, so none needs a `short`;
- `extract.yml`, which states that the data is real (`demonstration: false`) and names it;
- `narrative/` for the commentary, `about.md` for the page about the data, and `README.md` saying what to fill in.
The force must be one of the 43 police force areas of England and Wales (and its name is checked as the plan's
is). Nothing is written if any check fails.
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

from ..ingest.contract import CURRENT_CRIME_TYPES, force_name
from .edition import EDITIONS, FILE, NAME
from .periods import FinancialYear, Month
from .schema import PlanError

STREET = re.compile(r"^([0-9]{4}-[0-9]{2})-[a-z-]+-street\.csv(\.gz)?$")
UNITS = {"Anti-social behaviour": "incidents"}


def init(root: Path, name: str, force: str, police_uk: str | None = None, today: date | None = None) -> Path:
    """Write a new edition's folder (see the module's rules); return it."""
    if not NAME.match(name):
        raise PlanError(f"edition {name!r}: expected a name of lower-case letters, digits and '-'")
    area = force_name(force)
    if area is None:
        raise PlanError(f"--force {force!r}: expected the name of a police force of England and Wales, such as "
                        "'City of London Police'")
    target = root / EDITIONS / name
    if target.exists():
        raise PlanError(f"{target}: the edition {name!r} exists already; choose another name")
    files = Path(police_uk) if police_uk else target / "police-uk"
    if police_uk and not files.is_dir():
        raise PlanError(f"{files}: no such folder; expected a folder of data.police.uk files (--police-uk)")
    months = sorted(STREET.match(p.name)[1] for p in files.rglob("*") if STREET.match(p.name)) if police_uk else []
    year = Month.parse(months[-1]).financial_year if months else FinancialYear.of_date(today or date.today())
    sources = os.path.relpath(root / "data" / "sources", target)
    inputs = [os.path.relpath(files.absolute(), target.absolute()) if police_uk else "police-uk",
              f"{sources}/lsoa-police-force", f"{sources}/census2011-ethnicity"]
    (target / "plan").mkdir(parents=True)
    (target / "narrative").mkdir()
    if not police_uk:
        files.mkdir()
    texts = {
        FILE: _edition(force, inputs),
        f"plan/{year.start_year}-{(year.start_year + 1) % 100:02d}.yml": _plan(force, year),
        "extract.yml": _extract(force),
        "about.md": _about(force, area),
        "README.md": _readme(name, force, inputs[0]),
        "narrative/README.md": "Commentary for each period goes in a folder named for it (YYYY-MM), one file per "
                               "item: `<item id>.md`. `spcb new-period` starts one.\n",
    }
    for path, text in texts.items():
        (target / path).write_text(text, encoding="utf-8")
    return target


def _edition(force: str, inputs: list[str]) -> str:
    listed = "\n".join(f"  - {path}" for path in inputs)
    return (f"# The {force} edition, started by `spcb init`: its book counts data.police.uk street-level crime.\n"
            f"title: {_quoted(force + ' performance report')}\nextract: street_crime\ninputs:\n{listed}\n")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _slug(crime_type: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", crime_type.lower()).strip("_")


def _plan(force: str, year: FinancialYear) -> str:
    first = Month(year.start_year, 4)
    quarters = ", ".join(str(first.shift(i)) for i in (2, 5, 8, 11))
    halves = ", ".join(str(first.shift(i)) for i in (5, 11))
    measures = "\n".join(f"  {_slug(t)}: {{label: {_quoted(t)}, series: {_quoted(t)}, unit: {UNITS.get(t, 'crimes')}, "
                         "better: lower}" for t in CURRENT_CRIME_TYPES)
    items = "\n".join(
        f"      - id: {_slug(t).replace('_', '-')}\n        title: {_quoted(t)}\n        kind: deliverable\n"
        f"        lead: null\n        frequency: monthly\n        measures:\n"
        f"          - {{measure: {_slug(t)}, role: deliverable}}" for t in CURRENT_CRIME_TYPES)
    return f"""# A starting plan for {force}, written by `spcb init` to run on data.police.uk files alone.
# Each current data.police.uk crime type is measured year to date against last year, with no target: set
# targets (a milestone: `role: milestone, direction: reduce, target: -5%`), leads and reporting months as the
# board agrees them. The fields are described in data/editions/west-midlands/plan/2014-15.yml.
plan:
  title: {_quoted('Police and Crime Plan ' + year.label)}
  force: {_quoted(force)}
  financial_year: {first}
  board: Police and Crime Board

reporting_months:
  quarterly: [{quarters}]
  6-monthly: [{halves}]

measures:
{measures}

milestone_table: [{', '.join(_slug(t) for t in CURRENT_CRIME_TYPES)}]

objectives:
  - id: crime
    title: Recorded crime and anti-social behaviour
    items:
{items}
  - id: stop-and-search
    title: Stop and search
    items:
      - id: stop-and-search
        title: Stop and search, and its outcomes
        kind: deliverable
        lead: null
        frequency: quarterly
        panels: [stop-and-search]
"""


def _extract(force: str) -> str:
    return f"""# What the edition's data is. data.police.uk publishes every force's street-level crime, so it is real.
title: {_quoted('data.police.uk street-level crime, ' + force)}
demonstration: false
note: Monthly counts by crime type and local authority, from the data.police.uk archive files.
"""


def _about(force: str, area: str) -> str:
    return f"""# About the data

Every figure in this book is published data; none is a demonstration.

- **Crime and anti-social behaviour** come from the street-level files that data.police.uk publishes for
  {force}, one file a month. Each crime is counted in the month the file gives it, by its crime type. Its
  area is the local authority of its lower layer super output area (LSOA), through the ONS lookup of LSOAs to
  local authorities; a crime published without a location is counted under "Location not known".
- **Months, not days.** The files give months only, so the year to date runs from April to the end of the
  latest month, against the same months a year earlier. A month with no file is a gap: no figure is published
  from a window with a gap, and the book names the months missing. A crime type with no crime in a month whose
  file is present counts 0.
- **Stop and search** comes from the force's data.police.uk stop and search files, one row per search, with
  its outcome. Rates per 1,000 residents use the 2011 Census residents of the {area} police force area by
  ethnic group.

Each table and chart names its source underneath it, and the provenance page lists every file ingested with
its SHA-256. The plan's crime types have no targets until the board sets them: see the plan file.

Contains public sector information licensed under the Open Government Licence v3.0.
"""


def _readme(name: str, force: str, files: str) -> str:
    return f"""# The {force} edition

Started by `spcb init`. To build its book:

1. Put the force's data.police.uk files (street-level crime, outcomes, stop and search, as the archive at
   https://data.police.uk/data/archive/ ships them) in `{files}`, at least the months of this year to date and
   the same months of last year.
2. Check `extract.yml` says what the data is: `demonstration: false` for real data.
3. Edit the plan in `plan/`: the board's name, leads, reporting months and any targets.
4. Run `spcb ingest --edition {name}`, then `spcb build --edition {name} --period YYYY-MM`. Before any notebook
   runs, the build lists everything the plan needs that the data lacks.
5. Write each period's commentary in `narrative/YYYY-MM/<item id>.md` (`spcb new-period YYYY-MM --edition
   {name}` starts it), and say what the data is in `about.md`.
"""
