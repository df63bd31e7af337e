"""The notation page and the chapters agree: one meaning per symbol (issue 15 C).

`appendices/notation.md` lists every course-wide symbol with one meaning and the chapters
that use it. These tests check

- that the page parses, lists each symbol once and states the lead's notation decisions;
- that every symbol is really used (in the math of the Markdown cells) in each chapter the
  page names;
- that the old, clashing usages are gone from the chapters (`RULES`), each rule's detector
  being tested on a small hand-made clash and a clean sample.

Rules and uses that chapter branches are still bringing in are listed in `NOT_YET_FIXED`
and `PENDING_USES`, with the branch that fixes them. When that branch is merged, delete
its entries: the corresponding checks then run.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTATION = ROOT / "appendices" / "notation.md"
GLOSSARY = ROOT / "appendices" / "glossary.md"
CHAPTERS = {int(p.name[:2]): p for p in sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))}

# --------------------------------------------------------------------------- reading

_INLINE_CODE = re.compile(r"`[^`\n]*`")
_DISPLAY = re.compile(r"\$\$(.+?)\$\$", re.S)
_INLINE = re.compile(r"\$([^$]+?)\$", re.S)


def math_spans(markdown: str) -> list[str]:
    """The LaTeX inside $...$ and $$...$$ of a Markdown text (inline code and \\$ skipped),
    with runs of whitespace collapsed to one space."""
    text = _INLINE_CODE.sub(" ", markdown).replace(r"\$", " ")
    spans = _DISPLAY.findall(text)
    spans += _INLINE.findall(_DISPLAY.sub(" ", text))
    return [re.sub(r"\s+", " ", s).strip() for s in spans]


def split_row(line: str) -> list[str]:
    """The cells of a Markdown table row; a | inside $...$ does not split."""
    cells, cur, in_math = [], [], False
    for ch in line.strip().strip("|"):
        if ch == "$":
            in_math = not in_math
        if ch == "|" and not in_math:
            cells.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    cells.append("".join(cur).strip())
    return cells


def notebook(ch: int) -> dict:
    cells = json.loads(CHAPTERS[ch].read_text(encoding="utf-8"))["cells"]

    def src(c):
        return "".join(c["source"]) if isinstance(c["source"], list) else c["source"]

    md = "\n\n".join(src(c) for c in cells if c["cell_type"] == "markdown")
    code = "\n\n".join(src(c) for c in cells if c["cell_type"] == "code")
    return {"md": md, "math": math_spans(md), "code": code}


def loose(latex: str) -> str:
    """A regex for a LaTeX fragment: any spacing between its tokens, and whole tokens only
    (the letter L does not match inside \\Lambda or Loss, \\eta not inside \\etaX)."""
    tokens = re.findall(r"\\[A-Za-z]+|\\.|\S", latex)
    body = r"\s*".join(re.escape(t) for t in tokens)
    head = r"(?<![A-Za-z\\])" if re.match(r"[A-Za-z]", tokens[0]) else ""
    tail = r"(?![A-Za-z])" if re.search(r"[A-Za-z]$", tokens[-1]) else ""
    return head + body + tail


def uses(spans: list[str], latex: str) -> bool:
    pattern = re.compile(loose(latex))
    return any(pattern.search(s) for s in spans)


# --------------------------------------------------------------------------- the page

_HEAD = re.compile(
    r"\\[A-Za-z]+(?:[_^](?:\{(?:[^{}]|\{[^{}]*\})*\}|\\?[A-Za-z0-9*]+))*"
    r"|[A-Za-z](?:'|[_^](?:\{(?:[^{}]|\{[^{}]*\})*\}|[A-Za-z0-9*]))*"
)


def symbol_head(cell: str) -> str:
    """The symbol a row defines: the leading token (with its sub- or superscript) of the
    first $...$ of the symbol cell, e.g. \\eta^*, \\epsilon_{\\text{mach}}, x_k, f'."""
    first = re.search(r"\$([^$]+)\$", cell)
    assert first, f"no $...$ in the symbol cell {cell!r}"
    m = _HEAD.match(first.group(1).strip())
    assert m, f"cannot read a symbol from {cell!r}"
    return m.group(0)


