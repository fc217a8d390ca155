"""An edition: one force's report book, its folder under `data/editions/<name>/` described by `edition.yml`.

The folder holds the plan (`plan/*.yml`), the commentary (`narrative/<period>/`), the force's own files, the
page about the data (`about.md`) and, once ingested, the edition's own store (`store/`), so one edition's data
and builds never touch another's. `edition.yml` gives:
- `title`: what the site, its pages' titles, the PDF and its footer call the book;
- `extract`: the store table the year-to-date tables and monthly charts count: `recorded_crime` (the force's
  daily extract), `monthly_crime` (a force's monthly counts by area and category, such as the Met's),
  `street_crime` (data.police.uk street-level crime, by month, crime type and local authority) or
  `recorded_crime_quarterly` (the Home Office's quarterly counts by force and offence group, for a national
  edition);
- `inputs`: the files and folders `spcb ingest --edition NAME` reads, relative to the edition's folder;
- `series` (optional): each series the plan measures, as the sum of the extract's own categories, so that a plan
  can count `mopac7` as nine of the Met's minor categories. A series not named here is the extract's series of
  that name;
- `kind` (optional): `board` (the default), a force's board report built from its plan, or `national`, a book
  for any of the 43 territorial forces, named when it is built, from published data alone: no plan, no commentary.
An edition's name is its folder's name: lower-case letters, digits and '-'. The West Midlands demonstration
edition is the default one.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..ingest.yamlfile import Reader, compose
from .schema import PlanError

DEFAULT = "west-midlands"  # the edition `make book` builds, and commands use when none is named
FILE = "edition.yml"
EDITIONS = Path("data/editions")
EXTRACTS = {"recorded_crime": "daily", "monthly_crime": "monthly", "street_crime": "monthly",
            "recorded_crime_quarterly": "quarterly"}
KINDS = ("board", "national")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Edition:
    name: str
    folder: Path
    title: str
    extract: str
    inputs: tuple[Path, ...]
    series: dict[str, tuple[str, ...]] = field(default_factory=dict)
    kind: str = "board"

    @property
    def granularity(self) -> str:
        """'daily', 'monthly' or 'quarterly': the finest step of the extract's counts."""
        return EXTRACTS[self.extract]

    @property
    def about(self) -> Path:
        return self.folder / "about.md"


def folder(root: Path, name: str) -> Path:
    """The folder of the edition called `name` in the project at `root`."""
    if not NAME.match(name):
        raise PlanError(f"edition {name!r}: expected a name of lower-case letters, digits and '-'")
    found = root / EDITIONS / name
    if not (found / FILE).exists():
        known = sorted(p.parent.name for p in (root / EDITIONS).glob(f"*/{FILE}"))
        raise PlanError(f"{found / FILE}: no such edition {name!r}; expected one of {', '.join(known) or 'none'} "
                        "(start one with `spcb init`)")
    return found


def load(data_dir: str | Path) -> Edition:
    """The edition whose folder is `data_dir`, read from its `edition.yml`."""
    data_dir = Path(data_dir)
    path = data_dir / FILE
    if not path.exists():
        raise PlanError(f"{path}: no edition.yml; expected the folder of an edition (see `spcb init`)")
    reader = Reader(path, PlanError)
    fields = reader.mapping(compose(path, PlanError, "edition"), "edition.yml", ("title", "extract", "inputs"),
                            ("series", "kind"))
    series = {}
    if "series" in fields:
        for key, value in reader.mapping(fields["series"], "edition.yml: field 'series'", (),
                                         _keys(fields["series"])).items():
            where = f"edition.yml: series {key!r}"
            series[key] = tuple(reader.text(n, where) for n in reader.sequence(value, where))
            if not series[key]:
                raise reader.fail(value, where, "expected at least one of the extract's series")
    return Edition(
        name=data_dir.resolve().name,
        folder=data_dir,
        title=reader.text(fields["title"], "edition.yml: field 'title'"),
        extract=reader.choice(fields["extract"], "edition.yml: field 'extract'", tuple(EXTRACTS)),
        inputs=tuple(Path(os.path.normpath(data_dir / reader.text(n, "edition.yml: field 'inputs'")))
                     for n in reader.sequence(fields["inputs"], "edition.yml: field 'inputs'")),
        series=series,
        kind=reader.choice(fields["kind"], "edition.yml: field 'kind'", KINDS) if "kind" in fields else "board",
    )


def _keys(node) -> tuple[str, ...]:
    return tuple(str(key.value) for key, _ in getattr(node, "value", ()) if hasattr(key, "value"))
