"""Issue 9 §2–3: arrays drawn as heatmap grids (cards, wires, pictures), the inspector's
table of every entry, wire labels that never run under a card, the caption bar that
reads the step out at any zoom, and a view that follows an off-screen step."""

from __future__ import annotations

import math

import numpy as np
import pytest
from animation_helpers import EXAMPLES, example_document, key, open_window
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest

from engine.document import GraphDocument
from engine.trace import BackwardStep
from gui.canvas.heatmap import ArrayPicture, picture_of
from gui.canvas.label_place import sample_path
from gui.export.render import render_image, step_caption

EXAMPLE_NAMES = sorted(path.name for path in EXAMPLES.glob("*.json"))


def scene_image(window, rect: QRectF, scale: float = 4.0) -> QImage:
    """The scene region `rect` as drawn, `scale` pixels per scene unit."""
    image = QImage(round(rect.width() * scale), round(rect.height() * scale), QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    window.scene.render(painter, QRectF(0, 0, image.width(), image.height()), rect)
    painter.end()
    return image


def colour_at(image: QImage, rect: QRectF, point: QPointF, scale: float = 4.0) -> QColor:
    return image.pixelColor(round((point.x() - rect.left()) * scale), round((point.y() - rect.top()) * scale))


def reddish(c: QColor) -> bool:
    return c.red() > c.blue() + 25 and c.red() > c.green() + 25


def bluish(c: QColor) -> bool:
    return c.blue() > c.red() + 25


def whitish(c: QColor) -> bool:
    return min(c.red(), c.green(), c.blue()) > 235


@pytest.fixture
def linear(qtbot):
    return open_window(qtbot, example_document("linear_layer_mse.json"))


def test_array_values_on_cards_are_grids_coloured_by_sign(qtbot):
    """A card's array shows as cells: positive red-ish, negative blue-ish, zero white."""
    document = GraphDocument()
    document.add_node("input", 0, 0, node_id="v", value=[[2.0], [-2.0], [0.0]])
    window = open_window(qtbot, document)
    item = window.scene.node_items["v"]
    picture = item.look.value_picture
    assert isinstance(picture, ArrayPicture) and picture.shape == (3, 1)
    value_area, _grad_area = item.array_rects()
    rect = item.mapRectToScene(item.card)
    image = scene_image(window, rect)
    # The grid is centred in its area; its three cells are stacked top to bottom.
    centre = item.mapToScene(value_area.center())
    height = min(value_area.height(), 3 * 16.0)
    top = centre.y() - height / 2
    cells = [QPointF(centre.x() - 8, top + height * (i + 0.5) / 3) for i in range(3)]
    positive, negative, zero = (colour_at(image, rect, p) for p in cells)
    assert reddish(positive), positive.name()
    assert bluish(negative), negative.name()
    assert whitish(zero), zero.name()


def test_linear_layer_arrays_are_pictures_on_cards_and_wires(linear):
    window = linear
    key(window, Qt.Key.Key_End)
    xw = window.scene.node_items["XW"]
    assert xw.look.value_picture is not None and xw.look.grad_picture is not None
    assert xw.look.value_picture.shape == (4, 1)
    for edge, item in window.scene.edge_items.items():
        value = window.scene.display.state.edge_values[edge]
        if isinstance(value, np.ndarray):
            assert item.look.value_picture == picture_of(value)
            if item.look.label:
                continue  # the wire of the last step shows its chain-rule label instead
            kinds = [kind for _rect, kind in item.tag_rects()]
            assert "value" in kinds, edge
    # The picture of the whole graph shows a grid's colours where the value X@W sits.
    value_area, _ = xw.array_rects()
    rect = xw.mapRectToScene(xw.card)
    image = scene_image(window, rect)
    values = window.scene.display.state.node_values["XW"].ravel()
    size = min(value_area.height(), 4 * 16.0)
    top = xw.mapToScene(value_area.center()).y() - size / 2
    for i, v in enumerate(values):
        colour = colour_at(image, rect, QPointF(xw.mapToScene(value_area.center()).x() - 10,
                                                top + size * (i + 0.5) / 4))
        # Pale for small |v|, but on the side of its sign.
        assert (colour.red() - colour.blue()) * v > 0 and abs(colour.red() - colour.blue()) > 10, (v, colour.name())


def test_big_arrays_get_a_thumbnail_with_shape_and_range():
    picture = ArrayPicture(np.arange(200.0).reshape(10, 20) - 50)
    assert not picture.small
    assert picture.shape_text == "10×20"
    assert picture.range_text() == "-50 … 149"
    assert picture.thumbnail().width() == 20 and picture.thumbnail().height() == 10


def test_nan_and_inf_cells_are_marked():
    picture = ArrayPicture(np.array([1.0, np.nan, -np.inf]))
    colours = picture.colours()[0]
    assert colours[1] == QColor("#9e9e9e")
    assert bluish(colours[2]) and reddish(colours[0])
    image = QImage(90, 30, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    from gui.canvas.heatmap import paint_picture

    paint_picture(painter, QRectF(0, 0, 90, 30), picture, QColor("green"))
    painter.end()
    # The cross over the nan cell passes through its centre: dark there, not grey.
    assert image.pixelColor(45, 15).lightness() < 100


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_no_wire_label_runs_under_a_card_at_any_backward_step(qtbot, name):
    window = open_window(qtbot, example_document(name))
    controller = window.animation.controller
    trace = controller.trace
    cards = {node_id: item.mapRectToScene(item.card) for node_id, item in window.scene.node_items.items()}
    for applied in range(trace.forward_count, len(trace) + 1):
        controller.jump(applied)
        for edge, item in window.scene.edge_items.items():
            for rect in item.label_rects():
                for node_id, card in cards.items():
                    assert not rect.intersects(card), (name, applied, edge, node_id, rect, card)


def test_the_step_label_sits_beside_the_wire_it_describes(qtbot):
    """Neuron, backward 5/10: the label of x1*w1 → add is tied to that wire, not its neighbour."""
    window = open_window(qtbot, example_document("tanh_neuron.json"))
    controller = window.animation.controller
    trace = controller.trace
    for applied in range(trace.forward_count + 1, len(trace) + 1):
        controller.jump(applied)
        step = trace.steps[applied - 1]
        if not isinstance(step, BackwardStep):
            continue
        item = window.scene.edge_items[step.edge]
        anchor = item._anchor
        # The leader starts on the step's own wire ...
        assert min(math.hypot(x - anchor.x(), y - anchor.y()) for x, y in sample_path(item.path(), 0.5)) < 1.5
        # ... and the label covers no other wire's number tag.
        for other in window.scene.edge_items.values():
            if other is not item:
                for rect, _kind in other.tag_rects():
                    assert not rect.intersects(item.label_rects()[-1]), (applied, other.edge)


def test_caption_bar_shows_the_step_during_playback_and_hides_while_editing(qtbot):
    window = open_window(qtbot, example_document("tanh_neuron.json"))
    bar = window.animation.caption
    assert not bar.isVisible()
    controller = window.animation.controller
    key(window, Qt.Key.Key_Home)
    assert not bar.isVisible()
    for _ in range(13):
        key(window, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: controller.position == 13, timeout=3000)
    step = controller.trace.steps[12]
    assert bar.isVisible()
    assert step.caption() in bar.text() and "backward 3/10" in bar.text()
    # Fixed, readable size whatever the zoom, and inside the canvas at the bottom.
    window.view.set_zoom(0.3)
    assert bar.font().pointSizeF() >= 12
    viewport = window.view.viewport().geometry()
    assert viewport.contains(bar.geometry()) and bar.geometry().bottom() > viewport.center().y()
    # Back to editing: gone.
    window.animation.stop.trigger()
    assert not bar.isVisible()
    # An edit interrupts the animation, which hides the bar too.
    key(window, Qt.Key.Key_Right)
    qtbot.waitUntil(bar.isVisible, timeout=3000)
    window.editor.set_value_text("x1", "3")
    window.presenter.refresh()
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=3000)


def test_view_follows_an_off_screen_step_when_zoomed_in(qtbot):
    window = open_window(qtbot, example_document("tanh_neuron.json"))
    controller = window.animation.controller
    follower = window.animation.follower
    view = window.view
    view.set_zoom(2.5)
    view.centerOn(window.scene.node_items["tanh1" if "tanh1" in window.scene.node_items else "o"])
    step = controller.trace.steps[7]  # a forward step on the left of the graph

    def in_view() -> bool:
        return follower.visible_rect().contains(follower.step_rect(step))

    assert not in_view()
    controller.jump(7)
    key(window, Qt.Key.Key_Right)  # plays step 8, as a person would
    qtbot.waitUntil(lambda: controller.position == 8, timeout=3000)
    qtbot.waitUntil(in_view, timeout=3000)
    # A step already in view does not move the view.
    qtbot.wait(50)
    before = view.mapToScene(view.viewport().rect().center())
    follower.follow(step)
    qtbot.wait(50)
    assert view.mapToScene(view.viewport().rect().center()) == before


def test_inspector_table_holds_every_array_entry(linear, qtbot):
    window = linear
    window.scene.select_nodes(["X"])
    inspector = window.inspector
    table = inspector.current_value.table
    assert inspector.current_value.currentWidget() is table
    x = window.document.value_of("X")
    assert (table.rowCount(), table.columnCount()) == x.shape
    shown = np.array([[float(table.item(r, c).text()) for c in range(table.columnCount())]
                      for r in range(table.rowCount())])
    np.testing.assert_allclose(shown, x)
    window.scene.select_nodes(["W"])
    grad = window.presenter.evaluation.grad("W")
    table = inspector.current_grad.table
    assert inspector.current_grad.currentWidget() is table
    shown = np.array([[float(table.item(r, c).text()) for c in range(table.columnCount())]
                      for r in range(table.rowCount())])
    np.testing.assert_allclose(shown, grad, rtol=1e-5)
    # A number stays text.
    window.scene.select_nodes(["b"])
    assert inspector.current_value.currentWidget() is inspector.current_value.text


def test_a_step_picture_carries_its_caption(qtbot):
    window = open_window(qtbot, example_document("tanh_neuron.json"))
    controller = window.animation.controller
    controller.jump(15)
    plain = render_image(window.scene)
    caption = step_caption(controller.trace, 15)
    assert caption.startswith("backward 5/10:") and controller.trace.steps[14].caption() in caption
    with_caption = render_image(window.scene, caption=caption)
    assert with_caption.width() == plain.width() and with_caption.height() > plain.height() + 20
    # The strip is drawn: some of its pixels are in the gradient colour.
    strip_row = plain.height() + (with_caption.height() - plain.height()) // 2
    assert any(reddish(with_caption.pixelColor(x, y)) for x in range(with_caption.width())
               for y in range(strip_row - 6, strip_row + 6))


def test_export_of_a_step_includes_its_caption(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    main = Path(__file__).resolve().parent.parent / "main.py"
    graph = EXAMPLES / "tanh_neuron.json"
    step, named = tmp_path / "step.png", tmp_path / "backward.png"
    for out, stage in ((step, "15"), (named, "backward")):
        run = subprocess.run([sys.executable, str(main), "export", str(graph), str(out), "--stage", stage],
                             capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
    assert QImage(str(step)).height() > QImage(str(named)).height() + 20
    assert QImage(str(step)).width() == QImage(str(named)).width()


def test_cell_numbers_appear_only_when_zoomed_in(linear):
    """Level of detail: at 4× the cells carry their numbers (dark text pixels inside a
    light cell), at 1× only colours."""
    window = linear
    key(window, Qt.Key.Key_End)
    item = window.scene.node_items["X"]
    value_area, _ = item.array_rects()
    rect = item.mapRectToScene(value_area)

    def dark_pixels(scale: float) -> int:
        image = scene_image(window, rect, scale)
        return sum(1 for x in range(image.width()) for y in range(image.height())
                   if image.pixelColor(x, y).lightness() < 90)

    assert dark_pixels(4.0) > 4 * dark_pixels(1.0)


def test_wire_tags_placed_with_arrays_keep_the_scene_index_sound(linear, qtbot):
    """Moving a card with array tags on its wires re-places them without stale index entries."""
    window = linear
    key(window, Qt.Key.Key_End)
    item = window.scene.node_items["XW"]
    start = item.scenePos()
    viewport = window.view.viewport()
    a = window.view.mapFromScene(start + QPointF(0, item.card.top() + 10))
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for i in range(1, 6):
        QTest.mouseMove(viewport, a + (window.view.mapFromScene(start + QPointF(40 * i, 30 * i))
                                       - window.view.mapFromScene(start)))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       a + (window.view.mapFromScene(start + QPointF(200, 150)) - window.view.mapFromScene(start)))
    everything = window.scene.sceneRect()
    assert all(other.scene() is window.scene
               for other in window.scene.items(everything, Qt.ItemSelectionMode.IntersectsItemBoundingRect))
    window.view.viewport().repaint()
