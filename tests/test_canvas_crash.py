"""The canvas never crashes (issue 8): items deleted or undone while they are hovered,
dragged, selected or animated leave nothing behind in the scene's index, and the
canvas paints afterwards."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from animation_helpers import example_document, open_window
from canvas_helpers import assert_scene_mirrors_document, drag, snapshot, viewport_point
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtTest import QTest

from engine.trace import BackwardStep
from gui.canvas.edge_item import EdgeItem
from gui.canvas.node_item import NodeItem

SCENARIO = Path(__file__).resolve().parent / "crash_scenario.py"


@pytest.mark.parametrize("seed", [0, 1])
def test_dragging_a_card_whose_wire_shows_a_step_then_deleting_it_does_not_crash(seed):
    run = subprocess.run([sys.executable, str(SCENARIO), str(seed)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"exit {run.returncode}: {run.stderr[-2000:]}"
    assert "survived" in run.stdout


def orphans(scene) -> list:
    """Items the scene's index still finds although they left the scene: the
    dangling pointers that crash a paint once Python frees them."""
    everything = scene.sceneRect().adjusted(-10_000, -10_000, 10_000, 10_000)
    return [item for item in scene.items(everything, Qt.ItemSelectionMode.IntersectsItemBoundingRect)
            if item.scene() is not scene]


def paint(window) -> None:
    image = QImage(640, 480, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    window.scene.render(painter, QRectF(0, 0, 640, 480), window.scene.sceneRect())
    painter.end()
    window.view.viewport().repaint()


def card_header(window, node_id: str) -> QPointF:
    item = window.scene.node_items[node_id]
    return item.scenePos() + QPointF(0, item.card.top() + 10)


@pytest.fixture
def neuron(qtbot):
    return open_window(qtbot, example_document("tanh_neuron.json"))


def test_cards_dragged_during_every_backward_step_leave_no_stale_index_entries(qtbot, neuron):
    window = neuron
    controller = window.animation.controller
    kept = list(window.scene.node_items.values()) + list(window.scene.edge_items.values())
    for k, step in enumerate(controller.trace.steps):
        if not isinstance(step, BackwardStep):
            continue
        controller.jump(k + 1)
        assert window.scene.edge_items[step.edge].look.label  # the step shows on its wire
        header = card_header(window, step.edge[0])
        # A press and moves without a release: the card and its wires follow the mouse.
        viewport = window.view.viewport()
        QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                         viewport_point(window, header))
        for dx, dy in ((60, 40), (-120, 90), (200, -150), (0, 0)):
            QTest.mouseMove(viewport, viewport_point(window, header + QPointF(dx, dy)))
        QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                           viewport_point(window, header))
    start = snapshot(window.document)
    window.scene.select_all()
    window.view.setFocus()
    QTest.keyClick(window.view, Qt.Key.Key_Delete)
    assert not window.scene.node_items
    # Python still holds every removed item, so a stale entry is found, not dereferenced.
    assert orphans(window.scene) == []
    paint(window)
    QTest.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert snapshot(window.document) == start
    assert_scene_mirrors_document(window)
    paint(window)
    assert kept  # held to the end on purpose


def test_delete_and_undo_while_hovered_selected_and_animated(qtbot, neuron):
    window = neuron
    controller = window.animation.controller
    start = snapshot(window.document)
    for _ in range(3):
        controller.play()
        qtbot.waitUntil(lambda: bool(controller.tokens), timeout=3000)
        edge = controller.tokens[0].edge
        node_id = edge[0]
        item = window.scene.node_items[node_id]
        QTest.mouseMove(window.view.viewport(), viewport_point(window, item.scenePos()))
        window.scene.select_nodes([node_id, edge[1]])
        kept = [item, *item.edges]
        window.view.setFocus()
        QTest.keyClick(window.view, Qt.Key.Key_Delete)
        assert not controller.tokens and not controller.playing
        assert orphans(window.scene) == []
        paint(window)
        ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
        for modifiers in (ctrl, ctrl | shift, ctrl):  # undo, redo, undo
            QTest.keyClick(window.view, Qt.Key.Key_Z, modifiers)
        assert snapshot(window.document) == start
        assert_scene_mirrors_document(window)
        assert orphans(window.scene) == []
        paint(window)
        assert kept


def test_undo_while_a_wire_is_held_cancels_the_wire(qtbot, neuron):
    window = neuron
    target = next(nid for nid, item in window.scene.node_items.items() if item.op.name == "tanh")
    source = window.scene.node_items[window.document.edge_into(target, 0)[0]]
    viewport = window.view.viewport()
    # Pick up the end of the wire into tanh, then delete its source with the key.
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     viewport_point(window, window.scene.node_items[target].inputs[0].scenePos()))
    QTest.mouseMove(viewport, viewport_point(window, source.scenePos() + QPointF(0, 200)))
    window.editor.delete([source.node_id], [])
    assert window.scene._wire is None
    QTest.mouseMove(viewport, viewport_point(window, source.scenePos() + QPointF(0, 250)))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       viewport_point(window, source.scenePos() + QPointF(0, 250)))
    assert source.node_id not in window.document
    assert orphans(window.scene) == []
    window.editor.undo_stack.undo()
    assert_scene_mirrors_document(window)
    assert all(not port.drop_state for item in window.scene.node_items.values() for port in item.inputs)
    paint(window)


def test_the_wire_overview_keeps_its_bounds_with_the_scene_rect(qtbot, neuron):
    window = neuron
    overview = window.scene.wire_overview
    assert overview.boundingRect() == window.scene.sceneRect()
    far = window.scene.sceneRect().bottomRight() + QPointF(5000, 5000)
    node_id = next(iter(window.scene.node_items))
    window.editor.move_nodes({node_id: (window.document.position(node_id), (far.x(), far.y()))})
    assert overview.boundingRect() == window.scene.sceneRect()
    assert overview.boundingRect().contains(window.scene.node_items[node_id].sceneBoundingRect())
    drag(window, QPointF(0, 0), QPointF(10, 10))
    assert window.scene.wire_layer.boundingRect().contains(window.scene.sceneRect())
    assert window.scene.card_overview.boundingRect() == window.scene.sceneRect()
    keepers = (overview, window.scene.wire_layer, window.scene.card_overview)
    assert all(isinstance(item, (NodeItem, EdgeItem)) or item in keepers
               for item in window.scene.items() if item.parentItem() is None)
