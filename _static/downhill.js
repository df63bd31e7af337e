// Downhill: the site's own script. The build loads it, with the theme's scripts, in one
// file fetched after the first paint (_ext/downhill_site.py), so it may run after
// DOMContentLoaded: everything waits through downhillReady, never on the event alone.
function downhillReady(fn) {
  if (document.readyState !== "loading") fn();
  else document.addEventListener("DOMContentLoaded", fn);
}
function downhillLoaded(fn) {
  if (document.readyState === "complete") fn();
  else window.addEventListener("load", fn);
}

// Small accessibility fixes to the theme's buttons.
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
downhillReady(downhillFixIcons);
downhillLoaded(downhillFixIcons);

// Scroll boxes (code, cell outputs, wide tables) that scroll inside the page must be
// reachable by keyboard: each box that overflows becomes a tab stop, as the theme does.
// The theme does it for every box of the page at the load event, which on a long page lays
// out every section the browser had skipped (content-visibility, downhill.css): 2 s on a
// slow phone for Chapter 8. The build switches the theme's pass off (_ext/downhill_site.py)
// and this one looks only at boxes the browser has laid out anyway: at load, then each
// section as it is first rendered (scrolling, or Tab moving focus into it), each <details>
// when opened, and everything shown again after a resize. Reads first, then writes: one
// layout per pass, not one per box.
var DOWNHILL_BOXES = "pre, .cell_output > .output, .jp-RenderedHTMLCommon, " +
  ".pst-scrollable-table-container, .bd-article table";
// (a browser that cannot say when a skipped section starts rendering gets every box at once)
var downhillSkips = "oncontentvisibilityautostatechange" in window;
function downhillShown(el) {
  return !downhillSkips || !el.checkVisibility ||
    el.checkVisibility({contentVisibilityAuto: true});
}
function downhillTabStops(scope) {
  var boxes = Array.prototype.filter.call(
    (scope || document).querySelectorAll(DOWNHILL_BOXES), downhillShown);
  var over = boxes.map(function (el) {
    return el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  });
  boxes.forEach(function (el, i) {
    if (el.tagName !== "TABLE") {
      if (el.tabIndex !== (over[i] ? 0 : -1)) el.tabIndex = over[i] ? 0 : -1;
    } else if (over[i]) {
      el.setAttribute("tabindex", "0");
    } else if (el.getAttribute("tabindex") === "0") {
      el.removeAttribute("tabindex");
    }
  });
}
downhillLoaded(function () { downhillTabStops(document); });
// a class on <html> that changes the layout (downhill-full-layout switches the skipping off)
if (window.MutationObserver) {
  new MutationObserver(function () { downhillTabStops(document); })
    .observe(document.documentElement, {attributes: true, attributeFilter: ["class"]});
}
document.addEventListener("contentvisibilityautostatechange", function (e) {
  if (!e.skipped) downhillTabStops(e.target);
}, true);
document.addEventListener("toggle", function (e) {
  if (e.target.open) downhillTabStops(e.target);
}, true);
var downhillResize = null;
window.addEventListener("resize", function () {
  clearTimeout(downhillResize);
  downhillResize = setTimeout(function () { downhillTabStops(document); }, 300);
});

// Interactive figures: their frames are image files (moved out of the page at build time,
// _ext/downhill_site.py). A slider's frames are fetched when it is first touched, focused
// or hovered, so the first visit downloads only the figure shown.
function downhillWarmFrames(root) {
  if (root.dataset.warm) return;
  root.dataset.warm = "1";
  var data = root.querySelector("script.gdx-data");
  if (!data) return;
  var d = JSON.parse(data.textContent);
  var dark = document.documentElement.dataset.theme === "dark" && d.frames_dark;
  ((dark ? d.frames_dark : d.frames) || []).forEach(function (src) {
    if (typeof src === "string" && src.indexOf("data:") !== 0) {
      var im = new Image();
      im.decoding = "async";
      im.src = src;
    }
  });
}
["pointerover", "focusin", "touchstart"].forEach(function (type) {
  document.addEventListener(type, function (e) {
    var root = e.target && e.target.closest && e.target.closest("div.gdx");
    if (root) downhillWarmFrames(root);
  }, {passive: true});
});

// Paper: a printout needs every figure, so lazy images load at once when printing starts
// (the browser's print, and scripts/make_pdf.py's print media emulation).
function downhillLoadAllImages() {
  document.querySelectorAll("img[loading=lazy]").forEach(function (im) {
    im.loading = "eager";
  });
}
window.addEventListener("beforeprint", downhillLoadAllImages);
if (window.matchMedia) {
  var downhillPrint = window.matchMedia("print");
  if (downhillPrint.matches) downhillLoadAllImages();
  if (downhillPrint.addEventListener) {
    downhillPrint.addEventListener("change", function (e) { if (e.matches) downhillLoadAllImages(); });
  }
}

// Dark mode: an interactive figure rendered for both modes has a second image (img.gd-dark,
// made at build time from gdlib's data-src-dark and the JSON's frames_dark). The explorer's
// own script moves the light image; this keeps the dark one on the same frame.
function downhillDarkExplorers() {
  document.querySelectorAll("div.gdx").forEach(function (root) {
    var dark = root.querySelector("img.gd-dark");
    var data = root.querySelector("script.gdx-data");
    if (!dark || !data || root.dataset.darkReady) return;
    root.dataset.darkReady = "1";
    var d = JSON.parse(data.textContent);
    if (!d.frames_dark) return;
    var ins = root.querySelectorAll("input[type=range]");
    d.frames_dark[+dark.dataset.frame] = d.frames_dark[+dark.dataset.frame] ||
      dark.getAttribute("src");
    function upd() {
      var k = 0;
      for (var i = 0; i < ins.length; i++) k = k * d.shape[i] + Number(ins[i].value);
      if (d.frames_dark[k]) dark.src = d.frames_dark[k];
      dark.alt = d.alts[k];
      dark.dataset.frame = k;
    }
    ins.forEach(function (el) { el.addEventListener("input", upd); });
    upd();  // a slider moved before this script arrived
  });
}
downhillReady(downhillDarkExplorers);

// Phone width: the article header's sidebar buttons. pydata-sphinx-theme 0.17 opens its sidebar
// dialogs only from the first .primary-toggle / .secondary-toggle of the page, hidden ones in
// its own header, so the visible buttons did nothing (its issue 2451): they pass the click on.
downhillReady(function () {
  ["primary", "secondary"].forEach(function (side) {
    var first = document.querySelector("." + side + "-toggle");
    document.querySelectorAll("." + side + "-toggle").forEach(function (b) {
      if (b === first) return;
      b.addEventListener("click", function (e) {
        if (window.matchMedia("(min-width: 992px)").matches) return;
        e.preventDefault();
        e.stopPropagation();
        first.click();
      });
    });
  });
});
