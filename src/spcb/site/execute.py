"""Executing notebooks: papermill in a pool of worker processes, with a progress bar.

Each notebook runs in its own kernel, with its stderr in `_build/logs/<page>.log`. A failure is reported in
one line naming the notebook and the failing cell. Papermill's injected-parameters cell is tagged
`remove-cell` so that no page shows it.

An executed notebook is published, so it must be the same bytes whenever the same inputs are run: each cell's
id is the template's name and the cell's place, cells keep no execution times or papermill records, the
notebook's papermill record keeps no times or durations, and its paths are relative to the notebook's folder.

A worker dies with the process that started it, however that ends: on Linux each worker asks for SIGKILL when its
parent dies (`prctl(PR_SET_PDEATHSIG)`), and each kernel ends within a second of its worker, since ipykernel polls
the pid of the process that started it.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import nbformat
from tqdm import tqdm

from .project import die_with

KERNEL_START = 300  # seconds a kernel may take to start: on a loaded 2-core machine, nbclient's 60 is too few


@dataclass(frozen=True)
class Job:
    """One notebook to execute: its template, the page it becomes and its parameters."""

    template: Path
    page: str
    parameters: dict


def _execute(job: Job, out_dir: Path, log_dir: Path) -> str | None:
    """Run one notebook; return None, or a one-line message naming the notebook and the failing cell.

    The kernel's own chatter on stderr goes to `<log_dir>/<page>.log`, not the analyst's terminal.
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output = out_dir / f"{job.page}.ipynb"
    with open(log_dir / f"{job.page}.log", "w", encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
    try:
        papermill.execute_notebook(str(job.template), str(output), parameters=job.parameters, cwd=str(out_dir),
                                   progress_bar=False, log_output=False, kernel_name="python3",
                                   start_timeout=KERNEL_START)
    except PapermillExecutionError as exc:
        return (f"{job.template.name} (page {job.page}): cell {exc.cell_index + 1} failed with "
                f"{exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}".rstrip())
    except Exception as exc:  # a kernel that would not start, a template that cannot be read
        return f"{job.template.name} (page {job.page}): {type(exc).__name__}: {exc}"
    _hide_injected_parameters(output)
    _make_reproducible(output, job.template)
    return None


def _hide_injected_parameters(path: Path) -> None:
    """Tag papermill's injected-parameters cell `remove-cell`, so the page never shows it."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        tags = cell.metadata.setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
    nbformat.write(notebook, path)


def _make_reproducible(path: Path, template: Path) -> None:
    """Rewrite the executed notebook at `path` without what differs from one run or project folder to the next."""
    notebook = nbformat.read(path, as_version=4)
    for index, cell in enumerate(notebook.cells):
        cell.id = f"{template.stem}-{index}"
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    record = notebook.metadata.papermill
    for timing in ("start_time", "end_time", "duration"):
        record.pop(timing, None)
    record.input_path = Path(os.path.relpath(template, path.parent)).as_posix()
    record.output_path = path.name
    nbformat.write(notebook, path)


def execute_all(job_list: list[Job], out_dir: Path, log_dir: Path, workers: int) -> list[str]:
    """Execute notebooks in parallel, with a progress bar; return the failures."""
    out_dir.mkdir(parents=True)
    log_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, workers), mp_context=context, initializer=die_with,
                             initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(_execute, job, out_dir, log_dir): job for job in job_list}
        with tqdm(total=len(job_list), desc="Executing notebooks", unit="notebook", file=sys.stderr) as bar:
            for future in as_completed(futures):
                error = future.result()
                if error:
                    failures.append(error)
                bar.update()
    return sorted(failures)
