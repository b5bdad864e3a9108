"""The trace: the Wengert list of an evaluation, forward steps then backward steps.

The animation, the trace view, the picture exporter and the tests all read it;
none of them computes anything. `Trace.state_at(n)` replays the first n steps
into what the canvas shows at that moment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from engine.ops import Op
from engine.plan import Edge
from engine.values import Value, format_value, is_array

if TYPE_CHECKING:
    from engine.evaluate import Evaluation

_SIMPLE_NAME = re.compile(r"[\w.̄′']+")

FORWARD = "forward"
BACKWARD = "backward"


def _v(number: int) -> str:
    return f"v{number}"


def _vbar(number: int) -> str:
    return f"v̄{number}"


def _term(name: str) -> str:
    """A name as a term in a formula: `x1*w1` reads as `(x1*w1)` inside `∂/∂…` or `1/…`."""
    return name if _SIMPLE_NAME.fullmatch(name) else f"({name})"


def _fill(template: str, op: Op, names: tuple[str, ...], out: str, grad: str = "") -> str:
    mapping = {port: _term(name) for port, name in zip(op.port_names, names)}
    mapping["out"] = _term(out)
    mapping["grad"] = grad
    return template.format(**mapping)


@dataclass(frozen=True)
class ForwardStep:
    """A node computes its value from the values arriving on its input wires."""

    node: str
    name: str
    number: int
    op: Op
    in_edges: tuple[Edge, ...]
    source_names: tuple[str, ...]
    source_numbers: tuple[int, ...]
    inputs: tuple[Value, ...]
    value: Value
    phase: str = field(default=FORWARD, init=False)

    def text(self) -> str:
        """Wengert form: `v4 = v1 × v3 = -3.74`."""
        if self.op.is_leaf:
            return f"{_v(self.number)} = {self.name} = {format_value(self.value)}"
        formula = _fill(self.op.forward_text, self.op, tuple(map(_v, self.source_numbers)), _v(self.number))
        return f"{_v(self.number)} = {formula} = {format_value(self.value)}"

    def label(self) -> str:
        """With names: `d = a × s = -3.74`."""
        if self.op.is_leaf:
            return f"{self.name} = {format_value(self.value)}"
        formula = _fill(self.op.forward_text, self.op, self.source_names, self.name)
        return f"{self.name} = {formula} = {format_value(self.value)}"


@dataclass(frozen=True)
class SeedStep:
    """Backward starts: the output's gradient is ones of its shape."""

    node: str
    name: str
    number: int
    value: Value
    phase: str = field(default=BACKWARD, init=False)

    def text(self) -> str:
        ones = "ones" if is_array(self.value) else "1"
        return f"{_vbar(self.number)} = {ones}  (seed: ∂{_term(self.name)}/∂{_term(self.name)})"

    def label(self) -> str:
        return f"∂{_term(self.name)}/∂{_term(self.name)} = {format_value(self.value)}"


@dataclass(frozen=True)
class BackwardStep:
    """One wire carries a gradient back: local derivative · upstream = contribution."""

    edge: Edge
    source: str
    target: str
    source_name: str
    target_name: str
    source_number: int
    target_number: int
    port: int
    op: Op
    operand_names: tuple[str, ...]
    operand_numbers: tuple[int, ...]
    local: Value
    upstream: Value
    contribution: Value
    accumulated: Value
    arrival: int
    """1 for the first contribution to reach the source, 2 for the second, ..."""
    arrivals: int
    """How many contributions reach the source in all (more than 1 at fan-out)."""
    phase: str = field(default=BACKWARD, init=False)

    def derivative(self) -> str:
        """`∂d/∂s = a`: the local derivative named after the nodes."""
        spec = self.op.ports[self.port]
        body = _fill(spec.derivative, self.op, self.operand_names, self.target_name)
        return f"∂{_term(self.target_name)}/∂{_term(self.source_name)} = {body}"

    def text(self) -> str:
        """Wengert form: `v̄1 += v̄4 · v3 = -1.7`."""
        spec = self.op.ports[self.port]
        operands = tuple(map(_v, self.operand_numbers))
        derivative = _fill(spec.derivative, self.op, operands, _v(self.target_number))
        chain = spec.chain_text.format(
            grad=_vbar(self.target_number), derivative=derivative,
            **dict(zip(self.op.port_names, operands)))
        text = f"{_vbar(self.source_number)} += {chain} = {format_value(self.contribution)}"
        if self.arrival > 1:
            text += f"  (v̄{self.source_number} now {format_value(self.accumulated)})"
        return text

    def label(self) -> str:
        """The chain-rule step for the wire: `∂d/∂s = a = 2.2 · 1 = 2.2`. An array shows
        its shape and first entry only (three of them make the label too wide for a wire)."""
        local, upstream, contribution = (format_value(v, preview=1) for v in
                                         (self.local, self.upstream, self.contribution))
        return f"{self.derivative()} = {local} · {upstream} = {contribution}"


