"""Running beside other runs, and dying at any moment: the locks of a store and of a project, and the renames that
publish them.

- A lock is an exclusive `fcntl.flock` on a lock file (`<data>/store.lock` for a store, `<project>/_build/.lock` for a
  project), so the system releases it when its holder ends, however it ends. While held, the file records the
  holder's pid, command and start; it is removed when released, so a lock leaves nothing behind.
- A run that finds a lock taken says so once on stderr and waits for it up to `SPCB_LOCK_WAIT` seconds (60 unless
  set), then gives up with one line naming the holder.
- Whoever takes both locks takes the project's first, so that no two runs each hold a lock the other waits for.
- Every rename that publishes something goes through `rename(source, target, step)`. The fault hook: with the
  environment variable `SPCB_FAULT_AT` set to a step's name, the process dies (`os._exit(137)`, as if killed) just
  before that rename, so that a test can prove each step recoverable. The steps are named where they are taken
  (`store.STEPS`, `site.build.STEPS`).
"""
from __future__ import annotations

import fcntl
import json
import os
import shlex
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from .contract import InputError

WAIT = "SPCB_LOCK_WAIT"
FAULT = "SPCB_FAULT_AT"
DEFAULT_WAIT = 60.0
POLL = 0.1  # seconds between two tries of a lock that is taken


class LockError(InputError):
    """Another run holds the lock, and did not release it in the time allowed."""


@contextmanager
def hold(path: Path, what: str) -> Iterator[None]:
    """Hold the lock file `path` (of `what`, e.g. "the store data/store") for the duration of the block."""
    allowed = _wait()
    deadline, told = time.monotonic() + allowed, False
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(handle)
            holder = _holder(path)
            if time.monotonic() >= deadline:
                raise LockError(f"{what} is in use by {holder}; gave up after {allowed:g} s "
                                f"(set {WAIT} to wait longer)") from None
            if not told:
                print(f"spcb: waiting for {what}, in use by {holder}", file=sys.stderr, flush=True)
                told = True
            time.sleep(POLL)
            continue
        if _same_file(handle, path):
            break
        os.close(handle)  # locked a file its last holder had removed: take the one now at `path`
    try:
        os.ftruncate(handle, 0)  # a holder that was killed left its record
        os.write(handle, json.dumps({"pid": os.getpid(), "command": _command(),
                                     "since": datetime.now().astimezone().isoformat(timespec="seconds")}).encode())
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(handle)


def rename(source: Path, target: Path, step: str) -> None:
    """`os.rename(source, target)`; unless `SPCB_FAULT_AT` names `step`: then the process dies instead."""
    if os.environ.get(FAULT) == step:
        os._exit(137)
    os.rename(source, target)


def _wait() -> float:
    text = os.environ.get(WAIT, str(DEFAULT_WAIT))
    try:
        return max(0.0, float(text))
    except ValueError:
        raise LockError(f"{WAIT}={text!r}: expected a number of seconds") from None


def _same_file(handle: int, path: Path) -> bool:
    try:
        return os.stat(path).st_ino == os.fstat(handle).st_ino
    except FileNotFoundError:
        return False


def _holder(path: Path) -> str:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        return f"pid {record['pid']} (`{record['command']}`, since {record['since']})"
    except (OSError, ValueError, KeyError, TypeError):  # taken or released while being read
        return "another run"


def _command() -> str:
    return shlex.join([Path(sys.argv[0]).name, *sys.argv[1:]])
