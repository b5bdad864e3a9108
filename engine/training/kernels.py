"""One closure per node forward and per wire backward, for training (engine.training.run).

Each closure reads and writes a flat list of values (and of gradients) by integer
index: what a step of training runs thousands of times a second. The backward
closures use the op table's own local derivatives and VJPs, except for the few
cases the small networks of a lesson spend their time in (matmul of two matrices,
tanh, add with a bias broadcast over rows), which are spelled out for the shapes
the graph has when it is compiled: the same numpy operations, without the checks
the general VJP makes on every call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from engine.ops import Op

Forward = Callable[[list[Any]], None]
Backward = Callable[[list[Any], list[Any]], None]
Gradient = Callable[[list[Any], list[Any]], Any]
"""(values, grads) → the contribution one wire carries back to its source."""


def forward_kernel(i: int, op: Op, sources: Sequence[int], values: list[Any] | None = None) -> Forward:
    """values[i] = op(values of its sources). `values` is unused: forward closures work
    on any list of values of any shapes (a grid in place of the data)."""
    f = op.forward
    assert f is not None
    if len(sources) == 1:
        (a,) = sources

        def run(v: list[Any]) -> None:
            v[i] = f(v[a])
    elif len(sources) == 2:
        a, b = sources

        def run(v: list[Any]) -> None:
            v[i] = f(v[a], v[b])
    else:
        srcs = tuple(sources)

        def run(v: list[Any]) -> None:
            v[i] = f(*[v[s] for s in srcs])
    return run


def _shape(value: Any) -> tuple[int, ...]:
    return value.shape if type(value) is np.ndarray else ()


def _special(i: int, op: Op, port: int, sources: Sequence[int], values: list[Any]) -> Gradient | None:
    """A spelled-out contribution for the shapes in `values`, or None for the general one."""
    out_shape = _shape(values[i])
    arg_shapes = [_shape(values[s]) for s in sources]
    if op.name == "matmul" and len(arg_shapes[0]) == 2 and len(arg_shapes[1]) == 2:
        a, b = sources
        if port == 0:
            return lambda v, g: g[i] @ v[b].T  # ∂L/∂a = ḡ @ bᵀ
        return lambda v, g: v[a].T @ g[i]  # ∂L/∂b = aᵀ @ ḡ
    if op.name == "tanh" and out_shape:
        return lambda v, g: g[i] * (1.0 - v[i] * v[i])
    if op.name == "add" and len(out_shape) == 2:
        shape = arg_shapes[port]
        if shape == out_shape:
            return lambda v, g: g[i]
        if shape == (1, out_shape[1]):
            return lambda v, g: g[i].sum(axis=0, keepdims=True)
        if shape == (out_shape[1],):
            return lambda v, g: g[i].sum(axis=0)
    return None


def _general(i: int, op: Op, port: int, sources: Sequence[int]) -> Gradient:
    spec = op.ports[port]
    local, vjp = spec.local, spec.vjp
    if len(sources) == 1:
        (a,) = sources

        def contribution(v: list[Any], g: list[Any]) -> Any:
            args = (v[a],)
            out = v[i]
            return vjp(local(args, out), g[i], args, out, port)
    elif len(sources) == 2:
        a, b = sources

        def contribution(v: list[Any], g: list[Any]) -> Any:
            args = (v[a], v[b])
            out = v[i]
            return vjp(local(args, out), g[i], args, out, port)
    else:
        srcs = tuple(sources)

        def contribution(v: list[Any], g: list[Any]) -> Any:
            args = tuple([v[s] for s in srcs])
            out = v[i]
            return vjp(local(args, out), g[i], args, out, port)
    return contribution


def backward_kernel(i: int, op: Op, port: int, sources: Sequence[int], values: list[Any],
                    accumulate: bool) -> Backward:
    """Carry node i's gradient back through `port` to its source: stored there, or added
    to what other wires already carried (fan-out), never in place (a contribution may be
    an array another node holds)."""
    contribution = _special(i, op, port, sources, values) or _general(i, op, port, sources)
    s = sources[port]
    if accumulate:
        def run(v: list[Any], g: list[Any]) -> None:
            g[s] = g[s] + contribution(v, g)
    else:
        def run(v: list[Any], g: list[Any]) -> None:
            g[s] = contribution(v, g)
    return run
