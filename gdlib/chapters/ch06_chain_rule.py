"""A tiny reverse-mode autodiff engine, its graph drawing and a small network (Chapter 6).

The engine works on numbers, one at a time. A :class:`Value` holds a float, the Values
it was computed from (its *parents*) and the *local derivative* of itself with respect to
each parent. :meth:`Value.backward` visits the graph from the output back to the inputs
and applies the chain rule: every node passes ``its gradient * local derivative`` to each
parent, and a parent reached along several paths adds up what it receives::

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> L = (a * b + 10) ** 2          # (2 * -3 + 10)^2 = 16
    >>> L.backward()
    >>> L.data, a.grad, b.grad         # dL/da = 2(ab + 10) b, dL/db = 2(ab + 10) a
    (16.0, -24.0, 16.0)

The rest of the module:

* :func:`topological_order` and :func:`draw_graph` (matplotlib only) for pictures of a
  graph with values and gradients on its nodes;
* :func:`make_moons`, a seeded toy data set of two interleaved half-moons;
* a one-hidden-layer network (``tanh`` hidden layer, sigmoid output, binary
  cross-entropy) with hand-written, vectorised numpy backpropagation:
  :func:`init_params`, :func:`forward`, :func:`loss`, :func:`backward`,
  :func:`loss_and_grad`, :func:`predict`, :func:`flatten`, :func:`unflatten`; and the
  same network's gradient computed by the engine, :func:`engine_gradient`, as an
  independent check.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._checks import is_real, whole

__all__ = [
    "Value",
    "topological_order",
    "GraphDrawing",
    "draw_graph",
    "make_moons",
    "PARAM_NAMES",
    "init_params",
    "forward",
    "loss",
    "backward",
    "loss_and_grad",
    "predict",
    "flatten",
    "unflatten",
    "engine_gradient",
]


class Value:
    """A number that remembers how it was computed, for reverse-mode differentiation.

    Parameters
    ----------
    data : float
        The number (any finite real; ``bool`` is refused).
    label : str, optional
        A name for pictures of the graph (``"w1"``, ``"loss"``).

    Attributes
    ----------
    data : float
        The value computed in the forward pass.
    grad : float
        ``d(root)/d(self)`` after ``root.backward()``; 0 before.
    op : str
        The operation that made this Value (``""`` for an input).
    parents : tuple of Value
        The Values it was computed from.
    local_grads : tuple of float
        ``d(self)/d(parent)`` for each parent, evaluated in the forward pass.

    Examples
    --------
    >>> x = Value(0.5)
    >>> y = (2 * x).tanh()
    >>> y.backward()
    >>> round(y.data, 6), round(x.grad, 6)       # tanh(1), 2 (1 - tanh(1)^2)
    (0.761594, 0.839949)
    """

    __slots__ = ("data", "grad", "op", "label", "_parents", "_local")

    def __init__(self, data, label: str = "", *, _parents=(), _local=(), _op: str = ""):
        if not is_real(data):
            raise TypeError(f"data must be a real number, got {type(data).__name__}")
        data = float(data)
        if not math.isfinite(data):
            raise ValueError(f"data must be finite, got {data!r}")
        self.data = data
        self.grad = 0.0
        self.op = _op
        self.label = str(label)
        self._parents = tuple(_parents)
        self._local = tuple(float(d) for d in _local)

    @property
    def parents(self) -> tuple[Value, ...]:
        return self._parents

    @property
    def local_grads(self) -> tuple[float, ...]:
        return self._local

    def __repr__(self) -> str:
        name = f"{self.label}: " if self.label else ""
        return f"Value({name}data={self.data:.6g}, grad={self.grad:.6g})"

    # ------------------------------------------------------------------ building blocks
    @staticmethod
    def _lift(other, op: str) -> Value:
        """``other`` as a Value: numbers become constants, anything else is refused."""
        if isinstance(other, Value):
            return other
        if is_real(other):
            return Value(other)
        raise TypeError(
            f"unsupported operand for {op}: other must be a Value or a real number, "
            f"got {type(other).__name__}"
        )

    @staticmethod
    def _node(data: float, op: str, parents, local) -> Value:
        """A new node, refusing results that overflowed to inf or nan."""
        if not math.isfinite(data):
            raise OverflowError(f"{op} gave a non-finite result ({data!r})")
        return Value(data, _parents=parents, _local=local, _op=op)

    # ------------------------------------------------------------------ arithmetic
    def __add__(self, other) -> Value:
        other = self._lift(other, "+")
        return self._node(self.data + other.data, "+", (self, other), (1.0, 1.0))

    def __mul__(self, other) -> Value:
        other = self._lift(other, "*")
        return self._node(self.data * other.data, "*", (self, other), (other.data, self.data))

    def __pow__(self, exponent) -> Value:
        if isinstance(exponent, Value):
            raise TypeError(
                "exponent must be a plain number: a Value exponent is not supported "
                "(write exp(p * log(x)) for x ** p with a variable p)"
            )
        if not is_real(exponent):
            raise TypeError(f"exponent must be a real number, got {type(exponent).__name__}")
        p = float(exponent)
        x = self.data
        if x < 0 and not p.is_integer():
            raise ValueError(f"x ** exponent with x = {x!r} < 0 needs a whole exponent, got {p!r}")
        if x == 0 and p < 1 and p != 0:
            raise ValueError(
                f"x ** exponent at x = 0 with exponent {p!r} has no finite derivative"
            )
        try:
            out = x**p
        except OverflowError:
            raise OverflowError(f"x ** exponent overflowed ({x!r} ** {p!r})") from None
        local = 0.0 if p == 0 else p * x ** (p - 1)
        return self._node(out, f"**{p:g}", (self,), (local,))

    def __truediv__(self, other) -> Value:
        other = self._lift(other, "/")
        if other.data == 0:
            raise ZeroDivisionError("division by zero: the divisor (other) is 0")
        a, b = self.data, other.data
        bb = b * b  # d(a/b)/db = -a/b^2; b^2 under- or overflows for |b| < 1e-154 or > 1e154
        db = -a / bb if bb != 0 and math.isfinite(bb) else -a / b / b
        return self._node(a / b, "/", (self, other), (1 / b, db))

    def __neg__(self) -> Value:
        return self._node(-self.data, "neg", (self,), (-1.0,))

    def __sub__(self, other) -> Value:
        return self + (-self._lift(other, "-"))

    def __radd__(self, other) -> Value:  # other + self
        return self + other

    def __rmul__(self, other) -> Value:  # other * self
        return self * other

    def __rsub__(self, other) -> Value:  # other - self
        return self._lift(other, "-") + (-self)

    def __rtruediv__(self, other) -> Value:  # other / self
        return self._lift(other, "/") / self

    def __rpow__(self, base) -> Value:  # base ** self
        raise TypeError(
            "exponent must be a plain number: a Value exponent is not supported "
            "(write (log(base) * x).exp() for base ** x)"
        )

    # ------------------------------------------------------------------ functions
    def exp(self) -> Value:
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"exp overflowed at x = {self.data!r}") from None
        return self._node(e, "exp", (self,), (e,))

    def log(self) -> Value:
        if self.data <= 0:
            raise ValueError(f"log needs a positive value, got {self.data!r}")
        return self._node(math.log(self.data), "log", (self,), (1 / self.data,))

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._node(t, "tanh", (self,), (1 - t * t,))

    def sigmoid(self) -> Value:
        x = self.data
        if x >= 0:
            s = 1 / (1 + math.exp(-x))
        else:  # the same number, written so that exp cannot overflow
            e = math.exp(x)
            s = e / (1 + e)
        return self._node(s, "σ", (self,), (s * (1 - s),))

    def relu(self) -> Value:
        """``max(0, x)``; its derivative at 0 is taken as 0."""
        x = self.data
        return self._node(max(x, 0.0), "relu", (self,), (1.0 if x > 0 else 0.0,))

    # ------------------------------------------------------------------ the backward pass
    def backward(self) -> None:
        """Fill ``.grad`` of every Value this one depends on with ``d(self)/d(that)``.

        Gradients from an earlier call are reset first, so calling it twice gives the same
        numbers.
        """
        order = topological_order(self)  # inputs first, self last
        for v in order:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):  # every node after all the nodes that use it
            for parent, local in zip(v._parents, v._local, strict=True):
                parent.grad += v.grad * local  # chain rule; += sums over paths


def topological_order(root: Value) -> list[Value]:
    """Every Value ``root`` depends on, each once, parents before the nodes they feed.

    Iterative depth-first search (no recursion limit for long chains); the last element
    is ``root``.

    Examples
    --------
    >>> x = Value(3.0, label="x")
    >>> y = x * x + x
    >>> [v.op or v.label for v in topological_order(y)]
    ['x', '*', '+']
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    order: list[Value] = []
    seen: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for p in reversed(node._parents):  # so the first parent is visited first
            if id(p) not in seen:
                stack.append((p, False))
    return order


