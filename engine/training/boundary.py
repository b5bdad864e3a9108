"""The picture of a 2-D classifier: the model's output over a grid of the plane, with
the data on top. It is the same graph run again with the data X (an N×2 input)
replaced by the grid's points, up to the node that predicts (the one the loss
compares with the targets y), so it shows exactly what the graph computes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.plan import Plan
from engine.training.kernels import forward_kernel
from engine.values import Value

GRID = 96
"""Points per side of the grid (96² rows through a small MLP: about a millisecond)."""


@dataclass(frozen=True)
class BoundarySource:
    """Which nodes the picture uses: the data, the targets, the prediction."""

    x: str
    y: str | None
    prediction: str


def _reach(plan: Plan, start: int) -> list[bool]:
    """Nodes `start`'s value flows into (itself included)."""
    reached = [False] * len(plan)
    reached[start] = True
    for i in plan.order:
        if not reached[i] and any(s >= 0 and reached[s] for s in plan.sources[i]):
            reached[i] = True
    return reached


def find_boundary(plan: Plan, values: Sequence[Value | None], trainable: Sequence[str]) -> BoundarySource | None:
    """The data input X (N×2, not trainable), the targets y (another data input with N
    rows) and the prediction: the last node, in the order of evaluation, that X flows
    into and y does not, and that feeds a node y flows into (mse(p, y)'s p). None when
    the graph has no such shape."""
    if plan.output < 0:
        return None
    fixed = [i for i, op in enumerate(plan.ops) if op.name == "input" and plan.ids[i] not in set(trainable)]
    shapes = {i: np.shape(values[i]) for i in fixed if values[i] is not None}
    for x in (i for i in fixed if len(shapes.get(i, ())) == 2 and shapes[i][1] == 2 and shapes[i][0] >= 3):
        rows = shapes[x][0]
        from_x = _reach(plan, x)
        if not from_x[plan.output]:
            continue
        targets = [i for i in fixed if i != x and shapes.get(i, (0,))[:1] == (rows,) and _reach(plan, i)[plan.output]]
        if not targets:
            continue
        y = targets[0]
        from_y = _reach(plan, y)
        candidates = [i for i in plan.order if from_x[i] and not from_y[i] and i != x
                      and any(from_y[t] for t in _consumers(plan, i))]
        if candidates:
            return BoundarySource(plan.ids[x], plan.ids[y], plan.ids[candidates[-1]])
    return None


def _consumers(plan: Plan, node: int) -> list[int]:
    return [t for t, srcs in enumerate(plan.sources) if node in srcs]


Box = tuple[float, float, float, float]
"""(left, bottom, width, height) in the data's coordinates."""


def grid_points(x: np.ndarray, side: int = GRID, margin: float = 0.15) -> tuple[np.ndarray, Box]:
    """A side×side grid over the data's box widened by `margin` of its size, as rows
    (x₁, x₂) in row-major order (row r is the r-th value of x₂), and the box
    (left, bottom, width, height)."""
    low, high = x.min(axis=0), x.max(axis=0)
    pad = (high - low) * margin + 1e-9
    low, high = low - pad, high + pad
    xs, ys = np.linspace(low[0], high[0], side), np.linspace(low[1], high[1], side)
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], 1), (low[0], low[1], high[0] - low[0], high[1] - low[1])


def predict(plan: Plan, values: Sequence[Any], target: str, replacements: Mapping[str, Value]) -> Value:
    """Node `target`'s value with some leaves replaced, computing only what it depends
    on (the targets y, whose rows would not match the grid's, are never used)."""
    t = plan.index[target]
    wanted = _reach_back(plan, t)
    current = list(values)
    for node_id, value in replacements.items():
        current[plan.index[node_id]] = value
    with np.errstate(all="ignore"):
        for i in plan.order:
            if wanted[i] and not plan.ops[i].is_leaf:
                forward_kernel(i, plan.ops[i], plan.sources[i])(current)
    return current[t]


def _reach_back(plan: Plan, target: int) -> list[bool]:
    seen = [False] * len(plan)
    seen[target] = True
    pending = [target]
    while pending:
        for source in plan.sources[pending.pop()]:
            if source >= 0 and not seen[source]:
                seen[source] = True
                pending.append(source)
    return seen


def boundary_image(plan: Plan, values: Sequence[Any], source: BoundarySource,
                   side: int = GRID) -> tuple[np.ndarray, Box] | None:
    """The prediction over the grid as a side×side array (row r is the r-th x₂), and the
    box it covers; None if the graph cannot run on the grid (a prediction of another
    shape, a failed op)."""
    x = values[plan.index[source.x]]
    points, box = grid_points(np.asarray(x), side)
    try:
        out = predict(plan, values, source.prediction, {source.x: points})
    except Exception:  # the graph was not made for other rows: no picture, not an error
        return None
    out = np.asarray(out, dtype=np.float64)
    if out.size != side * side:
        return None
    return out.reshape(side, side), box
