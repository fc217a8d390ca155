"""The PDF board paper: the book built as one HTML page and printed to A4 by headless Chromium, with page
numbers and the period and as-of date in the footer (Jupyter Book's own `pdfhtml` builder downloads a
browser, which is not possible here)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from ..report import catalogue
from .jupyterbook import jupyter_book
from .project import REPORT_DIR, BuildError, executed_notebooks, find_root

FOOTER = ('<div style="font-size:8px;width:100%;margin:0 12mm;display:flex;justify-content:space-between;'
          'font-family:sans-serif;color:#444"><span>{title}, {period}, as of {as_of}</span>'
          '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>')


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


def pdf(period: str, root: str | Path = ".", chromium: str = "/usr/bin/chromium") -> Path:
    """Print the book for `period` to an A4 PDF: build it as a single HTML page, then print that page with
    headless Chromium, with page numbers and the period in the footer."""
    from playwright.sync_api import sync_playwright

    root = find_root(root)
    notebooks = executed_notebooks(root, period)
    parameters = json.loads(notebooks[0].read_text(encoding="utf-8"))["metadata"]["papermill"]["parameters"]
    output = root / "_build" / ".single"
    shutil.rmtree(output, ignore_errors=True)
    jupyter_book(root, output, root / "_build" / "logs" / "jupyter-book-singlehtml.log", builder="singlehtml")
    single = output / "_build" / "singlehtml"
    page = single / "print.html"  # the single page links its assets from the site's root, so print it from there
    shutil.copy(single / REPORT_DIR / "executive-summary.html", page)
    target = root / "_build" / "pdf" / f"spcb-report-{period}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    if not Path(chromium).exists():
        raise BuildError(f"{chromium}: Chromium is needed to print the PDF; install Debian's chromium package")
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page()
        tab.goto(page.as_uri(), wait_until="load")
        tab.evaluate(LEAVE_OUT, [p.path for p in catalogue.PAGES if not p.in_paper])
        tab.emulate_media(media="print")
        footer = FOOTER.format(title="Police and Crime Plan performance report", period=period,
                               as_of=parameters.get("as_of", ""))
        tab.pdf(path=str(target), format="A4", print_background=True, display_header_footer=True,
                header_template="<span></span>", footer_template=footer,
                margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"})
        browser.close()
    shutil.rmtree(output, ignore_errors=True)
    return target
