"""Forward mode's texts read back. Every tangent step's label, caption and Wengert row,
for every op and for random graphs with awkward names, is rebuilt here from the op's
textbook rule (not from engine.notation): each number printed must be the step's
own local derivative or arriving tangent as `format_value` prints it, and those must
be the tangent pass's numbers; compound factors are bracketed. Then the tanh neuron's
rows as a person reads them, the trace's segments, and `eval --tangent`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from engine_helpers import ENGINE_SETTINGS, label_nodes, op_document
from hypothesis import given
from hypothesis import strategies as st
from test_engine_graphs import random_graphs
from test_trace_text import NAMES, close, is_single_term, number_of, op_cases, printed

from engine.document import GraphDocument
from engine.fileformat import read_file
from engine.ops import OPS
from engine.tangent import tangent_pass
from engine.trace import Phase, TangentStep, build_tangent_trace
from engine.values import format_value, shape_of
from gui.command_line import USAGES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
PLAIN = re.compile(r"[\w.̄′']+")
COMPUTED = [op.name for op in OPS if not op.is_leaf]


def dotted(name: str) -> str:
    """The tangent's symbol: a dot over a lone letter with its index (ẋ2), after any other name."""
    if re.fullmatch(r"[^\W\d_][\d′']*", name):
        return name[0] + "\u0307" + name[1:]
    return (name if PLAIN.fullmatch(name) else f"({name})") + "˙"


def port_term(step: TangentStep, port: int, preview: int) -> str:
    """One port's product with numbers, as the textbook writes the op's JVP."""
    op, local, tangent = step.op.name, step.local_text(port, preview), printed(step.source_tangents[port], preview)
    if local is None:
        return "0"
    if op in ("add", "sub") or (op, port) == ("sub", 0):
        return f"−{tangent}" if (op, port) == ("sub", 1) else tangent
    rules = {"neg": f"−{tangent}", "sum": f"Σ {tangent}", "mean": f"mean({tangent})",
             "mse": f"Σ({local} · {tangent})"}
    if op == "matmul":
        other = printed(step.operands[1 - port], preview)
        return f"{tangent} @ {other}" if port == 0 else f"{other} @ {tangent}"
    return rules.get(op, f"{local} · {tangent}")


def join(terms: list[str]) -> str:
    text = terms[0]
    for term in terms[1:]:
        text += f" − {term[1:]}" if term.startswith("−") else f" + {term}"
    return text


def _local_text(self: TangentStep, port: int, preview: int) -> str | None:
    """The local derivative as printed, or None where a port the seed does not reach has a
    non-finite one (its share is a structural zero, printed `0`)."""
    local = self.locals[port]
    if not self.reached[port] and not np.all(np.isfinite(local)):
        return None
    return printed(local, preview)


TangentStep.local_text = _local_text  # type: ignore[attr-defined]


def check_step(step: TangentStep, tangents, names: dict[str, str], numbers: dict[str, int]) -> None:
    plan = tangents.evaluation.plan
    index = plan.index[step.node]
    assert np.array_equal(step.tangent, tangents.tangents[index], equal_nan=True)
    for edge, tangent in zip(step.in_edges, step.source_tangents):
        assert np.array_equal(tangent, tangents.tangents[plan.index[edge[0]]], equal_nan=True)
    symbol = dotted(names[step.node])
    for preview, text in ((1, step.label()), (3, step.caption())):
        result = format_value(step.tangent, preview=preview)
        if step.op.is_leaf:
            seeded = step.node == tangents.seed_id
            expected = f"{symbol} = {result}"
            if seeded:
                own = names[step.node] if PLAIN.fullmatch(names[step.node]) else f"({names[step.node]})"
                expected += f"  (seed: ∂{own}/∂{own})"
                assert np.array_equal(step.tangent, np.ones(np.shape(step.value)))
            else:
                assert not np.any(step.tangent)
                if preview == 3:
                    expected += f"   (tangents seeded at {names[tangents.seed_id]})"
            assert text == expected
            continue
        suffix = f"   (tangents seeded at {names[tangents.seed_id]})" if preview == 3 else ""
        assert text.startswith(f"{symbol} = ") and text.endswith(f" = {result}{suffix}"), text
        numeric = join([port_term(step, port, preview) for port in range(step.op.arity)])
        assert text.endswith(f" = {numeric} = {result}{suffix}"), f"{text!r}: the numbers read {numeric!r}"
        symbolic = text[len(f"{symbol} = "): -len(f" = {numeric} = {result}{suffix}")]
        for source in step.source_names:
            assert dotted(source) in symbolic, f"{text!r}: the tangent of {source} is not named"
        for port in range(step.op.arity):
            local = step.local_text(port, preview)
            assert local is None or is_single_term(local)
            assert is_single_term(printed(step.source_tangents[port], preview))
        if not shape_of(step.tangent) and step.op.name not in ("matmul", "sum", "mean", "mse") and \
                all(not shape_of(v) for v in (*step.locals, *step.source_tangents)):
            total = 0.0
            for port in range(step.op.arity):
                term = port_term(step, port, 3)
                if " · " in term:
                    left, right = term.split(" · ")
                    total += number_of(left) * number_of(right)
                elif term != "0":
                    total += -number_of(term[1:]) if term.startswith("−") else number_of(term)
            assert close(total, float(step.tangent)), text
    row = step.text()
    assert (row.startswith(f"v̇{numbers[step.node]} = ") and row.endswith(f" = {format_value(step.tangent)}")) \
        or "(seed: " in row, row
    for source in step.in_edges:
        assert f"v̇{numbers[source[0]]}" in row, row


