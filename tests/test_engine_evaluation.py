"""Evaluation: the two worked examples, which nodes get no gradient, per-node
problems, nan flowing through, and a 100,000-node chain (no recursion)."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import op_document, seed_example

from engine.document import GraphDocument
from engine.evaluate import BLOCKED, FAILED, INCOMPLETE
from engine.fileformat import parse_data, read_file
from engine.report import evaluate_file
from engine.trace import AccumulateStep, BackwardStep, SeedStep


def test_c_equals_a_times_b() -> None:
    evaluation = op_document("mul", [1.0, 0.0]).evaluation()
    assert evaluation.value("out") == 0.0
    assert evaluation.grad("in0") == 0.0
    assert evaluation.grad("in1") == 1.0


def test_d_equals_a_times_b_plus_c() -> None:
    evaluation = seed_example().evaluation()
    assert evaluation.output == "d"
    assert evaluation.value("d") == pytest.approx(-3.74, rel=1e-12)
    assert evaluation.value("s") == pytest.approx(-1.7, rel=1e-12)
    assert evaluation.grad("a") == pytest.approx(-1.7, rel=1e-12)
    assert evaluation.grad("b") == pytest.approx(2.2, rel=1e-12)
    assert evaluation.grad("c") == pytest.approx(2.2, rel=1e-12)
    assert evaluation.grad("s") == pytest.approx(2.2, rel=1e-12)
    assert evaluation.grad("d") == 1.0


def test_d_equals_a_times_b_plus_c_trace_reads_as_taught() -> None:
    trace = seed_example().evaluation().trace
    assert trace.forward_count == 5
    texts = [step.text() for step in trace.steps]
    # c receives one gradient, so its row says what its gradient is (`=`), not `+=`.
    assert texts[-1] == "v̄3 = v̄4 = 2.2"
    assert any(text.endswith("= -3.74") for text in texts[:5])
    seed, *wires = trace.steps[5:]
    assert isinstance(seed, SeedStep) and seed.node == "d"
    assert all(isinstance(step, BackwardStep) for step in wires)
    assert [step.edge for step in wires] == [("a", "d", 0), ("s", "d", 0), ("b", "s", 0), ("c", "s", 0)]
    into_a = wires[0]
    assert into_a.derivative() == "∂d/∂a = s"
    assert into_a.label() == "∂d/∂a = ∂d/∂d · ∂d/∂a = 1 · s = 1 · (-1.7) = -1.7"
    assert into_a.local == pytest.approx(-1.7) and into_a.contribution == pytest.approx(-1.7)


def test_the_seed_file_is_the_seed_example() -> None:
    spec = read_file(Path(__file__).resolve().parent.parent / "resources/examples/d_equals_a_times_b_plus_c.json")
    from_file = GraphDocument.from_spec(spec).evaluation()
    from_code = seed_example().evaluation()
    for node_id in "abcsd":
        assert from_file.value(node_id) == from_code.value(node_id)
        assert from_file.grad(node_id) == from_code.grad(node_id)


def test_fan_out_of_one_node_into_both_ports() -> None:
    # x*x: one node feeding both ports gets 2x, and the trace shows the sum.
    document = GraphDocument()
    document.add_node("input", node_id="x", value=3.0)
    document.add_node("mul", node_id="m")
    document.add_edge("x", "m", 0)
    document.add_edge("x", "m", 1)
    evaluation = document.evaluation()
    assert evaluation.value("m") == 9.0
    assert evaluation.grad("x") == 6.0
    accumulate = [step for step in evaluation.trace.steps if isinstance(step, AccumulateStep)]
    assert len(accumulate) == 1
    assert accumulate[0].node == "x" and accumulate[0].contributions == (3.0, 3.0) and accumulate[0].total == 6.0


def test_constants_and_nodes_the_output_ignores_get_no_gradient() -> None:
    document = GraphDocument()
    document.add_node("constant", node_id="k", value=2.0)
    document.add_node("input", node_id="x", value=3.0)
    document.add_node("input", node_id="unused", value=5.0)
    document.add_node("mul", node_id="y")
    document.add_node("tanh", node_id="side")
    document.add_edge("k", "y", 0)
    document.add_edge("x", "y", 1)
    document.add_edge("x", "side", 0)
    document.set_output("y")
    evaluation = document.evaluation()
    assert evaluation.ok
    assert evaluation.grad("k") is None
    assert evaluation.grad("x") == 2.0
    assert evaluation.grad("unused") is None
    assert evaluation.grad("side") is None
    assert evaluation.value("side") == pytest.approx(math.tanh(3.0))
    assert evaluation.edge_grad(("k", "y", 0)) is None
    assert evaluation.edge_grad(("x", "side", 0)) is None
    assert evaluation.edge_grad(("x", "y", 0)) == 2.0
    report = evaluation.to_json()
    assert report["nodes"]["k"] == {"value": 2.0, "grad": None}
    assert report["nodes"]["unused"] == {"value": 5.0, "grad": None}


def test_an_unwired_port_is_reported_on_its_node_and_blocks_what_follows() -> None:
    document = GraphDocument()
    document.add_node("input", node_id="a", value=1.0)
    document.add_node("add", node_id="s", label="sum")
    document.add_node("tanh", node_id="t")
    document.add_edge("a", "s", 0)
    document.add_edge("s", "t", 0)
    evaluation = document.evaluation()
    assert not evaluation.ok
    assert evaluation.problem("s").kind == INCOMPLETE
    assert "sum" in evaluation.problem("s").message and "b" in evaluation.problem("s").message
    assert evaluation.problem("t").kind == BLOCKED
    assert "sum" in evaluation.problem("t").message
    assert evaluation.problem("a") is None and evaluation.value("a") == 1.0
    assert "t" in evaluation.output_problem or "sum" in evaluation.output_problem
    assert all(evaluation.grad(n) is None for n in document.node_ids())


def test_an_input_without_a_value_is_incomplete() -> None:
    document = op_document("mul", [1.0, 2.0])
    document.set_value("in1", None)
    evaluation = document.evaluation()
    assert evaluation.problem("in1").kind == INCOMPLETE
    assert "in1" in evaluation.problem("in1").message
    assert evaluation.problem("out").kind == BLOCKED
    assert not evaluation.ok


def test_an_unused_incomplete_node_does_not_stop_the_output() -> None:
    document = op_document("mul", [1.0, 2.0])
    document.add_node("add", node_id="loose")
    evaluation = document.evaluation()
    assert evaluation.ok
    assert evaluation.problem("loose").kind == INCOMPLETE
    assert evaluation.grad("in0") == 2.0


def test_shapes_that_do_not_broadcast_are_a_problem_on_the_node() -> None:
    document = op_document("add", [[1.0, 2.0], [1.0, 2.0, 3.0]])
    evaluation = document.evaluation()
    problem = evaluation.problem("out")
    assert problem.kind == FAILED
    assert "out" in problem.message and "2" in problem.message and "3" in problem.message
    assert "\n" not in problem.message
    assert evaluation.output_problem == problem.message


def test_no_output_chosen_among_several_sinks_is_explained() -> None:
    document = op_document("mul", [1.0, 2.0])
    document.add_node("tanh", node_id="other")
    document.add_edge("in0", "other", 0)
    document.set_output(None)
    evaluation = document.evaluation()
    assert not evaluation.ok
    assert "out" in evaluation.output_problem and "other" in evaluation.output_problem
    assert evaluation.value("out") == 2.0 and evaluation.value("other") == pytest.approx(math.tanh(1.0))


def test_an_empty_graph_is_explained() -> None:
    evaluation = GraphDocument().evaluation()
    assert not evaluation.ok and evaluation.output_problem == "the graph is empty"
    assert evaluation.trace.steps == []


def test_a_lone_input_is_its_own_output() -> None:
    document = GraphDocument()
    document.add_node("input", node_id="x", value=[1.0, 2.0])
    evaluation = document.evaluation()
    assert evaluation.ok
    assert evaluation.grad("x").tolist() == [1.0, 1.0]


@pytest.mark.parametrize(("op", "args"), [("log", [-1.0]), ("sqrt", [-4.0]), ("div", [0.0, 0.0]),
                                          ("log", [[-1.0, 1.0]]), ("pow", [-8.0, 1.0 / 3.0])])
def test_leaving_the_domain_gives_nan_without_raising_or_warning(op: str, args: list) -> None:
    document = op_document(op, args)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        evaluation = document.evaluation()
        steps = [step.text() for step in evaluation.trace.steps]
        report = json.dumps(evaluation.to_json())
    assert evaluation.ok and not evaluation.problems
    assert np.any(np.isnan(evaluation.value("out")))
    assert steps and "nan" in report.lower()


def test_log_of_zero_is_minus_infinity() -> None:
    evaluation = op_document("log", [0.0]).evaluation()
    assert evaluation.value("out") == -math.inf
    assert evaluation.grad("in0") == math.inf


def test_evaluation_follows_edits_and_caches_per_revision() -> None:
    document = seed_example()
    first = document.evaluation()
    assert document.evaluation() is first
    document.set_value("a", 3.0)
    second = document.evaluation()
    assert second is not first
    assert second.value("d") == pytest.approx(-5.1)
    document.move_node("a", 10.0, 20.0)
    assert document.evaluation().value("d") == pytest.approx(-5.1)


def chain_data(count: int) -> dict:
    """x → add → add → ... : n_i = n_(i−1) + x, so n_last = count·x and ∂/∂x = count."""
    nodes = [{"id": "n0", "op": "input", "value": 0.5, "x": 0.0, "y": 0.0}]
    edges = []
    for i in range(1, count):
        nodes.append({"id": f"n{i}", "op": "add", "x": 220.0 * i, "y": 0.0})
        edges.append({"source": f"n{i - 1}", "target": f"n{i}", "key": 0, "port": 0})
        edges.append({"source": "n0", "target": f"n{i}", "key": 0, "port": 1})
    return {"directed": True, "multigraph": True, "graph": {"format": "backprop-studio", "version": 1},
            "nodes": nodes, "edges": edges}


CHAIN = 100_000


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chain") / "chain.json"
    path.write_text(json.dumps(chain_data(CHAIN)), encoding="utf-8")
    return path


def test_a_100000_node_chain_evaluates_from_the_file(chain_file: Path) -> None:
    evaluation = evaluate_file(chain_file)
    assert evaluation.output == f"n{CHAIN - 1}"
    assert evaluation.value(f"n{CHAIN - 1}") == 0.5 * CHAIN
    assert evaluation.grad("n0") == CHAIN
    assert evaluation.grad(f"n{CHAIN // 2}") == 1.0


def test_a_100000_node_chain_evaluates_in_a_document_with_its_trace(chain_file: Path) -> None:
    document = GraphDocument.from_spec(read_file(chain_file))
    evaluation = document.evaluation()
    assert evaluation.grad("n0") == CHAIN
    trace = evaluation.trace
    assert trace.forward_count == CHAIN
    # The seed, one step per edge, and one accumulation at n0 (fed into every add).
    assert len(trace) == CHAIN + 1 + 2 * (CHAIN - 1) + 1
    assert trace.steps[-1].total == CHAIN


def test_a_100000_node_chain_without_positions_is_laid_out() -> None:
    data = chain_data(CHAIN)
    for node in data["nodes"]:
        del node["x"], node["y"]
    document = GraphDocument.from_spec(parse_data(data))
    assert document.position("n1")[0] < document.position("n2")[0] < document.position(f"n{CHAIN - 1}")[0]
