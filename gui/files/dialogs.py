"""The small dialogs the file and export commands share: where a file dialog
starts, choosing a path to write, and a warning that does not block the window;
and the questions the file session asks (FileQuestions)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from gui.files.recovery import RecoveredGraph
    from gui.files.session import Answer, RestoreAnswer

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


class FileQuestions:
    """The file session's questions as message boxes and file dialogs over `parent`
    (tests replace `ask_unsaved` and `ask_restore`)."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def ask_unsaved(self, reason: str, name: str, offer_save: bool = True) -> Answer:
        """Ask what to do with unsaved changes to `name` before `reason` (e.g. "closing")."""
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, "", QMessageBox.StandardButton.NoButton, self.parent)
        box.setObjectName("unsaved_changes")
        if offer_save:
            box.setText(f"Do you want to save the changes to {name} before {reason}?")
            box.setInformativeText("Your changes will be lost if you don't save them.")
            save = box.addButton(QMessageBox.StandardButton.Save)
            box.setDefaultButton(save)
        else:
            box.setText(f"Discard the changes to {name} before {reason}?")
            box.setInformativeText("The changes since it was last saved will be lost.")
            save = None
        discard = box.addButton(QMessageBox.StandardButton.Discard)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setEscapeButton(cancel)
        if save is None:
            box.setDefaultButton(cancel)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if save is not None and clicked is save:
            return "save"
        return "discard" if clicked is discard else "cancel"

    def ask_restore(self, recovered: RecoveredGraph) -> RestoreAnswer:
        """Offer a crashed session's changes."""
        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, "Backprop Studio did not close normally last time.",
                          QMessageBox.StandardButton.NoButton, self.parent)
        box.setObjectName("restore_recovery")
        when = recovered.written_at.strftime("%d %b %Y, %H:%M")
        box.setInformativeText(f"Unsaved changes to {recovered.name} from {when} were kept. Restore them?")
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        later = box.addButton("Not Now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        box.setEscapeButton(later)
        box.exec()
        clicked = box.clickedButton()
        box.deleteLater()
        if clicked is restore:
            return "restore"
        return "discard" if clicked is discard else "later"

    def show_error(self, text: str, detail: str = "") -> None:
        warn(self.parent, text, detail)

    def choose_open_path(self) -> Path | None:
        return choose_open_path(self.parent, "Open Graph")

    def choose_save_path(self, suggested: Path) -> Path | None:
        return choose_save_path(self.parent, "Save Graph As", suggested, GRAPH_FILTER, ".json")