# --------------------------------------------------------------------------- drawing


@dataclass
class GraphDrawing:
    """What :func:`draw_graph` drew, so a figure can change it frame by frame.

    ``backward_order`` lists the nodes as the backward pass finishes them (the root
    first); :meth:`show_step` shows the gradients known after ``k + 1`` of them.
    """

    nodes: list
    positions: dict
    boxes: dict
    labels: dict
    grad_texts: dict
    highlight: object
    backward_order: list
    colors: dict
    fmt: str

    def show_step(self, k: int | None) -> list:
        """Show the gradients of the first ``k + 1`` nodes of ``backward_order``.

        The ``k``-th is outlined; the others not yet reached show ``grad ?``.
        ``None`` shows every gradient and ``-1`` none, with no outline. Returns the
        changed artists (the outline and the gradient texts), for blitting.
        """
        n = len(self.backward_order)
        done = n if k is None else k + 1
        if isinstance(k, bool) or not (k is None or isinstance(k, (int, np.integer))):
            raise TypeError(f"k must be a whole number or None, got {k!r}")
        if not 0 <= done <= n:
            raise ValueError(f"k must be in [-1, {n - 1}] or None, got {k!r}")
        changed = [self.highlight]
        for i, v in enumerate(self.backward_order):
            text = self.grad_texts[id(v)]
            if i < done:
                text.set_text("grad " + self.fmt.format(v.grad))
                text.set_color(self.colors["grad"])
            else:
                text.set_text("grad ?")
                text.set_color(self.colors["pending"])
            changed.append(text)
        current = k is not None and k >= 0
        self.highlight.set_visible(current)
        if current:
            box = self.boxes[id(self.backward_order[k])]
            self.highlight.set_x(box.get_x())
            self.highlight.set_y(box.get_y())
        return changed


