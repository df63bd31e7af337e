// Node side of tests/test_playground.py: runs the page's engine on a JSON file of tasks
// and prints the answers as JSON (non-finite numbers as the strings "nan", "inf", "-inf").
//   node tests/playground/runner.js ENGINE_JS TASKS_JSON
"use strict";
const fs = require("fs");
const path = require("path");

const E = require(path.resolve(process.argv[2]));
const tasks = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));

const enc = (v) => (Number.isNaN(v) ? "nan" : v === Infinity ? "inf" : v === -Infinity ? "-inf" : v);
const dec = (v) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);

function handle(t) {
  if (t.task === "descend") {
    const run = E.descend(E.FUNCTIONS[t.f], t.opt, t.params, t.start.map(dec), {
      steps: t.steps, tol: t.tol, ftol: t.ftol, diverge_factor: t.diverge_factor,
    });
    return {
      xs: run.xs.map((p) => p.map(enc)), losses: run.losses.map(enc), status: run.status,
      reason: run.reason, steps: run.steps, result: JSON.parse(E.resultJSON(run)),
    };
  }
  if (t.task === "eval") {
    const fn = E.FUNCTIONS[t.f];
    return t.points.map(([x, y]) => ({ f: enc(fn.f(x, y)), g: fn.grad(x, y).map(enc) }));
  }
  if (t.task === "meta") {
    const fns = {};
    for (const [name, fn] of Object.entries(E.FUNCTIONS)) {
      fns[name] = { xlim: fn.xlim, ylim: fn.ylim, minima: fn.minima, maxima: fn.maxima, start: fn.start };
    }
    const opts = {};
    for (const [name, o] of Object.entries(E.OPTIMIZERS)) {
      opts[name] = { cls: o.cls, defaults: E.defaults(name), kinds: Object.fromEntries(
        Object.entries(o.params).map(([k, s]) => [k, s.kind])) };
    }
    return { functions: fns, optimizers: opts, race_grid: E.RACE_GRID, max_runs: E.MAX_RUNS,
             steps_max: E.STEPS_MAX, default_query: E.toQuery(E.defaultState()) };
  }
  if (t.task === "tune") {
    const best = E.tune(E.FUNCTIONS[t.f], t.opt, t.params, t.start, {
      steps: t.steps, tol: t.tol, ftol: null, diverge_factor: 1e6,
    });
    return { lr: best.lr, status: best.run.status, steps: best.run.steps };
  }
  if (t.task === "query") {
    const { state, errors } = E.parseQuery(t.query);
    return { state, errors, query: E.toQuery(state), fmt: (t.numbers || []).map((v) => E.fmtG(v)) };
  }
  throw new Error("unknown task " + t.task);
}

process.stdout.write(JSON.stringify(tasks.map(handle)));
