"""The File menu, driven through its actions as a person would: open, edit, save,
reopen; the unsaved mark in the title; Save/Discard/Cancel; bad files; recent
files; examples; drops; `main.py FILE`; the window layout kept between runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from file_helpers import Dialogs, answer, copy_example, edit, file_data, problems, trigger
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMenu

from engine.document import GraphDocument
from engine.errors import FileFormatError
from engine.examples import SEED_EXAMPLE, example_files
from engine.fileformat import read_file
from gui.app import start_window


@pytest.fixture
def opened(qtbot, window, tmp_path, monkeypatch):
    """The window with a copy of the tanh neuron opened through File ▸ Open."""
    path = copy_example(tmp_path)
    Dialogs(monkeypatch, open_path=path)
    trigger(window, "open")
    assert window.files.path == path.resolve()
    return window, path


def test_the_file_menu_comes_first_with_the_standard_shortcuts(window):
    assert window.menuBar().actions()[0].text() == "&File"
    shortcuts = {name: window.findChild(QAction, name).shortcut().toString()
                 for name in ("new", "open", "save", "save_as", "export_image", "copy_image", "quit")}
    assert shortcuts == {"new": "Ctrl+N", "open": "Ctrl+O", "save": "Ctrl+S", "save_as": "Ctrl+Shift+S",
                         "export_image": "Ctrl+E", "copy_image": "Ctrl+Shift+C", "quit": "Ctrl+Q"}


def test_open_edit_save_reopen_gives_the_same_document(qtbot, window, tmp_path, monkeypatch):
    path = copy_example(tmp_path)
    # Keys this version does not know must survive the round trip.
    data = json.loads(path.read_text())
    data["graph"]["course"] = "CS 101"
    data["nodes"][0]["note"] = {"colour": "teal"}
    path.write_text(json.dumps(data))
    Dialogs(monkeypatch, open_path=path)
    trigger(window, "open")
    assert window.document.to_data() == file_data(path)

    editor = window.editor
    editor.set_value_text("x1", "[1.5, -2]")
    editor.set_label("w1", "weight one")
    editor.move_nodes({"b": ((-880.0, 325.0), (-800.0, 400.0))})
    new_node = editor.add_node("relu", 200.0, 50.0)
    assert editor.connect("o", new_node, 0)
    trigger(window, "save")

    assert not window.isWindowModified()
    reopened = GraphDocument.from_spec(read_file(path))
    assert reopened.to_data() == window.document.to_data()
    saved = json.loads(path.read_text())
    assert saved["graph"]["course"] == "CS 101"
    assert saved["nodes"][0]["note"] == {"colour": "teal"}
    assert not list(tmp_path.glob(".*.tmp")), "the temporary file of the atomic write was left behind"


def test_the_unsaved_mark_follows_the_undo_stack(opened):
    window, _path = opened
    stack = window.editor.undo_stack
    assert window.windowTitle() == "tanh_neuron.json[*] — Backprop Studio"
    assert not window.isWindowModified()
    edit(window)
    assert window.isWindowModified()
    stack.undo()
    assert not window.isWindowModified()
    stack.redo()
    assert window.isWindowModified()
    trigger(window, "save")
    assert not window.isWindowModified()
    stack.undo()  # the saved file has the node; the document no longer does
    assert window.isWindowModified()
    stack.redo()
    assert not window.isWindowModified()


def test_new_and_examples_are_untitled_and_save_never_overwrites_an_example(qtbot, window, tmp_path, monkeypatch):
    example = dict(example_files())["o = tanh(x1*w1 + x2*w2 + b)"]
    shipped = example.read_bytes()
    trigger(window, f"example_{example.stem}")
    assert window.files.path is None
    assert window.windowTitle() == "o = tanh(x1*w1 + x2*w2 + b)[*] — Backprop Studio"
    edit(window)
    target = tmp_path / "mine"
    dialogs = Dialogs(monkeypatch, save_path=target)
    trigger(window, "save")
    assert len(dialogs.save_calls) == 1, "Save on an example must ask where to save"
    suggested = Path(dialogs.save_calls[0][2])
    assert suggested.name == "tanh_neuron.json" and suggested.parent != example.parent
    assert example.read_bytes() == shipped
    assert (tmp_path / "mine.json").is_file(), "the .json suffix is added"
    assert window.windowTitle() == "mine.json[*] — Backprop Studio"

    trigger(window, "new")
    assert len(window.document) == 0
    assert window.windowTitle() == "Untitled[*] — Backprop Studio"
    assert not window.isWindowModified()
    assert window.editor.undo_stack.count() == 0


@pytest.mark.parametrize("choice", ["save", "discard", "cancel"])
def test_new_asks_and_does_what_was_answered(opened, monkeypatch, choice):
    window, path = opened
    node = edit(window)
    before = window.document.to_data()
    replies = answer(monkeypatch, window, choice)
    trigger(window, "new")
    assert replies.asked == ["starting a new graph"]
    if choice == "cancel":
        assert window.document.to_data() == before
        assert window.isWindowModified() and window.files.path == path.resolve()
        assert node not in [n["id"] for n in file_data(path)["nodes"]]
    else:
        assert len(window.document) == 0 and not window.isWindowModified()
        saved_ids = [node["id"] for node in file_data(path)["nodes"]]
        assert (node in saved_ids) == (choice == "save")


@pytest.mark.parametrize("choice", ["save", "discard", "cancel"])
def test_open_asks_first_and_does_what_was_answered(qtbot, window, tmp_path, monkeypatch, choice):
    other = copy_example(tmp_path, "fan_out.json")
    untitled_save = tmp_path / "kept.json"
    dialogs = Dialogs(monkeypatch, open_path=other, save_path=untitled_save)
    node = edit(window)
    before = window.document.to_data()
    replies = answer(monkeypatch, window, choice)
    trigger(window, "open")
    assert replies.asked == ["opening another graph"]
    if choice == "cancel":
        assert dialogs.open_calls == [] and dialogs.save_calls == []
        assert window.document.to_data() == before and window.isWindowModified()
        return
    assert len(dialogs.open_calls) == 1
    assert window.document.to_data() == file_data(other)
    assert window.files.path == other.resolve() and not window.isWindowModified()
    if choice == "save":  # the seed example is untitled: Save asks where
        assert len(dialogs.save_calls) == 1
        assert node in [n["id"] for n in file_data(untitled_save)["nodes"]]
    else:
        assert dialogs.save_calls == [] and not untitled_save.exists()


def test_cancelling_save_as_cancels_the_open(qtbot, window, tmp_path, monkeypatch):
    dialogs = Dialogs(monkeypatch, open_path=copy_example(tmp_path), save_path=None)
    edit(window)
    before = window.document.to_data()
    answer(monkeypatch, window, "save")
    trigger(window, "open")
    assert len(dialogs.save_calls) == 1 and dialogs.open_calls == []
    assert window.document.to_data() == before and window.isWindowModified()


@pytest.mark.parametrize("choice", ["save", "discard", "cancel"])
def test_closing_asks_and_does_what_was_answered(opened, monkeypatch, choice):
    window, path = opened
    node = edit(window)
    replies = answer(monkeypatch, window, choice)
    closed = window.close()
    assert replies.asked == ["closing"]
    assert closed == (choice != "cancel")
    assert window.isVisible() == (choice == "cancel")
    saved_ids = [n["id"] for n in file_data(path)["nodes"]]
    assert (node in saved_ids) == (choice == "save")
    if choice == "cancel":
        assert window.isWindowModified()
        answer(monkeypatch, window, "discard")


def test_quit_closes_the_window_after_asking(opened, monkeypatch):
    window, _path = opened
    edit(window)
    replies = answer(monkeypatch, window, "cancel", "discard")
    trigger(window, "quit")
    assert window.isVisible()
    trigger(window, "quit")
    assert not window.isVisible()
    assert replies.asked == ["closing", "closing"]


def test_a_clean_document_is_replaced_without_a_question(opened, monkeypatch):
    window, _path = opened
    replies = answer(monkeypatch, window)
    trigger(window, "new")
    assert replies.asked == []
    assert window.close()


def test_revert_goes_back_to_the_saved_file_after_asking(opened, monkeypatch):
    window, path = opened
    revert = window.findChild(QAction, "revert")
    assert not revert.isEnabled()
    edit(window)
    assert revert.isEnabled()
    before = window.document.to_data()
    answer(monkeypatch, window, "cancel")
    trigger(window, "revert")
    assert window.document.to_data() == before
    answer(monkeypatch, window, "discard")
    trigger(window, "revert")
    assert window.document.to_data() == file_data(path)
    assert not window.isWindowModified() and not revert.isEnabled()


@pytest.mark.parametrize("content", ["{not json", '{"nodes": [{"id": "a", "op": "frobnicate"}]}',
                                     '{"nodes": [{"id": "a", "op": "input"}, {"id": "a", "op": "input"}]}'])
def test_a_file_that_cannot_be_opened_changes_nothing_and_says_why(qtbot, window, tmp_path, monkeypatch, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    with pytest.raises(FileFormatError) as refused:
        read_file(bad)
    edit(window)
    before = window.document.to_data()
    stack = window.editor.undo_stack
    history = stack.count()
    Dialogs(monkeypatch, open_path=bad)
    answer(monkeypatch, window, "discard")
    trigger(window, "open")
    assert problems(window) == [str(refused.value)]
    assert str(refused.value).startswith("Cannot open bad.json: ")
    assert window.document.to_data() == before
    assert stack.count() == history and window.isWindowModified()
    stack.undo()  # the history still works on the document
    assert not window.isWindowModified()


def test_a_failed_save_says_so_and_loses_nothing(opened, monkeypatch, tmp_path):
    window, path = opened
    edit(window)
    before = window.document.to_data()
    saved = path.read_bytes()
    Dialogs(monkeypatch, save_path=tmp_path / "no such folder" / "graph.json")
    trigger(window, "save_as")
    assert problems(window) == ["Cannot save graph.json: No such file or directory."]
    assert window.document.to_data() == before
    assert window.isWindowModified() and window.files.path == path.resolve()
    assert path.read_bytes() == saved
    # Closing with Save chosen, when saving fails, keeps the window open.
    answer(monkeypatch, window, "save")
    monkeypatch.setattr(window.files, "path", tmp_path / "gone" / "x.json")
    assert not window.close()
    assert window.isVisible()


def recent_texts(window) -> list[str]:
    menu = window.findChild(QMenu, "recent_menu")
    menu.aboutToShow.emit()
    return [action.text() for action in menu.actions() if action.objectName().startswith("recent_")]


def test_recent_files_most_recent_first_and_missing_ones_pruned(qtbot, window, tmp_path, monkeypatch):
    window.files.clear_recent()
    first = copy_example(tmp_path, "fan_out.json")
    second = copy_example(tmp_path, "tanh_neuron.json")
    third = copy_example(tmp_path, "c_equals_a_times_b.json")
    for path in (first, second, third, first):
        assert window.files.open_path(path)
    assert recent_texts(window) == ["&1 fan_out.json", "&2 c_equals_a_times_b.json", "&3 tanh_neuron.json"]
    third.unlink()
    assert recent_texts(window) == ["&1 fan_out.json", "&2 tanh_neuron.json"]

    trigger(window, "recent_2")
    assert window.files.path == second.resolve()
    assert recent_texts(window)[0] == "&1 tanh_neuron.json"

    # The list is kept in QSettings: a new window shows it too.
    assert [Path(p).name for p in window.files.recent.paths()] == ["tanh_neuron.json", "fan_out.json"]
    trigger(window, "clear_recent")
    assert recent_texts(window) == []
    assert not window.findChild(QAction, "clear_recent").isEnabled()


def test_examples_are_not_added_to_recent_files(qtbot, window):
    window.files.clear_recent()
    trigger(window, "example_fan_out")
    assert recent_texts(window) == []


@pytest.mark.parametrize(("name", "path"), example_files(), ids=[path.stem for _, path in example_files()])
def test_every_example_in_the_menu_loads_and_evaluates(qtbot, window, name, path):
    trigger(window, f"example_{path.stem}")
    assert window.document.to_data() == file_data(path)
    assert window.files.path is None and not window.isWindowModified()
    window.presenter.refresh()
    evaluation = window.presenter.evaluation
    assert evaluation.ok, evaluation.output_problem
    assert set(window.scene.node_items) == set(window.document.node_ids())


def drop_file(target, path: Path) -> bool:
    """Drag `path` over `target` and drop it there, as Qt delivers it (the enter
    picks the widget that takes the drop); True if the drop was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return enter.isAccepted() and drop.isAccepted()


