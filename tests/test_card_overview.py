"""Far out, one CardOverview draws every resting card (issue 10, speed). What shows
must be what the cards drew for themselves, and a card must still answer the
mouse: clicked it is selected and drawn as selected; dragged it moves, leaving no
copy where it was; undone it is back; exported pictures draw every card afresh."""

from __future__ import annotations

import pytest
from animation_helpers import example_document, open_window
from canvas_helpers import click, drag
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QGraphicsItem

from gui.canvas.wire_overview import OVERVIEW_ZOOM

NO_CONTENTS = QGraphicsItem.GraphicsItemFlag.ItemHasNoContents


@pytest.fixture
def far(qtbot):
    window = open_window(qtbot, example_document("tanh_neuron.json"))
    window.view.set_zoom(OVERVIEW_ZOOM * 0.8)
    window.view.centerOn(window.scene.itemsBoundingRect().center())
    qtbot.waitUntil(lambda: window.scene.overview)
    return window


def grab(window) -> QImage:
    return window.view.viewport().grab().toImage()


def draws_itself(item) -> bool:
    return not item.flags() & NO_CONTENTS


def differing_pixels(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    return sum(a.pixel(x, y) != b.pixel(x, y) for y in range(a.height()) for x in range(a.width()))


def test_far_out_the_overview_draws_the_cards_exactly_as_they_draw_themselves(far):
    scene = far.scene
    assert scene.card_overview.active
    assert not any(draws_itself(item) for item in scene.node_items.values())
    by_overview = grab(far)
    scene.card_overview.suspend(True)
    assert all(draws_itself(item) for item in scene.node_items.values())
    by_cards = grab(far)
    scene.card_overview.suspend(False)
    assert differing_pixels(by_overview, by_cards) == 0
    # Zooming back in hands every card its own painting again.
    far.view.set_zoom(1.0)
    assert not scene.card_overview.isVisible()
    assert all(draws_itself(item) for item in scene.node_items.values())


def test_a_clicked_card_is_selected_and_drawn_as_selected(far):
    scene, item = far.scene, far.scene.node_items["w1"]
    resting = grab(far)
    click(far, item.scenePos())
    assert item.isSelected() and draws_itself(item)
    selected = grab(far)
    assert differing_pixels(resting, selected) > 0  # its selection border, drawn by itself
    scene.card_overview.suspend(True)
    assert differing_pixels(selected, grab(far)) == 0  # exactly as it would draw itself anyway
    scene.card_overview.suspend(False)
    click(far, scene.sceneRect().topLeft() + QPointF(5, 5))  # empty canvas: deselect
    assert not item.isSelected() and not draws_itself(item)
    assert differing_pixels(resting, grab(far)) == 0


def test_a_dragged_card_moves_leaves_nothing_behind_and_undo_brings_it_back(far):
    scene, item = far.scene, far.scene.node_items["x1"]
    before = item.scenePos()
    old_spot = far.view.mapFromScene(before)
    empty = grab(far).pixelColor(far.view.mapFromScene(scene.sceneRect().topLeft() + QPointF(3, 3)))
    drag(far, before, before + QPointF(0, -900))
    assert far.document.position("x1")[1] < before.y() - 500
    assert draws_itself(item)
    image = grab(far)
    assert image.pixelColor(old_spot) == empty  # the picture forgot the card's old place
    far.editor.undo_stack.undo()
    assert item.scenePos() == before
    assert image.pixelColor(old_spot) != grab(far).pixelColor(old_spot)  # drawn there again


def test_an_exported_picture_is_the_same_from_far_out_as_from_close_up(far):
    from gui.export.render import render_image

    from_far = render_image(far.scene, scale=1.0)
    assert far.scene.card_overview.active  # and the view's far-out drawing is back after
    assert not any(draws_itself(item) for item in far.scene.node_items.values())
    far.view.set_zoom(1.0)
    assert differing_pixels(from_far, render_image(far.scene, scale=1.0)) == 0