@dataclass(frozen=True)
class AccumulateStep:
    """A node that feeds several wires sums the gradients they brought back."""

    node: str
    name: str
    number: int
    edges: tuple[Edge, ...]
    contributions: tuple[Value, ...]
    total: Value
    output_name: str = "L"
    """The name of what is differentiated (the output), for `∂o/∂x = …`."""
    phase: str = field(default=BACKWARD, init=False)

    def text(self) -> str:
        parts = " + ".join(format_value(c) for c in self.contributions)
        return f"{_vbar(self.number)} = {parts} = {format_value(self.total)}"

    def label(self) -> str:
        parts = " + ".join(format_value(c) for c in self.contributions)
        return f"∂{_term(self.output_name)}/∂{_term(self.name)} = {parts} = {format_value(self.total)}"


Step = ForwardStep | SeedStep | BackwardStep | AccumulateStep


@dataclass
class TraceState:
    """What is visible after some steps: values and gradients so far, the step just taken."""

    node_values: dict[str, Value] = field(default_factory=dict)
    node_grads: dict[str, Value] = field(default_factory=dict)
    edge_values: dict[Edge, Value] = field(default_factory=dict)
    edge_grads: dict[Edge, Value] = field(default_factory=dict)
    edge_labels: dict[Edge, str] = field(default_factory=dict)
    node_notes: dict[str, str] = field(default_factory=dict)
    """Short text a card shows under its numbers: `seed = 1`, `+= 2.2`, `= 1 + 2.2`."""
    step: Step | None = None

    def copy(self) -> TraceState:
        return TraceState(dict(self.node_values), dict(self.node_grads), dict(self.edge_values),
                          dict(self.edge_grads), dict(self.edge_labels), dict(self.node_notes), self.step)


class Trace:
    """The ordered steps; forward ones first."""

    def __init__(self, steps: list[Step], forward_count: int, leaf_values: dict[str, Value]) -> None:
        self.steps = steps
        self.forward_count = forward_count
        self.leaf_values = leaf_values
        self._last: tuple[int, TraceState] | None = None
        """The last state replayed: playing forward continues from it, not from step 0."""

    def __len__(self) -> int:
        return len(self.steps)

    @property
    def backward_count(self) -> int:
        return len(self.steps) - self.forward_count

    def position_text(self, applied: int) -> str:
        """`forward 3/5`, `backward 2/4`, `start` or `done` for a number of applied steps."""
        if applied <= 0:
            return "start"
        if applied <= self.forward_count:
            return f"forward {applied}/{self.forward_count}"
        if applied < len(self.steps) or self.backward_count:
            return f"backward {applied - self.forward_count}/{self.backward_count}"
        return "done"

    def stage_steps(self, stage: str) -> int:
        """How many steps a named stage (`input`, `forward`, `backward`) has applied."""
        return {"input": 0, FORWARD: self.forward_count, BACKWARD: len(self.steps)}[stage]

    def state_at(self, applied: int) -> TraceState:
        """Replay the first `applied` steps; leaf values are visible from the start.
        Each call returns a state of its own (callers may keep or change it)."""
        applied = max(0, min(applied, len(self.steps)))
        if self._last is not None and self._last[0] <= applied:
            done, state = self._last[0], self._last[1].copy()
        else:
            done, state = 0, TraceState(node_values=dict(self.leaf_values))
        for step in self.steps[done:applied]:
            _apply(state, step)
            state.step = step
        self._last = (applied, state.copy())
        return state


def _apply(state: TraceState, step: Step) -> None:
    if isinstance(step, ForwardStep):
        state.node_values[step.node] = step.value
        for edge, value in zip(step.in_edges, step.inputs):
            state.edge_values[edge] = value
    elif isinstance(step, SeedStep):
        state.node_grads[step.node] = step.value
        state.node_notes[step.node] = f"seed {format_value(step.value)}"
    elif isinstance(step, BackwardStep):
        state.node_grads[step.source] = step.accumulated
        state.edge_grads[step.edge] = step.contribution
        state.edge_labels[step.edge] = step.label()
        if step.arrivals > 1:
            state.node_notes[step.source] = f"+= {format_value(step.contribution)}"
    else:
        state.node_grads[step.node] = step.total
        state.node_notes[step.node] = "= " + " + ".join(format_value(c) for c in step.contributions)


