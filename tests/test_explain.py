"""Explain (engine.lens.explain): each sentence is checked against the step's own numbers,
so what it says the gate does is what the gate did."""

from __future__ import annotations

import numpy as np
import pytest
from engine_helpers import op_document

from engine.document import GraphDocument
from engine.evaluate import evaluate_plan
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file
from engine.lens.explain import explain
from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep


def steps_of(document: GraphDocument, overwrite: bool = False):
    return evaluate_plan(document.plan(), overwrite_fanout=overwrite).trace.steps


def example(name: str) -> GraphDocument:
    return GraphDocument.from_spec(read_file(EXAMPLES_DIR / name))


@pytest.mark.parametrize("name", ["tanh_neuron.json", "fan_out.json", "vector_broadcast.json",
                                  "linear_layer_mse.json", "d_equals_a_times_b_plus_c.json"])
def test_every_sentence_is_true_of_its_step(name: str) -> None:
    for step in steps_of(example(name)):
        words = explain(step)
        if isinstance(step, ForwardStep):
            assert words == ""
        elif isinstance(step, SeedStep):
            assert words.startswith("Backward starts at the output") and np.all(step.value == 1.0)
        elif isinstance(step, AccumulateStep):
            count = len(step.contributions)
            assert f"feeds {count} wires" in words and "sum" in words
            assert np.allclose(step.total, sum(step.contributions[1:], step.contributions[0]))
        else:
            check_backward(step, words)


def check_backward(step: BackwardStep, words: str) -> None:
    upstream, contribution, operands = step.upstream, step.contribution, step.operands
    name = step.op.name
    if name == "add":
        assert words.startswith("add distributes the gradient unchanged")
        if step.summed:
            assert "summed back" in words and np.isclose(np.sum(upstream), np.sum(contribution))
        else:
            assert np.array_equal(contribution, upstream)
    elif name == "mul":
        other = step.operand_names[1 - step.port]
        assert words.startswith("mul swaps the inputs") and f"the other input, {other}" in words
        product = np.asarray(upstream) * np.asarray(operands[1 - step.port])
        expected = np.sum(product) if step.summed and np.ndim(contribution) == 0 else product
        assert np.allclose(np.sum(expected), np.sum(contribution))
    elif name == "tanh":
        assert "tanh: times 1 − tanh²" in words
        assert np.isclose(contribution, upstream * (1 - np.tanh(operands[0]) ** 2))
    if step.arrivals > 1:
        assert f"arrival {step.arrival} of {step.arrivals}, added" in words


@pytest.mark.parametrize("a, b", [(3.0, 1.0), (1.0, 3.0), (2.0, 2.0)])
def test_max_routes_to_the_winner(a: float, b: float) -> None:
    for step in steps_of(op_document("max", [a, b])):
        if isinstance(step, BackwardStep):
            words = explain(step)
            assert words.startswith("max routes the gradient to the winner")
            winner = "is the larger" in words
            assert winner == (step.contribution == step.upstream)
            assert (not winner) == (step.contribution == 0.0)
            mine, other = (a, b) if step.port == 0 else (b, a)
            assert winner == (mine > other or (mine == other and step.port == 0))


def test_relu_and_other_ops_in_words() -> None:
    blocked = next(s for s in steps_of(op_document("relu", [-2.0])) if isinstance(s, BackwardStep))
    assert "so the gradient stops here" in explain(blocked) and blocked.contribution == 0.0
    passing = next(s for s in steps_of(op_document("relu", [2.0])) if isinstance(s, BackwardStep))
    assert "so the gradient passes" in explain(passing) and passing.contribution == passing.upstream
    exp = next(s for s in steps_of(op_document("exp", [0.5])) if isinstance(s, BackwardStep))
    assert explain(exp) == "exp: times exp(in0)." and np.isclose(exp.contribution, np.exp(0.5))
    sigmoid = next(s for s in steps_of(op_document("sigmoid", [0.5])) if isinstance(s, BackwardStep))
    assert explain(sigmoid) == "sigmoid: times σ·(1 − σ)."
    into_exponent = [s for s in steps_of(op_document("pow", [2.0, 3.0])) if isinstance(s, BackwardStep)
                     and s.port == 1]
    # x^y written out (bracketed), not "pow·ln x", which would read as a name times ln x
    assert explain(into_exponent[0]) == "pow: times (in0^in1)·ln in0."
    assert np.isclose(into_exponent[0].local, 8.0 * np.log(2.0))


def test_bug_mode_says_the_arrivals_were_not_summed() -> None:
    steps = steps_of(example("y_equals_x_times_x_plus_x.json"), overwrite=True)
    into_x = [s for s in steps if isinstance(s, BackwardStep) and s.source == "x"]
    assert "arrival 1 of 3 is assigned to its gradient (the bug" in explain(into_x[0])
    assert "arrival 2 of 3 overwrites its gradient" in explain(into_x[1])
    total = next(s for s in steps if isinstance(s, AccumulateStep))
    assert "bug mode kept only the last one" in explain(total)
