"""How pages reach the notebook: the page title (glued into its heading), Markdown, tables with a CSV download
beside them, and PNG figures whose alt text travels in their metadata. The only module that talks to IPython.

Text from the inputs (the plan's titles, leads and labels, the titles of source files, sentences built from them)
reaches Markdown as plain text (`plain`): whatever Markdown or MyST would read as a link, an image, a role, HTML,
maths or emphasis is escaped, and it stays on one line, so it can neither link nor mark anything up. Inside a role
(`words`) it loses its backticks and angle brackets, which would end the role or name its target.
"""
from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display
from myst_nb import glue

from . import tables

DOWNLOADS = Path("downloads")
_DOWNLOAD = re.compile(rf"\(CSV\) <({DOWNLOADS.as_posix()}/[^<>\s]+)>`")
_MARKUP = re.compile(r"([\\`*_{}\[\]<>$&])")


def plain(text: str) -> str:
    """Text from the inputs as Markdown that shows exactly that text."""
    return _MARKUP.sub(r"\\\1", " ".join(text.split()))


def words(text: str) -> str:
    """Text from the inputs as the words of a role, e.g. {ref}`words <target>`."""
    return " ".join(text.replace("`", "").replace("<", "").replace(">", "").split())


def title(text: str) -> None:
    """The page title, pasted into the notebook's `# {glue:text}` heading."""
    glue("title", text, display=False)


def markdown(text: str) -> None:
    display(Markdown(text))


@contextmanager
def details(title: str) -> Iterator[None]:
    """Mark what is shown inside the block as detail: on the site it stays where it is; the printed board paper
    moves it to its appendix under `title` (see `site.pdf`)."""
    display(HTML(f'<div class="spcb-details" data-title="{html.escape(title)}"></div>'))
    yield
    display(HTML('<div class="spcb-details-end"></div>'))


def printed_only(html_text: str) -> None:
    """HTML that only the printed board paper shows (its cover); the caller escapes every value in it."""
    display(HTML(f'<section class="spcb-print-only">{html_text}</section>'))


def table(frame: pd.DataFrame, caption: str, table_id: str, source: str, data: pd.DataFrame | None = None) -> None:
    """An HTML table, and beside it its data as a CSV file to download (the plain numbers where given)."""
    display(HTML(tables.html_table(frame, caption, table_id, source)))
    path = DOWNLOADS / f"{table_id}.csv"
    path.parent.mkdir(exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(tables.csv_text(frame if data is None else data), encoding="utf-8", newline="")
    os.replace(partial, path)  # the summary and an objective page may write the same table at once
    display(Markdown(f"{{download}}`Download the data: {words(caption)} (CSV) <{path.as_posix()}>`"))


def downloads(notebook: str) -> list[str]:
    """The files, relative to the notebook's folder, that the text of an executed notebook offers to download."""
    return sorted(set(_DOWNLOAD.findall(notebook)))


def figure(png: bytes, alt: str, source: str) -> None:
    """A PNG figure whose alt text travels in its output metadata, followed by its source."""
    encoded = base64.b64encode(png).decode("ascii")
    display({"image/png": encoded, "text/plain": alt}, raw=True, metadata={"image/png": {"alt": alt}})
    display(Markdown(f"*Source: {plain(source)}.*"))


def computed(subject: str, lines: list[str]) -> str:
    return (f":::{{admonition}} Computed from the data: {plain(subject)}\n:class: tip spcb-computed\n"
            + "\n".join(f"- {plain(line)}" for line in lines) + "\n:::")


def not_available(subject: str, reason: str) -> None:
    """What an optional panel shows when its source does not cover the period (`reason` is Markdown)."""
    markdown(f":::{{admonition}} Not available for this period\n:class: note spcb-not-available\n"
             f"**{plain(subject)}**: {reason}.\n:::")


def update_required(text: str) -> str:
    return f":::{{admonition}} Update required\n:class: danger spcb-update-required\n{text}\n:::"
