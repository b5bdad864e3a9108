"""Forward mode: one tangent pass, seeded at one `input` node.

The seed's tangent is ones of its shape, every other leaf's is zero; each computed
node's tangent is the sum over its ports of the port's Jacobian-vector product
(engine.ops: `local · ṫ` broadcast forward, sum/mean reduce, matmul `ȧ@b + a@ḃ`,
max/min route the winner's tangent through a 0/1 local). So the tangent at v is
∂v/∂seed · ones. A node that does not depend on the seed has zeros of its value's
shape; internally such a tangent is `None` (a structural zero, as JAX's symbolic
zeros), so it costs nothing and never turns `inf · 0` into nan.

Like evaluation, the pass never raises on a node: an op whose derivative fails is a
problem on that node, and the nodes after it are blocked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.errors import StudioError
from engine.evaluate import BLOCKED, ERROR, Evaluation, Problem, _first_line
from engine.values import Value, ones_like


class TangentSeedError(StudioError):
    """The node asked for as the seed of forward mode is unknown or not an `input`."""


@dataclass
class Tangents:
    """Every node's tangent for one seed."""

    evaluation: Evaluation
    seed: int
    """The seeded node's index in the plan."""
    tangents: list[Value | None]
    """Per node: its tangent; zeros where it does not depend on the seed; None where it has
    no value (or a problem of its own)."""
    depends: list[bool]
    """Per node: True when the seed reaches it (its tangent is not a structural zero)."""
    problems: dict[int, Problem]

    @property
    def seed_id(self) -> str:
        return self.evaluation.plan.ids[self.seed]

    def tangent(self, node_id: str) -> Value | None:
        return self.tangents[self.evaluation.plan.index[node_id]]


def seed_index(evaluation: Evaluation, seed: str) -> int:
    """The plan index of `seed`, which must be an `input` node with a value."""
    plan = evaluation.plan
    index = plan.index.get(seed)
    if index is None:
        raise TangentSeedError(f"there is no node '{seed}' to seed the tangents at")
    op = plan.ops[index]
    if op.name != "input":
        raise TangentSeedError(f"'{seed}' is not an input node (its op is {op.name}); tangents are seeded at an input")
    return index


def zeros_like(value: Value) -> Value:
    if isinstance(value, np.ndarray):
        return np.zeros(value.shape)
    return np.float64(0.0)


def tangent_pass(evaluation: Evaluation, seed: str) -> Tangents:
    """Every node's tangent, seeded at the input node `seed` (TangentSeedError otherwise)."""
    index = seed_index(evaluation, seed)
    with np.errstate(all="ignore"):
        tangents, problems = _push(evaluation, index)
    depends = [t is not None for t in tangents]
    values = evaluation.values
    # Zeros, not None, wherever there is a value: the report and the canvas show 0.
    final = [t if t is not None or v is None or i in problems else zeros_like(v)
             for i, (t, v) in enumerate(zip(tangents, values))]
    return Tangents(evaluation, index, final, depends, problems)


def _push(evaluation: Evaluation, seed: int) -> tuple[list[Value | None], dict[int, Problem]]:
    """The hot loop: flat lists by index, a structural zero (None) where the seed does
    not reach, one JVP per port that it reaches."""
    plan = evaluation.plan
    values = evaluation.values
    count = len(plan)
    tangents: list[Value | None] = [None] * count
    problems: dict[int, Problem] = {}
    ops, sources, names = plan.ops, plan.sources, plan.names
    if values[seed] is None:
        return tangents, problems
    tangents[seed] = ones_like(values[seed])
    for i in plan.order:
        op = ops[i]
        if op.forward is None:
            continue
        out = values[i]
        if out is None:
            continue
        srcs = sources[i]
        if problems:
            blocked = next((s for s in srcs if s in problems), None)
            if blocked is not None:
                problems[i] = Problem(BLOCKED, f"{names[i]} waits for the tangent of {names[blocked]}")
                continue
        # Spelled out for two ports, the common case (as forward and backward do).
        if len(srcs) == 2:
            t0, t1 = tangents[srcs[0]], tangents[srcs[1]]
            if t0 is None and t1 is None:
                continue
            args = (values[srcs[0]], values[srcs[1]])
            port_tangents: tuple[Value | None, ...] = (t0, t1)
        else:
            port_tangents = tuple([tangents[s] for s in srcs])
            if all(t is None for t in port_tangents):
                continue
            args = tuple([values[s] for s in srcs])
        total: Value | None = None
        try:
            for spec, tangent in zip(op.ports, port_tangents):
                if tangent is None:
                    continue
                share = spec.jvp(spec.local(args, out), tangent, args, out)
                # Never in place: a share may be the very array a port's tangent is.
                total = share if total is None else total + share
        except Exception as error:  # any op's mistake is a problem on its node
            problems[i] = Problem(ERROR, f"{names[i]} ({op.name}) failed to push the tangent forward: "
                                         f"{type(error).__name__}: {_first_line(error)}")
            continue
        tangents[i] = total
    return tangents, problems
