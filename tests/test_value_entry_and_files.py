"""Typing values in the inspector: nan, inf, 1e999 and [] are refused with a
sentence and change nothing; a good entry clears the earlier complaint from the
status bar; Enter on the value a node already has adds no history entry.
Files: a saved graph gets the umask's permissions; Export starts beside the graph."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest
from file_helpers import Dialogs, copy_example, trigger
from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtTest import QTest

from gui.export.actions import EXPORT_DIRECTORY_KEY, ExportActions
from gui.export.dialog import ExportOptions


def type_value(qtbot, window, node_id: str, text: str) -> None:
    """Select the card, then type into the inspector's value field and press Enter, as a person does."""
    window.scene.select_nodes([node_id])
    field = window.inspector.value_edit
    field.setFocus()
    field.selectAll()
    QTest.keyClick(field, Qt.Key.Key_Backspace)
    QTest.keyClicks(field, text)
    QTest.keyClick(field, Qt.Key.Key_Return)


def status(window) -> str:
    return window.statusBar().currentMessage()


@pytest.mark.parametrize(("typed", "words"), [
    ("nan", ["finite", "nan"]),
    ("inf", ["finite", "inf"]),
    ("-inf", ["finite", "inf"]),
    ("1e999", ["finite", "1.8e308"]),
    ("[]", ["at least one number"]),
    ("[[], []]", ["at least one number"]),
    ("[1, 1e999]", ["finite"]),
])
def test_values_that_are_not_finite_numbers_are_refused_with_a_sentence(qtbot, window, typed, words):
    before = window.document.to_data()
    steps = window.editor.undo_stack.count()
    type_value(qtbot, window, "a", typed)
    assert window.document.to_data() == before
    assert window.editor.undo_stack.count() == steps
    shown = window.inspector.value_error.text()
    assert shown == status(window)
    assert shown.startswith("a keeps its value: ") and shown.endswith(".")
    for word in words:
        assert word in shown, shown


def test_a_good_entry_clears_the_previous_complaint(qtbot, window):
    type_value(qtbot, window, "a", "nan")
    assert status(window).startswith("a keeps its value")
    type_value(qtbot, window, "a", "3")
    assert window.document.value_of("a") == 3.0
    assert status(window) == ""
    assert window.inspector.value_error.text() == ""


def test_enter_on_the_unchanged_value_adds_no_history_entry(qtbot, window):
    stack = window.editor.undo_stack
    steps = stack.count()
    window.scene.select_nodes(["a"])
    assert window.inspector.value_edit.text() == "2.2"
    for typed in ("2.2", "2.20", " 2.2 ", "22e-1"):
        type_value(qtbot, window, "a", typed)
        assert stack.count() == steps, typed
        assert window.inspector.value_edit.text() == "2.2", "the field shows the value as the app writes it"
    assert stack.isClean()
    assert window.history.model().rowCount() == steps + 1  # "(opened)" and nothing else


def test_a_real_change_is_one_history_entry_even_if_only_the_shape_or_sign_changes(qtbot, window):
    stack = window.editor.undo_stack
    type_value(qtbot, window, "a", "[2.2]")
    assert stack.count() == 1 and np.shape(window.document.value_of("a")) == (1,)
    type_value(qtbot, window, "a", "0")
    type_value(qtbot, window, "a", "-0.0")
    assert stack.count() == 3 and np.signbit(window.document.value_of("a"))
    stack.undo()
    stack.undo()
    stack.undo()
    assert window.document.value_of("a") == 2.2 and np.shape(window.document.value_of("a")) == ()


# ---------------------------------------------------------------------- files
@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_save_as_writes_a_file_others_may_read(qtbot, window, tmp_path, monkeypatch, umask_022):
    target = tmp_path / "graph.json"
    Dialogs(monkeypatch, save_path=target)
    trigger(window, "save_as")
    assert target.exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # was 0o600, the temporary file's
    target.chmod(0o640)  # the person's own choice for this file is kept by the next save
    type_value(qtbot, window, "a", "3")
    trigger(window, "save")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert "3.0" in target.read_text() or '"value": 3' in target.read_text()


def export_folders(window, monkeypatch, out: Path | None) -> list[Path]:
    """Run Export Image (choosing PNG); the folder each save dialog opened in."""
    monkeypatch.setattr(ExportActions, "choose_options", lambda self, start: ExportOptions(format="png"))
    dialogs = Dialogs(monkeypatch, save_path=out)
    trigger(window, "export_image")
    return [Path(call[2]).parent for call in dialogs.save_calls]


def test_the_first_export_opens_in_the_graphs_own_folder(qtbot, window, tmp_path, monkeypatch):
    QSettings().setValue(EXPORT_DIRECTORY_KEY, str(tmp_path))  # a folder from an earlier session
    folder = tmp_path / "lecture 3"
    folder.mkdir()
    graph = copy_example(folder)
    assert window.files.open_path(graph)
    assert export_folders(window, monkeypatch, None) == [folder]
    # Exported somewhere else: the next export of this graph starts there.
    slides = tmp_path / "slides"
    slides.mkdir()
    assert export_folders(window, monkeypatch, slides / "neuron.png") == [folder]
    assert export_folders(window, monkeypatch, None) == [slides]
    # Another graph starts beside its own file again.
    other = tmp_path / "other"
    other.mkdir()
    assert window.files.open_path(copy_example(other, "d_equals_a_times_b_plus_c.json"), ask=False)
    assert export_folders(window, monkeypatch, None) == [other]


def test_an_untitled_graph_exports_to_the_remembered_folder(qtbot, window, tmp_path, monkeypatch):
    trigger(window, "new")
    window.editor.add_node("input", 0, 0)
    QSettings().setValue(EXPORT_DIRECTORY_KEY, str(tmp_path))
    assert export_folders(window, monkeypatch, None) == [tmp_path]
    QSettings().remove(EXPORT_DIRECTORY_KEY)
    documents = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    assert export_folders(window, monkeypatch, None) == [documents if documents.is_dir() else Path.home()]
