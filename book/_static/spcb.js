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
