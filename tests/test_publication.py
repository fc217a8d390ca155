"""Publication is confined: commentary links only to the web, text from the inputs cannot link at all, markup
that Sphinx would reject never reaches it, and the site holds only what the book produced."""
import base64
import hashlib
import re
import shutil
import subprocess

import nbformat
import pytest
from conftest import ROOT, copy_project

from spcb import cli
from spcb.plan.periods import Month
from spcb.plan.schema import load_dir
from spcb.report import narrative, output, pages
from spcb.report.context import PageContext
from spcb.site import jupyterbook
from spcb.site.project import EXECUTED, BuildError

LINK = "expected a link to a web address (http://, https:// or mailto:)"
IMAGE = "expected an image from a web address (http:// or https://)"
WRITTEN = "expected a link to a web address, written [text](https://...)"
REFUSED = [
    ("Read [the report](../../../../../../etc/passwd).", 1, 19,
     f"found a link to '../../../../../../etc/passwd'; {LINK}"),
    ("Figures below.\n\n![](/etc/group)", 3, 5, f"found an image from '/etc/group'; {IMAGE}"),
    ("[x](file:///etc/passwd)", 1, 5, f"found a link to 'file:///etc/passwd'; {LINK}"),
    ("See [below](#a-missing-anchor).", 1, 13, f"found a link to '#a-missing-anchor'; {LINK}"),
    ("[the data](\n   ../../store/audit.parquet)", 2, 4, f"found a link to '../../store/audit.parquet'; {LINK}"),
    ("[x](<../secret.csv>)", 1, 5, f"found a link to '<../secret.csv>'; {LINK}"),
    ("See [the file].\n\n[the file]: ../../../../etc/hostname", 3, 13,
     f"found a link to '../../../../etc/hostname'; {LINK}"),
    ("- item\n\n  > [r]: /etc/passwd", 3, 10, f"found a link to '/etc/passwd'; {LINK}"),
    ("[![a chart](../chart.png)](https://example.com)", 1, 13, f"found an image from '../chart.png'; {IMAGE}"),
    ("![a logo](mailto:someone@example.com)", 1, 11, f"found an image from 'mailto:someone@example.com'; {IMAGE}"),
    ("Get {download}`the data </etc/passwd>`.", 1, 5, f"found the role {{download}}; {WRITTEN}"),
    ("See {doc}`the summary <executive-summary>`.", 1, 5, f"found the role {{doc}}; {WRITTEN}"),
    ("See {ref}`an item <reduce-crime>`.", 1, 5, f"found the role {{ref}}; {WRITTEN}"),
    ('Read <a href="/etc/passwd">this</a>.', 1, 6, f"found an HTML <a> tag; {WRITTEN}"),
    ('<IMG src="/etc/group">', 1, 1, "found an HTML <IMG> tag; expected an image from a web address, written "
                                     "![text](https://...)"),
]


@pytest.fixture
def commentary(tmp_path, data):
    """Write one commentary file for November 2014 into a copy of the shipped data folder; return its path."""
    for name in ("plan", "store", "edition.yml", "about.md"):
        (tmp_path / name).symlink_to(data / name)
    folder = tmp_path / "narrative" / "2014-11"
    folder.mkdir(parents=True)

    def write(text: str):
        path = folder / "reduce-property-crime.md"
        path.write_text(text, encoding="utf-8")
        return path
    return write


@pytest.mark.parametrize("text, line, column, problem", REFUSED)
def test_commentary_that_links_outside_the_web_is_refused_where_it_stands(commentary, text, line, column, problem):
    path = commentary(text)
    with pytest.raises(narrative.NarrativeError) as refused:
        narrative.load(path.parents[2], Month(2014, 11), load_dir(path.parents[2]))
    assert str(refused.value) == f"{path}:{line}:{column}: {problem}"


def test_commentary_may_link_to_the_web(commentary):
    text = ("See [the ONS](https://www.ons.gov.uk/a_(b)), [write to us](mailto:board@example.org) and "
            "![a logo](https://example.org/logo.png).\n\n[^1]: A footnote: not a link.\n\n[ref]: http://example.org")
    path = commentary(text)
    texts = narrative.load(path.parents[2], Month(2014, 11), load_dir(path.parents[2]))
    assert texts["reduce-property-crime"] == text
    assert narrative.safe(text).split("\n\n")[0] == text.split("\n\n")[0]


