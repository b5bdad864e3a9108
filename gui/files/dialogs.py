"""The small dialogs the file and export commands share: where a file dialog
starts, choosing a path to write, and a warning that does not block the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

APP_NAME = "Backprop Studio"
GRAPH_FILTER = "Backprop Studio graphs (*.json)"
ALL_FILES_FILTER = "All files (*)"


def last_directory(key: str = "files/last_directory") -> Path:
    """Where the last file of this kind was opened or written; the Documents folder at first."""
    stored = QSettings().value(key)
    if isinstance(stored, str) and stored and Path(stored).is_dir():
        return Path(stored)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def remember_directory(path: Path, key: str = "files/last_directory") -> None:
    QSettings().setValue(key, str(path.parent))


def choose_open_path(parent: QWidget, title: str) -> Path | None:
    path, _filter = QFileDialog.getOpenFileName(parent, title, str(last_directory()),
                                                f"{GRAPH_FILTER};;{ALL_FILES_FILTER}")
    return Path(path) if path else None


def choose_save_path(parent: QWidget, title: str, suggested: Path, file_filter: str, suffix: str,
                     also_accepted: tuple[str, ...] = ()) -> Path | None:
    """A path to write, ending in `suffix` unless the person typed one of `also_accepted`."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, str(suggested), file_filter)
    if not path:
        return None
    chosen = Path(path)
    if chosen.suffix.lower() not in (suffix, *also_accepted):
        chosen = chosen.with_name(chosen.name + suffix)
    return chosen


def warn(parent: QWidget, text: str, detail: str = "") -> QMessageBox:
    """Show a problem in a window-modal box that does not stop the program (a sheet
    on macOS); the box deletes itself when closed."""
    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("file_problem")
    if detail:
        box.setInformativeText(detail)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def file_problem(error: OSError | ValueError) -> str:
    """The reason an OSError gives, without its errno and path noise."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__
