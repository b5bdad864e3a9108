"""Hostile files (issue 8): a 5,000-digit integer, NaN and ±Infinity literals, and small
files whose products or broadcasts would hold hundreds of millions of numbers.

`main.py eval` answers each with exit 2 and one line naming the place, in a process
whose address space is capped (a regression then fails instead of eating the
machine); the editor's path (a GraphDocument, evaluated) refuses the same files
or marks the node, without raising and without allocating the big array."""

from __future__ import annotations

import json
import math
import resource
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from engine.document import GraphDocument
from engine.errors import BadValue, FileFormatError
from engine.evaluate import BLOCKED, TOO_BIG
from engine.fileformat import read_file, write_json_atomic
from engine.report import report_pieces
from engine.shapes import MAX_MULTIPLY_ADDS, MAX_NUMBERS, MAX_TOTAL_NUMBERS, ShapeClash, broadcast, matmul
from engine.values import parse_value, parse_value_text

ROOT = Path(__file__).resolve().parent.parent
ADDRESS_SPACE = 2 << 30
"""2 GB: far above what eval needs on these files, far below what computing them takes."""


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_eval(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "eval", str(path)], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, preexec_fn=_cap_memory)


def graph_text(nodes: list[dict[str, Any]], edges: list[tuple[str, str, int]], output: str, **raw: str) -> str:
    """A graph file's text; `raw` values are spliced in verbatim as `"@name@"` placeholders."""
    text = json.dumps({
        "directed": True, "multigraph": True,
        "graph": {"format": "backprop-studio", "version": 1, "output": output},
        "nodes": nodes,
        "edges": [{"source": s, "target": t, "port": p} for s, t, p in edges]})
    for name, literal in raw.items():
        text = text.replace(json.dumps(f"@{name}@"), literal)
    return text


def leaf_then(value: Any, op: str) -> str:
    return graph_text([{"id": "a", "op": "input", "value": "@v@"}, {"id": "f", "op": op}], [("a", "f", 0)], "f",
                      v=value if isinstance(value, str) else json.dumps(value))


def outer_product(n: int) -> str:
    """A 20000×1 column @ a 1×20000 row: 240 KB of file, 400 million numbers of product."""
    return graph_text([{"id": "col", "op": "input", "value": [[1.0]] * n},
                       {"id": "row", "op": "input", "value": [[1.0] * n]},
                       {"id": "m", "op": "matmul"}, {"id": "L", "op": "sum"}],
                      [("col", "m", 0), ("row", "m", 1), ("m", "L", 0)], "L")


def column_and_vector(n: int, op: str) -> str:
    """A n×1 column against a length-n vector: elementwise, they broadcast to n×n."""
    nodes = [{"id": "col", "op": "input", "value": [[0.5]] * n}, {"id": "vec", "op": "input", "value": [0.25] * n},
             {"id": "s", "op": op}]
    edges = [("col", "s", 0), ("vec", "s", 1)]
    if op == "mse":
        return graph_text(nodes, edges, "s")
    return graph_text([*nodes, {"id": "L", "op": "mean"}], [*edges, ("s", "L", 0)], "L")


