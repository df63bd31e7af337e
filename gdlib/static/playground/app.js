/* Downhill playground: the page around engine.js (controls, contour map, loss plot,
 * mechanism view, playback, fair race, URL state). Mounts every [data-playground]
 * element not yet mounted; needs DownhillEngine (engine.js) loaded first. */
(function () {
  "use strict";
  if (typeof document === "undefined") return;
  const E = window.DownhillEngine;
  if (!E) return;
  if (window.DownhillPlayground) { mountAll(); return; }

  const COLORS = {
    light: ["#0072B2", "#D55E00", "#007A5A", "#B4457F"],
    dark: ["#56B4E9", "#E69F00", "#3FD1A0", "#F08FC8"],
  };
  const COLOR_NAMES = ["blue", "orange", "green", "pink"];
  let uidCounter = 0;

  const h = (tag, attrs, ...kids) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") el.textContent = v;
      else if (k === "class") el.className = v;
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const kid of kids) if (kid !== null && kid !== undefined) el.append(kid);
    return el;
  };
  const fmt = (v, d) => {
    if (v === null || v === undefined || Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
    const a = Math.abs(v);
    if (a !== 0 && (a < 1e-3 || a >= 1e5)) {
      const [m, e] = v.toExponential(Math.max(0, (d || 3) - 1)).split("e");
      return (m.indexOf(".") >= 0 ? m.replace(/0+$/, "").replace(/\.$/, "") : m) + "e" + e.replace("+", "");
    }
    return String(Number(v.toPrecision(d || 3)));
  };
  const minus = (s) => s.replace(/^-/, "−").replace(/e-/, "e−");
  const pt = (p) => "(" + minus(fmt(p[0], 4)) + ", " + minus(fmt(p[1], 4)) + ")";

  function isDark() {
    const t = document.documentElement.dataset.theme;
    if (t === "dark") return true;
    if (t === "light") return false;
    const jp = document.body && document.body.dataset.jpThemeLight;
    if (jp === "false") return true;
    if (jp === "true") return false;
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  // ---------------------------------------------------------------- one playground
  function mount(root) {
    root.dataset.mounted = "true";
    const uid = "pg" + ++uidCounter;
    const urlState = root.dataset.urlState === "true";
    const base = E.parseQuery(root.dataset.query || "").state;
    let parsed = { state: base, errors: [] };
    if (urlState && window.location.search.length > 1) {
      parsed = E.parseQuery(window.location.search.slice(1), base);
    }
    let st = parsed.state;
    let runs = [], k = 0, kMax = 0, playing = false, timer = null, cursor = null, focusRun = 0;
    let bg = null, bgKey = "";

    // ---------------------------------------------------------- layout
    const mapCanvas = h("canvas", {
      class: "pg-map", id: uid + "-map", tabindex: "0", role: "img", "aria-describedby": uid + "-maphelp",
    });
    const lossCanvas = h("canvas", { class: "pg-loss", id: uid + "-loss", role: "img" });
    const mapHelp = h("p", {
      class: "pg-help", id: uid + "-maphelp",
      text: "Click or tap the map to start the runs there. With the keyboard: focus the map, " +
        "move the cross with the arrow keys (Shift for bigger moves) and press Enter.",
    });
    const cursorNote = h("p", { class: "pg-sr", "aria-live": "polite" });

    const btn = (text, act, label) => h("button", { type: "button", class: "pg-btn", "data-act": act,
      "aria-label": label || null, text });
    const backBtn = btn("◀ Step", "back", "Step back");
    const playBtn = btn("Play", "play");
    const fwdBtn = btn("Step ▶", "fwd", "Step forward");
    const kInput = h("input", { type: "range", id: uid + "-k", min: "0", max: "0", step: "1", value: "0" });
    const kOut = h("output", { for: uid + "-k", class: "pg-kout" });
    const transport = h("div", { class: "pg-transport", role: "group", "aria-label": "Playback" },
      backBtn, playBtn, fwdBtn,
      h("span", { class: "pg-kbox" }, h("label", { for: uid + "-k", text: "Step k" }), kInput, kOut));

    const field = (label, input, hint) => {
      const id = input.id;
      const err = h("span", { class: "pg-err", id: id + "-err" });
      input.setAttribute("aria-describedby", id + "-err");
      return h("div", { class: "pg-field" }, h("label", { for: id, text: label }), input,
        hint ? h("span", { class: "pg-hint", text: hint }) : null, err);
    };
    const fSelect = h("select", { id: uid + "-f" });
    for (const name of Object.keys(E.FUNCTIONS)) fSelect.append(h("option", { value: name, text: name }));
    const num = (id, extra) => h("input", Object.assign({ id, type: "text", inputmode: "decimal",
      autocomplete: "off", spellcheck: "false", size: "9" }, extra || {}));
    const x0In = num(uid + "-x0"), y0In = num(uid + "-y0");
    const stepsIn = num(uid + "-steps", { inputmode: "numeric" }), tolIn = num(uid + "-tol");
    const formula = h("p", { class: "pg-formula" });
    const setup = h("fieldset", { class: "pg-setup" }, h("legend", { text: "Landscape and start" }),
      field("function f", fSelect), formula,
      h("div", { class: "pg-row" }, field("x0", x0In), field("y0", y0In)),
      h("div", { class: "pg-row" }, field("steps", stepsIn), field("tol", tolIn, "or none")));

    const runsBox = h("div", { class: "pg-runs" });
    const addBtn = btn("Add a run", "add");
    const raceBtn = btn("Fair race", "race");
    const shareBtn = btn("Copy link", "share", urlState ? null : "Copy the setup as a query");
    const actions = h("div", { class: "pg-actions" }, addBtn, raceBtn, shareBtn);

    const status = h("div", { class: "pg-status", role: "status", "aria-live": "polite" });
    const raceNote = h("p", { class: "pg-race", "aria-live": "polite" });
    const errors = h("div", { class: "pg-errors", "aria-live": "assertive" });
    const mechSelect = h("select", { id: uid + "-mech" });
    const mechTable = h("div", { class: "pg-mechtable" });
    const mech = h("section", { class: "pg-mech", "aria-labelledby": uid + "-mechh" },
      h("h3", { id: uid + "-mechh", class: "pg-h", text: "Mechanism at step k" }),
      h("div", { class: "pg-field" }, h("label", { for: uid + "-mech", text: "run" }), mechSelect),
      mechTable,
      h("p", { class: "pg-hint", text: "On the map at the current point: dashed, the plain gradient " +
        "step −η∇f; dotted, the velocity (momentum's buffer, Adam's m̂) times −η; solid, the step " +
        "actually taken." }));
    const result = h("code", { "data-playground-result": "" });
    const resultP = h("p", { class: "pg-result" }, "First run's result (JSON): ", result);

    const plots = h("div", { class: "pg-plots" }, mapCanvas, cursorNote, mapHelp, transport,
      lossCanvas);
    const controls = h("div", { class: "pg-controls" }, setup, runsBox);
    root.append(errors, plots, status, actions, raceNote, controls, mech, resultP);

    // ---------------------------------------------------------- runs' controls
    function runFieldset(i) {
      const r = st.runs[i];
      const fs = h("fieldset", { class: "pg-run", "data-run": String(i) });
      fs.style.setProperty("--pg-run", palette()[i]);
      fs.append(h("legend", {}, h("span", { class: "pg-swatch", "aria-hidden": "true" }),
        "Run " + (i + 1) + " (" + COLOR_NAMES[i] + ")"));
      const sel = h("select", { id: uid + "-opt" + i });
      for (const [name, o] of Object.entries(E.OPTIMIZERS)) sel.append(h("option", { value: name, text: o.label }));
      sel.value = r.opt;
      sel.addEventListener("change", () => {
        const old = st.runs[i].params;
        const params = E.defaults(sel.value);
        params.lr = old.lr; // keep the rate the reader chose
        st.runs[i] = { opt: sel.value, params };
        rebuildRuns(); recompute();
        document.getElementById(uid + "-opt" + i).focus();
      });
      fs.append(field("optimizer", sel));
      const grid = h("div", { class: "pg-params" });
      for (const [name, spec] of Object.entries(E.OPTIMIZERS[r.opt].params)) {
        const id = uid + "-" + name + i;
        if (spec.kind === "bool") {
          const cb = h("input", { type: "checkbox", id });
          cb.checked = !!r.params[name];
          cb.addEventListener("change", () => { st.runs[i].params[name] = cb.checked; recompute(); });
          grid.append(h("div", { class: "pg-field pg-check" }, cb, h("label", { for: id, text: name })));
        } else {
          const inp = num(id);
          inp.value = String(r.params[name]);
          inp.title = spec.label;
          inp.addEventListener("change", () => {
            const [v, err] = E.checkValue(name, inp.value, spec.kind);
            showErr(inp, err);
            if (!err) { st.runs[i].params[name] = v; raceNote.textContent = ""; recompute(); }
          });
          grid.append(field(name, inp));
        }
      }
      fs.append(grid);
      if (st.runs.length > 1) {
        const rm = btn("Remove run " + (i + 1), "remove");
        rm.addEventListener("click", () => {
          st.runs.splice(i, 1);
          rebuildRuns(); recompute();
          addBtn.focus();
        });
        fs.append(rm);
      }
      return fs;
    }

    function rebuildRuns() {
      runsBox.replaceChildren(...st.runs.map((_, i) => runFieldset(i)));
      addBtn.disabled = st.runs.length >= E.MAX_RUNS;
      mechSelect.replaceChildren(...st.runs.map((r, i) =>
        h("option", { value: String(i), text: "Run " + (i + 1) + ": " + E.OPTIMIZERS[r.opt].label })));
      focusRun = Math.min(focusRun, st.runs.length - 1);
      mechSelect.value = String(focusRun);
    }

    function showErr(inp, err) {
      const span = document.getElementById(inp.id + "-err");
      if (span) span.textContent = err || "";
      if (err) inp.setAttribute("aria-invalid", "true"); else inp.removeAttribute("aria-invalid");
    }

    function syncSetup() {
      fSelect.value = st.f;
      x0In.value = String(st.x0); y0In.value = String(st.y0);
      stepsIn.value = String(st.steps);
      tolIn.value = st.tol == null ? "none" : String(st.tol);
      formula.textContent = E.FUNCTIONS[st.f].formula;
      for (const inp of [x0In, y0In, stepsIn, tolIn]) showErr(inp, null);
    }

    // ---------------------------------------------------------- setup events
    fSelect.addEventListener("change", () => {
      st.f = fSelect.value;
      const fn = E.FUNCTIONS[st.f];
      st.x0 = fn.start[0]; st.y0 = fn.start[1];
      raceNote.textContent = "";
      syncSetup(); recompute();
    });
    for (const [inp, key, kind] of [[x0In, "x0", "real"], [y0In, "y0", "real"], [stepsIn, "steps", "int"]]) {
      inp.addEventListener("change", () => {
        const [v, err] = E.checkValue(key, inp.value, kind);
        showErr(inp, err);
        if (!err) { st[key] = v; recompute(); }
      });
    }
    tolIn.addEventListener("change", () => {
      const raw = tolIn.value.trim();
      if (raw === "none" || raw === "") { showErr(tolIn, null); st.tol = null; recompute(); return; }
      const [v, err] = E.checkValue("tol", raw, "pos");
      showErr(tolIn, err);
      if (!err) { st.tol = v; recompute(); }
    });
    addBtn.addEventListener("click", () => {
      if (st.runs.length >= E.MAX_RUNS) return;
      const used = new Set(st.runs.map((r) => r.opt));
      const opt = Object.keys(E.OPTIMIZERS).find((o) => !used.has(o)) || "adam";
      st.runs.push({ opt, params: E.defaults(opt) });
      rebuildRuns(); recompute();
      const sel = document.getElementById(uid + "-opt" + (st.runs.length - 1));
      if (sel) sel.focus();
    });
    raceBtn.addEventListener("click", fairRace);
    shareBtn.addEventListener("click", () => {
      const q = E.toQuery(st);
      const text = urlState ? window.location.href.split("?")[0].split("#")[0] + "?" + q : q;
      const done = () => { raceNote.textContent = "Copied: " + text; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, () => { raceNote.textContent = text; });
      } else raceNote.textContent = text;
    });
    mechSelect.addEventListener("change", () => { focusRun = Number(mechSelect.value); draw(); });

    // ---------------------------------------------------------- playback
    function setK(v) {
      k = Math.max(0, Math.min(kMax, v));
      kInput.value = String(k);
      kOut.textContent = k + " / " + kMax;
      kInput.setAttribute("aria-valuetext", "step " + k + " of " + kMax);
      draw();
    }
    function stop() {
      playing = false; playBtn.textContent = "Play";
      playBtn.setAttribute("aria-pressed", "false");
      if (timer) { cancelAnimationFrame(timer); timer = null; }
    }
    function play() {
      if (k >= kMax) setK(0);
      playing = true; playBtn.textContent = "Pause";
      playBtn.setAttribute("aria-pressed", "true");
      const per = Math.max(1, Math.round(kMax / 300)); // a whole run in about 5 s
      let last = 0;
      const tick = (t) => {
        if (!playing) return;
        if (t - last > 16) {
          last = t;
          setK(k + per);
          if (k >= kMax) { stop(); return; }
        }
        timer = requestAnimationFrame(tick);
      };
      timer = requestAnimationFrame(tick);
    }
    playBtn.addEventListener("click", () => (playing ? stop() : play()));
    backBtn.addEventListener("click", () => { stop(); setK(k - 1); });
    fwdBtn.addEventListener("click", () => { stop(); setK(k + 1); });
    kInput.addEventListener("input", () => { stop(); setK(Number(kInput.value)); });

    // ---------------------------------------------------------- the map: geometry
    const PAD = { l: 46, r: 10, t: 10, b: 34 };
    const LPAD = { l: 46, r: 10, t: 20, b: 22 }; // the loss plot: its label on top
    function geom(canvas, pad) {
      pad = pad || PAD;
      const w = canvas.clientWidth, hgt = canvas.clientHeight;
      return { w, h: hgt, pw: w - pad.l - pad.r, ph: hgt - pad.t - pad.b };
    }
    function toPx(g, fn, x, y) {
      const [xa, xb] = fn.xlim, [ya, yb] = fn.ylim;
      return [PAD.l + ((x - xa) / (xb - xa)) * g.pw, PAD.t + (1 - (y - ya) / (yb - ya)) * g.ph];
    }
    function toData(g, fn, px, py) {
      const [xa, xb] = fn.xlim, [ya, yb] = fn.ylim;
      return [xa + ((px - PAD.l) / g.pw) * (xb - xa), ya + (1 - (py - PAD.t) / g.ph) * (yb - ya)];
    }
    function niceRound(v, span) {
      const q = Math.pow(10, Math.floor(Math.log10(span / 400)));
      return Number((Math.round(v / q) * q).toFixed(Math.max(0, -Math.floor(Math.log10(q)))));
    }
    function fitCanvas(canvas, aspect, maxH) {
      const w = Math.max(200, Math.floor(canvas.parentElement.clientWidth));
      const hgt = Math.min(maxH, Math.round(w * aspect));
      const dpr = window.devicePixelRatio || 1;
      canvas.style.width = w + "px"; canvas.style.height = hgt + "px";
      if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
        canvas.width = Math.round(w * dpr); canvas.height = Math.round(hgt * dpr);
      }
      const ctx = canvas.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      return ctx;
    }
    function palette() { return COLORS[isDark() ? "dark" : "light"]; }
    function themeColors() {
      const cs = getComputedStyle(root);
      const v = (n, d) => (cs.getPropertyValue(n).trim() || d);
      return isDark()
        ? { fg: v("--pg-fg", "#e6e6e6"), muted: "#9aa3ad", line: "rgba(255,255,255,0.28)",
          lo: [16, 22, 34], hi: [62, 78, 96], axis: "#c8ccd2" }
        : { fg: v("--pg-fg", "#1f1f1f"), muted: "#5a5a5a", line: "rgba(0,0,0,0.22)",
          lo: [214, 232, 247], hi: [255, 249, 234], axis: "#333" };
    }

    // ---------------------------------------------------------- the map: background
    function background(fn, g, c) {
      const key = [fn.name, g.w, g.h, isDark(), window.devicePixelRatio].join();
      if (bg && bgKey === key) return bg;
      const dpr = window.devicePixelRatio || 1;
      const nx = 150, ny = Math.max(40, Math.round((150 * g.ph) / g.pw));
      const vals = new Float64Array((nx + 1) * (ny + 1));
      for (let j = 0; j <= ny; j++) {
        for (let i = 0; i <= nx; i++) {
          const x = fn.xlim[0] + (i / nx) * (fn.xlim[1] - fn.xlim[0]);
          const y = fn.ylim[1] - (j / ny) * (fn.ylim[1] - fn.ylim[0]);
          vals[j * (nx + 1) + i] = fn.f(x, y);
        }
      }
      const sorted = Float64Array.from(vals).sort();
      const NL = 14;
      const levels = [];
      for (let q = 1; q < NL; q++) levels.push(sorted[Math.floor((q / NL) * (sorted.length - 1))]);
      const rank = (v) => { // 0..1: the quantile of v among the sampled values
        let lo = 0, hi = sorted.length - 1;
        while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m] < v) lo = m + 1; else hi = m; }
        return lo / (sorted.length - 1);
      };
      const off = document.createElement("canvas");
      off.width = Math.round(g.w * dpr); off.height = Math.round(g.h * dpr);
      const ctx = off.getContext("2d");
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      // shading: the cell colours, bilinear-smoothed by drawing a small image scaled up
      const img = new ImageData(nx + 1, ny + 1);
      for (let n = 0; n < vals.length; n++) {
        const r = Math.sqrt(rank(vals[n]));
        for (let ch = 0; ch < 3; ch++) img.data[4 * n + ch] = Math.round(c.lo[ch] + r * (c.hi[ch] - c.lo[ch]));
        img.data[4 * n + 3] = 255;
      }
      const small = document.createElement("canvas");
      small.width = nx + 1; small.height = ny + 1;
      small.getContext("2d").putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(small, PAD.l, PAD.t, g.pw, g.ph);
      // contour lines: marching squares at each level
      ctx.strokeStyle = c.line; ctx.lineWidth = 1;
      ctx.beginPath();
      const X = (i) => PAD.l + (i / nx) * g.pw, Y = (j) => PAD.t + (j / ny) * g.ph;
      for (const lev of levels) {
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const a = vals[j * (nx + 1) + i], b = vals[j * (nx + 1) + i + 1];
            const d = vals[(j + 1) * (nx + 1) + i], cc = vals[(j + 1) * (nx + 1) + i + 1];
            const pts = [];
            const edge = (v1, v2, x1, y1, x2, y2) => {
              if ((v1 < lev) !== (v2 < lev)) {
                const t = (lev - v1) / (v2 - v1);
                pts.push([x1 + t * (x2 - x1), y1 + t * (y2 - y1)]);
              }
            };
            edge(a, b, X(i), Y(j), X(i + 1), Y(j));
            edge(b, cc, X(i + 1), Y(j), X(i + 1), Y(j + 1));
            edge(d, cc, X(i), Y(j + 1), X(i + 1), Y(j + 1));
            edge(a, d, X(i), Y(j), X(i), Y(j + 1));
            for (let p = 0; p + 1 < pts.length; p += 2) {
              ctx.moveTo(pts[p][0], pts[p][1]); ctx.lineTo(pts[p + 1][0], pts[p + 1][1]);
            }
          }
        }
      }
      ctx.stroke();
      // axes
      ctx.strokeStyle = c.axis; ctx.strokeRect(PAD.l, PAD.t, g.pw, g.ph);
      ctx.fillStyle = c.fg; ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      for (const [v, p] of ticks(fn.xlim)) {
        const x = toPx(g, fn, v, fn.ylim[0])[0];
        ctx.fillText(minus(String(p)), x, PAD.t + g.ph + 4);
      }
      ctx.fillText("x", PAD.l + g.pw / 2, PAD.t + g.ph + 18);
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      for (const [v, p] of ticks(fn.ylim)) {
        const y = toPx(g, fn, fn.xlim[0], v)[1];
        ctx.fillText(minus(String(p)), PAD.l - 5, y);
      }
      ctx.save(); ctx.translate(12, PAD.t + g.ph / 2); ctx.rotate(-Math.PI / 2);
      ctx.textAlign = "center"; ctx.fillText("y", 0, 0); ctx.restore();
      // known minima (×) and maxima (+)
      ctx.strokeStyle = c.fg; ctx.lineWidth = 1.5;
      for (const m of fn.minima) { const [px, py] = toPx(g, fn, m[0], m[1]); cross(ctx, px, py, 5, true); }
      for (const m of fn.maxima) { const [px, py] = toPx(g, fn, m[0], m[1]); cross(ctx, px, py, 5, false); }
      bg = off; bgKey = key;
      return bg;
    }
    function ticks(lim) {
      const span = lim[1] - lim[0];
      const raw = span / 5, p = Math.pow(10, Math.floor(Math.log10(raw)));
      const step = [1, 2, 2.5, 5, 10].map((m) => m * p).find((s) => s >= raw);
      const out = [];
      for (let v = Math.ceil(lim[0] / step) * step; v <= lim[1] + 1e-9 * span; v += step) {
        out.push([v, Number(v.toFixed(6))]);
      }
      return out;
    }
    function cross(ctx, x, y, r, diag) {
      ctx.beginPath();
      if (diag) { ctx.moveTo(x - r, y - r); ctx.lineTo(x + r, y + r); ctx.moveTo(x + r, y - r); ctx.lineTo(x - r, y + r); }
      else { ctx.moveTo(x - r, y); ctx.lineTo(x + r, y); ctx.moveTo(x, y - r); ctx.lineTo(x, y + r); }
      ctx.stroke();
    }
    function arrow(ctx, x1, y1, x2, y2, color, dash, width) {
      const L = Math.hypot(x2 - x1, y2 - y1);
      if (!(L > 0.5) || !Number.isFinite(L)) return;
      const cl = 4000; // keep far-away arrow heads drawable
      if (L > cl) { x2 = x1 + ((x2 - x1) * cl) / L; y2 = y1 + ((y2 - y1) * cl) / L; }
      ctx.save();
      ctx.strokeStyle = color; ctx.fillStyle = color; ctx.lineWidth = width || 2;
      ctx.setLineDash(dash || []);
      ctx.beginPath(); ctx.moveTo(x1, y1); ctx.lineTo(x2, y2); ctx.stroke();
      ctx.setLineDash([]);
      const a = Math.atan2(y2 - y1, x2 - x1), s = Math.min(9, 0.5 * L + 3);
      ctx.beginPath(); ctx.moveTo(x2, y2);
      ctx.lineTo(x2 - s * Math.cos(a - 0.45), y2 - s * Math.sin(a - 0.45));
      ctx.lineTo(x2 - s * Math.cos(a + 0.45), y2 - s * Math.sin(a + 0.45));
      ctx.closePath(); ctx.fill(); ctx.restore();
    }
    const clampPx = (p) => [Math.max(-1e4, Math.min(1e4, p[0])), Math.max(-1e4, Math.min(1e4, p[1]))];

    // ---------------------------------------------------------- drawing
    function drawMap() {
      const fn = E.FUNCTIONS[st.f];
      const ctx = fitCanvas(mapCanvas, 0.72, 560);
      const g = geom(mapCanvas), c = themeColors(), pal = palette();
      ctx.clearRect(0, 0, g.w, g.h);
      ctx.drawImage(background(fn, g, c), 0, 0, g.w, g.h);
      ctx.save();
      ctx.beginPath(); ctx.rect(PAD.l, PAD.t, g.pw, g.ph); ctx.clip();
      runs.forEach((run, i) => {
        const n = Math.min(k, run.steps);
        ctx.strokeStyle = pal[i]; ctx.lineWidth = 2; ctx.lineJoin = "round";
        ctx.beginPath();
        for (let s = 0; s <= n; s++) {
          const p = run.xs[s];
          if (!Number.isFinite(p[0]) || !Number.isFinite(p[1])) break;
          const [px, py] = clampPx(toPx(g, fn, p[0], p[1]));
          if (s === 0) ctx.moveTo(px, py); else ctx.lineTo(px, py);
        }
        ctx.stroke();
        const p = run.xs[n];
        if (Number.isFinite(p[0]) && Number.isFinite(p[1])) {
          const [px, py] = clampPx(toPx(g, fn, p[0], p[1]));
          ctx.fillStyle = pal[i]; ctx.strokeStyle = isDark() ? "#000" : "#fff"; ctx.lineWidth = 1.5;
          ctx.beginPath(); ctx.arc(px, py, 5, 0, 2 * Math.PI); ctx.fill(); ctx.stroke();
        }
      });
      // start
      const [sx, sy] = toPx(g, fn, st.x0, st.y0);
      ctx.fillStyle = c.fg; ctx.fillRect(sx - 4, sy - 4, 8, 8);
      // mechanism arrows for the chosen run at step k
      const run = runs[focusRun];
      if (run && k < run.steps) {
        const x = run.xs[k], nx = run.xs[k + 1], gk = run.grads[k], m = run.mech[k];
        const lr = run.params.lr;
        const [ax, ay] = toPx(g, fn, x[0], x[1]);
        const end = (dx, dy) => toPx(g, fn, x[0] + dx, x[1] + dy);
        const [gx, gy] = end(-lr * gk[0], -lr * gk[1]);
        arrow(ctx, ax, ay, gx, gy, c.fg, [5, 4], 1.5);
        if (m && m.velocity) {
          const [vx, vy] = end(-lr * m.velocity[0], -lr * m.velocity[1]);
          arrow(ctx, ax, ay, vx, vy, c.fg, [1.5, 3], 2);
        }
        const [tx, ty] = toPx(g, fn, nx[0], nx[1]);
        arrow(ctx, ax, ay, tx, ty, pal[focusRun], null, 2.5);
      }
      // keyboard cursor
      if (cursor) {
        const [cx, cy] = toPx(g, fn, cursor[0], cursor[1]);
        ctx.strokeStyle = c.fg; ctx.lineWidth = 2; cross(ctx, cx, cy, 9, false);
        ctx.beginPath(); ctx.arc(cx, cy, 6, 0, 2 * Math.PI); ctx.stroke();
      }
      ctx.restore();
    }

    function lossScale() {
      const fn = E.FUNCTIONS[st.f];
      if (fn.minima.length) {
        const fstar = Math.min(...fn.minima.map((m) => fn.f(m[0], m[1])));
        return { shift: fstar, log: true, label: fstar === 0 ? "f (log scale)" : "f − f* (log scale; f* = " + minus(fmt(fstar)) + ")" };
      }
      const all = runs.flatMap((r) => r.losses.filter(Number.isFinite));
      if (all.length && all.every((v) => v > 0)) return { shift: 0, log: true, label: "f (log scale)" };
      return { shift: 0, log: false, label: "f (linear scale: f is not positive here)" };
    }

    function drawLoss() {
      const ctx = fitCanvas(lossCanvas, 0.36, 240);
      const g = geom(lossCanvas, LPAD), c = themeColors(), pal = palette();
      ctx.clearRect(0, 0, g.w, g.h);
      const sc = lossScale();
      const tr = (v) => (sc.log ? Math.log10(Math.max(v - sc.shift, 1e-300)) : v);
      let lo = Infinity, hi = -Infinity;
      for (const r of runs) for (const v of r.losses) {
        if (!Number.isFinite(v)) continue;
        const t = tr(v);
        if (Number.isFinite(t)) { lo = Math.min(lo, t); hi = Math.max(hi, t); }
      }
      if (!(lo <= hi)) { lo = 0; hi = 1; }
      if (sc.log) { lo = Math.max(Math.floor(lo), Math.ceil(hi) - 24); hi = Math.ceil(hi); if (hi === lo) hi = lo + 1; }
      else if (hi === lo) { hi = lo + 1; }
      const X = (s) => LPAD.l + (kMax ? s / kMax : 0) * g.pw;
      const Y = (t) => LPAD.t + (1 - (Math.max(lo, Math.min(hi, t)) - lo) / (hi - lo)) * g.ph;
      ctx.strokeStyle = c.axis; ctx.lineWidth = 1; ctx.strokeRect(LPAD.l, LPAD.t, g.pw, g.ph);
      ctx.fillStyle = c.fg; ctx.font = "12px system-ui, sans-serif";
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      const nt = sc.log ? Math.max(1, Math.ceil((hi - lo) / 4)) : 0;
      if (sc.log) {
        for (let t = lo; t <= hi; t += nt) ctx.fillText("1e" + minus(String(t)), LPAD.l - 4, Y(t));
      } else {
        for (const [v, p] of ticks([lo, hi])) ctx.fillText(minus(String(p)), LPAD.l - 4, Y(v));
      }
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      ctx.fillText("step k (0 to " + kMax + ")", LPAD.l + g.pw / 2, LPAD.t + g.ph + 4);
      ctx.textAlign = "left"; ctx.textBaseline = "bottom";
      ctx.fillText(sc.label, LPAD.l, LPAD.t - 3);
      ctx.save(); ctx.beginPath(); ctx.rect(LPAD.l, LPAD.t, g.pw, g.ph); ctx.clip();
      runs.forEach((r, i) => {
        ctx.strokeStyle = pal[i]; ctx.lineWidth = 2; ctx.beginPath();
        let started = false;
        for (let s = 0; s <= r.steps; s++) {
          const t = tr(r.losses[s]);
          if (!Number.isFinite(t)) break;
          if (!started) { ctx.moveTo(X(s), Y(t)); started = true; } else ctx.lineTo(X(s), Y(t));
        }
        ctx.stroke();
      });
      ctx.strokeStyle = c.muted; ctx.setLineDash([4, 4]);
      ctx.beginPath(); ctx.moveTo(X(k), LPAD.t); ctx.lineTo(X(k), LPAD.t + g.ph); ctx.stroke();
      ctx.restore();
      lossCanvas.setAttribute("aria-label", "Loss per step, " + sc.label + ": " + runs.map((r, i) =>
        "run " + (i + 1) + " from " + minus(fmt(r.losses[0])) + " to " + minus(fmt(r.loss)) + " in " + r.steps + " steps").join("; ") + ".");
    }

    function drawMech() {
      const run = runs[focusRun];
      if (!run) { mechTable.replaceChildren(); return; }
      const label = "Run " + (focusRun + 1) + " (" + E.OPTIMIZERS[run.opt].label + ")";
      const stopped = k >= run.steps ? h("p", { text: label + " stopped at step " + run.steps + ": " +
        run.status.replace("_", " ") + ", " + run.reason + "." }) : null;
      if (run.steps === 0) { mechTable.replaceChildren(stopped); return; }
      const kk = Math.min(k, run.steps - 1); // after the stop: its last step
      const x = run.xs[kk], nx = run.xs[kk + 1], g = run.grads[kk], m = run.mech[kk];
      const rows = [
        ["position x_k", x], ["gradient ∇f(x_k)", g],
        ["step size per coordinate", m.scale],
        ["… as a multiple of η", [m.scale[0] / run.params.lr, m.scale[1] / run.params.lr]],
      ];
      if (m.velocity) rows.push([run.opt.startsWith("adam") ? "velocity m̂ (Adam's average of g)" : "velocity (momentum buffer)", m.velocity]);
      rows.push(["step taken x_(k+1) − x_k", [nx[0] - x[0], nx[1] - x[1]]]);
      const tbl = h("table", { class: "pg-table" },
        h("caption", { text: label + ", " + (kk < k ? "its last step, " : "step ") + kk + " → " + (kk + 1) }),
        h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "quantity" }),
          h("th", { scope: "col", text: "x" }), h("th", { scope: "col", text: "y" }))));
      const tb = h("tbody");
      for (const [name, v] of rows) {
        tb.append(h("tr", {}, h("th", { scope: "row", text: name }),
          h("td", { text: minus(fmt(v[0], 4)) }), h("td", { text: minus(fmt(v[1], 4)) })));
      }
      tbl.append(tb);
      mechTable.replaceChildren(...[stopped, tbl].filter(Boolean));
    }

    function describeMap() {
      const fn = E.FUNCTIONS[st.f];
      const ext = fn.minima.length ? "; known minima at " + fn.minima.map(pt).join(", ") : "";
      mapCanvas.setAttribute("aria-label", "Contour map of " + st.f + " (" + fn.formula + "), x from " +
        minus(String(fn.xlim[0])) + " to " + fn.xlim[1] + ", y from " + minus(String(fn.ylim[0])) + " to " +
        fn.ylim[1] + ext + ". Start " + pt([st.x0, st.y0]) + ". " + runs.map((r, i) =>
        "Run " + (i + 1) + " (" + COLOR_NAMES[i] + ", " + E.OPTIMIZERS[r.opt].label + ") at step " +
        Math.min(k, r.steps) + " is at " + pt(r.xs[Math.min(k, r.steps)])).join("; ") + ".");
    }

    function draw() { drawMap(); drawLoss(); drawMech(); describeMap(); }

    // ---------------------------------------------------------- compute
    function recompute() {
      stop();
      runs = E.runState(st, true);
      kMax = Math.max(...runs.map((r) => r.steps));
      kInput.max = String(kMax);
      result.textContent = E.resultJSON(runs[0]);
      status.replaceChildren(...runs.map((r, i) => h("p", { class: "pg-line" },
        h("span", { class: "pg-swatch", "aria-hidden": "true", style: "--pg-run:" + palette()[i] }),
        "Run " + (i + 1) + ", " + E.OPTIMIZERS[r.opt].label + " with lr = " + fmt(r.params.lr) + ": " +
        r.status.replace("_", " ") + " after " + r.steps + " steps at " + pt(r.x) + ", loss " +
        minus(fmt(r.loss, 4)) + ". " + r.reason.charAt(0).toUpperCase() + r.reason.slice(1) + ".")));
      root.dataset.status = runs[0].status;
      setK(kMax);
      if (urlState) {
        try { history.replaceState(history.state, "", "?" + E.toQuery(st) + window.location.hash); } catch (e) { /* file:// */ }
      }
    }

    function fairRace() {
      stop();
      const fn = E.FUNCTIONS[st.f];
      const opts = { steps: st.steps, tol: st.tol, ftol: st.ftol, diverge_factor: st.diverge_factor };
      const won = st.runs.map((r) => {
        const best = E.tune(fn, r.opt, r.params, [st.x0, st.y0], opts);
        r.params.lr = best.lr;
        return best;
      });
      rebuildRuns(); recompute();
      const say = (b, i) => E.OPTIMIZERS[st.runs[i].opt].label + " won with lr = " + fmt(b.lr) + " (" +
        (b.run.status === "converged" ? "converged in " + b.run.steps + " steps" :
          b.run.status === "max_steps" ? "loss " + minus(fmt(b.run.loss)) + " after " + b.run.steps + " steps" :
            "every rate diverged") + ")";
      let best = 0;
      won.forEach((b, i) => { if (E.better(b.run, won[best].run)) best = i; });
      const grid = E.RACE_GRID.map((v) => fmt(v)).join(", ");
      raceNote.textContent = "Fair race: each optimizer tried the learning rates " + grid +
        " from the same start with the same " + st.steps + " steps and kept its best (converged in " +
        "the fewest steps, else the lowest final loss; diverged runs lose). " +
        won.map(say).join("; ") + ". " + (won.length > 1 ? "Best: run " + (best + 1) + ", " +
        E.OPTIMIZERS[st.runs[best].opt].label + "." : "");
      // and race them: play from the start (unless the reader asked for less motion)
      const still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      if (!still) play();
    }

    // ---------------------------------------------------------- start by click, tap or keys
    function setStart(p) {
      const fn = E.FUNCTIONS[st.f];
      st.x0 = niceRound(p[0], fn.xlim[1] - fn.xlim[0]);
      st.y0 = niceRound(p[1], fn.ylim[1] - fn.ylim[0]);
      raceNote.textContent = "";
      syncSetup(); recompute();
    }
    mapCanvas.addEventListener("click", (ev) => {
      const rect = mapCanvas.getBoundingClientRect();
      const g = geom(mapCanvas), fn = E.FUNCTIONS[st.f];
      const px = ev.clientX - rect.left, py = ev.clientY - rect.top;
      if (px < PAD.l || px > PAD.l + g.pw || py < PAD.t || py > PAD.t + g.ph) return;
      cursor = null;
      setStart(toData(g, fn, px, py));
    });
    mapCanvas.addEventListener("keydown", (ev) => {
      const fn = E.FUNCTIONS[st.f];
      const dx = (fn.xlim[1] - fn.xlim[0]) / (ev.shiftKey ? 10 : 50);
      const dy = (fn.ylim[1] - fn.ylim[0]) / (ev.shiftKey ? 10 : 50);
      const moves = { ArrowLeft: [-dx, 0], ArrowRight: [dx, 0], ArrowUp: [0, dy], ArrowDown: [0, -dy] };
      if (moves[ev.key]) {
        ev.preventDefault();
        const c = cursor || [st.x0, st.y0];
        const nxt = [
          Math.min(fn.xlim[1], Math.max(fn.xlim[0], c[0] + moves[ev.key][0])),
          Math.min(fn.ylim[1], Math.max(fn.ylim[0], c[1] + moves[ev.key][1])),
        ];
        cursor = [niceRound(nxt[0], fn.xlim[1] - fn.xlim[0]), niceRound(nxt[1], fn.ylim[1] - fn.ylim[0])];
        cursorNote.textContent = "Cross at " + pt(cursor) + ", f = " + minus(fmt(fn.f(cursor[0], cursor[1]), 4)) +
          ". Press Enter to start there.";
        drawMap();
      } else if ((ev.key === "Enter" || ev.key === " ") && cursor) {
        ev.preventDefault();
        const c = cursor; cursor = null;
        setStart(c);
        cursorNote.textContent = "Start set to " + pt(c) + ".";
      } else if (ev.key === "Escape" && cursor) {
        cursor = null; cursorNote.textContent = ""; drawMap();
      }
    });
    mapCanvas.addEventListener("blur", () => { if (cursor) { cursor = null; drawMap(); } });

    // ---------------------------------------------------------- theme and size
    const redrawAll = () => {
      bg = null;
      runsBox.querySelectorAll(".pg-run").forEach((fs, i) => fs.style.setProperty("--pg-run", palette()[i]));
      status.querySelectorAll(".pg-swatch").forEach((s, i) => s.style.setProperty("--pg-run", palette()[i]));
      draw();
    };
    const mo = new MutationObserver(redrawAll);
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    if (document.body) mo.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light"] });
    if (window.matchMedia) {
      const mq = window.matchMedia("(prefers-color-scheme: dark)");
      if (mq.addEventListener) mq.addEventListener("change", redrawAll);
    }
    let lastW = 0;
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        const w = plots.clientWidth;
        if (w !== lastW) { lastW = w; bg = null; draw(); }
      }).observe(plots);
    }

    // ---------------------------------------------------------- go
    if (parsed.errors.length) {
      errors.replaceChildren(h("p", { text: "Some settings in the link were not used: " + parsed.errors.join("; ") + "." }));
    }
    syncSetup(); rebuildRuns(); recompute();
    lastW = plots.clientWidth;
    root.dataset.ready = "true";
  }

  function mountAll() {
    document.querySelectorAll("[data-playground]:not([data-mounted])").forEach((el) => window.DownhillPlayground.mount(el));
  }
  window.DownhillPlayground = { mount };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
