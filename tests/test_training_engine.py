"""Training in the engine: the optimisers against steps worked by hand, the compiled
graph's gradients against the evaluator's and central differences, the trainable
key in files and documents, and the toy datasets and CSV reading."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.document import GraphDocument
from engine.errors import BadValue, EditRefused, FileFormatError, StudioError
from engine.evaluate import evaluate_plan
from engine.fileformat import parse_data
from engine.report import plan_from_spec
from engine.training.boundary import BoundarySource, boundary_image, find_boundary, predict
from engine.training.datasets import DATASETS, read_csv, toy_dataset
from engine.training.networks import mlp_data
from engine.training.optimizers import SGD, Adam, Momentum, make_optimizer
from engine.training.run import CompiledGraph, LossNotFinite, Trainer, TrainingError, trainable_ids
from tests.engine_helpers import finite_difference


def _arrays(*numbers: float) -> list[np.ndarray]:
    return [np.array(n, dtype=np.float64) for n in numbers]


# ------------------------------------------------------------ optimisers by hand
def test_sgd_step_is_p_minus_lr_g():
    params = _arrays(1.0, -2.0)
    SGD(0.1).step(params, [np.float64(0.5), np.float64(-4.0)])
    assert params[0] == pytest.approx(0.95, rel=1e-15)
    assert params[1] == pytest.approx(-1.6, rel=1e-15)


def test_momentum_buffer_starts_as_the_first_gradient_then_decays_by_point_nine():
    (p,) = params = _arrays(1.0)
    opt = Momentum(0.1)
    opt.step(params, [np.float64(0.5)])  # b = 0.5
    assert p == pytest.approx(1.0 - 0.1 * 0.5, rel=1e-15)
    opt.step(params, [np.float64(2.0)])  # b = 0.9·0.5 + 2
    assert p == pytest.approx(0.95 - 0.1 * (0.45 + 2.0), rel=1e-15)
    opt.step(params, [np.float64(0.0)])  # b = 0.9·2.45
    assert p == pytest.approx(0.95 - 0.245 - 0.1 * 0.9 * 2.45, rel=1e-15)


def test_momentum_does_not_keep_the_gradient_array_it_was_given():
    params = [np.zeros(2)]
    grad = np.array([1.0, 2.0])
    opt = Momentum(1.0)
    opt.step(params, [grad])
    opt.step(params, [np.zeros(2)])
    assert grad.tolist() == [1.0, 2.0]
    assert params[0].tolist() == pytest.approx([-1.9, -3.8])


def test_adam_two_steps_with_bias_correction_as_pytorch():
    (p,) = params = _arrays(1.0)
    lr, b1, b2, eps, g1, g2 = 0.1, 0.9, 0.999, 1e-8, 0.5, -1.5
    opt = Adam(lr)
    opt.step(params, [np.float64(g1)])
    # m = 0.1·g, v = 0.001·g², corrected by 1 − 0.9 and 1 − 0.999: the step is lr·g/(|g| + eps)
    p1 = 1.0 - lr * g1 / (abs(g1) + eps)
    assert p == pytest.approx(p1, rel=1e-14)
    opt.step(params, [np.float64(g2)])
    m = b1 * (1 - b1) * g1 + (1 - b1) * g2
    v = b2 * (1 - b2) * g1 ** 2 + (1 - b2) * g2 ** 2
    p2 = p1 - lr / (1 - b1 ** 2) * m / (math.sqrt(v) / math.sqrt(1 - b2 ** 2) + eps)
    assert p == pytest.approx(p2, rel=1e-14)


def test_make_optimizer_refuses_unknown_names_and_bad_rates():
    assert isinstance(make_optimizer("adam", 0.01), Adam)
    with pytest.raises(StudioError, match="no optimiser called 'rmsprop'"):
        make_optimizer("rmsprop", 0.1)
    with pytest.raises(StudioError, match="positive"):
        make_optimizer("sgd", -1.0)


# ---------------------------------------------------------- the compiled graph
def _doc(nodes: list[tuple[str, str, object, bool]], edges: list[tuple[str, str, int]], output: str) -> GraphDocument:
    document = GraphDocument()
    for node_id, op, value, trainable in nodes:
        document.add_node(op, node_id=node_id, value=value, extra={"trainable": True} if trainable else None)
    for source, target, port in edges:
        document.add_edge(source, target, port)
    document.set_output(output)
    return document


def _trainer(document: GraphDocument, optimizer: str = "sgd", lr: float = 0.1) -> Trainer:
    return Trainer(document.plan(), trainable_ids(document.graph.nodes(data=True)), optimizer, lr)


def test_one_sgd_step_on_a_squared_error_by_hand():
    # L = (w·x − t)², w = 0.5, x = 3, t = 2: L = 0.25, dL/dw = 2(wx − t)·x = −3
    document = _doc([("w", "input", 0.5, True), ("x", "input", 3.0, False), ("t", "input", 2.0, False),
                     ("wx", "mul", None, False), ("e", "sub", None, False), ("L", "square", None, False)],
                    [("w", "wx", 0), ("x", "wx", 1), ("wx", "e", 0), ("t", "e", 1), ("e", "L", 0)], "L")
    trainer = _trainer(document, "sgd", 0.01)
    assert trainer.step() == pytest.approx(0.25)
    assert trainer.parameter_values()["w"] == pytest.approx(0.5 + 0.01 * 3.0)
    assert trainer.current_loss() == pytest.approx((0.53 * 3 - 2) ** 2)
    assert document.value_of("w") == 0.5  # the document is not touched


def test_an_array_output_is_summed_into_the_loss():
    document = _doc([("w", "input", 2.0, True), ("x", "input", [1.0, 2.0, 3.0], False), ("y", "mul", None, False)],
                    [("w", "y", 0), ("x", "y", 1)], "y")
    trainer = _trainer(document, "sgd", 0.1)
    assert trainer.step() == pytest.approx(12.0)
    assert trainer.parameter_values()["w"] == pytest.approx(2.0 - 0.1 * 6.0)


def _moons_graph(hidden=(4, 3), n=12, output_activation=None):
    x, y = toy_dataset("moons", n, seed=3)
    spec = parse_data(mlp_data(x, y, hidden, seed=5, output_activation=output_activation))
    return plan_from_spec(spec), trainable_ids(spec.nodes)


def test_compiled_gradients_are_the_evaluators_and_central_differences():
    plan, params = _moons_graph(output_activation="sigmoid")
    graph = CompiledGraph(plan, params)
    graph.loss()
    grads = dict(zip(params, graph.gradients()))
    evaluation = evaluate_plan(plan)
    for node_id in params:
        np.testing.assert_allclose(grads[node_id], evaluation.grad(node_id), rtol=1e-12, atol=1e-15)
    # and numerically, for each entry of W2
    w2 = plan.index["W2"]

    def loss_at(inputs: list[np.ndarray]) -> float:
        graph.params[params.index("W2")][...] = inputs[0]
        return graph.loss()

    numeric = finite_difference(loss_at, [graph.values[w2].copy()], 0)
    np.testing.assert_allclose(grads["W2"], numeric, rtol=1e-7, atol=1e-10)


@settings(max_examples=12, deadline=None)
@given(st.sampled_from(["add", "sub", "mul", "div", "max", "min"]),
       st.sampled_from(["tanh", "sigmoid", "exp", "square", "sin", "relu", "abs", "neg"]),
       st.sampled_from([(), (3,), (2, 3), (1, 3)]))
def test_fan_out_and_broadcasting_match_the_evaluator(binary, unary, shape):
    rng = np.random.default_rng(len(shape))
    x = rng.uniform(0.5, 1.5, (2, 3)).tolist()
    w = rng.uniform(0.5, 1.5, shape).tolist() if shape else 0.7
    # L = Σ binary(unary(w), x) · w: w fans out to two places, broadcast against x
    document = _doc([("w", "input", w, True), ("x", "input", x, False), ("u", unary, None, False),
                     ("b", binary, None, False), ("m", "mul", None, False), ("L", "sum", None, False)],
                    [("w", "u", 0), ("u", "b", 0), ("x", "b", 1), ("b", "m", 0), ("w", "m", 1), ("m", "L", 0)], "L")
    graph = CompiledGraph(document.plan(), ["w"])
    assert graph.loss() == pytest.approx(float(document.evaluation().value("L")), rel=1e-13)
    np.testing.assert_allclose(graph.gradients()[0], document.evaluation().grad("w"), rtol=1e-12, atol=1e-14)


def test_the_boundary_reruns_the_graph_on_a_grid_up_to_the_prediction():
    plan, params = _moons_graph()
    graph = CompiledGraph(plan, params)
    assert find_boundary(plan, graph.values, params) == BoundarySource("X", "y", "z3")
    grid = np.array([[0.0, 0.0], [1.0, -1.0], [2.0, 0.5]])
    out = predict(plan, graph.values, "z3", {"X": grid})  # y (12 rows) would not fit the loss
    w = {k: graph.values[plan.index[k]] for k in ("W1", "b1", "W2", "b2", "W3", "b3")}
    expected = np.tanh(np.tanh(grid @ w["W1"] + w["b1"]) @ w["W2"] + w["b2"]) @ w["W3"] + w["b3"]
    np.testing.assert_allclose(out, expected, rtol=1e-13)
    assert graph.values[plan.index["X"]].shape == (12, 2)
    image, (left, bottom, width, _height) = boundary_image(plan, graph.values, BoundarySource("X", "y", "z3"), 5)
    assert image.shape == (5, 5)
    corner = predict(plan, graph.values, "z3", {"X": np.array([[left + width, bottom]])})
    assert image[0, -1] == pytest.approx(float(corner[0, 0]))  # row 0 is the lowest x₂, the last column the largest x₁
    assert find_boundary(plan, graph.values, ["X", *params]) is None  # X trained: it is not the data


def test_training_refuses_without_a_trainable_input_and_stops_on_nan():
    document = _doc([("w", "input", 0.5, False), ("y", "log", None, False)], [("w", "y", 0)], "y")
    with pytest.raises(TrainingError, match="no trainable input"):
        _trainer(document)
    document.set_trainable("w", True)
    trainer = _trainer(document, "sgd", 1.0)  # w = 0.5 − 1/0.5 = −1.5, whose log is nan
    assert trainer.step() == pytest.approx(math.log(0.5))
    with pytest.raises(LossNotFinite, match="the loss became nan at step 2"):
        trainer.step()
    assert trainer.parameter_values() == {"w": -1.5}  # not moved by the step that failed


def test_a_trainable_input_the_output_ignores_is_not_a_parameter():
    document = _doc([("w", "input", 0.5, True), ("v", "input", 1.0, True), ("y", "square", None, False)],
                    [("w", "y", 0)], "y")
    assert list(_trainer(document).parameter_values()) == ["w"]
    document.remove_edge(("w", "y", 0))
    document.add_edge("v", "y", 0)
    document.set_trainable("v", False)
    with pytest.raises(TrainingError, match="does not depend on the trainable input w"):
        _trainer(document)


def test_sgd_training_lowers_the_loss_of_the_mlp():
    plan, params = _moons_graph()
    for optimizer in ("sgd", "momentum", "adam"):
        trainer = Trainer(plan, params, optimizer, 0.05)
        losses = [trainer.step() for _ in range(60)]
        assert losses[-1] < 0.7 * losses[0], optimizer


# ------------------------------------------------------- the file and the document
def test_trainable_round_trips_and_must_be_a_boolean_on_an_input():
    x, y = toy_dataset("line", 5)
    data = mlp_data(x, y, (), seed=0)
    document = GraphDocument.from_spec(parse_data(data))
    assert document.is_trainable("W1") and not document.is_trainable("X")
    saved = document.to_data()
    assert [n["id"] for n in saved["nodes"] if n.get("trainable") is True] == ["W1", "b1"]
    data["nodes"][0]["trainable"] = "yes"
    with pytest.raises(FileFormatError, match="\"trainable\": \"yes\"; it must be true or false"):
        parse_data(data)
    data["nodes"][0]["trainable"] = True
    data["nodes"][2]["op"] = "constant"
    with pytest.raises(FileFormatError, match="only an input node can be"):
        parse_data(data)


def test_set_trainable_is_announced_and_refused_on_a_computed_node():
    document = _doc([("a", "input", 1.0, False), ("n", "neg", None, False)], [("a", "n", 0)], "n")
    seen = []
    document.node_changed.subscribe(seen.append)
    document.set_trainable("a", True)
    assert document.is_trainable("a") and seen == ["a"]
    document.set_trainable("a", False)
    assert "trainable" not in document.attrs("a")
    with pytest.raises(EditRefused, match="only an input can be trainable"):
        document.set_trainable("n", True)


# ------------------------------------------------------------------------- data
def test_toy_datasets_reproduce_from_their_seed():
    for name in DATASETS:
        x, y = toy_dataset(name, 20, seed=7)
        again, _ = toy_dataset(name, 20, seed=7)
        other, _ = toy_dataset(name, 20, seed=8)
        assert x.shape[0] == y.shape[0] == 20 and y.shape[1] == 1
        assert np.array_equal(x, again) and not np.array_equal(x, other)
    x, y = toy_dataset("xor", 50)
    assert set(np.unique(y)) == {0.0, 1.0}
    assert np.array_equal(y[:, 0] == 1.0, x[:, 0] * x[:, 1] > 0)


def test_read_csv_reads_numbers_skips_a_header_and_names_the_bad_place(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("x1,x2\n1,2\n3.5, -4\n\n")
    assert read_csv(good).tolist() == [[1.0, 2.0], [3.5, -4.0]]
    column = tmp_path / "column.csv"
    column.write_text("1\n2\n")
    assert read_csv(column).shape == (2, 1)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2\n3\n")
    with pytest.raises(BadValue, match=r"Cannot load ragged.csv: row 2 has 1 values, but row 1 has 2"):
        read_csv(ragged)
    words = tmp_path / "words.csv"
    words.write_text("1,2\n3,abc\n")
    with pytest.raises(BadValue, match="row 2, column 2 holds 'abc', which is not a number"):
        read_csv(words)
    with pytest.raises(BadValue, match=r"Cannot read missing\.csv"):
        read_csv(tmp_path / "missing.csv")