def notation_rows() -> dict[str, dict]:
    """head -> {meaning, pytorch, chapters, cell} for every course-wide table row."""
    text = NOTATION.read_text(encoding="utf-8")
    text = text.split("## Letters that belong to one example")[0]
    rows: dict[str, dict] = {}
    for line in text.splitlines():
        if not line.startswith("| $"):
            continue
        cells = split_row(line)
        assert len(cells) == 4, f"a notation row needs 4 cells: {line}"
        head = symbol_head(cells[0])
        assert head not in rows, f"{head} is listed twice on the notation page"
        chapters = [int(c) for c in re.findall(r"\d+", cells[3])]
        rows[head] = dict(cell=cells[0], meaning=cells[1], pytorch=cells[2], chapters=chapters)
    return rows


ROWS = notation_rows()

# Uses the notation page declares that a chapter branch is adding (symbol, chapter): branch.
PENDING_USES = {
    (r"\ell", 6): "chC (the loss L -> l)",
    (r"c_{\text{clip}}", 7): "chC (clipping threshold c -> c_clip)",
    ("k", 8): "chC (step index t -> k)",
    ("g_k", 8): "chC",
    ("b_k", 8): "chC (heavy-ball velocity v_t -> b_k)",
    ("m_k", 8): "chC",
    ("v_k", 8): "chC",
    (r"\eta_{\text{hb}}", 8): "chC (Polyak's eta* -> eta_hb)",
    (r"\eta_{\text{decay}}", 8): "chC (AdaGrad's lr_decay delta -> eta_decay)",
    (r"\varepsilon", 8): "chC (Adam's epsilon -> varepsilon)",
    (r"\omega", 8): "chC (weight decay lambda -> omega)",
}


def test_the_page_lists_each_symbol_once_with_chapters():
    assert len(ROWS) >= 40
    for head, row in ROWS.items():
        assert row["meaning"], head
        assert row["chapters"], f"{head}: no chapters listed"
        unknown = set(row["chapters"]) - set(CHAPTERS)
        assert not unknown, f"{head}: unknown chapters {sorted(unknown)}"


# The lead's decisions (COMMON.md, issue 15 C): symbol -> words its meaning must contain.
DECISIONS = {
    r"\eta": ["learning rate"],
    r"\eta^*": ["best constant learning rate", "2/(L + \\mu)", "no other"],
    "L": ["largest curvature"],
    r"\mu": ["smallest curvature", "never the momentum"],
    r"\kappa": ["condition number", r"L/\mu"],
    r"\lambda": ["eigenvalue", "never the weight decay"],
    r"\beta": ["momentum coefficient"],
    r"\beta_1": ["Adam"],
    r"\omega": ["weight decay"],
    r"\tau": ["dampening", "nothing else"],
    "G_0": ["initial accumulator"],
    r"\varepsilon": ["optimizer"],
    r"\epsilon_{\text{mach}}": ["machine epsilon"],
    "k": ["step index"],
    r"\alpha": ["RMSprop", "nothing else"],
    r"\theta": ["angle"],
    r"\ell": ["loss"],
    r"\eta_{\text{hb}}": ["Polyak"],
}
PYTORCH_NAMES = {r"\eta": "lr", r"\beta": "momentum", r"\omega": "weight_decay",
                 r"\tau": "dampening", "G_0": "initial_accumulator_value", r"\varepsilon": "eps",
                 r"\alpha": "alpha", r"\beta_1": "betas"}


@pytest.mark.parametrize("head", sorted(DECISIONS))
def test_the_page_states_the_decisions(head):
    assert head in ROWS, f"{head} is missing from the notation page"
    for words in DECISIONS[head]:
        assert words in ROWS[head]["meaning"], f"{head}: meaning should say {words!r}"
    if head in PYTORCH_NAMES:
        assert f"`{PYTORCH_NAMES[head]}" in ROWS[head]["pytorch"], f"{head}: PyTorch's name"


