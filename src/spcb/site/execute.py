"""Executing notebooks: papermill in a pool of worker processes, each keeping one warm kernel, with a progress bar.

A kernel's start and the imports every page makes (pandas, matplotlib, seaborn, spcb) cost more than most pages
take, so each worker starts one kernel the first time it is given a notebook, has it import them once
(`report.session.warm`), and runs its share of the notebooks in it, one after another. Papermill still executes
every notebook and injects its parameters (through the `spcb-warm` engine, which hands papermill the worker's
kernel instead of starting one). Before each notebook the kernel is made fresh (`report.session.fresh`: figures
closed, matplotlib's settings put back, the namespace cleared, the execution count back at 1, the notebook's folder
the working one), so that every output equals a fresh kernel's (a test compares the two). A notebook whose kernel
dies is run again once on a new kernel. `warm=False` runs each notebook in a kernel of its own, as papermill does by
default. The pool and its kernels are started on the first notebook to run, and kept for every period of a build.

Each notebook's kernel stderr goes to `_build/logs/<page>.log`. A failure is reported in one line naming the
notebook and the failing cell. Papermill's injected-parameters cell is tagged `remove-cell` so that no page shows
it.

An executed notebook is published, so it must be the same bytes whenever the same inputs are run: each cell's
id is the template's name and the cell's place, cells keep no execution times or papermill records, the
notebook's papermill record keeps no times or durations, and its paths are relative to the notebook's folder.

A notebook whose kernel would not start (a port taken meanwhile by another process, a kernel that dies before it
answers on a busy machine) is also run again once on a new kernel.

`Here` runs notebooks in the calling process instead, one after another in its own warm kernel, kept for the
process's life: for a process that is itself a worker of something else (a task of `spcb batch` on a Dask worker).

A worker dies with the process that started it, however that ends: on Linux each worker asks for SIGKILL when its
parent dies (`prctl(PR_SET_PDEATHSIG)`), and each kernel ends within a second of its worker, since ipykernel polls
the pid of the process that started it. A worker that ends normally shuts its kernel down first.
"""
from __future__ import annotations

import functools
import multiprocessing
import os
import sys
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing.util import Finalize
from pathlib import Path

import nbformat
from tqdm import tqdm

from .project import die_with

KERNEL_START = 300  # seconds a kernel may take to start: on a loaded 2-core machine, nbclient's 60 is too few
ENGINE = "spcb-warm"


@dataclass(frozen=True)
class Job:
    """One notebook to execute: its template, the page it becomes and its parameters."""

    template: Path
    page: str
    parameters: dict


@dataclass(frozen=True)
class Outcome:
    """What running one notebook came to: None or a one-line failure, and how many kernels it started."""

    error: str | None
    kernels: int


class _Kernel:
    """This worker's warm kernel: started and warmed on first use, made fresh before each notebook."""

    def __init__(self) -> None:
        self.client = None

    def ready(self, folder: Path) -> int:
        """Make the kernel fresh for a notebook in `folder`, first starting one if there is none or it died; return
        the number of kernels started (0 or 1)."""
        from jupyter_core.utils import run_sync

        started = 0
        if self.client is None or not run_sync(self.client.km.is_alive)():
            self.discard()
            self._start()
            started = 1
        self._run(f"from spcb.report import session; session.fresh({str(folder)!r})")
        return started

    def discard(self) -> None:
        from jupyter_core.utils import run_sync

        if self.client is None:
            return
        client, self.client = self.client, None
        try:
            client.kc.stop_channels()
            run_sync(client.km.shutdown_kernel)(now=True)
        except RuntimeError:  # already gone
            pass

    def _start(self) -> None:
        from nbclient import NotebookClient

        self.client = NotebookClient(nbformat.v4.new_notebook(), kernel_name="python3", startup_timeout=KERNEL_START)
        self.client.km = self.client.create_kernel_manager()
        self.client.start_new_kernel()
        self.client.start_new_kernel_client()
        self.client.reset_execution_trackers()
        self._run("from spcb.report import session; session.warm()")

    def _run(self, code: str) -> None:
        cell = nbformat.v4.new_code_cell(code)
        self.client.nb.cells = [cell]
        self.client.execute_cell(cell, 0, store_history=False)


_KERNEL = _Kernel()


def _register_engine() -> None:
    """Register the `spcb-warm` papermill engine: papermill's own, given this worker's kernel."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines
    from papermill.log import logger

    class WarmEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            client = PapermillNotebookClient(nb_man, km=_KERNEL.client.km, kernel_name=kernel_name, log=logger,
                                             startup_timeout=start_timeout, timeout=execution_timeout,
                                             log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
            client.kc = _KERNEL.client.kc
            return client.execute()

    papermill_engines.register(ENGINE, WarmEngine)


def _worker(parent: int, warm: bool) -> None:
    die_with(parent)
    with open(os.devnull, "w") as quiet:  # a kernel started before any page (`Kernels.prepare`) chatters here
        os.dup2(quiet.fileno(), 2)
    import papermill  # noqa: F401  (while the build still reads its inputs: see `Kernels.start`)

    if warm:
        _register_engine()
        Finalize(_KERNEL, _KERNEL.discard, exitpriority=10)


def _started() -> None:
    """Nothing: a task that makes the pool start a worker."""


def _kernel_started() -> int:
    """Start this worker's kernel, if it has none, for the notebooks to come; return the kernels started."""
    return _KERNEL.ready(Path.cwd())