def build_trace(evaluation: Evaluation) -> Trace:
    """The steps of an evaluation: one per node forward; the seed; one per wire that
    carries a gradient back; one accumulation per node that receives several."""
    with np.errstate(all="ignore"):
        return _build_trace(evaluation)


def _build_trace(evaluation: Evaluation) -> Trace:
    plan = evaluation.plan
    values, ids, names, ops = evaluation.values, plan.ids, plan.names, plan.ops
    number: dict[int, int] = {}
    steps: list[Step] = []
    for i in plan.order:
        if values[i] is None:
            continue
        number[i] = len(number) + 1
        srcs = plan.sources[i]
        steps.append(ForwardStep(
            node=ids[i], name=names[i], number=number[i], op=ops[i],
            in_edges=tuple(plan.in_edges[i]),  # type: ignore[arg-type]
            source_names=tuple(names[s] for s in srcs),
            source_numbers=tuple(number[s] for s in srcs),
            inputs=tuple(values[s] for s in srcs), value=values[i]))
    forward_count = len(steps)
    leaf_values = {ids[i]: plan.leaf_values[i] for i in range(len(plan))
                   if ops[i].is_leaf and plan.leaf_values[i] is not None}
    if not evaluation.ok:
        return Trace(steps, forward_count, leaf_values)

    arrivals = [0] * len(plan)
    for i, grads_here in enumerate(evaluation.edge_grads):
        for port, contribution in enumerate(grads_here or ()):
            if contribution is not None:
                arrivals[plan.sources[i][port]] += 1

    out = plan.output
    steps.append(SeedStep(ids[out], names[out], number[out], evaluation.grads[out]))  # type: ignore[arg-type]
    received: dict[int, list[tuple[Edge, Value]]] = {}
    running: dict[int, Value] = {}
    for i in reversed(plan.order):
        if evaluation.grads[i] is None:
            continue
        if arrivals[i] > 1:
            edges, contributions = zip(*received[i])
            steps.append(AccumulateStep(ids[i], names[i], number[i], edges, contributions,
                                        evaluation.grads[i], names[out]))  # type: ignore[arg-type]
        grads_here = evaluation.edge_grads[i]
        if grads_here is None:
            continue
        srcs = plan.sources[i]
        for port, contribution in enumerate(grads_here):
            if contribution is None:
                continue
            source = srcs[port]
            edge = plan.in_edges[i][port]
            so_far = running.get(source)
            running[source] = contribution if so_far is None else so_far + contribution
            received.setdefault(source, []).append((edge, contribution))  # type: ignore[arg-type]
            steps.append(BackwardStep(
                edge=edge, source=ids[source], target=ids[i],  # type: ignore[arg-type]
                source_name=names[source], target_name=names[i],
                source_number=number[source], target_number=number[i], port=port, op=ops[i],
                operand_names=tuple(names[s] for s in srcs),
                operand_numbers=tuple(number[s] for s in srcs),
                local=evaluation.edge_locals[i][port],  # type: ignore[index]
                upstream=evaluation.grads[i],  # type: ignore[arg-type]
                contribution=contribution, accumulated=running[source],
                arrival=len(received[source]), arrivals=arrivals[source]))
    return Trace(steps, forward_count, leaf_values)


def final_state(evaluation: Evaluation) -> TraceState:
    """What the whole trace leaves visible, read straight from the evaluation (no
    steps built): every value, every gradient, every wire's value and contribution."""
    plan = evaluation.plan
    state = TraceState()
    ids = plan.ids
    for node_id, value, grad in zip(ids, evaluation.values, evaluation.grads):
        if value is not None:
            state.node_values[node_id] = value
        if grad is not None:
            state.node_grads[node_id] = grad
    for target, edges in enumerate(plan.in_edges):
        grads_here = evaluation.edge_grads[target]
        for port, edge in enumerate(edges):
            if edge is None:
                continue
            value = evaluation.values[plan.sources[target][port]]
            if value is not None:
                state.edge_values[edge] = value
            if grads_here is not None and grads_here[port] is not None:
                state.edge_grads[edge] = grads_here[port]
    return state
