"""The trace: the Wengert list of an evaluation, as named segments of steps (the
forward pass, then the backward pass; forward mode's tangents will be one more).

The animation, the trace view, the picture exporter and the tests all read it;
none of them computes anything. `Trace.state_at(n)` replays the first n steps
into what the canvas shows at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from engine.plan import Edge
from engine.steps import (
    AccumulateStep,
    BackwardStep,
    ForwardStep,
    Phase,
    SeedStep,
    Step,
    TangentStep,
    struck,
    sum_text,
)
from engine.tangent import Tangents, tangent_pass, zeros_like
from engine.values import Value, format_value

if TYPE_CHECKING:
    from engine.evaluate import Evaluation

__all__ = ["AccumulateStep", "BackwardStep", "ForwardStep", "Phase", "SeedStep", "Segment", "Step",
           "TangentStep", "Trace", "TraceState", "build_tangent_trace", "build_trace", "final_state"]

INPUT_STAGE = "input"
"""The stage before any step: the graph with its input values only."""


@dataclass(frozen=True)
class Segment:
    """The steps `start` to `stop` (exclusive) of a trace, all of one phase."""

    phase: Phase
    start: int
    stop: int

    def __len__(self) -> int:
        return self.stop - self.start


@dataclass
class TraceState:
    """What is visible after some steps: values and gradients so far, the step just taken."""

    node_values: dict[str, Value] = field(default_factory=dict)
    node_grads: dict[str, Value] = field(default_factory=dict)
    edge_values: dict[Edge, Value] = field(default_factory=dict)
    edge_grads: dict[Edge, Value] = field(default_factory=dict)
    node_notes: dict[str, str] = field(default_factory=dict)
    """Short text a card shows under its numbers: `seed = 1`, `+= 2.2`, `= 1 + 2.2`."""
    step: Step | None = None
    node_tangents: dict[str, Value] = field(default_factory=dict)
    """Forward mode: each node's tangent so far (a tangent trace only)."""
    edge_tangents: dict[Edge, Value] = field(default_factory=dict)
    """Forward mode: the tangent each wire carries."""
    struck_edges: set[Edge] = field(default_factory=set)
    """Bug mode: wires whose gradient a later arrival overwrote (drawn struck out)."""

    def copy(self) -> TraceState:
        return TraceState(dict(self.node_values), dict(self.node_grads), dict(self.edge_values),
                          dict(self.edge_grads), dict(self.node_notes), self.step, dict(self.node_tangents),
                          dict(self.edge_tangents), set(self.struck_edges))


