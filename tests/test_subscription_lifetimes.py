"""A window lets go of its document: once it is closed (or deleted), none of the
document's events has a subscriber from it, and changing the document afterwards
(as a test reusing it, or a second window, would) never touches a deleted widget."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QCoreApplication, QEvent

from engine.document import GraphDocument
from engine.events import Event
from gui.main_window import MainWindow


def subscriber_counts(document: GraphDocument) -> dict[str, int]:
    return {name: event.subscriber_count for name, event in vars(document).items() if isinstance(event, Event)}


def change_everything(document: GraphDocument) -> None:
    """One of each kind of change, so every event fires."""
    a = document.add_node("input", node_id="late_a", value=3.0)
    t = document.add_node("tanh", node_id="late_t")
    edge = document.add_edge(a, t, 0)
    document.move_node(a, 10.0, 20.0)
    document.set_value(a, 0.5)
    document.remove_edge(edge)
    document.rename_node(t, "late_u", None)
    document.set_graph_attr("name", "changed after the window went")
    document.remove_node("late_u")
    fresh = GraphDocument()
    fresh.add_node("input", node_id="z")
    document.replace_with(fresh)


def delete(window: MainWindow) -> None:
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


def open_window(qtbot, document: GraphDocument) -> MainWindow:
    """Not handed to qtbot: these tests delete their windows themselves."""
    window = MainWindow(document)
    window.show()
    qtbot.waitExposed(window)
    window.presenter.refresh()
    return window


def test_a_window_subscribes_while_open_and_releases_everything_on_close(qtbot, seed_document):
    before = subscriber_counts(seed_document)
    assert not any(before.values())
    window = open_window(qtbot, seed_document)
    window.scene.select_nodes(["d"])  # the inspector follows a node, the scene has a selection
    assert sum(subscriber_counts(seed_document).values()) >= 8
    assert window.close()
    assert subscriber_counts(seed_document) == before
    change_everything(seed_document)
    assert window.windowTitle().startswith("d = a*(b+c)")  # the closed window's title did not follow
    delete(window)
    change_everything(seed_document)


@pytest.mark.parametrize("selected", [[], ["d"], ["a", "b"]])
def test_a_window_deleted_without_closing_lets_go_of_the_document(qtbot, seed_document, selected):
    window = open_window(qtbot, seed_document)
    window.scene.select_nodes(selected)
    delete(window)
    assert not any(subscriber_counts(seed_document).values())
    change_everything(seed_document)  # would raise RuntimeError on a deleted scene or inspector


def test_a_second_window_on_the_same_document_keeps_working_after_the_first_closes(qtbot, seed_document):
    first = open_window(qtbot, seed_document)
    second = open_window(qtbot, seed_document)
    assert first.close()
    delete(first)
    seed_document.add_node("input", node_id="e", value=4.0)
    second.presenter.refresh()
    assert "e" in second.scene.node_items
    assert len(second.scene.node_items) == len(seed_document)
    assert second.close()
    delete(second)
    assert not any(subscriber_counts(seed_document).values())
