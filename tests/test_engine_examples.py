"""The example graphs in resources/examples: each loads, evaluates without problems,
is laid out left to right, and gives the numbers its lesson is about."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import finite_difference

from engine.document import GraphDocument
from engine.evaluate import Evaluation
from engine.examples import EXAMPLES_DIR, SEED_EXAMPLE, example_files
from engine.fileformat import read_file
from engine.trace import AccumulateStep

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))


def evaluate(name: str) -> Evaluation:
    return GraphDocument.from_spec(read_file(EXAMPLES_DIR / name)).evaluation()


def test_the_examples_are_all_there() -> None:
    assert {path.name for path in EXAMPLES} >= {
        "c_equals_a_times_b.json", "d_equals_a_times_b_plus_c.json", "tanh_neuron.json", "fan_out.json",
        "vector_broadcast.json", "linear_layer_mse.json"}
    assert SEED_EXAMPLE in EXAMPLES
    assert [path for _, path in example_files()] == EXAMPLES


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_evaluates_with_finite_gradients(path: Path) -> None:
    document = GraphDocument.from_spec(read_file(path))
    evaluation = document.evaluation()
    assert evaluation.ok, evaluation.output_problem
    assert not evaluation.problems
    for node_id in document.node_ids():
        op = document.op_of(node_id)
        value, grad = evaluation.value(node_id), evaluation.grad(node_id)
        assert np.all(np.isfinite(value))
        if op.gets_gradient:
            assert grad is not None and np.all(np.isfinite(grad)), node_id
            assert np.shape(grad) == np.shape(value)
        else:
            assert grad is None
    assert len(evaluation.trace) > evaluation.trace.forward_count


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_is_version_1_named_and_laid_out_left_to_right(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["graph"]["format"] == "backprop-studio" and data["graph"]["version"] == 1
    assert data["graph"]["name"] and data["graph"]["output"]
    position = {node["id"]: (node["x"], node["y"]) for node in data["nodes"]}
    for edge in data["edges"]:
        gap = position[edge["target"]][0] - position[edge["source"]][0]
        assert gap >= 200, f"{edge['source']} → {edge['target']} does not run left to right"
    assert max(x for x, _ in position.values()) == position[data["graph"]["output"]][0]


def test_c_equals_a_times_b() -> None:
    evaluation = evaluate("c_equals_a_times_b.json")
    assert evaluation.value("c") == 0.0
    assert (evaluation.grad("a"), evaluation.grad("b")) == (0.0, 1.0)


def test_tanh_neuron_has_micrograds_numbers() -> None:
    evaluation = evaluate("tanh_neuron.json")
    assert evaluation.value("n") == pytest.approx(0.8813735870195432, rel=1e-12)
    assert evaluation.value("o") == pytest.approx(math.sqrt(0.5), rel=1e-12)
    expected = {"o": 1.0, "n": 0.5, "b": 0.5, "x1w1": 0.5, "x2w2": 0.5, "x1": -1.5, "w1": 1.0, "x2": 0.5, "w2": 0.0}
    for node_id, grad in expected.items():
        assert evaluation.grad(node_id) == pytest.approx(grad, rel=1e-12, abs=1e-15), node_id


def test_fan_out_accumulates_both_paths() -> None:
    evaluation = evaluate("fan_out.json")
    x = evaluation.value("x")
    assert evaluation.value("f") == x * x + x
    assert evaluation.grad("x") == 2 * x + 1
    accumulate = [step for step in evaluation.trace.steps if isinstance(step, AccumulateStep)]
    assert [step.node for step in accumulate] == ["x"] and len(accumulate[0].contributions) == 3


def test_vector_broadcast_sums_the_bias_gradient_back_to_a_scalar() -> None:
    evaluation = evaluate("vector_broadcast.json")
    w, x, b = evaluation.value("w"), evaluation.value("x"), evaluation.value("b")
    assert evaluation.value("y") == pytest.approx(float(np.sum(w * x + b)), rel=1e-12)
    assert evaluation.grad("w").tolist() == x.tolist()
    assert evaluation.grad("x").tolist() == w.tolist()
    assert isinstance(evaluation.grad("b"), np.float64) and evaluation.grad("b") == 3.0


def test_linear_layer_mse_matches_finite_differences() -> None:
    evaluation = evaluate("linear_layer_mse.json")
    X, W, b, t = (evaluation.value(n) for n in ("X", "W", "b", "t"))
    assert (X.shape, W.shape, np.shape(b), t.shape) == ((4, 3), (3, 1), (), (4, 1))

    def loss(xs: list[np.ndarray]) -> float:
        p = 1.0 / (1.0 + np.exp(-(X @ xs[0] + xs[1])))
        return float(np.mean((p - t) ** 2))

    assert evaluation.value("loss") == pytest.approx(loss([W, b]), rel=1e-12)
    for which, node_id in enumerate(("W", "b")):
        np.testing.assert_allclose(evaluation.grad(node_id), finite_difference(loss, [W, b], which),
                                   rtol=1e-7, atol=1e-10)
    assert evaluation.grad("X") is None and evaluation.grad("t") is None
