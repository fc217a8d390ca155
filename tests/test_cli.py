"""The spcb command: tables for scripts, and one-line errors instead of tracebacks."""
import contextlib
import errno
import io
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from conftest import DATA, ROOT, edition_files

from spcb import cli
from spcb.ingest import store
from spcb.site import build

SPCB = [sys.executable, "-m", "spcb.cli"]
CORPUS = ROOT / "tests" / "corpus"


def run(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    """`spcb ARGS` run in this process (a new Python per call costs about a second), as a finished process."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main([str(a) for a in args])
        except SystemExit as stop:  # argparse's own errors
            code = stop.code
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def run_process(*args, cwd=ROOT) -> subprocess.CompletedProcess:
    """`spcb ARGS` as its own process, to see what a user sees: no traceback however it fails."""
    return subprocess.run([*SPCB, *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("fmt, expected", [
    ("md", "| Burglary Dwelling | Milestone | 8,045 | 7,310 | −735 | −2% | −9.1% | 574 | On track: 574 below target |"),
    ("csv", "Public Place Violence With Injury,milestone,6623,7192,569,-5.0,8.6,6291,901,False,"
            "Off track: 901 above target"),
])
def test_table_milestones(fmt, expected, data):
    result = run("table", "milestones", "--period", "2014-11", "--as-of", "2014-11-24", "--format", fmt,
                 "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout.splitlines()


def test_table_json_is_parseable(data):
    result = run("table", "milestones", "--period", "2014-11", "--format", "json", "--data", str(data))
    rows = json.loads(result.stdout)
    assert [r["this_year"] for r in rows] == [7310, 7192, 3171, 115245, 25016]


@pytest.mark.parametrize("args, message", [
    (("table", "milestones", "--period", "2015-02"), "spcb: error: period 2015-02 is after the data"),
    (("table", "milestones", "--period", "2014-11", "--as-of", "2014-12-01"), "is outside the period 2014-11"),
    (("table", "milestones", "--period", "14-11"), "expected a month written YYYY-MM"),
    (("build", "--period", "2014-11", "--root", "/"), "not inside an spcb project"),
    (("table", "milestones", "--period", "2014-11", "--data", "/nonexistent"),
     "spcb: error: /nonexistent: no such folder; expected the data folder (--data)"),
    (("table", "milestones", "--period", "0000-01"), "period '0000-01': expected a month written YYYY-MM, such as "
     "2014-11, in a year from 1900 to 2100"),
    (("table", "milestones", "--period", "0001-03"), "in a year from 1900 to 2100"),
    (("table", "milestones", "--period", "\u0662\u0660\u0661\u0664-\u0661\u0661"), "expected a month written YYYY-MM"),
    (("table", "milestones", "--period", "2014-11", "--as-of", "\u0662\u0660\u0661\u0664-11-24"),
     "expected a date written YYYY-MM-DD"),
    (("build", "--period", "2014-11", "--period", "0000-01"), "period '0000-01'"),
    (("summary", "--data", "/etc/passwd"), "spcb: error: /etc/passwd: not a folder; expected the data folder"),
])
def test_errors_are_one_line_without_traceback(args, message, data):
    result = run(*(args if "--data" in args else (*args, "--data", str(data))))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_broken_plan_is_reported_before_anything_runs(tmp_path):
    import shutil
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    plan = data / "plan" / "2014-15.yml"
    plan.write_text(plan.read_text().replace("frequency: monthly", "frequency: monthy", 1))
    result = run("build", "--period", "2014-11", "--data", str(data))
    assert result.returncode == 1
    assert "field 'frequency': expected one of monthly" in result.stderr and "found 'monthy'" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_extract_command_writes_the_extract(tmp_path):
    result = run("demo-extract", "--out", str(tmp_path))
    assert result.returncode == 0
    assert ((tmp_path / "recorded-crime.csv.gz").read_bytes()
            == (DATA / "extract" / "recorded-crime.csv.gz").read_bytes())


@pytest.mark.parametrize("jobs", ["0", "\u0661"])
def test_jobs_must_be_a_positive_whole_number(jobs):
    result = run("build", "--period", "2014-11", "--jobs", jobs)
    assert result.returncode == 2
    assert result.stderr == (f"spcb: error: argument --jobs: expected a whole number of 1 or more; found {jobs!r} "
                             "(see `spcb build --help`)\n")


def test_more_jobs_than_cores_are_capped_with_a_note(monkeypatch, capsys):
    asked = []
    monkeypatch.setattr(build, "build", lambda periods, as_of, data, jobs, root, **_: asked.append(jobs) or "x")
    assert cli.main(["build", "--period", "2014-11", "--jobs", "1000"]) == 0
    assert asked == [cli.CORES]
    assert capsys.readouterr().err == (f"spcb: note: --jobs 1000 is more than the {cli.CORES} cores; running "
                                       f"{cli.CORES} notebooks at once\n")


def test_argument_errors_are_one_line():
    result = run("table", "milestones")
    assert result.returncode == 2
    assert result.stderr == ("spcb: error: the following arguments are required: --period "
                             "(see `spcb table --help`)\n")


@pytest.mark.parametrize("code, cause", [(errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied"),
                                         (errno.ENOSPC, "No space left on device")])
def test_unwritable_or_full_disk_is_one_line_naming_the_path(monkeypatch, capsys, tmp_path, code, cause):
    def refuse(paths, data):
        raise OSError(code, cause, str(data / "store" / "survey.parquet"))
    monkeypatch.setattr(store, "ingest", refuse)
    assert cli.main(["ingest", str(DATA / "extract"), "--data", str(tmp_path)]) == 1
    assert capsys.readouterr().err == f"spcb: error: {tmp_path}/store/survey.parquet: {cause}\n"


def test_ingest_and_summary_commands(tmp_path):
    extract = DATA / "extract"
    first = run("ingest", str(extract), "--data", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert "(spcb-extract) into recorded_crime: 169,900 rows read, 169,900 accepted, 0 rejected" in first.stdout
    again = run("ingest", str(extract), "--data", str(tmp_path))
    assert again.stdout.startswith("unchanged:")
    text = run("summary", "--data", str(tmp_path))
    assert "recorded_crime: 169,900 rows" in text.stdout and "[demonstration]" in text.stdout
    report = json.loads(run("summary", "--data", str(tmp_path), "--format", "json").stdout)
    assert report["tables"]["recorded_crime"]["sources"][0]["first"] == "2010-04-01"


@pytest.mark.parametrize("data, message", [
    ("/etc/passwd", "spcb: error: /etc/passwd: not a folder; expected the data folder (--data)\n"),
    ("/nonexistent/deeper", "spcb: error: /nonexistent/deeper: no such folder, nor is /nonexistent a folder to make "
     "it in; expected the data folder (--data), or a new one inside an existing folder\n"),
])
def test_ingest_refuses_a_data_folder_it_cannot_use_before_reading_anything(data, message):
    result = run("ingest", str(ROOT / "tests" / "corpus" / "not-utf8"), "--data", data)
    assert (result.returncode, result.stderr) == (1, message)
    assert not Path("/nonexistent").exists()


def test_a_failed_ingest_into_a_new_data_folder_leaves_no_folder(tmp_path):
    result = run("ingest", str(ROOT / "tests" / "corpus" / "not-utf8"), "--data", str(tmp_path / "new"))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_every_corpus_case_is_one_line_on_stderr_from_the_command(tmp_path):
    cases = sorted(p for p in CORPUS.iterdir() if p.is_dir())

    def ingest(case):
        return run_process("ingest", str(case), "--data", str(tmp_path / case.name))
    with ThreadPoolExecutor(cli.CORES) as pool:
        results = dict(zip(cases, pool.map(ingest, cases)))
    for case, result in results.items():
        assert result.returncode == 1, case
        assert "Traceback" not in result.stderr and len(result.stderr.splitlines()) == 1, (case, result.stderr)
        assert result.stderr.startswith("spcb: error: "), (case, result.stderr)


def test_ingest_of_a_bad_file_is_one_line(tmp_path):
    bad = ROOT / "tests" / "corpus" / "street-unknown-force"
    result = run_process("ingest", str(bad), "--data", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("spcb: error: ") and "Gotham City Police" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "store").exists()


def test_new_period_with_a_bad_period_writes_nothing(tmp_path):
    edition_files(tmp_path)
    result = run("new-period", "0000-01", "--data", str(tmp_path))
    assert result.returncode == 1 and "period '0000-01'" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["about.md", "edition.yml", "plan"]


def test_new_period_command(tmp_path):
    edition_files(tmp_path)
    result = run("new-period", "2014-12", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Wrote 7 commentary files" in result.stdout and "reduce-property-crime.md" in result.stdout
    again = run("new-period", "2014-12", "--data", str(tmp_path))
    assert again.returncode == 1 and "commentary already exists for 2014-12" in again.stderr


def test_build_passes_no_cache_and_fresh_kernels_on(monkeypatch):
    asked = []
    monkeypatch.setattr(build, "build", lambda periods, as_of, data, jobs, root, **how: asked.append(how) or "x")
    assert cli.main(["build", "--period", "2014-11"]) == 0
    assert cli.main(["build", "--period", "2014-11", "--no-cache", "--fresh-kernels"]) == 0
    assert [(how["use_cache"], how["kernels"].warm) for how in asked] == [(True, True), (False, False)]


def test_cache_clear_empties_the_cache(tmp_path, capsys):
    (tmp_path / "_config.yml").write_text("title: x\n")
    (tmp_path / "_toc.yml").write_text("root: x\n")
    (tmp_path / "_build" / "cache" / "entries" / "ab").mkdir(parents=True)
    (tmp_path / "_build" / "cache" / "entries" / "ab" / "notebook.ipynb").write_bytes(b"x" * 2**20)
    assert cli.main(["cache", "clear", "--root", str(tmp_path)]) == 0
    assert capsys.readouterr().out == "The cache is cleared (1.0 MB removed)\n"
    assert not (tmp_path / "_build" / "cache").exists()
