// Build-time math for the Downhill book (called by downhill_site.py; not shipped to readers).
// stdin:  {"pages": [{"fontURL": "../_static/...", "math": [{"tex": "...", "display": true}]}]}
// stdout: {"pages": [{"html": ["<mjx-container ...>", ...], "css": "..."}], "errors": [...]}
// Each page is its own MathJax document, so its stylesheet holds only the characters it uses.
// Output: MathJax's CommonHTML (as in the browser) plus hidden MathML for screen readers.
const {mathjax} = require("mathjax-full/js/mathjax.js");
const {TeX} = require("mathjax-full/js/input/tex.js");
const {CHTML} = require("mathjax-full/js/output/chtml.js");
const {liteAdaptor} = require("mathjax-full/js/adaptors/liteAdaptor.js");
const {RegisterHTMLHandler} = require("mathjax-full/js/handlers/html.js");
const {AssistiveMmlHandler} = require("mathjax-full/js/a11y/assistive-mml.js");
const {AllPackages} = require("mathjax-full/js/input/tex/AllPackages.js");

const adaptor = liteAdaptor({fontSize: 16});
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const packages = AllPackages.filter((p) => p !== "bussproofs");

let input = "";
process.stdin.on("data", (d) => { input += d; });
process.stdin.on("end", () => {
  const job = JSON.parse(input);
  const errors = [];
  const pages = job.pages.map((page, pi) => {
    const tex = new TeX({packages, formatError: (jax, err) => { throw err; }});
    const chtml = new CHTML({fontURL: page.fontURL, adaptiveCSS: true});
    const doc = mathjax.document("", {InputJax: tex, OutputJax: chtml});
    const html = page.math.map((m, mi) => {
      try {
        const node = doc.convert(m.tex, {display: m.display, em: 16, ex: 8, containerWidth: 80 * 16});
        return adaptor.outerHTML(node);
      } catch (e) {
        errors.push({page: pi, index: mi, tex: m.tex, error: String(e.message || e)});
        return null;
      }
    });
    const css = adaptor.textContent(chtml.styleSheet(doc));
    return {html, css};
  });
  process.stdout.write(JSON.stringify({pages, errors}));
});
