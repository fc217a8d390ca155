"""The `spcb` command: start an edition, ingest its data, build its book (or preview it live with `serve`), clear
the notebook cache, print the milestone table, verify notebooks, write the demo extract.

Every command works on one edition: `--edition NAME` (the folder `data/editions/NAME/` of the project), or
`--data FOLDER` (an edition's folder anywhere), or by default the West Midlands demonstration edition.

Every error is one line, `spcb: error: ...`, never a traceback: argument errors, bad input, and a file that
cannot be read or written (read-only, permission denied, disk full), named with its cause. Arguments are
checked before anything runs, so a command that fails on them writes nothing: a period is ASCII YYYY-MM
from 1900 to 2100, `--data` is an existing folder (for `ingest`, a folder or a new one inside an existing
folder), and `--jobs` is at most the number of cores (more is capped, with a note).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .ingest.contract import InputError
from .plan import edition as editions
from .plan.edition import DEFAULT
from .plan.periods import Month, PeriodError, Quarter
from .plan.schema import PlanError
from .report.narrative import NarrativeError
from .site.project import BuildError, find_root, held

# Each command imports what it runs when it runs, so that the command starts, and the processes a build spawns
# (which import this module again) start, without pandas, matplotlib or Jupyter Book.


class UsageError(ValueError):
    """An argument that names something unusable, such as a data folder that is a file."""


ERRORS = (PlanError, InputError, PeriodError, NarrativeError, BuildError, UsageError)
CORES = os.cpu_count() or 1
PORT = 8000


class _Parser(argparse.ArgumentParser):
    """Argument errors in one line, like every other error."""

    def error(self, message: str):
        self.exit(2, f"spcb: error: {message} (see `{self.prog} --help`)\n")


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of 1 or more; found {text!r}")
    return int(text)


def _port(text: str) -> int:
    """A TCP port, 0 (any free port) to 65535, for `--port`."""
    if not (text.isascii() and text.isdigit()) or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 0 to 65535; found {text!r}")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="spcb", description="Reproducible police and crime board report book.")
    commands = parser.add_subparsers(dest="command", required=True)

    def edition_options(command: argparse.ArgumentParser, data: bool = True) -> None:
        command.add_argument("--edition", help=f"the edition, a folder of data/editions/ (default: {DEFAULT})")
        if data:
            command.add_argument("--data", help="the edition's folder, given as a path instead of --edition")
        command.add_argument("--root", default=".", help="project folder (default: the current one)")

    def force_option(command: argparse.ArgumentParser) -> None:
        command.add_argument("--force", help="for the national edition: the force whose book it is (e.g. \"West "
                                             "Midlands\")")

    def period_options(command: argparse.ArgumentParser, as_of: bool = True, many: bool = False) -> None:
        command.add_argument("--period", required=True, action="append" if many else "store",
                             help="reporting month, YYYY-MM (e.g. 2014-11), or for the national edition a financial "
                                  "quarter, YYYY-QN (e.g. 2023-Q4, January to March 2024)"
                                  + ("; repeat it to build several" if many else ""))
        if as_of:
            command.add_argument("--as-of", help="cut-off date, YYYY-MM-DD (default: end of the period or of the data)")
        edition_options(command, data=as_of)

    run = commands.add_parser("build", help="execute every notebook for a period and build the site")
    period_options(run, many=True)
    force_option(run)
    run.add_argument("--jobs", type=_positive, default=CORES,
                     help="notebooks run at once, at most the number of cores (default: cores)")
    run.add_argument("--no-cache", action="store_true",
                     help="execute every notebook, and build every page, even where nothing it reads has changed")
    run.add_argument("--fresh-kernels", action="store_true",
                     help="run each notebook in a kernel of its own instead of a warm kernel kept for many")

    batch = commands.add_parser("batch", help="build the national edition's books, one per force and quarter, on "
                                              "Dask distributed, and their index")
    batch.add_argument("--edition", help="a national edition, a folder of data/editions/ "
                                                             "(default: national)")
    batch.add_argument("--data", help="the edition's folder, given as a path instead of --edition")
    batch.add_argument("--root", default=".", help="project folder (default: the current one)")
    batch.add_argument("--force", action="append", required=True, metavar="NAME",
                       help='a force, in any common spelling (e.g. "Avon & Somerset"); repeat it for several, or '
                            "`all` for the 43 forces of England and Wales")
    quarters = batch.add_mutually_exclusive_group(required=True)
    quarters.add_argument("--period", action="append", dest="quarters", metavar="QUARTER",
                          help="financial quarter, YYYY-QN, YYYY the financial year's first (e.g. 2023-Q4, January "
                               "to March 2024); repeat it for several")
    quarters.add_argument("--from", dest="first", metavar="QUARTER", help="the first quarter of a range (with --to)")
    batch.add_argument("--to", dest="last", metavar="QUARTER", help="the last quarter of the range --from starts")
    batch.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="a running Dask scheduler whose workers build the books (default: a cluster on this "
                            "computer, ended with the batch)")
    batch.add_argument("--workers", type=_positive, default=CORES,
                       help="worker processes of the cluster on this computer (default: cores)")

    cached = commands.add_parser("cache", help="the cache of executed notebooks in _build/cache/")
    cached.add_argument("action", choices=["clear"], help="clear: remove every cached notebook")
    cached.add_argument("--root", default=".", help="project folder (default: the current one)")

    preview = commands.add_parser("serve", help="build a period and serve it on this computer, building it again and "
                                                "reloading the open page whenever its commentary, plan or data change")
    period_options(preview)
    preview.add_argument("--port", type=_port, default=PORT,
                         help=f"port on 127.0.0.1, 0 for any free one (default: {PORT})")

    table = commands.add_parser("table", help="print a table of the report")
    table.add_argument("name", choices=["milestones"])
    period_options(table)
    table.add_argument("--format", choices=["csv", "json", "md"], default="md")

    printed = commands.add_parser("pdf", help="print the built book for a period to an A4 PDF")
    period_options(printed, as_of=False)

    check = commands.add_parser("verify", help="check the published files against the build's manifest, then re-run "
                                               "the executed notebooks with nbval and compare outputs")
    period_options(check, as_of=False)
    force_option(check)

    ingest = commands.add_parser("ingest", help="read published files or the force's extract into an edition's store")
    ingest.add_argument("paths", nargs="*", metavar="PATH", help="files, or folders searched for *.csv and *.csv.gz "
                        "(default: the inputs its edition.yml lists)")
    edition_options(ingest)

    report = commands.add_parser("summary", help="what an edition's store holds, per source file")
    edition_options(report)
    report.add_argument("--format", choices=["text", "json"], default="text")

    scaffold = commands.add_parser("new-period", help="start a period's commentary from the last one")
    scaffold.add_argument("period", help="reporting month, YYYY-MM")
    edition_options(scaffold)

    start = commands.add_parser("init", help="start an edition for a force: plan, extract.yml, commentary, README")
    start.add_argument("name", help="the edition's name: lower-case letters, digits and '-' (e.g. city-of-london)")
    start.add_argument("--force", required=True, help='the force\'s name, e.g. "City of London Police"')
    start.add_argument("--police-uk", metavar="FOLDER", help="a folder of data.police.uk files for the force "
                       "(default: the edition's own police-uk/ folder, to fill)")
    start.add_argument("--root", default=".", help="project folder (default: the current one)")

    described = commands.add_parser("contract", help="print the input contract (formats and canonical tables)")
    described.add_argument("--write", metavar="PAGE", nargs="?", const="book/input-contract.md",
                           help="rewrite the generated sections of this page (default: book/input-contract.md) "
                                "instead of printing")

    contents = commands.add_parser("toc", help="print _toc.yml as generated from the declared pages")
    contents.add_argument("--write", action="store_true", help="rewrite the project's _toc.yml instead of printing")
    contents.add_argument("--root", default=".", help="project folder (default: the current one)")

    generate = commands.add_parser("demo-extract", help="write the demonstration extract")
    generate.add_argument("--out", default="data/extract", help="folder to write (default: data/extract)")
    return parser


def _data(args: argparse.Namespace) -> Path:
    """The edition's folder the arguments name."""
    if getattr(args, "data", None):
        return Path(args.data)
    return editions.folder(find_root(args.root), args.edition or DEFAULT)


