"""Program → graph: names are nodes, fan-out, reassignment, constants, inputs with and
without values, the output, labels, and the layout (left to right, no crossings)."""

from __future__ import annotations

import numpy as np
import pytest
from test_layout import assert_tidy

from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.expression import ExpressionError, parse_program
from engine.expression.builder import build_document, build_fragment
from engine.expression.placing import place_beside
from engine.fileformat import read_file
from engine.layout import CARD_WIDTH, card_height

FOUNDING = "a = 2.2\nb = -1.8\nc = 0.1\nd = a * (b + c)"
NEURON = "x1 = 2; x2 = 0; w1 = -3; w2 = 1; b = 6.8813735870195432; o = tanh(x1*w1 + x2*w2 + b)"


def shipped(name: str) -> GraphDocument:
    return GraphDocument.from_spec(read_file(EXAMPLES_DIR / name))


def inputs_by_name(document: GraphDocument) -> dict[str, tuple[float, float | None]]:
    evaluation = document.evaluation()
    return {document.name_of(n): (evaluation.value(n), evaluation.grad(n))
            for n in document.node_ids() if document.op_of(n).name == "input"}


@pytest.mark.parametrize(("text", "example"), [(FOUNDING, "d_equals_a_times_b_plus_c.json"),
                                               (NEURON, "tanh_neuron.json")])
def test_typed_examples_match_the_shipped_files(text: str, example: str) -> None:
    built, original = build_document(text), shipped(example)
    ours, theirs = built.evaluation(), original.evaluation()
    assert ours.value(ours.output) == theirs.value(theirs.output)
    assert inputs_by_name(built) == inputs_by_name(original)
    assert [len(built), len(built.edges())] == [len(original), len(original.edges())]


def test_the_neuron_typed_as_one_line_lays_out_without_crossings() -> None:
    document = build_document("o = tanh(x1*w1 + x2*w2 + b)")
    assert_tidy(document.graph, {n: document.position(n) for n in document.node_ids()})
    # Data flows left to right: every input left of the output.
    assert all(document.position(n)[0] < document.position("o")[0] for n in ("x1", "w1", "x2", "w2", "b"))
    assert document.name == "o = tanh(x1*w1 + x2*w2 + b)"


def test_names_become_ids_and_labels_and_the_last_assignment_is_the_output() -> None:
    document = build_document(FOUNDING)
    assert {n: document.attrs(n).get("label") for n in "abcd"} == {n: n for n in "abcd"}
    assert document.requested_output == "d"
    assert document.op_of("d").name == "mul"
    assert document.value_of("b") == -1.8


def test_a_name_used_twice_is_fan_out() -> None:
    document = build_document("a = 3; y = a * a")
    assert sorted(document.port_of(e) for e in document.out_edges("a")) == [0, 1]
    assert document.evaluation().grad("a") == 6.0


def test_reassignment_makes_a_new_node_that_later_lines_see() -> None:
    document = build_document("x = 1; y = x * 3; x = y + x; z = x * 2")
    assert document.op_of("x").name == "add"
    assert document.op_of("x_1").name == "input"
    evaluation = document.evaluation()
    assert evaluation.value("z") == (1 * 3 + 1) * 2
    assert evaluation.grad("x_1") == 8.0  # z = (3·x₁ + x₁)·2


def test_inputs_without_values_and_constants() -> None:
    document = build_document("y = w @ [[1, 2], [3, 4]] - 0.5")
    assert document.op_of("w").name == "input" and document.value_of("w") is None
    constants = [n for n in document.node_ids() if document.op_of(n).name == "constant"]
    values = sorted((np.asarray(document.value_of(n)).tolist() for n in constants), key=str)
    assert values == [0.5, [[1.0, 2.0], [3.0, 4.0]]]
    assert not any(document.attrs(n).get("label") for n in constants)


