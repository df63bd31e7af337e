// Downhill: small accessibility fixes to the theme's buttons.
// The colour-mode button's icons carry titles ("Light", "Dark", ...) that screen readers
// read as its text, which then does not match its label "Color mode" (WCAG 2.5.3). The
// icons are decoration: hide them from assistive technology; the label names the button.
// Likewise the search field's label "Search" omits its visible shortcut hint "Ctrl+K".
function downhillFixIcons() {
  document.querySelectorAll(".theme-switch-button .theme-switch, .theme-switch-button svg")
    .forEach(function (el) {
      el.setAttribute("aria-hidden", "true");
      el.removeAttribute("title");
      el.querySelectorAll("title").forEach(function (t) { t.remove(); });
    });
  document.querySelectorAll(".search-button-field[aria-label]").forEach(function (el) {
    el.removeAttribute("aria-label");  // its visible text ("Search Ctrl+K") names it
  });
  // The bibliography's list has role="list" but its entries are not list items.
  document.querySelectorAll(".citation-list[role=list]").forEach(function (el) {
    el.removeAttribute("role");
  });
  // The "Show code cell source" toggles: their visible text is the better name.
  document.querySelectorAll("details.hide > summary[aria-label]").forEach(function (el) {
    el.removeAttribute("aria-label");
  });
}
document.addEventListener("DOMContentLoaded", downhillFixIcons);
window.addEventListener("load", downhillFixIcons);