def test_dropping_a_graph_file_on_the_canvas_opens_it(qtbot, window, tmp_path, monkeypatch):
    path = copy_example(tmp_path, "fan_out.json")
    edit(window)
    replies = answer(monkeypatch, window, "discard")
    assert drop_file(window.view.viewport(), path)
    qtbot.waitUntil(lambda: window.files.path == path.resolve(), timeout=2000)
    assert window.document.to_data() == file_data(path)
    assert replies.asked == ["opening fan_out.json"]


def test_dropping_a_graph_file_elsewhere_on_the_window_opens_it(qtbot, window, tmp_path):
    path = copy_example(tmp_path, "fan_out.json")
    assert drop_file(window.palette, path)  # the palette takes no drops: the window does
    qtbot.waitUntil(lambda: window.files.path == path.resolve(), timeout=2000)


def test_other_files_are_not_taken(qtbot, window, tmp_path):
    picture = tmp_path / "picture.png"
    picture.write_bytes(b"")
    assert not drop_file(window.palette, picture)


def test_dropping_a_bad_file_changes_nothing(qtbot, window, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text("[]")
    before = window.document.to_data()
    assert drop_file(window.view.viewport(), bad)
    qtbot.waitUntil(lambda: bool(problems(window)), timeout=2000)
    assert problems(window) == ["Cannot open broken.json: it is not a Backprop Studio graph (no list of nodes)."]
    assert window.document.to_data() == before


def test_main_py_file_opens_the_file(qtbot, tmp_path):
    path = copy_example(tmp_path, "fan_out.json")
    window = start_window([str(path)])
    qtbot.addWidget(window)
    assert window.windowTitle() == "fan_out.json[*] — Backprop Studio"
    assert window.document.to_data() == file_data(path)
    assert window.files.recent.paths()[0] == path.resolve()


def test_main_py_with_a_bad_file_shows_the_seed_example_and_says_why(qtbot, tmp_path):
    bad = tmp_path / "nope.json"
    bad.write_text("{")
    window = start_window([str(bad)])
    qtbot.addWidget(window)
    assert window.document.to_data() == file_data(SEED_EXAMPLE)
    assert window.files.path is None
    with pytest.raises(FileFormatError) as refused:
        read_file(bad)
    assert problems(window) == [str(refused.value)]


def test_window_size_and_docks_come_back_at_the_next_start(qtbot):
    first = start_window([])
    qtbot.addWidget(first)
    # Within the offscreen screen (800×600), which a restored window is fitted into.
    first.resize(720, 560)
    first.history_dock.hide()
    qtbot.waitUntil(lambda: first.width() == 720)
    size = first.size()  # the height may be held up by the docks' minimum
    assert first.close()

    second = start_window([])
    qtbot.addWidget(second)
    assert second.size() == size
    assert second.history_dock.isHidden()
    # The narrow window had put the palette aside; it comes back when the window is wide
    # again, while the History panel the person closed stays closed.
    assert second.palette_dock.isHidden()
    second.resize(1200, 800)
    qtbot.waitUntil(lambda: not second.palette_dock.isHidden())
    assert second.history_dock.isHidden()


def test_opening_while_the_animation_plays_and_a_node_is_selected(qtbot, window):
    controller = window.animation.controller
    controller.time_scale = 0.05
    qtbot.waitUntil(lambda: controller.trace_if_ready() is not None, timeout=2000)
    controller.toggle_play()
    qtbot.waitUntil(lambda: bool(controller.tokens), timeout=2000)
    window.scene.select_nodes(["a"])
    trigger(window, "example_tanh_neuron")
    qtbot.wait(50)
    assert not controller.playing and not controller.tokens
    assert window.presenter.applied is None
    assert set(window.scene.node_items) == set(window.document.node_ids())


def test_the_question_names_the_graph(qtbot, window):
    edit(window)
    assert window.files.spoken_name() == "“d = a*(b+c)”"
    trigger(window, "new")  # answered "discard" by conftest
    window.files.open_path(SEED_EXAMPLE)
    assert window.files.display_name() == "d = a*(b+c)"


def test_recent_entries_with_the_same_name_show_their_folder():
    from gui.files.recent import menu_labels

    paths = [Path("/term1/graph.json"), Path("/term2/graph.json"), Path("/term2/other.json")]
    assert menu_labels(paths) == ["graph.json (term1)", "graph.json (term2)", "other.json"]