def test_the_build_refuses_it_in_one_line_before_any_notebook_runs(commentary, tmp_path, capsys):
    path = commentary("Intro.\n\n[x](../../../../../../etc/passwd)")
    root = copy_project(tmp_path / "project")
    assert cli.main(["build", "--period", "2014-11", "--data", str(path.parents[2]), "--root", str(root)]) == 1
    assert capsys.readouterr().err == (f"spcb: error: {path}:3:5: found a link to '../../../../../../etc/passwd'; "
                                       f"{LINK}\n")
    assert not (root / "book" / "report").exists()


def test_safe_shows_other_links_as_text_and_every_fence_as_plain_code():
    text = ("[x](../a) ![y](/etc/group) [ok](https://example.org)\n\n[r]: /etc/passwd\n\n"
            "```{include} /etc/passwd\n```\n\n~~~{eval-rst}\n.. raw:: html\n~~~\n\n"
            "- ```nosuchlang\n  x\n  ```\n\n(reduce-crime)=\n\n---\n\n> * * *\n\nA note[^1].\n\n[^1]: Its text.\n\n"
            "<a href='/x'>a</a> <img src=/y>")
    lines = narrative.safe(text).splitlines()
    assert lines[0] == "[x]\\(../a) ![y]\\(/etc/group) [ok](https://example.org)"
    assert lines[2] == "\\[r]: /etc/passwd"
    assert [lines[4], lines[7], lines[11]] == ["```text", "~~~text", "- ```text"]
    assert lines[15:20] == ["\\(reduce-crime)=", "", "\\---", "", "> \\* * *"]
    tag = hashlib.sha256(text.encode()).hexdigest()[:8]
    assert lines[21] == f"A note[^{tag}-1]." and lines[23] == f"[^{tag}-1]: Its text."
    assert lines[-1] == "&lt;a href='/x'&gt;a&lt;/a&gt; &lt;img src=/y&gt;"


def test_the_period_commentary_was_carried_forward_from_is_plain_text(commentary, monkeypatch, tmp_path, no_charts):
    path = commentary("> Carried forward from <b>May</b> {raw}`x`: update required.\n\nText.")
    shown = []
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(output, "display", lambda obj, **kwargs: shown.append(getattr(obj, "data", "")))
    monkeypatch.setattr(output, "glue", lambda *args, **kwargs: None)
    pages.objective(PageContext.load(path.parents[2], "2014-11", "2014-11-24"), "reduce-crime")
    assert "carried forward unchanged from \\<b\\>May\\</b\\> \\{raw\\}\\`x\\`; it has not" in "\n".join(shown)


def test_text_from_the_inputs_cannot_link_or_mark_up():
    title = "Crime [read](../../etc/passwd) ![i](/etc/group) <b>`x`</b> {download}`d <a>` *$1* & more\n```"
    assert output.plain(title) == ("Crime \\[read\\](../../etc/passwd) !\\[i\\](/etc/group) \\<b\\>\\`x\\`\\</b\\> "
                                   "\\{download\\}\\`d \\<a\\>\\` \\*\\$1\\* \\& more \\`\\`\\`")
    assert output.plain("Lead: ACC Local Policing/Crime – Monthly") == "Lead: ACC Local Policing/Crime – Monthly"
    assert output.words("A `title` <../../etc/passwd>") == "A title ../../etc/passwd"


def test_jupyter_book_warnings_are_reported_without_colour_codes(monkeypatch, tmp_path):
    coloured = ("\x1b[01mbuilding [html]\x1b[39;49;00m\n\x1b[91m/book/report/objective-06-reduce-crime.ipynb:40002: "
                "WARNING: Pygments lexer name 'nosuchlang' is not known\x1b[39;49;00m\n")
    monkeypatch.setattr(jupyterbook.subprocess, "run",
                        lambda *args, **kwargs: subprocess.CompletedProcess(args, 1, "", coloured))
    log = tmp_path / "logs" / "jupyter-book.log"
    (tmp_path / "_config.yml").write_text("title: A book\n")
    with pytest.raises(BuildError) as failed:
        jupyterbook.jupyter_book(tmp_path, tmp_path / "out", log, "A book")
    assert "\x1b" not in str(failed.value) and "\x1b" not in log.read_text()
    assert ("  /book/report/objective-06-reduce-crime.ipynb:40002: WARNING: Pygments lexer name 'nosuchlang' is not "
            "known") in str(failed.value).splitlines()


