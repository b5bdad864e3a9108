"""The fast paths of `main.py eval` give what the plain ones gave: a file decoded with
orjson opens exactly as Python's json reads it (engine/fastjson.py), a file read
without its edges is refused with the same sentences (fileformat's keep_edges), and
the report is the very text `json.dumps` writes (engine/report.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from engine_helpers import ENGINE_SETTINGS
from hypothesis import given
from hypothesis import strategies as st
from test_engine_fileformat import REFUSALS, bad_file

from engine import fastjson, strictjson
from engine.document import GraphDocument
from engine.errors import FileFormatError
from engine.fileformat import read_file
from engine.report import evaluate_file, report_pieces


def _graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **graph: Any) -> dict[str, Any]:
    return {"directed": True, "multigraph": True, "graph": {"format": "backprop-studio", "version": 1, **graph},
            "nodes": nodes, "edges": edges}


def _same(a: Any, b: Any) -> bool:
    """Equal, with the same types all the way down and keys in the same order."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, strictjson._Marker):  # what stands for Infinity in a result
        return vars(a) == vars(b)
    return a == b


def _outcome(decode: Any, text: bytes) -> Any:
    try:
        return decode(text)
    except (ValueError, FileFormatError, RecursionError) as error:  # JSONDecodeError is a ValueError
        return (type(error), str(error))


