"""The PDF board paper: the book built as one HTML page and printed to A4 by headless Chromium: a cover (the
board, the title, the force, the period, the purpose and the recommendation, from the executive summary's
print-only block), the contents, the executive summary, a section per objective, then the appendices; page
numbers and the edition, period and as-of date in the footer (Jupyter Book's own `pdfhtml` builder downloads a
browser, which is not possible here).

The same book prints to the same bytes: the PDF's creation and modification dates are midnight UTC of the
cut-off, or SOURCE_DATE_EPOCH when it is set, and a link to a place in the book stays inside the PDF rather
than naming the folder it was printed in. Its SHA-256 goes into the period's manifest, and it is printed again
only when the period's site has been published again since (see `manifest.printed`).
"""
from __future__ import annotations

import html
import os
import re
import shutil
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path

from ..plan import edition as editions
from ..plan.edition import DEFAULT
from ..report import catalogue
from . import manifest
from .jupyterbook import jupyter_book
from .project import REPORT_DIR, BuildError, executed_notebooks, find_root, parameters

FOOTER = ('<div style="font-size:8px;width:100%;margin:0 12mm;display:flex;justify-content:space-between;'
          'font-family:sans-serif;color:#444"><span>{title}, {period}, as of {as_of}</span>'
          '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


# Makes the single page a board paper: the cover (the executive summary's print-only block) first, then the
# theme's printed contents; a heading "Appendices" before the part that opens with `appendix`, and after it a
# first appendix holding every block marked as detail (`output.details`), each under its title and its section's.
BOARD_PAPER = """(appendix) => {
  const cover = document.querySelector(".spcb-print-only");
  const contents = document.getElementById("jb-print-docs-body");
  if (cover) { (contents || document.querySelector("article")).before(cover); }
  const first = document.getElementById(`document-${appendix}`);
  if (!first) { return; }
  const heading = document.createElement("h1");
  heading.className = "spcb-appendices";
  heading.textContent = "Appendices";
  const part = first.closest(".toctree-wrapper");
  part.before(heading);
  const details = document.createElement("section");
  details.className = "spcb-details-appendix";
  details.innerHTML = "<h2>Detailed tables and charts</h2>";
  heading.after(details);
  let section = null;
  for (const start of document.querySelectorAll(".spcb-details")) {
    const owner = start.closest("section");
    const title = owner ? owner.querySelector("h1, h2") : null;
    if (title && owner !== section) {
      section = owner;
      const named = document.createElement("h3");
      named.textContent = title.textContent.replace("#", "").trim();
      details.append(named);
    }
    const item = document.createElement("h4");
    item.textContent = start.dataset.title;
    details.append(item);
    let node = start.closest(".output") || start;
    while (node && !(node.querySelector && node.querySelector(".spcb-details-end"))) {
      const next = node.nextElementSibling;
      details.append(node);
      node = next;
    }
  }
}"""


# Removes the pages the paper leaves out from the single page: each document's content follows its
# `<span id="document-PATH">` anchor. Entries of the contents that link there go; a link in the text keeps
# its words.
LEAVE_OUT = """(paths) => paths.forEach((path) => {
  document.querySelectorAll(`a[href="#document-${path}"]`).forEach((link) => {
    const entry = link.closest("li");
    if (entry) { entry.remove(); } else { link.replaceWith(...link.childNodes); }
  });
  const anchor = document.getElementById(`document-${path}`);
  if (anchor) { anchor.nextElementSibling.remove(); anchor.remove(); }
})"""


def _date(as_of: str) -> bytes:
    """The PDF's dates, in its own form: SOURCE_DATE_EPOCH when set, else midnight UTC of the cut-off."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        when = datetime.combine(date.fromisoformat(as_of), time(), UTC)
    elif epoch.isdigit():
        when = datetime.fromtimestamp(int(epoch), UTC)
    else:
        raise BuildError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970; found {epoch!r}")
    return when.strftime("D:%Y%m%d%H%M%S+00'00'").encode()


def _set_dates(path: Path, when: bytes) -> None:
    """Put `when` in place of the dates Chromium wrote, keeping their length so that the PDF's offsets hold."""
    content = path.read_bytes()
    dated = re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", lambda found: b"/%s (%s)" % (found[1], when), content)
    if len(dated) != len(content):
        raise BuildError(f"{path}: Chromium wrote the PDF's dates in a form spcb does not know, so they cannot be "
                         "made reproducible")
    path.write_bytes(dated)


def pdf(period: str, root: str | Path = ".", edition: str = DEFAULT, chromium: str = "/usr/bin/chromium") -> Path:
    """Print the book of `edition` for `period` to an A4 PDF named for both: build it as a single HTML page, then
    print that page with headless Chromium, with page numbers, the edition's title and the period in the footer."""
    from playwright.sync_api import sync_playwright

    root = find_root(root)
    recorded = parameters(executed_notebooks(root, edition, period)[0])
    as_of, title = recorded["as_of"], editions.load((root / REPORT_DIR / recorded["data_dir"]).resolve()).title
    when = _date(as_of)
    target = root / "_build" / "pdf" / f"{edition}-{period}.pdf"
    if manifest.printed(root, edition, period, target):  # also: a build without a manifest fails at once
        print(f"{target.name}: the site has not changed since it was printed", file=sys.stderr)
        return target
    output = root / "_build" / ".single"
    shutil.rmtree(output, ignore_errors=True)
    jupyter_book(root, output, root / "_build" / "logs" / "jupyter-book-singlehtml.log", title, builder="singlehtml")
    single = output / "_build" / "singlehtml"
    page = single / "print.html"  # the single page links its assets from the site's root, so print it from there
    landing = (REPORT_DIR / f"{catalogue.PAGES[0].name}.html").as_posix()
    # Sphinx links a place in the single page through the page's own path, which the copy at the root lacks.
    page.write_text((single / landing).read_text(encoding="utf-8").replace(f'href="{landing}#', 'href="#'),
                    encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not Path(chromium).exists():
        raise BuildError(f"{chromium}: Chromium is needed to print the PDF; install Debian's chromium package")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page()
        tab.goto(page.as_uri(), wait_until="load")
        tab.evaluate(LEAVE_OUT, [p.path for p in catalogue.PAGES if not p.in_paper])
        tab.evaluate(BOARD_PAPER, next(p.path for p in catalogue.PAGES if p.caption == catalogue.APPENDICES))
        tab.emulate_media(media="print")
        footer = FOOTER.format(title=html.escape(title), period=period, as_of=as_of)
        tab.pdf(path=str(target), format="A4", print_background=True, display_header_footer=True,
                header_template="<span></span>", footer_template=footer,
                margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        browser.close()
    _set_dates(target, when)
    shutil.rmtree(output, ignore_errors=True)
    manifest.add_pdf(root, edition, period, target)
    return target
