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

// The period selector: every built period, from periods.json at the site's root (beside the period folders).
document.addEventListener("DOMContentLoaded", async () => {
  const periodRoot = new URL(document.documentElement.dataset.content_root || "./", location.href);
  let periods;
  try {
    const response = await fetch(new URL("../periods.json", periodRoot));
    if (!response.ok) return;
    periods = await response.json();
  } catch (error) {
    return;  // opened from a file, or a single period: no selector
  }
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
});
