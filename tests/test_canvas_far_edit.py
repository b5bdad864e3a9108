"""Far out a card shows no numbers, so an edit made there does not redraw every card;
the cards must still show the new numbers once the user zooms back in."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from engine.values import format_value


def card_pixels(window, node_id: str):
    view = window.view
    item = window.scene.node_items[node_id]
    view.viewport().repaint()
    QApplication.processEvents()
    return view.viewport().grab(view.mapFromScene(item.sceneBoundingRect()).boundingRect()).toImage()


def test_a_value_edited_far_out_shows_when_zoomed_in(window):
    document = window.document
    node_id = next(n for n in document.node_ids() if document.op_of(n).name == "input")
    view = window.view
    view.set_zoom(0.1)
    view.centerOn(window.scene.node_items[node_id])
    view.viewport().repaint()

    window.editor.set_value_text(node_id, "7.25")
    window.presenter.refresh()
    view.viewport().repaint()

    view.set_zoom(1.0)
    view.centerOn(window.scene.node_items[node_id])
    shown = card_pixels(window, node_id)
    item = window.scene.node_items[node_id]
    assert "7.25" in item.look.value and item.look.value == format_value(document.evaluation().value(node_id))
    item.update()  # drop the card's cached picture: drawn afresh from its look
    assert card_pixels(window, node_id) == shown