def _national(args: argparse.Namespace) -> bool:
    """Whether the command is for an edition of many forces' books, which then needs `--force` (and others refuse
    it)."""
    try:
        many = editions.load(_data(args)).kind == "national"
    except PlanError:  # no such edition in this project: the command says so itself, or needs none (verify)
        many = False
    if many and not args.force:
        raise UsageError(f"{_data(args)}: the national edition holds a book for each force; name one with --force")
    if args.force and not many:
        raise UsageError(f"--force {args.force!r}: the edition {_data(args).name} is one force's; --force is for "
                         "the national edition")
    return many


def _table(args: argparse.Namespace) -> str:
    from .analysis.milestones import rows_for
    from .report import tables
    from .report.context import PageContext

    ctx = PageContext.load(_data(args), args.period, args.as_of)
    rows = rows_for(ctx.plan.milestone_table, ctx.extract, ctx.window, ctx.plan.threshold)
    return {"csv": tables.to_csv, "json": tables.to_json, "md": tables.to_markdown}[args.format](rows)


def _ingest(paths: list[str], data: Path) -> list:
    """Ingest into `data` (by default, its edition's inputs); a data folder this ingest made is removed again if it
    fails, so it writes nothing."""
    from .ingest import store

    if not paths:
        paths = list(editions.load(data).inputs)
    made = not data.exists()
    try:
        return store.ingest(paths, data)
    except BaseException:
        if made and data.is_dir() and not any(data.iterdir()):
            data.rmdir()
        raise


