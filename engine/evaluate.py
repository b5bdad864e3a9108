"""Run a compiled Plan forward, then backward from the output; never raises. Per-node
problems are reported (an op that raises, forward or backward, is one too, so a
mistake in a custom op is a sentence on its node), numpy's nan/inf flow on."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from engine.ops import Op
from engine.plan import Edge, Plan
from engine.shapes import clash, oversized
from engine.values import Value, format_shape, ones_like, shape_of, value_to_json

if TYPE_CHECKING:
    from engine.trace import Trace

INCOMPLETE = "incomplete"
BLOCKED = "blocked"
FAILED = "failed"
TOO_BIG = "too big"
ERROR = "error"
"""An op raised something other than a clash of shapes: a mistake in the op, not the graph."""


@dataclass(frozen=True)
class Problem:
    """Why a node has no value: a port not wired, a value missing, a shape clash..."""

    kind: str
    message: str


class Evaluation:
    """Every node's value and gradient, every edge's forward value and backward
    contribution, and (built on first use) the trace of primitive steps."""

    def __init__(self, plan: Plan, values: list[Value | None], grads: list[Value | None],
                 problems: dict[int, Problem], edge_locals: list[list[Value] | None],
                 edge_grads: list[list[Value | None] | None], output_problem: str | None,
                 overwrite_fanout: bool = False) -> None:
        self.plan = plan
        self.values = values
        self.grads = grads
        self.problems = problems
        self.edge_locals = edge_locals
        self.edge_grads = edge_grads
        self.output_problem = output_problem
        self.overwrite_fanout = overwrite_fanout
        """Bug mode (engine.lens): backward assigned each arrival instead of adding it."""

    @property
    def output(self) -> str | None:
        return self.plan.ids[self.plan.output] if self.plan.output >= 0 else None

    @property
    def ok(self) -> bool:
        """True when the output's value and every gradient were computed."""
        return self.output_problem is None

    def output_cause(self) -> str | None:
        """Why the output has no value, traced back through the nodes it waits for to
        the first that has a problem of its own (a node too big, a shape clash...)."""
        if self.plan.output_problem is not None or self.plan.output not in self.problems:
            return self.output_problem
        node = self.plan.output
        problem = self.problems[node]
        while problem.kind == BLOCKED:
            node = next(s for s in self.plan.sources[node] if s in self.problems)
            problem = self.problems[node]
        return problem.message

    def value(self, node_id: str) -> Value | None:
        return self.values[self.plan.index[node_id]]

    def grad(self, node_id: str) -> Value | None:
        return self.grads[self.plan.index[node_id]]

    def problem(self, node_id: str) -> Problem | None:
        return self.problems.get(self.plan.index[node_id])

    def edge_value(self, edge: Edge) -> Value | None:
        return self.values[self.plan.index[edge[0]]]

    def edge_grad(self, edge: Edge) -> Value | None:
        """The contribution this edge carried back to its source, if it carried one."""
        target = self.plan.index[edge[1]]
        grads = self.edge_grads[target]
        if grads is None:
            return None
        port = self.plan.in_edges[target].index(edge)
        return grads[port]

    @cached_property
    def trace(self) -> Trace:
        from engine.trace import build_trace

        return build_trace(self)

    def to_json(self) -> dict[str, Any]:
        """The `main.py eval` report: {"output": ID, "nodes": {ID: {"value", "grad"}}}."""
        plain = value_to_json
        nodes = {
            node_id: {"value": plain(value), "grad": None if grad is None else plain(grad)}
            for node_id, value, grad in zip(self.plan.ids, self.values, self.grads)
        }
        return {"output": self.output, "nodes": nodes}


def _describe_shapes(args: tuple[Value, ...]) -> str:
    return " and ".join(format_shape(shape_of(a)) for a in args)


def _first_line(error: Exception) -> str:
    return str(error).split("\n")[0].rstrip(". ")


def _failure(name: str, op: Op, args: tuple[Value, ...], error: Exception) -> Problem:
    """numpy's ValueError over shapes the op's rule refuses is a shape problem; anything
    else an op raises is reported as it is, naming the node."""
    if isinstance(error, ValueError) and clash(op.shape_rule, [shape_of(a) for a in args]):
        return Problem(FAILED, f"{name} ({op.name}) cannot combine shapes {_describe_shapes(args)}: "
                               f"{_first_line(error)}")
    return Problem(ERROR, f"{name} ({op.name}) failed: {type(error).__name__}: {_first_line(error)}")


class _BackwardFailed(Exception):
    """An op's local derivative or VJP raised; evaluate_plan reports it on the node."""

    def __init__(self, node: int, problem: Problem) -> None:
        super().__init__(problem.message)
        self.node = node
        self.problem = problem


