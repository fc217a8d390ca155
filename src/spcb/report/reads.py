"""What each page reads, as content digests: the inputs part of a notebook's cache key (see `site.cache`).

A page's digests are named inputs, each the SHA-256 of exactly what the page can see of it, so that a change
re-executes the pages that read what changed and no other:
- every page reads the edition (`edition.yml`), the plan, the cut-offs pinned up to its period (its own and the
  last report's), and the extract's shape: which days or months each series and area covers, the titles of the
  files its rows came from, whether it is a demonstration extract (not the counts: those are per series);
- `series:<name>`: the counts of one series of the extract, after the edition's sums (so a summed series reads
  the rows of its parts);
- `table:<name>`: one other store table, whole (its file's bytes, unread, so that a damaged table fails the page
  that reads it, as without the cache), with the titles of every file ingested into it;
- `commentary:<id>`: one item's commentary file; `states`: what every item shows this period (commentary,
  update required, not due...) without the commentary's words; `log`: the store's ingest log, whole;
  `commentary`: every commentary file of the period.
`READS` declares what each template's page reads, beside `pages` which draws them: an objective page reads its
items' series, tables and commentary; the executive summary every series the plan counts, every item's state and
its own commentary; the appendix every series and every state; the comparison its three published tables; the
provenance page the log and every commentary file. A template without a declaration reads everything, so a new
page is never served stale from the cache before its reads are declared. A national page (`national_inputs`) reads
the edition and the published tables it shows, its provenance page the log; its force and quarter are among its
parameters.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from ..ingest import store
from ..ingest.contract import TABLES
from ..plan import edition as editions
from ..plan.model import Item, Plan
from ..plan.periods import Window
from . import narrative
from .context import measured_series, read, used


def digest(value: bytes | str) -> str:
    return hashlib.sha256(value.encode() if isinstance(value, str) else value).hexdigest()


def _frame_digest(frame: pd.DataFrame) -> str:
    return digest(pd.util.hash_pandas_object(frame.reset_index(drop=True), index=False).to_numpy().tobytes()
                  + "|".join(map(str, frame.columns)).encode())


def _files_digest(files: Iterable[Path]) -> str:
    return digest(b"".join(f.name.encode() + b"\0" + f.read_bytes() + b"\0" for f in sorted(files)))


class Inputs:
    """The digests of everything a book's pages can read, for one period, computed as pages ask for them."""

    def __init__(self, data_dir: Path, window: Window):
        self.data_dir, self.window = data_dir, window
        edition, self.plan, self.store, rows, self.counts, coverage = read(data_dir)
        self.extract = edition.extract
        self.log = self.store.log()
        until = used(rows, window.as_of)
        shape = self.counts[["series", "area", "date"]].sort_values(["series", "area", "date"])
        demonstration = any(s["demonstration"] for s in store.sources(self.log, until, edition.extract))
        period = str(window.period)
        pins = [p for p in Path(data_dir, "narrative").glob(f"*/{narrative.PERIOD_FILE}") if p.parent.name <= period]
        self.common = {
            "edition": digest(Path(data_dir, editions.FILE).read_bytes()),
            "plan": _files_digest(Path(data_dir, "plan").glob("*.yml")),
            "pins": digest("".join(f"{p.parent.name}:{p.read_text(encoding='utf-8')}" for p in sorted(pins))),
            "extract": digest(_frame_digest(shape) + store.titles(self.log, until, edition.extract)
                              + str(demonstration) + str(coverage.monthly)),
        }
        self.texts = narrative.load(data_dir, window.period, self.plan)
        self._cache: dict[str, str] = {}

    def of(self, template: str, parameters: dict) -> dict[str, str]:
        """The named digests of what the page of `template` with `parameters` reads."""
        reads = READS.get(template, everything)(self.plan, parameters)
        return {**self.common, **{name: self._digest(name) for name in sorted(reads)}}

    def _digest(self, name: str) -> str:
        if name not in self._cache:
            kind, _, what = name.partition(":")
            self._cache[name] = {
                "series": lambda: _frame_digest(self.counts[self.counts["series"] == what]),
                "table": lambda: _table_digest(self.store, self.log, what),
                "commentary": lambda: digest(self.texts.get(what, "")) if what else self._commentary(),
                "states": self._states,
                "log": lambda: digest(json.dumps(self.log, sort_keys=True)),
            }[kind]()
        return self._cache[name]

    def _states(self) -> str:
        updates = [narrative.update_for(self.plan, item, self.window.period, self.texts) for item in self.plan.items]
        return digest(json.dumps([[u.state, str(u.status), str(u.next_due)] for u in updates]))

    def _commentary(self) -> str:
        return _files_digest(narrative.folder(self.data_dir, self.window.period).glob("*.md"))