def _rewrite(path: Path, sections: dict[str, str]) -> None:
    """Replace the text between `<!-- name:start -->` and `<!-- name:end -->` for each section."""
    text = path.read_text(encoding="utf-8")
    for name, body in sections.items():
        start, end = f"<!-- {name}:start -->\n", f"<!-- {name}:end -->"
        if start not in text or end not in text:
            raise BuildError(f"{path}: no {start.strip()} ... {end} markers to rewrite")
        head, rest = text.split(start, 1)
        text = head + start + body + end + rest.split(end, 1)[1]
    path.write_text(text, encoding="utf-8")


def _check(args: argparse.Namespace) -> None:
    """What can be checked before a command runs, so that one that fails on its arguments writes nothing."""
    period = getattr(args, "period", None)
    for text in period if isinstance(period, list) else [period] if period else []:
        Quarter.parse(text) if "-Q" in text else Month.parse(text)
    if getattr(args, "data", None) and getattr(args, "edition", None):
        raise UsageError("--data and --edition both name an edition; give one of them")
    if getattr(args, "data", None):
        folder = Path(args.data)
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"{folder}: not a folder; expected the data folder (--data)")
        if not folder.exists() and args.command != "ingest":
            raise UsageError(f"{folder}: no such folder; expected the data folder (--data)")
        if not folder.exists() and not folder.parent.is_dir():
            raise UsageError(f"{folder}: no such folder, nor is {folder.parent} a folder to make it in; expected the "
                             "data folder (--data), or a new one inside an existing folder")
    if getattr(args, "jobs", 0) > CORES:
        print(f"spcb: note: --jobs {args.jobs} is more than the {CORES} cores; running {CORES} notebooks at once",
              file=sys.stderr)
        args.jobs = CORES


def _ingested(data: Path) -> None:
    """An edition built from published files alone has its store filled from its inputs the first time, so that a
    fresh clone builds it with one command."""
    from .ingest import store

    if not store.Store(data).exists():
        print(f"spcb: note: {data} has no store yet; ingesting its inputs first", file=sys.stderr)
        _ingest([], data)


