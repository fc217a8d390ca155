"""The one place that calls Jupyter Book: `jupyter-book build` with every warning an error. Its warnings are
reported, and logged, without the terminal's colour codes. The book's title is the edition's: the project's
`_config.yml` with that title is written to `_build/config/_config.yml` and given to Jupyter Book.

An update (a build of only the pages that changed, into the folder of an earlier build) publishes the same bytes
as a build of every page. Two things would differ, and are put right:
- myst-nb writes its stylesheet after the pages, so a full build's pages link it without Sphinx's checksum; an
  update would find the earlier one and add it. The earlier stylesheet is removed before an update.
- Sphinx's search index keeps each word that a changed page no longer has, with no page; such words are dropped
  after an update.

Jupyter Book spends about half of an update importing itself, Sphinx and the book's extensions. A build that is
about to execute notebooks starts it `Ahead`: the process does those imports while the notebooks run, then waits
for its arguments; it is ended if the build never gives them (nothing to publish, or a failure)."""
from __future__ import annotations

import functools
import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from .project import BuildError, die_with

_COLOUR = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class Ahead:
    """A `jupyter-book` process started before its pages are ready, its imports done while they are made; use it
    as a context manager, and give it to `jupyter_book`. Leaving the context ends it if it was not used."""

    def __init__(self, root: Path):
        self.process = subprocess.Popen([sys.executable, "-m", __name__, str(root)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **_child())

    def __enter__(self) -> Ahead:
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()

    def run(self, arguments: list[str]) -> tuple[int, str]:
        stdout, stderr = self.process.communicate(json.dumps(arguments) + "\n")
        return self.process.returncode, stdout + stderr


def _child() -> dict:
    """How Jupyter Book runs: with no set order depending on the run, and never outliving this process."""
    return {"env": {**os.environ, "PYTHONHASHSEED": "0"}, "preexec_fn": functools.partial(die_with, os.getpid())}


def _imported_then_told(root: Path) -> None:
    """In an `Ahead` process: import Jupyter Book and the extensions and theme of the book's configuration, then
    run `jupyter-book` with the arguments read from standard input (none: the build ended without publishing)."""
    from jupyter_book.cli.main import main
    from jupyter_book.config import get_final_config

    try:
        config, _ = get_final_config(user_yaml=root / "_config.yml", cli_config={"latex_individualpages": False},
                                     sourcedir=root)
    except Exception:  # noqa: BLE001  (Jupyter Book reports a bad configuration itself, once told to build)
        config = {}
    for module in [*config.get("extensions", []), config.get("html_theme")]:
        try:
            importlib.import_module(module)
        except (ImportError, TypeError):  # a theme given as a path, or an extension Sphinx finds another way
            pass
    arguments = sys.stdin.readline()
    if arguments:
        main(json.loads(arguments), prog_name="jupyter-book")


def jupyter_book(root: Path, output: Path, log: Path, title: str, builder: str = "html",
                 everything: bool = True, ahead: Ahead | None = None) -> None:
    """Build the site with Jupyter Book 1 into `output`, titled `title`, treating every warning as an error; every
    page, or (not `everything`) only the pages whose files changed since the last build into `output`; in the
    process started `ahead`, if one is given."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    written = root / "_build" / "config" / "_config.yml"
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(yaml.safe_dump({**config, "title": title}, sort_keys=False, allow_unicode=True),
                       encoding="utf-8")
    arguments = ["build", str(root), "--path-output", str(output), "--config", str(written),
                 *(["--all"] if everything else []), "-W", "-n", "--keep-going", "--builder", builder]
    log.parent.mkdir(parents=True, exist_ok=True)
    built = output / "_build" / builder
    if not everything:
        for stylesheet in (built / "_static").glob("mystnb.*.css"):
            stylesheet.unlink()
    if ahead is None or ahead.process.poll() is not None:
        result = subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), *arguments],
                                capture_output=True, text=True, **_child())
        returncode, text = result.returncode, result.stdout + result.stderr
    else:
        returncode, text = ahead.run(arguments)
    text = _COLOUR.sub("", text)
    log.write_text(text, encoding="utf-8")
    if returncode != 0:
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


if __name__ == "__main__":
    _imported_then_told(Path(sys.argv[1]))