LONG = 123456789012345678901234567890
TRICKY = {
    "integers beyond 64 bits as ids, ports, keys and unknown keys": json.dumps(_graph(
        [{"id": LONG, "op": "input", "value": 2 ** 64}, {"id": "n", "op": "neg", "serial": -(2 ** 70)}],
        [{"source": LONG, "target": "n", "port": 0, "key": 2 ** 65}], version=1, note=[2 ** 63, -(2 ** 63) - 1])),
    "integers at the edges of 64 bits": json.dumps([2 ** 63 - 1, -(2 ** 63), 2 ** 64 - 1, 2 ** 64, -(2 ** 63) - 1]),
    "long runs of digits in floats": json.dumps([0.0012345678901234567, 1.2345678901234567e-05, 1234567890123456789.5,
                                                 {"x": 0.00012345678901234567}]),
    "a long run of digits in a string": json.dumps({"id": "n1234567890123456789012"}),
    "NaN in a value": '{"nodes": [{"id": "a", "op": "input", "value": NaN}], "edges": []}',
    "Infinity in a result": '{"nodes": [{"id": "a", "op": "input", "value": 1, "result": {"value": Infinity}}]}',
    "a float that overflows": '{"nodes": [{"id": "a", "op": "input", "value": 1e400}]}',
    "a lone surrogate": '{"nodes": [{"id": "\\ud800", "op": "input"}]}',
    "duplicate keys": '{"b": 1, "a": 2, "b": 3}',
    "minus zero": "[-0, -0.0, 0.0]",
    "a control character": '["a\x01b"]',
    "nesting over orjson's limit": "[" * 1100 + "]" * 1100,
    "nesting over Python's limit": "[" * 100_000 + "]" * 100_000,
    "not JSON": "{nodes",
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_a_file_decodes_as_pythons_json_reads_it(text: str) -> None:
    data = text.encode()
    expected = _outcome(strictjson.loads, data)
    assert _same(_outcome(fastjson.loads, data), expected)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32-le"])
def test_files_in_other_encodings_decode_as_before(encoding: str) -> None:
    data = json.dumps({"nodes": [{"id": "é", "op": "input"}]}, ensure_ascii=False).encode(encoding)
    assert _same(fastjson.loads(data), strictjson.loads(data))


def test_an_integer_beyond_64_bits_keeps_every_digit(tmp_path: Path) -> None:
    # orjson alone would read these as floats: the id as '1.2345678901234568e+29', the
    # unknown key written back rounded.
    path = tmp_path / "big.json"
    path.write_text(json.dumps(_graph([{"id": LONG, "op": "input", "value": 1.5, "serial": LONG + 1}], [])))
    spec = read_file(path)
    assert spec.nodes == [(str(LONG), {"op": "input", "value": 1.5, "serial": LONG + 1})]
    assert type(spec.nodes[0][1]["serial"]) is int

    path.write_text(json.dumps(_graph([{"id": "a", "op": "input", "value": 1}, {"id": "n", "op": "neg"}],
                                      [{"source": "a", "target": "n", "port": 2 ** 64}])))
    with pytest.raises(FileFormatError, match=r"goes into port 18446744073709551616, but neg has ports: 0 \(x\)"):
        read_file(path)


def test_nan_in_a_value_is_refused_with_its_sentence(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    path.write_text('{"nodes": [{"id": "a", "op": "input", "value": [1, NaN]}], "edges": []}')
    with pytest.raises(FileFormatError) as refused:
        read_file(path)
    assert str(refused.value) == ("Cannot open graph.json: node 'a' has NaN in its value, "
                                  "and NaN is not a JSON number.")


FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(
    [0.0, -0.0, 1e-4, 9.999e-5, -1e-7, 5e-324, 1e16, 9.999999999999998e15, 1e300, 2.0 ** 53 + 2, 0.1])


@ENGINE_SETTINGS
@given(st.lists(FLOATS, min_size=1, max_size=6))
def test_the_report_is_the_text_json_dumps_writes(numbers: list[float]) -> None:
    # log of a negative number is nan, exp of a big one inf, of a very negative one tiny or 0;
    # the lonely input has no gradient (null).
    document = GraphDocument()
    document.add_node("input", node_id="lonely \"é\"", value=1.0)
    total = None
    for k, number in enumerate(numbers):
        document.add_node("input", node_id=f"x{k}", value=number)
        for op in ("log", "exp", "square"):
            document.add_node(op, node_id=f"{op}{k}")
            document.add_edge(f"x{k}", f"{op}{k}", 0)
            if total is not None:
                document.add_node("add", node_id=f"s{op}{k}")
                document.add_edge(total, f"s{op}{k}", 0)
                document.add_edge(f"{op}{k}", f"s{op}{k}", 1)
                total = f"s{op}{k}"
            else:
                total = f"{op}{k}"
    document.graph.graph["output"] = total
    evaluation = document.evaluation()
    assert "".join(report_pieces(evaluation)) == json.dumps(evaluation.to_json())


def test_eval_of_a_file_writes_the_text_json_dumps_writes(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(_graph(
        [{"id": "a", "op": "input", "value": 1e-5}, {"id": "b", "op": "input", "value": [[1.0, -2.5e-9]]},
         {"id": "m", "op": "mul"}, {"id": "s", "op": "sum"}, {"id": "c", "op": "constant", "value": -3e-200}],
        [{"source": "a", "target": "m", "port": 0}, {"source": "b", "target": "m", "port": 1},
         {"source": "m", "target": "s", "port": 0}], output="s")))
    evaluation = evaluate_file(path)
    text = "".join(report_pieces(evaluation))
    assert text == json.dumps(evaluation.to_json())
    report = json.loads(text)
    assert report["nodes"]["c"] == {"value": -3e-200, "grad": None}
    assert report["nodes"]["a"] == {"value": 1e-5, "grad": pytest.approx(1.0 - 2.5e-9, rel=1e-15)}
    np.testing.assert_allclose(report["nodes"]["b"]["grad"], [[1e-5, 1e-5]], rtol=1e-15)


@pytest.mark.parametrize(("what", "content", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_eval_reads_a_file_without_its_edges_with_the_same_refusals(tmp_path: Path, what: str, content: Any,
                                                                    words: list[str]) -> None:
    path = bad_file(tmp_path, content)
    with pytest.raises(FileFormatError) as with_edges:
        read_file(path)
    with pytest.raises(FileFormatError) as without_edges:
        read_file(path, keep_edges=False)
    assert str(without_edges.value) == str(with_edges.value)


def test_a_file_read_without_its_edges_has_the_same_wiring(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    path.write_text(json.dumps(_graph(
        [{"id": "x", "op": "input", "value": 3.0}, {"id": 7, "op": "mul"}, {"id": "r", "op": "relu"}],
        [{"source": "x", "target": 7, "port": 1}, {"source": "x", "target": 7, "port": 0, "key": 0},
         {"source": 7, "target": "r", "port": 0}])))
    full, lean = read_file(path), read_file(path, keep_edges=False)
    assert lean.edges == [] and lean.wiring.in_edges == []
    assert lean.nodes == full.nodes and lean.graph == full.graph
    assert (lean.wiring.index, lean.wiring.sources, lean.wiring.order) == (
        full.wiring.index, full.wiring.sources, full.wiring.order) == ({"x": 0, "7": 1, "r": 2}, [[], [0, 0], [1]],
                                                                        [0, 1, 2])