def check_document(document: GraphDocument) -> int:
    evaluation = document.evaluation()
    assert evaluation.ok, evaluation.output_problem
    names = {node: document.name_of(node) for node in document.node_ids()}
    checked = 0
    for seed in document.node_ids():
        if document.op_of(seed).name != "input":
            continue
        trace = build_tangent_trace(evaluation, seed)
        tangents = tangent_pass(evaluation, seed)
        numbers = {s.node: s.number for s in trace.steps[:trace.forward_count]}
        for step in trace.steps[trace.forward_count:]:
            assert isinstance(step, TangentStep) and step.phase is Phase.TANGENT
            check_step(step, tangents, names, numbers)
            checked += 1
    return checked


@pytest.mark.parametrize("name", COMPUTED)
def test_every_op_writes_true_tangent_text(name: str) -> None:
    for args in op_cases(name):
        document = op_document(name, args)
        document.set_label("out", "y")
        arity = len(args)
        assert check_document(document) == (arity + 1) * arity  # every node, seeded at each input


@ENGINE_SETTINGS
@given(graph=random_graphs(), names=st.lists(NAMES, min_size=20, max_size=20))
def test_random_graphs_write_true_tangent_text(graph, names: list[str]) -> None:
    document = label_nodes(graph.document(), names)
    if document.evaluation().ok:
        check_document(document)


def neuron_trace(seed: str = "w1"):
    evaluation = GraphDocument.from_spec(read_file(EXAMPLES / "tanh_neuron.json")).evaluation()
    return evaluation, build_tangent_trace(evaluation, seed)


def test_tanh_neuron_seeded_at_w1_reads_as_the_textbook_writes_it() -> None:
    _, trace = neuron_trace()
    steps = {step.node: step for step in trace.steps[trace.forward_count:]}
    assert steps["w1"].label() == "ẇ1 = 1  (seed: ∂w1/∂w1)"
    assert steps["x1"].label() == "ẋ1 = 0"
    assert steps["x1w1"].label() == "(x1*w1)˙ = w1 · ẋ1 + x1 · ẇ1 = (-3) · 0 + 2 · 1 = 2"
    assert steps["x1w1"].text() == "v̇6 = v2 · v̇1 + v1 · v̇2 = 2"
    assert steps["x2w2"].label() == "(x2*w2)˙ = w2 · ẋ2 + x2 · ẇ2 = 1 · 0 + 0 · 0 = 0"
    assert steps["n"].label() == "ṅ = (x1*w1 + x2*w2)˙ + ḃ = 2 + 0 = 2"
    # The compound local derivative of tanh is bracketed where it multiplies.
    assert steps["o"].label() == "ȯ = (1 − o²) · ṅ = 0.5 · 2 = 1"
    assert steps["o"].caption() == "ȯ = (1 − o²) · ṅ = 0.5 · 2 = 1   (tangents seeded at w1)"
    assert steps["o"].text() == "v̇10 = (1 − v10²) · v̇9 = 1"
    assert float(steps["o"].tangent) == pytest.approx(1.0)


