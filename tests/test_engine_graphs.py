"""Random graphs (hypothesis): whole-graph gradients against finite differences,
fan-out accumulation, the shape of the trace, and evaluation that never raises."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass

import numpy as np
from engine_helpers import ENGINE_SETTINGS, REFERENCE, as_value, assert_gradient_close, finite_difference
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from engine.document import GraphDocument
from engine.evaluate import Evaluation
from engine.ops import OPS
from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep

SMOOTH = ["add", "sub", "mul", "neg", "square", "tanh", "sin", "cos", "sigmoid", "exp", "sum", "mean", "mse"]


@dataclass
class RandomGraph:
    """Nodes in a topological order (every source comes before its target)."""

    ops: list[str]
    values: list[np.ndarray | None]
    sources: list[list[int]]

    @property
    def output(self) -> int:
        return len(self.ops) - 1

    def ancestors_of_output(self) -> set[int]:
        found = {self.output}
        for i in range(self.output, -1, -1):
            if i in found:
                found.update(self.sources[i])
        return found

    def forward(self, leaf_values: dict[int, np.ndarray]) -> list[np.ndarray]:
        values: list[np.ndarray] = []
        for i, op in enumerate(self.ops):
            if OPS[op].is_leaf:
                values.append(leaf_values.get(i, self.values[i]))
            else:
                values.append(REFERENCE[op](*[values[s] for s in self.sources[i]]))
        return values

    def document(self) -> GraphDocument:
        document = GraphDocument()
        for i, op in enumerate(self.ops):
            document.add_node(op, node_id=f"n{i}", value=self.values[i])
        for i, srcs in enumerate(self.sources):
            for port, source in enumerate(srcs):
                document.add_edge(f"n{source}", f"n{i}", port)
        document.set_output(f"n{self.output}")
        return document


@st.composite
def random_graphs(draw: st.DrawFn, with_arrays: bool = True) -> RandomGraph:
    leaves = draw(st.integers(1, 4), label="leaves")
    computed = draw(st.integers(1, 9), label="computed nodes")
    graph = RandomGraph([], [], [])
    for _ in range(leaves):
        graph.ops.append(draw(st.sampled_from(["input", "input", "constant"])))
        shape = draw(st.sampled_from([(), (), (2,)])) if with_arrays else ()
        graph.values.append(draw(hnp.arrays(np.float64, shape, elements=st.floats(-1.5, 1.5))))
        graph.sources.append([])
    for _ in range(computed):
        op = draw(st.sampled_from(SMOOTH))
        count = len(graph.ops)
        # Half the time a binary op reuses its first operand: a*a, x+x, mse(p, p).
        first = draw(st.integers(0, count - 1))
        srcs = [first if port and draw(st.booleans()) else draw(st.integers(0, count - 1))
                for port in range(OPS[op].arity)]
        if srcs:
            srcs[0] = first
        graph.ops.append(op)
        graph.values.append(None)
        graph.sources.append(srcs)
    return graph


def checked_evaluation(graph: RandomGraph) -> tuple[Evaluation, list[np.ndarray]]:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = graph.forward({})
    # Overflowing or huge values say nothing about the engine and defeat finite differences.
    assume(all(np.all(np.abs(v) < 1e4) for v in expected))
    evaluation = graph.document().evaluation()
    assert evaluation.ok, evaluation.output_problem
    assert not evaluation.problems
    return evaluation, expected


@ENGINE_SETTINGS
@given(graph=random_graphs())
def test_gradients_of_random_graphs_match_finite_differences(graph: RandomGraph) -> None:
    evaluation, expected = checked_evaluation(graph)
    needed = graph.ancestors_of_output()
    leaf_values = {i: as_value(v) for i, v in enumerate(graph.values) if v is not None}
    for i, op in enumerate(graph.ops):
        np.testing.assert_allclose(evaluation.value(f"n{i}"), expected[i], rtol=1e-12, atol=1e-12)
        grad = evaluation.grad(f"n{i}")
        if i not in needed or not OPS[op].gets_gradient:
            assert grad is None, f"n{i} ({op}) should get no gradient"
            continue
        if op != "input":
            assert grad is not None and np.shape(grad) == np.shape(expected[i])
            continue

        def total(xs: list[np.ndarray], i: int = i) -> float:
            return float(np.sum(graph.forward({i: xs[0]})[graph.output]))

        assert_gradient_close(grad, finite_difference(total, [leaf_values[i]], 0), f"input n{i}")


@ENGINE_SETTINGS
@given(graph=random_graphs())
def test_fan_out_sums_the_gradients_of_every_outgoing_wire(graph: RandomGraph) -> None:
    evaluation, _ = checked_evaluation(graph)
    document = graph.document()
    for node_id in document.node_ids():
        grad = evaluation.grad(node_id)
        if grad is None or node_id == f"n{graph.output}":
            continue
        carried = [evaluation.edge_grad(edge) for edge in document.out_edges(node_id)]
        carried = [c for c in carried if c is not None]
        assert carried, f"{node_id} has a gradient but no wire brought one"
        np.testing.assert_allclose(grad, sum(carried[1:], carried[0]), rtol=1e-12, atol=1e-15)


@ENGINE_SETTINGS
@given(graph=random_graphs())
def test_trace_has_one_step_per_node_and_per_gradient_wire_and_accumulates_at_fan_out(graph: RandomGraph) -> None:
    evaluation, _ = checked_evaluation(graph)
    document = graph.document()
    trace = evaluation.trace
    forward = trace.steps[:trace.forward_count]
    backward = trace.steps[trace.forward_count:]

    assert all(isinstance(step, ForwardStep) for step in forward)
    assert sorted(step.node for step in forward) == sorted(document.node_ids())
    done: set[str] = set()
    for step in forward:
        assert {edge[0] for edge in step.in_edges} <= done, "a node computed before its inputs"
        done.add(step.node)

    assert isinstance(backward[0], SeedStep) and backward[0].node == f"n{graph.output}"
    wires = [step for step in backward if isinstance(step, BackwardStep)]
    carrying = {edge for edge in document.edges()
                if evaluation.grad(edge[1]) is not None and document.op_of(edge[0]).gets_gradient}
    assert len(wires) == len({step.edge for step in wires}) == len(carrying)
    assert {step.edge for step in wires} == carrying

    arrivals: dict[str, int] = {}
    for edge in carrying:
        arrivals[edge[0]] = arrivals.get(edge[0], 0) + 1
    accumulations = [step for step in backward if isinstance(step, AccumulateStep)]
    assert sorted(step.node for step in accumulations) == sorted(n for n, k in arrivals.items() if k > 1)
    for step in accumulations:
        assert np.array_equal(step.total, evaluation.grad(step.node))
        np.testing.assert_allclose(sum(step.contributions[1:], step.contributions[0]), step.total, rtol=1e-12)
        position = backward.index(step)
        into = [backward.index(w) for w in wires if w.source == step.node]
        out_of = [backward.index(w) for w in wires if w.target == step.node]
        assert max(into) < position < min(out_of, default=len(backward))
    for node_id, count in arrivals.items():
        last = [w for w in wires if w.source == node_id][-1]
        assert last.arrival == last.arrivals == count
        assert np.array_equal(last.accumulated, evaluation.grad(node_id))

    final = trace.state_at(len(trace))
    for node_id in document.node_ids():
        grad = evaluation.grad(node_id)
        assert (node_id in final.node_grads) == (grad is not None)
        if grad is not None:
            assert np.array_equal(final.node_grads[node_id], grad)
        assert np.array_equal(trace.state_at(trace.forward_count).node_values[node_id], evaluation.value(node_id))


ANY_OP = [op.name for op in OPS]
SHAPES = [(), (), (2,), (3,), (2, 3), (3, 2)]


@st.composite
def messy_documents(draw: st.DrawFn) -> GraphDocument:
    """Anything a person can build: every op, clashing shapes, open ports, leaves
    without values, values that leave a function's domain, several sinks."""
    document = GraphDocument()
    for i in range(draw(st.integers(1, 10))):
        op = draw(st.sampled_from(ANY_OP))
        node_id = f"n{i}"
        document.add_node(op, node_id=node_id)
        if OPS[op].is_leaf:
            shape = draw(st.sampled_from(SHAPES))
            value = draw(st.none() | hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
            document.set_value(node_id, value)
        for port in range(OPS[op].arity):
            if i and draw(st.integers(0, 4)):
                document.add_edge(f"n{draw(st.integers(0, i - 1))}", node_id, port)
    if draw(st.booleans()):
        document.set_output(draw(st.sampled_from(document.node_ids())))
    return document


@ENGINE_SETTINGS
@given(document=messy_documents())
def test_evaluation_never_raises_or_warns_and_explains_every_missing_value(document: GraphDocument) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluation = document.evaluation()
        trace = evaluation.trace
        for step in trace.steps:
            assert step.text() and step.label()
        trace.state_at(len(trace))
        json.dumps(evaluation.to_json())
    for node_id in document.node_ids():
        problem = evaluation.problem(node_id)
        assert (evaluation.value(node_id) is None) == (problem is not None)
        if problem is not None:
            assert problem.message and "\n" not in problem.message
    if evaluation.ok:
        assert evaluation.grad(evaluation.output) is not None
    else:
        assert evaluation.output_problem
        assert all(evaluation.grad(node_id) is None for node_id in document.node_ids())