HOSTILE = {
    "5,000-digit integer": (leaf_then("9" * 5000, "tanh"), ["Cannot open graph.json: ", "node 'a'", "5,000-digit",
                                                           "not a finite number"]),
    "NaN": (leaf_then("NaN", "tanh"), ["Cannot open graph.json: ", "node 'a'", "NaN", "not a JSON number"]),
    "Infinity in a list": (leaf_then("[1.0, Infinity]", "sum"), ["node 'a'", "Infinity", "not a JSON number"]),
    "-Infinity": (leaf_then("-Infinity", "exp"), ["node 'a'", "-Infinity", "not a JSON number"]),
    "NaN as a position": (graph_text([{"id": "a", "op": "input", "value": 1, "x": "@x@"}], [], "a", x="NaN"),
                          ["node 'a'", "position x", "NaN"]),
    "1e999 as a value": (leaf_then("1e999", "tanh"), ["node 'a'", "finite"]),
    "an empty list as a value": (leaf_then([], "sum"), ["node 'a'", "at least one number"]),
    "20000×1 @ 1×20000": (outer_product(20_000), ["Cannot compute the output: ", "m (matmul)", "20000×20000",
                                                   "400,000,000 numbers", f"{MAX_NUMBERS:,}"]),
    "30000×1 + 30000": (column_and_vector(30_000, "add"), ["Cannot compute the output: ", "s (add)", "30000×30000",
                                                           "900,000,000 numbers"]),
    "mse of 30000×1 and 30000": (column_and_vector(30_000, "mse"), ["Cannot compute the output: ", "s (mse)",
                                                                     "30000×30000", "900,000,000"]),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_eval_answers_a_hostile_file_with_one_line_and_exit_2(tmp_path: Path, name: str) -> None:
    text, words = HOSTILE[name]
    path = tmp_path / "graph.json"
    path.write_text(text, encoding="utf-8")
    result = run_eval(path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in lines[0] and lines[0].endswith(".")
    for word in words:
        assert word in lines[0]


REFUSED_ON_LOAD = [name for name, (_, words) in HOSTILE.items() if "Cannot compute the output: " not in words]


@pytest.mark.parametrize("name", REFUSED_ON_LOAD)
def test_the_editor_refuses_a_hostile_file_leaving_nothing_half_open(tmp_path: Path, name: str) -> None:
    path = tmp_path / "graph.json"
    path.write_text(HOSTILE[name][0], encoding="utf-8")
    with pytest.raises(FileFormatError) as raised:
        GraphDocument.from_spec(read_file(path))
    assert str(raised.value).startswith("Cannot open graph.json: ") and "\n" not in str(raised.value)


def _evaluate_traced(text: str, tmp_path: Path) -> tuple[GraphDocument, Any, int]:
    path = tmp_path / "graph.json"
    path.write_text(text, encoding="utf-8")
    tracemalloc.start()
    try:
        document = GraphDocument.from_spec(read_file(path))
        evaluation = document.evaluation()
        evaluation.trace  # noqa: B018 - the editor builds it for the animation
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return document, evaluation, peak


@pytest.mark.parametrize(("text", "node", "shape"), [
    (outer_product(20_000), "m", "20000×20000"),
    (column_and_vector(30_000, "add"), "s", "30000×30000"),
    (column_and_vector(30_000, "mse"), "s", "30000×30000"),
])
def test_in_the_editor_an_oversized_node_is_a_problem_on_the_node(
        tmp_path: Path, text: str, node: str, shape: str) -> None:
    document, evaluation, peak = _evaluate_traced(text, tmp_path)
    problem = evaluation.problem(node)
    assert problem is not None and problem.kind == TOO_BIG
    assert shape in problem.message and node in problem.message and "\n" not in problem.message
    assert evaluation.value(node) is None and not evaluation.ok
    if node != document.requested_output:
        assert evaluation.problem(document.requested_output).kind == BLOCKED
    assert evaluation.output_cause() == problem.message
    assert peak < 200e6, f"{peak:,} bytes: something allocated the big array"


def test_nodes_that_do_not_depend_on_the_oversized_one_still_evaluate(tmp_path: Path) -> None:
    text = graph_text([{"id": "col", "op": "input", "value": [[1.0]] * 5000},
                       {"id": "row", "op": "input", "value": [[2.0] * 5000]},
                       {"id": "m", "op": "matmul"}, {"id": "t", "op": "sum"}, {"id": "L", "op": "sum"}],
                      [("col", "m", 0), ("row", "m", 1), ("row", "t", 0), ("m", "L", 0)], "t")
    _, evaluation, _ = _evaluate_traced(text, tmp_path)
    assert evaluation.problem("m").kind == TOO_BIG and evaluation.problem("L").kind == BLOCKED
    assert evaluation.ok and evaluation.value("t") == 10000.0
    assert np.array_equal(evaluation.grad("row"), np.ones((1, 5000)))


def test_a_chain_of_broadcasts_each_under_the_limit_stops_at_the_graph_total(tmp_path: Path) -> None:
    # 3000×1 + 3000 is 9 million numbers, under the limit for one node; a chain
    # of them adds up, and the node that would pass the total is refused.
    nodes: list[dict[str, Any]] = [{"id": "col", "op": "input", "value": [[1.0]] * 3000},
                                   {"id": "vec", "op": "input", "value": [1.0] * 3000}, {"id": "s0", "op": "add"}]
    edges = [("col", "s0", 0), ("vec", "s0", 1)]
    for i in range(1, 10):
        nodes.append({"id": f"s{i}", "op": "add"})
        edges += [(f"s{i - 1}", f"s{i}", 0), ("vec", f"s{i}", 1)]
    _, evaluation, peak = _evaluate_traced(graph_text(nodes, edges, "s9"), tmp_path)
    held = MAX_TOTAL_NUMBERS // 9_000_000
    assert all(evaluation.problem(f"s{i}") is None for i in range(held))
    problem = evaluation.problem(f"s{held}")
    assert problem.kind == TOO_BIG and f"{MAX_TOTAL_NUMBERS:,}" in problem.message and "in all" in problem.message
    assert evaluation.problem("s9").kind == BLOCKED
    assert peak < 1.5 * MAX_TOTAL_NUMBERS * 8, f"{peak:,} bytes"


def test_a_batched_matmul_is_refused_for_its_gradient_on_the_way() -> None:
    # (300, 300) @ (300, 300, 1): a 90,000-number product, but backward forms
    # g @ bᵀ as a 300×300×300 stack before summing it back to the left operand.
    out, largest, cost = matmul([(300, 300), (300, 300, 1)])
    assert out == (300, 300, 1) and largest == (300, 300, 300) and cost == 300 ** 3
    document = GraphDocument()
    document.add_node("input", node_id="a", value=np.ones((300, 300)))
    document.add_node("input", node_id="b", value=np.ones((300, 300, 1)))
    document.add_node("matmul", node_id="m")
    document.add_edge("a", "m", 0)
    document.add_edge("b", "m", 1)
    problem = document.evaluation().problem("m")
    assert problem.kind == TOO_BIG and "300×300×300" in problem.message and "on the way" in problem.message


def test_matrix_products_stop_at_the_graph_work_limit() -> None:
    side = round(MAX_MULTIPLY_ADDS ** (1 / 3)) + 200
    document = GraphDocument()
    document.add_node("input", node_id="a", value=np.ones((side, side)))
    document.add_node("matmul", node_id="m")
    document.add_edge("a", "m", 0)
    document.add_edge("a", "m", 1)
    problem = document.evaluation().problem("m")
    assert problem.kind == TOO_BIG and "multiply-adds" in problem.message


@pytest.mark.parametrize(("a", "b"), [
    ((), ()), ((3,), ()), ((), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 4)), ((5, 1, 3), (4, 1)), ((2,), (3,)),
    ((2, 3), (3, 2)), ((1,), (7, 1, 1)), ((0,), (1,)), ((0,), (2,)),
])
def test_broadcast_agrees_with_numpy(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    try:
        expected = np.broadcast_shapes(a, b)
    except ValueError:
        with pytest.raises(ShapeClash):
            broadcast(a, b)
        return
    assert broadcast(a, b) == expected


@pytest.mark.parametrize(("a", "b"), [
    ((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)), ((3,), (5, 3, 4)),
    ((5, 1, 2, 3), (4, 3, 2)), ((2, 3), (4, 5)), ((3,), (4,)), ((), (3,)), ((3,), ()), ((2, 2, 3), (3, 3, 1)),
])
def test_the_matmul_rule_agrees_with_numpy(a: tuple[int, ...], b: tuple[int, ...]) -> None:
    try:
        expected = np.matmul(np.ones(a), np.ones(b)).shape
    except ValueError:
        with pytest.raises(ShapeClash):
            matmul([a, b])
        return
    out, largest, _ = matmul([a, b])
    assert out == expected
    assert math.prod(largest) >= math.prod(out)


def test_results_holding_nan_still_open(tmp_path: Path) -> None:
    # "Export with results" writes numpy's nan and inf as NaN and Infinity; a loader
    # ignores results, so a file the app wrote still opens.
    document = GraphDocument()
    document.add_node("input", node_id="x", value=-1.0)
    document.add_node("log", node_id="l")
    document.add_edge("x", "l", 0)
    path = tmp_path / "with_results.json"
    write_json_atomic(path, document.to_data(document.evaluation()))
    assert "NaN" in path.read_text(encoding="utf-8")
    assert GraphDocument.from_spec(read_file(path)).to_data() == document.to_data()


@pytest.mark.parametrize(("typed", "words"), [
    ("nan", ["finite", "nan"]), ("inf", ["finite", "inf"]), ("-Infinity", ["finite"]),
    ("1e999", ["finite", "1.8e308"]), ("[]", ["at least one number"]), ("[[], []]", ["at least one number"]),
    ("[1, 1e999]", ["finite"]), ("9" * 5000, ["finite", "float64"]), (f"[1, {'9' * 5000}]", ["float64"]),
])
def test_typed_values_that_are_not_finite_numbers_are_refused(typed: str, words: list[str]) -> None:
    with pytest.raises(BadValue) as raised:
        parse_value_text(typed)
    for word in words:
        assert word in str(raised.value)


@pytest.mark.parametrize("raw", [math.nan, math.inf, -math.inf, [1.0, math.nan], [[math.inf]], [], [[]],
                                 np.array([1.0, np.nan]), np.float64("nan"), [1, 10 ** 400]])
def test_values_from_anywhere_must_be_finite_and_not_empty(raw: Any) -> None:
    with pytest.raises(BadValue):
        parse_value(raw)


def test_the_eval_report_written_in_pieces_is_the_same_text() -> None:
    # Big arrays are written a chunk at a time (a 9-million-number report took
    # 1.3 GB as one json.dumps); small chunks here take every path of that writer.
    document = GraphDocument()
    document.add_node("input", node_id="a", value=np.arange(24.0).reshape(2, 3, 4) - 5)
    document.add_node("input", node_id="b", value=np.arange(4.0))
    document.add_node("input", node_id="c", value=np.arange(7.0).reshape(7, 1))
    for node_id, op, sources in [("l", "log", ["a"]), ("s", "add", ["l", "b"]), ("m", "mul", ["c", "b"]),
                                 ("t1", "sum", ["s"]), ("t2", "sum", ["m"]), ("out", "add", ["t1", "t2"])]:
        document.add_node(op, node_id=node_id)
        for port, source in enumerate(sources):
            document.add_edge(source, node_id, port)
    evaluation = document.evaluation()
    expected = json.dumps(evaluation.to_json())
    assert "NaN" in expected and "null" not in expected
    for chunk in (1, 2, 3, 4, 5, 7, 11, 12, 13, 24, 25, 10_000):
        assert "".join(report_pieces(evaluation, chunk)) == expected, chunk