def _forward(plan: Plan, refused: dict[int, Problem] | None = None) -> tuple[
        list[Value | None], dict[int, Problem]]:
    """Every value that can be computed; `refused` nodes (see engine.shapes) are not."""
    values: list[Value | None] = [None] * len(plan)
    problems: dict[int, Problem] = dict(refused) if refused else {}
    ops, sources, leaf_values, names = plan.ops, plan.sources, plan.leaf_values, plan.names
    for i in plan.order:
        op = ops[i]
        forward = op.forward
        if forward is None:
            value = leaf_values[i]
            if value is None:
                problems[i] = Problem(INCOMPLETE, f"{names[i]} has no value")
            values[i] = value
            continue
        srcs = sources[i]
        if -1 in srcs:
            missing = ", ".join(op.port_names[p] for p, s in enumerate(srcs) if s < 0)
            problems[i] = Problem(INCOMPLETE, f"{names[i]} ({op.name}) has nothing wired into {missing}")
            continue
        # A node is without a value exactly when it has a problem, and looking in
        # `problems` (usually empty) avoids testing every argument against None.
        if problems:
            if i in problems:  # refused before it was computed
                continue
            blocked = next((s for s in srcs if s in problems), None)
            if blocked is not None:
                problems[i] = Problem(BLOCKED, f"{names[i]} waits for {names[blocked]}, which has no value")
                continue
        try:
            # Spelled out for two ports, the common case, as in _backward.
            if len(srcs) == 2:
                values[i] = forward(values[srcs[0]], values[srcs[1]])
            else:
                values[i] = forward(*[values[s] for s in srcs])
        except Exception as error:  # any op's mistake is a problem on its node
            problems[i] = _failure(names[i], op, tuple(values[s] for s in srcs), error)
    for i in plan.unordered:
        problems[i] = Problem(FAILED, f"{names[i]} is on a cycle")
    return values, problems


def _backward(plan: Plan, values: list[Value | None], overwrite: bool = False) -> tuple[
        list[Value | None], list[list[Value] | None], list[list[Value | None] | None]]:
    count = len(plan)
    grads: list[Value | None] = [None] * count
    edge_locals: list[list[Value] | None] = [None] * count
    edge_grads: list[list[Value | None] | None] = [None] * count
    ops, sources = plan.ops, plan.sources
    gets_gradient = [op.gets_gradient for op in ops]
    grads[plan.output] = ones_like(values[plan.output])
    for i in reversed(plan.order):
        upstream = grads[i]
        if upstream is None:
            continue
        op = ops[i]
        if op.forward is None:
            continue
        srcs = sources[i]
        # Spelled out for two ports, the common case: a comprehension costs four times as much.
        args = (values[srcs[0]], values[srcs[1]]) if len(srcs) == 2 else tuple([values[s] for s in srcs])
        out = values[i]
        locals_here: list[Value] = [None] * len(srcs)  # type: ignore[list-item]
        grads_here: list[Value | None] = [None] * len(srcs)
        for port, spec in enumerate(op.ports):
            source = srcs[port]
            if not gets_gradient[source]:
                continue
            try:
                local = spec.local(args, out)
                contribution = spec.vjp(local, upstream, args, out, port)
                previous = grads[source]
                # Never in place: a contribution may be the very array another node holds.
                # `overwrite`: the teaching bug, `x.grad = ...` where `+=` belongs.
                grads[source] = contribution if previous is None or overwrite else previous + contribution
            except Exception as error:  # reported on the node, as in forward
                raise _BackwardFailed(i, Problem(
                    ERROR, f"{plan.names[i]} ({op.name}) failed to pass the gradient back to its input {spec.name}: "
                           f"{type(error).__name__}: {_first_line(error)}")) from error
            locals_here[port] = local
            grads_here[port] = contribution
        edge_locals[i] = locals_here
        edge_grads[i] = grads_here
    return grads, edge_locals, edge_grads


def evaluate_plan(plan: Plan, overwrite_fanout: bool = False) -> Evaluation:
    """Forward every node that can be computed; backward when the output has a value.
    `overwrite_fanout` is bug mode: a node keeps only the last gradient that reaches it."""
    refused = {i: Problem(TOO_BIG, message) for i, message in oversized(plan).items()}
    with np.errstate(all="ignore"):
        values, problems = _forward(plan, refused)
        output_problem = plan.output_problem
        if output_problem is None and plan.output in problems:
            output_problem = problems[plan.output].message
        grads: list[Value | None] = [None] * len(plan)
        edge_locals: list[list[Value] | None] = [None] * len(plan)
        edge_grads: list[list[Value | None] | None] = [None] * len(plan)
        if output_problem is None:
            try:
                grads, edge_locals, edge_grads = _backward(plan, values, overwrite_fanout)
            except _BackwardFailed as failure:
                # No gradient is known once one step of the chain rule is missing.
                problems[failure.node] = failure.problem
                output_problem = failure.problem.message
    return Evaluation(plan, values, grads, problems, edge_locals, edge_grads, output_problem, overwrite_fanout)
