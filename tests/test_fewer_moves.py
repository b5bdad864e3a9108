"""Fewer moves to build a graph: names and values typed in place on the card, a wire
dropped on empty canvas opens the op list (only ops that can take it) and wires the
new node in one undo step, refused ports look refused, the popup stays inside the
window, and the micrograd neuron takes at most 30 actions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from canvas_helpers import assert_scene_mirrors_document, snapshot, viewport_point
from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from test_canvas_editing import drop_op

from gui.canvas.port_item import REFUSED_FILL
from gui.panels.quick_add import fit_rect

MICROGRAD_O = math.tanh(2.0 * -3.0 + 0.0 * 1.0 + 6.8813735870195432)


class Moves:
    """Drives the window as a person does and counts each action: a drag, a click, a
    double-click, one typed word, one special key."""

    def __init__(self, window) -> None:
        self.window = window
        self.count = 0
        self.log: list[str] = []

    def _note(self, what: str) -> None:
        self.count += 1
        self.log.append(what)

    def drop(self, op: str, at: QPointF) -> None:
        drop_op(self.window, op, at)
        self._note(f"drop {op}")

    def type(self, text: str) -> None:
        QTest.keyClicks(QApplication.focusWidget(), text)
        self._note(f"type {text}")

    def key(self, key: Qt.Key) -> None:
        QTest.keyClick(QApplication.focusWidget(), key)
        self._note(f"key {key.name}")

    def drag(self, start: QPointF, end: QPointF) -> None:
        viewport = self.window.view.viewport()
        a, b = viewport_point(self.window, start), viewport_point(self.window, end)
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
        for i in range(1, 7):
            QTest.mouseMove(viewport, a + (b - a) * (i / 6))
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)
        self._note("drag")

    def double_click(self, at: QPointF) -> None:
        QTest.mouseDClick(self.window.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                          viewport_point(self.window, at))
        self._note("double-click")

    def click_in_popup(self, op: str) -> None:
        popup = self.window.quick_add
        item = next(popup.list.item(r) for r in range(popup.list.count()) if popup.list.item(r).data(
            Qt.ItemDataRole.UserRole + 1) == op)
        assert not item.isHidden(), f"{op} is not offered"
        rect = popup.list.visualItemRect(item)
        assert popup.list.viewport().rect().contains(rect.center()), f"{op} is not in view in the list"
        QTest.mouseClick(popup.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         rect.center())
        self._note(f"click {op}")


def port(window, node_id: str, index: int) -> QPointF:
    item = window.scene.node_items[node_id]
    return (item.output if index < 0 else item.inputs[index]).scenePos()


@pytest.fixture
def start(window):
    window.activateWindow()
    window.view.setFocus()
    return snapshot(window.document)


@pytest.fixture
def empty(qtbot):
    from engine.document import GraphDocument
    from gui.main_window import MainWindow

    window = MainWindow(GraphDocument())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.view.setFocus()
    return window


# ----------------------------------------------------------- in-place editing
def test_drop_name_tab_value_enter_makes_a_named_input(empty) -> None:
    window, moves = empty, Moves(empty)
    moves.drop("input", QPointF(0, 0))
    line = window.inline_edit.line
    assert line.isVisible() and line.hasFocus() and line.selectedText() == "x1"
    moves.type("w1")
    moves.key(Qt.Key.Key_Tab)
    assert window.inline_edit.field == "value" and line.selectedText() == "1"
    moves.type("-3")
    moves.key(Qt.Key.Key_Return)
    assert moves.count == 5 and not line.isVisible()
    assert window.document.node_ids() == ["w1"] and float(window.document.value_of("w1")) == -3.0
    stack = window.editor.undo_stack
    assert [stack.text(i) for i in range(stack.count())] == ["Add input", "Rename x1 → w1", "Set w1 = -3"]
    stack.undo()
    assert float(window.document.value_of("w1")) == 1.0
    stack.undo()
    assert window.document.node_ids() == ["x1"] and "label" not in window.document.attrs("x1")
    assert_scene_mirrors_document(window)


def test_the_default_name_typed_again_adds_no_history(empty) -> None:
    moves = Moves(empty)
    moves.drop("input", QPointF(0, 0))
    for step in ("x1", Qt.Key.Key_Tab, "2", Qt.Key.Key_Return):
        moves.type(step) if isinstance(step, str) else moves.key(step)
    stack = empty.editor.undo_stack
    assert [stack.text(i) for i in range(stack.count())] == ["Add input", "Set x1 = 2"]


def test_escape_cancels_and_double_click_opens_the_field_under_the_mouse(window, start) -> None:
    moves, item = Moves(window), window.scene.node_items["b"]
    moves.double_click(item.mapToScene(QPointF(item.card.left() + 30, item.card.top() + 10)))
    assert window.inline_edit.field == "name" and window.inline_edit.line.text() == "b"
    moves.type("zzz")
    moves.key(Qt.Key.Key_Escape)
    assert not window.inline_edit.line.isVisible() and snapshot(window.document) == start
    assert window.editor.undo_stack.count() == 0
    moves.double_click(item.scenePos() + QPointF(0, 15))
    assert window.inline_edit.field == "value" and window.inline_edit.line.text() == "-1.8"
    moves.key(Qt.Key.Key_Return)  # unchanged: closes, no history entry
    assert window.editor.undo_stack.count() == 0 and not window.inline_edit.line.isVisible()


def test_a_bad_value_shows_the_engines_sentence_and_keeps_the_editor_open(window, start) -> None:
    moves = Moves(window)
    moves.double_click(window.scene.node_items["a"].scenePos() + QPointF(0, 15))
    moves.type("[1, [2]]")
    moves.key(Qt.Key.Key_Return)
    inline = window.inline_edit
    assert inline.line.isVisible() and inline.line.hasFocus() and inline.error.isVisible()
    assert inline.error.text() == window.editor.last_message
    assert inline.error.text().startswith("a keeps its value: ") and inline.error.text().endswith(".")
    assert snapshot(window.document) == start
    moves.type("3")
    moves.key(Qt.Key.Key_Return)
    assert not inline.line.isVisible() and not inline.error.isVisible()
    assert float(window.document.value_of("a")) == 3.0


def test_a_taken_name_is_refused_in_place(window, start) -> None:
    moves = Moves(window)
    item = window.scene.node_items["c"]
    moves.double_click(item.mapToScene(QPointF(item.card.left() + 30, item.card.top() + 10)))
    moves.type("a")
    moves.key(Qt.Key.Key_Tab)
    inline = window.inline_edit
    assert inline.field == "name" and inline.line.isVisible()
    assert "Another node is already named a" in inline.error.text()
    assert snapshot(window.document) == start


def test_a_computed_card_renames_in_place_and_follows_the_new_id(window) -> None:
    moves = Moves(window)
    moves.double_click(window.scene.node_items["s"].scenePos())
    assert window.inline_edit.field == "name"
    moves.type("n")
    moves.key(Qt.Key.Key_Return)
    assert "n" in window.document and "s" not in window.document
    assert window.document.in_edges("d") == [("a", "d", 0), ("n", "d", 0)]


# ---------------------------------------------------------- wire-drop quick add
def test_a_wire_dropped_on_canvas_offers_ops_that_take_it_and_wires_the_new_node(window, start) -> None:
    moves = Moves(window)
    drop_at = port(window, "d", -1) + QPointF(160, 40)
    moves.drag(port(window, "d", -1), drop_at)
    popup = window.quick_add
    assert popup.isVisible() and popup.heading.text() == "Feed d into…"
    offered = popup.visible_ops()
    assert "input" not in offered and "constant" not in offered and {"tanh", "mul", "sum"} <= set(offered)
    depth = window.editor.undo_stack.count()
    moves.click_in_popup("tanh")
    assert not popup.isVisible()
    assert window.editor.undo_stack.count() == depth + 1
    assert window.document.in_edges("tanh1") == [("d", "tanh1", 0)]
    # The new card's input port sits where the wire was let go.
    assert (port(window, "tanh1", 0) - drop_at).manhattanLength() < 1.0
    window.presenter.refresh()
    assert window.scene.node_items["tanh1"].look.value == format(math.tanh(-3.74), ".4g")
    assert_scene_mirrors_document(window)
    window.editor.undo_stack.undo()
    assert snapshot(window.document) == start


def test_a_wire_dragged_back_from_an_input_port_makes_a_named_input(window, start) -> None:
    moves = Moves(window)
    window.editor.delete([], [("c", "s", 0)])
    before = snapshot(window.document)
    drop_at = port(window, "s", 1) - QPointF(200, -60)
    moves.drag(port(window, "s", 1), drop_at)
    popup = window.quick_add
    assert popup.heading.text() == "Input b of s comes from…"
    # It opens to the left of the drop point, where the new card goes, leaving s in sight.
    assert popup.geometry().right() + 1 == window.view.viewport().mapToGlobal(viewport_point(window, drop_at)).x()
    assert {"input", "constant", "add", "tanh"} <= set(popup.visible_ops())
    moves.type("bias = 0.5")
    assert popup.visible_ops() == ["input"]
    moves.key(Qt.Key.Key_Return)
    assert window.document.edge_into("s", 1) == ("bias", "s", 0)
    assert float(window.document.value_of("bias")) == 0.5 and window.document.name_of("bias") == "bias"
    window.editor.undo_stack.undo()
    assert snapshot(window.document) == before


def test_a_taken_name_in_the_popup_keeps_it_open_with_the_reason(window, start) -> None:
    moves = Moves(window)
    moves.drag(port(window, "d", -1), port(window, "d", -1) + QPointF(160, 0))
    moves.type("a = tanh")
    moves.key(Qt.Key.Key_Return)
    popup = window.quick_add
    assert popup.isVisible() and popup.error.isVisible()
    assert popup.error.text() == ("Another node is already named a; each name must be unique, so the trace and "
                                  "the results can tell them apart.")
    assert snapshot(window.document) == start
    popup.hide()


def grab_colour(window, scene_point: QPointF, offset: QPoint) -> QColor:
    image = window.view.viewport().grab().toImage()
    point = viewport_point(window, scene_point) + offset
    return image.pixelColor(point * image.devicePixelRatio())


def test_while_dragging_valid_ports_light_up_and_cycle_ports_look_refused(window) -> None:
    window.view.set_zoom(2.0)
    window.view.centerOn(window.scene.node_items["s"])
    viewport = window.view.viewport()
    start = viewport_point(window, port(window, "s", -1))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, start + QPoint(30, 60))
    states = {(p.node.node_id, p.index): p.drop_state for item in window.scene.node_items.values()
              for p in item.inputs}
    # s's own inputs would feed s itself; d's inputs are fine (the wired one would be replaced).
    assert states == {("s", 0): "refused", ("s", 1): "refused", ("d", 0): "valid", ("d", 1): "valid"}
    window.scene.node_items["s"].update()
    QApplication.processEvents()
    refused = grab_colour(window, port(window, "s", 0), QPoint(6, 0))
    assert refused == REFUSED_FILL, refused.name()
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start + QPoint(30, 60))
    window.quick_add.hide()
    assert all(p.drop_state == "" for item in window.scene.node_items.values() for p in (*item.inputs, item.output))


# --------------------------------------------------------------- the popup
def test_the_popup_stays_inside_the_window_near_its_edges(window) -> None:
    window.resize(900, 600)
    QApplication.processEvents()
    frame = window.frameGeometry()
    popup = window.quick_add
    for corner in (frame.bottomRight() - QPoint(5, 5), frame.bottomLeft() + QPoint(5, -5), frame.topRight()):
        popup.open_at(corner)
        assert frame.contains(popup.geometry()), (corner, popup.geometry(), frame)
        popup.hide()
    popup.open_at(frame.bottomRight() - QPoint(5, 5))
    width = popup.list.viewport().width()
    for row in range(popup.list.count()):
        rect = popup.list.visualItemRect(popup.list.item(row))
        assert rect.width() <= width, popup.list.item(row).text()  # wrapped, never cut off
    popup.hide()


def test_fit_rect_opens_upward_and_shrinks_in_a_small_window() -> None:
    bounds = QRect(0, 0, 800, 600)
    assert fit_rect(QRect(100, 500, 340, 380), bounds) == QRect(100, 120, 340, 380)
    assert fit_rect(QRect(700, 100, 340, 380), bounds) == QRect(460, 100, 340, 380)
    assert fit_rect(QRect(10, 50, 340, 380), QRect(0, 0, 300, 200)) == QRect(0, 0, 300, 200)


# ------------------------------------------------------------- the neuron
def test_the_micrograd_neuron_takes_at_most_30_actions(empty) -> None:
    """Built from the output back: each input port's wire is dragged out to empty canvas
    and the popup makes the node that feeds it, so no wire needs its own drag."""
    window, moves = empty, Moves(empty)
    window.view.set_zoom(0.6)
    moves.key(Qt.Key.Key_Tab)  # the popup opens in the middle of the canvas
    moves.type("o = tanh")
    moves.key(Qt.Key.Key_Return)

    def feed(node_id: str, index: int, offset: QPointF) -> None:
        moves.drag(port(window, node_id, index), port(window, node_id, index) - offset)

    feed("o", 0, QPointF(120, 0))
    moves.type("n = add")
    moves.key(Qt.Key.Key_Return)
    feed("n", 0, QPointF(120, 120))
    moves.click_in_popup("add")
    feed("n", 1, QPointF(120, -100))
    moves.type("b = 6.8813735870195432")
    moves.key(Qt.Key.Key_Return)
    feed("add1", 0, QPointF(120, 150))
    moves.click_in_popup("mul")
    feed("add1", 1, QPointF(120, -60))
    moves.click_in_popup("mul")
    for node_id, index, text, dy in (("mul1", 0, "x1 = 2", 60), ("mul1", 1, "w1 = -3", -40),
                                     ("mul2", 0, "x2 = 0", 40), ("mul2", 1, "w2 = 1", -60)):
        feed(node_id, index, QPointF(140, dy))
        moves.type(text)
        moves.key(Qt.Key.Key_Return)

    document = window.document
    assert sorted(document.node_ids()) == sorted(["o", "n", "add1", "b", "mul1", "mul2", "x1", "w1", "x2", "w2"])
    evaluation = document.evaluation()
    assert evaluation.output == "o"
    assert float(evaluation.value("o")) == pytest.approx(MICROGRAD_O, rel=1e-12)
    assert float(evaluation.value("o")) == pytest.approx(0.7071, abs=1e-4)
    # ∂o/∂w1 against a central difference.
    h = 1e-6
    document.set_value("w1", -3.0 + h)
    up = float(document.evaluation().value("o"))
    document.set_value("w1", -3.0 - h)
    down = float(document.evaluation().value("o"))
    document.set_value("w1", -3.0)
    assert float(document.evaluation().grad("w1")) == pytest.approx((up - down) / (2 * h), rel=1e-7)
    window.presenter.refresh()
    assert window.output_status.text() == "output o = 0.7071"
    assert moves.count <= 30, moves.log
    assert moves.count == 27
    assert_scene_mirrors_document(window)
    assert not np.isnan(float(evaluation.grad("x1")))
