"""The cost of the full gradient in each mode, counted from the traces, against
counts made straight from the graph's wires (scalar graphs: one op per computed
node, per wire carrying a gradient, per wire the seed's tangent crosses)."""

from __future__ import annotations

import pytest

from engine.cost import gradient_cost
from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file


def document(name: str) -> GraphDocument:
    return GraphDocument.from_spec(read_file(EXAMPLES_DIR / name))


def counted_from_the_graph(doc: GraphDocument) -> tuple[int, int, int]:
    """(inputs, reverse ops, forward ops) for a graph of scalars with one output."""
    ids = doc.node_ids()
    inputs = [n for n in ids if doc.attrs(n)["op"] == "input"]
    computed = [n for n in ids if doc.attrs(n)["op"] not in ("input", "const")]
    output = doc.graph_attr("output")
    on_the_way = doc.ancestors(output) | {output}
    backward = [e for e in doc.edges() if e[1] in on_the_way]
    forward = 0
    for x in inputs:
        reached = doc.descendants(x) | {x}
        forward += len(computed) + sum(1 for e in doc.edges() if e[0] in reached)
    return len(inputs), len(computed) + len(backward), forward


@pytest.mark.parametrize("name", ["tanh_neuron.json", "d_equals_a_times_b_plus_c.json", "fan_out.json"])
def test_scalar_examples_cost_what_their_wires_say(name):
    doc = document(name)
    cost = gradient_cost(doc.evaluation())
    inputs, reverse_ops, forward_ops = counted_from_the_graph(doc)
    assert (cost.inputs, cost.outputs) == (inputs, 1)
    assert (cost.reverse.passes, cost.reverse.operations) == (1, reverse_ops)
    assert (cost.forward.passes, cost.forward.operations) == (inputs, forward_ops)


def test_the_neuron_reads_five_passes_against_one():
    cost = gradient_cost(document("tanh_neuron.json").evaluation())
    _inputs, reverse_ops, forward_ops = counted_from_the_graph(document("tanh_neuron.json"))
    assert cost.text() == (f"5 inputs → 1 output: reverse mode 1 pass ({reverse_ops} ops), "
                           f"forward mode 5 passes ({forward_ops} ops)")
    assert forward_ops > reverse_ops


def test_one_input_reads_in_the_singular():
    cost = gradient_cost(document("fan_out.json").evaluation())
    assert cost.text().startswith("1 input → 1 output: reverse mode 1 pass (")
    assert "forward mode 1 pass (" in cost.text()


def test_the_crossover_examples_favour_each_mode():
    wide = gradient_cost(document("wide_six_inputs_one_loss.json").evaluation())
    assert (wide.inputs, wide.outputs, wide.reverse.passes, wide.forward.passes) == (6, 1, 1, 6)
    assert wide.reverse.operations < wide.forward.operations
    narrow = gradient_cost(document("narrow_one_input_three_outputs.json").evaluation())
    assert (narrow.inputs, narrow.outputs, narrow.reverse.passes, narrow.forward.passes) == (1, 3, 3, 1)
    assert narrow.forward.operations < narrow.reverse.operations
    assert narrow.text().startswith("1 input → 3 outputs: reverse mode 3 passes (")
