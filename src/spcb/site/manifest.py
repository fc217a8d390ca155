"""The manifest of what a period of an edition publishes, kept outside the site in
`_build/manifests/<edition>/<period>.json`.

A build records the period, its cut-off and its data as its executed notebooks were given them (`period`,
`as_of`, and `data_dir`, relative to `book/report/`), and the SHA-256 of every HTML, CSV, image and notebook
file under `_build/html/<edition>/<period>/`. For each HTML page it also records the SHA-256 of each item on it. An item
is a `## ` heading labelled `(item-id)=`; in a notebook's output Jupyter Book renders it as an `<h2>` whose
first child is `<span id="item-id">`, not as a section, so an item runs from that heading to the next `<h1>` or
`<h2>`, or to the end of the section holding it. `spcb pdf` adds the PDF's SHA-256; a build leaves it out,
since a PDF printed before the build does not show what the build publishes.

Comparing the files now with the manifest gives one line for each page item, file or PDF that differs, is
missing, or was not published: published SHA-256 against now.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection
from pathlib import Path

from ..report.catalogue import COMMON
from .project import BuildError, edition_of

PUBLISHED = {".html", ".csv", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".ipynb"}
SITE = Path("_build/html")
MANIFESTS = Path("_build/manifests")
ITEM = re.compile(rb'<h2\b[^>]*>\s*<span id="([^"]+)">')
ITEM_END = re.compile(rb"<h[12][\s>]|</section>")


def location(root: Path, edition: str, period: str) -> Path:
    return root / MANIFESTS / edition / f"{period}.json"


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def items(page: bytes, item_ids: Collection[str]) -> dict[str, str]:
    """The SHA-256 of each item of `item_ids` on the page, from its heading to where the next one would start."""
    wanted = set(item_ids)
    found = {}
    for heading in ITEM.finditer(page):
        item = heading[1].decode()
        if item in wanted:
            end = ITEM_END.search(page, heading.end())
            found[item] = _sha256(page[heading.start():end.start() if end else len(page)])
    return found


def _published(site: Path) -> dict[str, Path]:
    """The published files of a period's site, by their path in it."""
    return {path.relative_to(site).as_posix(): path for path in sorted(site.rglob("*"))
            if path.suffix.lower() in PUBLISHED and path.is_file()}


def _record(path: Path, item_ids: Collection[str]) -> dict:
    content = path.read_bytes()
    record = {"sha256": _sha256(content)}
    if path.suffix.lower() == ".html" and (found := items(content, item_ids)):
        record["items"] = found
    return record


def _save(root: Path, manifest: dict) -> Path:
    target = location(root, manifest["edition"], manifest["period"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return target


def write(root: Path, parameters: dict, item_ids: Collection[str]) -> Path:
    """Record what the period of `parameters` (an executed notebook's) publishes, with the items of `item_ids`."""
    edition = edition_of(parameters)
    site = root / SITE / edition / parameters["period"]
    return _save(root, {**{name: parameters[name] for name in COMMON}, "edition": edition,
                        "files": {name: _record(path, item_ids) for name, path in _published(site).items()}})


def load(root: Path, edition: str, period: str) -> dict:
    path = location(root, edition, period)
    if not path.exists():
        raise BuildError(f"{path}: no manifest of what {period} of the edition {edition} publishes; run "
                         f"`spcb build --edition {edition} --period {period}` first")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise BuildError(f"{path}: not a manifest ({exc})") from None


def printed(root: Path, edition: str, period: str, target: Path) -> bool:
    """Whether `target` is the PDF printed from the period's site as it is now published: a build that publishes the
    period again writes a manifest without the PDF."""
    record = load(root, edition, period).get("pdf")
    return bool(record) and target.exists() and record["sha256"] == _sha256(target.read_bytes())


def add_pdf(root: Path, edition: str, period: str, printed: Path) -> None:
    """Record the PDF printed for `period` in its manifest."""
    manifest = load(root, edition, period)
    manifest["pdf"] = {"path": printed.relative_to(root).as_posix(), "sha256": _sha256(printed.read_bytes())}
    _save(root, manifest)


def _short(digest: str) -> str:
    return digest[:12] + "…"


def _compare(name: str, record: dict | None, content: bytes | None) -> list[str]:
    """How the file `name` differs from its record, in one line per differing item (or for the whole file)."""
    if record is None:
        return [f"{name}: not published, now sha256 {_short(_sha256(content))}"]
    if content is None:
        return [f"{name}: published sha256 {_short(record['sha256'])}, now missing"]
    now = _sha256(content)
    if now == record["sha256"]:
        return []
    published = record.get("items", {})
    items_now = items(content, published)
    changed = [f"{name}, item {item}: published sha256 {_short(digest)}, now "
               + (_short(items_now[item]) if item in items_now else "missing")
               for item, digest in published.items() if items_now.get(item) != digest]
    where = ", outside its items" if published else ""
    return changed or [f"{name}{where}: published sha256 {_short(record['sha256'])}, now {_short(now)}"]


def differences(root: Path, manifest: dict) -> list[str]:
    """What differs now from what the manifest says was published, one line each: site files by their path in
    the site, the PDF by its path in the project."""
    now = _published(root / SITE / manifest["edition"] / manifest["period"])
    recorded = manifest["files"]
    lines = [line for name in sorted(recorded.keys() | now.keys())
             for line in _compare(name, recorded.get(name), now[name].read_bytes() if name in now else None)]
    if printed := manifest.get("pdf"):
        path = root / printed["path"]
        lines += _compare(printed["path"], printed, path.read_bytes() if path.exists() else None)
    return lines
