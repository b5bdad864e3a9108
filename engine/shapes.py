"""Shapes before numbers: every node's shape from its inputs', checked against
limits before evaluation allocates anything.

A 20000×1 matrix @ a 1×20000 matrix is a 240 KB file whose product holds 400
million numbers (3.2 GB, and as much again for its gradient); a chain of broadcasts
each under any one limit can still add up. `oversized(plan)` walks the plan once
in topological order, using each op's shape rule, and names every node that
would pass one of the limits below; evaluation reports those as problems on
their nodes and never computes them (or what depends on them).

A shape rule takes the ports' shapes and returns the output's shape, the largest
array the op allocates on the way, forward or backward (the output itself for
elementwise ops, prediction − target for mse, the un-summed gradients of a
batched matmul), and its work in multiply-adds. It raises ShapeClash when the
shapes do not combine: evaluation then reports numpy's own words.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from numpy import ndarray

from engine.values import format_shape

if TYPE_CHECKING:
    from engine.plan import Plan

Shape = tuple[int, ...]
ShapeRule = Callable[[Sequence[Shape]], tuple[Shape, Shape, int]]
"""Ports' shapes → (output shape, largest array allocated, multiply-adds)."""

MAX_NUMBERS = 10_000_000
"""Numbers one node may hold (80 MB of float64)."""
MAX_TOTAL_NUMBERS = 50_000_000
"""Numbers the values of a whole graph may hold (400 MB; the gradients as much again)."""
MAX_MULTIPLY_ADDS = 20_000_000_000
"""Multiply-adds the matrix products of a whole graph may take, forward (backward is twice that)."""


class ShapeClash(ValueError):
    """The shapes do not combine under the op's rule."""


def broadcast(a: Shape, b: Shape) -> Shape:
    """numpy's broadcast of two shapes (np.broadcast_shapes costs ten times as much)."""
    if a == b or not b:
        return a
    if not a:
        return b
    if len(a) < len(b):
        a, b = b, a
    b = (1,) * (len(a) - len(b)) + b
    out = []
    for x, y in zip(a, b):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise ShapeClash
    return tuple(out)


def elementwise(shapes: Sequence[Shape]) -> tuple[Shape, Shape, int]:
    out = shapes[0]
    for shape in shapes[1:]:
        out = broadcast(out, shape)
    return out, out, 0


def reduction(shapes: Sequence[Shape]) -> tuple[Shape, Shape, int]:
    """A reduction of all entries to a scalar; its gradient has the input's shape, which exists."""
    return (), (), 0


def loss(shapes: Sequence[Shape]) -> tuple[Shape, Shape, int]:
    """A scalar of an elementwise difference: that difference is the largest array."""
    return (), elementwise(shapes)[0], 0


def matmul(shapes: Sequence[Shape]) -> tuple[Shape, Shape, int]:
    """numpy's matmul: a vector is a row on the left and a column on the right; the
    stacks in front of the last two axes broadcast."""
    a, b = shapes
    if not a or not b:
        raise ShapeClash
    a2 = (1, *a) if len(a) == 1 else a
    b2 = (*b, 1) if len(b) == 1 else b
    n, m = a2[-2:]
    m2, p = b2[-2:]
    if m != m2:
        raise ShapeClash
    batch = broadcast(a2[:-2], b2[:-2])
    out = batch + ((n,) if len(a) > 1 else ()) + ((p,) if len(b) > 1 else ())
    # Backward forms g @ bᵀ (batch×n×m) and aᵀ @ g (batch×m×p) before summing them
    # back to the inputs' shapes.
    largest = max((out, (*batch, n, m), (*batch, m, p)), key=math.prod)
    return out, largest, math.prod(batch) * n * m * p


def clash(rule: ShapeRule | None, shapes: Sequence[Shape]) -> bool:
    """True when the shapes do not combine under an op's rule (None: elementwise):
    numpy's ValueError is then about shapes, not a mistake inside the op."""
    try:
        (rule or elementwise)(shapes)
    except ShapeClash:
        return True
    return False


def _too_big(name: str, op: str, out: Shape, largest: Shape, numbers: int) -> str:
    if largest == out:
        what = f"would hold a {format_shape(out)} array ({numbers:,} numbers)"
    else:
        what = f"would need a {format_shape(largest)} array ({numbers:,} numbers) on the way"
    return f"{name} ({op}) {what}, more than the limit of {MAX_NUMBERS:,}"


def oversized(plan: Plan) -> dict[int, str]:
    """Every node evaluation must not compute, with one sentence naming it and its shape.

    Nothing to do when no leaf holds an array (the common case: no op makes an
    array from scalars); otherwise one flat pass over the plan's integer lists,
    with the usual case (two ports, elementwise) spelled out, as in evaluate.
    """
    leaf_values = plan.leaf_values
    if ndarray not in map(type, leaf_values):
        return {}
    refused: dict[int, str] = {}
    shapes: list[Shape | None] = [None] * len(plan)
    ops, sources = plan.ops, plan.sources
    prod = math.prod
    total = work = 0
    for i in plan.order:
        op = ops[i]
        if op.forward is None:
            value = leaf_values[i]
            if value is not None:
                shape = shapes[i] = value.shape if type(value) is ndarray else ()
                total += prod(shape)
            continue
        srcs = sources[i]
        rule = op.shape_rule
        try:
            if len(srcs) == 2:
                s0, s1 = srcs
                if s0 < 0 or s1 < 0:
                    continue
                a, b = shapes[s0], shapes[s1]
                if a is None or b is None:  # blocked or refused upstream: evaluation says why
                    continue
                if rule is None:
                    out = largest = a if a == b or not b else (b if not a else broadcast(a, b))
                    cost = 0
                else:
                    out, largest, cost = rule((a, b))
            else:
                args = [shapes[s] if s >= 0 else None for s in srcs]
                if None in args:
                    continue
                out, largest, cost = (rule or elementwise)(args)  # type: ignore[arg-type]
        except ShapeClash:  # evaluation reports numpy's own words
            continue
        size = prod(out) if out else 1
        if largest is not out:
            numbers = prod(largest)
            if numbers > MAX_NUMBERS:
                refused[i] = _too_big(plan.names[i], op.name, out, largest, numbers)
                continue
        if size > MAX_NUMBERS:
            refused[i] = _too_big(plan.names[i], op.name, out, out, size)
            continue
        if total + size > MAX_TOTAL_NUMBERS:
            refused[i] = (f"{plan.names[i]} ({op.name}) would bring the numbers the graph's values hold "
                          f"to {total + size:,}, more than the limit of {MAX_TOTAL_NUMBERS:,} in all")
            continue
        if cost and work + cost > MAX_MULTIPLY_ADDS:
            refused[i] = (f"{plan.names[i]} ({op.name}) would bring the graph's matrix products to "
                          f"{work + cost:,} multiply-adds, more than the limit of {MAX_MULTIPLY_ADDS:,}")
            continue
        total += size
        work += cost
        shapes[i] = out
    return refused
