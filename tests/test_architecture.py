"""The shape of the code: stages that only look down, no import cycles, pure analysis, pages declared once,
and a page that reads each store table at most once."""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from spcb.plan.schema import load_dir
from spcb.report import catalogue, context, output, pages
from spcb.report.context import PageContext

PACKAGE = ROOT / "src" / "spcb"
STAGES = ("ingest", "plan", "analysis", "report", "site")  # each may import only itself and those before it
FILE_IO = {"open", "read_parquet", "read_csv", "read_text", "read_bytes", "write_text", "write_bytes", "to_parquet",
           "to_csv", "glob", "iterdir", "exists"}


def modules() -> dict[str, Path]:
    return {".".join(("spcb", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}


def imports(name: str, path: Path) -> set[str]:
    """Every spcb module `name` imports, wherever in the file the import stands."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            found |= {f"{base}.{a.name}" if f"{base}.{a.name}" in modules() else base for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
    return {m for m in found if m.startswith("spcb")}


def stage(module: str) -> int:
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else len(STAGES)


def test_a_lower_stage_never_imports_a_higher_one():
    wrong = [(name, target) for name, path in modules().items() for target in imports(name, path)
             if stage(target) > stage(name) and target != "spcb"]
    assert wrong == []


def test_there_is_no_import_cycle():
    graph = {name: {t for t in imports(name, path) if t in modules() and t != name}
             for name, path in modules().items()}
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                pytest.fail("import cycle: " + " -> ".join(trail[trail.index(target):] + [node, target]))
            if target not in state:
                visit(target, trail + [node])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_analysis_never_reads_the_store_or_a_file():
    for name, path in modules().items():
        if not name.startswith("spcb.analysis"):
            continue
        assert not {t for t in imports(name, path) if t.startswith(("spcb.ingest.store", "spcb.ingest.registry"))}, name
        tree = ast.parse(path.read_text(encoding="utf-8"))
        called = {n.func.id if isinstance(n.func, ast.Name) else getattr(n.func, "attr", "")
                  for n in ast.walk(tree) if isinstance(n, ast.Call)}
        assert not called & FILE_IO, f"{name} calls {sorted(called & FILE_IO)}"


def test_the_table_of_contents_is_generated_from_the_declared_pages():
    assert (ROOT / "_toc.yml").read_text(encoding="utf-8") == catalogue.toc(), "run `spcb toc --write`"
    for page in catalogue.PAGES:
        if page.edition:  # every edition gives it
            sources = [folder / "about.md" for folder in (ROOT / "data" / "editions").iterdir()]
        else:
            sources = [ROOT / "notebooks" / f"{page.template}.ipynb" if page.template
                       else ROOT / "book" / f"{page.name}.md"]
        assert all(source.exists() for source in sources), sources
    assert {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")} == {
        p.template for p in (*catalogue.PAGES, *catalogue.NATIONAL_PAGES) if p.template}


def test_the_national_contents_name_every_national_template():
    national = catalogue.toc(catalogue.NATIONAL_PAGES)
    assert national.splitlines()[3] == "root: book/report/national-summary"
    for page in catalogue.NATIONAL_PAGES:
        assert f"{catalogue.REPORT}/{page.name}" in national
        assert page.edition or (ROOT / "notebooks" / f"{page.template}.ipynb").exists()


def every_page(data):
    """Each page of November 2014, as a function that builds it from a fresh context."""
    shipped = load_dir(data)
    yield "summary", lambda: pages.summary(PageContext.load(data, "2014-11"))
    for objective in shipped.objectives:
        yield objective.id, lambda o=objective.id: pages.objective(PageContext.load(data, "2014-11"), o)
    yield "comparison", lambda: pages.comparison(PageContext.load(data, "2014-11"))
    yield "provenance", lambda: pages.provenance(PageContext.load(data, "2014-11"), "spcb build", "abc")


def test_each_page_reads_each_store_table_at_most_once(data, monkeypatch, tmp_path, no_charts):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(output, "display", lambda *args, **kwargs: None)
    monkeypatch.setattr(output, "glue", lambda *args, **kwargs: None)
    reads: Counter = Counter()
    read = pd.read_parquet

    def counted(path, *args, **kwargs):
        reads.update([Path(path).stem])
        return read(path, *args, **kwargs)

    monkeypatch.setattr(pd, "read_parquet", counted)
    for page, show in every_page(data):
        reads.clear()
        context._LAST.clear()  # as in a fresh kernel: the edition not yet read
        show()
        assert reads and max(reads.values()) == 1, (page, reads)