class Trace:
    """The ordered steps, in segments of one phase each: forward, then backward."""

    def __init__(self, steps: list[Step], segments: tuple[Segment, ...], leaf_values: dict[str, Value]) -> None:
        self.steps = steps
        self.segments = segments
        self.leaf_values = leaf_values
        self._last: tuple[int, TraceState] | None = None
        """The last state replayed: playing forward continues from it, not from step 0."""

    def __len__(self) -> int:
        return len(self.steps)

    def segment(self, phase: Phase) -> Segment | None:
        return next((segment for segment in self.segments if segment.phase is phase), None)

    def count(self, phase: Phase) -> int:
        """How many steps the phase has (0 when the trace has none of it)."""
        segment = self.segment(phase)
        return len(segment) if segment is not None else 0

    @property
    def forward_count(self) -> int:
        return self.count(Phase.FORWARD)

    @property
    def backward_count(self) -> int:
        return self.count(Phase.BACKWARD)

    def segment_at(self, applied: int) -> Segment | None:
        """The segment of the last applied step: None at the start and past the end."""
        if applied <= 0:
            return None
        return next((segment for segment in self.segments if segment.start < applied <= segment.stop), None)

    def phase_at(self, applied: int) -> Phase | None:
        """The phase of the last applied step (None before the first)."""
        segment = self.segment_at(min(applied, len(self.steps)))
        return segment.phase if segment is not None else None

    def position_text(self, applied: int) -> str:
        """`forward 3/5`, `backward 2/4`, `start` or `done` for a number of applied steps."""
        if applied <= 0:
            return "start"
        segment = self.segment_at(applied)
        if segment is None:
            return "done"
        return f"{segment.phase} {applied - segment.start}/{len(segment)}"

    def stage_steps(self, stage: str) -> int:
        """How many steps a named stage (`input`, or a phase: `forward`, `backward`) has
        applied: none, or every step up to the end of that phase's segment (the whole
        trace when it has no such segment, as backward after a failed output)."""
        if stage == INPUT_STAGE:
            return 0
        segment = self.segment(Phase(stage))
        return segment.stop if segment is not None else len(self.steps)

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
    elif isinstance(step, TangentStep):
        state.node_values[step.node] = step.value
        state.node_tangents[step.node] = step.tangent
        for edge, value, tangent in zip(step.in_edges, step.operands, step.source_tangents):
            state.edge_values[edge] = value
            state.edge_tangents[edge] = tangent
        if step.seeded:
            state.node_notes[step.node] = f"seed {format_value(step.tangent)}"
    elif isinstance(step, BackwardStep):
        state.node_grads[step.source] = step.accumulated
        state.edge_grads[step.edge] = step.contribution
        if step.replaced is not None:
            # Bug mode: the earlier arrivals are thrown away, on the card and on their wires.
            lost = struck(format_value(step.replaced))
            state.node_notes[step.source] = f"= {format_value(step.contribution)}  {lost}"
            state.struck_edges.update(edge for edge in state.edge_grads if edge[0] == step.source
                                      and edge != step.edge)
        elif step.arrivals > 1:
            state.node_notes[step.source] = f"+= {format_value(step.contribution)}"
    elif step.overwrite:
        state.node_grads[step.node] = step.total
        state.node_notes[step.node] = f"= {format_value(step.total)}, last only"
    else:
        state.node_grads[step.node] = step.total
        state.node_notes[step.node] = "= " + sum_text(step.contributions, total=step.total)


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
    forward = Segment(Phase.FORWARD, 0, len(steps))
    leaf_values = {ids[i]: plan.leaf_values[i] for i in range(len(plan))
                   if ops[i].is_leaf and plan.leaf_values[i] is not None}
    if not evaluation.ok:
        return Trace(steps, (forward,), leaf_values)

    arrivals = [0] * len(plan)
    for i, grads_here in enumerate(evaluation.edge_grads):
        for port, contribution in enumerate(grads_here or ()):
            if contribution is not None:
                arrivals[plan.sources[i][port]] += 1

    out = plan.output
    overwrite = evaluation.overwrite_fanout
    steps.append(SeedStep(ids[out], names[out], number[out], evaluation.grads[out]))  # type: ignore[arg-type]
    received: dict[int, list[tuple[Edge, Value]]] = {}
    running: dict[int, Value] = {}
    for i in reversed(plan.order):
        if evaluation.grads[i] is None:
            continue
        if arrivals[i] > 1:
            edges, contributions = zip(*received[i])
            steps.append(AccumulateStep(ids[i], names[i], number[i], edges, contributions,
                                        evaluation.grads[i], names[out], overwrite))  # type: ignore[arg-type]
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
            running[source] = contribution if so_far is None or overwrite else so_far + contribution
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
                arrival=len(received[source]), arrivals=arrivals[source], output_name=names[out],
                operands=tuple(values[s] for s in srcs),  # type: ignore[misc]
                overwrite=overwrite, replaced=so_far if overwrite else None))
    return Trace(steps, (forward, Segment(Phase.BACKWARD, forward.stop, len(steps))), leaf_values)


def build_tangent_trace(evaluation: Evaluation, seed: str) -> Trace:
    """Forward mode seeded at the input node `seed` (engine.tangent; TangentSeedError when
    it is not one): the forward steps, then one tangent step per node that has a value,
    in topological order, as a segment of phase TANGENT. The reverse trace
    (`evaluation.trace`) is not changed."""
    tangents = tangent_pass(evaluation, seed)
    reverse = evaluation.trace
    steps: list[Step] = list(reverse.steps[:reverse.forward_count])
    forward = Segment(Phase.FORWARD, 0, len(steps))
    with np.errstate(all="ignore"):
        steps += _tangent_steps(evaluation, tangents)
    return Trace(steps, (forward, Segment(Phase.TANGENT, forward.stop, len(steps))), reverse.leaf_values)


def _tangent_steps(evaluation: Evaluation, tangents: Tangents) -> list[Step]:
    plan = evaluation.plan
    values, ids, names, ops = evaluation.values, plan.ids, plan.names, plan.ops
    seed_name = names[tangents.seed]
    number: dict[int, int] = {}
    steps: list[Step] = []
    for i in plan.order:
        if values[i] is None:
            continue
        number[i] = len(number) + 1  # the forward steps' numbering
        tangent = tangents.tangents[i]
        if tangent is None:  # a problem of its own, or blocked behind one
            continue
        srcs = plan.sources[i]
        operands = tuple(values[s] for s in srcs)
        out = values[i]
        reached = tuple(tangents.depends[s] for s in srcs)
        source_tangents = tuple(tangents.tangents[s] for s in srcs)
        try:
            locals_here = tuple(spec.local(operands, out) for spec in ops[i].ports)
            shares = tuple(spec.jvp(local, t, operands, out) if hit else zeros_like(out)
                           for spec, local, t, hit in zip(ops[i].ports, locals_here, source_tangents, reached))
        except Exception:  # an op's mistake off the seed's path: its tangent is 0, but no formula reads
            continue
        steps.append(TangentStep(
            node=ids[i], name=names[i], number=number[i], op=ops[i],
            in_edges=tuple(plan.in_edges[i]),  # type: ignore[arg-type]
            source_names=tuple(names[s] for s in srcs), source_numbers=tuple(number[s] for s in srcs),
            operands=operands, value=out, locals=locals_here, source_tangents=source_tangents,  # type: ignore[arg-type]
            shares=shares, reached=reached, tangent=tangent, seed_name=seed_name, seeded=i == tangents.seed))
    return steps


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