def _batch(args: argparse.Namespace) -> Path:
    """`spcb batch`: its edition, forces and quarters checked before anything runs, then the batch."""
    from .site import batch, national

    if not args.data:
        args.edition = args.edition or batch.EDITION
    data = _data(args)
    if editions.load(data).kind != "national":
        raise UsageError(f"{data}: the edition {data.name} is not a national one; expected --edition national")
    if (args.first is None) != (args.last is None):
        raise UsageError("--from and --to give a range together; expected both, or --period")
    if args.first:
        first, last = Quarter.parse(args.first), Quarter.parse(args.last)
        if first > last:
            raise PeriodError(f"--from {first} is after --to {last}; expected the range's first quarter first")
        quarters = [first]
        while quarters[-1] < last:
            quarters.append(quarters[-1].shift(1))
    else:
        quarters = [Quarter.parse(text) for text in args.quarters]
    forces = [found for name in args.force
              for found in (national.FORCES if name.strip().lower() == "all" else [national.force(name)])]
    _ingested(data)
    for quarter in quarters:  # before a cluster starts or any notebook runs
        national.check(data, str(quarter))
    return batch.build_all(find_root(args.root), data, list(dict.fromkeys(forces)),
                           list(dict.fromkeys(str(q) for q in quarters)), args.scheduler, args.workers)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        _check(args)
        if args.command == "build" and _national(args):
            from .site import national

            _ingested(_data(args))
            for period in args.period:  # every quarter checked before any notebook runs
                national.check(_data(args), period)
            for period in args.period:
                made = national.book(find_root(args.root), _data(args), args.force, period, use_cache=not args.no_cache)
                print(f"The book of {made.force} for {made.period} is built ({made.site}): {made.path / 'index.html'}")
        elif args.command == "build":
            from .site.execute import Kernels

            with Kernels(args.jobs, warm=not args.fresh_kernels) as kernels:
                kernels.start()  # the workers start while this process imports the build
                from .site import build

                index = build.build(args.period, args.as_of, _data(args), args.jobs, args.root,
                                    use_cache=not args.no_cache, kernels=kernels)
            print(f"The site is built: {index}")
        elif args.command == "batch":
            print(f"The books are built: {_batch(args)}")
        elif args.command == "cache":
            from .site.cache import Cache

            root = find_root(args.root)
            with held(root):  # not while a build reads it
                removed = Cache(root).clear()
            print(f"The cache is cleared ({removed / 2**20:.1f} MB removed)")
        elif args.command == "serve":
            from .site import serve

            serve.serve(args.period, args.as_of, _data(args), args.root, args.port, ERRORS + (OSError,))
        elif args.command == "table":
            sys.stdout.write(_table(args))
        elif args.command == "pdf":
            from .site import pdf

            print(f"The PDF is written: {pdf.pdf(args.period, args.root, args.edition or DEFAULT)}")
        elif args.command == "verify":
            from .site import verify

            edition = args.edition or DEFAULT
            if _national(args):
                from .site.national import force
                from .site.project import slug

                edition = f"{edition}/{slug(force(args.force))}"
            return verify.verify(args.period, args.root, edition)
        elif args.command == "ingest":
            for result in _ingest(args.paths, _data(args)):
                print(result.describe())
        elif args.command == "init":
            from .plan import scaffold

            made = scaffold.init(find_root(args.root), args.name, args.force, args.police_uk)
            print(f"Started the edition {args.name} in {made}; read {made / 'README.md'} for what to fill in.")
        elif args.command == "summary":
            from .analysis import coverage
            from .analysis.measures import extract_counts
            from .ingest import store

            data = _data(args)
            report = store.summary(data)
            found = store.Store(data)
            described = editions.load(data) if (data / editions.FILE).exists() else None
            table = described.extract if described else "recorded_crime"
            counts = extract_counts(table, found.table(table), described.series if described else {})
            report["gaps"] = coverage.store_gaps(counts, found.table("stop_search"), table,
                                                 bool(described) and described.granularity == "monthly")
            print(json.dumps(report, indent=2, ensure_ascii=False) if args.format == "json"
                  else store.summary_text(report) + coverage.gaps_text(report["gaps"]),
                  end="" if args.format == "text" else "\n")
        elif args.command == "new-period":
            from .plan.schema import load_dir
            from .report import narrative

            written = narrative.new_period(_data(args), Month.parse(args.period), load_dir(_data(args)))
            print(f"Wrote {len(written)} commentary files to {written[0].parent}, each marked 'carried forward: "
                  "update required' until an analyst rewrites it:")
            print("\n".join(f"  {path.name}" for path in written))
        elif args.command == "contract":
            from .ingest import contract, registry

            sections = {"formats": registry.formats_markdown(), "contract": contract.markdown()}
            if args.write:
                _rewrite(Path(args.write), sections)
            else:
                print("\n".join(sections.values()), end="")
        elif args.command == "toc":
            from .report import catalogue

            if args.write:
                (find_root(args.root) / "_toc.yml").write_text(catalogue.toc(), encoding="utf-8")
            else:
                print(catalogue.toc(), end="")
        elif args.command == "demo-extract":
            from . import demo

            print(f"Wrote {demo.write(args.out)}")
    except ERRORS as exc:
        print(f"spcb: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"spcb: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
