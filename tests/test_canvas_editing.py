"""Build and edit graphs with the mouse and keyboard, as a person does; after each
action the scene and the networkx document agree, and undo gives back the start."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from canvas_helpers import assert_scene_mirrors_document, click, drag, snapshot, viewport_point
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from engine.values import format_value
from gui.panels.palette import OP_ROLE


def trigger(window, name: str) -> None:
    action = window.findChild(QAction, name)
    assert action is not None, name
    action.trigger()


def drop_op(window, op: str, scene_point: QPointF) -> None:
    """What a drop from the palette delivers to the canvas."""
    palette_item = next(
        window.palette.tree.topLevelItem(g).child(i)
        for g in range(window.palette.tree.topLevelItemCount())
        for i in range(window.palette.tree.topLevelItem(g).childCount())
        if window.palette.tree.topLevelItem(g).child(i).data(0, OP_ROLE) == op)
    mime: QMimeData = window.palette.tree.mimeData([palette_item])
    viewport = window.view.viewport()
    position = QPointF(viewport_point(window, scene_point))
    with warnings.catch_warnings():  # PySide 6.12 deprecates the QPoint form 6.11 requires
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(position.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    assert enter.isAccepted()
    drop = QDropEvent(position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, drop)


def port_pos(window, node_id: str, port: int) -> QPointF:
    item = window.scene.node_items[node_id]
    return (item.output if port < 0 else item.inputs[port]).scenePos()


def key(window, key_code, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    window.view.setFocus()
    QTest.keyClick(window.view, key_code, modifiers)


@pytest.fixture
def start(window):
    window.activateWindow()
    window.view.setFocus()
    return snapshot(window.document)


def test_the_window_opens_on_the_seed_example(window):
    document = window.document
    assert sorted(document.node_ids()) == ["a", "b", "c", "d", "s"]
    assert window.scene.node_items["d"].look.value == "-3.74"
    assert window.scene.node_items["a"].look.grad == "-1.7"
    assert window.scene.node_items["d"].look.output
    assert_scene_mirrors_document(window)


def test_drop_from_palette_adds_the_node_under_the_cursor(window, start):
    drop_op(window, "exp", QPointF(300, 200))
    assert len(window.document) == 6
    new = next(n for n in window.document.node_ids() if window.document.attrs(n)["op"] == "exp")
    x, y = window.document.position(new)
    assert abs(x - 300) <= 1.5 and abs(y - 200) <= 1.5
    assert window.scene.node_items[new].isSelected()
    assert_scene_mirrors_document(window)
    window.editor.undo_stack.undo()
    assert snapshot(window.document) == start
    assert_scene_mirrors_document(window)


def test_palette_filter_and_double_click_add(window):
    window.palette.filter.setText("sigm")
    assert window.palette.visible_ops() == ["sigmoid"]
    window.palette.filter.returnPressed.emit()
    assert any(window.document.attrs(n)["op"] == "sigmoid" for n in window.document.node_ids())


def test_drag_a_wire_from_an_output_to_an_input(window, start):
    drop_op(window, "exp", QPointF(300, 250))
    new = next(n for n in window.document.node_ids() if window.document.attrs(n)["op"] == "exp")
    window.presenter.refresh()
    drag(window, port_pos(window, "d", -1), port_pos(window, new, 0))
    assert ("d", new, 0) in window.document.edges()
    assert window.document.port_of(("d", new, 0)) == 0
    assert_scene_mirrors_document(window)
    window.presenter.refresh()
    # The wire carries d's value, and the new node computes from it at once.
    assert window.scene.edge_items[("d", new, 0)].look.value == "-3.74"
    assert window.scene.node_items[new].look.value == format_value(np.exp(-3.74))


def test_drag_a_wire_backwards_from_an_input_to_an_output(window, start):
    drop_op(window, "neg", QPointF(300, 250))
    new = next(n for n in window.document.node_ids() if window.document.attrs(n)["op"] == "neg")
    drag(window, port_pos(window, new, 0), port_pos(window, "s", -1))
    assert ("s", new, 0) in window.document.edges()
    assert_scene_mirrors_document(window)


def test_a_cycle_is_refused_with_a_message(window, start):
    messages = []
    window.scene.message.connect(messages.append)
    drag(window, port_pos(window, "d", -1), port_pos(window, "s", 0))
    assert snapshot(window.document) == start
    assert messages and "cycle" in messages[-1]
    assert_scene_mirrors_document(window)


def test_a_port_of_the_same_node_is_refused(window, start):
    messages = []
    window.scene.message.connect(messages.append)
    drag(window, port_pos(window, "s", -1), port_pos(window, "s", 0))
    assert snapshot(window.document) == start
    assert messages


def test_dropping_a_new_wire_on_empty_canvas_cancels(window, start):
    drag(window, port_pos(window, "a", -1), QPointF(600, 600))
    assert snapshot(window.document) == start
    assert window.editor.undo_stack.count() == 0
    assert_scene_mirrors_document(window)


def test_dragging_a_wire_end_off_its_port_detaches_it(window, start):
    drag(window, port_pos(window, "d", 0), QPointF(-100, -300))
    assert ("a", "d", 0) not in window.document.edges()
    assert_scene_mirrors_document(window)
    window.presenter.refresh()
    assert window.scene.node_items["d"].look.problem_kind == "incomplete"
    window.editor.undo_stack.undo()
    assert snapshot(window.document) == start


def test_dragging_a_wire_end_to_another_port_moves_it(window, start):
    # a → d.a picked up at d.a and dropped on s.a (replacing b → s.a).
    drag(window, port_pos(window, "d", 0), port_pos(window, "s", 0))
    assert window.document.edge_into("s", 0)[0] == "a"
    assert window.document.edge_into("d", 0) is None
    assert ("b", "s", 0) not in window.document.edges()
    assert_scene_mirrors_document(window)
    window.editor.undo_stack.undo()
    assert snapshot(window.document) == start
    assert_scene_mirrors_document(window)


def test_moving_nodes_is_one_undo_step(window, start):
    item = window.scene.node_items["s"]
    begin = item.scenePos() + QPointF(0, -20)
    drag(window, begin, begin + QPointF(120, 80), steps=12)
    assert window.document.position("s") == (item.x(), item.y())
    assert window.document.position("s") != (start["nodes"]["s"]["x"], start["nodes"]["s"]["y"])
    assert window.editor.undo_stack.count() == 1
    assert_scene_mirrors_document(window)
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(window.document) == start
    assert_scene_mirrors_document(window)
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.document.position("s") == (item.x(), item.y())
    assert_scene_mirrors_document(window)


def test_click_shift_click_and_delete(window, start):
    click(window, window.scene.node_items["b"].scenePos() + QPointF(0, -20))
    click(window, window.scene.node_items["c"].scenePos() + QPointF(0, -20), Qt.KeyboardModifier.ShiftModifier)
    assert sorted(window.scene.selected_node_ids()) == ["b", "c"]
    key(window, Qt.Key.Key_Delete)
    assert sorted(window.document.node_ids()) == ["a", "d", "s"]
    assert window.document.edge_into("s", 0) is None
    assert_scene_mirrors_document(window)
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(window.document) == start
    assert_scene_mirrors_document(window)


def test_rubber_band_selects_and_backspace_deletes(window, start):
    items = window.scene.node_items
    left = min(items["b"].sceneBoundingRect().left(), items["c"].sceneBoundingRect().left()) - 30
    top = items["b"].sceneBoundingRect().top() - 30
    bottom = items["c"].sceneBoundingRect().bottom() + 10
    right = items["b"].sceneBoundingRect().right() + 10
    drag(window, QPointF(left, top), QPointF(right, bottom))
    assert sorted(window.scene.selected_node_ids()) == ["b", "c"]
    key(window, Qt.Key.Key_Backspace)
    assert "b" not in window.document and "c" not in window.document
    assert_scene_mirrors_document(window)


def test_select_all_delete_and_undo_everything(window, start):
    key(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(window.scene.selected_node_ids()) == 5
    key(window, Qt.Key.Key_Delete)
    assert len(window.document) == 0 and not window.scene.node_items and not window.scene.edge_items
    assert "output" not in window.document.graph.graph
    key(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(window.document) == start
    assert_scene_mirrors_document(window)


def test_a_selected_wire_can_be_deleted(window, start):
    edge_item = window.scene.edge_items[("a", "d", 0)]
    click(window, edge_item.path().pointAtPercent(0.25))
    assert window.scene.selected_edges() == [("a", "d", 0)]
    key(window, Qt.Key.Key_Delete)
    assert ("a", "d", 0) not in window.document.edges()
    assert len(window.document) == 5
    assert_scene_mirrors_document(window)


def test_copy_paste_puts_graph_json_on_the_clipboard(window, start):
    window.scene.select_nodes(["b", "c", "s"])
    key(window, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    assert '"nodes"' in text and '"source": "b"' in text
    key(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document) == 8
    pasted = window.scene.selected_node_ids()
    assert len(pasted) == 3 and not {"b", "c", "s"} & set(pasted)
    pasted_add = next(n for n in pasted if window.document.attrs(n)["op"] == "add")
    assert {e[0] for e in window.document.in_edges(pasted_add)} <= set(pasted)
    assert len(window.document.in_edges(pasted_add)) == 2
    assert_scene_mirrors_document(window)
    window.editor.undo_stack.undo()
    assert snapshot(window.document) == start


def test_pasting_something_that_is_not_a_graph_changes_nothing(window, start):
    messages = []
    window.editor.message.connect(messages.append)
    QGuiApplication.clipboard().setText("hello")
    key(window, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(window.document) == start
    assert messages and "clipboard" in messages[-1]


def test_duplicate(window, start):
    window.scene.select_nodes(["a"])
    key(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(window.document) == 6
    (copy,) = window.scene.selected_node_ids()
    assert window.document.value_of(copy) == window.document.value_of("a")
    assert window.document.position(copy) == (window.document.position("a")[0] + 40,
                                              window.document.position("a")[1] + 40)
    assert_scene_mirrors_document(window)


def test_arrange_is_one_undo_step(window, start):
    window.document.move_node("b", 900, 900)  # a mess to tidy (outside undo: the start state)
    before = snapshot(window.document)
    trigger(window, "arrange")
    assert window.editor.undo_stack.count() == 1
    xs = {n: window.document.position(n)[0] for n in window.document.node_ids()}
    assert xs["b"] < xs["s"] < xs["d"] and xs["a"] < xs["d"]
    assert_scene_mirrors_document(window)
    window.editor.undo_stack.undo()
    assert snapshot(window.document) == before


def test_values_update_after_an_edit_and_gradients_can_be_hidden(window):
    window.editor.set_value_text("a", "3")
    window.presenter.refresh()
    assert window.scene.node_items["d"].look.value == "-5.1"
    assert window.scene.node_items["s"].look.grad == "3"
    trigger(window, "show_gradients")
    assert window.scene.node_items["s"].look.grad == ""
    assert window.scene.edge_items[("s", "d", 0)].look.grad == ""
    assert window.scene.node_items["d"].look.value == "-5.1"


def test_a_bad_value_is_refused_and_changes_nothing(window, start):
    window.scene.select_nodes(["a"])
    inspector = window.inspector
    inspector.value_edit.setText("[[1, 2], [3]]")
    QTest.keyClick(inspector.value_edit, Qt.Key.Key_Return)
    assert snapshot(window.document) == start
    assert "rectangular" in inspector.value_error.text()
    inspector.value_edit.setText("[[1, 2], [3, 4]]")
    QTest.keyClick(inspector.value_edit, Qt.Key.Key_Return)
    assert window.document.value_of("a").shape == (2, 2)
    assert inspector.value_error.text() == ""
    window.presenter.refresh()
    assert window.scene.node_items["d"].look.value.startswith("[2×2]")


def test_inspector_renames_and_sets_the_output(window):
    window.scene.select_nodes(["s"])
    window.inspector.label_edit.setText("sum")
    window.inspector.label_edit.editingFinished.emit()
    # The name was free, so the id follows it: files and results say "sum" too.
    assert "s" not in window.document and window.document.name_of("sum") == "sum"
    assert window.scene.node_items["sum"].name == "sum"
    window.inspector.output_box.click()
    assert window.document.graph.graph["output"] == "sum"
    window.presenter.refresh()
    assert window.scene.node_items["sum"].look.output
    assert window.scene.node_items["a"].look.grad == ""


def test_tab_opens_the_quick_add_list_and_enter_adds(window, start):
    key(window, Qt.Key.Key_Tab)
    popup = window.quick_add
    assert popup.isVisible()
    QTest.keyClicks(popup.search, "tanh")
    QTest.keyClick(popup.search, Qt.Key.Key_Return)
    assert not popup.isVisible()
    assert any(window.document.attrs(n)["op"] == "tanh" for n in window.document.node_ids())
    assert_scene_mirrors_document(window)


def test_zoom_is_clamped_and_fit_shows_the_graph(window):
    for _ in range(60):
        window.view.zoom_by(1.3)
    assert window.view.zoom() == pytest.approx(4.0)
    for _ in range(80):
        window.view.zoom_by(0.7)
    assert window.view.zoom() == pytest.approx(0.08)
    # Far out, one overview item draws every wire instead of thousands of items.
    assert window.scene.overview and window.scene.wire_overview.isVisible()
    assert not any(item.isVisible() for item in window.scene.edge_items.values())
    key(window, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert not window.scene.overview and not window.scene.wire_overview.isVisible()
    assert all(item.isVisible() for item in window.scene.edge_items.values())
    visible = window.view.mapToScene(window.view.viewport().rect()).boundingRect()
    for item in window.scene.node_items.values():
        assert visible.contains(item.sceneBoundingRect())


def test_double_click_an_input_card_to_type_its_value(window, start):
    viewport = window.view.viewport()
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      viewport_point(window, window.scene.node_items["b"].scenePos()))
    assert window.scene.selected_node_ids() == ["b"]
    line = window.inline_edit.line  # the value is edited in place, on the card
    assert line.isVisible() and line.hasFocus() and window.inline_edit.field == "value"
    QTest.keyClicks(line, "-2")
    QTest.keyClick(line, Qt.Key.Key_Return)
    assert float(window.document.value_of("b")) == -2.0
    window.editor.undo_stack.undo()
    assert snapshot(window.document) == start


def test_double_click_on_empty_canvas_opens_the_quick_add_list(window):
    viewport = window.view.viewport()
    QTest.mouseDClick(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                      viewport_point(window, QPointF(-600, 400)))
    assert window.quick_add.isVisible()
    window.quick_add.hide()


def test_context_menus_offer_the_node_and_canvas_actions(window):
    node_menu = window.context_menus.build("a", QPointF())
    node_texts = [action.text() for action in node_menu.actions()]
    assert "Edit Value of a…" in node_texts and "Rename a…" in node_texts
    assert "&Delete" in node_texts and "Use as &Output" in node_texts
    canvas_menu = window.context_menus.build(None, QPointF(10, 10))
    assert "Add Node Here…" in [action.text() for action in canvas_menu.actions()]


def test_middle_drag_and_space_drag_pan_the_view(window):
    view, viewport = window.view, window.view.viewport()
    view.set_zoom(1.5)
    centre = viewport.rect().center()

    def scene_centre() -> QPointF:
        return view.mapToScene(viewport.rect().center())

    before = scene_centre()
    end = centre + QPoint(-120, -80)
    QTest.mousePress(viewport, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.MiddleButton, Qt.KeyboardModifier.NoModifier, end)
    moved = scene_centre() - before
    assert moved.x() == pytest.approx(120 / 1.5, abs=2) and moved.y() == pytest.approx(80 / 1.5, abs=2)

    taps = []
    view.spaceTapped.connect(lambda: taps.append(True))
    before = scene_centre()
    start_nodes = snapshot(window.document)
    view.setFocus()
    QTest.keyPress(view, Qt.Key.Key_Space)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    QTest.mouseMove(viewport, centre + QPoint(60, 30))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre + QPoint(60, 30))
    QTest.keyRelease(view, Qt.Key.Key_Space)
    moved = scene_centre() - before
    assert moved.x() == pytest.approx(-60 / 1.5, abs=2) and moved.y() == pytest.approx(-30 / 1.5, abs=2)
    assert not taps, "a Space used for panning is not a tap (play/pause)"
    assert snapshot(window.document) == start_nodes
    QTest.keyClick(view, Qt.Key.Key_Space)
    assert taps == [True]


def test_hovering_a_card_says_what_it_is_in_the_status_bar(window):
    hovered = []
    window.scene.hoverText.connect(hovered.append)
    # From empty canvas first: a cursor left on that spot by an earlier test would send no hover.
    QTest.mouseMove(window.view.viewport(), QPoint(2, 2))
    QTest.mouseMove(window.view.viewport(), viewport_point(window, window.scene.node_items["s"].scenePos()))
    assert hovered and hovered[-1].startswith("s (add") and "value -1.7" in hovered[-1]
    assert "∂(a + b)/∂a = 1" in window.scene.node_items["s"].toolTip()
    assert window.statusBar().currentMessage() == hovered[-1]
