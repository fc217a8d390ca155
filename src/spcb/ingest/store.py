"""The store: canonical tables as Parquet under `<data>/store/`, with a log of every file ingested.

Ingesting is all or nothing. Files are read and checked first; the new store is written beside the old
one and swapped in only when everything has succeeded, so a failed ingest leaves the store byte for byte
as it was. A table file the store did not write (damaged, or replaced by hand) is refused in one line when it is
read. A file already ingested (same SHA-256) changes nothing; a newer file for a period already
stored replaces that period's rows, and the report says which rows it replaced.

An ingest holds the store's lock (`<data>/store.lock`, see `lock`) from reading the log to swapping the new store
in, so two ingests into one store run one after the other and keep every row and log entry of both. The new store
is written to `.store-new`, its log last, so a folder with its log is complete; then `store` is renamed to
`.store-old` and `.store-new` to `store`. A run killed between the two renames leaves no `store`: whoever next takes
the lock first puts back the newest complete copy (`.store-new`, else `.store-old`) and only then deletes the
others, so a saved copy is never deleted before the live store exists.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa

from . import lock, registry
from .contract import TABLES, InputError, Table
from .source import Context

LOG = "ingest-log.json"
LOCK = "store.lock"
NEW, OLD = ".store-new", ".store-old"
STEPS = ("store-log", "store-old", "store-new")  # the renames of an ingest, in order, for the fault hook
SOURCE = "source"  # every stored row carries the SHA-256 (first 16 hex digits) of the file it came from
CSV_SUFFIXES = (".csv", ".csv.gz")


@dataclass
class FileResult:
    """What happened to one file in an ingest."""

    path: str
    sha256: str
    status: str  # ingested | unchanged
    format: str = ""
    table: str = ""
    title: str = ""
    demonstration: bool = False
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rejected_reasons: dict = field(default_factory=dict)
    period_first: str = ""
    period_last: str = ""
    replaced_rows: int = 0
    replaced: list = field(default_factory=list)  # [{"file": name, "rows": n, "periods": [...]}]

    def describe(self) -> str:
        if self.status == "unchanged":
            return f"unchanged: {self.path} was already ingested (same SHA-256)"
        text = (f"ingested {self.path} ({self.format}) into {self.table}: {self.rows_read:,} rows read, "
                f"{self.rows_accepted:,} accepted, {self.rows_rejected:,} rejected")
        if self.rejected_reasons:
            text += " (" + "; ".join(f"{n:,} {why}" for why, n in self.rejected_reasons.items()) + ")"
        if self.period_first:
            text += f"; covers {self.period_first} to {self.period_last}"
        for block in self.replaced:
            text += (f"\n  replaced {block['rows']:,} rows of {self.table} from {block['file']} for "
                     f"{_span(block['periods'])}")
        return text


def _span(periods: list[str]) -> str:
    return periods[0] if len(periods) == 1 else f"{periods[0]} to {periods[-1]} ({len(periods)} periods)"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def expand(paths: list[str | Path]) -> list[Path]:
    """Files to ingest: each file named, and every CSV file below each folder named, in a stable order."""
    files = []
    for given in map(Path, paths):
        if given.is_dir():
            found = sorted(p for p in given.rglob("*") if p.is_file() and p.name.lower().endswith(CSV_SUFFIXES))
            if not found:
                raise InputError(f"{given}: found no .csv or .csv.gz file in this folder or below; expected files "
                                 "to ingest")
            outside = next((p for p in found if not p.resolve().is_relative_to(given.resolve())), None)
            if outside:
                raise InputError(f"{outside}: a link to a file outside {given}; expected the file itself (or name "
                                 "the link on the command line)")
            files += found
        elif given.is_file():
            files.append(given)
        else:
            raise InputError(f"{given}: no such file or folder")
    return list(dict.fromkeys(files))


class Store:
    """The canonical tables of one data folder."""

    def __init__(self, data_dir: str | Path):
        self.root = Path(data_dir) / "store"

    def exists(self) -> bool:
        return (self.root / LOG).exists()

    @contextmanager
    def held(self) -> Iterator[Store]:
        """Hold the store's lock, the store recovered first from an ingest that was killed while swapping it."""
        with lock.hold(self.root.parent / LOCK, f"the store {self.root}"):
            self.recover()
            yield self

    def recover(self) -> None:
        """Put back the newest complete copy if `store` is missing, then delete the copies left beside it."""
        saved = [self.root.parent / name for name in (NEW, OLD)]
        if not self.root.exists():
            for folder in saved:
                if (folder / LOG).exists():
                    os.rename(folder, self.root)
                    break
        for folder in saved:
            shutil.rmtree(folder, ignore_errors=True)

    def log(self) -> list[dict]:
        return json.loads((self.root / LOG).read_text(encoding="utf-8")) if self.exists() else []

    def file(self, name: str) -> Path:
        """The Parquet file of table `name` (absent before any ingest of it)."""
        return self.root / f"{name}.parquet"

    def table(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """A canonical table (only `columns`, where given); empty, with its columns, before any ingest."""
        path = self.file(name)
        try:
            frame = pd.read_parquet(path, columns=columns) if path.exists() else empty(TABLES[name])
        except pa.ArrowInvalid:
            raise InputError(f"{path}: not a Parquet table the store wrote; expected the store's own file (ingest "
                             "the inputs again into a new data folder to rebuild the store)") from None
        return frame if columns is None else frame[columns]

    def titles(self, name: str) -> str:
        """The titles of the files table `name` came from, each once, for a 'Source:' line."""
        return titles(self.log(), self.table(name), name)

    def sources(self, name: str) -> list[dict]:
        """Log entries of the files whose rows are in table `name` now."""
        return sources(self.log(), self.table(name), name)


def sources(log: list[dict], frame: pd.DataFrame, name: str) -> list[dict]:
    """The log entries of the files whose rows are in `frame`, the current rows of table `name`."""
    present = set(frame[SOURCE].unique())
    return [e for e in log if e["table"] == name and e["sha256"][:16] in present]


def titles(log: list[dict], frame: pd.DataFrame, name: str) -> str:
    """The titles of the files `frame` (table `name`) came from, each once, for a 'Source:' line."""
    named = [s["title"] or Path(s["path"]).name for s in sources(log, frame, name)]
    return "; ".join(dict.fromkeys(named)) or name


def empty(table: Table) -> pd.DataFrame:
    kinds = {"count": "int64", "integer": "int64", "number": "float64", "date": "datetime64[ns]"}
    return pd.DataFrame({c.name: pd.Series(dtype=kinds.get(c.kind, "object")) for c in table.columns}
                        | {SOURCE: pd.Series(dtype="object")})


def _keys(table: Table, frame: pd.DataFrame) -> pd.Series:
    """The replaceable block each row belongs to, as one string (e.g. 'West Yorkshire|2016-07', '2014-11-25')."""
    parts = [frame[k].dt.strftime("%Y-%m-%d") if pd.api.types.is_datetime64_any_dtype(frame[k])
             else frame[k].astype(str) for k in table.key]
    key = parts[0].astype(str)
    for part in parts[1:]:
        key = key + "|" + part.astype(str)
    return key


def _period(table: Table, frame: pd.DataFrame) -> tuple[str, str]:
    if table.period is None:
        return "", ""
    values = frame[table.period]
    if values.empty:
        return "", ""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.min().date().isoformat(), values.max().date().isoformat()
    ordered = sorted(values.astype(str).unique())
    return ordered[0], ordered[-1]


def ingest(paths: list[str | Path], data_dir: str | Path, today: date | None = None) -> list[FileResult]:
    """Ingest files into the store of `data_dir`, all or nothing, holding its lock."""
    files = expand(paths)
    Path(data_dir).mkdir(parents=True, exist_ok=True)
    with Store(data_dir).held() as store:
        return _ingest(files, store, today)


class _Staged:
    """A table as this ingest leaves it, held in blocks by its key (`Table.key`) so that a file's rows replace whole
    blocks without the table being copied; it is put together and sorted only when read or written."""

    def __init__(self, table: Table, frame: pd.DataFrame):
        self.table, self._frame, self._empty = table, frame, frame.iloc[:0]
        self.blocks = {key: block for key, block in frame.groupby(_keys(table, frame), sort=False)}

    def replace(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Put `rows` in, each of their blocks replacing the block of the same key; the rows replaced."""
        keys = _keys(self.table, rows)
        replaced = [self.blocks.pop(key) for key in keys.unique() if key in self.blocks]
        self.blocks.update((key, block) for key, block in rows.groupby(keys, sort=False))
        self._frame = None
        return pd.concat(replaced) if replaced else self._empty

    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            combined = pd.concat(self.blocks.values()) if self.blocks else self._empty
            self._frame = combined.sort_values(self.table.column_names + [SOURCE], kind="stable", ignore_index=True)
        return self._frame


def _ingest(files: list[Path], store: Store, today: date | None) -> list[FileResult]:
    log = store.log()
    known = {entry["sha256"] for entry in log}
    staged: dict[str, _Staged] = {}
    lookups: dict[str, pd.DataFrame] = {}  # by kind, as staged now: emptied when a lookup file is staged

    def current(name: str) -> _Staged:
        if name not in staged:
            staged[name] = _Staged(TABLES[name], store.table(name))
        return staged[name]

    def lookup(kind: str) -> pd.DataFrame:
        if kind not in lookups:
            rows = current("lookup").frame()
            lookups[kind] = rows[rows["lookup"] == kind]
        return lookups[kind]

    context = Context(lookup, today)
    results, pending = [], []
    for path in files:
        digest = sha256(path)
        if digest in known:
            results.append(FileResult(str(path), digest, "unchanged"))
        else:
            known.add(digest)
            pending.append((registry.recognise(path), path, digest))
    names = {e["sha256"][:16]: Path(e["path"]).name for e in log}
    for fmt, path, digest in sorted(pending, key=lambda item: registry.priority(item[0])):
        parsed = registry.read_as(fmt, path, context)
        table = TABLES[parsed.table]
        rows = parsed.frame.assign(**{SOURCE: digest[:16]})
        replaced = current(parsed.table).replace(rows)
        if parsed.table == "lookup":
            lookups.clear()
        blocks = [{"file": names.get(source, source), "rows": len(group),
                   "periods": sorted(_keys(table, group).unique())}
                  for source, group in replaced.groupby(SOURCE, sort=True)]
        first, last = _period(table, rows)
        result = FileResult(str(path), digest, "ingested", fmt.name, parsed.table, parsed.title,
                            parsed.demonstration, parsed.rows_read, parsed.rows_read - sum(parsed.rejected.values()),
                            sum(parsed.rejected.values()), dict(parsed.rejected), first, last, len(replaced), blocks)
        results.append(result)
        names[digest[:16]] = path.name
    if pending:
        _write(store, {name: table.frame() for name, table in staged.items()},
               log + [_entry(r) for r in results if r.status == "ingested"])
    return results


def _entry(result: FileResult) -> dict:
    entry = asdict(result)
    entry.pop("status")
    return entry


def _write(store: Store, staged: dict[str, pd.DataFrame], log: list[dict]) -> None:
    """Write the new store beside the old one, its log last, then swap them (see the module's rules)."""
    parent = store.root.parent
    new, old = parent / NEW, parent / OLD
    try:
        if store.root.exists():
            shutil.copytree(store.root, new, ignore=shutil.ignore_patterns(LOG))
        else:
            new.mkdir()
        for name, frame in staged.items():
            frame = frame.astype({c.name: "object" for c in TABLES[name].columns if c.kind == "text"})
            frame.to_parquet(new / f"{name}.parquet", index=False)
        written = new / f"{LOG}.new"
        written.write_text(json.dumps(log, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        lock.rename(written, new / LOG, "store-log")
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    if store.root.exists():
        lock.rename(store.root, old, "store-old")
    lock.rename(new, store.root, "store-new")
    shutil.rmtree(old, ignore_errors=True)


def summary(data_dir: str | Path) -> dict:
    """Per table and per source file: the periods covered and the rows by category."""
    store = Store(data_dir)
    if not store.exists():
        raise InputError(f"{store.root}: no store yet; run `spcb ingest PATH...` first")
    out = {"store": str(store.root), "tables": {}}
    for name, table in TABLES.items():
        frame = store.table(name)
        if frame.empty:
            continue
        entries = {e["sha256"][:16]: e for e in store.log()}
        sources = []
        for source, rows in frame.groupby(SOURCE, sort=True):
            entry = entries.get(source, {})
            first, last = _period(table, rows)
            sources.append({
                "file": entry.get("path", source), "format": entry.get("format", ""),
                "sha256": entry.get("sha256", source), "demonstration": entry.get("demonstration", False),
                "period_column": table.period,
                "periods": int(rows[table.period].nunique()) if table.period else None,
                "first": first, "last": last, "rows": len(rows),
                "counted": table.measure or "rows",
                "by_category": {str(k): int(v) for k, v in (
                    rows.groupby(table.category)[table.measure].sum() if table.measure
                    else rows[table.category].value_counts().sort_index()).items()},
            })
        out["tables"][name] = {"description": table.description, "rows": len(frame), "sources": sources}
    out["superseded"] = [{"file": e["path"], "replaced_rows": e["replaced_rows"], "replaced": e["replaced"]}
                         for e in store.log() if e["replaced_rows"]]
    return out


def summary_text(report: dict) -> str:
    lines = [f"Store: {report['store']}"]
    for name, table in report["tables"].items():
        lines.append(f"\n{name}: {table['rows']:,} rows — {table['description']}")
        for source in table["sources"]:
            label = " [demonstration]" if source["demonstration"] else ""
            span = f", {source['first']} to {source['last']}" if source["first"] else ""
            lines.append(f"  {source['file']}{label}: {source['rows']:,} rows{span}; {source['counted']} by "
                         f"{TABLES[name].category}:")
            categories = source["by_category"]
            shown = list(categories.items())[:12]
            lines += [f"    {category}: {count:,}" for category, count in shown]
            if len(categories) > len(shown):
                lines.append(f"    … and {len(categories) - len(shown)} more categories")
    for block in report["superseded"]:
        for part in block["replaced"]:
            lines.append(f"\n{block['file']} replaced {part['rows']:,} rows from {part['file']} "
                         f"({_span(part['periods'])})")
    return "\n".join(lines) + "\n"