_SYMBOLS = {"*": "×", "/": "÷", "neg": "−x", "+": "+"}


def _layout(root: Value) -> tuple[list[Value], dict[int, tuple[float, float]]]:
    """Columns by distance from the root (root on the right); rows by leaf order."""
    order = topological_order(root)
    level = {id(root): 0}
    for v in reversed(order):  # children before parents: longest path to the root
        for p in v._parents:
            level[id(p)] = max(level.get(id(p), 0), level[id(v)] + 1)
    depth = max(level.values())
    row: dict[int, float] = {}
    next_row = 0
    for v in order:  # parents first: leaves get rows in the order they are met
        if not v._parents:
            row[id(v)] = next_row
            next_row += 1
        else:
            row[id(v)] = float(np.mean([row[id(p)] for p in v._parents]))
    pos = {id(v): (float(depth - level[id(v)]), -row[id(v)]) for v in order}
    return order, pos


def draw_graph(
    ax,
    root: Value,
    *,
    show_grads: bool = True,
    edge_labels: bool = True,
    fmt: str = "{:.3g}",
    fontsize: float = 8.5,
    box_size: tuple[float, float] = (0.9, 0.7),
    spacing: tuple[float, float] = (1.5, 0.95),
) -> GraphDrawing:
    """Draw the computational graph of ``root`` on ``ax`` (matplotlib only).

    Inputs are on the left, ``root`` on the right; each column holds the nodes at the
    same distance from the root. A node shows its label or operation, its value and its
    gradient; an arrow from a parent to a node is labelled with the local derivative.

    Parameters
    ----------
    ax : matplotlib Axes
    root : Value
        The output node; call ``root.backward()`` first to show real gradients.
    show_grads : bool
        Show every gradient now; ``False`` shows ``grad ?`` (see
        :meth:`GraphDrawing.show_step` to reveal them step by step).
    edge_labels : bool
        Write the local derivative on each arrow.
    fmt : str
        Format of the numbers.

    Returns
    -------
    GraphDrawing

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> a = Value(2.0, label="a")
    >>> out = (a * 0.5).tanh()        # d out / da = 0.5 (1 - tanh(1)^2)
    >>> out.backward()
    >>> drawing = draw_graph(Figure().subplots(), out)
    >>> len(drawing.nodes), drawing.grad_texts[id(a)].get_text()
    (4, 'grad 0.21')
    """
    if not isinstance(root, Value):
        raise TypeError(f"root must be a Value, got {type(root).__name__}")
    from matplotlib.patches import FancyBboxPatch

    from ..plotting import PALETTE

    colors = {
        "box": "#F2F2F2",
        "current": PALETTE["orange"],
        "edge": "#555555",
        "grad": PALETTE["vermillion"],
        "pending": "#999999",
        "value": PALETTE["blue"],
    }
    order, pos = _layout(root)
    sx, sy = spacing
    pos = {k: (x * sx, y * sy) for k, (x, y) in pos.items()}
    w, h = box_size
    boxes, labels, grad_texts = {}, {}, {}
    for v in order:
        x, y = pos[id(v)]
        box = FancyBboxPatch(
            (x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
            facecolor=colors["box"], edgecolor="#333333", linewidth=1.0, zorder=2,
        )
        ax.add_patch(box)
        boxes[id(v)] = box
        title = v.label or _SYMBOLS.get(v.op, v.op) or "const"
        labels[id(v)] = (
            ax.text(x, y + 0.26 * h, title, ha="center", va="center", fontsize=fontsize,
                    fontweight="bold", zorder=3),
            ax.text(x, y, fmt.format(v.data), ha="center", va="center", fontsize=fontsize,
                    color=colors["value"], zorder=3),
        )
        grad_texts[id(v)] = ax.text(x, y - 0.26 * h, "", ha="center", va="center",
                                    fontsize=fontsize, zorder=3)
        for p, local in zip(v._parents, v._local, strict=True):
            px, py = pos[id(p)]
            start = np.array([px + w / 2, py])
            end = np.array([x - w / 2, y])
            ax.annotate("", xy=end, xytext=start, zorder=1,
                        arrowprops={"arrowstyle": "->", "color": colors["edge"], "lw": 1.0,
                                    "shrinkA": 0, "shrinkB": 0})
            if edge_labels:
                mid = start + 0.5 * (end - start)
                ax.text(mid[0], mid[1], fmt.format(local), ha="center", va="center",
                        fontsize=fontsize - 1.5, color="#333333", zorder=3,
                        bbox={"boxstyle": "round,pad=0.1", "facecolor": "white",
                              "edgecolor": "none", "alpha": 0.9})
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    ax.set_xlim(min(xs) - w / 2 - 0.1, max(xs) + w / 2 + 0.1)
    ax.set_ylim(min(ys) - h / 2 - 0.1, max(ys) + h / 2 + 0.1)
    ax.set_axis_off()
    highlight = FancyBboxPatch(
        (0, 0), w, h, boxstyle="round,pad=0.02,rounding_size=0.08", facecolor="none",
        edgecolor=colors["current"], linewidth=3.0, zorder=4, visible=False,
    )
    ax.add_patch(highlight)
    backward_order = list(reversed(order))
    drawing = GraphDrawing(nodes=order, positions=pos, boxes=boxes, labels=labels,
                           grad_texts=grad_texts, highlight=highlight,
                           backward_order=backward_order, colors=colors, fmt=fmt)
    drawing.show_step(None if show_grads else -1)
    return drawing


# --------------------------------------------------------------------------- toy data


def make_moons(n: int = 200, noise: float = 0.2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half-moons in the plane, a classic two-class toy problem.

    Class 0 lies on the upper half circle ``(cos t, sin t)``, class 1 on the lower one
    ``(1 - cos t, 0.5 - sin t)``, ``t`` evenly spaced in ``[0, pi]``; Gaussian noise of
    standard deviation ``noise`` is added and the points are shuffled.

    Returns
    -------
    X : numpy.ndarray, shape (n, 2)
    y : numpy.ndarray of int, shape (n,)
        Labels 0 and 1 (``n // 2`` of class 0).

    Examples
    --------
    >>> X, y = make_moons(6, noise=0.0, seed=1)
    >>> X.shape, int(y.sum())
    ((6, 2), 3)
    """
    n = whole(n, "n", 2)
    seed = whole(seed, "seed", 0)
    if not is_real(noise) or not math.isfinite(float(noise)) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    n0 = n // 2
    t0 = np.linspace(0, np.pi, n0)
    t1 = np.linspace(0, np.pi, n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.concatenate([upper, lower]) + rng.normal(scale=float(noise), size=(n, 2))
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n - n0, dtype=int)])
    perm = rng.permutation(n)
    return X[perm], y[perm]


# --------------------------------------------------------------------------- the network

#: The parameter names, in the order :func:`flatten` lays them out.
PARAM_NAMES = ("W1", "b1", "W2", "b2")


def init_params(seed: int = 0, n_hidden: int = 8, n_in: int = 2) -> dict[str, np.ndarray]:
    """Random starting weights of the network ``n_in -> n_hidden (tanh) -> 1 (sigmoid)``.

    ``W1`` has shape ``(n_in, n_hidden)`` with entries of standard deviation
    ``1 / sqrt(n_in)``; ``W2`` has shape ``(n_hidden,)`` with standard deviation
    ``1 / sqrt(n_hidden)``; the biases ``b1`` (shape ``(n_hidden,)``) and ``b2`` (shape
    ``(1,)``) start at 0.

    Examples
    --------
    >>> p = init_params(seed=0, n_hidden=3)
    >>> {k: v.shape for k, v in p.items()}
    {'W1': (2, 3), 'b1': (3,), 'W2': (3,), 'b2': (1,)}
    """
    seed = whole(seed, "seed", 0)
    n_hidden = whole(n_hidden, "n_hidden", 1)
    n_in = whole(n_in, "n_in", 1)
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.normal(scale=1 / np.sqrt(n_in), size=(n_in, n_hidden)),
        "b1": np.zeros(n_hidden),
        "W2": rng.normal(scale=1 / np.sqrt(n_hidden), size=n_hidden),
        "b2": np.zeros(1),
    }


def _check_params(params) -> tuple[int, int]:
    if not isinstance(params, dict) or set(params) != set(PARAM_NAMES):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"params must be a dict with keys {list(PARAM_NAMES)}, got {got}")
    W1 = np.asarray(params["W1"])
    if W1.ndim != 2:
        raise ValueError(f"params['W1'] must be 2-D (n_in, n_hidden), got shape {W1.shape}")
    n_in, n_hidden = W1.shape
    want = {"b1": (n_hidden,), "W2": (n_hidden,), "b2": (1,)}
    for key, shape in want.items():
        if np.shape(params[key]) != shape:
            raise ValueError(
                f"params[{key!r}] must have shape {shape}, got {np.shape(params[key])}"
            )
    return n_in, n_hidden


def _check_X(X, n_in: int) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"X must have shape (n_points, {n_in}), got {X.shape}")
    return X


def _check_y(y, n: int) -> np.ndarray:
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one label per row of X, got {y.shape}")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("y must hold labels 0 and 1 only")
    return y.astype(float)


def forward(params: dict, X) -> tuple[np.ndarray, dict]:
    """The network's output probabilities for the rows of ``X``, and what backward needs.

    ``Z1 = X W1 + b1``, ``A1 = tanh(Z1)``, ``z2 = A1 W2 + b2``, ``p = sigmoid(z2)``.

    Returns
    -------
    p : numpy.ndarray, shape (n_points,)
        Probability of class 1 for each point.
    cache : dict
        ``X``, ``A1``, ``z2``, ``p``: the intermediate results.

    Examples
    --------
    >>> p, cache = forward(init_params(0), [[0.0, 0.0], [1.0, 0.5]])
    >>> p.round(4).tolist()
    [0.5, 0.5542]
    """
    n_in, _ = _check_params(params)
    return _forward(params, _check_X(X, n_in))


def _forward(params: dict, X: np.ndarray) -> tuple[np.ndarray, dict]:
    A1 = np.tanh(X @ params["W1"] + params["b1"])
    z2 = A1 @ params["W2"] + params["b2"][0]
    p = 0.5 * (1 + np.tanh(0.5 * z2))  # = 1 / (1 + exp(-z2)), without overflow
    return p, {"X": X, "A1": A1, "z2": z2, "p": p}


def _bce_from_logits(z: np.ndarray, y: np.ndarray) -> float:
    # -[y log p + (1 - y) log(1 - p)] with p = sigmoid(z) equals log(1 + e^z) - y z.
    return float(np.mean(np.logaddexp(0.0, z) - y * z))


def loss(params: dict, X, y) -> float:
    """Mean binary cross-entropy ``-mean(y log p + (1 - y) log(1 - p))``.

    Computed from ``z2`` as ``mean(log(1 + exp(z2)) - y z2)``, which never takes the log
    of 0.

    Examples
    --------
    >>> params = init_params(0)
    >>> round(loss(params, [[0.0, 0.0]], [1]), 6)   # p = 0.5 at the origin: log 2
    0.693147
    """
    p, cache = forward(params, X)
    y = _check_y(y, len(p))
    return _bce_from_logits(cache["z2"], y)


def backward(params: dict, cache: dict, y) -> dict[str, np.ndarray]:
    """Gradients of :func:`loss` with respect to every parameter, by backpropagation.

    With ``N`` points (the rows of ``X``)::

        dz2 = (p - y) / N                 # dL/dz2, one number per point
        dW2 = A1.T @ dz2                  db2 = sum(dz2)
        dA1 = outer(dz2, W2)              # dL/dA1
        dZ1 = dA1 * (1 - A1**2)           # through tanh
        dW1 = X.T @ dZ1                   db1 = dZ1.sum(axis=0)

    Chapter 6 prints this function's source as the backpropagation a reader can check line
    by line, so it stays written out for its one network. Chapter 7's
    ``mlp_gradients`` is a different computation (a deep chain of square layers without
    biases, with layer normalisation and residual connections, fed any upstream
    gradient); the two share only the dense layer's ``dW = h.T @ dz``.

    Examples
    --------
    >>> params = init_params(0)
    >>> X, y = make_moons(10, seed=0)
    >>> p, cache = forward(params, X)
    >>> {k: g.shape for k, g in backward(params, cache, y).items()}
    {'W1': (2, 8), 'b1': (8,), 'W2': (8,), 'b2': (1,)}
    """
    _check_params(params)
    X, A1, p = cache["X"], cache["A1"], cache["p"]
    y = _check_y(y, len(p))
    dz2 = (p - y) / len(y)
    dA1 = np.outer(dz2, params["W2"])
    dZ1 = dA1 * (1 - A1**2)
    return {
        "W1": X.T @ dZ1,
        "b1": dZ1.sum(axis=0),
        "W2": A1.T @ dz2,
        "b2": np.array([dz2.sum()]),
    }


def loss_and_grad(params: dict, X, y) -> tuple[float, dict[str, np.ndarray]]:
    """:func:`loss` and its gradient (:func:`backward`) from one forward pass."""
    p, cache = forward(params, X)
    grads = backward(params, cache, y)  # checks y
    return _bce_from_logits(cache["z2"], np.asarray(y, dtype=float)), grads


def predict(params: dict, X) -> np.ndarray:
    """Class labels (0 or 1): 1 where the probability is at least 0.5.

    Examples
    --------
    >>> predict(init_params(0), [[0.0, 0.0], [1.0, 0.5]]).tolist()
    [1, 1]
    """
    p, _ = forward(params, X)
    return (p >= 0.5).astype(int)


def flatten(params: dict) -> np.ndarray:
    """All parameters as one vector, in the order of :data:`PARAM_NAMES`.

    Examples
    --------
    >>> flatten(init_params(0, n_hidden=3)).shape      # 2*3 + 3 + 3 + 1
    (13,)
    """
    _check_params(params)
    return np.concatenate([np.ravel(params[k]) for k in PARAM_NAMES]).astype(float)


def unflatten(theta, n_in: int = 2) -> dict[str, np.ndarray]:
    """The inverse of :func:`flatten`; the hidden size follows from ``len(theta)``.

    A network with ``H`` hidden units has ``n_in * H + H + H + 1`` parameters.

    Examples
    --------
    >>> p = init_params(0, n_hidden=3)
    >>> all(np.array_equal(unflatten(flatten(p))[k], p[k]) for k in p)
    True
    """
    n_in = whole(n_in, "n_in", 1)
    theta = np.asarray(theta, dtype=float)
    if theta.ndim != 1:
        raise ValueError(f"theta must be a 1-D vector, got shape {theta.shape}")
    H, rest = divmod(theta.size - 1, n_in + 2)
    if rest or H < 1:
        raise ValueError(
            f"theta has {theta.size} entries, not n_in * H + 2 H + 1 for n_in = {n_in} "
            "and any whole H >= 1"
        )
    i = n_in * H
    return {
        "W1": theta[:i].reshape(n_in, H),
        "b1": theta[i : i + H],
        "W2": theta[i + H : i + 2 * H],
        "b2": theta[i + 2 * H :],
    }


def engine_gradient(params: dict, X, y) -> tuple[float, dict[str, np.ndarray]]:
    """The same loss and gradient as :func:`loss_and_grad`, computed by :class:`Value`.

    Every weight becomes a :class:`Value`; the forward pass is written with plain loops,
    one point and one hidden unit at a time, and the loss is
    ``-mean(log p)`` for points of class 1 and ``-mean(log(1 - p))`` for class 0. One
    ``backward()`` fills every weight's gradient. Slow (thousands of Python objects), and
    meant as an independent check of the numpy backpropagation.

    Examples
    --------
    >>> params = init_params(0)
    >>> X, y = make_moons(8, seed=0)
    >>> L, g = engine_gradient(params, X, y)
    >>> L2, g2 = loss_and_grad(params, X, y)
    >>> bool(abs(L - L2) < 1e-12 and np.allclose(g["W1"], g2["W1"], atol=1e-12))
    True
    """
    n_in, n_hidden = _check_params(params)
    X = _check_X(X, n_in)
    y = _check_y(y, len(X))
    W1 = [[Value(params["W1"][i, j]) for j in range(n_hidden)] for i in range(n_in)]
    b1 = [Value(params["b1"][j]) for j in range(n_hidden)]
    W2 = [Value(params["W2"][j]) for j in range(n_hidden)]
    b2 = Value(params["b2"][0])
    total = Value(0.0)
    for x_row, target in zip(X, y, strict=True):
        z2 = b2
        for j in range(n_hidden):
            z1 = b1[j]
            for i in range(n_in):
                z1 = z1 + W1[i][j] * float(x_row[i])
            z2 = z2 + W2[j] * z1.tanh()
        p = z2.sigmoid()
        total = total + (p.log() if target == 1 else (1 - p).log())
    L = -total / len(X)
    L.backward()
    grads = {
        "W1": np.array([[w.grad for w in row] for row in W1]),
        "b1": np.array([b.grad for b in b1]),
        "W2": np.array([w.grad for w in W2]),
        "b2": np.array([b2.grad]),
    }
    return L.data, grads
