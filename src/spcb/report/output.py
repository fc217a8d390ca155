"""How pages reach the notebook: the page title (glued into its heading), Markdown, tables with a CSV download
beside them, and PNG figures whose alt text travels in their metadata. The only module that talks to IPython."""
from __future__ import annotations

import base64
import os
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown, display
from myst_nb import glue

from . import tables

DOWNLOADS = Path("downloads")


def title(text: str) -> None:
    """The page title, pasted into the notebook's `# {glue:text}` heading."""
    glue("title", text, display=False)


def markdown(text: str) -> None:
    display(Markdown(text))


def table(frame: pd.DataFrame, caption: str, table_id: str, source: str, data: pd.DataFrame | None = None) -> None:
    """An HTML table, and beside it its data as a CSV file to download (the plain numbers where given)."""
    display(HTML(tables.html_table(frame, caption, table_id, source)))
    path = DOWNLOADS / f"{table_id}.csv"
    path.parent.mkdir(exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.tmp")
    (frame if data is None else data).to_csv(partial, index=False, lineterminator="\n")
    os.replace(partial, path)  # the summary and an objective page may write the same table at once
    label = caption.replace("<", "").replace(">", "").replace("`", "")
    display(Markdown(f"{{download}}`Download the data: {label} (CSV) <{path.as_posix()}>`"))


def figure(png: bytes, alt: str, source: str) -> None:
    """A PNG figure whose alt text travels in its output metadata, followed by its source."""
    encoded = base64.b64encode(png).decode("ascii")
    display({"image/png": encoded, "text/plain": alt}, raw=True, metadata={"image/png": {"alt": alt}})
    display(Markdown(f"*Source: {source}.*"))


def computed(subject: str, lines: list[str]) -> str:
    return (f":::{{admonition}} Computed from the data: {subject}\n:class: tip spcb-computed\n"
            + "\n".join(f"- {line}" for line in lines) + "\n:::")


def not_available(subject: str, reason: str) -> None:
    """What an optional panel shows when its source does not cover the period."""
    markdown(f":::{{admonition}} Not available for this period\n:class: note spcb-not-available\n"
             f"**{subject}**: {reason}.\n:::")


def update_required(text: str) -> str:
    return f":::{{admonition}} Update required\n:class: danger spcb-update-required\n{text}\n:::"
