"""The chain-rule texts read back. Every wire label, caption and trace row of every op
and of random graphs is parsed here (by rules written from the textbook form, not
from engine.notation): each number printed must be the step's own upstream, local or
contribution as `format_value` prints it, and those must be the evaluation's numbers;
the left side must name the graph's real output; a compound local derivative must be
bracketed where it is multiplied; matmul never shows `·`. A false text fails."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import ENGINE_SETTINGS, REFERENCE, finite_difference, label_nodes, op_document
from hypothesis import given
from hypothesis import strategies as st
from test_engine_graphs import random_graphs

from engine.document import GraphDocument
from engine.evaluate import Evaluation
from engine.fileformat import read_file
from engine.ops import OPS
from engine.trace import AccumulateStep, BackwardStep, ForwardStep, SeedStep
from engine.values import format_value, shape_of

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"
PLAIN = re.compile(r"[\w.̄′']+")
OPERATORS = set("+−-·×*/÷^@,=<>≤≥")
SUBSCRIPT_DIGITS = "₀₁₂₃₄₅₆₇₈₉"


def as_term(name: str) -> str:
    return name if PLAIN.fullmatch(name) else f"({name})"


def printed(value, preview: int) -> str:
    """How a number stands in a formula: format_value's text, bracketed unless it is one
    term (a negative number, an array's shape and first entries)."""
    text = format_value(value, preview=preview)
    return text if is_single_term(text) else f"({text})"


def is_single_term(text: str) -> bool:
    """No sign in front, no operator or space outside brackets: safe to multiply."""
    if not text or text[0] in "−-+":
        return False
    depth = 0
    for char in text:
        depth += char in "([{"
        depth -= char in ")]}"
        if depth == 0 and (char.isspace() or char in OPERATORS):
            return False
    return True


def split_top(text: str, separator: str) -> list[str]:
    """`text` split at `separator` where it stands outside brackets."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        char = text[i]
        depth += char in "([{"
        depth -= char in ")]}"
        if depth == 0 and text.startswith(separator, i):
            parts.append(text[start:i])
            i += len(separator)
            start = i
            continue
        i += 1
    parts.append(text[start:])
    return parts


def unsum(stage: str, summed: bool, result) -> str:
    """The product inside `Σ(…)` / `Σ→[shape](…)`, which must be there exactly when summed."""
    if not summed:
        assert not stage.startswith("Σ"), stage
        return stage
    prefix = "Σ" if not shape_of(result) else f"Σ→[{'×'.join(map(str, shape_of(result)))}]"
    assert stage.startswith(prefix), f"{stage!r}: the sum back to the source's shape is not written"
    inner = stage[len(prefix):]
    if inner.startswith(" "):
        return inner[1:]
    assert inner.startswith("(") and inner.endswith(")"), stage
    return inner[1:-1]


def close(a: float, b: float) -> bool:
    """Two printed 4-significant-digit numbers whose product or sum is a third."""
    if not (math.isfinite(a) and math.isfinite(b)):
        return True
    return abs(a - b) <= 2e-3 * max(abs(a), abs(b)) + 1e-12


def number_of(text: str) -> float:
    return float(text.strip("()"))


@dataclass
class Reading:
    """What the text must agree with, computed from the document and evaluation alone."""

    document: GraphDocument
    evaluation: Evaluation

    def __post_init__(self) -> None:
        trace = self.evaluation.trace
        self.output = as_term(self.document.name_of(self.evaluation.output))
        self.numbers = {s.node: s.number for s in trace.steps if isinstance(s, ForwardStep)}
        self.arrivals = Counter(s.source for s in trace.steps if isinstance(s, BackwardStep))
        self.into: dict[str, list] = {}
        for s in trace.steps:
            if isinstance(s, BackwardStep):
                self.into.setdefault(s.source, []).append(s.contribution)

    def name(self, node_id: str) -> str:
        return as_term(self.document.name_of(node_id))


def check_backward_numbers(step: BackwardStep, reading: Reading) -> None:
    """The step carries the evaluation's numbers (so printing them prints the truth)."""
    evaluation = reading.evaluation
    assert np.array_equal(step.upstream, evaluation.grad(step.target), equal_nan=True)
    target = evaluation.plan.index[step.target]
    assert np.array_equal(step.contribution, evaluation.edge_grads[target][step.port], equal_nan=True)
    assert np.array_equal(step.local, evaluation.edge_locals[target][step.port], equal_nan=True)


def check_label(step: BackwardStep, text: str, reading: Reading, preview: int) -> None:
    """`∂O/∂S (=|+=) ∂O/∂T · ∂T/∂S = UP · FORMULA = UP · LOCAL = RESULT`, or matmul's own form."""
    assign = "+=" if reading.arrivals[step.source] > 1 else "="
    source, target = reading.name(step.source), reading.name(step.target)
    lhs = f"∂{reading.output}/∂{source} {assign} "
    assert text.startswith(lhs), f"{text!r} should start {lhs!r}"
    *stages, result = text[len(lhs):].split(" = ")
    assert result == format_value(step.contribution, preview=preview), text
    upstream = printed(step.upstream, preview)
    upstream_symbol = f"∂{reading.output}/∂{target}"
    if step.op.name == "matmul":
        assert "·" not in text, text
        other = step.op.port_names[1 - step.port]
        symbolic, values = stages
        other_name = reading.name(reading.document.edge_into(step.target, 1 - step.port)[0])
        expected = [f"{upstream_symbol} @ {other_name}ᵀ", f"{other_name}ᵀ @ {upstream_symbol}"][step.port]
        assert symbolic == expected, f"{text!r}: the {other} port's gradient is {expected}"
        operand = printed(step.local, preview)
        assert values == [f"{upstream} @ {operand}ᵀ", f"{operand}ᵀ @ {upstream}"][step.port], text
        return
    product_shape = np.broadcast_shapes(shape_of(step.local), shape_of(step.upstream))
    summed = product_shape != shape_of(step.contribution)
    stages = [unsum(stage, summed, step.contribution) for stage in stages]
    assert 2 <= len(stages) <= 3, text
    symbolic, *formula, values = stages
    left, local_symbol = symbolic.split(" · ")
    assert left == upstream_symbol, f"{text!r}: the upstream gradient is {upstream_symbol}"
    assert local_symbol.startswith(f"∂{target}/∂"), text
    wrt = local_symbol[len(f"∂{target}/∂"):]
    assert wrt.rstrip(SUBSCRIPT_DIGITS) == source, text
    repeated = sum(1 for e in reading.document.in_edges(step.target) if e[0] == step.source) > 1
    assert (wrt != source) == repeated, f"{text!r}: one node in two ports is two variables (x₁, x₂)"
    for stage in (*formula, values):
        factors = split_top(stage, " · ")
        assert len(factors) == 2, f"{text!r}: {stage!r} is not one product"
        assert factors[0] == upstream, f"{text!r}: {factors[0]!r} is not the upstream gradient {upstream!r}"
        assert is_single_term(factors[1]), f"{text!r}: {factors[1]!r} must be bracketed"
    local = split_top(values, " · ")[1]
    assert local == printed(step.local, preview), f"{text!r}: the local derivative is {step.local}"
    if not summed and not shape_of(step.contribution):
        up, local = (number_of(f) for f in split_top(values, " · "))
        assert close(up * local, float(result)), f"{text!r}: {up} · {local} is not {result}"


def check_row(step: BackwardStep, text: str, reading: Reading) -> None:
    """`v̄S (=|+=) CHAIN = RESULT`, `  (v̄S now TOTAL)` after a later arrival."""
    assign = "+=" if reading.arrivals[step.source] > 1 else "="
    s, t = reading.numbers[step.source], reading.numbers[step.target]
    lhs = f"v̄{s} {assign} "
    assert text.startswith(lhs), f"{text!r} should start {lhs!r}"
    body, _, now = text[len(lhs):].partition("  ")
    assert now == (f"(v̄{s} now {format_value(step.accumulated)})" if step.arrival > 1 else ""), text
    chain, result = body.rsplit(" = ", 1)
    assert result == format_value(step.contribution), text
    assert f"v̄{t}" in chain, text
    if step.op.name == "matmul":
        assert "·" not in text and "@" in chain, text
        return
    summed = np.broadcast_shapes(shape_of(step.local), shape_of(step.upstream)) != shape_of(step.contribution)
    chain = unsum(chain, summed, step.contribution)
    factors = split_top(chain, " · ")
    assert factors[0].lstrip("−") == f"v̄{t}", text
    assert len(factors) <= 2 and all(is_single_term(f) for f in factors[1:]), f"{text!r}: bracket the factor"


def check_step(step, reading: Reading) -> None:
    """Every text of one step against the document and the evaluation."""
    evaluation = reading.evaluation
    if isinstance(step, ForwardStep):
        assert step.label().startswith(f"{reading.document.name_of(step.node)} = "), step.label()
        assert step.label().endswith(f" = {format_value(evaluation.value(step.node))}"), step.label()
        assert step.caption() == step.label()
        for source in step.source_names:
            assert as_term(source) in step.label() or source in step.label(), step.label()
    elif isinstance(step, SeedStep):
        assert step.label() == f"∂{reading.output}/∂{reading.output} = {format_value(evaluation.grad(step.node))}"
        assert step.node == evaluation.output
    elif isinstance(step, BackwardStep):
        check_backward_numbers(step, reading)
        check_label(step, step.label(), reading, preview=1)
        check_label(step, step.caption(), reading, preview=3)
        check_row(step, step.text(), reading)
    else:
        assert isinstance(step, AccumulateStep)
        contributions = reading.into[step.node]
        assert reading.arrivals[step.node] > 1
        total = format_value(evaluation.grad(step.node))
        head, tail = f"∂{reading.output}/∂{reading.name(step.node)} = ", f" = {total}"
        assert step.label().startswith(head) and step.label().endswith(tail), step.label()
        parts = step.label()[len(head):-len(tail)]
        assert step.text() == f"v̄{reading.numbers[step.node]} = {parts} = {total}"
        shown = split_top(parts, " + ")
        assert len(shown) == len(contributions), step.label()
        if shape_of(evaluation.grad(step.node)):
            assert shown == [printed(c, 3) for c in contributions]
        else:
            # Parts are printed to the total's last decimal, so the sum reads true even
            # when they cancel ((-1) + 1.1305 = 0.1305, not (-1) + 1.13 = 0.1305).
            unit = 10.0 ** -len(total.split(".")[1]) if "." in total and "e" not in total else 0.0
            for text, contribution in zip(shown, contributions):
                assert abs(number_of(text) - float(contribution)) <= max(unit, 5e-4 * abs(float(contribution))), text
            if unit:
                error = abs(sum(number_of(p) for p in shown) - float(total))
                assert error <= (len(shown) + 1) * unit / 2 + 1e-12, step.label()
            else:
                assert close(sum(number_of(p) for p in shown), float(total)), step.label()


def check_document(document: GraphDocument) -> Evaluation:
    evaluation = document.evaluation()
    assert evaluation.ok, evaluation.output_problem
    reading = Reading(document, evaluation)
    for step in evaluation.trace.steps:
        check_step(step, reading)
    return evaluation


# ------------------------------------------------------------------ every op
COMPUTED = [op.name for op in OPS if not op.is_leaf]
POSITIVE_ONLY = {"log", "sqrt", "pow"}
"""Ops whose operands are drawn positive here (their domain); the rest see negatives too."""


def op_cases(name: str) -> list[list]:
    if name == "matmul":
        return [[[[1.0, -2.0, 0.5], [0.3, 0.0, 2.0]], [[0.5], [-1.0], [2.0]]],
                [[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]], [[1.0, -1.0], [[2.0, 0.5], [3.0, 1.0]]]]
    first = 0.7 if name in POSITIVE_ONLY else -0.6
    if OPS[name].arity == 1:
        return [[first], [[first, 1.3]]]
    return [[first, 1.3], [[first, 1.1], [1.3, 0.4]], [[first, 1.1], 1.3], [first, [1.3, 0.4]]]


@pytest.mark.parametrize("name", COMPUTED)
def test_every_op_writes_true_chain_rule_text(name: str) -> None:
    for args in op_cases(name):
        document = op_document(name, args)
        document.set_label("out", "y")
        check_document(document)


@pytest.mark.parametrize("name", [n for n in COMPUTED if n != "matmul"])
def test_the_local_derivative_a_label_prints_is_the_partial_derivative(name: str) -> None:
    """On scalars: the `∂T/∂S` the label names is the op's partial derivative (finite differences)."""
    args = [np.float64(a) for a in op_cases(name)[0]]
    evaluation = op_document(name, args).evaluation()
    for step in evaluation.trace.steps:
        if isinstance(step, BackwardStep):
            expected = finite_difference(lambda xs: float(REFERENCE[name](*xs)), args, step.port)
            assert step.local == pytest.approx(float(expected), rel=1e-6, abs=1e-9), step.label()


@pytest.mark.parametrize("name", COMPUTED)
def test_every_op_tooltip_names_what_it_differentiates(name: str) -> None:
    op = OPS[name]
    for port, port_name in enumerate(op.port_names):
        text = op.derivative_text(port)
        left, _, formula = text.partition(" = ")
        assert left.endswith(f"/∂{port_name}") and formula, text
        if name == "matmul":
            assert "·" not in text and "@" in formula and left == f"∂L/∂{port_name}", text
        else:
            # ∂ of the op's output written in its ports: `∂(a × b)/∂a`, `∂tanh(x)/∂x`.
            differentiated = left.removeprefix("∂").removesuffix(f"/∂{port_name}")
            assert is_single_term(differentiated) and port_name in differentiated, text


# ------------------------------------------------------------ random graphs
NAMES = st.sampled_from(["", "u", "x1*w1", "a + b", "t′"])


@ENGINE_SETTINGS
@given(graph=random_graphs(), names=st.lists(NAMES, min_size=20, max_size=20))
def test_random_graphs_write_true_chain_rule_text(graph, names: list[str]) -> None:
    document = label_nodes(graph.document(), names)
    if document.evaluation().ok:
        check_document(document)


# ------------------------------------------------------ the cases in issue 9
def test_tanh_neuron_backward_step_7_reads_as_the_textbook_writes_it() -> None:
    document = GraphDocument.from_spec(read_file(EXAMPLES / "tanh_neuron.json"))
    evaluation = check_document(document)
    trace = evaluation.trace
    step = trace.steps[trace.forward_count + 6]  # backward 7: the seed is backward 1
    assert step.label() == "∂o/∂x2 = ∂o/∂(x2*w2) · ∂(x2*w2)/∂x2 = 0.5 · w2 = 0.5 · 1 = 0.5"
    assert step.text() == "v̄3 = v̄7 · v4 = 0.5"
    seed, first = trace.steps[trace.forward_count: trace.forward_count + 2]
    assert seed.label() == "∂o/∂o = 1"
    assert first.label() == "∂o/∂n = ∂o/∂o · ∂o/∂n = 1 · (1 − o²) = 1 · 0.5 = 0.5"


def three_tanh(x: float) -> GraphDocument:
    """y = 3·tanh(x), with the 3 a constant named `3`."""
    document = GraphDocument()
    document.add_node("input", node_id="x", value=x)
    document.add_node("tanh", node_id="t")
    document.add_node("constant", node_id="three", value=3.0, label="3")
    document.add_node("mul", node_id="y")
    document.add_edge("x", "t", 0)
    document.add_edge("three", "y", 0)
    document.add_edge("t", "y", 1)
    document.set_output("y")
    return document


def test_three_tanh_brackets_the_compound_local_derivative() -> None:
    evaluation = check_document(three_tanh(0.5))
    into_x = [s for s in evaluation.trace.steps if isinstance(s, BackwardStep) and s.source == "x"]
    assert [s.label() for s in into_x] == ["∂y/∂x = ∂y/∂t · ∂t/∂x = 3 · (1 − t²) = 3 · 0.7864 = 2.359"]
    numbers = {s.node: s.number for s in evaluation.trace.steps if isinstance(s, ForwardStep)}
    x, t = numbers["x"], numbers["t"]
    assert into_x[0].text() == f"v̄{x} = v̄{t} · (1 − v{t}²) = 2.359"
    assert evaluation.grad("x") == pytest.approx(3 * (1 - math.tanh(0.5) ** 2), rel=1e-12)


def test_fan_out_accumulates_with_names_and_x_times_x_is_two_variables() -> None:
    document = GraphDocument.from_spec(read_file(EXAMPLES / "fan_out.json"))
    evaluation = check_document(document)
    labels = [s.label() for s in evaluation.trace.steps if isinstance(s, (BackwardStep, AccumulateStep))]
    assert labels[-3:] == ["∂f/∂x += ∂f/∂(x*x) · ∂(x*x)/∂x₁ = 1 · x₂ = 1 · 3 = 3",
                           "∂f/∂x += ∂f/∂(x*x) · ∂(x*x)/∂x₂ = 1 · x₁ = 1 · 3 = 3",
                           "∂f/∂x = 1 + 3 + 3 = 7"]


def test_matmul_keeps_its_own_form_and_a_broadcast_gradient_is_summed() -> None:
    document = GraphDocument.from_spec(read_file(EXAMPLES / "linear_layer_mse.json"))
    evaluation = check_document(document)
    steps = {s.source: s for s in evaluation.trace.steps if isinstance(s, BackwardStep)}
    assert steps["W"].label().startswith("∂loss/∂W = Xᵀ @ ∂loss/∂(X@W) = ([4×3] 0, …)ᵀ @ ([4×1] ")
    assert steps["W"].text().startswith("v̄2 = v1ᵀ @ v̄5 = [3×1] ")
    assert steps["b"].text() == "v̄3 = Σ v̄6 = 0.04228"
    assert steps["b"].label() == ("∂loss/∂b = Σ(∂loss/∂(X@W + b) · ∂(X@W + b)/∂b) = Σ(([4×1] 0.06805, …) · 1)"
                                  " = 0.04228")


# ------------------------------------------------------- false texts must fail
def neuron_step_7() -> tuple[BackwardStep, Reading]:
    document = GraphDocument.from_spec(read_file(EXAMPLES / "tanh_neuron.json"))
    evaluation = document.evaluation()
    return evaluation.trace.steps[evaluation.trace.forward_count + 6], Reading(document, evaluation)


@pytest.mark.parametrize("false_text", [
    "∂(x2*w2)/∂x2 = w2 = 1 · 0.5 = 0.5",  # what the wire said: ∂(x2*w2)/∂x2 is 1, not 0.5
    "∂(x2*w2)/∂x2 = ∂o/∂(x2*w2) · ∂(x2*w2)/∂x2 = 0.5 · w2 = 0.5 · 1 = 0.5",  # not the output's name
    "∂o/∂x2 = ∂o/∂(x2*w2) · ∂(x2*w2)/∂x2 = 1 · w2 = 1 · 0.5 = 0.5",  # upstream and local swapped
    "∂o/∂x2 = ∂o/∂(x2*w2) · ∂(x2*w2)/∂x2 = 0.5 · w2 = 0.5 · 1 = 0.6",  # a wrong product
    "∂o/∂x2 += ∂o/∂(x2*w2) · ∂(x2*w2)/∂x2 = 0.5 · w2 = 0.5 · 1 = 0.5",  # x2 gets one gradient only
])
def test_a_false_label_fails_the_reading(false_text: str) -> None:
    step, reading = neuron_step_7()
    check_label(step, step.label(), reading, preview=1)
    with pytest.raises(AssertionError):
        check_label(step, false_text, reading, preview=1)


def test_an_unbracketed_compound_derivative_fails_the_reading() -> None:
    evaluation = three_tanh(0.5).evaluation()
    reading = Reading(three_tanh(0.5), evaluation)
    step = next(s for s in evaluation.trace.steps if isinstance(s, BackwardStep) and s.source == "x")
    with pytest.raises(AssertionError):
        check_label(step, "∂y/∂x = ∂y/∂t · ∂t/∂x = 3 · 1 − t² = 3 · 0.7864 = 2.359", reading, preview=1)
    with pytest.raises(AssertionError):
        check_row(step, re.sub(r"\((1 − v\d+²)\)", r"\1", step.text()), reading)


def test_a_step_whose_numbers_are_not_the_evaluations_fails_the_reading() -> None:
    step, reading = neuron_step_7()
    with pytest.raises(AssertionError):
        check_backward_numbers(replace(step, upstream=np.float64(1.0)), reading)


def test_a_sum_whose_parts_cancel_prints_them_to_the_totals_decimals() -> None:
    """f = −x + x² at x = 0.56525: ∂f/∂x = −1 + 2x = 0.1305. At 4 significant digits
    each, the parts would read (-1) + 1.13 = 0.1305, which is false as written."""
    document = GraphDocument()
    document.add_node("input", node_id="x", value=0.56525)
    document.add_node("neg", node_id="n")
    document.add_node("square", node_id="s")
    document.add_node("add", node_id="f")
    document.add_edge("x", "n", 0)
    document.add_edge("x", "s", 0)
    document.add_edge("n", "f", 0)
    document.add_edge("s", "f", 1)
    document.set_output("f")
    evaluation = check_document(document)
    total = next(s for s in evaluation.trace.steps if isinstance(s, AccumulateStep))
    assert total.label() == "∂f/∂x = 1.1305 + (-1) = 0.1305"
    assert total.text().endswith(" = 1.1305 + (-1) = 0.1305")
