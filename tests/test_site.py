"""The built site in headless Chromium (Debian's), driven by Playwright: what a board member sees."""
from __future__ import annotations

import functools
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import DATA, ROOT

from spcb.plan import schema

pytestmark = pytest.mark.browser
SCREENSHOTS = ROOT / "_build" / "test-screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(built_book):
    handler = functools.partial(QuietHandler, directory=str(built_book / "_build" / "html"))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def page(site):
    from playwright.sync_api import sync_playwright

    assert shutil.which("chromium"), "Debian chromium is not installed: run `make test`, which installs it"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        tab = browser.new_page(viewport={"width": 1280, "height": 900})
        yield tab
        browser.close()


def images_loaded(tab) -> list[dict]:
    return tab.eval_on_selector_all(
        "article img", "els => els.map(e => ({alt: e.alt, ok: e.complete && e.naturalWidth > 0}))")


def test_the_root_lists_the_editions_and_each_opens_on_its_executive_summary(page, site):
    page.goto(site + "/index.html")
    page.get_by_role("link", name="West Midlands Police and Crime Plan performance report").click()
    page.wait_for_url("**/west-midlands/2014-11/book/report/executive-summary.html")
    assert page.inner_text("article h1").startswith("Executive summary")
    assert page.locator("table#T_milestones caption").inner_text().startswith("Milestones and deliverables")
    page.screenshot(path=str(SCREENSHOTS / "executive-summary.png"), full_page=True)


def test_navigation_follows_the_paper_and_every_page_renders(page, site):
    objectives = [o.title for o in schema.load_dir(DATA).objectives] + ["Appendix: monthly counts by financial year",
                                                                        "How the force compares"]
    page.goto(site + "/west-midlands/2014-11/book/report/executive-summary.html")
    nav = page.locator("nav.bd-docs-nav a.reference.internal")
    assert [t.strip() for t in nav.all_inner_texts()][: len(objectives)] == objectives
    for index, title in enumerate(objectives):
        page.locator("nav.bd-docs-nav a.reference.internal").nth(index).click()
        page.wait_for_load_state("load")
        assert page.inner_text("article h1").strip().startswith(title)
        for image in images_loaded(page):
            assert image["ok"] and image["alt"], f"{title}: an image did not load or has no alt text"
        for caption in page.locator("article table caption").all_inner_texts():
            assert caption.strip()
        page.screenshot(path=str(SCREENSHOTS / f"objective-{index + 1:02d}.png"), full_page=True)


def test_reduce_crime_page_shows_the_table_and_charts(page, site):
    page.goto(site + "/west-midlands/2014-11/book/report/objective-06-reduce-crime.html")
    cells = page.locator("table#T_reduce-property-crime tbody tr").first.locator("td").all_inner_texts()
    assert [c.strip() for c in cells] == ["Burglary Dwelling", "Milestone", "8,045", "7,310", "−735", "−2%",
                                          "−9.1%", "574", "On track: 574 below target"]
    images = images_loaded(page)
    assert len(images) == 10 and all(i["ok"] for i in images)
    assert page.locator(".spcb-demonstration").is_visible()
    page.get_by_role("link", name="Reduce public place violence by 5 per cent").first.click()
    assert page.url.endswith("#reduce-public-place-violence")


def test_csv_links_download_the_tables_data(page, site):
    page.goto(site + "/west-midlands/2014-11/book/report/objective-06-reduce-crime.html")
    links = page.locator("article a.download")
    assert links.count() == 4
    first = " ".join(links.first.inner_text().split())
    assert "Download the data: Strive to have our lowest ever crime levels" in first
    href = links.first.get_attribute("href")
    response = page.request.get(page.url.rsplit("/", 1)[0] + "/" + href)
    assert response.ok
    assert response.text().startswith("measure,type,last_year,this_year")


AXE = ROOT / ".venv" / "node" / "node_modules" / "axe-core" / "axe.min.js"


def test_accessibility_no_serious_or_critical_violations(page, site, built_book):
    """axe-core on every page of the site: zero violations of serious or critical impact."""
    assert AXE.exists(), f"{AXE} is missing: `make test` installs axe-core with npm"
    html = built_book / "_build" / "html"
    failures = []
    for path in sorted(html.glob("west-midlands/2014-11/book/**/*.html")) + [html / "west-midlands" / "archive.html",
                                                                            html / "index.html"]:
        page.goto(f"{site}/{path.relative_to(html).as_posix()}")
        page.add_script_tag(path=str(AXE))
        found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).slice(0, 3).join('; ')}`)""")
        failures += [f"{path.name}: {v}" for v in found]
    assert not failures, "\n".join(failures)


def test_the_period_selector_moves_between_periods(page, site):
    page.goto(site + "/west-midlands/2014-11/book/report/objective-06-reduce-crime.html")
    select = page.locator("select#spcb-period")
    assert select.locator("option").all_inner_texts() == ["November 2014", "October 2014"]
    assert select.input_value() == "2014-11"
    select.select_option("2014-10")
    page.wait_for_url("**/2014-10/book/report/objective-06-reduce-crime.html")
    assert page.inner_text("article h1").strip().startswith("Reduce crime and offending")
    assert "1 April 2014 to 31 October 2014" in page.inner_text("article")
    page.get_by_role("link", name="All periods").click()
    page.wait_for_url("**/archive.html")
    assert page.locator("main li").all_inner_texts() == ["November 2014", "October 2014"]
    page.screenshot(path=str(SCREENSHOTS / "archive.png"))


OVERFLOW = """() => {
  const sideways = document.documentElement.scrollWidth - window.innerWidth;
  const hidden = [];
  for (const table of document.querySelectorAll("article table")) {
    for (let box = table.parentElement; box && box.tagName !== "ARTICLE"; box = box.parentElement) {
      if (box.scrollWidth > box.clientWidth + 1) {
        hidden.push(`${table.id || table.querySelector("caption")?.textContent || "a table"}`);
        break;
      }
    }
  }
  return {sideways, hidden};
}"""


@pytest.mark.parametrize("width", [1024, 1366, 1920])
def test_no_page_scrolls_sideways_and_no_table_hides_a_column(page, site, built_book, width):
    page.set_viewport_size({"width": width, "height": 900})
    html = built_book / "_build" / "html"
    problems = []
    for path in sorted(html.glob("west-midlands/2014-11/book/**/*.html")):
        page.goto(f"{site}/{path.relative_to(html).as_posix()}")
        found = page.evaluate(OVERFLOW)
        if found["sideways"] > 0 or found["hidden"]:
            problems.append(f"{path.name}: {found}")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert not problems, "\n".join(problems)
