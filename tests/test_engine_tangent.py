"""Forward mode (engine.tangent): every op and random graphs against central finite
differences along the seed's direction (ones of the seed's shape), and against the
reverse-mode gradient (Σ tangent of the output seeded at x = Σ of x's gradient); the
tanh neuron; a 100,000-node chain; seeds that are not inputs; a failing op."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import ENGINE_SETTINGS, REFERENCE, STEP, as_value, op_document
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_engine_evaluation import CHAIN, chain_data
from test_engine_graphs import RandomGraph, checked_evaluation, random_graphs
from test_engine_ops import BROADCAST_PAIRS, DOMAINS, ELEMENTWISE, SHAPES, matmul_shapes

from engine.document import GraphDocument
from engine.fileformat import read_file
from engine.ops import OPS, Op, PortSpec
from engine.plan import compile_plan
from engine.report import evaluate_file
from engine.tangent import TangentSeedError, tangent_pass

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"
RTOL = 1e-7
ATOL = 1e-9
"""As test_engine_jvp: a directional difference of a whole graph loses a little more."""


def along(f, base: np.ndarray) -> np.ndarray:
    """d/dε f(base + ε·ones) at ε = 0, by the 5-point central difference."""
    ones = np.ones(np.shape(base))

    def at(epsilon: float) -> np.ndarray:
        return np.asarray(f(base + epsilon * ones), dtype=np.float64)
    return (at(-2 * STEP) - 8 * at(-STEP) + 8 * at(STEP) - at(2 * STEP)) / (12 * STEP)


def check_op(op: str, args: list[np.ndarray]) -> None:
    document = op_document(op, [as_value(a) for a in args])
    evaluation = document.evaluation()
    assert evaluation.ok, evaluation.output_problem
    for port in range(len(args)):
        tangents = tangent_pass(evaluation, f"in{port}")
        tangent = tangents.tangent("out")

        def moved(x: np.ndarray, port: int = port) -> np.ndarray:
            return REFERENCE[op](*[x if p == port else a for p, a in enumerate(args)])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = along(moved, np.asarray(args[port], dtype=np.float64))
        what = f"{op} seeded at port {port}, shapes {[np.shape(a) for a in args]}"
        assert np.shape(tangent) == np.shape(evaluation.value("out")), what
        np.testing.assert_allclose(tangent, expected, rtol=RTOL, atol=ATOL, err_msg=what)
        # The seed is ones; the other input, not seeded, is zeros of its shape.
        assert np.array_equal(tangents.tangent(f"in{port}"), np.ones(np.shape(args[port])))
        for other in range(len(args)):
            if other != port:
                assert np.array_equal(tangents.tangent(f"in{other}"), np.zeros(np.shape(args[other])))
        # Reverse mode read the other way: Σ ȯ = ⟨1, J·1⟩ = ⟨Jᵀ·1, 1⟩ = Σ ∂o/∂x.
        np.testing.assert_allclose(np.sum(tangent), np.sum(evaluation.grad(f"in{port}")), rtol=1e-9, atol=1e-12)


def _draw(data: st.DataObject, op: str, shapes: list[tuple[int, ...]]) -> list[np.ndarray]:
    return [data.draw(hnp.arrays(np.float64, shape, elements=domain), label=f"port {port}")
            for port, (shape, domain) in enumerate(zip(shapes, DOMAINS[op]))]


@pytest.mark.parametrize("op", ELEMENTWISE)
@ENGINE_SETTINGS
@given(data=st.data())
def test_every_op_on_scalars_matches_finite_differences(op: str, data: st.DataObject) -> None:
    check_op(op, _draw(data, op, [()] * OPS[op].arity))


@pytest.mark.parametrize("op", ELEMENTWISE)
@ENGINE_SETTINGS
@given(data=st.data())
def test_every_op_on_broadcast_arrays_matches_finite_differences(op: str, data: st.DataObject) -> None:
    shapes = [data.draw(SHAPES)] if OPS[op].arity == 1 else list(data.draw(BROADCAST_PAIRS).input_shapes)
    check_op(op, _draw(data, op, shapes))


@ENGINE_SETTINGS
@given(shapes=matmul_shapes(), data=st.data())
def test_matmul_matches_finite_differences(shapes, data: st.DataObject) -> None:
    check_op("matmul", _draw(data, "matmul", list(shapes)))


def test_the_ops_cover_the_registry() -> None:
    assert {*ELEMENTWISE, "matmul"} == {op.name for op in OPS if not op.is_leaf}


@ENGINE_SETTINGS
@given(graph=random_graphs())
def test_random_graphs_match_finite_differences_and_the_gradient(graph: RandomGraph) -> None:
    evaluation, expected = checked_evaluation(graph)
    needed = graph.ancestors_of_output()
    for seed, op in enumerate(graph.ops):
        if op != "input":
            continue
        tangents = tangent_pass(evaluation, f"n{seed}")
        base = as_value(graph.values[seed])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for node in range(len(graph.ops)):
                def value_of(x: np.ndarray, node: int = node, seed: int = seed) -> np.ndarray:
                    return graph.forward({seed: x})[node]
                tangent = tangents.tangent(f"n{node}")
                assert np.shape(tangent) == np.shape(expected[node]), f"n{node}'s tangent shape"
                np.testing.assert_allclose(tangent, along(value_of, np.asarray(base)), rtol=RTOL, atol=ATOL,
                                           err_msg=f"n{node} seeded at n{seed}")
        if seed in needed:
            output_tangent = tangents.tangent(f"n{graph.output}")
            np.testing.assert_allclose(np.sum(output_tangent), np.sum(evaluation.grad(f"n{seed}")), rtol=1e-9,
                                       atol=1e-12)
        else:
            assert not np.any(tangents.tangent(f"n{graph.output}"))


def test_tanh_neuron_seeded_at_w1_gives_do_dw1_and_the_five_inputs_give_the_five_gradients() -> None:
    evaluation = evaluate_file(EXAMPLES / "tanh_neuron.json")
    tangents = tangent_pass(evaluation, "w1")
    assert tangents.tangent("o") == pytest.approx(1.0, abs=1e-12)
    inputs = [node for node, op in zip(evaluation.plan.ids, evaluation.plan.ops) if op.name == "input"]
    assert len(inputs) == 5
    for node in inputs:
        assert tangent_pass(evaluation, node).tangent("o") == pytest.approx(evaluation.grad(node), abs=1e-15), node
    # Nodes the seed does not reach are zeros, not missing.
    assert tangents.tangent("x2w2") == 0.0 and not tangents.depends[evaluation.plan.index["x2w2"]]


def test_a_100000_node_chain_runs_without_recursion(tmp_path: Path) -> None:
    path = tmp_path / "chain.json"
    import json

    path.write_text(json.dumps(chain_data(CHAIN)), encoding="utf-8")
    evaluation = evaluate_file(path)
    tangents = tangent_pass(evaluation, "n0")
    # n_i = n_(i−1) + x: ∂n_i/∂x = i + 1.
    assert tangents.tangent(f"n{CHAIN - 1}") == CHAIN
    assert tangents.tangent(f"n{CHAIN // 2}") == CHAIN // 2 + 1


@pytest.mark.parametrize(("seed", "sentence"), [
    ("nowhere", "there is no node 'nowhere' to seed the tangents at"),
    ("n", "'n' is not an input node (its op is add); tangents are seeded at an input"),
])
def test_a_seed_that_is_not_an_input_is_refused_in_one_sentence(seed: str, sentence: str) -> None:
    evaluation = GraphDocument.from_spec(read_file(EXAMPLES / "tanh_neuron.json")).evaluation()
    with pytest.raises(TangentSeedError) as refused:
        tangent_pass(evaluation, seed)
    assert str(refused.value) == sentence


def test_a_constant_is_not_a_seed() -> None:
    document = op_document("mul", [2.0, 3.0], leaf="constant")
    with pytest.raises(TangentSeedError, match="its op is constant"):
        tangent_pass(document.evaluation(), "in0")


def _broken(args, out):
    raise ZeroDivisionError("the derivative is broken")


BROKEN = Op("broken", "b", "Test", "x", "broken({x})", lambda x: 2.0 * x, (PortSpec("x", "2", _broken),))


def test_an_op_whose_derivative_fails_is_a_problem_on_its_node_not_an_exception() -> None:
    """x → broken → y (neg); z = x + 1 keeps its tangent."""
    from engine.evaluate import evaluate_plan
    from engine.plan import PlanNode

    nodes = [PlanNode("x", OPS["input"], np.float64(1.0)), PlanNode("b", BROKEN), PlanNode("y", OPS["neg"]),
             PlanNode("z", OPS["add"])]
    plan = compile_plan(nodes, [("x", "b", 0, 0), ("b", "y", 0, 0), ("x", "z", 0, 0), ("x", "z", 1, 1)], "z")
    evaluation = evaluate_plan(plan)
    tangents = tangent_pass(evaluation, "x")
    assert tangents.tangent("z") == 2.0
    assert tangents.tangent("b") is None and tangents.tangent("y") is None
    assert "b (broken) failed to push the tangent forward: ZeroDivisionError" in tangents.problems[1].message
    assert tangents.problems[2].message == "y waits for the tangent of b"
