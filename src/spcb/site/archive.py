"""The site's root: the period selector's list, an archive page of every period built, and an index.html that
opens the latest period."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..plan.periods import Month
from .project import BuildError

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
{head}<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}}
a{{color:#0b5cad}}</style></head>
<body><main><h1>{title}</h1>{body}</main></body></html>
"""


def write_archive(html: Path) -> Path:
    """The site's root: periods.json for the period selector, an archive page listing every built period,
    and an index.html that opens the latest period."""
    periods = sorted(p.name for p in html.iterdir() if p.is_dir() and (p / "index.html").exists()
                     and re.match(r"^\d{4}-\d{2}$", p.name))
    if not periods:
        raise BuildError(f"{html}: no period has been built")
    (html / "periods.json").write_text(json.dumps(periods) + "\n", encoding="utf-8")
    items = "".join(f'<li><a href="{p}/index.html">{Month.parse(p).name}</a></li>' for p in reversed(periods))
    (html / "archive.html").write_text(PAGE.format(
        head="", title="Police and Crime Plan performance reports",
        body=f"<p>Every reporting period built on this site, latest first.</p><ul>{items}</ul>"), encoding="utf-8")
    latest = periods[-1]
    (html / "index.html").write_text(PAGE.format(
        head=f'<meta http-equiv="refresh" content="0; url={latest}/index.html">',
        title="Police and Crime Plan performance report",
        body=f'<p>Opening the latest report, <a href="{latest}/index.html">{Month.parse(latest).name}</a>. '
             f'See also <a href="archive.html">every period</a>.</p>'), encoding="utf-8")
    return html / "index.html"