def test_an_assigned_list_is_an_input_array() -> None:
    document = build_document("p = [1, 2, 3]; t = [0, 2, 2]; L = mse(p, t)")
    assert document.op_of("p").name == "input"
    np.testing.assert_array_equal(document.evaluation().grad("p"), [2 / 3, 0.0, 2 / 3])


def test_building_into_a_document_reads_its_names_and_changes_nothing() -> None:
    neuron = shipped("tanh_neuron.json")
    before = neuron.to_data()
    built = build_fragment(parse_program("L = o * o"), neuron, centre=(1000.0, 50.0))
    assert neuron.to_data() == before
    assert [node_id for node_id, _ in built.nodes] == ["L"]
    assert sorted((s, t, attrs["port"]) for s, t, _, attrs in built.edges) == [("o", "L", 0), ("o", "L", 1)]
    assert built.nodes[0][1]["x"] == 1000.0 and built.nodes[0][1]["y"] == 50.0
    assert built.output == "L"


def test_a_name_the_document_shows_is_not_taken_twice() -> None:
    built = build_fragment(parse_program("o = o * 2"), shipped("tanh_neuron.json"))
    node_id, attrs = next((n, a) for n, a in built.nodes if a["op"] == "mul")
    assert node_id == attrs["label"] == "o_2"
    assert ("o", "o_2", 0, {"port": 0}) in built.edges


def test_a_definition_defines_a_custom_operation() -> None:
    document = build_document("def softplus(x): return log(1 + exp(x))\nx = 0.5\ny = softplus(x)")
    assert document.graph_attr("ops") == {"softplus": {"ports": ["x"], "formula": "log(1 + exp(x))"}}
    assert document.op_of("y").name == "softplus"
    assert float(document.evaluation().grad("x")) == pytest.approx(1 / (1 + np.exp(-0.5)), rel=1e-12)
    with pytest.raises(ExpressionError, match=r"^line 1, column 1: exp is already an operation"):
        build_document("def exp(x): return x\ny = exp(1)")


def test_text_without_an_assignment_builds_nothing() -> None:
    for text in ("", "# just a comment\n"):
        with pytest.raises(ExpressionError, match="nothing to build"):
            build_document(text)


def _boxes(document: GraphDocument, nodes) -> list[tuple[float, float, float, float]]:
    boxes = []
    for _node_id, attrs in nodes:
        half = card_height(document.registry[attrs["op"]].arity) / 2
        boxes.append((attrs["x"] - CARD_WIDTH / 2, attrs["y"] - half, attrs["x"] + CARD_WIDTH / 2, attrs["y"] + half))
    return boxes


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize(("text", "centre"), [("L = o * o", (0.0, 0.0)), ("y = p * q + 1", (0.0, 0.0)),
                                              ("y = p * q + 1", (5000.0, 0.0)), ("y = [1, 2] * 3 + w1", (0.0, 0.0))])
def test_a_fragment_is_placed_clear_of_the_cards_there(text: str, centre: tuple[float, float]) -> None:
    neuron = shipped("tanh_neuron.json")
    placed = place_beside(build_fragment(parse_program(text), neuron), neuron, centre)
    existing = _boxes(neuron, [(n, neuron.attrs(n)) for n in neuron.node_ids()])
    assert not any(_overlap(new, old) for new in _boxes(neuron, placed.nodes) for old in existing)
    if "w1" in text:  # what reads w1 sits right of the whole graph, so its wire runs left to right
        assert min(attrs["x"] for _, attrs in placed.nodes) > max(neuron.position(n)[0] for n in neuron.node_ids())
    if text.startswith("L"):  # beside what it reads: one column right of o, level with it
        (_, attrs), = placed.nodes
        assert (attrs["x"], attrs["y"]) == (neuron.position("o")[0] + 300.0, neuron.position("o")[1])
    elif centre[0] > 1000:  # far from the cards: at the centre asked for
        xs = [attrs["x"] for _, attrs in placed.nodes]
        assert (min(xs) + max(xs)) / 2 == centre[0]
