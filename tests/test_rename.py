"""The teacher's names, not internal ids: renaming a node renames its id when the name
is free (one undo step, undone exactly), files and `eval` use the names, and the
canvas, inspector and status bar follow the rename without re-creating items."""

from __future__ import annotations

import json

import pytest
from canvas_helpers import assert_scene_mirrors_document, snapshot
from PySide6.QtCore import QPointF

from engine.document import GraphDocument
from engine.errors import EditRefused
from engine.fileformat import read_file
from engine.report import eval_report
from gui.editing.commands import RenameCommand


def neuron_by_ids() -> GraphDocument:
    """The micrograd neuron built the old way: ids a..e for inputs, op ids for the rest."""
    document = GraphDocument()
    values = {"x1": 2.0, "w1": -3.0, "x2": 0.0, "w2": 1.0, "b": 6.8813735870195432}
    ids = {}
    for index, (name, value) in enumerate(values.items()):
        ids[name] = document.add_node("input", -600, index * 100.0, node_id="abcde"[index], value=value)
    for node_id, op in (("mul1", "mul"), ("mul2", "mul"), ("add1", "add"), ("add2", "add"), ("tanh1", "tanh")):
        document.add_node(op, 0, 0, node_id=node_id)
    for source, target, port in (("a", "mul1", 0), ("b", "mul1", 1), ("c", "mul2", 0), ("d", "mul2", 1),
                                 ("mul1", "add1", 0), ("mul2", "add1", 1), ("add1", "add2", 0), ("e", "add2", 1),
                                 ("add2", "tanh1", 0)):
        document.add_edge(source, target, port)
    document.set_output("tanh1")
    return document


def file_order(document: GraphDocument) -> tuple[list, list]:
    data = document.to_data()
    return data["nodes"], data["edges"]


# ------------------------------------------------------------------ engine
def test_a_free_name_becomes_the_id_with_wires_ports_keys_output_and_order_kept() -> None:
    document = neuron_by_ids()
    renamed: list[tuple[str, str]] = []
    document.node_renamed.subscribe(lambda old, new: renamed.append((old, new)))
    order = document.node_ids()
    document.rename_node("tanh1", document.check_name("tanh1", "o"), "o")
    assert renamed == [("tanh1", "o")]
    assert document.node_ids() == [("o" if n == "tanh1" else n) for n in order]
    assert document.requested_output == "o"
    assert document.in_edges("o") == [("add2", "o", 0)] and document.port_of(("add2", "o", 0)) == 0
    assert document.attrs("o")["label"] == "o"
    assert document.evaluation().value("o") == pytest.approx(0.7071067811865476, rel=1e-12)


def test_a_name_another_card_shows_is_refused_and_nothing_changes() -> None:
    document = neuron_by_ids()
    document.set_label("e", "b")  # the bias shows "b" while the card with id b is w1
    document.set_label("b", "w1")
    before = document.to_data()
    with pytest.raises(EditRefused, match="another node is already named b; each name must be unique"):
        document.check_name("a", "b")
    with pytest.raises(EditRefused, match="a node needs a name"):
        document.check_name("a", "  ")
    assert document.to_data() == before


def test_a_name_that_is_only_another_nodes_id_keeps_the_id_and_sets_the_label() -> None:
    document = neuron_by_ids()
    document.set_label("b", "w1")  # id b now shows w1, so "b" is free to show elsewhere
    assert document.check_name("e", "b") == "e"
    document.rename_node("e", "e", "b")
    assert document.name_of("e") == "b" and document.name_of("b") == "w1"


def test_undo_of_a_rename_restores_id_label_and_order_exactly() -> None:
    document = neuron_by_ids()
    document.set_label("a", "first")
    before = file_order(document)
    command = RenameCommand(document, "a", "x1")
    command.redo()
    assert "a" not in document and document.name_of("x1") == "x1"
    command.undo()
    assert file_order(document) == before
    command.redo()
    assert document.out_edges("x1") == [("x1", "mul1", 0)]


def test_new_nodes_get_readable_ids() -> None:
    document = GraphDocument()
    assert [document.add_node(op) for op in ("input", "input", "tanh", "mul", "mul")] == \
        ["x1", "x2", "tanh1", "mul1", "mul2"]