def test_the_tangent_trace_is_forward_then_tangent_and_the_reverse_trace_is_unchanged() -> None:
    evaluation, trace = neuron_trace()
    reverse = evaluation.trace
    assert [s.phase for s in reverse.segments] == [Phase.FORWARD, Phase.BACKWARD]
    assert [s.phase for s in trace.segments] == [Phase.FORWARD, Phase.TANGENT]
    assert trace.count(Phase.TANGENT) == trace.forward_count == 10
    assert trace.steps[:10] == reverse.steps[:10]
    assert trace.position_text(13) == "tangent 3/10" and trace.stage_steps("tangent") == 20
    final = trace.state_at(len(trace))
    tangents = tangent_pass(evaluation, "w1")
    assert final.node_tangents == {node: tangents.tangent(node) for node in evaluation.plan.ids}
    assert final.node_grads == {} and final.node_notes == {"w1": "seed 1"}
    assert final.edge_tangents[("x1w1", "x1w1x2w2", 0)] == 2.0
    assert trace.state_at(12).node_tangents.keys() == {"x1", "w1"}


def test_an_array_seed_is_ones_and_matmul_keeps_its_own_form() -> None:
    document = GraphDocument.from_spec(read_file(EXAMPLES / "linear_layer_mse.json"))
    evaluation = document.evaluation()
    trace = build_tangent_trace(evaluation, "W")
    steps = {step.node: step for step in trace.steps[trace.forward_count:]}
    matmul = next(step for step in steps.values() if step.op.name == "matmul")
    assert "·" not in matmul.caption() and " @ " in matmul.caption()
    assert matmul.label().startswith(f"{dotted(matmul.name)} = Ẋ @ W + X @ Ẇ = ")
    assert steps["W"].label() == f"Ẇ = {format_value(np.ones(np.shape(evaluation.value('W'))), preview=1)}" \
                                 "  (seed: ∂W/∂W)"


# ------------------------------------------------------------ the command line
def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], capture_output=True, text=True, timeout=60)


def test_eval_tangent_adds_every_nodes_tangent() -> None:
    path = EXAMPLES / "tanh_neuron.json"
    plain, seeded = run("eval", str(path)), run("eval", str(path), "--tangent", "w1")
    assert seeded.returncode == 0 and seeded.stderr == ""
    report, before = json.loads(seeded.stdout), json.loads(plain.stdout)
    evaluation = GraphDocument.from_spec(read_file(path)).evaluation()
    tangents = tangent_pass(evaluation, "w1")
    assert report["output"] == before["output"] == "o"
    for node, entry in report["nodes"].items():
        assert {"value": entry["value"], "grad": entry["grad"]} == before["nodes"][node]
        assert entry["tangent"] == float(tangents.tangent(node))
    assert report["nodes"]["o"]["tangent"] == pytest.approx(1.0)
    assert report["nodes"]["x2w2"]["tangent"] == 0.0  # does not depend on w1
    assert '"grad": 0.9999999999999998, "tangent": 1.0}' in seeded.stdout  # json.dumps's own spacing


def test_eval_tangent_writes_arrays_as_nested_lists() -> None:
    seeded = run("eval", str(EXAMPLES / "linear_layer_mse.json"), "--tangent", "W")
    report = json.loads(seeded.stdout)
    assert np.shape(report["nodes"]["W"]["tangent"]) == np.shape(report["nodes"]["W"]["value"])
    assert np.all(np.array(report["nodes"]["W"]["tangent"]) == 1.0)
    assert np.all(np.array(report["nodes"]["X"]["tangent"]) == 0.0)


@pytest.mark.parametrize(("seed", "problem"), [
    ("zz", "--tangent: there is no node 'zz' to seed the tangents at"),
    ("n", "--tangent: 'n' is not an input node (its op is add); tangents are seeded at an input"),
])
def test_eval_tangent_at_a_node_that_is_not_an_input_is_one_line_and_status_2(seed: str, problem: str) -> None:
    result = run("eval", str(EXAMPLES / "tanh_neuron.json"), "--tangent", seed)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"main.py eval: {problem} (usage: main.py {USAGES['eval']})\n"
