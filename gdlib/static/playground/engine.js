/* Downhill playground engine: gdlib's test functions, optimizers and descend, in JavaScript.
 *
 * A port, operation for operation, of gdlib/functions.py (and gdlib.pitfalls' cliff and
 * bounded_saddle), gdlib/optimizers.py (PyTorch's update rules) and gdlib.descend's stop
 * rules, so that the page computes what gdlib computes. tests/test_playground.py runs this
 * file in node next to gdlib on a table of cases and compares every iterate (relative 1e-9).
 * No DOM here: the same file runs in node, in the book page and in a notebook output.
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else if (!root.DownhillEngine) root.DownhillEngine = factory();
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  const sq = (a) => a * a; // numpy's x**2 is exactly x * x

  // x**n for a whole n >= 0, correctly rounded. gdlib's x**3, y**5 and Adam's beta**t call
  // C's pow(), which is correctly rounded (almost always); Math.pow may be 1 ulp off, and
  // Adam with a large rate amplifies that. So: exponentiation by squaring in double-double
  // arithmetic (Dekker's products, ~100 bits), rounded once at the end.
  const SPLIT = 134217729; // 2^27 + 1
  function ddMul(ah, al, bh, bl) {
    const p = ah * bh;
    let c = SPLIT * ah; const a1 = c - (c - ah), a2 = ah - a1;
    c = SPLIT * bh; const b1 = c - (c - bh), b2 = bh - b1;
    const e = ((a1 * b1 - p) + a1 * b2 + a2 * b1) + a2 * b2 + (ah * bl + al * bh);
    const s = p + e;
    return [s, e - (s - p)];
  }
  function pow(x, n) {
    const ax = Math.abs(x);
    if (!(ax > 1e-140 && ax < 1e140) || n > 1e6) return Math.pow(x, n);
    let rh = 1, rl = 0, bh = x, bl = 0, m = n;
    while (m > 0) {
      if (m & 1) [rh, rl] = ddMul(rh, rl, bh, bl);
      m = Math.floor(m / 2);
      if (m > 0) [bh, bl] = ddMul(bh, bl, bh, bl);
      if (!(Math.abs(bh) > 1e-280 && Math.abs(bh) < 1e280)) return Math.pow(x, n);
    }
    return Number.isFinite(rh) && Math.abs(rh) > 1e-280 ? rh : Math.pow(x, n);
  }

  // ------------------------------------------------------------------ test functions
  // Each: f(x, y), grad(x, y) -> [gx, gy], the window, known minima/maxima, a default
  // start inside the window. Expressions keep gdlib's order of operations.
  const FUNCTIONS = {
    bowl: {
      formula: "f(x, y) = x² + 2y²",
      f: (x, y) => sq(x) + 2 * sq(y),
      grad: (x, y) => [2 * x, 4 * y],
      xlim: [-5, 5], ylim: [-5, 5], minima: [[0, 0]], maxima: [], start: [-4, 3],
    },
    elongated_bowl: {
      formula: "f(x, y) = ½(x² + 25y²)",
      f: (x, y) => 0.5 * (sq(x) + 25 * sq(y)),
      grad: (x, y) => [x, 25 * y],
      xlim: [-6, 6], ylim: [-3, 3], minima: [[0, 0]], maxima: [], start: [-5, 2],
    },
    hill: {
      formula: "h(x, y) = 100 − x² − 2y² (a hill: descent runs away)",
      f: (x, y) => 100 - sq(x) - 2 * sq(y),
      grad: (x, y) => [-2 * x, -4 * y],
      xlim: [-5, 5], ylim: [-5, 5], minima: [], maxima: [[0, 0]], start: [1, 0.5],
    },
    saddle: {
      formula: "f(x, y) = x² − y²",
      f: (x, y) => sq(x) - sq(y),
      grad: (x, y) => [2 * x, -2 * y],
      xlim: [-2, 2], ylim: [-2, 2], minima: [], maxima: [], start: [-1.8, 0.05],
    },
    bounded_saddle: {
      formula: "f(x, y) = x² − y² + ½y⁴",
      f: (x, y) => sq(x) - sq(y) + 0.5 * pow(y, 4),
      grad: (x, y) => [2 * x, -2 * y + 2 * pow(y, 3)],
      xlim: [-1.5, 1.5], ylim: [-1.5, 1.5], minima: [[0, -1], [0, 1]], maxima: [],
      start: [-1.4, 0.02],
    },
    mixed_poly: {
      formula: "f(x, y) = 3x² + 8xy − 3y⁵",
      f: (x, y) => 3 * sq(x) + 8 * x * y - 3 * pow(y, 5),
      grad: (x, y) => [6 * x + 8 * y, 8 * x - 15 * pow(y, 4)],
      xlim: [-2, 2], ylim: [-1.5, 1.5], minima: [], maxima: [], start: [1, -1],
    },
    cookie: {
      formula: "Q(T, t) = −0.01T² − 0.5t² + 3T + 10t (a maximum: descent runs away)",
      f: (x, y) => -0.01 * sq(x) - 0.5 * sq(y) + 3 * x + 10 * y,
      grad: (x, y) => [-0.02 * x + 3, -y + 10],
      xlim: [100, 200], ylim: [0, 20], minima: [], maxima: [[150, 10]], start: [160, 12],
    },
    rosenbrock: {
      formula: "f(x, y) = (1 − x)² + 100(y − x²)²",
      f: (x, y) => sq(1 - x) + 100 * sq(y - sq(x)),
      grad: (x, y) => [-2 * (1 - x) - 400 * x * (y - sq(x)), 200 * (y - sq(x))],
      xlim: [-2, 2], ylim: [-1, 3], minima: [[1, 1]], maxima: [], start: [-1.5, 2.5],
    },
    himmelblau: {
      formula: "f(x, y) = (x² + y − 11)² + (x + y² − 7)²",
      f: (x, y) => sq(sq(x) + y - 11) + sq(x + sq(y) - 7),
      grad: (x, y) => {
        const a = sq(x) + y - 11, b = x + sq(y) - 7;
        return [4 * x * a + 2 * b, 2 * a + 4 * y * b];
      },
      xlim: [-5, 5], ylim: [-5, 5],
      minima: [[3, 2], [-2.805118, 3.131313], [-3.77931, -3.283186], [3.584428, -1.848127]],
      maxima: [], start: [-0.5, 0.5],
    },
    bumps: {
      formula: "f(x, y) = three Gaussian bumps (two hills and one pit)",
      f: (x, y) =>
        3 * Math.exp(-sq(x - 1) - sq(y - 1)) -
        2 * Math.exp(-sq(x + 1.5) - sq(y + 0.5) / 0.5) +
        1.5 * Math.exp(-sq(x + 1) / 0.6 - sq(y - 1.5)),
      grad: (x, y) => {
        const a = 3 * Math.exp(-sq(x - 1) - sq(y - 1));
        const b = -2 * Math.exp(-sq(x + 1.5) - sq(y + 0.5) / 0.5);
        const c = 1.5 * Math.exp(-sq(x + 1) / 0.6 - sq(y - 1.5));
        return [
          a * (-2 * (x - 1)) + b * (-2 * (x + 1.5)) + c * ((-2 * (x + 1)) / 0.6),
          a * (-2 * (y - 1)) + b * ((-2 * (y + 0.5)) / 0.5) + c * (-2 * (y - 1.5)),
        ];
      },
      xlim: [-3.5, 3.5], ylim: [-3, 3.5], minima: [], maxima: [], start: [0.2, 0.0],
    },
    cliff: {
      formula: "f(x, y) = 0.1(x − 1)² + 0.25y² + 5(1 − S(5x + 1)), S the smootherstep",
      f: (x, y) => {
        const t = Math.min(Math.max((x + 0.2) / 0.2, 0.0), 1.0);
        const s = pow(t, 3) * (10 - 15 * t + 6 * sq(t));
        return 0.1 * sq(x - 1) + 0.25 * sq(y) + 5 * (1 - s);
      },
      grad: (x, y) => {
        const t = Math.min(Math.max((x + 0.2) / 0.2, 0.0), 1.0);
        const ds = 30 * sq(t) * sq(1 - t);
        return [2 * 0.1 * (x - 1) - (5 * ds) / 0.2, 2 * 0.25 * y];
      },
      xlim: [-5, 5], ylim: [-3, 3], minima: [[1, 0]], maxima: [], start: [-4, 2],
    },
  };
  for (const [name, fn] of Object.entries(FUNCTIONS)) fn.name = name;

  // ------------------------------------------------------------------ optimizers
  // Parameter specs: gdlib's defaults and checks. kind: "pos" (> 0), "nonneg" (>= 0),
  // "unit" ([0, 1)), "closed" ([0, 1]), "bool". The page's lr default for GD (which has
  // none in gdlib) is 0.01.
  const P = (def, kind, label) => ({ def, kind, label });
  const OPTIMIZERS = {
    gd: { cls: "GD", label: "GD", params: { lr: P(0.01, "pos", "learning rate η") } },
    momentum: {
      cls: "Momentum", label: "Momentum",
      params: {
        lr: P(1e-3, "pos", "learning rate η"), momentum: P(0.9, "nonneg", "momentum β"),
        dampening: P(0, "closed", "dampening τ"), weight_decay: P(0, "nonneg", "weight decay ω"),
      },
    },
    nesterov: {
      cls: "Nesterov", label: "Nesterov",
      params: {
        lr: P(1e-3, "pos", "learning rate η"), momentum: P(0.9, "pos", "momentum β"),
        weight_decay: P(0, "nonneg", "weight decay ω"),
      },
    },
    adagrad: {
      cls: "AdaGrad", label: "AdaGrad",
      params: {
        lr: P(1e-2, "pos", "learning rate η"), lr_decay: P(0, "nonneg", "lr decay"),
        weight_decay: P(0, "nonneg", "weight decay ω"),
        initial_accumulator_value: P(0, "nonneg", "initial accumulator G₀"),
        eps: P(1e-10, "nonneg", "ε"),
      },
    },
    rmsprop: {
      cls: "RMSprop", label: "RMSprop",
      params: {
        lr: P(1e-2, "pos", "learning rate η"), alpha: P(0.99, "unit", "smoothing α"),
        eps: P(1e-8, "nonneg", "ε"), weight_decay: P(0, "nonneg", "weight decay ω"),
        momentum: P(0, "nonneg", "momentum β"), centered: P(false, "bool", "centered"),
      },
    },
    adam: {
      cls: "Adam", label: "Adam",
      params: {
        lr: P(1e-3, "pos", "learning rate η"), beta1: P(0.9, "unit", "β₁"),
        beta2: P(0.999, "unit", "β₂"), eps: P(1e-8, "nonneg", "ε"),
        weight_decay: P(0, "nonneg", "weight decay ω"), amsgrad: P(false, "bool", "AMSGrad"),
      },
    },
    adamw: {
      cls: "AdamW", label: "AdamW",
      params: {
        lr: P(1e-3, "pos", "learning rate η"), beta1: P(0.9, "unit", "β₁"),
        beta2: P(0.999, "unit", "β₂"), eps: P(1e-8, "nonneg", "ε"),
        weight_decay: P(1e-2, "nonneg", "weight decay ω"), amsgrad: P(false, "bool", "AMSGrad"),
      },
    },
  };

  function defaults(opt) {
    const out = {};
    for (const [k, s] of Object.entries(OPTIMIZERS[opt].params)) out[k] = s.def;
    return out;
  }

  /** A stateful optimizer: reset() before a run, step(x, g) -> next x (t counts steps). */
  function makeOptimizer(opt, params) {
    const p = Object.assign(defaults(opt), params || {});
    const lr = p.lr;
    let t = 0, a0, a1, b0, b1, c0, c1; // state: 2 coordinates of up to 3 slots
    const o = { opt, params: p, info: null };
    if (opt === "gd") {
      o.reset = () => { t = 0; };
      o.step = (x, g) => {
        t += 1;
        o.info = { scale: [lr, lr], velocity: null };
        return [x[0] - lr * g[0], x[1] - lr * g[1]];
      };
    } else if (opt === "momentum" || opt === "nesterov") {
      const mu = p.momentum, wd = p.weight_decay;
      const damp = opt === "nesterov" ? 0 : p.dampening, nest = opt === "nesterov";
      o.reset = () => { t = 0; a0 = 0; a1 = 0; };
      o.step = (x, g) => {
        t += 1;
        let g0 = g[0], g1 = g[1];
        if (wd !== 0) { g0 = g0 + wd * x[0]; g1 = g1 + wd * x[1]; }
        let d0 = g0, d1 = g1;
        if (mu !== 0) {
          if (t === 1) { a0 = g0; a1 = g1; }
          else { a0 = mu * a0 + (1 - damp) * g0; a1 = mu * a1 + (1 - damp) * g1; }
          if (nest) { d0 = g0 + mu * a0; d1 = g1 + mu * a1; } else { d0 = a0; d1 = a1; }
        }
        o.info = { scale: [lr, lr], velocity: mu !== 0 ? [a0, a1] : null };
        return [x[0] - lr * d0, x[1] - lr * d1];
      };
    } else if (opt === "adagrad") {
      const wd = p.weight_decay, eps = p.eps, decay = p.lr_decay, g0init = p.initial_accumulator_value;
      o.reset = () => { t = 0; a0 = g0init; a1 = g0init; };
      o.step = (x, g) => {
        t += 1;
        const clr = lr / (1 + (t - 1) * decay);
        let g0 = g[0], g1 = g[1];
        if (wd !== 0) { g0 = g0 + wd * x[0]; g1 = g1 + wd * x[1]; }
        a0 = a0 + g0 * g0; a1 = a1 + g1 * g1;
        const r0 = Math.sqrt(a0) + eps, r1 = Math.sqrt(a1) + eps;
        o.info = { scale: [clr / r0, clr / r1], velocity: null };
        return [x[0] - (clr * g0) / r0, x[1] - (clr * g1) / r1];
      };
    } else if (opt === "rmsprop") {
      const al = p.alpha, eps = p.eps, wd = p.weight_decay, mu = p.momentum, cen = p.centered;
      o.reset = () => { t = 0; a0 = a1 = b0 = b1 = c0 = c1 = 0; };
      o.step = (x, g) => {
        t += 1;
        let g0 = g[0], g1 = g[1];
        if (wd !== 0) { g0 = g0 + wd * x[0]; g1 = g1 + wd * x[1]; }
        a0 = al * a0 + (1 - al) * g0 * g0; a1 = al * a1 + (1 - al) * g1 * g1;
        let v0 = a0, v1 = a1;
        if (cen) {
          b0 = al * b0 + (1 - al) * g0; b1 = al * b1 + (1 - al) * g1;
          v0 = v0 - b0 * b0; v1 = v1 - b1 * b1;
        }
        const r0 = Math.sqrt(v0) + eps, r1 = Math.sqrt(v1) + eps;
        let d0 = g0 / r0, d1 = g1 / r1;
        if (mu > 0) { c0 = mu * c0 + d0; c1 = mu * c1 + d1; d0 = c0; d1 = c1; }
        o.info = { scale: [lr / r0, lr / r1], velocity: mu > 0 ? [c0, c1] : null };
        return [x[0] - lr * d0, x[1] - lr * d1];
      };
    } else if (opt === "adam" || opt === "adamw") {
      const be1 = p.beta1, be2 = p.beta2, eps = p.eps, wd = p.weight_decay, ams = p.amsgrad;
      const decoupled = opt === "adamw";
      o.reset = () => { t = 0; a0 = a1 = b0 = b1 = c0 = c1 = 0; };
      o.step = (xin, g) => {
        t += 1;
        let x0 = xin[0], x1 = xin[1], g0 = g[0], g1 = g[1];
        if (wd !== 0) {
          if (decoupled) { x0 = x0 - lr * wd * x0; x1 = x1 - lr * wd * x1; }
          else { g0 = g0 + wd * x0; g1 = g1 + wd * x1; }
        }
        a0 = be1 * a0 + (1 - be1) * g0; a1 = be1 * a1 + (1 - be1) * g1;
        b0 = be2 * b0 + (1 - be2) * g0 * g0; b1 = be2 * b1 + (1 - be2) * g1 * g1;
        const c1m = 1 - pow(be1, t), c2m = 1 - pow(be2, t);
        const m0 = a0 / c1m, m1 = a1 / c1m;
        let v0, v1;
        if (ams) {
          c0 = Math.max(c0, b0); c1 = Math.max(c1, b1);
          v0 = c0 / c2m; v1 = c1 / c2m;
        } else { v0 = b0 / c2m; v1 = b1 / c2m; }
        const r0 = Math.sqrt(v0) + eps, r1 = Math.sqrt(v1) + eps;
        o.info = { scale: [lr / r0, lr / r1], velocity: [m0, m1] };
        return [x0 - (lr * m0) / r0, x1 - (lr * m1) / r1];
      };
    } else {
      throw new Error("unknown optimizer " + opt);
    }
    return o;
  }

  // ------------------------------------------------------------------ descend
  /** Python's format(v, ".3g"), for reasons that read exactly like gdlib's. */
  function fmtG(v, p) {
    p = p || 3;
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (v === 0) return Object.is(v, -0) ? "-0" : "0";
    const strip = (s) => (s.indexOf(".") >= 0 ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
    const parts = v.toExponential(p - 1).split("e");
    const ex = Number(parts[1]);
    if (ex >= -4 && ex < p) return strip(v.toFixed(p - 1 - ex));
    return strip(parts[0]) + "e" + (ex < 0 ? "-" : "+") + String(Math.abs(ex)).padStart(2, "0");
  }

  const norm2 = (a, b) => Math.sqrt(a * a + b * b); // gdlib: sqrt(sum of squares)

  /**
   * gdlib.descend, step by step. opts: steps (int >= 0), tol, ftol (null or > 0),
   * diverge_factor (default 1e6), record (keep the optimizers' mechanism per step).
   * Returns {xs, grads, losses, status, reason, steps, x, loss, mech}.
   */
  function descend(fn, opt, params, start, opts) {
    const steps = opts.steps, tol = opts.tol == null ? null : opts.tol;
    const ftol = opts.ftol == null ? null : opts.ftol;
    const factor = opts.diverge_factor == null ? 1e6 : opts.diverge_factor;
    const o = makeOptimizer(opt, params);
    o.reset();
    let x = [start[0], start[1]];
    const limit = factor * (1.0 + norm2(x[0], x[1]));
    const xs = [x], grads = [], losses = [], mech = opts.record ? [] : null;
    let status, reason;
    for (let k = 0; ; k++) {
      const g = fn.grad(x[0], x[1]);
      const L = fn.f(x[0], x[1]);
      const xn = norm2(x[0], x[1]), gn = norm2(g[0], g[1]);
      if (k > 0 && !(xn <= limit)) {
        status = "diverged";
        const lrNote = opt === "gd" ? " with lr = " + fmtG(o.params.lr) : "";
        reason = "the iterates ran away" + lrNote + ": |x| = " + fmtG(xn) + " exceeded " +
          fmtG(limit) + " at step " + k;
        grads.push([NaN, NaN]);
        losses.push(Number.isFinite(x[0]) && Number.isFinite(x[1]) ? L : NaN);
        break;
      }
      grads.push(g);
      losses.push(L);
      if (!Number.isFinite(gn)) {
        status = "diverged"; reason = "the gradient became non-finite at step " + k; break;
      }
      if (!Number.isFinite(L)) {
        status = "diverged"; reason = "the loss became non-finite at step " + k; break;
      }
      if (tol !== null && gn < tol) {
        status = "converged";
        reason = "|gradient| = " + fmtG(gn) + " fell below tol = " + fmtG(tol) + " at step " + k;
        break;
      }
      if (ftol !== null && k > 0) {
        const change = Math.abs(L - losses[k - 1]);
        if (change < ftol) {
          status = "converged";
          reason = "the loss changed by " + fmtG(change) + " < ftol = " + fmtG(ftol) +
            " at step " + k;
          break;
        }
      }
      if (k === steps) {
        status = "max_steps";
        reason = "took all " + steps + " steps" + (tol !== null ? "; |gradient| is still " + fmtG(gn) : "");
        break;
      }
      x = o.step(x, g);
      if (mech) mech.push(o.info);
      xs.push(x);
    }
    const n = xs.length - 1;
    return {
      xs, grads, losses, status, reason, steps: n, x: xs[n], loss: losses[n], mech,
      opt, params: o.params,
    };
  }

  /** The result JSON of the page: {"x": [x, y], "loss": f, "steps": n, "status": ...}. */
  function resultJSON(run) {
    const num = (v) => (Number.isFinite(v) ? v : null);
    return JSON.stringify({
      x: [num(run.x[0]), num(run.x[1])], loss: num(run.loss), steps: run.steps, status: run.status,
    });
  }

  // ------------------------------------------------------------------ fair race
  const RACE_GRID = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3, 1, 3];

  /** Sort key of a run in a race: converged first (fewer steps better), then the lowest
   * final loss among the runs that did not diverge; diverged runs lose. */
  function better(a, b) {
    const rank = (r) => (r.status === "converged" ? 0 : r.status === "max_steps" ? 1 : 2);
    if (rank(a) !== rank(b)) return rank(a) < rank(b);
    if (rank(a) === 0 && a.steps !== b.steps) return a.steps < b.steps;
    if (rank(a) <= 1 && a.loss !== b.loss) return a.loss < b.loss;
    return false;
  }

  /** Each run's best learning rate on RACE_GRID (its other hyperparameters kept). */
  function tune(fn, opt, params, start, opts, grid) {
    let best = null;
    for (const lr of grid || RACE_GRID) {
      const run = descend(fn, opt, Object.assign({}, params, { lr }), start, opts);
      if (best === null || better(run, best.run)) best = { lr, run };
    }
    return best;
  }

  // ------------------------------------------------------------------ state and URL
  const STEPS_MAX = 20000;
  const MAX_RUNS = 4;

  function defaultState() {
    return {
      f: "rosenbrock", x0: -1.5, y0: 2.5, steps: 2000, tol: 1e-6, ftol: null,
      diverge_factor: 1e6,
      runs: [
        { opt: "gd", params: Object.assign(defaults("gd"), { lr: 0.001 }) },
        { opt: "momentum", params: Object.assign(defaults("momentum"), { lr: 0.001 }) },
        { opt: "adam", params: Object.assign(defaults("adam"), { lr: 0.05 }) },
      ],
    };
  }

  /** Check one value against a kind; returns [value, error message or null]. */
  function checkValue(name, raw, kind) {
    if (kind === "bool") {
      if (raw === true || raw === "true" || raw === "1") return [true, null];
      if (raw === false || raw === "false" || raw === "0") return [false, null];
      return [null, name + " must be true or false, got " + JSON.stringify(raw)];
    }
    const v = typeof raw === "number" ? raw : raw.trim() === "" ? NaN : Number(raw);
    if (!Number.isFinite(v)) return [null, name + " must be a finite number, got " + JSON.stringify(raw)];
    if (kind === "pos" && !(v > 0)) return [null, name + " must be > 0, got " + raw];
    if (kind === "nonneg" && !(v >= 0)) return [null, name + " must be >= 0, got " + raw];
    if (kind === "unit" && !(v >= 0 && v < 1)) return [null, name + " must lie in [0, 1), got " + raw];
    if (kind === "closed" && !(v >= 0 && v <= 1)) return [null, name + " must lie in [0, 1], got " + raw];
    if (kind === "int" && !(Number.isInteger(v) && v >= 0 && v <= STEPS_MAX)) {
      return [null, name + " must be a whole number from 0 to " + STEPS_MAX + ", got " + raw];
    }
    return [v, null];
  }

  const suffix = (i) => (i === 0 ? "" : "." + (i + 1));

  /** Parse a query string (or URLSearchParams) into a state; errors name the key. Keys
   * are gdlib's names: f, x0, y0, steps, tol, ftol, diverge_factor, and per run opt and
   * the constructor's arguments (betas as beta1, beta2); run 2..4 add ".2".."4". */
  function parseQuery(query, base) {
    const q = typeof query === "string" ? new URLSearchParams(query) : query;
    const st = base ? JSON.parse(JSON.stringify(base)) : defaultState();
    const errors = [];
    const known = new Set(["f", "x0", "y0", "steps", "tol", "ftol", "diverge_factor"]);
    if (q.has("f")) {
      const f = q.get("f");
      if (Object.prototype.hasOwnProperty.call(FUNCTIONS, f)) {
        st.f = f;
        if (!q.has("x0") && !q.has("y0")) { st.x0 = FUNCTIONS[f].start[0]; st.y0 = FUNCTIONS[f].start[1]; }
      } else errors.push("f must be one of " + Object.keys(FUNCTIONS).join(", ") + ", got " + JSON.stringify(f));
    }
    for (const [key, kind] of [["x0", "real"], ["y0", "real"], ["steps", "int"], ["diverge_factor", "pos"]]) {
      if (!q.has(key)) continue;
      const [v, err] = checkValue(key, q.get(key), kind);
      if (err) errors.push(err); else st[key] = v;
    }
    for (const key of ["tol", "ftol"]) {
      if (!q.has(key)) continue;
      const raw = q.get(key);
      if (raw === "none" || raw === "") { st[key] = null; continue; }
      const [v, err] = checkValue(key, raw, "pos");
      if (err) errors.push(err); else st[key] = v;
    }
    // runs: given by opt, opt.2, ..., opt.4; without any opt key, the keys change the
    // base state's runs in place
    const PARAM = /^(lr|momentum|dampening|weight_decay|lr_decay|initial_accumulator_value|eps|alpha|centered|beta1|beta2|amsgrad)(\.[2-4])?$/;
    const anyOpt = [...Array(MAX_RUNS).keys()].some((i) => q.has("opt" + suffix(i)));
    const runs = [];
    for (let i = 0; i < MAX_RUNS; i++) {
      const s = suffix(i);
      known.add("opt" + s);
      let opt, params;
      if (anyOpt) {
        if (!q.has("opt" + s)) continue;
        opt = q.get("opt" + s).toLowerCase();
        if (!OPTIMIZERS[opt]) {
          errors.push("opt" + s + " must be one of " + Object.keys(OPTIMIZERS).join(", ") +
            ", got " + JSON.stringify(q.get("opt" + s)));
          continue;
        }
        params = defaults(opt);
      } else {
        if (i >= st.runs.length) continue;
        opt = st.runs[i].opt;
        params = Object.assign(defaults(opt), st.runs[i].params);
      }
      for (const [name, spec] of Object.entries(OPTIMIZERS[opt].params)) {
        known.add(name + s);
        if (!q.has(name + s)) continue;
        const [v, err] = checkValue(name + s, q.get(name + s), spec.kind);
        if (err) errors.push(err + " (using " + params[name] + ")"); else params[name] = v;
      }
      runs.push({ opt, params });
    }
    if (runs.length) st.runs = runs;
    for (const key of q.keys()) {
      if (known.has(key)) continue;
      if (PARAM.test(key)) errors.push(key + " is not an argument of that run's optimizer (ignored)");
      else errors.push("unknown query key " + JSON.stringify(key) + " (ignored)");
    }
    return { state: st, errors };
  }

  /** The query string of a state: every key, gdlib's names. */
  function toQuery(st) {
    const q = new URLSearchParams();
    q.set("f", st.f);
    q.set("x0", String(st.x0));
    q.set("y0", String(st.y0));
    q.set("steps", String(st.steps));
    q.set("tol", st.tol == null ? "none" : String(st.tol));
    if (st.ftol != null) q.set("ftol", String(st.ftol));
    if (st.diverge_factor !== 1e6) q.set("diverge_factor", String(st.diverge_factor));
    st.runs.forEach((r, i) => {
      const s = suffix(i);
      q.set("opt" + s, r.opt);
      for (const name of Object.keys(OPTIMIZERS[r.opt].params)) q.set(name + s, String(r.params[name]));
    });
    return q.toString();
  }

  /** Run every run of a state. */
  function runState(st, record) {
    const fn = FUNCTIONS[st.f];
    const opts = { steps: st.steps, tol: st.tol, ftol: st.ftol, diverge_factor: st.diverge_factor, record };
    return st.runs.map((r) => descend(fn, r.opt, r.params, [st.x0, st.y0], opts));
  }

  return {
    FUNCTIONS, OPTIMIZERS, RACE_GRID, STEPS_MAX, MAX_RUNS, defaults, makeOptimizer, descend,
    resultJSON, tune, better, fmtG, defaultState, parseQuery, toQuery, runState, checkValue,
  };
});