def _execute(job: Job, out_dir: Path, log_dir: Path, warm: bool) -> Outcome:
    """Run one notebook, again on a new kernel if its kernel dies.

    The kernel's own chatter on stderr goes to `<log_dir>/<page>.log`, not the analyst's terminal.
    """
    output = out_dir / f"{job.page}.ipynb"
    stderr = os.dup(2)
    with open(log_dir / f"{job.page}.log", "w", encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
    try:
        return _attempts(job, output, out_dir, warm)
    finally:
        os.dup2(stderr, 2)
        os.close(stderr)


def _attempts(job: Job, output: Path, out_dir: Path, warm: bool) -> Outcome:
    import papermill
    from nbclient.exceptions import DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    kernels = 0
    for attempt in (1, 2):
        try:
            kernels += _KERNEL.ready(out_dir) if warm else 1
            papermill.execute_notebook(str(job.template), str(output), parameters=job.parameters, cwd=str(out_dir),
                                       progress_bar=False, log_output=False, kernel_name="python3",
                                       start_timeout=KERNEL_START, engine_name=ENGINE if warm else None)
        except PapermillExecutionError as exc:
            return Outcome(f"{job.template.name} (page {job.page}): cell {exc.cell_index + 1} failed with "
                           f"{exc.ename}: {exc.evalue.splitlines()[0] if exc.evalue else ''}".rstrip(), kernels)
        except Exception as exc:  # a kernel that died, or would not start (a port taken meanwhile, a busy machine)
            _KERNEL.discard()
            if attempt == 2:
                died = "its kernel died twice" if isinstance(exc, DeadKernelError) else f"{type(exc).__name__}: {exc}"
                return Outcome(f"{job.template.name} (page {job.page}): {died}", kernels)
            continue
        break
    _hide_injected_parameters(output)
    _make_reproducible(output, job.template)
    return Outcome(None, kernels)


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


class Kernels:
    """Worker processes for executing notebooks, each with its warm kernel (see the module's rules); nothing is
    started until a notebook is to run. Use it as a context manager: leaving it ends the workers and their kernels.
    Unless `kept` (for builds to come, as `spcb serve` keeps them), they begin to end as soon as the notebooks of a
    `run(..., last=True)` are done, while the build goes on to its site."""

    def __init__(self, workers: int, warm: bool = True, kept: bool = False):
        self.workers, self.warm, self.kept = max(1, workers), warm, kept
        self._started = 0  # kernels started by notebooks so far
        self._prepared: list[Future] = []
        self._pool: ProcessPoolExecutor | None = None

    @property
    def started(self) -> int:
        """The kernels started so far, with those `prepare` starts (waited for)."""
        return self._started + sum(f.result() for f in self._prepared if not f.cancelled() and not f.exception())

    def __enter__(self) -> Kernels:
        return self

    def start(self) -> None:
        """Start the worker processes (not their kernels, which start with their first notebook), so that they are
        ready by the time the build knows which notebooks to run."""
        if self._pool is None:
            os.environ["PYTHONHASHSEED"] = "0"  # for the kernels, so that no output depends on the order of a set
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_worker, initargs=(os.getpid(), self.warm))
            for _ in range(self.workers):
                self._pool.submit(_started)

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """End the workers and their kernels."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def prepare(self) -> None:
        """Start every worker's kernel now, without waiting: for a build that will likely run notebooks, while it
        reads its inputs, and for `spcb serve`, whose next build should find them ready."""
        self.start()
        if self.warm:
            self._prepared += [self._pool.submit(_kernel_started) for _ in range(self.workers)]

    def run(self, job_list: list[Job], out_dir: Path, log_dir: Path, last: bool = False) -> list[str]:
        """Execute the notebooks into `out_dir` in parallel, with a progress bar; return the failures. `last`: the
        caller has no more notebooks to run."""
        out_dir.mkdir(parents=True, exist_ok=True)
        log_dir.mkdir(parents=True, exist_ok=True)
        if not job_list:
            return []
        self.start()
        failures = []
        futures = [self._pool.submit(_execute, job, out_dir, log_dir, self.warm) for job in job_list]
        with tqdm(total=len(job_list), desc="Executing notebooks", unit="notebook", file=sys.stderr) as bar:
            for future in as_completed(futures):
                outcome = future.result()
                self._started += outcome.kernels
                if outcome.error:
                    failures.append(outcome.error)
                bar.update()
        if last and not self.kept:
            self._pool.shutdown(wait=False)  # leaving the context waits for the rest
        return sorted(failures)


class Here:
    """Notebooks run in this process, one after another, in its own warm kernel (kept for the process's life, and
    shut down when it ends normally); the same use as `Kernels`."""

    workers, kept = 1, True

    def __init__(self, warm: bool = True):
        self.warm, self.started = warm, 0
        if warm:
            _kernel_here()

    def __enter__(self) -> Here:
        return self

    def __exit__(self, *exc) -> None:
        """The kernel stays, for the next notebooks of this process."""

    def start(self) -> None:
        """Nothing to start: the kernel starts with the first notebook."""

    def prepare(self) -> None:
        """Nothing to prepare ahead: the notebooks run in this process."""

    def run(self, job_list: list[Job], out_dir: Path, log_dir: Path, last: bool = False) -> list[str]:
        out_dir.mkdir(parents=True, exist_ok=True)
        log_dir.mkdir(parents=True, exist_ok=True)
        failures = []
        for job in job_list:
            outcome = _execute(job, out_dir, log_dir, self.warm)
            self.started += outcome.kernels
            if outcome.error:
                failures.append(outcome.error)
        return sorted(failures)


@functools.cache
def _kernel_here() -> None:
    """Make this process run notebooks in a warm kernel of its own (once)."""
    os.environ["PYTHONHASHSEED"] = "0"
    _register_engine()
    Finalize(_KERNEL, _KERNEL.discard, exitpriority=10)
