"""The graph document: edits, the refusals of connect, and the events the canvas observes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from engine.document import GraphDocument
from engine.errors import BadValue, EditRefused

EVENTS = ["node_added", "node_removed", "node_moved", "node_changed", "node_renamed", "edge_added", "edge_removed",
          "graph_changed", "reset", "changed"]


def record(document: GraphDocument) -> list[tuple[Any, ...]]:
    log: list[tuple[Any, ...]] = []
    for name in EVENTS:
        def callback(*args: Any, name: str = name) -> None:
            log.append((name, *args))
        getattr(document, name).subscribe(callback)
    return log


def chain() -> GraphDocument:
    document = GraphDocument()
    document.add_node("input", node_id="a", value=2.0)
    document.add_node("tanh", node_id="t")
    document.add_node("mul", node_id="m")
    document.add_edge("a", "t", 0)
    document.add_edge("t", "m", 0)
    document.add_edge("a", "m", 1)
    return document


def test_add_node_announces_and_gives_readable_ids() -> None:
    document = GraphDocument()
    log = record(document)
    first = document.add_node("input", 10, 20)
    second = document.add_node("input")
    added = document.add_node("add", 1.5, 2.5)
    assert (first, second, added) == ("x1", "x2", "add1")
    assert document.value_of("x1") == 1.0 and isinstance(document.value_of("x1"), np.float64)
    assert document.position("add1") == (1.5, 2.5)
    assert "value" not in document.attrs("add1")
    assert log == [("node_added", "x1"), ("changed",), ("node_added", "x2"), ("changed",),
                   ("node_added", "add1"), ("changed",)]


def test_add_node_refuses_an_unknown_op_and_a_taken_id() -> None:
    document = chain()
    log = record(document)
    with pytest.raises(EditRefused, match="frobnicate"):
        document.add_node("frobnicate")
    with pytest.raises(EditRefused, match="'a'"):
        document.add_node("input", node_id="a")
    assert log == [] and len(document) == 3


def test_remove_node_removes_its_edges_first() -> None:
    document = chain()
    log = record(document)
    document.remove_node("a")
    assert "a" not in document and document.edges() == [("t", "m", 0)]
    removed_edges = [entry for entry in log if entry[0] == "edge_removed"]
    assert sorted(entry[1] for entry in removed_edges) == [("a", "m", 0), ("a", "t", 0)]
    assert [entry[0] for entry in log if entry[0] != "changed"] == ["edge_removed", "edge_removed", "node_removed"]
    assert log.count(("changed",)) == 3


def test_add_and_remove_edge_announce() -> None:
    document = GraphDocument()
    document.add_node("input", node_id="x")
    document.add_node("mul", node_id="m")
    log = record(document)
    first = document.add_edge("x", "m", 0)
    second = document.add_edge("x", "m", 1)
    assert (first, second) == (("x", "m", 0), ("x", "m", 1))
    assert document.port_of(second) == 1 and document.edge_into("m", 1) == second
    document.remove_edge(first)
    assert document.edge_into("m", 0) is None
    assert log == [("edge_added", first), ("changed",), ("edge_added", second), ("changed",),
                   ("edge_removed", first), ("changed",)]


@pytest.mark.parametrize(("source", "target", "port", "words"), [
    ("m", "a", 0, "no input port"),
    ("m", "t", 0, "cycle"),
    ("m", "m", 1, "cannot feed itself"),
    ("a", "m", 2, "no input port 2"),
    ("a", "t", -1, "no input port -1"),
    ("a", "nowhere", 0, "no node 'nowhere'"),
    ("nowhere", "t", 0, "no node 'nowhere'"),
    ("t", "m", 0, "already wired"),
])
def test_connect_refusals_change_nothing(source: str, target: str, port: int, words: str) -> None:
    document = chain()
    before = document.to_data()
    log = record(document)
    with pytest.raises(EditRefused, match=words):
        document.add_edge(source, target, port)
    assert log == [] and document.to_data() == before


def test_check_connection_names_the_occupant_it_would_replace() -> None:
    document = chain()
    document.add_node("input", node_id="b")
    assert document.check_connection("b", "m", 0) == ("t", "m", 0)
    assert document.check_connection("b", "t", 0) == ("a", "t", 0)
    assert document.check_connection("b", "m", 1) == ("a", "m", 0)
    assert document.check_connection("a", "m", 0) == ("t", "m", 0)
    with pytest.raises(EditRefused, match="cycle"):
        document.check_connection("m", "t", 0)


def test_a_long_cycle_is_refused_with_its_reason() -> None:
    document = GraphDocument()
    document.add_node("input", node_id="x")
    previous = "x"
    for i in range(5):
        node = document.add_node("tanh", node_id=f"t{i}")
        document.add_edge(previous, node, 0)
        previous = node
    document.add_node("add", node_id="s")
    document.add_edge("t4", "s", 0)
    with pytest.raises(EditRefused, match="connecting s → t1 would make a cycle, because t1 already feeds s"):
        document.add_edge("s", "t1", 0)


def test_move_set_value_label_and_output_announce() -> None:
    document = chain()
    log = record(document)
    document.move_node("t", 5, 6)
    document.set_value("a", [[1, 2]])
    document.set_label("t", "hidden")
    document.set_label("t", "")
    document.set_output("m")
    assert document.position("t") == (5.0, 6.0)
    assert document.value_of("a").tolist() == [[1.0, 2.0]]
    assert document.name_of("t") == "t"
    assert document.requested_output == "m"
    assert log == [("node_moved", "t"), ("changed",), ("node_changed", "a"), ("changed",),
                   ("node_changed", "t"), ("changed",), ("node_changed", "t"), ("changed",),
                   ("graph_changed",), ("changed",)]


def test_bad_values_are_refused_and_change_nothing() -> None:
    document = chain()
    log = record(document)
    for bad in ("2.2", [[1, 2], [3]], True, [1.0, True], 10**400, {"x": 1}):
        with pytest.raises(BadValue):
            document.set_value("a", bad)
    with pytest.raises(EditRefused, match="computes its value"):
        document.set_value("t", 1.0)
    assert log == [] and document.value_of("a") == 2.0


def test_every_edit_bumps_the_revision() -> None:
    document = GraphDocument()
    edits: list[Callable[[], object]] = [
        lambda: document.add_node("input", node_id="x"),
        lambda: document.add_node("neg", node_id="n"),
        lambda: document.add_edge("x", "n", 0),
        lambda: document.move_node("x", 1, 1),
        lambda: document.set_value("x", 4),
        lambda: document.set_label("n", "minus"),
        lambda: document.set_output("n"),
        lambda: document.remove_edge(("x", "n", 0)),
        lambda: document.remove_node("n"),
    ]
    for edit in edits:
        before = document.revision
        edit()
        assert document.revision > before


def test_replace_with_adopts_the_other_graph_and_announces_reset() -> None:
    document = chain()
    other = GraphDocument()
    other.add_node("input", node_id="z", value=7.0)
    log = record(document)
    document.replace_with(other)
    assert document.node_ids() == ["z"]
    assert log == [("reset",), ("changed",)]
    assert document.evaluation().value("z") == 7.0


def test_a_callback_may_release_itself() -> None:
    document = GraphDocument()
    calls: list[str] = []

    def once(node_id: str) -> None:
        calls.append(node_id)
        subscription.release()

    subscription = document.node_added.subscribe(once)
    document.add_node("input")
    document.add_node("input")
    assert calls == ["x1"]
