"""One force's quarterly book of an edition of many forces (the national edition): `spcb build --edition national
--force F --period 2023-Q4` builds one, and each task of `spcb batch` one.

- A force's book is built in a project of its own, `_build/books/<edition>/<slug>/`: the project's `_config.yml`,
  the national contents (`catalogue.toc(NATIONAL_PAGES)`), `book/_static`, and `book/report/` for its notebooks.
  So forces build side by side, in processes of their own or on machines sharing the project folder, each under
  its own lock; their notebooks' data folders are relative to that `book/report/` (`project.report_dir`).
- The notebooks take the period, its last day as the cut-off, the data folder and the force. Each is taken from
  the project's cache when nothing it reads has changed (`reads.national_inputs`: the edition and the store tables
  its page shows), and otherwise executed in the given kernels, by default this process's own warm kernel
  (`execute.Here`), kept from one book to the next.
- When no notebook changed and the book's other inputs are the same, the published book is left as it is.
  Otherwise Jupyter Book builds it (every page when the contents, configuration, static files, page about the
  data, edition, spcb or packages changed; else the changed pages only) and it is published to
  `_build/html/<edition>/<slug>/<period>/`, its notebooks kept in `_build/executed/<edition>/<slug>/<period>/` and
  its manifest written, as for any edition, so `spcb verify --edition national --force F --period P` checks it.
  The site's key is written last: a book stopped before that is built in full next time.
- A notebook that fails raises BuildError naming the force, the notebook and the cell; nothing is published.
"""
from __future__ import annotations

import os
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..analysis.national import FORCES
from ..ingest.contract import force_name
from ..plan import edition as editions
from ..plan.periods import Quarter
from ..report import catalogue, reads
from ..report.national import NationalContext
from .build import SITE_KEY, STAGING, Done, any_changed, keep, looked_up, remember, replace, site, site_key
from .cache import Cache
from .execute import Here, Job, Kernels
from .project import BOOKS, EXECUTED, REPORT_DIR, TEMPLATES, BuildError, git_commit, held, slug


@dataclass(frozen=True)
class Book:
    """What building one force's book did: where it is published, the notebooks executed and reused, and the
    site ("built in full", "updated" or "unchanged")."""

    force: str
    period: str
    path: Path
    executed: int
    reused: int
    site: str


def force(name: str) -> str:
    """The force's canonical name, in any of its publishers' spellings; refused in one line if it is not one of
    the 43 territorial forces."""
    found = force_name(name)
    if found not in FORCES:
        raise BuildError(f"--force {name!r}: not a territorial police force of England and Wales; expected one of "
                         f"{', '.join(FORCES)}")
    return found


def check(data: Path, period: str) -> Quarter:
    """The quarter, refused in one line before any notebook runs if the edition's data cannot give its year to date
    and the same quarters a year earlier (it is the same for every force)."""
    NationalContext.load(data, FORCES[0], period)
    return Quarter.parse(period)


def book(root: Path, data: Path, name: str, period: str, kernels: Kernels | Here | None = None,
         use_cache: bool = True) -> Book:
    """Build the book of force `name` for the quarter `period` from the edition in `data` (see the module's rules)."""
    data, chosen, quarter = Path(data).resolve(), force(name), Quarter.parse(period)
    edition = editions.load(data)
    key = f"{edition.name}/{slug(chosen)}"
    home = root / BOOKS / key
    _project(root, home)
    with held(home):
        staging, report = home / STAGING, home / REPORT_DIR
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        common = {"period": str(quarter), "as_of": quarter.last_day.isoformat(),
                  "data_dir": os.path.relpath(data, report), "force": chosen}
        data_dir = os.path.relpath(data, root)
        extra = {"commit": git_commit(root), "command": f"spcb ingest --data {data_dir}\nspcb build --data "
                                                        f"{data_dir} --force {shlex.quote(chosen)} --period {quarter}"}
        job_list = [Job(root / TEMPLATES / f"{n.template}.ipynb", n.page, n.parameters)
                    for n in catalogue.national_notebooks(common, extra)]
        cache, done = Cache(root) if use_cache else None, Done(kernels or Here())
        todo, keys = looked_up(cache, job_list, f"{key}/{quarter}",
                               lambda job: reads.national_inputs(data, job.template.stem), staging, done, period)
        failures = done.kernels.run(todo, staging, home / "_build" / "logs", last=True)
        if failures:
            raise BuildError(f"{chosen}, {quarter}: a notebook failed, nothing was published: {'; '.join(failures)}")
        if cache:
            remember(cache, todo, keys, staging)
        shutil.copy2(edition.about, staging / f"{catalogue.ABOUT}.md")
        sphinx, site = home / "_build" / "sphinx" / str(quarter), site_key(home, edition, data)
        everything = cache is None or not (sphinx / SITE_KEY).exists() or (sphinx / SITE_KEY).read_text() != site
        published = root / "_build" / "html" / key / str(quarter)
        how = "built in full" if everything else "updated"
        if not any_changed(staging, root / EXECUTED / key / str(quarter)) and not everything and published.exists():
            how = "unchanged"
        else:
            _publish(root, home, staging, sphinx, f"{edition.title}: {chosen}", everything, published)
            (sphinx / SITE_KEY).write_text(site)
        shutil.rmtree(staging, ignore_errors=True)
        return Book(chosen, str(quarter), published, len(todo), len(job_list) - len(todo), how)


def _project(root: Path, home: Path) -> None:
    """The force's own project: the configuration and static files of the project, and the national contents."""
    (home / "book").mkdir(parents=True, exist_ok=True)
    for name, text in (("_config.yml", (root / "_config.yml").read_text(encoding="utf-8")),
                       ("_toc.yml", catalogue.toc(catalogue.NATIONAL_PAGES))):
        if not (home / name).exists() or (home / name).read_text(encoding="utf-8") != text:
            (home / name).write_text(text, encoding="utf-8")
    shutil.copytree(root / "book" / "_static", home / "book" / "_static", dirs_exist_ok=True)


def _publish(root: Path, home: Path, staging: Path, sphinx: Path, title: str, everything: bool,
             published: Path) -> None:
    """Build the site from the staged notebooks, then publish it, keep its notebooks and write its manifest."""
    report = home / REPORT_DIR
    shutil.rmtree(report, ignore_errors=True)
    shutil.copytree(staging, report, copy_function=shutil.copy2)
    site(home, sphinx, title, everything)
    new = published.with_name(f".{published.name}.new")
    shutil.rmtree(new, ignore_errors=True)
    shutil.copytree(sphinx / "_build" / "html", new)
    published.parent.mkdir(parents=True, exist_ok=True)
    replace(new, published)
    keep(root, sorted(report.glob("*.ipynb")), [])
