"""File ▸ Export ▸ Python Script…, PyTorch Check… and Animation…, driven as a person
would: the menu, the dialog's buttons, the save dialog (answered), the progress
dialog's Cancel."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMenu, QProgressDialog, QRadioButton

from engine.codegen import numpy_script, torch_script
from gui.export import lesson_exports
from gui.export.animation_dialog import BACKWARD, CURRENT, FORWARD, WHOLE, AnimationDialog, AnimationOptions, step_range
from gui.export.lesson_exports import LessonExports
from tests.file_helpers import trigger


def save_to(monkeypatch, path: Path | None) -> list[str]:
    """Answer the save dialog with `path`; returns the titles it was opened with."""
    titles: list[str] = []

    def choose(_parent, title, suggested, _filter, _suffix, also_accepted=()):
        titles.append(title)
        return path

    monkeypatch.setattr(lesson_exports, "choose_save_path", choose)
    return titles


def test_the_export_menu_holds_the_three_commands(window):
    export_menu = window.findChild(QMenu, "export_menu")
    assert export_menu is not None and export_menu.title() == "&Export"
    names = [action.objectName() for action in export_menu.actions()]
    assert names == ["export_python_script", "export_torch_check", "export_animation"]
    assert export_menu.menuAction() in window.menu("&File").actions()


def test_python_script_previews_copies_and_saves_the_script(window, qtbot, monkeypatch, tmp_path):
    trigger(window, "export_python_script")
    dialog = window.exports.lesson.dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Python Script"
    expected = numpy_script(window.presenter.evaluation, window.document.name, "")
    assert dialog.preview.toPlainText() == expected
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == expected
    assert "Copied the script" in window.statusBar().currentMessage()
    out = tmp_path / "seed.py"
    titles = save_to(monkeypatch, out)
    dialog.save_button.click()
    assert titles == ["Save Python Script"]
    assert out.read_text(encoding="utf-8") == expected
    qtbot.waitUntil(lambda: window.exports.lesson.dialog is None)


def test_pytorch_check_shows_the_torch_script_and_a_cancelled_save_writes_nothing(window, monkeypatch, tmp_path):
    trigger(window, "export_torch_check")
    dialog = window.exports.lesson.dialog
    assert dialog is not None and dialog.windowTitle() == "PyTorch Check"
    text = dialog.preview.toPlainText()
    assert text == torch_script(window.presenter.evaluation, window.document.name, "")
    assert "import torch" in text
    save_to(monkeypatch, None)
    dialog.save_button.click()
    assert dialog.isVisible() and list(tmp_path.iterdir()) == []
    dialog.reject()


def test_the_animation_dialog_offers_the_ranges_the_trace_has(window, qtbot):
    trace = window.presenter.trace
    forward = trace.stage_steps("forward")
    assert step_range(trace, WHOLE, None) == (0, len(trace))
    assert step_range(trace, FORWARD, None) == (0, forward)
    assert step_range(trace, BACKWARD, None) == (forward, len(trace))
    assert step_range(trace, CURRENT, None) is None  # editing: no current phase
    assert step_range(trace, CURRENT, 7) == (forward, len(trace))
    dialog = AnimationDialog(trace, None, (800, 400), AnimationOptions(CURRENT, 2), window)
    qtbot.addWidget(dialog)
    assert not dialog.findChild(QRadioButton, "range_current").isEnabled()
    assert dialog.options() == AnimationOptions(WHOLE, 2)  # current phase is not offered while editing
    dialog.range_group.button(1).click()
    assert dialog.options().range == FORWARD
    assert "1600 × 800 pixels" in dialog.summary.text() and f"steps 1 to {forward}" in dialog.summary.text()


def choose_range(monkeypatch, options: AnimationOptions) -> None:
    monkeypatch.setattr(LessonExports, "choose_animation", lambda _self, _start: options)


def test_animation_writes_the_chosen_range_as_a_gif(window, monkeypatch, tmp_path):
    out = tmp_path / "forward.gif"
    choose_range(monkeypatch, AnimationOptions(FORWARD, 1))
    save_to(monkeypatch, out)
    trigger(window, "export_animation")
    with Image.open(out) as gif:
        frames = gif.n_frames
    # Forward only: the inputs, then five steps, two of them with tokens on their way.
    assert 6 < frames < 40
    assert "Exported forward.gif" in window.statusBar().currentMessage()
    assert list(tmp_path.iterdir()) == [out]


@pytest.mark.parametrize("older", [False, True])
def test_cancel_in_the_progress_dialog_leaves_no_file(window, monkeypatch, tmp_path, older):
    out = tmp_path / "whole.gif"
    if older:
        out.write_bytes(b"last week's animation")
    choose_range(monkeypatch, AnimationOptions(WHOLE, 1))
    save_to(monkeypatch, out)
    pressed: list[int] = []

    def press_cancel() -> None:
        progress = window.findChild(QProgressDialog, "animation_progress")
        if progress is not None and progress.isVisible() and progress.value() >= 3:
            pressed.append(progress.value())
            progress.cancel()  # what its Cancel button does
        else:
            QTimer.singleShot(5, press_cancel)

    QTimer.singleShot(0, press_cancel)
    trigger(window, "export_animation")
    assert pressed
    assert "cancelled" in window.statusBar().currentMessage()
    assert list(tmp_path.iterdir()) == ([out] if older else [])
    if older:
        assert out.read_bytes() == b"last week's animation"