USES = [(head, ch) for head, row in ROWS.items() for ch in row["chapters"]]


@pytest.mark.parametrize(("head", "ch"), [u for u in USES if u not in PENDING_USES],
                         ids=lambda v: str(v))
def test_each_declared_chapter_uses_the_symbol(head, ch):
    assert uses(notebook(ch)["math"], head), (
        f"the notation page says chapter {ch} uses ${head}$, but its Markdown math never does")


def test_pending_uses_are_declared_on_the_page():
    for head, ch in PENDING_USES:
        assert head in ROWS and ch in ROWS[head]["chapters"], (head, ch)


# --------------------------------------------------------------------------- clashes


def _math_hits(pattern: str):
    rx = re.compile(pattern)
    return lambda nb: [s for s in nb["math"] if rx.search(s)]


def _code_hits(pattern: str):
    rx = re.compile(pattern)
    return lambda nb: [ln.strip() for ln in nb["code"].splitlines() if rx.search(ln)]


def _md_hits(pattern: str):
    rx = re.compile(pattern)
    return lambda nb: rx.findall(nb["md"])


# L used as a function or differentiated: L(, L =, L_, \partial L, dL (a lone $L$ that names
# the convention is fine)
LOSS_L = r"(?<![A-Za-z\\])L\s*(?:\(|=|_)|(?:\\partial|(?<![A-Za-z\\])d)\s*L(?![A-Za-z])"

LOSS_L_WHAT = r"the loss written $L$ ($L(w)$, $L =$, $\partial L$, $dL$): $L$ is a curvature"

OTHERS = lambda keep: [c for c in range(1, 9) if c != keep]  # noqa: E731

