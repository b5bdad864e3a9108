"""Helpers for the file, recovery and export tests: trigger actions by name,
answer the questions and file dialogs, read what the window shows."""

from __future__ import annotations

import shutil
from pathlib import Path

import shiboken6
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from engine.document import GraphDocument
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file


def trigger(window, name: str) -> None:
    action = window.findChild(QAction, name)
    assert action is not None, f"no action named {name}"
    assert action.isEnabled(), f"{name} is disabled"
    action.trigger()


class Answers:
    """Stands in for the Save/Discard/Cancel question: gives the answers in turn
    (then "discard", so the window closes at the end of the test) and records
    each reason asked."""

    def __init__(self, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, reason: str, name: str = "", offer_save: bool = True) -> str:
        self.asked.append(reason)
        return self.answers.pop(0) if self.answers else "discard"


def answer(monkeypatch, window, *answers: str) -> Answers:
    replies = Answers(*answers)
    monkeypatch.setattr(window.files.questions, "ask_unsaved", replies)
    return replies


class Dialogs:
    """Stands in for QFileDialog's open and save dialogs; records what they were shown."""

    def __init__(self, monkeypatch, open_path: Path | None = None, save_path: Path | None = None) -> None:
        self.open_path = open_path
        self.save_path = save_path
        self.open_calls: list[tuple] = []
        self.save_calls: list[tuple] = []
        monkeypatch.setattr(QFileDialog, "getOpenFileName", self._open)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", self._save)

    def _open(self, *args, **kwargs):
        self.open_calls.append(args)
        return (str(self.open_path) if self.open_path else "", "")

    def _save(self, *args, **kwargs):
        self.save_calls.append(args)
        return (str(self.save_path) if self.save_path else "", "")


def problems(window) -> list[str]:
    """The texts of the warning boxes open over the window."""
    return [box.text() for box in window.findChildren(QMessageBox)
            if shiboken6.isValid(box) and box.objectName() == "file_problem" and box.isVisible()]


def copy_example(tmp_path: Path, name: str = "tanh_neuron.json") -> Path:
    target = tmp_path / name
    shutil.copyfile(EXAMPLES_DIR / name, target)
    return target


def file_data(path: Path) -> dict:
    return GraphDocument.from_spec(read_file(path)).to_data()


def edit(window) -> str:
    """One undoable edit: a new input node."""
    node_id = window.editor.add_node("input", 300.0, 300.0)
    assert node_id is not None
    return node_id
