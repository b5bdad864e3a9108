"""A big graph opens without placing every wire's number tags first: they take a
provisional place and are placed properly soon after, a batch per event-loop turn.
Once settled they are where a placement made at once puts them, clear of every card."""

from __future__ import annotations

import random

from PySide6.QtWidgets import QApplication

from engine.document import GraphDocument
from engine.fileformat import parse_data
from gui.canvas.label_place import SMALL_SCENE
from gui.canvas.scene import Display
from gui.export.render import render_image
from gui.main_window import MainWindow


def big_document(nodes: int = 560, seed: int = 3) -> GraphDocument:
    """Inputs, then adds and tanhs in columns of 20; wires reach back up to 120 nodes, so
    many pass over cards and their tags must move off the middle."""
    rng = random.Random(seed)
    data_nodes, data_edges = [], []
    for i in range(nodes):
        position = {"x": (i // 20) * 300.0, "y": (i % 20) * 130.0}
        if i < 80:
            data_nodes.append({"id": f"n{i}", "op": "input", "value": rng.uniform(-1, 1), **position})
            continue
        op = "add" if i % 3 else "tanh"
        data_nodes.append({"id": f"n{i}", "op": op, **position})
        for port in range(2 if op == "add" else 1):
            source = rng.randrange(max(0, i - 120), i)
            data_edges.append({"source": f"n{source}", "target": f"n{i}", "key": port, "port": port})
    return GraphDocument.from_spec(parse_data({
        "directed": True, "multigraph": True,
        "graph": {"format": "backprop-studio", "version": 1, "name": "big", "output": f"n{nodes - 1}"},
        "nodes": data_nodes, "edges": data_edges}))


def open_big(qtbot) -> MainWindow:
    window = MainWindow(big_document())
    qtbot.addWidget(window)
    assert len(window.scene.edge_items) > SMALL_SCENE
    return window


def tags_on_cards(window) -> list:
    cards = [item.mapRectToScene(item.card) for item in window.scene.node_items.values()]
    return [(item.edge, rect) for item in window.scene.edge_items.values()
            for rect, _kind in item.tag_rects() for card in cards if rect.intersects(card)]


def close(window) -> None:
    window.editor.undo_stack.setClean()


def test_tags_settle_after_the_window_shows_where_placing_at_once_puts_them(qtbot):
    window = open_big(qtbot)
    queue = window.scene.tag_queue
    assert queue.pending() > 0  # the open placed none of them yet
    assert tags_on_cards(window)  # provisional: in the middle of wires, some over cards
    window.show()
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=20000)
    assert tags_on_cards(window) == []
    settled = {edge: item.tag_rects() for edge, item in window.scene.edge_items.items()}
    assert any(settled.values())
    for item in window.scene.edge_items.values():
        item.update_path(force=True)  # placed at once, outside a display change
    assert {edge: item.tag_rects() for edge, item in window.scene.edge_items.items()} == settled
    close(window)


def test_wires_in_view_are_placed_first(qtbot):
    window = open_big(qtbot)
    window.resize(900, 600)
    window.show()
    qtbot.waitExposed(window)
    window.scene.settle()
    view = window.view
    view.set_zoom(1.0)
    view.centerOn(window.scene.node_items["n300"])
    window.scene.set_display(Display())  # numbers off, then on again: every wire re-placed
    window.presenter.refresh()
    queue = window.scene.tag_queue
    waiting = [item for item in window.scene.edge_items.values() if item._provisional]
    visible = view.mapToScene(view.viewport().rect()).boundingRect()
    in_view = [item for item in waiting if item.sceneBoundingRect().intersects(visible)]
    assert waiting and in_view and len(in_view) < len(waiting)
    queue._place_batch()  # one event-loop turn's batch
    assert not any(item._provisional for item in in_view)
    qtbot.waitUntil(lambda: queue.pending() == 0, timeout=20000)
    assert tags_on_cards(window) == []
    close(window)


def test_a_wire_deleted_while_waiting_is_dropped_and_undo_places_it_again(qtbot):
    window = open_big(qtbot)
    scene = window.scene
    edge, item = next((edge, item) for edge, item in scene.edge_items.items() if item._provisional)
    window.editor.delete([], [edge])
    assert edge not in scene.edge_items
    assert item not in scene.tag_queue._pending
    window.show()
    qtbot.waitUntil(lambda: scene.tag_queue.pending() == 0, timeout=20000)
    window.editor.undo_stack.undo()
    window.presenter.refresh()
    scene.settle()
    assert scene.edge_items[edge] is not item and not scene.edge_items[edge]._provisional
    assert tags_on_cards(window) == []
    close(window)


def test_a_picture_shows_the_settled_tags(qtbot):
    window = open_big(qtbot)
    queue = window.scene.tag_queue
    assert queue.pending() > 0
    image = render_image(window.scene, 0.25)
    assert not image.isNull()
    assert queue.pending() == 0 and tags_on_cards(window) == []
    QApplication.processEvents()
    close(window)
