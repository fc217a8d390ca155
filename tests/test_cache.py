"""Speed without staleness: the notebook cache, what each page declares it reads, warm kernels and the incremental
site."""
import dataclasses
import gzip
import hashlib
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from conftest import DATA, copy_project, shipped_data, shown_text

from spcb.ingest import store
from spcb.plan.schema import load_dir
from spcb.report import narrative, pages, reads
from spcb.report.context import PageContext
from spcb.site import build, verify
from spcb.site.cache import Cache, reason
from spcb.site.execute import Job, Kernels

PERIOD = "2014-11"


# The cache itself


def notebook_with_download(folder: Path, name: str, size: int = 10) -> Path:
    (folder / "downloads").mkdir(parents=True, exist_ok=True)
    (folder / "downloads" / f"{name}.csv").write_text("x" * size)
    path = folder / f"{name}.ipynb"
    path.write_text(f"{name} (CSV) <downloads/{name}.csv>`")
    return path


def test_an_entry_brings_back_its_notebook_and_the_files_it_offers(tmp_path):
    cache = Cache(tmp_path / "project")
    cache.put("ab" * 32, notebook_with_download(tmp_path / "run", "page"), ["downloads/page.csv"])
    out = tmp_path / "out"
    out.mkdir()
    assert cache.get("ab" * 32, out, "summary") and not cache.get("cd" * 32, out, "other")
    assert (out / "summary.ipynb").read_text() == "page (CSV) <downloads/page.csv>`"
    assert (out / "downloads" / "page.csv").read_text() == "x" * 10


def test_past_its_bound_the_cache_drops_the_entries_used_longest_ago(tmp_path):
    cache = Cache(tmp_path / "project", limit_mb=1)
    run = tmp_path / "run"
    for index, key in enumerate(("a", "b", "c")):
        cache.put(key * 64, notebook_with_download(run, key, 400_000), [f"downloads/{key}.csv"])
        if index == 1:
            assert cache.get("a" * 64, tmp_path, "again")  # a is now used more recently than b
    assert [bool(cache.get(k * 64, tmp_path, "x")) for k in "abc"] == [True, False, True]
    assert cache.clear() > 800_000 and not (tmp_path / "project" / "_build" / "cache").exists()


def test_the_cache_says_why_a_page_runs_again(tmp_path):
    cache = Cache(tmp_path)
    assert cache.why("e/p/page", {"plan": "1"}) == "not built before"
    cache.record("e/p/page", {"plan": "1", "series:robbery": "1", "commentary:robbery": "1", "spcb": "1"})
    assert cache.why("e/p/page", {"plan": "1", "series:robbery": "2", "commentary:robbery": "2", "spcb": "1"}) == \
        "the counts of robbery changed; its commentary (robbery.md) changed"
    assert cache.why("e/p/page", {"plan": "1", "series:robbery": "1", "commentary:robbery": "1", "spcb": "1"}) == \
        "its entry was removed from the cache"
    assert reason("table:survey") == "the store's survey table changed"


# What each page reads


def restricted(ctx: PageContext, declared: set[str]) -> PageContext:
    """`ctx` with only what `declared` names: the counts of its series, its tables, its commentary (and, where it
    reads items' states, every item's commentary replaced by words that leave its state as it was)."""
    series = {name.split(":", 1)[1] for name in declared if name.startswith("series:")}
    extract = dataclasses.replace(ctx.extract, counts=ctx.extract.counts[ctx.extract.counts["series"].isin(series)])
    texts = {}
    for key, text in ctx.texts.items():
        if f"commentary:{key}" in declared or "commentary:" in declared:
            texts[key] = text
        elif "states" in declared:
            texts[key] = "> Carried forward from October 2014: update required." \
                if narrative.carried_forward(text) else "Words."
    tables = {name.split(":", 1)[1] for name in declared if name.startswith("table:")}
    narrow = dataclasses.replace(ctx, extract=extract, texts=texts)

    def table(name):
        assert name in tables, f"the page read the {name} table, which it does not declare"
        return ctx.table(name)
    narrow.table = table
    return narrow


