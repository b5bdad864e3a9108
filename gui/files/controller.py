"""The File menu: new, open, recent files, examples, save, revert, quit; the
window title with its unsaved-changes mark; file drops; the recovery file; and
the question before unsaved changes would be lost.

Every way of replacing the open graph reads the new one completely first, so a
file that cannot be opened leaves the open document exactly as it was. Shipped
examples open as untitled copies: Save asks where to put them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import shiboken6
from PySide6.QtCore import QEvent, QMimeData, QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMessageBox

from engine.document import GraphDocument
from engine.errors import StudioError
from engine.examples import EXAMPLES_DIR, example_files
from engine.fileformat import read_file, write_json_atomic
from gui.export.actions import ExportActions
from gui.files import recovery
from gui.files.dialogs import (
    APP_NAME,
    GRAPH_FILTER,
    choose_open_path,
    choose_save_path,
    file_problem,
    last_directory,
    remember_directory,
    warn,
)
from gui.files.recent import RecentFiles, menu_labels
from gui.files.recovery import RecoveredGraph, RecoveryFiles, RecoveryWriter
from gui.observing import subscriptions_of
from gui.qt_actions import make_action
from gui.window.state import save_window_state

if TYPE_CHECKING:
    from gui.main_window import MainWindow

Answer = Literal["save", "discard", "cancel"]
RestoreAnswer = Literal["restore", "discard", "later"]


def is_example(path: Path) -> bool:
    return path.resolve().parent == EXAMPLES_DIR.resolve()


def dropped_graph(mime: QMimeData | None) -> str | None:
    """The first .json file among dropped URLs."""
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        local = url.toLocalFile()
        if local.lower().endswith(".json"):
            return local
    return None


def file_stem(name: str) -> str:
    """A file name from a graph name: `d = a*(b+c)` → `d_a_b_c`."""
    stem = "".join(ch if ch.isalnum() else "_" for ch in name)
    stem = "_".join(part for part in stem.split("_") if part)
    return stem or "untitled"


class _FileDrops(QObject):
    """Accepts .json files dropped anywhere on the window (the canvas handles its own)."""

    def __init__(self, controller: FileController) -> None:
        super().__init__(controller.window)
        self.controller = controller

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            path = dropped_graph(event.mimeData())  # type: ignore[attr-defined]
            if path is None:
                return False
            event.acceptProposedAction()  # type: ignore[attr-defined]
            if kind == QEvent.Type.Drop:
                self.controller.open_dropped(path)
            return True
        return False


class FileController:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.document = window.document
        self.undo_stack = window.editor.undo_stack
        self.path: Path | None = None
        """The file the document belongs to; None for a new graph or an example."""
        self.suggested_name = "untitled.json"
        """The name Save As proposes for a graph without a file."""
        self.recent = RecentFiles()
        self.recovery_files = RecoveryFiles(recovery.default_directory())
        self.recovery = RecoveryWriter(self.document, self.undo_stack, self.recovery_files,
                                       lambda: self.path, window)
        self.recovery.failed.connect(window.show_message)
        self._closed = False

        self.new = self._action("new", "&New", QKeySequence.StandardKey.New, self.new_graph,
                                "Start an empty graph")
        self.open = self._action("open", "&Open…", QKeySequence.StandardKey.Open, self.open_graph,
                                 "Open a graph file")
        self.save = self._action("save", "&Save", QKeySequence.StandardKey.Save, self.save_graph,
                                 "Save the graph")
        self.save_as = self._action("save_as", "Save &As…", "Ctrl+Shift+S", self.save_graph_as,
                                    "Save the graph to a new file")
        self.revert = self._action("revert", "Re&vert", None, self.revert_graph,
                                   "Go back to the graph as last saved")
        self.quit = self._action("quit", "&Quit", "Ctrl+Q", window.close, "Close Backprop Studio")

        menu = window.menu("&File")
        menu.addActions([self.new, self.open])
        self.recent_menu = menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("recent_menu")
        self.recent_menu.aboutToShow.connect(self.refresh_recent_menu)
        self.examples_menu = menu.addMenu("E&xamples")
        self.examples_menu.setObjectName("examples_menu")
        self._fill_examples(self.examples_menu)
        menu.addSeparator()
        menu.addActions([self.save, self.save_as, self.revert])
        menu.addSeparator()
        self.exports = ExportActions(window, menu, self.suggested_stem, lambda: self.path)
        menu.addSeparator()
        menu.addAction(self.quit)
        self.refresh_recent_menu()

        self.undo_stack.cleanChanged.connect(self.update_title)
        # Released on close (or with the window): the document may outlive it.
        self._title_subscription = subscriptions_of(window).subscribe(self.document.graph_changed,
                                                                      self.update_title)
        window.view.fileDropped.connect(self.open_dropped)
        window.setAcceptDrops(True)
        self._drops = _FileDrops(self)
        window.installEventFilter(self._drops)
        self.update_title()

    def _action(self, name: str, text: str, shortcut: QKeySequence.StandardKey | str | None,
                slot: Callable[[], object], tip: str) -> QAction:
        action = make_action(self.window, name, text, slot, shortcut, tip)
        self.window.addAction(action)
        return action

    # ---------------------------------------------------------------- title
    def display_name(self) -> str:
        if self.path is not None:
            return self.path.name
        return self.document.name or "Untitled"

    def spoken_name(self) -> str:
        """The name in a question: a file name, or an untitled graph's name in quotes."""
        if self.path is None and self.document.name:
            return f"“{self.document.name}”"
        return self.display_name()

    def suggested_stem(self) -> str:
        return Path(self.path.name if self.path is not None else self.suggested_name).stem

    def update_title(self, *_args: object) -> None:
        if not shiboken6.isValid(self.window):
            return  # the undo stack reports itself clean while the window is being deleted
        self.window.setWindowTitle(f"{self.display_name()}[*] — {APP_NAME}")
        modified = not self.undo_stack.isClean()
        self.window.setWindowModified(modified)
        self.revert.setEnabled(self.path is not None and modified)

    # ------------------------------------------------------------ questions
    def ask_unsaved(self, reason: str, offer_save: bool = True) -> Answer:
        """Ask what to do with unsaved changes before `reason` (e.g. "closing").
        The one place the app asks; tests replace it."""
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME, "", QMessageBox.StandardButton.NoButton, self.window)
        box.setObjectName("unsaved_changes")
        if offer_save:
            box.setText(f"Do you want to save the changes to {self.spoken_name()} before {reason}?")
            box.setInformativeText("Your changes will be lost if you don't save them.")
            save = box.addButton(QMessageBox.StandardButton.Save)
            box.setDefaultButton(save)
        else:
            box.setText(f"Discard the changes to {self.spoken_name()} before {reason}?")
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
        """Offer a crashed session's changes; tests replace it."""
        box = QMessageBox(QMessageBox.Icon.Question, APP_NAME, "Backprop Studio did not close normally last time.",
                          QMessageBox.StandardButton.NoButton, self.window)
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
        warn(self.window, text, detail)

    def maybe_save(self, reason: str) -> bool:
        """True when it is fine to replace the open graph: no unsaved changes, or
        they were saved, or the person chose to discard them."""
        if self.undo_stack.isClean():
            return True
        answer = self.ask_unsaved(reason)
        if answer == "save":
            return self.save_graph()
        return answer == "discard"

    # ------------------------------------------------------------- opening
    def _adopt(self, document: GraphDocument, path: Path | None, suggested_name: str | None = None) -> None:
        """Make `document` the open graph, with a fresh history, saved as `path`."""
        animation = getattr(self.window, "animation", None)
        if animation is not None:
            # Tokens in flight live in the scene the document reset clears.
            animation.controller.stop()
        self.document.replace_with(document)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.path = path
        self.suggested_name = path.name if path is not None else (suggested_name or "untitled.json")
        self.window.view.fit_graph()
        self.recovery.write_now()
        self.update_title()

    def new_graph(self) -> None:
        if self.maybe_save("starting a new graph"):
            self._adopt(GraphDocument(), None)
            self.window.show_message("New graph.")

    def open_graph(self) -> None:
        if not self.maybe_save("opening another graph"):
            return
        path = choose_open_path(self.window, "Open Graph")
        if path is not None:
            self.open_path(path, ask=False)

    def open_path(self, path: str | Path, *, ask: bool = True) -> bool:
        """Open a graph file (an example opens as an untitled copy). A file that
        cannot be opened is reported and changes nothing."""
        path = Path(path)
        try:
            document = GraphDocument.from_spec(read_file(path))
        except StudioError as error:
            if not path.exists():
                self.recent.remove(path)
                self.refresh_recent_menu()
            self.show_error(str(error))
            return False
        example = is_example(path)
        what = f"opening the example “{document.name or path.stem}”" if example else f"opening {path.name}"
        if ask and not self.maybe_save(what):
            return False
        if example:
            self._adopt(document, None, path.name)
            self.window.show_message(f"Opened the example “{document.name or path.stem}” as an untitled copy.")
        else:
            self._adopt(document, path.resolve())
            self.recent.add(path)
            remember_directory(path.resolve())
            self.refresh_recent_menu()
            self.window.show_message(f"Opened {path.name}.")
        return True

    def adopt_opened_file(self, path: str | Path) -> None:
        """The window was made on this file's document (`main.py FILE`): name it."""
        path = Path(path)
        if is_example(path):
            self.path, self.suggested_name = None, path.name
        else:
            self.path = path.resolve()
            self.suggested_name = path.name
            self.recent.add(path)
            self.refresh_recent_menu()
        self.update_title()

    def open_dropped(self, path: str) -> None:
        # Not inside the drop event: a question asked there would stall the
        # program the file came from until it is answered.
        QTimer.singleShot(0, lambda: self.open_path(path))

    def revert_graph(self) -> None:
        if self.path is None or self.undo_stack.isClean():
            return
        try:
            document = GraphDocument.from_spec(read_file(self.path))
        except StudioError as error:
            self.show_error(str(error), "Your graph is still open with its changes.")
            return
        if self.ask_unsaved("reverting to the saved file", offer_save=False) != "discard":
            return
        self._adopt(document, self.path)
        self.window.show_message(f"Reverted to the saved {self.path.name}.")

    # ------------------------------------------------------------- examples
    def _fill_examples(self, menu: QMenu) -> None:
        for name, path in example_files():
            action = menu.addAction(name.replace("&", "&&"))
            action.setObjectName(f"example_{path.stem}")
            action.setStatusTip(f"Open the example {name} as an untitled copy")
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))

    # ---------------------------------------------------------------- recent
    def refresh_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.recent.paths()
        for number, (path, label) in enumerate(zip(paths, menu_labels(paths)), start=1):
            label = label.replace("&", "&&")
            action = menu.addAction(f"&{number} {label}" if number < 10 else label)
            action.setObjectName(f"recent_{number}")
            action.setStatusTip(str(path))
            action.setToolTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.open_path(p))
        if not paths:
            empty = menu.addAction("No Recent Files")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("&Clear List")
        clear.setObjectName("clear_recent")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.clear_recent)

    def clear_recent(self) -> None:
        self.recent.clear()
        self.refresh_recent_menu()

    # ---------------------------------------------------------------- saving
    def save_graph(self) -> bool:
        if self.path is None:
            return self.save_graph_as()
        return self.write(self.path)

    def save_graph_as(self) -> bool:
        directory = self.path.parent if self.path is not None else last_directory()
        path = choose_save_path(self.window, "Save Graph As", directory / self.suggested_name, GRAPH_FILTER,
                                ".json")
        return path is not None and self.write(path)

    def write(self, path: Path) -> bool:
        """Save the graph to `path`; on failure say so and change nothing."""
        try:
            write_json_atomic(path, self.document.to_data())
        except (OSError, ValueError) as error:
            self.show_error(f"Cannot save {path.name}: {file_problem(error)}.",
                            "Your graph is still open and nothing was lost; try Save As… to save it elsewhere.")
            return False
        self.path = path.resolve()
        self.suggested_name = path.name
        self.undo_stack.setClean()
        self.recovery.write_now()
        self.recent.add(path)
        remember_directory(self.path)
        self.refresh_recent_menu()
        self.update_title()
        self.window.show_message(f"Saved {path.name}.")
        return True

    # ------------------------------------------------------- start and close
    def offer_recovery(self) -> bool:
        """At start: offer what crashed sessions left, newest first; True if one was restored."""
        for recovered in self.recovery_files.orphans():
            answer = self.ask_restore(recovered)
            if answer == "discard":
                self.recovery_files.remove(recovered)
                continue
            if answer != "restore":
                continue
            try:
                document = recovered.document()
            except StudioError as error:
                self.show_error(f"Cannot restore {recovered.name}: {error}.",
                                f"The recovery file stays in {recovered.file.parent}.")
                continue
            if not self.maybe_save(f"restoring {recovered.name}"):
                return False
            self._adopt(document, recovered.belongs_to,
                        f"{file_stem(document.name)}.json" if recovered.belongs_to is None else None)
            # Restored work is unsaved work until the person saves it.
            self.undo_stack.resetClean()
            self.recovery.write_now()
            self.recovery_files.remove(recovered)
            self.window.show_message(f"Restored the unsaved changes to {recovered.name}.")
            return True
        return False

    def close_requested(self) -> bool:
        """The window is about to close: True once unsaved changes are dealt with."""
        if self._closed:
            return True
        if not self.maybe_save("closing"):
            return False
        save_window_state(self.window)
        self.recovery.close()
        self._title_subscription.release()
        self._closed = True
        return True
