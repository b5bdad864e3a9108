"""Arrange in the window: Ctrl+L tidies a messy graph in one undo step and the view
then shows all of it; the layout's idea of a card matches the card the canvas draws."""

from __future__ import annotations

import random

import pytest
from canvas_helpers import assert_scene_mirrors_document, snapshot
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtTest import QTest
from test_layout import assert_tidy

from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file
from engine.layout import CARD_WIDTH, card_height, input_offset, output_offset
from engine.ops import OPS


@pytest.fixture
def tanh_window(qtbot):
    from gui.main_window import MainWindow

    window = MainWindow(GraphDocument.from_spec(read_file(EXAMPLES_DIR / "tanh_neuron.json")))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.view.fit_graph()
    window.presenter.refresh()
    return window


def visible_rect(window):
    return window.view.mapToScene(window.view.viewport().rect()).boundingRect()


def test_ctrl_l_tidies_a_mess_fits_the_view_and_undoes_in_one_step(tanh_window):
    window, document = tanh_window, tanh_window.document
    # A mess (outside undo: the start state): scattered far apart, b above the sum it
    # joins, and the view zoomed in on one corner, so most cards are off-screen.
    rng = random.Random(7)
    for node_id in document.node_ids():
        document.move_node(node_id, rng.uniform(-2500, 2500), rng.uniform(-1500, 1500))
    document.move_node("b", document.position("x1w1x2w2")[0], document.position("x1w1x2w2")[1] - 400)
    window.view.set_zoom(2.0)
    window.view.centerOn(window.scene.node_items["o"])
    assert not all(visible_rect(window).contains(item.sceneBoundingRect())
                   for item in window.scene.node_items.values())
    before = snapshot(document)

    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert window.editor.undo_stack.count() == 1
    assert window.editor.undo_stack.undoText() == "Arrange"
    place = {node_id: document.position(node_id) for node_id in document.node_ids()}
    assert_tidy(document.graph, place)
    assert place["b"][1] > place["x1w1x2w2"][1]  # b feeds n's lower port
    assert_scene_mirrors_document(window)
    shown = visible_rect(window)
    for node_id, item in window.scene.node_items.items():
        assert shown.contains(item.sceneBoundingRect()), node_id

    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(document) == before
    assert_scene_mirrors_document(window)


def test_arrange_twice_adds_one_history_entry_at_most(tanh_window):
    arrange = tanh_window.findChild(QAction, "arrange")
    arrange.trigger()
    count = tanh_window.editor.undo_stack.count()
    assert count <= 1
    arrange.trigger()
    assert tanh_window.editor.undo_stack.count() == count


@pytest.mark.parametrize("op", [op.name for op in OPS], ids=str)
def test_the_layout_knows_where_the_canvas_puts_ports(qapp, op):
    from gui.canvas.node_item import NodeItem

    item = NodeItem("n", OPS[op], "n")
    assert item.height == card_height(OPS[op].arity)
    assert item.card.width() == CARD_WIDTH
    assert item.output.pos().y() == pytest.approx(output_offset(OPS[op].arity))
    for port in range(OPS[op].arity):
        assert item.inputs[port].pos().y() == pytest.approx(input_offset(OPS[op].arity, port))
