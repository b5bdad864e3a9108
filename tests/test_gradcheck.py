"""The gradient check (engine.lens.gradcheck): numeric gradients against hand-derived
derivatives, kinks warned rather than failed, bug mode caught, and `eval --check`."""

from __future__ import annotations

import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
from engine_helpers import op_document
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.document import GraphDocument
from engine.evaluate import evaluate_plan
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file
from engine.lens.gradcheck import FAIL, KINK, OK, check_gradients, relative_error

ROOT = Path(__file__).resolve().parent.parent


def example(name: str) -> GraphDocument:
    return GraphDocument.from_spec(read_file(EXAMPLES_DIR / name))


def test_the_neuron_passes_and_its_numbers_are_the_derivatives() -> None:
    document = example("tanh_neuron.json")
    check = check_gradients(document.evaluation())
    values = {node: float(document.value_of(node)) for node in ("x1", "w1", "x2", "w2", "b")}
    n = values["x1"] * values["w1"] + values["x2"] * values["w2"] + values["b"]
    slope = 1.0 - math.tanh(n) ** 2  # do/dn, by hand
    expected = {"x1": values["w1"] * slope, "w1": values["x1"] * slope, "x2": values["w2"] * slope,
                "w2": values["x2"] * slope, "b": slope}
    assert set(check.inputs) == set(expected)
    for node, derivative in expected.items():
        assert check.inputs[node].status == OK
        assert abs(float(check.inputs[node].numeric) - derivative) <= 1e-8
    assert check.ok and check.max_rel_error < 1e-8


def test_bug_mode_on_y_equals_x_times_x_plus_x_fails_x() -> None:
    document = example("y_equals_x_times_x_plus_x.json")
    x = float(document.value_of("x"))
    buggy = evaluate_plan(document.plan(), overwrite_fanout=True)
    check = check_gradients(buggy)
    assert not check.ok and check.inputs["x"].status == FAIL
    assert abs(float(check.inputs["x"].numeric) - (2 * x + 1)) < 1e-7  # d(x² + x)/dx
    assert float(buggy.grad("x")) != 2 * x + 1
    assert check.inputs["x"].rel_error > 0.1
    fixed = check_gradients(document.evaluation())
    assert fixed.ok and fixed.inputs["x"].status == OK


def test_relu_at_zero_and_a_max_tie_are_warned_not_failed() -> None:
    relu = check_gradients(op_document("relu", [0.0]).evaluation())
    assert relu.inputs["in0"].status == KINK and relu.ok
    assert relu.inputs["in0"].kinks == ["out"]
    assert abs(float(relu.inputs["in0"].numeric) - 0.5) < 1e-9  # the average of both sides
    tie = check_gradients(op_document("max", [2.0, 2.0]).evaluation())
    assert {c.status for c in tie.inputs.values()} <= {KINK, OK} and tie.ok
    assert relu.to_json()["kinks"] == ["in0"]
    away = check_gradients(op_document("relu", [0.5]).evaluation())
    assert away.inputs["in0"].status == OK and not away.inputs["in0"].kinks


def test_arrays_get_a_numeric_gradient_of_their_own_shape() -> None:
    check = check_gradients(example("linear_layer_mse.json").evaluation())
    weights = check.inputs["W"]
    assert np.shape(weights.numeric) == np.shape(weights.grad) == (3, 1)
    assert check.ok
    assert "X" not in check.inputs  # a constant gets no gradient and no check


def test_only_inputs_the_output_depends_on_are_checked() -> None:
    document = op_document("mul", [2.0, 3.0])
    document.add_node("input", node_id="stray", value=1.0)
    assert set(check_gradients(document.evaluation()).inputs) == {"in0", "in1"}


def test_relative_error() -> None:
    assert relative_error(2.0, 2.0) == 0.0
    assert relative_error(3.0, 7.0) == 4.0 / 7.0
    assert relative_error(0.0, 1e-12, floor=1e-6) == 1e-6
    assert math.isnan(relative_error(float("nan"), 1.0))


UNARY = ["tanh", "sin", "exp", "sigmoid", "square", "neg"]
BINARY = ["add", "sub", "mul"]


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_random_smooth_graphs_pass(data) -> None:
    """Random DAGs of smooth ops with fan-out: every gradient agrees with central differences."""
    document = GraphDocument()
    nodes = [document.add_node("input", node_id=f"x{i}", value=data.draw(st.floats(-1.5, 1.5), f"x{i}"))
             for i in range(3)]
    for k in range(data.draw(st.integers(1, 8), "size")):
        if data.draw(st.booleans(), f"unary{k}"):
            node = document.add_node(data.draw(st.sampled_from(UNARY), f"op{k}"))
            document.add_edge(data.draw(st.sampled_from(nodes), f"a{k}"), node, 0)
        else:
            node = document.add_node(data.draw(st.sampled_from(BINARY), f"op{k}"))
            document.add_edge(data.draw(st.sampled_from(nodes), f"a{k}"), node, 0)
            document.add_edge(data.draw(st.sampled_from(nodes), f"b{k}"), node, 1)
        nodes.append(node)
    document.set_output(nodes[-1])
    check = check_gradients(document.evaluation())
    assert check.ok, {n: c.summary() for n, c in check.inputs.items()}
    assert all(c.status == OK for c in check.inputs.values())


def test_eval_check_on_the_command_line() -> None:
    path = EXAMPLES_DIR / "tanh_neuron.json"
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "eval", str(path), "--check"],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["check"]["ok"] is True and report["check"]["max_rel_error"] < 1e-8
    assert report["check"]["kinks"] == []
    inputs = {"x1", "w1", "x2", "w2", "b"}
    assert {node for node, entry in report["nodes"].items() if "numeric_grad" in entry} == inputs
    for node in inputs:
        entry = report["nodes"][node]
        assert abs(entry["numeric_grad"] - entry["grad"]) < 1e-8
        assert list(entry) == ["value", "grad", "numeric_grad"]


def test_bug_mode_trace_says_what_it_throws_away() -> None:
    from engine.steps import struck
    from engine.trace import AccumulateStep, BackwardStep

    document = example("y_equals_x_times_x_plus_x.json")
    x = float(document.value_of("x"))
    trace = evaluate_plan(document.plan(), overwrite_fanout=True).trace
    into_x = [step for step in trace.steps if isinstance(step, BackwardStep) and step.source == "x"]
    assert [step.assign for step in into_x] == ["="] * 3
    assert into_x[0].replaced is None and "bug" not in into_x[0].caption()
    for earlier, later in itertools.pairwise(into_x):
        assert later.replaced == earlier.contribution
        assert f"overwrites {struck(format(earlier.contribution, 'g'))}" in later.caption()
    total = next(step for step in trace.steps if isinstance(step, AccumulateStep))
    assert total.total == into_x[-1].contribution
    assert total.label().endswith(f"= {2 * x + 1:g})")  # what summing would give: d(x² + x)/dx
    assert "last arrival only" in total.text()
    fixed = document.evaluation().trace
    assert all(not getattr(step, "overwrite", False) for step in fixed.steps)
