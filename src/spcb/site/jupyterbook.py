"""The one place that calls Jupyter Book: `jupyter-book build` with every warning an error. Its warnings are
reported, and logged, without the terminal's colour codes. The book's title is the edition's: the project's
`_config.yml` with that title is written to `_build/config/_config.yml` and given to Jupyter Book.

An update (a build of only the pages that changed, into the folder of an earlier build) publishes the same bytes
as a build of every page. Two things would differ, and are put right:
- myst-nb writes its stylesheet after the pages, so a full build's pages link it without Sphinx's checksum; an
  update would find the earlier one and add it. The earlier stylesheet is removed before an update.
- Sphinx's search index keeps each word that a changed page no longer has, with no page; such words are dropped
  after an update."""
from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from .project import BuildError, die_with

_COLOUR = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def jupyter_book(root: Path, output: Path, log: Path, title: str, builder: str = "html",
                 everything: bool = True) -> None:
    """Build the site with Jupyter Book 1 into `output`, titled `title`, treating every warning as an error; every
    page, or (not `everything`) only the pages whose files changed since the last build into `output`."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    written = root / "_build" / "config" / "_config.yml"
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(yaml.safe_dump({**config, "title": title}, sort_keys=False, allow_unicode=True),
                       encoding="utf-8")
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(root), "--path-output", str(output),
               "--config", str(written), *(["--all"] if everything else []), "-W", "-n", "--keep-going",
               "--builder", builder]
    log.parent.mkdir(parents=True, exist_ok=True)
    built = output / "_build" / builder
    if not everything:
        for stylesheet in (built / "_static").glob("mystnb.*.css"):
            stylesheet.unlink()
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"},
                            preexec_fn=functools.partial(die_with, os.getpid()))
    text = _COLOUR.sub("", result.stdout + result.stderr)
    log.write_text(text, encoding="utf-8")
    if result.returncode != 0:
        problems = [line for line in text.splitlines()
                    if "WARNING" in line or "ERROR" in line] or ["jupyter-book exited with an error"]
        raise BuildError("Jupyter Book failed:\n  " + "\n  ".join(problems[:20]) + f"\n(full log: {log})")
    if not everything and (built / "searchindex.js").exists():
        _drop_words_without_pages(built / "searchindex.js")


def _drop_words_without_pages(path: Path) -> None:
    from sphinx.search import js_index  # Sphinx's own reading and writing of the index

    index = js_index.loads(path.read_text(encoding="utf-8"))
    for part in ("terms", "titleterms"):
        index[part] = {word: pages for word, pages in index[part].items() if pages != []}
    path.write_text(js_index.dumps(index), encoding="utf-8")