@pytest.mark.integration
def test_markup_sphinx_would_reject_or_copy_builds_cleanly_and_copies_nothing(tmp_path):
    """A one-page book whose notebook shows what `safe` and `plain` make of hostile commentary and titles."""
    secret = tmp_path / "secret.txt"
    secret.write_text("not for publication")
    hostile = ["[x](../../secret.txt) ![y](../../secret.txt) [z](#missing) [w](<https://example.org>)\n\n"
               "[r]: ../../secret.txt\n\nsee [r]", "```{include} ../../secret.txt\n```",
               "```{raw} html\n<b>x</b>\n```", "~~~{eval-rst}\n.. raw:: html\n\n   <b>x</b>\n~~~",
               "```python\nx = $ ?\n```", "```nosuchlang\nx\n```", ":::{include} ../../secret.txt\n:::",
               "(dup)=\n\n(dup)=", "- item\n\n  ```{literalinclude} ../../secret.txt\n  ```",
               "---\n\nA thematic break first[^1], and last.\n\n[^1]: A footnote.\n\n---", "- ---",
               "Another footnote labelled 1[^1].\n\n[^1]: It is not the first.",
               "{download}`x <../../secret.txt>` <a href='../../secret.txt'>a</a> <img src='../../secret.txt'>"]
    shown = [narrative.safe(text) for text in hostile] + [
        f"**{output.plain('[x](../../secret.txt) ![y](../../secret.txt) {download}`x <../../secret.txt>`')}**"]
    (tmp_path / "book" / "report").mkdir(parents=True)
    shutil.copy(ROOT / "_config.yml", tmp_path)
    shutil.copytree(ROOT / "book" / "_static", tmp_path / "book" / "_static")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: book/report/page\n")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Hostile commentary"),
                                               nbformat.v4.new_code_cell("", outputs=[nbformat.v4.new_output(
                                                   "display_data", {"text/markdown": text, "text/plain": ""})
                                                   for text in shown])])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "book" / "report" / "page.ipynb")
    jupyterbook.jupyter_book(tmp_path, tmp_path / "out", tmp_path / "jupyter-book.log", "A book")  # a warning fails
    site = tmp_path / "out" / "_build" / "html"
    assert not (site / "_downloads").exists() and not (site / "_images").exists()
    assert not [p for p in site.rglob("*") if p.is_file() and "not for publication" in p.read_text(errors="ignore")]


TOP = {".buildinfo", "index.html", "genindex.html", "search.html", "objects.inv", "searchindex.js"}


def produced(notebooks: list) -> tuple[set[str], set[str]]:
    """The CSV files the executed notebooks link as downloads, and the PNG files of their figures (as Sphinx
    names them: the SHA-256 of the image)."""
    csvs, pngs = set(), set()
    for notebook in notebooks:
        for cell in notebook.cells:
            for shown in cell.get("outputs", []):
                data = shown.get("data", {})
                csvs |= set(re.findall(r"<downloads/([\w-]+\.csv)>`", data.get("text/markdown", "")))
                if "image/png" in data:
                    pngs.add(hashlib.sha256(base64.b64decode(data["image/png"])).hexdigest() + ".png")
    return csvs, pngs


@pytest.mark.integration
def test_the_site_holds_only_what_the_book_produced(built_book):
    book_pages = [p.stem for p in (ROOT / "book").glob("*.md")]
    for period in ("2014-10", "2014-11"):
        site = built_book / "_build" / "html" / "west-midlands" / period
        executed = {p.stem: p for p in (built_book / EXECUTED / "west-midlands" / period).glob("*.ipynb")}
        csvs, pngs = produced([nbformat.read(p, as_version=4) for p in executed.values()])
        assert executed and csvs and pngs
        expected = (TOP | {f"book/report/{p}.html" for p in executed} | {f"book/{p}.html" for p in book_pages}
                    | {f"_sources/book/{p}.md" for p in book_pages} | {f"_images/{p}" for p in pngs}
                    | {"book/report/about-the-data.html", "_sources/book/report/about-the-data.md"})
        unexpected = []
        published = sorted(p for p in site.rglob("*") if p.is_file())
        for path in published:
            name = path.relative_to(site).as_posix()
            parts = name.split("/")
            if parts[:3] == ["_sources", "book", "report"] and path.stem in executed:
                if path.read_bytes() != executed[path.stem].read_bytes():
                    unexpected.append(f"{name} (not the executed notebook)")
            elif not (name in expected or parts[0] == "_static" or (
                    parts[0] == "_downloads" and len(parts) == 3 and re.fullmatch(r"[0-9a-f]{32}", parts[1])
                    and parts[2] in csvs)):
                unexpected.append(name)
        assert not unexpected, f"{period}: files the book did not produce: {unexpected}"
        assert {p.name for p in site.glob("_downloads/*/*.csv")} == csvs
        assert expected - TOP <= {p.relative_to(site).as_posix() for p in published}