def test_eval_keys_results_by_the_names_typed(qtbot, tmp_path) -> None:
    from gui.editing.editor import GraphEditor

    editor = GraphEditor(neuron_by_ids())
    for node_id, name in (("a", "x1"), ("b", "w1"), ("c", "x2"), ("d", "w2"), ("e", "b"), ("add2", "n"),
                          ("tanh1", "o")):
        assert editor.rename(node_id, name) == name
    path = tmp_path / "neuron.json"
    path.write_text(json.dumps(editor.document.to_data()))
    report = eval_report(path)
    assert report["output"] == "o"
    assert set(report["nodes"]) == {"x1", "w1", "x2", "w2", "b", "mul1", "mul2", "add1", "n", "o"}
    assert report["nodes"]["o"]["value"] == pytest.approx(0.7071067811865476, rel=1e-12)
    # ∂o/∂w1 = x1 · (1 − o²); checked against a central difference of the graph itself.
    document = GraphDocument.from_spec(read_file(path))
    h = 1e-6
    document.set_value("w1", -3.0 + h)
    up = float(document.evaluation().value("o"))
    document.set_value("w1", -3.0 - h)
    down = float(document.evaluation().value("o"))
    assert report["nodes"]["w1"]["grad"] == pytest.approx((up - down) / (2 * h), rel=1e-7)
    editor.undo_stack.setIndex(0)
    assert set(editor.document.node_ids()) == set("abcde") | {"mul1", "mul2", "add1", "add2", "tanh1"}


def test_pasting_a_named_node_gives_the_copy_a_fresh_name(window) -> None:
    window.editor.rename("a", "w1")
    window.scene.select_nodes(["w1"])
    copies = window.editor.duplicate(["w1"])
    assert copies == ["w1_2"] and window.document.name_of("w1_2") == "w1_2"
    names = [window.document.name_of(n) for n in window.document.node_ids()]
    assert len(names) == len(set(names))


# --------------------------------------------------------------------- GUI
def test_renaming_is_one_undo_step_and_the_canvas_follows_without_new_items(window) -> None:
    start = window.document.to_data()
    scene = window.scene
    item, wire = scene.node_items["s"], scene.edge_items[("s", "d", 0)]
    item.setSelected(True)
    depth = window.editor.undo_stack.count()
    window.inspector.label_edit.setText("total")
    window.inspector.label_edit.editingFinished.emit()
    assert window.editor.undo_stack.count() == depth + 1
    assert window.editor.undo_stack.text(depth) == "Rename s → total"
    # Same card, same wire, re-keyed; still selected, and the inspector still shows it.
    assert scene.node_items["total"] is item and item.node_id == "total" and item.isSelected()
    assert scene.edge_items[("total", "d", 0)] is wire and wire.edge == ("total", "d", 0)
    assert window.inspector.node_id == "total" and window.inspector.heading.text() == "total"
    assert_scene_mirrors_document(window)
    window.presenter.refresh()
    assert item.look.value == "-1.7"
    assert "total" in item.describe() and "Output of total" in item.output.describe()
    window.editor.undo_stack.undo()
    assert window.document.to_data() == start
    assert scene.node_items["s"] is item and item.isSelected()
    assert_scene_mirrors_document(window)


def test_the_status_bar_names_the_output_as_typed(window) -> None:
    window.editor.rename("d", "loss")
    window.presenter.refresh()
    assert window.output_status.text() == "output loss = -3.74"
    window.editor.undo_stack.undo()
    window.presenter.refresh()
    assert window.output_status.text() == "output d = -3.74"


def test_possible_outputs_are_listed_by_name(window) -> None:
    window.document.set_output(None)
    node_id = window.editor.add_node("exp", 300, 300)
    window.editor.connect("a", node_id, 0)
    window.editor.rename(node_id, "e_a")
    window.editor.rename("d", "loss")
    window.presenter.refresh()
    assert "(loss, e_a)" in window.output_status.text()
    window.scene.select_nodes(["a"])
    assert "(loss, e_a)" in window.inspector.current_grad.toPlainText()


def test_a_duplicate_name_is_refused_with_a_sentence(window) -> None:
    before = snapshot(window.document)
    depth = window.editor.undo_stack.count()
    window.scene.select_nodes(["a"])
    window.inspector.label_edit.setText("b")
    window.inspector.label_edit.editingFinished.emit()
    assert snapshot(window.document) == before and window.editor.undo_stack.count() == depth
    assert window.editor.last_message == ("a keeps its name: Another node is already named b; each name must be "
                                          "unique, so the trace and the results can tell them apart.")
    assert window.inspector.label_edit.text() == "a"


def test_a_rename_during_a_wire_drag_cancels_the_wire(window) -> None:
    from canvas_helpers import viewport_point
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    viewport = window.view.viewport()
    start = viewport_point(window, window.scene.node_items["a"].output.scenePos())
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + (viewport_point(window, QPointF(300, 300)) - start) / 2)
    window.editor.rename("a", "x")
    assert window.scene._wire is None
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    assert_scene_mirrors_document(window)


def test_a_rename_while_a_step_is_shown_returns_to_editing_and_replays_with_the_name(window) -> None:
    presenter = window.presenter
    presenter.show_step(3)
    window.editor.rename("s", "total")
    presenter.refresh()
    assert presenter.applied is None and window.scene.node_items["total"].look.value == "-1.7"
    steps = len(presenter.evaluation.trace.steps)
    presenter.show_step(steps)
    assert window.scene.node_items["total"].look.grad == "2.2"
    assert "total" in presenter.evaluation.plan.names
