"""`spcb serve`: a live preview of one period of an edition, built again whenever its sources change.

- What it watches: the edition's folder, and the inputs outside it that its edition.yml names when serve starts
  (restart serve after naming other inputs); not what spcb writes there (the store, its lock and copies, and a
  period's pinned cut-off, `narrative/<period>/period.yml`), nor an editor's temporary files (hidden, backup, swap
  and `.tmp` files). Changes are gathered until none has come for `STEP` ms (or for at most `DEBOUNCE` ms), then
  handled at once; changes made during a build are handled after it.
- What it does: a change to a page's text (commentary, plan or the page about the data: `PAGES`) builds the period
  again (`site.build`, with warm kernels started after the first build and kept from one build to the next); any
  other change is to data, so the edition's inputs are first ingested again, as by `spcb ingest --edition`. When
  serve starts, it does both.
- What it says: where it serves the period's page, then one line per build: what changed and the seconds taken, or
  the error in one line (`spcb: error: ...`), after which the last good site stays served.
- The server: the project's `_build/html/`, on 127.0.0.1 only, never another interface, on `--port` (`PORT`, or 0
  for any free port); a port in use is refused in one line.
- Reloading the open page changes no published file: each HTML page is served with a small script before its
  `</body>` that polls `VERSION`, the number of builds done, and reloads the page when a build is done.
"""
from __future__ import annotations

import errno
import io
import os
import sys
import time
from dataclasses import dataclass
from functools import partial
from http import HTTPStatus
from http.server import DEFAULT_ERROR_MESSAGE, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from threading import Thread
from urllib.parse import urlsplit

import watchfiles

from ..ingest import store
from ..plan import edition as editions
from ..report import narrative
from . import build
from .execute import Kernels
from .project import BuildError, find_root

HOST = "127.0.0.1"
PORT = 8000
VERSION = "/__spcb__/version"
STEP, DEBOUNCE = 200, 1600  # milliseconds
POLL = 500  # milliseconds between two polls of VERSION by an open page
PAGES = ("narrative", "plan", "about.md")  # a page's text, which a build reads as it is
RELOAD = f"""(() => {{
  const built = document.currentScript.dataset.generation;
  const poll = () => fetch("{VERSION}", {{cache: "no-store"}}).then(response => response.text())
    .then(now => {{ if (now !== built) location.reload(); }}, () => {{}})
    .finally(() => setTimeout(poll, {POLL}));
  poll();
}})();"""


def with_reload(page: bytes, generation: int) -> bytes:
    """`page` with the script that reloads it once a build later than `generation` is done, before its `</body>`
    (at its end if it has none)."""
    script = f'<script data-generation="{generation}">{RELOAD}</script>'.encode()
    head, body_end, tail = page.rpartition(b"</body>")
    return head + script + body_end + tail if body_end else page + script


class Sources(watchfiles.DefaultFilter):
    """The changes to an edition's sources (in its folder `data`, or its inputs elsewhere) worth a build."""

    ignore_entity_patterns = (*watchfiles.DefaultFilter.ignore_entity_patterns, r"^\.", r"\.tmp$",
                              r"^4913$")  # the file vim writes to try a folder before saving into it

    def __init__(self, data: Path):
        super().__init__()
        self.data = data
        self.written = {store.Store(data).root.name, store.LOCK, store.NEW, store.OLD}  # by an ingest or a build

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        found = Path(path)
        inside = found.relative_to(self.data).parts if found.is_relative_to(self.data) else ()
        written = bool(inside) and (inside[0] in self.written
                                    or (inside[0] == "narrative" and found.name == narrative.PERIOD_FILE))
        return super().__call__(change, path) and not written


def is_data(data: Path, path: Path) -> bool:
    """Whether a change to `path` is to the data of the edition in `data`, to ingest before a build."""
    inside = path.relative_to(data).parts if path.is_relative_to(data) else ()
    return not inside or inside[0] not in PAGES


