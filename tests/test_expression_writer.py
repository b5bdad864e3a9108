"""Graph → text → graph: every shipped example and random graphs come back with the same
output value and the same gradient on every labelled input; names are made safe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from engine_helpers import ENGINE_SETTINGS
from hypothesis import given
from hypothesis import strategies as st

from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.expression import parse_program
from engine.expression.builder import build_document, build_fragment
from engine.expression.names import safe_name
from engine.expression.writer import CannotWrite, ExpressionWriter, format_number, write_expression
from engine.fileformat import read_file

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))


def assert_same_results(original: GraphDocument) -> None:
    writer = ExpressionWriter(original, None)
    rebuilt = build_document(writer.write())
    ours, theirs = rebuilt.evaluation(), original.evaluation()
    np.testing.assert_allclose(ours.value(ours.output), theirs.value(theirs.output), rtol=1e-12, equal_nan=True)
    inputs = [n for n in original.node_ids() if original.op_of(n).name == "input" and n in original.ancestors(
        theirs.output)]
    rebuilt_by_name = {rebuilt.name_of(n): n for n in rebuilt.node_ids()}
    for node_id in inputs:
        twin = rebuilt_by_name[writer.names[node_id]]
        np.testing.assert_allclose(ours.grad(twin), theirs.grad(node_id), rtol=1e-12, equal_nan=True,
                                   err_msg=node_id)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_shipped_example_round_trips(path: Path) -> None:
    original = GraphDocument.from_spec(read_file(path))
    assert_same_results(original)


def test_the_neuron_reads_like_the_formula() -> None:
    text = write_expression(GraphDocument.from_spec(read_file(EXAMPLES_DIR / "tanh_neuron.json")))
    # Inner nodes whose labels just restate their expression (x1*w1) are written inside it.
    assert text.splitlines()[-2:] == ["n = x1 * w1 + x2 * w2 + b", "o = tanh(n)"]
    assert "b = 6.881373587019543" in text


def test_constants_are_numbers_and_arrays_nested_lists() -> None:
    text = write_expression(build_document("y = w @ [[1, 2.5], [3, -4]] - 0.5 * -2"))
    assert text.splitlines()[-1] == "y = w @ [[1, 2.5], [3, -4]] - 0.5 * -2"


@pytest.mark.parametrize(("label", "safe"), [("x*x", "x_x"), ("X@W + b", "X_W_b"), ("2x", "_2x"),
                                             ("lambda", "lambda_"), ("α", "α"), ("t′", "t"), ("", "v"),
                                             ("ﬁ", "fi")])
def test_labels_are_made_safe(label: str, safe: str) -> None:
    assert safe_name(label) == safe


def test_safe_names_stay_unique_and_a_shown_python_name_stays_its_cards() -> None:
    document = build_document("a = 1; b = 2; y = a * b")
    document.set_label("a", "x y")
    document.set_label("b", "x_y")
    text = write_expression(document)
    assert "x_y_2 = 1" in text and "x_y = 2" in text  # x_y is what b's card shows
    assert_same_results(document)
    assert write_expression(document, ["y"]) == "y = x_y_2 * x_y\n"


def test_numbers_read_back_exactly() -> None:
    for number in (0.1, -1.8, 6.8813735870195432, 1e-300, 2.0, -0.0, 1e20, 123456789012345678.0):
        program = parse_program(f"x = {format_number(number)}")
        assert np.float64(program.statements[0].value.value).tobytes() == np.float64(number).tobytes()


def test_a_selection_reads_what_feeds_it_by_name() -> None:
    neuron = GraphDocument.from_spec(read_file(EXAMPLES_DIR / "tanh_neuron.json"))
    text = write_expression(neuron, ["n", "o"])
    assert text == "n = x1_w1_x2_w2 + b\no = tanh(n)\n"
    # Typed back into the document, the outside names are its own nodes.
    built = build_fragment(parse_program(text), neuron)
    assert {(s, t) for s, t, _, _ in built.edges} >= {("x1w1x2w2", "n_2"), ("b", "n_2")}


def test_an_unwired_port_cannot_be_written() -> None:
    document = GraphDocument()
    document.add_node("tanh", node_id="t")
    with pytest.raises(CannotWrite, match="t has nothing wired into its input x"):
        write_expression(document)


def test_an_output_with_users_is_named_last() -> None:
    document = build_document("x = 2; y = x * x; z = y + 1")
    document.set_output("y")
    text = write_expression(document)
    assert text.splitlines()[-1] == "y = y"
    assert build_document(text).evaluation().output == "y"
    assert_same_results(document)


OPS = [("add", 2), ("sub", 2), ("mul", 2), ("div", 2), ("pow", 2), ("neg", 1), ("tanh", 1), ("max", 2),
       ("square", 1)]


@st.composite
def graphs(draw) -> GraphDocument:
    """Random graphs of scalars: inputs, constants (some negative), ops with fan-out."""
    document = GraphDocument()
    nodes = []
    for i in range(draw(st.integers(1, 3))):
        nodes.append(document.add_node("input", node_id=f"in{i}", value=draw(st.floats(0.5, 2.0))))
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()) and draw(st.booleans()):
            nodes.append(document.add_node("constant", value=draw(st.sampled_from([-2.0, -0.5, 0.0, 1.5, 3.0]))))
            continue
        op, arity = draw(st.sampled_from(OPS))
        node = document.add_node(op)
        for port in range(arity):
            document.add_edge(draw(st.sampled_from(nodes)), node, port)
        nodes.append(node)
    if draw(st.booleans()):
        document.set_label(nodes[-1], "out put")
    document.set_output(nodes[-1])
    return document


@ENGINE_SETTINGS
@given(graphs())
def test_random_graphs_round_trip(document: GraphDocument) -> None:
    assert_same_results(document)
