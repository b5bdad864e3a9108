"""Shared pieces of the engine tests: hypothesis settings, numpy reference versions of
every op (written independently of engine/ops.py), central finite differences, and
small graph builders. Nothing here imports Qt."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from hypothesis import HealthCheck, settings

from engine.document import GraphDocument

ENGINE_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
"""Enough examples to find shape and fan-out mistakes while the engine suite stays
well under a minute; deadline off because the first example pays numpy's warm-up."""

RTOL = 1e-9
ATOL = 1e-9
"""DESIGN.md's bar (1e-9 relative), which the 5-point stencil can check: its error is
O(h⁴) ≈ 1e-16 plus round-off of about 1e-12·|f|. Gradients near 0 are compared
absolutely, against ATOL, far above that round-off for the functions drawn here."""

STEP = 1e-4


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _matmul(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # numpy's rule: a 1-D left operand is a row, a 1-D right operand a column, and
    # the added axis is dropped again from the result.
    out = np.einsum("...ij,...jk->...ik", a if a.ndim > 1 else a[None, :], b if b.ndim > 1 else b[:, None])
    if a.ndim == 1:
        out = out[..., 0, :]
    if b.ndim == 1:
        out = out[..., 0]
    return out


REFERENCE: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: np.exp(b * np.log(a)),
    "neg": lambda x: -x,
    "square": lambda x: x * x,
    "sqrt": lambda x: x ** 0.5,
    "abs": lambda x: np.where(x < 0, -x, x),
    "exp": np.exp,
    "log": np.log,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": lambda x: (np.exp(2 * x) - 1) / (np.exp(2 * x) + 1),
    "sigmoid": _sigmoid,
    "relu": lambda x: np.where(x > 0, x, 0.0),
    "max": lambda a, b: np.where(a >= b, a, b),
    "min": lambda a, b: np.where(a <= b, a, b),
    "sum": lambda x: np.sum(x),
    "mean": lambda x: np.sum(x) / np.size(x),
    "matmul": _matmul,
    "mse": lambda p, t: np.sum((p - t) ** 2) / np.size(np.broadcast_arrays(p, t)[0]),
}
"""Forward of every computed op, by another route than the engine takes (tanh from
exp, pow as exp(b ln a), matmul by einsum), so a shared mistake cannot hide."""


def as_value(array: Any) -> Any:
    """How the engine holds a value: np.float64 for a scalar, a float64 array otherwise."""
    array = np.asarray(array, dtype=np.float64)
    return np.float64(array) if array.ndim == 0 else array.copy()


def finite_difference(f: Callable[[list[np.ndarray]], float], inputs: Sequence[Any], which: int,
                      step: float = STEP) -> np.ndarray:
    """∂f/∂inputs[which], elementwise, by the 5-point central difference (error O(h⁴))."""
    base = [np.array(x, dtype=np.float64) for x in inputs]
    grad = np.zeros(base[which].shape)
    for position in np.ndindex(*base[which].shape):
        samples = []
        for offset in (-2.0, -1.0, 1.0, 2.0):
            moved = [x.copy() for x in base]
            moved[which][position] += offset * step
            samples.append(f(moved))
        grad[position] = (samples[0] - 8.0 * samples[1] + 8.0 * samples[2] - samples[3]) / (12.0 * step)
    return grad


def assert_gradient_close(actual: Any, expected: np.ndarray, what: str) -> None:
    assert actual is not None, f"{what}: no gradient"
    assert np.shape(actual) == expected.shape, f"{what}: gradient shape {np.shape(actual)}, input {expected.shape}"
    if expected.shape == ():
        assert not isinstance(actual, np.ndarray), f"{what}: a scalar's gradient should be np.float64"
    error = np.abs(np.asarray(actual) - expected)
    allowed = RTOL * np.maximum(np.abs(actual), np.abs(expected)) + ATOL
    assert np.all(error <= allowed), f"{what}: engine {actual!r}, finite differences {expected!r}"


def op_document(op: str, args: Sequence[Any], leaf: str = "input") -> GraphDocument:
    """in0, in1, ... → op node `out` (graph output)."""
    document = GraphDocument()
    target = document.add_node(op, node_id="out")
    for port, value in enumerate(args):
        source = document.add_node(leaf, node_id=f"in{port}", value=value)
        document.add_edge(source, target, port)
    document.set_output("out")
    return document


def seed_example() -> GraphDocument:
    """The founding example d = a*(b+c), built in code (not read from its file)."""
    document = GraphDocument()
    for name, value in (("a", 2.2), ("b", -1.8), ("c", 0.1)):
        document.add_node("input", node_id=name, value=value)
    document.add_node("add", node_id="s")
    document.add_node("mul", node_id="d")
    document.add_edge("a", "d", 0)
    document.add_edge("s", "d", 1)
    document.add_edge("b", "s", 0)
    document.add_edge("c", "s", 1)
    return document


def label_nodes(document: GraphDocument, names: Sequence[str]) -> GraphDocument:
    """Give the i-th node the label `names[i]` + i where a name is drawn (awkward names
    such as `x1*w1` or `t′` test the texts' brackets); an empty name leaves the id."""
    for i, node_id in enumerate(document.node_ids()):
        if names[i]:
            document.set_label(node_id, f"{names[i]}{i}")
    return document