@pytest.mark.parametrize("template", sorted(reads.READS))
def test_a_page_shows_the_same_from_only_what_it_declares_it_reads(monkeypatch, tmp_path, data, no_charts, template):
    ctx = PageContext.load(data, PERIOD, "2014-11-24")
    draw = {"objective": lambda c: [pages.objective(c, o.id) for o in c.plan.objectives],
            "executive-summary": pages.summary, "appendix": pages.appendix,
            "how-the-force-compares": pages.comparison,
            "provenance": lambda c: pages.provenance(c, "spcb build", "abc")}[template]
    monkeypatch.chdir(tmp_path)
    if template == "objective":
        for objective in ctx.plan.objectives:
            declared = reads.READS[template](ctx.plan, {"objective": objective.id})
            assert shown_text(monkeypatch, lambda: pages.objective(restricted(ctx, declared), objective.id)) == \
                shown_text(monkeypatch, lambda: pages.objective(ctx, objective.id))
        return
    declared = reads.READS[template](ctx.plan, {})
    assert shown_text(monkeypatch, lambda: draw(restricted(ctx, declared))) == \
        shown_text(monkeypatch, lambda: draw(ctx))


def test_a_changed_count_changes_the_digests_of_exactly_the_pages_that_read_its_series(tmp_path, data):
    copy = tmp_path / "west-midlands"
    shutil.copytree(data, copy, symlinks=True)
    window = PageContext.load(copy, PERIOD, "2014-11-24").window
    notebooks = build.catalogue.notebooks(reads.Inputs(copy, window).plan, {}, {"commit": "", "command": ""})

    def digests():
        inputs = reads.Inputs(copy, window)
        return {n.page: inputs.of(n.template, n.parameters) for n in notebooks}
    before = digests()
    table = store.Store(copy).table("recorded_crime")
    row = table.index[(table["series"] == "hate_crime") & (table["date"] == "2014-11-03")][0]
    table.loc[row, "count"] += 1
    table.to_parquet(copy / "store" / "recorded_crime.parquet")
    after = digests()
    assert {page for page in before if before[page] != after[page]} == \
        {"executive-summary", "objective-06-reduce-crime", "appendix"}
    assert {name for name in before["appendix"] if before["appendix"][name] != after["appendix"][name]} == \
        {"series:hate_crime"}


# Warm kernels


@pytest.mark.integration
def test_every_notebook_run_in_warm_kernels_equals_its_run_in_a_fresh_kernel(tmp_path, data):
    root = copy_project(tmp_path / "project")
    window = PageContext.load(data, PERIOD, "2014-11-24").window
    jobs = build.jobs(root, load_dir(data), window, data)
    outputs = {}
    for warm in (True, False):
        with Kernels(1 if warm else 2, warm) as kernels:  # one warm kernel runs every page, one after another
            assert kernels.run(jobs, root / "book" / f"run-{warm}", tmp_path / "logs") == []
            assert kernels.started == (1 if warm else len(jobs))
        outputs[warm] = {p.name: p.read_bytes() for p in (root / "book" / f"run-{warm}").glob("*.ipynb")}
    assert len(outputs[True]) == len(jobs) and outputs[True] == outputs[False]


def dying_notebook(folder: Path, marker: Path | None) -> Job:
    """A notebook whose kernel dies when it runs: every time, or (given `marker`) only the first time."""
    code = "import os\n" + (f"if not os.path.exists({str(marker)!r}):\n    open({str(marker)!r}, 'w').close()\n    "
                            if marker else "") + "os._exit(1)"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
                                               nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("print(x)")])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / "dies.ipynb")
    return Job(folder / "dies.ipynb", "dies", {"x": 2})


@pytest.mark.integration
def test_a_notebook_whose_kernel_dies_runs_again_on_a_new_kernel(tmp_path):
    with Kernels(1) as kernels:
        assert kernels.run([dying_notebook(tmp_path / "once", tmp_path / "died")], tmp_path / "out", tmp_path) == []
        assert kernels.started == 2
    assert "2" in nbformat.read(tmp_path / "out" / "dies.ipynb", 4).cells[-1].outputs[0].text
    with Kernels(1) as kernels:
        assert kernels.run([dying_notebook(tmp_path / "always", None)], tmp_path / "out2", tmp_path) == \
            ["dies.ipynb (page dies): its kernel died twice"]


# A build does only what changed


def site(root: Path) -> dict[str, str]:
    folder = root / "_build" / "html" / "west-midlands" / PERIOD
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def done(root: Path) -> dict:
    return json.loads((root / build.REPORT_FILE).read_text(encoding="utf-8"))


