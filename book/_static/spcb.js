// Label in name (WCAG 2.5.3): where a control's aria-label leaves out its visible text, put that text first,
// so that people who speak the visible label to voice control can reach it.
document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll("[aria-label]")) {
    const visible = element.textContent.replace(/\s+/g, " ").trim();
    const label = element.getAttribute("aria-label");
    if (visible && !label.toLowerCase().includes(visible.toLowerCase())) {
      element.setAttribute("aria-label", visible.toLowerCase().includes(label.toLowerCase()) ? visible : `${visible} (${label})`);
    }
  }
});

// The period selector: every built period, from periods.js beside the period folders, loaded as a script rather
// than fetched, so that it also works on a site opened from disk (file://). Without it, no selector.
document.addEventListener("DOMContentLoaded", () => {
  const periodRoot = new URL(document.documentElement.dataset.content_root || "./", location.href);
  const list = document.createElement("script");
  list.src = new URL("../periods.js", periodRoot).href;
  list.addEventListener("load", () => periodSelector(periodRoot, window.spcbPeriods));
  document.head.append(list);
});

function periodSelector(periodRoot, periods) {
  const current = periodRoot.pathname.split("/").filter(Boolean).pop();
  const rest = location.href.slice(periodRoot.href.length);
  const nav = document.createElement("nav");
  nav.className = "spcb-periods";
  nav.setAttribute("aria-label", "Reporting period");
  const label = document.createElement("label");
  label.htmlFor = "spcb-period";
  label.textContent = "Reporting period";
  const select = document.createElement("select");
  select.id = "spcb-period";
  for (const period of [...periods].reverse()) {
    const option = new Option(new Date(`${period}-01T00:00:00Z`).toLocaleDateString("en-GB",
      {month: "long", year: "numeric", timeZone: "UTC"}), period, false, period === current);
    select.add(option);
  }
  select.addEventListener("change", () => { location.href = new URL(`../${select.value}/${rest}`, periodRoot).href; });
  const all = document.createElement("a");
  all.href = new URL("../archive.html", periodRoot).href;
  all.textContent = "All periods";
  nav.append(label, select, all);
  const place = document.querySelector(".bd-sidebar-primary .sidebar-primary-items__start") || document.body;
  place.prepend(nav);
}
