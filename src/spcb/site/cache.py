"""The cache of executed notebooks, addressed by their inputs, in `_build/cache/`.

A notebook's key is the SHA-256 of everything its execution can depend on, as named digests:
- `template` and `parameters`: the notebook's template and the parameters papermill injects;
- the inputs its page reads (`report.reads`): the edition, the plan, the pinned cut-offs, the extract's shape,
  the counts of each series it reads, each other store table it reads, its commentary;
- `spcb`: spcb's own source (every file of the installed package), and `packages`: the Python version and every
  installed distribution with its version (the names of the `.dist-info` folders on the path).
An entry is stored under its key and never changed, so a notebook is reused only when nothing it reads has changed:
a cached notebook is never stale. An entry holds the executed notebook and the files it wrote for the site to
publish beside it (the CSV downloads its outputs link to). Each page's last digests are kept
(`pages/<edition>/<period>/<page>.json`), so a build says why it executed a notebook: which named inputs changed,
or that the page was never built, or that its entry was evicted.

The cache holds at most `SPCB_CACHE_MB` megabytes (2048 by default); past that, the entries used longest ago are
removed. Entries are written whole (to a temporary name, then renamed), so a build killed while writing one
leaves no broken entry. `spcb cache clear` removes the cache.
"""
from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
from functools import cache
from pathlib import Path

CACHE = Path("_build/cache")
LIMIT_MB = 2048
NOTEBOOK = "notebook.ipynb"

DESCRIBED = {
    "template": "its template changed", "parameters": "its parameters changed", "edition": "edition.yml changed",
    "plan": "the plan changed", "pins": "a pinned cut-off changed", "extract": "the extract's coverage or sources "
    "changed", "states": "an item's state changed", "log": "the ingest log changed", "commentary:": "a commentary file "
    "changed", "spcb": "spcb's code changed", "packages": "the installed packages changed",
}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def environment() -> dict[str, str]:
    """The digests of spcb's source and of the Python environment, the same for every notebook of a build."""
    package = Path(__file__).resolve().parents[1]
    source = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        source.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    installed = sorted(p.name for folder in map(Path, sys.path) if folder.is_dir() for p in folder.glob("*.dist-info"))
    return {"spcb": source.hexdigest(), "packages": _digest(platform.python_version() + "\n" + "\n".join(installed))}


def reason(name: str) -> str:
    """Why a changed digest made a page run again, in words."""
    kind, _, what = name.partition(":")
    if kind == "series":
        return f"the counts of {what} changed"
    if kind == "table":
        return f"the store's {what} table changed"
    if kind == "commentary" and what:
        return f"its commentary ({what}.md) changed"
    return DESCRIBED.get(name, f"{name} changed")


class Cache:
    """Executed notebooks by key, within a size bound (see the module's rules)."""

    def __init__(self, root: Path, limit_mb: int | None = None):
        self.folder = root / CACHE
        self.limit = (limit_mb if limit_mb is not None else int(os.environ.get("SPCB_CACHE_MB", LIMIT_MB))) << 20

    @staticmethod
    def key(digests: dict[str, str]) -> str:
        return _digest(json.dumps(digests, sort_keys=True))

    def _entry(self, key: str) -> Path:
        return self.folder / "entries" / key[:2] / key

    def get(self, key: str, folder: Path, page: str) -> bool:
        """Copy the entry of `key` into `folder` as the notebook of `page` and its files, and mark it as just used;
        return whether there was one."""
        entry = self._entry(key)
        if not entry.exists():
            return False
        shutil.copy(entry / NOTEBOOK, folder / f"{page}.ipynb")
        shutil.copytree(entry / "files", folder, dirs_exist_ok=True)
        entry.with_suffix(".used").touch()
        return True

    def put(self, key: str, notebook: Path, files: list[Path]) -> None:
        """Keep a copy of `notebook` and of its `files` (relative to the notebook's folder) as the entry of `key`,
        then bring the cache back within its size bound."""
        entry = self._entry(key)
        entry.parent.mkdir(parents=True, exist_ok=True)
        partial = Path(tempfile.mkdtemp(dir=entry.parent, suffix=".partial"))
        shutil.copy(notebook, partial / NOTEBOOK)
        for name in files:
            (partial / "files" / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(notebook.parent / name, partial / "files" / name)
        (partial / "files").mkdir(exist_ok=True)
        shutil.rmtree(entry, ignore_errors=True)
        os.replace(partial, entry)
        entry.with_suffix(".used").touch()
        self._bound()

    def _bound(self) -> None:
        entries = []
        for entry in (self.folder / "entries").glob("*/*"):
            if entry.is_dir() and not entry.name.endswith(".partial"):
                used = entry.with_suffix(".used")
                size = sum(p.stat().st_size for p in entry.rglob("*") if p.is_file())
                entries.append((used.stat().st_mtime if used.exists() else 0, size, entry))
        total = sum(size for _, size, _ in entries)
        for _, size, oldest in sorted(entries):
            if total <= self.limit:
                break
            total -= size
            shutil.rmtree(oldest)
            oldest.with_suffix(".used").unlink(missing_ok=True)

    def why(self, place: str, digests: dict[str, str]) -> str:
        """Why the page at `place` (`<edition>/<period>/<page>`) has no entry for `digests`, in words."""
        record = self.folder / "pages" / f"{place}.json"
        if not record.exists():
            return "not built before"
        before = json.loads(record.read_text(encoding="utf-8"))
        changed = [name for name in digests if before.get(name) != digests[name]]
        return "; ".join(reason(name) for name in changed) if changed else "its entry was removed from the cache"

    def record(self, place: str, digests: dict[str, str]) -> None:
        """Remember `digests` as the last ones the page at `place` was built from."""
        record = self.folder / "pages" / f"{place}.json"
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(json.dumps(digests, sort_keys=True, indent=1) + "\n", encoding="utf-8")

    def clear(self) -> int:
        """Remove the cache; return the bytes it held."""
        held = sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file()) if self.folder.exists() else 0
        shutil.rmtree(self.folder, ignore_errors=True)
        return held
