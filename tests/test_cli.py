"""The spcb command: tables for scripts, and one-line errors instead of tracebacks."""
import json
import subprocess
import sys

import pytest
from conftest import DATA, ROOT

SPCB = [sys.executable, "-m", "spcb.cli"]


def run(*args, cwd=ROOT):
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
     "/nonexistent/plan: expected exactly one plan file"),
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


def test_jobs_must_be_positive():
    result = run("build", "--period", "2014-11", "--jobs", "0")
    assert result.returncode == 2
    assert "--jobs: expected a whole number of 1 or more; found '0'" in result.stderr


def test_ingest_and_summary_commands(tmp_path):
    extract = ROOT / "data" / "extract"
    first = run("ingest", str(extract), "--data", str(tmp_path))
    assert first.returncode == 0, first.stderr
    assert "(spcb-extract) into recorded_crime: 169,900 rows read, 169,900 accepted, 0 rejected" in first.stdout
    again = run("ingest", str(extract), "--data", str(tmp_path))
    assert again.stdout.startswith("unchanged:")
    text = run("summary", "--data", str(tmp_path))
    assert "recorded_crime: 169,900 rows" in text.stdout and "[demonstration]" in text.stdout
    report = json.loads(run("summary", "--data", str(tmp_path), "--format", "json").stdout)
    assert report["tables"]["recorded_crime"]["sources"][0]["first"] == "2010-04-01"


def test_ingest_of_a_bad_file_is_one_line(tmp_path):
    bad = ROOT / "tests" / "corpus" / "street-unknown-force"
    result = run("ingest", str(bad), "--data", str(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith("spcb: error: ") and "Gotham City Police" in result.stderr
    assert len(result.stderr.splitlines()) == 1 and not (tmp_path / "store").exists()


def test_new_period_command(tmp_path):
    (tmp_path / "plan").symlink_to(ROOT / "data" / "plan")
    result = run("new-period", "2014-12", "--data", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Wrote 7 commentary files" in result.stdout and "reduce-property-crime.md" in result.stdout
    again = run("new-period", "2014-12", "--data", str(tmp_path))
    assert again.returncode == 1 and "commentary already exists for 2014-12" in again.stderr