def one_count_changed(data: Path, target: Path, series: str, day: str) -> Path:
    """A file of the extract's rows for `day`, with one more of `series` in its first area."""
    target.mkdir()
    shutil.copy(DATA / "extract" / "extract.yml", target)
    with gzip.open(DATA / "extract" / "recorded-crime.csv.gz", "rt", encoding="utf-8") as extract:
        header, *rows = [line for n, line in enumerate(extract) if n == 0 or line.startswith(day)]
    first = next(i for i, row in enumerate(rows) if row.split(",")[2] == series)
    date, area, name, count = rows[first].rstrip("\n").split(",")
    rows[first] = f"{date},{area},{name},{int(count) + 1}\n"
    (target / "recorded-crime-correction.csv").write_text(header + "".join(rows), encoding="utf-8")
    return target / "recorded-crime-correction.csv"


@pytest.mark.integration
def test_a_rebuild_executes_exactly_the_pages_whose_inputs_changed_and_publishes_what_a_full_build_would(tmp_path):
    root = copy_project(tmp_path / "project")
    data = shipped_data(tmp_path / "west-midlands")
    build.build(PERIOD, None, data, workers=2, root=root)
    assert done(root)["site"] == "built in full" and len(done(root)["executed"]) == 13

    build.build(PERIOD, None, data, workers=2, root=root)
    assert done(root) == {"executed": {}, "reused": done(root)["reused"], "kernels_started": 0, "site": "unchanged"}

    commentary = data / "narrative" / PERIOD / "apprentice-schemes.md"
    commentary.write_text(commentary.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build.build(PERIOD, None, data, workers=2, root=root)
    assert done(root)["executed"] == {"objective-05-social-responsibility": "its commentary (apprentice-schemes.md) "
                                      "changed", "provenance": "a commentary file changed"}
    assert done(root)["site"] == "updated"
    assert "One more sentence." in (root / "_build" / "html" / "west-midlands" / PERIOD / "book" / "report" /
                                    "objective-05-social-responsibility.html").read_text(encoding="utf-8")

    store.ingest([one_count_changed(data, tmp_path / "correction", "hate_crime", "2014-11-03")], data)
    build.build(PERIOD, None, data, workers=2, root=root)
    assert done(root)["executed"] == {"executive-summary": "the counts of hate_crime changed",
                                      "objective-06-reduce-crime": "the counts of hate_crime changed",
                                      "appendix": "the counts of hate_crime changed",
                                      "provenance": "the ingest log changed"}
    cached = site(root)
    assert verify.verify(PERIOD, root, "west-midlands") == 0

    build.build(PERIOD, None, data, workers=2, root=root, use_cache=False)
    assert done(root)["site"] == "built in full" and len(done(root)["executed"]) == 13
    assert site(root) == cached


def test_the_pdf_is_printed_again_only_after_the_site_was_published_again(tmp_path):
    from spcb.site import manifest
    target = tmp_path / "_build" / "pdf" / "west-midlands-2014-11.pdf"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"%PDF printed")
    record = manifest.location(tmp_path, "west-midlands", PERIOD)
    record.parent.mkdir(parents=True)
    record.write_text(json.dumps({"edition": "west-midlands", "period": PERIOD, "files": {}}))  # no PDF yet
    assert not manifest.printed(tmp_path, "west-midlands", PERIOD, target)
    manifest.add_pdf(tmp_path, "west-midlands", PERIOD, target)
    assert manifest.printed(tmp_path, "west-midlands", PERIOD, target)
    target.write_bytes(b"%PDF changed by hand")
    assert not manifest.printed(tmp_path, "west-midlands", PERIOD, target)


def test_the_site_is_built_in_full_when_its_contents_configuration_or_static_files_change(tmp_path, data):
    root = copy_project(tmp_path / "project")
    edition = build.editions.load(data)
    key = build.site_key(root, edition, data)
    (data / "narrative" / PERIOD / "executive-summary.md").touch()  # commentary is the notebooks' business
    assert build.site_key(root, edition, data) == key
    for changed in (root / "_toc.yml", root / "_config.yml", root / "book" / "_static" / "spcb.css"):
        before = changed.read_bytes()
        changed.write_bytes(before + b"\n")
        assert build.site_key(root, edition, data) != key, changed.name
        changed.write_bytes(before)
    assert build.site_key(root, edition, data) == key
