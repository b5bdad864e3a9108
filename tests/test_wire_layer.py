"""Plain wires are stroked by one WireLayer item (issue 10, speed); what shows must
be what each wire drew for itself: the wire colour for a plain wire, the selection
colour once clicked, the wire colour again once let go, nothing where a wire is
hidden, and every wire in a picture."""

from __future__ import annotations

import pytest
from animation_helpers import example_document, open_window
from canvas_helpers import click
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest

from gui import theme
from gui.canvas.node_item import NodeItem


@pytest.fixture
def neuron(qtbot):
    window = open_window(qtbot, example_document("tanh_neuron.json"))
    window.scene.settle()
    window.view.set_zoom(1.0)
    window.view.centerOn(window.scene.itemsBoundingRect().center())
    return window


def distance(a: QColor, b: QColor) -> int:
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue()))


def closest(image: QImage, x: int, y: int, colour: QColor) -> int:
    """How near the 3×3 pixels around (x, y) come to `colour` (the pen is 2 px wide)."""
    return min(distance(image.pixelColor(x + dx, y + dy), colour) for dx in (-1, 0, 1) for dy in (-1, 0, 1))


def lone_point(window):
    """A wire and a point on it, in view, with no card, tag or other wire near."""
    scene, view = window.scene, window.view
    viewport = view.viewport().rect().adjusted(10, 10, -10, -10)
    tags = [rect.adjusted(-6, -6, 6, 6) for item in scene.edge_items.values() for rect in item.label_rects()]
    for item in scene.edge_items.values():
        for percent in (0.3, 0.4, 0.5, 0.6, 0.7, 0.2, 0.8):
            point = item.path().pointAtPercent(percent)
            near = QRectF(point - QPointF(10, 10), point + QPointF(10, 10))
            if (viewport.contains(view.mapFromScene(point))
                    and not any(isinstance(other, NodeItem) for other in scene.items(near))
                    and not any(rect.intersects(near) for rect in tags)
                    and not any(other is not item and other.shape().intersects(near)
                                for other in scene.edge_items.values())):
                return item, point
    raise AssertionError("no wire point clear of cards, tags and other wires in view")


def shown(window, point: QPointF, colour: QColor) -> int:
    image = window.view.viewport().grab().toImage()
    at = window.view.mapFromScene(point)
    return closest(image, at.x(), at.y(), colour)


def test_a_plain_wire_shows_then_selected_then_plain_again(qtbot, neuron):
    window = neuron
    item, point = lone_point(window)
    assert item.drawn_by_layer()  # the layer, not the wire item, strokes it
    assert shown(window, point, theme.WIRE) < 40
    click(window, point)
    assert item.isSelected() and not item.drawn_by_layer()
    assert shown(window, point, theme.SELECTION) < 40
    assert shown(window, point, theme.WIRE) > 60  # the layer's grey stroke is gone, not under it
    QTest.keyClick(window.view.viewport(), Qt.Key.Key_Escape)
    click(window, window.scene.sceneRect().topLeft() + QPointF(20, 20))  # empty canvas: nothing selected
    assert not item.isSelected()
    assert shown(window, point, theme.WIRE) < 40
    # A pan away and back draws it from the layer's picture again, the same.
    bar = window.view.horizontalScrollBar()
    bar.setValue(bar.value() + 40)
    window.view.viewport().repaint()
    bar.setValue(bar.value() - 40)
    assert shown(window, point, theme.WIRE) < 40


def render(window, point: QPointF) -> int:
    image = QImage(41, 41, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    window.scene.render(painter, QRectF(0, 0, 41, 41), QRectF(point - QPointF(20, 20), point + QPointF(21, 21)))
    painter.end()
    return closest(image, 20, 20, theme.WIRE)


def test_a_hidden_wire_is_not_drawn_and_a_picture_draws_every_wire(qtbot, neuron):
    window = neuron
    item, point = lone_point(window)
    assert render(window, point) < 40
    item.setVisible(False)  # as a wire drag hides the wire it lifts
    assert render(window, point) > 60
    item.setVisible(True)
    item.setSelected(True)
    window.scene.presenting = True  # a picture: the wire draws itself, plain, and the layer nothing
    try:
        assert render(window, point) < 40
    finally:
        window.scene.presenting = False


def test_playing_lights_wires_over_the_layer_without_redrawing_it(qtbot, neuron, monkeypatch):
    """A lit wire strokes itself in its phase's colour over the layer's stroke: landing a
    step never makes the layer stroke wires again (that cost every wire across the lit
    one's area, several times a step), and the lit colour is what shows."""
    from gui.canvas.wire_layer import WireLayer

    window = neuron
    controller = window.animation.controller
    controller.jump(1)
    window.view.viewport().repaint()
    strokes = []
    original = WireLayer._stroke
    monkeypatch.setattr(WireLayer, "_stroke", lambda self, *args: strokes.append(1) or original(self, *args))
    seen_lit = 0
    for applied in range(2, len(controller.trace) + 1):
        controller.jump(applied)
        window.view.viewport().repaint()
        for item in window.scene.edge_items.values():
            if item.look.highlight and not item.look.label:
                point = item.path().pointAtPercent(0.5)
                if window.view.viewport().rect().contains(window.view.mapFromScene(point)):
                    assert shown(window, point, theme.PHASE_COLOURS[item.look.highlight]) < 40
                    seen_lit += 1
    assert seen_lit >= 3
    assert strokes == []  # every repaint blitted the layer's picture