# id: (chapters, what must not appear, detector, (a clashing sample, a clean sample))
RULES = {
    "momentum-not-mu-math": (
        [8], r"$\mu$ used as the momentum coefficient ($1 - \mu$, $\mu v$, $\mu b$)",
        _math_hits(r"1\s*-\s*\\mu(?![A-Za-z])|\\mu\s*(\\,)?\s*[vb]_"),
        (r"the step $\eta / (1 - \mu)$", r"$\kappa = L/\mu$, PyTorch calls it $\mu$")),
    "momentum-not-mu-code": (
        [8], "a Python name `mu` for the momentum (the curvature is `mu_`)",
        _code_hits(r"(?<![A-Za-z0-9_])mu(?![A-Za-z0-9_])"),
        ("for mu in (0.5, 0.9):", "mu_, L_ = 1.0, 25.0")),
    "loss-not-L-ch6": (
        [6], LOSS_L_WHAT, _math_hits(LOSS_L),
        (r"$\partial L / \partial p$", r"$\ell = -\log p$; $L$ is a curvature")),
    "loss-not-L-ch4": (
        [4], LOSS_L_WHAT, _math_hits(LOSS_L),
        (r"$L(b) = 5(b - 1)^2$", r"$\ell(b)$, and $L$ is reserved")),
    "weight-decay-omega": (
        [8], r"the weight decay written $\lambda$ ($\eta\lambda$, $1 + \lambda$, "
        r"$\tfrac{\lambda}{2}$)",
        _math_hits(r"\\eta\s*\\lambda|\\lambda\s*\\eta|\\lambda\s*(\\,)?\s*x|1\s*\+\s*\\lambda"
                   r"|\\lambda\s*\}\s*\{\s*2"),
        (r"$x \leftarrow x - \eta \lambda\, x$", r"along an eigenvector with curvature $\lambda$")),
    "tau-dampening-only": (
        [8], r"AdaGrad's initial accumulator written $\tau$",
        lambda nb: _math_hits(r"G_\{?0\}?\s*=\s*\\tau")(nb)
        + _md_hits(r"initial_accumulator_value`\s*\$\\tau")(nb),
        (r"$G_t = G_{t-1} + g_t^2 \quad (G_0 = \tau)$", r"dampening $\tau$ and $G_0 = 0$")),
    "eps-mach-ch1": (
        [1], r"machine epsilon written $\varepsilon$ (it is $\epsilon_{\text{mach}}$)",
        _math_hits(r"\\varepsilon"),
        (r"grows like $\varepsilon / h$", r"$\epsilon_{\text{mach}} / h$")),
    "eps-optimizers-ch8": (
        [8], r"the optimizers' eps written $\epsilon$ (it is $\varepsilon$)",
        _math_hits(r"\\epsilon(?![A-Za-z])(?!\s*_\s*\{\s*\\text\s*\{\s*mach)"),
        (r"$\sqrt{\hat v_t} + \epsilon$", r"$\sqrt{\hat v_k} + \varepsilon$")),
    "eta-star-ch5-only": (
        OTHERS(5), r"another rate starred $\eta^*$ (only ch5's $2/(L + \mu)$ is)",
        _math_hits(r"\\eta\s*\^\s*\{?\s*\*"),
        (r"$\eta^* = 4/(\sqrt{L} + \sqrt{\mu})^2$",
         r"$\eta_{\text{hb}} = 4/(\sqrt{L} + \sqrt{\mu})^2$")),
    "step-k-ch8": (
        [8], r"the step index written $t$ ($g_t$, $\beta^t$, $t = 1$)",
        _math_hits(r"_\s*\{?\s*t(?![A-Za-z])|\^\s*\{?\s*t(?![A-Za-z])|(?<![A-Za-z\\])t\s*=\s*1(?!\d)"
                   r"|(?<![A-Za-z\\])t\s*-\s*1"),
        (r"$\hat m_t = m_t / (1 - \beta_1^t)$", r"$\hat m_k = m_k / (1 - \beta_1^k)$")),
    "alpha-rmsprop-only": (
        OTHERS(8), r"$\alpha$ for anything but RMSprop's smoothing constant (angles are $\theta$)",
        _math_hits(r"\\alpha(?![A-Za-z])"), (r"$|a|\,|b| \cos\alpha$", r"$|a|\,|b| \cos\theta$")),
    "warmup-not-W": (
        [5], r"the warm-up length written $W$ ($W$ is a weight matrix)",
        _math_hits(r"(?<![A-Za-z\\])W(?![A-Za-z])"), (r"$\eta_0 (k + 1)/W$",
                                                      r"$\eta_0 (k + 1)/T_{\text{w}}$")),
    "clip-not-c": (
        [7], r"the clipping threshold written $c$ ($c$ is the Armijo constant)",
        _math_hits(r"(?<![A-Za-z\\{])c(?![A-Za-z]|\s*_)"),
        (r"no step is longer than $\eta c$", r"no step is longer than $\eta c_{\text{clip}}$")),
    "velocity-b": (
        [8], r"heavy-ball velocity written $v$ ($v$ is RMSprop's and Adam's second moment)",
        _math_hits(r"\\beta\s*(\\,)?\s*v_"),
        (r"$v_t = \beta\, v_{t-1} + g_t$",
         r"$b_k = \beta\, b_{k-1} + g_k$, $v_k = \beta_2 v_{k-1}$")),
    "delta-backprop-only": (
        OTHERS(6), r"$\delta$ for anything but backpropagated errors (AdaGrad's lr_decay is "
        r"$\eta_{\text{decay}}$)",
        _math_hits(r"\\delta(?![A-Za-z])"), (r"$\eta/(1 + (t - 1)\,\delta)$",
                                             r"$\eta/(1 + k\,\eta_{\text{decay}})$")),
}

