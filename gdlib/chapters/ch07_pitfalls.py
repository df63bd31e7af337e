"""Local minima, saddles, vanishing/exploding gradients and gradient clipping (Chapter 7).

What is here:

* :class:`ClipByNorm`, an :class:`~gdlib.descent.Optimizer` that rescales a too-long
  gradient before handing it to plain gradient descent (or any other optimizer), with the
  formula of PyTorch's ``torch.nn.utils.clip_grad_norm_``; :func:`clip_by_norm` is the
  rescaling on its own;
* its two test functions, which live in the one catalogue :mod:`gdlib.functions` and are
  importable from here too: :data:`~gdlib.functions.bounded_saddle` (the saddle
  ``x^2 - y^2`` given a floor, so an escaping run has somewhere to go) and
  :data:`~gdlib.functions.cliff` (a gentle bowl cut by a steep drop);
* :func:`mlp_gradients` and :func:`layer_gradient_norms`: backpropagation through a deep
  chain of fully connected layers, to watch gradients vanish or explode with depth;
* :func:`basin_map`: which minimum each of many 1-D descents reaches, for a grid of
  starting points and learning rates (one vectorised :func:`gdlib.sweep`).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .._checks import as_finite_array, check_callable, norms, positive_float, positive_int
from ..descent import GD, Optimizer, sweep
from ..functions import CLIFF_HEIGHT, CLIFF_WIDTH, bounded_saddle, cliff  # noqa: F401

__all__ = [
    "ClipByNorm",
    "clip_by_norm",
    "CLIP_EPS",
    "ACTIVATIONS",
    "INITS",
    "init_std",
    "mlp_gradients",
    "layer_gradient_norms",
    "BasinMap",
    "basin_map",
    "DIVERGED",
    "UNSETTLED",
]

# --------------------------------------------------------------------------- clipping

#: The constant PyTorch adds to the norm before dividing (``clip_grad_norm_``).
CLIP_EPS = 1e-6


def clip_by_norm(g, max_norm: float) -> tuple[np.ndarray, float]:
    """Rescale ``g`` so that its Euclidean norm is at most (about) ``max_norm``.

    The formula is the one of PyTorch's ``torch.nn.utils.clip_grad_norm_`` (its
    documented ``grad * max_norm / (total_norm + 1e-6)``, with the coefficient clamped
    at 1 as its code does)::

        coef = min(1, max_norm / (norm + 1e-6));   g_clipped = coef * g

    So a gradient shorter than ``max_norm`` is left alone, and a longer one keeps its
    direction and gets length ``max_norm * norm / (norm + 1e-6)``, a hair under
    ``max_norm``. (Only in the band ``max_norm - 1e-6 < norm <= max_norm`` does the
    clamped coefficient shrink a gradient that is not longer than ``max_norm``, by a
    relative 1e-6 at most.) The norm is over all entries, as if ``g`` were one vector.

    Returns
    -------
    (numpy.ndarray, float)
        The clipped gradient and the norm of the original one.

    Examples
    --------
    >>> g, n = clip_by_norm([3.0, 4.0], max_norm=1.0)
    >>> n, g.round(6).tolist()
    (5.0, [0.6, 0.8])
    >>> clip_by_norm([0.3, 0.4], max_norm=1.0)[0].tolist()
    [0.3, 0.4]
    """
    max_norm = positive_float(max_norm, "max_norm")
    ga = as_finite_array(g, "g")
    norm = float(norms(ga))  # no overflow at 1e200, no underflow at 1e-200
    coef = min(1.0, max_norm / (norm + CLIP_EPS))
    return ga * coef, norm


class ClipByNorm(Optimizer):
    """Clip the gradient by its norm, then take the step of another optimizer.

    ``ClipByNorm(0.1, max_norm=1.0)`` is plain gradient descent with learning rate 0.1
    whose gradient is first rescaled by :func:`clip_by_norm`: every step is at most
    ``0.1 * 1.0`` long. Any :class:`~gdlib.descent.Optimizer` can be wrapped instead
    of a learning rate; it then receives the clipped gradient.

    The rescaling matches ``torch.nn.utils.clip_grad_norm_`` (PyTorch documents
    ``grad * max_norm / (total_norm + 1e-6)`` and clamps that coefficient at 1)::

        g <- g * min(1, max_norm / (||g|| + 1e-6))

    Parameters
    ----------
    optimizer_or_lr : Optimizer, float or callable
        The optimizer that takes the step, or a learning rate (number or schedule
        ``k -> lr``) for plain gradient descent.
    max_norm : float
        The largest gradient norm let through (> 0).

    Examples
    --------
    >>> opt = ClipByNorm(0.5, max_norm=1.0)
    >>> opt.step(np.array([0.0, 0.0]), np.array([30.0, 40.0]), 0).round(6).tolist()
    [-0.3, -0.4]
    >>> opt.step(np.array([0.0, 0.0]), np.array([0.3, 0.4]), 0).round(6).tolist()
    [-0.15, -0.2]
    >>> opt
    ClipByNorm(inner=GD(lr=0.5), max_norm=1.0)
    """

    name = "gradient descent with clipping"

    def __init__(self, optimizer_or_lr: Optimizer | float | Callable[[int], float],
                 max_norm: float):
        if isinstance(optimizer_or_lr, Optimizer):
            inner = optimizer_or_lr
        elif callable(optimizer_or_lr):
            inner = GD(optimizer_or_lr)
        elif isinstance(optimizer_or_lr, (numbers.Real, np.floating)) and not isinstance(
            optimizer_or_lr, bool
        ):
            inner = GD(positive_float(optimizer_or_lr, "optimizer_or_lr"))
        else:
            raise TypeError(
                "optimizer_or_lr must be a gdlib Optimizer or a learning rate, "
                f"got {type(optimizer_or_lr).__name__}"
            )
        self.inner = inner
        self.max_norm = positive_float(max_norm, "max_norm")

    def reset(self, x0: np.ndarray) -> None:
        self.inner.reset(x0)

    def state_failure(self) -> str | None:
        return self.inner.state_failure()

    def step(self, x: np.ndarray, g: np.ndarray, k: int) -> np.ndarray:
        clipped, _ = clip_by_norm(g, self.max_norm)
        return self.inner.step(x, clipped, k)


# --------------------------------------------------------------------------- functions

# The chapter's two test functions live in the one catalogue (gdlib.functions); the names
# below are the catalogue's entries, so gd.pitfalls.cliff is gd.get_function("cliff").

def _sigmoid(u):
    # 0.5 (1 + tanh(u / 2)): the logistic function, without overflow for large |u|
    return 0.5 * (1.0 + np.tanh(0.5 * u))


# --------------------------------------------------------------------------- deep chains


def _relu(u):
    return np.maximum(u, 0.0)


def _relu_d(u):
    return (np.asarray(u) > 0).astype(float)


def _sig_d(u):
    s = _sigmoid(u)
    return s * (1 - s)


def _tanh_d(u):
    return 1 - np.tanh(u) ** 2


#: Activation functions by name: ``(phi, phi')``.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "sigmoid": (_sigmoid, _sig_d),
    "tanh": (np.tanh, _tanh_d),
    "relu": (_relu, _relu_d),
    "linear": (lambda u: u, np.ones_like),
}

# phi' from the input u and the output a = phi(u), without recomputing phi
_DPHI_UA: dict[str, Callable] = {
    "sigmoid": lambda u, a: a * (1 - a),
    "tanh": lambda u, a: 1 - a * a,
    "relu": lambda u, a: (u > 0).astype(float),
    "linear": lambda u, a: np.ones_like(u),
}

#: Named initialisations as multipliers of ``1 / sqrt(width)`` for the weights' standard
#: deviation (square layers: fan-in = fan-out = width). Xavier/Glorot's variance
#: ``2 / (fan_in + fan_out)`` is ``1 / width``; He's ``2 / fan_in`` is ``2 / width``.
INITS: dict[str, float] = {"xavier": 1.0, "glorot": 1.0, "he": float(np.sqrt(2.0))}


def init_std(init: str | float, width: int) -> float:
    """Standard deviation of the weights: ``INITS[init] / sqrt(width)``, or ``init / sqrt(width)``.

    Examples
    --------
    >>> init_std("xavier", 25), round(init_std("he", 50), 6), init_std(3.0, 9)
    (0.2, 0.2, 1.0)
    """
    width = positive_int(width, "width")
    if isinstance(init, str):
        key = init.lower()
        if key not in INITS:
            raise ValueError(f"init must be one of {', '.join(INITS)} or a number, got {init!r}")
        scale = INITS[key]
    else:
        scale = positive_float(init, "init")
    return float(scale / np.sqrt(width))


def _activation(name: str):
    if not isinstance(name, str) or name.lower() not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name.lower()][0], _DPHI_UA[name.lower()]


def mlp_gradients(
    weights,
    inputs,
    upstream,
    activation: str = "tanh",
    *,
    normalize: bool = False,
    residual: bool = False,
    eps: float = 1e-5,
) -> tuple[np.ndarray, np.ndarray]:
    """Backpropagate through a chain of square fully connected layers (no biases).

    Layer ``l`` (``l = 1 .. depth``) maps the batch ``h[l-1]`` (rows are examples) to::

        z = h[l-1] @ W[l]
        u = standardise(z) if normalize else z      # per example, over the units
        h[l] = h[l-1] + phi(u) if residual else phi(u)

    where ``standardise(z) = (z - mean) / sqrt(var + eps)`` over each row (layer
    normalisation without gain or bias). The loss is ``sum(upstream * h[depth])``, so
    ``upstream`` is the gradient arriving at the output. (Chapter 6's ``backward`` is
    the written-out backpropagation of its one small network, whose source that chapter
    prints; this is the general deep chain, not a copy of it.)

    Parameters
    ----------
    weights : array_like, shape (depth, width, width)
    inputs : array_like, shape (batch, width)
    upstream : array_like, shape (batch, width)
    activation : str
        A key of :data:`ACTIVATIONS`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``dW`` of shape ``(depth, width, width)``, the loss's gradient with respect to
        every weight matrix, and ``dh`` of shape ``(depth + 1, batch, width)`` with
        ``dh[l]`` the gradient with respect to ``h[l]`` (``dh[depth] = upstream``).
        Values that overflow come out as ``inf``/``nan`` without a warning.

    Examples
    --------
    One linear layer: ``L = sum(G * (X @ W))``, so ``dL/dW = X.T @ G``.

    >>> X, G = np.array([[1.0, 2.0]]), np.array([[3.0, -1.0]])
    >>> dW, dh = mlp_gradients(np.eye(2)[None], X, G, "linear")
    >>> dW[0].tolist(), dh[0].tolist()
    ([[3.0, -1.0], [6.0, -2.0]], [[3.0, -1.0]])
    """
    phi, dphi_ua = _activation(activation)
    W = as_finite_array(weights, "weights")
    if W.ndim != 3 or W.shape[1] != W.shape[2]:
        raise ValueError(f"weights must have shape (depth, width, width), got {W.shape}")
    X = as_finite_array(inputs, "inputs")
    if X.ndim != 2 or X.shape[1] != W.shape[1]:
        raise ValueError(
            f"inputs must have shape (batch, {W.shape[1]}) to match weights, got {X.shape}"
        )
    G = as_finite_array(upstream, "upstream")
    if G.shape != X.shape:
        raise ValueError(f"upstream must have the shape of inputs {X.shape}, got {G.shape}")
    eps = positive_float(eps, "eps")
    depth = W.shape[0]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        hs, us, acts, sigmas = [X], [], [], []
        h = X
        for layer in range(depth):
            z = h @ W[layer]
            if normalize:
                zc = z - z.mean(axis=1, keepdims=True)
                sigma = np.sqrt(np.mean(zc * zc, axis=1, keepdims=True) + eps)
                u = zc / sigma
                sigmas.append(sigma)
            else:
                u = z
            a = phi(u)
            us.append(u)
            acts.append(a)
            h = h + a if residual else a
            hs.append(h)
        dW = np.empty_like(W)
        dh = np.empty((depth + 1, *X.shape))
        dh[depth] = G
        g = G
        for layer in range(depth - 1, -1, -1):
            u = us[layer]
            du = g * dphi_ua(u, acts[layer])
            if normalize:
                # backward of u = (z - mean) / sigma, means over the units of each row
                dz = (du - du.mean(axis=1, keepdims=True)
                      - u * np.mean(du * u, axis=1, keepdims=True)) / sigmas[layer]
            else:
                dz = du
            dW[layer] = hs[layer].T @ dz
            g_prev = dz @ W[layer].T
            g = g_prev + g if residual else g_prev
            dh[layer] = g
    return dW, dh


def layer_gradient_norms(
    depth: int,
    width: int = 32,
    activation: str = "tanh",
    init: str | float = "xavier",
    *,
    normalize: bool = False,
    residual: bool = False,
    batch: int = 64,
    seed: int = 0,
    wrt: str = "weights",
) -> np.ndarray:
    """Gradient norm at every layer of a random deep chain (see :func:`mlp_gradients`).

    The network and data are drawn from ``rng = np.random.default_rng(seed)``, in this
    order: inputs ``X = rng.standard_normal((batch, width))``, weights
    ``rng.standard_normal((depth, width, width)) * init_std(init, width)``, and an
    output gradient ``G = rng.standard_normal((batch, width))`` scaled to norm 1.

    Parameters
    ----------
    depth, width : int
        Number of layers (>= 1) and units per layer (>= 1).
    activation : str
        ``"sigmoid"``, ``"tanh"``, ``"relu"`` or ``"linear"``.
    init : str or float
        ``"xavier"`` (= ``"glorot"``), ``"he"``, or a positive multiplier ``s``: the
        weights' standard deviation is ``s / sqrt(width)``.
    normalize, residual : bool
        Standardise each layer's pre-activations; add a skip connection around each layer.
    wrt : str
        ``"weights"``: the Frobenius norm of each layer's weight gradient ``dW[l]``;
        ``"inputs"``: the norm of the gradient reaching each layer's input ``dh[l]``.

    Returns
    -------
    numpy.ndarray, shape (depth,)
        Entry 0 is the first layer (nearest the input), entry ``depth - 1`` the last.

    Examples
    --------
    >>> n = layer_gradient_norms(30, activation="sigmoid", seed=1)
    >>> bool(n[0] < 1e-6 * n[-1])   # the first layers get almost nothing
    True
    """
    depth = positive_int(depth, "depth")
    width = positive_int(width, "width")
    batch = positive_int(batch, "batch")
    _activation(activation)
    std = init_std(init, width)
    if wrt not in ("weights", "inputs"):
        raise ValueError(f"wrt must be 'weights' or 'inputs', got {wrt!r}")
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, width))
    W = rng.standard_normal((depth, width, width)) * std
    G = rng.standard_normal((batch, width))
    G /= np.linalg.norm(G)
    dW, dh = mlp_gradients(W, X, G, activation, normalize=normalize, residual=residual)
    with np.errstate(over="ignore", invalid="ignore"):
        if wrt == "weights":
            return np.sqrt(np.sum(dW * dW, axis=(1, 2)))
        return np.sqrt(np.sum(dh[:-1] * dh[:-1], axis=(1, 2)))


# --------------------------------------------------------------------------- basins

#: Labels of :class:`BasinMap` for runs that reach no minimum.
DIVERGED = -1
UNSETTLED = -2


@dataclass(frozen=True)
class BasinMap:
    """Where many 1-D descents end, one row per learning rate, one column per start.

    Attributes
    ----------
    starts, lrs : numpy.ndarray
        The grid: ``labels[i, j]`` is the run with learning rate ``lrs[i]`` from
        ``starts[j]``.
    minima : numpy.ndarray
        The candidate minima.
    labels : numpy.ndarray of int
        Index into ``minima`` of the minimum reached; :data:`DIVERGED` (-1) for a run
        that diverged, :data:`UNSETTLED` (-2) for one that neither diverged nor settled
        within ``atol`` of a minimum with a gradient below ``tol`` (e.g. it oscillates).
    final : numpy.ndarray
        The last iterate of every run.
    """

    starts: np.ndarray
    lrs: np.ndarray
    minima: np.ndarray
    labels: np.ndarray
    final: np.ndarray

    def fraction(self, label: int) -> np.ndarray:
        """Per learning rate, the fraction of starts whose label is ``label``."""
        return np.mean(self.labels == label, axis=1)


def basin_map(
    grad: Callable,
    starts,
    lrs,
    minima,
    *,
    steps: int,
    tol: float = 1e-8,
    atol: float = 1e-4,
) -> BasinMap:
    """Run plain gradient descent from every start with every learning rate (vectorised).

    One :func:`gdlib.sweep` over the grid ``lrs x starts``; a run counts as reaching
    minimum ``k`` when its gradient fell below ``tol`` (and it did not diverge) and it
    ends within ``atol`` of ``minima[k]``.

    Examples
    --------
    >>> grad = lambda x: 4 * x**3 - 4 * x          # f = x^4 - 2x^2: minima at -1 and 1
    >>> bm = basin_map(grad, [-1.5, -0.5, 0.5, 1.5], [0.05, 0.3, 0.6], [-1.0, 1.0], steps=500)
    >>> bm.labels.tolist()   # small lr: nearest minimum; 0.3: oscillates; 0.6: diverges
    [[0, 0, 1, 1], [-2, -2, -2, -2], [-1, -1, -1, -1]]
    """
    check_callable(grad, "grad")
    starts = as_finite_array(starts, "starts")
    lrs = as_finite_array(lrs, "lrs")
    minima = as_finite_array(minima, "minima")
    if starts.ndim != 1 or lrs.ndim != 1 or minima.ndim != 1:
        raise ValueError("starts, lrs and minima must be 1-D arrays (a 1-D problem)")
    if np.any(lrs <= 0):
        raise ValueError(f"lrs must be > 0, got a minimum of {lrs.min():g}")
    atol = positive_float(atol, "atol")
    s = sweep(grad, starts[None, :], lr=lrs[:, None], steps=steps, tol=tol, keep_path=False)
    dist = np.abs(s.x[..., None] - minima)  # (n_lr, n_start, n_minima)
    nearest = np.argmin(dist, axis=-1)
    close = np.take_along_axis(dist, nearest[..., None], axis=-1)[..., 0] <= atol
    labels = np.where(close & (s.converged_at >= 0), nearest, UNSETTLED)
    labels = np.where(s.diverged_at >= 0, DIVERGED, labels)
    return BasinMap(starts=starts, lrs=lrs, minima=minima, labels=labels, final=s.x)