def _table_digest(found: store.Store, log: list[dict], table: str) -> str:
    path = found.file(table)
    return digest((path.read_bytes() if path.exists() else b"") + json.dumps(
        [[e["title"], e["path"]] for e in log if e["table"] == table]).encode())


def _item_reads(plan: Plan, items: Iterable[Item]) -> set[str]:
    found = set()
    for item in items:
        series = [b.measure.series for b in item.counted]
        series += [b.measure.series for b in plan.milestone_table] if item.milestone_table else []
        found |= {f"series:{s}" for s in series} | {f"commentary:{item.id}"}
        found |= {"table:survey"} if item.surveyed else set()
        found |= {"table:attitude"} if item.attitudes else set()
        found |= {"table:stop_search", "table:census_ethnicity"} if "stop-and-search" in item.panels else set()
        found |= {"table:audit"} if "audit" in item.panels else set()
    return found


def _series(plan: Plan) -> set[str]:
    return {f"series:{s}" for s in measured_series(plan)}


def everything(plan: Plan, parameters: dict) -> set[str]:
    return (_item_reads(plan, plan.items) | _series(plan) | {f"table:{t}" for t in TABLES}
            | {"states", "log", "commentary:", f"commentary:{narrative.SUMMARY}"})


READS: dict[str, Callable[[Plan, dict], set[str]]] = {
    "objective": lambda plan, p: _item_reads(plan, plan.objective(p["objective"]).items),
    "executive-summary": lambda plan, p: _series(plan) | {"states", f"commentary:{narrative.SUMMARY}"},
    "appendix": lambda plan, p: _series(plan) | {"states"},
    "how-the-force-compares": lambda plan, p: {"table:rolling_year_crime", "table:population",
                                               "table:recorded_crime_quarterly"},
    "provenance": lambda plan, p: {"log", "commentary:"},
}


NATIONAL_TABLES = ("recorded_crime_quarterly", "rolling_year_crime", "population")
NATIONAL_READS: dict[str, tuple[str, ...]] = {  # the store tables each national page shows
    "national-summary": ("recorded_crime_quarterly", "population"),
    "national-trends": ("recorded_crime_quarterly",),
    "national-measures": ("recorded_crime_quarterly", "rolling_year_crime"),
    "national-compare": NATIONAL_TABLES,
    "national-provenance": ("log",),  # the ingest log, whole: every input file with its SHA-256
}


def national_inputs(data_dir: Path, template: str) -> dict[str, str]:
    """The named digests of what the national page of `template` reads: the edition (`edition.yml`) and each store
    table it shows (`table:<name>`); an undeclared template reads every national table and the log (`log`)."""
    found = store.Store(data_dir)
    log = found.log()
    digests = {"edition": digest(Path(data_dir, editions.FILE).read_bytes())}
    for name in NATIONAL_READS.get(template, (*NATIONAL_TABLES, "log")):
        if name == "log":
            digests["log"] = digest(json.dumps(log, sort_keys=True))
        else:
            digests[f"table:{name}"] = _table_digest(found, log, name)
    return digests