def described(data: Path, paths: set[Path]) -> str:
    names = sorted(p.relative_to(data).as_posix() if p.is_relative_to(data) else str(p) for p in paths)
    return names[0] + (f" and {len(names) - 1} more" if len(names) > 1 else "") + " changed"


class Handler(SimpleHTTPRequestHandler):
    """A file of the site, each HTML page with the reload script; at `VERSION`, the number of builds done."""

    server: Server

    def send_head(self):
        url = urlsplit(self.path).path
        if url == VERSION:
            return self._sent(str(self.server.generation).encode(), "text/plain; charset=utf-8")
        path = Path(self.translate_path(self.path))
        if path.is_dir() and url.endswith("/"):
            path = path / "index.html"
        if path.suffix != ".html" or not path.is_file():
            return super().send_head()
        return self._sent(with_reload(path.read_bytes(), self.server.generation), "text/html; charset=utf-8")

    def _sent(self, body: bytes, kind: str) -> io.BytesIO:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")  # a reload shows the latest build, never a kept copy
        super().end_headers()

    @property
    def error_message_format(self) -> str:  # a page not built yet is shown once a build makes it
        return with_reload(DEFAULT_ERROR_MESSAGE.encode(), self.server.generation).decode()

    def log_message(self, format, *args):
        pass


class Server(ThreadingHTTPServer):
    generation = 0  # builds done since serve started


def bind(html: Path, port: int) -> Server:
    """A server of the site in `html` on `HOST`, not yet serving."""
    try:
        return Server((HOST, port), partial(Handler, directory=str(html)))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise BuildError(f"port {port} of {HOST} is in use; stop what serves there, or choose another port "
                             "with --port") from None
        raise


@dataclass
class Preview:
    """One period of the edition in `data`, built into the project at `root` for `server`."""

    period: str
    as_of: str | None
    data: Path
    root: Path
    server: Server
    errors: tuple[type[Exception], ...]  # refusals to print in one line, the last good site kept
    kernels: Kernels  # kept warm from one build to the next

    def update(self, why: str, ingest: bool) -> None:
        """Ingest the edition's inputs if asked, then build the period; say which, and how long it took, or why
        it failed."""
        start = time.perf_counter()
        try:
            if ingest:
                store.ingest(list(editions.load(self.data).inputs), self.data)
            build.build(self.period, self.as_of, self.data, root=self.root, kernels=self.kernels)
        except self.errors as exc:
            print(f"spcb: error: {exc}", file=sys.stderr, flush=True)
            return
        self.server.generation += 1
        self.kernels.prepare()
        print(f"{'Ingested and built' if ingest else 'Built'} {self.period} in {time.perf_counter() - start:.1f} s "
              f"({why})", flush=True)


def serve(period: str, as_of: str | None, data_dir: str | Path, root: str | Path, port: int,
          errors: tuple[type[Exception], ...]) -> None:
    """Serve the period of the edition in `data_dir`, building it again whenever its sources change, until
    interrupted (see the module's rules)."""
    root, data = find_root(root), Path(data_dir).resolve()
    edition = editions.load(data)
    html = root / "_build" / "html"
    server = bind(html, port)
    Thread(target=server.serve_forever, daemon=True).start()
    address = f"http://{HOST}:{server.server_address[1]}"
    print(f"Serving {html} at {address}/ (on this computer only); the {period} report of {edition.name}: "
          f"{address}/{edition.name}/{period}/index.html", flush=True)
    inputs = [path for path in edition.inputs if path.exists() and not path.is_relative_to(data)]
    print(f"Watching {data} and its inputs; Ctrl-C stops.", flush=True)
    preview = Preview(period, as_of, data, root, server, errors, Kernels(os.cpu_count() or 1, kept=True))
    try:
        preview.update("on start", ingest=True)
        for changes in watchfiles.watch(data, *inputs, watch_filter=Sources(data), step=STEP, debounce=DEBOUNCE):
            paths = {Path(path) for _, path in changes}
            preview.update(described(data, paths), any(is_data(data, path) for path in paths))
    except KeyboardInterrupt:
        pass
    finally:
        preview.kernels.close()
        server.shutdown()
        server.server_close()
