"""Random edit sequences through the editor's undo stack: undoing everything gives
back the exact starting document, redoing everything the exact end."""

from __future__ import annotations

from canvas_helpers import assert_mirrors, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.document import GraphDocument
from engine.errors import EditRefused
from gui.canvas.scene import GraphScene
from gui.editing.editor import GraphEditor

OPS = ["input", "constant", "add", "mul", "tanh", "exp", "sum", "pow", "neg"]

edit = st.one_of(
    st.tuples(st.just("add"), st.sampled_from(OPS), st.floats(-500, 500), st.floats(-500, 500)),
    st.tuples(st.just("connect"), st.integers(0, 50), st.integers(0, 50), st.integers(0, 1)),
    st.tuples(st.just("delete"), st.lists(st.integers(0, 50), max_size=3), st.booleans()),
    st.tuples(st.just("move"), st.lists(st.integers(0, 50), min_size=1, max_size=3), st.floats(-90, 90)),
    st.tuples(st.just("value"), st.integers(0, 50), st.sampled_from(["2.5", "[1, 2, 3]", "[[1], [2]]", "oops"])),
    st.tuples(st.just("label"), st.integers(0, 50), st.sampled_from(["", "w", "bias"])),
    st.tuples(st.just("output"), st.integers(0, 50)),
    st.tuples(st.just("duplicate"), st.lists(st.integers(0, 50), min_size=1, max_size=3)),
    st.tuples(st.just("arrange"),),
)


def apply(editor: GraphEditor, step: tuple) -> None:
    document = editor.document
    ids = document.node_ids()
    pick = (lambda i: ids[i % len(ids)]) if ids else None
    kind = step[0]
    if kind == "add":
        editor.add_node(step[1], step[2], step[3])
    elif not ids:
        return
    elif kind == "connect":
        source, target = pick(step[1]), pick(step[2])
        arity = document.op_of(target).arity
        if arity:
            editor.connect(source, target, step[3] % arity)
    elif kind == "delete":
        edges = document.edges()
        chosen_edges = [edges[step[1][0] % len(edges)]] if step[2] and edges and step[1] else []
        editor.delete(sorted({pick(i) for i in step[1]}), chosen_edges)
    elif kind == "move":
        moves = {}
        for i in step[1]:
            node_id = pick(i)
            x, y = document.position(node_id)
            moves[node_id] = ((x, y), (x + step[2], y - step[2]))
        editor.move_nodes(moves)
    elif kind == "value":
        node_id = pick(step[1])
        if document.op_of(node_id).is_leaf:
            editor.set_value_text(node_id, step[2])
    elif kind == "label":
        editor.set_label(pick(step[1]), step[2])
    elif kind == "output":
        editor.set_output(pick(step[1]))
    elif kind == "duplicate":
        editor.duplicate(sorted({pick(i) for i in step[1]}))
    elif kind == "arrange":
        editor.arrange()


def check_invariants(document: GraphDocument) -> None:
    for node_id in document.node_ids():
        op = document.op_of(node_id)
        ports = [document.port_of(e) for e in document.in_edges(node_id)]
        assert len(ports) == len(set(ports)), "two wires in one port"
        assert all(0 <= p < op.arity for p in ports)
    evaluation = document.evaluation()  # never raises for anything a person can build
    assert len(evaluation.values) == len(document)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(edit, min_size=1, max_size=25))
def test_undo_all_then_redo_all(qtbot, steps):
    document = GraphDocument()
    editor = GraphEditor(document)
    for op, x in (("input", -200.0), ("input", -200.0), ("mul", 0.0)):
        document.add_node(op, x, len(document) * 100.0)
    scene = GraphScene(document)
    start = snapshot(document)
    for step in steps:
        try:
            apply(editor, step)
        except EditRefused as refusal:  # pragma: no cover - the editor reports, never raises
            raise AssertionError(f"the editor raised instead of reporting: {refusal}") from None
        check_invariants(document)
        assert_mirrors(document, scene)
    end = snapshot(document)
    stack = editor.undo_stack
    while stack.canUndo():
        stack.undo()
    assert snapshot(document) == start
    assert_mirrors(document, scene)
    while stack.canRedo():
        stack.redo()
    assert snapshot(document) == end
    assert_mirrors(document, scene)
    scene.detach()
