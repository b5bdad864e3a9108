"""Notes on the canvas: `graph.notes` in the file format (engine.notes), and in the
window: add with N, type Markdown in place, move, resize, undo, copy and paste, and
in exported pictures."""

from __future__ import annotations

import json

import pytest
from animation_helpers import example_document, open_window
from canvas_helpers import drag
from PySide6.QtCore import QPointF, Qt

from engine.document import GraphDocument
from engine.errors import FileFormatError
from engine.examples import EXAMPLES_DIR
from engine.fileformat import parse_text, read_file
from engine.notes import Note, parse_notes

NOTE = {"text": "**bold** and *it*", "x": -500.0, "y": -300.0, "width": 200.0, "height": 80.0}


def test_notes_round_trip_through_a_file() -> None:
    data = json.loads((EXAMPLES_DIR / "tanh_neuron.json").read_text(encoding="utf-8"))
    assert "notes" not in data["graph"]
    document = GraphDocument.from_spec(parse_text(json.dumps(data)))
    assert "notes" not in document.to_data()["graph"]  # a v1 file without notes stays without
    data["graph"]["notes"] = [NOTE]
    document = GraphDocument.from_spec(parse_text(json.dumps(data)))
    saved = document.to_data()
    assert saved["graph"]["notes"] == [NOTE]
    assert parse_notes(saved["graph"]["notes"]) == [Note(**NOTE)]
    assert document.evaluation().ok  # notes change nothing the engine computes


@pytest.mark.parametrize("notes, words", [
    ({"text": "a"}, "not a list"),
    (["a"], "note 1 is not an object"),
    ([{**NOTE, "text": 3}], "note 1 has no text"),
    ([NOTE, {**NOTE, "x": "left"}], "note 2 has a x that is not a finite number"),
    ([{**NOTE, "width": 0}], "note 1 has a width that is not more than 0"),
])
def test_bad_notes_are_refused_in_one_sentence(notes, words) -> None:
    data = json.loads((EXAMPLES_DIR / "fan_out.json").read_text(encoding="utf-8"))
    data["graph"]["notes"] = notes
    with pytest.raises(FileFormatError, match=words):
        parse_text(json.dumps(data))


@pytest.fixture
def window(qtbot):
    return open_window(qtbot, example_document("fan_out.json"))


def notes_of(window) -> list[Note]:
    return parse_notes(window.document.graph_attr("notes"))


def test_add_a_note_type_markdown_undo(qtbot, window) -> None:
    assert window.notes.add_note in window.menu("&Edit").actions()
    stack = window.editor.undo_stack
    start = stack.count()
    qtbot.keyClick(window.view, Qt.Key.Key_N)
    assert len(notes_of(window)) == 1 and stack.count() == start + 1
    item = window.notes.layer.items[0]
    assert item.source is not None  # open for typing, its text selected
    qtbot.keyClicks(window.view, "**Chain rule**: *multiply*X")
    qtbot.keyClick(window.view, Qt.Key.Key_Backspace)  # the text's, not Edit ▸ Delete's
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert notes_of(window)[0].text == "**Chain rule**: *multiply*"
    assert stack.count() == start + 2
    item = window.notes.layer.items[0]
    assert item.document.toPlainText() == "Chain rule: multiply"  # rendered, not shown as source
    stack.undo()
    assert notes_of(window)[0].text != "**Chain rule**: *multiply*"
    stack.undo()
    assert window.document.graph_attr("notes") is None


def test_move_resize_copy_paste_delete(qtbot, window) -> None:
    window.notes._push("Add note", [Note(**NOTE)])  # beside the graph, clear of the cards
    item = window.notes.layer.items[0]
    note = notes_of(window)[0]
    window.view.centerOn(item)
    inside = QPointF(note.x + 40, note.y + 30)
    drag(window, inside, inside + QPointF(100, 50))
    moved = notes_of(window)[0]
    assert (moved.x - note.x, moved.y - note.y) == pytest.approx((100, 50), abs=2)
    item = window.notes.layer.items[0]
    grip = QPointF(moved.x + moved.width - 4, moved.y + moved.height - 4)
    item.setSelected(True)
    drag(window, grip, grip + QPointF(60, 40))
    resized = notes_of(window)[0]
    assert (resized.width - moved.width, resized.height - moved.height) == pytest.approx((60, 40), abs=2)
    assert (resized.x, resized.y) == (moved.x, moved.y)
    window.notes.layer.items[0].setSelected(True)
    window.edit_actions.copy.trigger()
    window.edit_actions.paste.trigger()
    assert len(notes_of(window)) == 2
    assert notes_of(window)[1].text == resized.text and notes_of(window)[1].x == resized.x + 30
    window.scene.clearSelection()
    window.notes.layer.items[1].setSelected(True)
    window.edit_actions.delete.trigger()
    assert notes_of(window) == [resized]
    assert len(window.document.node_ids()) == 3  # the cards stay


def test_notes_are_in_exported_pictures(qapp, tmp_path) -> None:
    from gui.export.subcommand import export_main

    data = json.loads((EXAMPLES_DIR / "fan_out.json").read_text(encoding="utf-8"))
    data["graph"]["notes"] = [{**NOTE, "text": "**Fan-out** sums its arrivals"}]
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps(data), encoding="utf-8")
    noted = tmp_path / "noted.svg"
    assert export_main([str(graph), str(noted)]) == 0
    svg = noted.read_text(encoding="utf-8")
    assert "Fan-out" in svg and "sums its arrivals" in svg
    assert read_file(graph).graph["notes"][0]["x"] == NOTE["x"]


def test_notes_are_in_every_frame_of_a_gif(qapp) -> None:
    from PySide6.QtCore import QRectF

    from gui.export.gif import AnimationFrames

    data = json.loads((EXAMPLES_DIR / "fan_out.json").read_text(encoding="utf-8"))
    data["graph"]["notes"] = [NOTE]
    frames = AnimationFrames(GraphDocument.from_spec(parse_text(json.dumps(data))))
    try:
        assert frames.source.contains(QRectF(NOTE["x"], NOTE["y"], NOTE["width"], NOTE["height"]))
    finally:
        frames.close()
