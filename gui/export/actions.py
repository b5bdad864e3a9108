"""Exports for teaching: Export Image… (PNG or SVG of the canvas as it is now,
at the current animation step), Copy Image (the same PNG on the clipboard, for
pasting into slides), Export with Results… (the graph file with every
computed value and gradient added, which the app still opens), and the Export
submenu: Python Script…, PyTorch Check… and Animation… (gui.export.lesson_exports)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QDialog, QWidget

from engine.document import GraphDocument
from engine.fileformat import write_json_atomic
from gui.export.dialog import ExportDialog, ExportOptions, picture_rect
from gui.export.lesson_exports import LessonExports
from gui.export.render import png_bytes, render_image, write_picture
from gui.export.subcommand import MAX_SIDE
from gui.files.dialogs import GRAPH_FILTER, choose_save_path, file_problem, last_directory, remember_directory, warn
from gui.qt_actions import make_action

if TYPE_CHECKING:
    from gui.canvas.presenter import CanvasPresenter
    from gui.canvas.scene import GraphScene

EXPORT_DIRECTORY_KEY = "export/directory"
PICTURE_FILTERS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}


class ExportActions:
    """The export commands; `actions` go into a menu of the window's choosing."""

    def __init__(self, parent: QWidget, document: GraphDocument, scene: GraphScene, presenter: CanvasPresenter,
                 show_message: Callable[[str], object], stem: Callable[[], str],
                 document_path: Callable[[], Path | None] = lambda: None) -> None:
        self.parent = parent
        """Parent of the actions (their shortcuts work anywhere in it) and of the dialogs."""
        self.document = document
        self.scene = scene
        self.presenter = presenter
        self.show_message = show_message
        self.stem = stem
        """The file name (without suffix) exports are offered under."""
        self.document_path = document_path
        """The file the graph belongs to (None when untitled): exports start beside it."""
        self._last_export: tuple[Path | None, Path] | None = None
        """(the graph's file, the folder) of the last export this session."""
        self.export_image = self._action("export_image", "&Export Image…", "Ctrl+E", self.export_picture,
                                         "Save a picture of the canvas as it is now, for slides")
        self.copy_image = self._action("copy_image", "Cop&y Image", "Ctrl+Shift+C", self.copy_picture,
                                       "Put a picture of the canvas on the clipboard, for pasting into slides")
        self.export_results = self._action("export_results", "Export with &Results…", None, self.export_with_results,
                                           "Save the graph with every computed value and gradient in the file")
        self.lesson = LessonExports(parent, document, presenter, show_message, stem, self.source_name,
                                    self.start_folder, self._remember)
        """File ▸ Export ▸ Python Script…, PyTorch Check…, Animation…"""
        self.actions = [self.export_image, self.copy_image, self.export_results, self.lesson.menu.menuAction()]

    def _action(self, name: str, text: str, shortcut: str | None, slot: Callable[[], object], tip: str) -> QAction:
        action = make_action(self.parent, name, text, slot, shortcut, tip)
        self.parent.addAction(action)
        return action

    def start_folder(self) -> Path:
        """Where an export dialog opens: beside the graph's file (or wherever this graph
        was last exported to); for an untitled graph, the folder of the last export."""
        document_path = self.document_path()
        if self._last_export is not None and self._last_export[0] == document_path \
                and self._last_export[1].is_dir():
            return self._last_export[1]
        if document_path is not None and document_path.parent.is_dir():
            return document_path.parent
        return last_directory(EXPORT_DIRECTORY_KEY)

    def source_name(self) -> str:
        """The graph's file name, as exported scripts mention it ("" before it is saved)."""
        path = self.document_path()
        return path.name if path is not None else ""

    def stage_text(self) -> str:
        presenter = self.presenter
        if presenter.applied is None:
            shown = "every value and gradient" if presenter.show_grads else "every value (gradients hidden)"
            return f"The picture shows the canvas as it is now: {shown}."
        total = len(presenter.evaluation.trace)
        return f"The picture shows the canvas as it is now: step {presenter.applied} of {total} of the animation."

    def choose_options(self, options: ExportOptions) -> ExportOptions | None:
        """The Export Image dialog; None if cancelled. Tests replace it."""
        dialog = ExportDialog(self.scene, options, self.stage_text(), self.parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        chosen = dialog.options()
        dialog.deleteLater()
        return chosen if accepted else None

    def _too_big(self, options: ExportOptions, selection_only: bool) -> bool:
        if options.format != "png":
            return False
        rect = picture_rect(self.scene, selection_only)
        width, height = round(rect.width() * options.scale), round(rect.height() * options.scale)
        if max(width, height) <= MAX_SIDE:
            return False
        warn(self.parent, f"The picture would be {width} × {height} pixels, too large to draw.",
             "Choose a smaller scale, or SVG, or export the selection only.")
        return True

    def export_picture(self) -> bool:
        options = self.choose_options(ExportOptions.load())
        if options is None:
            return False
        options.save()
        scene = self.scene
        selection_only = options.selection_only and bool(scene.selected_node_ids())
        if self._too_big(options, selection_only):
            return False
        suggested = self.start_folder() / f"{self.stem()}{options.suffix}"
        path = choose_save_path(self.parent, "Export Image", suggested, PICTURE_FILTERS[options.format],
                                options.suffix, also_accepted=(".png", ".svg"))
        if path is None:
            return False
        return self._write(path, lambda: write_picture(scene, path, scale=options.scale,
                                                       transparent=options.transparent,
                                                       selection_only=selection_only),
                           f"Exported {path.name}.")

    def copy_picture(self) -> bool:
        """The PNG Export Image would write with the last choices of scale and background."""
        options = ExportOptions.load()
        options.format = "png"
        scene = self.scene
        selection_only = options.selection_only and bool(scene.selected_node_ids())
        if self._too_big(options, selection_only):
            return False
        image = render_image(scene, scale=options.scale, transparent=options.transparent,
                             selection_only=selection_only)
        mime = QMimeData()
        # Slide programs take image/png with its transparency; others the plain image.
        mime.setData("image/png", png_bytes(image))
        mime.setImageData(image)
        QGuiApplication.clipboard().setMimeData(mime)
        self.show_message(f"Copied a {image.width()} × {image.height()} picture; paste it into your slides.")
        return True

    def export_with_results(self) -> bool:
        presenter = self.presenter
        presenter.refresh()  # edits of this very moment are not evaluated yet
        data = self.document.to_data(results=self.document.evaluation())  # never bug mode's numbers
        suggested = self.start_folder() / f"{self.stem()}-results.json"
        path = choose_save_path(self.parent, "Export with Results", suggested, GRAPH_FILTER, ".json")
        if path is None:
            return False
        return self._write(path, lambda: write_json_atomic(path, data),
                           f"Exported {path.name} with every value and gradient.")

    def _write(self, path: Path, write: Callable[[], object], done: str) -> bool:
        """Write an export; a failure is one sentence in a dialog and nothing else changes."""
        try:
            write()
        except (OSError, ValueError) as error:
            warn(self.parent, f"Cannot write {path.name}: {file_problem(error)}.")
            return False
        self._remember(path)
        self.show_message(done)
        return True

    def _remember(self, path: Path) -> None:
        """The next export dialog opens where this file went."""
        remember_directory(path, EXPORT_DIRECTORY_KEY)
        self._last_export = (self.document_path(), path.parent)

