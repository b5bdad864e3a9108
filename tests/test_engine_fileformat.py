"""The file format, version 1: round trips, unknown keys, networkx compatibility,
atomic saves, and every refusal DESIGN.md lists, each one sentence naming the place."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest

from engine.document import GraphDocument
from engine.errors import FileFormatError
from engine.examples import EXAMPLES_DIR
from engine.fileformat import parse_data, read_file, write_json_atomic
from engine.report import evaluate_file

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))


def seed_data() -> dict[str, Any]:
    return {
        "directed": True, "multigraph": True,
        "graph": {"format": "backprop-studio", "version": 1, "name": "d = a*(b+c)", "output": "d"},
        "nodes": [
            {"id": "a", "op": "input", "label": "a", "value": 2.2, "x": -220.0, "y": -60.0},
            {"id": "b", "op": "input", "label": "b", "value": -1.8, "x": -440.0, "y": 40.0},
            {"id": "c", "op": "input", "label": "c", "value": 0.1, "x": -440.0, "y": 140.0},
            {"id": "s", "op": "add", "x": -220.0, "y": 90.0},
            {"id": "d", "op": "mul", "x": 0.0, "y": 0.0},
        ],
        "edges": [
            {"source": "a", "target": "d", "key": 0, "port": 0},
            {"source": "s", "target": "d", "key": 0, "port": 1},
            {"source": "b", "target": "s", "key": 0, "port": 0},
            {"source": "c", "target": "s", "key": 0, "port": 1},
        ],
    }


def write(tmp_path: Path, data: Any, name: str = "graph.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_round_trip_gives_the_same_document(tmp_path: Path, path: Path) -> None:
    first = GraphDocument.from_spec(read_file(path)).to_data()
    saved = tmp_path / "saved.json"
    write_json_atomic(saved, first)
    second = GraphDocument.from_spec(read_file(saved)).to_data()
    assert second == first
    write_json_atomic(saved, second)
    assert json.loads(saved.read_text(encoding="utf-8")) == first


def test_unknown_keys_survive_at_every_level(tmp_path: Path) -> None:
    data = seed_data()
    data["graph"]["author"] = "Ada"
    data["graph"]["lecture"] = {"slide": 3}  # (graph.notes is a key of the format now)
    data["nodes"][0]["colour"] = "#ffcc00"
    data["nodes"][3]["value"] = "not a leaf, so not a value"
    data["edges"][1]["style"] = {"dashed": True}
    data["extra_top_level"] = 1
    document = GraphDocument.from_spec(parse_data(data))
    out = document.to_data()
    assert out["graph"]["author"] == "Ada" and out["graph"]["lecture"] == {"slide": 3}
    assert out["nodes"][0]["colour"] == "#ffcc00"
    assert out["nodes"][3]["value"] == "not a leaf, so not a value"
    styled = [edge for edge in out["edges"] if edge["source"] == "s"]
    assert styled[0]["style"] == {"dashed": True}
    saved = tmp_path / "saved.json"
    write_json_atomic(saved, out)
    assert GraphDocument.from_spec(read_file(saved)).to_data() == out


def test_results_are_written_and_ignored_on_load(tmp_path: Path) -> None:
    document = GraphDocument.from_spec(parse_data(seed_data()))
    with_results = document.to_data(document.evaluation())
    assert with_results["nodes"][0]["result"]["grad"] == pytest.approx(-1.7)
    assert with_results["edges"][0]["result"]["value"] == pytest.approx(2.2)
    saved = write(tmp_path, with_results)
    assert GraphDocument.from_spec(read_file(saved)).to_data() == document.to_data()


def test_networkx_reads_what_we_write(tmp_path: Path) -> None:
    data = seed_data()
    data["nodes"][0]["value"] = [[1.0, 2.0], [3.0, 4.0]]
    document = GraphDocument.from_spec(parse_data(data))
    saved = tmp_path / "saved.json"
    write_json_atomic(saved, document.to_data(document.evaluation()))
    with saved.open(encoding="utf-8") as handle:
        graph = nx.node_link_graph(json.load(handle), edges="edges")
    assert isinstance(graph, nx.MultiDiGraph)
    assert set(graph.nodes) == {"a", "b", "c", "s", "d"}
    assert graph.nodes["a"]["value"] == [[1.0, 2.0], [3.0, 4.0]]
    assert graph.nodes["d"]["op"] == "mul"
    assert sorted((s, t, p) for s, t, p in graph.edges(data="port")) == [
        ("a", "d", 0), ("b", "s", 0), ("c", "s", 1), ("s", "d", 1)]
    assert graph.graph["output"] == "d"


def test_we_read_what_networkx_writes() -> None:
    # A graph built in code: integer ids, no positions, networkx's own keys.
    graph = nx.MultiDiGraph(format="backprop-studio", version=1, output=2)
    graph.add_node(1, op="input", value=3.0)
    graph.add_node(2, op="mul")
    graph.add_node(3, op="tanh")
    graph.add_edge(1, 2, port=0)
    graph.add_edge(1, 2, port=1)
    graph.add_edge(1, 3, port=0)
    document = GraphDocument.from_spec(parse_data(nx.node_link_data(graph, edges="edges")))
    assert sorted(document.node_ids()) == ["1", "2", "3"]
    assert document.requested_output == "2"
    assert document.position("1")[0] < document.position("2")[0]
    assert document.evaluation().grad("1") == 6.0


def test_hand_written_files_may_repeat_or_omit_edge_keys() -> None:
    data = seed_data()
    data["edges"] = [{"source": "a", "target": "d", "port": 0}, {"source": "a", "target": "d", "key": 0, "port": 1}]
    document = GraphDocument.from_spec(parse_data(data))
    assert sorted(document.edges()) == [("a", "d", 0), ("a", "d", 1)]
    assert document.evaluation().grad("a") == pytest.approx(4.4)


def test_a_half_built_graph_is_a_valid_file() -> None:
    data = seed_data()
    del data["edges"][1]
    del data["nodes"][0]["value"]
    document = GraphDocument.from_spec(parse_data(data))
    assert len(document) == 5
    assert not document.evaluation().ok


def test_array_values_load_as_float64() -> None:
    data = seed_data()
    data["nodes"][0]["value"] = [[1, 2, 3]]
    data["nodes"][1]["value"] = 2
    spec = parse_data(data)
    a, b = spec.nodes[0][1]["value"], spec.nodes[1][1]["value"]
    assert isinstance(a, np.ndarray) and a.dtype == np.float64 and a.shape == (1, 3)
    assert isinstance(b, np.float64)


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.json"
    write_json_atomic(target, seed_data())
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]
    before = target.read_bytes()
    with pytest.raises(TypeError):
        write_json_atomic(target, {"not serialisable": object()})
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]


def test_a_failed_replace_keeps_the_old_file_and_removes_the_temporary(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "graph.json"
    write_json_atomic(target, seed_data())
    before = target.read_bytes()

    def refuse(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_json_atomic(target, {**seed_data(), "graph": {"name": "changed"}})
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["graph.json"]


def broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(seed_data())
    change(data)
    return data


def _set(path: list[Any], value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


def _cycle(data: dict[str, Any]) -> None:
    data["nodes"].append({"id": "t", "op": "tanh"})
    data["edges"][2] = {"source": "t", "target": "s", "key": 0, "port": 0}
    data["edges"].append({"source": "d", "target": "t", "key": 0, "port": 0})


REFUSALS = [
    # (what, file content or change to the seed, words the message must contain)
    ("not JSON", '{"nodes": [', ["not JSON", "line 1"]),
    ("not JSON at all", b"\xff\xfe\x00garbage", ["not JSON"]),
    ("a JSON list", "[1, 2, 3]", ["not a Backprop Studio graph"]),
    ("another format", broken(_set(["graph", "format"], "excalidraw")), ["excalidraw", "not a Backprop Studio"]),
    ("no nodes", {"graph": {}}, ["not a Backprop Studio graph"]),
    ("a newer version", broken(_set(["graph", "version"], 2)), ["newer", "version 2"]),
    ("an unknown op", broken(_set(["nodes", 3, "op"], "frobnicate")), ["node 's'", "frobnicate"]),
    ("a node without op", broken(lambda d: d["nodes"][3].pop("op")), ["node 's'", "no op"]),
    ("a duplicate id", broken(lambda d: d["nodes"].append({"id": "a", "op": "input"})), ["'a'", "more than one"]),
    ("an edge to a missing node", broken(_set(["edges", 0, "target"], "zz")), ["a → zz", "'zz'"]),
    ("an edge from a missing node", broken(_set(["edges", 0, "source"], "yy")), ["yy → d", "'yy'"]),
    ("an edge without port", broken(lambda d: d["edges"][1].pop("port")), ["s → d", "no port"]),
    ("a port the op lacks", broken(_set(["edges", 1, "port"], 2)), ["s → d", "port 2", "mul"]),
    ("a negative port", broken(_set(["edges", 1, "port"], -1)), ["s → d", "port -1"]),
    ("a port into an input", broken(_set(["edges", 1, "target"], "a")), ["s → a", "none"]),
    ("a port that is text", broken(_set(["edges", 1, "port"], "b")), ["s → d", '"b"']),
    ("two edges into one port", broken(_set(["edges", 1, "port"], 0)), ["two edges", "port 0", "'d'"]),
    ("a cycle", broken(_cycle), ["cycle", "s → d", "d → t", "t → s"]),
    ("a self loop", broken(lambda d: d["edges"].append({"source": "s", "target": "s", "key": 0, "port": 1})
                           or d["edges"].pop(3)), ["cycle", "s → s"]),
    ("a text value", broken(_set(["nodes", 0, "value"], "2.2")), ["node 'a'", "value"]),
    ("a true value", broken(_set(["nodes", 0, "value"], True)), ["node 'a'", "value"]),
    ("a null value", broken(_set(["nodes", 0, "value"], None)), ["node 'a'", "value"]),
    ("a ragged value", broken(_set(["nodes", 0, "value"], [[1, 2], [3]])), ["node 'a'", "rectangular"]),
    ("a list of text", broken(_set(["nodes", 0, "value"], [1, "two"])), ["node 'a'", "only numbers"]),
    ("a value list holding an object", broken(_set(["nodes", 0, "value"], [{"x": 1}])), ["node 'a'", "value"]),
    ("a value list holding true", broken(_set(["nodes", 0, "value"], [1.5, True])), ["node 'a'", "true/false"]),
    ("a nested list holding true", broken(_set(["nodes", 0, "value"], [[1, 2], [True, 3]])), ["node 'a'", "true"]),
    ("a value too large for float64", broken(_set(["nodes", 0, "value"], 10**400)), ["node 'a'", "float64"]),
    ("an output that is not a node", broken(_set(["graph", "output"], "q")), ['"q"', "not a node"]),
    ("a position that is text", broken(_set(["nodes", 4, "x"], "left")), ["node 'd'", "position x"]),
    ("a position too large", broken(_set(["nodes", 4, "y"], 10**400)), ["node 'd'", "position y"]),
    ("a position that is NaN", broken(_set(["nodes", 4, "y"], float("nan"))), ["node 'd'", "position y"]),
    ("a node that is not an object", broken(lambda d: d["nodes"].append(7)), ["node 6", "not an object"]),
    ("an edge that is not an object", broken(lambda d: d["edges"].append([1])), ["edge 5", "not an object"]),
    ("an id that is a list", broken(_set(["nodes", 0, "id"], ["a"])), ["node 1", "id"]),
]


def bad_file(tmp_path: Path, content: Any) -> Path:
    """A refused file on disk: raw bytes as they are, anything else as JSON."""
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        write(tmp_path, content, "bad.json")
    return path


@pytest.mark.parametrize(("what", "content", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refusals_are_one_sentence_naming_the_place(tmp_path: Path, what: str, content: Any,
                                                    words: list[str]) -> None:
    path = bad_file(tmp_path, content)
    with pytest.raises(FileFormatError) as raised:
        read_file(path)
    message = str(raised.value)
    assert message.startswith("Cannot open bad.json: ")
    assert message.endswith(".") and "\n" not in message and "Traceback" not in message
    assert ". " not in message.removeprefix("Cannot open bad.json: "), "more than one sentence"
    for word in words:
        assert word in message


def test_a_missing_file_is_refused_in_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"^Cannot open nowhere\.json: .*\.$"):
        read_file(tmp_path / "nowhere.json")


def test_a_refused_file_leaves_the_open_document_untouched(tmp_path: Path) -> None:
    document = GraphDocument.from_spec(parse_data(seed_data()))
    before = document.to_data()
    path = write(tmp_path, broken(_set(["edges", 1, "port"], 0)))
    with pytest.raises(FileFormatError):
        document.replace_with(GraphDocument.from_spec(read_file(path)))
    assert document.to_data() == before


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_the_fast_path_and_the_document_agree(path: Path) -> None:
    fast = evaluate_file(path)
    slow = GraphDocument.from_spec(read_file(path)).evaluation()
    assert fast.to_json() == slow.to_json()


def test_parsing_leaves_the_callers_data_unchanged() -> None:
    data = seed_data()
    data["edges"][0]["result"] = {"value": 1.0, "grad": 2.0}
    before = copy.deepcopy(data)
    spec = parse_data(data)
    assert data == before
    assert spec.nodes[0] == ("a", {"op": "input", "label": "a", "value": 2.2, "x": -220.0, "y": -60.0})
    assert spec.edges[0] == ("a", "d", 0, {"port": 0})


def test_integer_positions_become_floats_and_missing_ones_stay_missing() -> None:
    data = seed_data()
    data["nodes"][0]["x"] = 3
    del data["nodes"][1]["x"], data["nodes"][1]["y"]
    spec = parse_data(data)
    assert spec.nodes[0][1]["x"] == 3.0 and isinstance(spec.nodes[0][1]["x"], float)
    assert "x" not in spec.nodes[1][1] and "y" not in spec.nodes[1][1]