# Rules that do not hold on main yet, and the branch that fixes them. Delete an id once that
# branch is merged: its check then runs.
NOT_YET_FIXED = {
    "momentum-not-mu-code": "chC (ch8 cell 6: loop variable mu, alt text, printed 'mu = 0.5')",
    "loss-not-L-ch6": "chC",
    "weight-decay-omega": "chC",
    "tau-dampening-only": "chC",
    "eps-optimizers-ch8": "chC",
    "eta-star-ch5-only": "chC (ch8's Polyak rate)",
    "step-k-ch8": "chC",
    "clip-not-c": "chC",
    "velocity-b": "chC",
    "delta-backprop-only": "chC (ch8's AdaGrad lr_decay)",
}


def test_not_yet_fixed_names_real_rules():
    assert set(NOT_YET_FIXED) <= set(RULES)


@pytest.mark.parametrize("rule", sorted(RULES))
def test_rule_detector_on_samples(rule):
    _, _, detect, (clash, clean) = RULES[rule]
    kind = "code" if rule.endswith("-code") else "md"

    def sample(text):
        if kind == "code":
            return {"md": "", "math": [], "code": text}
        return {"md": text, "math": math_spans(text), "code": ""}

    assert detect(sample(clash)), f"{rule}: the clashing sample is not detected: {clash}"
    assert not detect(sample(clean)), f"{rule}: the clean sample is flagged: {clean}"


@pytest.mark.parametrize("rule", sorted(set(RULES) - set(NOT_YET_FIXED)))
def test_no_clash_in_the_chapters(rule):
    chapters, what, detect, _ = RULES[rule]
    found = {ch: detect(notebook(ch)) for ch in chapters if ch in CHAPTERS}
    found = {ch: hits for ch, hits in found.items() if hits}
    assert not found, f"{rule}: {what}, found in " + "; ".join(
        f"chapter {ch}: {hits[:3]}" for ch, hits in found.items())


def test_math_spans_reader():
    md = r"Price \$2, `x$y` code, $a + b$ and $$\frac{1}{2}$$ then $\eta\,c$."
    assert math_spans(md) == [r"\frac{1}{2}", "a + b", r"\eta\,c"]
    assert uses([r"\eta c"], "c") and not uses([r"\cos x"], "c")
    assert uses([r"\eta^* = 1"], r"\eta") and not uses([r"\etaX"], r"\eta")
    assert uses([r"\epsilon_{\text{mach}} / h"], r"\epsilon_{\text{mach}}")
    assert not uses([r"\Lambda", r"\text{Loss}"], "L")
    assert symbol_head(r"$\partial$, as in $\partial f$") == r"\partial"
    assert symbol_head(r"$\epsilon_{\text{mach}}$") == r"\epsilon_{\text{mach}}"
    assert symbol_head(r"$f'$, as in $f'(x)$") == "f'"
    assert symbol_head(r"$\hat m_k$, $\hat v_k$") == r"\hat"


def glossary_entries() -> dict[str, str]:
    """term -> definition text of the {glossary} block (several terms may share one)."""
    block = GLOSSARY.read_text(encoding="utf-8").split("```{glossary}")[1].split("```")[0]
    entries, terms, body = {}, [], []
    for line in block.splitlines() + [""]:
        if line and not line.startswith(" "):
            if body:
                entries.update({t: "\n".join(body) for t in terms})
                terms, body = [], []
            terms.append(line.strip())
        elif line.strip():
            body.append(line.strip())
    entries.update({t: "\n".join(body) for t in terms})
    return entries


def test_glossary_uses_the_decided_symbols():
    entries = glossary_entries()
    for term in ("Machine epsilon", "Round-off error"):
        assert uses(math_spans(entries[term]), r"\epsilon_{\text{mach}}"), term
    assert not uses(math_spans(entries["Round-off error"]), r"\varepsilon")
    # every other symbol in the glossary is the notation page's
    for term in ("Learning rate", "Gradient descent"):
        assert uses(math_spans(entries[term]), r"\eta"), term
    assert uses(math_spans(entries["Condition number"]), r"\kappa")
    assert uses(math_spans(entries["Bias correction"]), "k")
