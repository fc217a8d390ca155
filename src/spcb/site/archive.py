"""The site's root and each edition's: the root lists the editions built; an edition's folder holds the period
selector's list (`periods.json`, and `periods.js`, the same list as a script setting `window.spcbPeriods`, which a
page opened from disk can load where it cannot fetch a file), an archive page of every period built, and an
index.html that opens the latest period. The period selector and the archive stay within their edition.

The national edition's folder holds a book per force (`site.batch` writes its index); instead of periods it keeps a
line saying what it holds (`summary.txt`), which the root shows beside its title.
"""
from __future__ import annotations

import html as markup
import json
import re
from pathlib import Path

from ..plan.edition import Edition
from ..plan.periods import Month
from .project import BuildError

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{head}<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}
a{{color:#0b5cad}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>
"""
TITLE = "title.txt"  # an edition's title, kept beside its periods for the root's list
SUMMARY = "summary.txt"  # what an edition of books by force holds, for the root's list


def _periods(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.is_dir() and (p / "index.html").exists()
                  and re.match(r"^\d{4}-\d{2}$", p.name))


def write_archive(html: Path, edition: Edition) -> Path:
    """Rewrite `edition`'s folder of the site (its periods.json and periods.js, archive and index) and the site's
    root, which lists every edition built; return the edition's index.html."""
    folder = html / edition.name
    periods = _periods(folder) if folder.is_dir() else []
    if not periods:
        raise BuildError(f"{folder}: no period of the edition {edition.name} has been built")
    title = markup.escape(edition.title)
    (folder / TITLE).write_text(edition.title + "\n", encoding="utf-8")
    (folder / "periods.json").write_text(json.dumps(periods) + "\n", encoding="utf-8")
    (folder / "periods.js").write_text(f"window.spcbPeriods = {json.dumps(periods)};\n", encoding="utf-8")
    items = "".join(f'<li><a href="{p}/index.html">{Month.parse(p).name}</a></li>' for p in reversed(periods))
    (folder / "archive.html").write_text(PAGE.format(
        head="", title=title, body=f"<p>Every reporting period built, latest first.</p><ul>{items}</ul>"
                                   '<p><a href="../index.html">Every edition</a></p>'), encoding="utf-8")
    latest = periods[-1]
    (folder / "index.html").write_text(PAGE.format(
        head=f'<meta http-equiv="refresh" content="0; url={latest}/index.html">', title=title,
        body=f'<p>Opening the latest report, <a href="{latest}/index.html">{Month.parse(latest).name}</a>. '
             f'See also <a href="archive.html">every period</a>.</p>'), encoding="utf-8")
    write_root(html)
    return folder / "index.html"


def write_root(html: Path) -> None:
    """The site's index: one entry per edition built, with its title and latest period (or what it holds)."""
    editions = sorted(p for p in html.iterdir() if p.is_dir() and (p / TITLE).exists()
                      and (_periods(p) or (p / SUMMARY).exists()))
    items = "".join(
        f'<li><a href="{p.name}/index.html">{markup.escape((p / TITLE).read_text(encoding="utf-8").strip())}</a>: '
        + (f'latest {Month.parse(_periods(p)[-1]).name}, <a href="{p.name}/archive.html">every period</a></li>'
           if _periods(p) else f'{markup.escape((p / SUMMARY).read_text(encoding="utf-8").strip())}</li>')
        for p in editions)
    (html / "index.html").write_text(PAGE.format(
        head="", title="Police and Crime Plan performance reports",
        body=f"<p>Each force's report to its board, as built on this site.</p><ul>{items}</ul>"), encoding="utf-8")
