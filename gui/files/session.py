"""The open graph's file, without widgets: which file the document belongs to,
whether it has unsaved changes (the undo stack's clean state), opening, saving,
reverting and recovering it, and the recovery file written meanwhile.

Questions (save the changes? restore a crashed session? where to save?) go
through an injected `Questions`: the File menu's dialogs in the app, a stand-in
in tests. What happened comes out as signals, so the title, the menus and the
view follow without the session knowing them.

Every way of replacing the open graph reads the new one completely first, so a
file that cannot be opened leaves the open document exactly as it was. Shipped
examples open as untitled copies: Save asks where to put them."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from engine.document import GraphDocument
from engine.errors import StudioError
from engine.examples import EXAMPLES_DIR
from engine.fileformat import read_file, write_json_atomic
from gui.files import recovery
from gui.files.dialogs import file_problem, last_directory, remember_directory
from gui.files.recent import RecentFiles
from gui.files.recovery import RecoveredGraph, RecoveryFiles, RecoveryWriter

Answer = Literal["save", "discard", "cancel"]
RestoreAnswer = Literal["restore", "discard", "later"]


class Questions(Protocol):
    """What the session asks the person; each answer may be "no" (cancel, None)."""

    def ask_unsaved(self, reason: str, name: str, offer_save: bool = True) -> Answer:
        """Save, discard or keep the changes to `name` before `reason` (e.g. "closing")."""
        ...

    def ask_restore(self, recovered: RecoveredGraph) -> RestoreAnswer: ...

    def show_error(self, text: str, detail: str = "") -> None: ...

    def choose_open_path(self) -> Path | None: ...

    def choose_save_path(self, suggested: Path) -> Path | None: ...


def is_example(path: Path) -> bool:
    return path.resolve().parent == EXAMPLES_DIR.resolve()


def file_stem(name: str) -> str:
    """A file name from a graph name: `d = a*(b+c)` → `d_a_b_c`."""
    stem = "".join(ch if ch.isalnum() else "_" for ch in name)
    stem = "_".join(part for part in stem.split("_") if part)
    return stem or "untitled"


class FileSession(QObject):
    pathChanged = Signal()
    """The file the document belongs to (or the name Save As proposes) changed."""
    dirtyChanged = Signal(bool)
    """True when there are unsaved changes, False when there are none any more."""
    replacing = Signal()
    """Another graph is about to replace the open one (it has been read and accepted)."""
    opened = Signal()
    """Another graph replaced the open one: new, opened, reverted or restored."""
    recentChanged = Signal()
    message = Signal(str)
    """One sentence for the status bar: what just happened."""
    closed = Signal()
    """The session ended normally (unsaved changes dealt with); emitted once."""

    def __init__(self, document: GraphDocument, undo_stack: QUndoStack, questions: Questions,
                 recent: RecentFiles | None = None, recovery_files: RecoveryFiles | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack
        self.questions = questions
        self.path: Path | None = None
        """The file the document belongs to; None for a new graph or an example."""
        self.suggested_name = "untitled.json"
        """The name Save As proposes for a graph without a file."""
        self.recent = recent if recent is not None else RecentFiles()
        self.recovery_files = recovery_files if recovery_files is not None else \
            RecoveryFiles(recovery.default_directory())
        self.recovery = RecoveryWriter(document, undo_stack, self.recovery_files, lambda: self.path, self)
        self.recovery.failed.connect(self.message)
        self._closed = False
        # A bound method, not a lambda: Qt drops the connection when the session goes.
        undo_stack.cleanChanged.connect(self._clean_changed)

    def _clean_changed(self, clean: bool) -> None:
        self.dirtyChanged.emit(not clean)

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    # ---------------------------------------------------------------- names
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

    def _belong_to(self, path: Path | None, suggested_name: str) -> None:
        self.path = path
        self.suggested_name = suggested_name
        self.pathChanged.emit()

    # ------------------------------------------------------------ questions
    def maybe_save(self, reason: str) -> bool:
        """True when it is fine to replace the open graph: no unsaved changes, or
        they were saved, or the person chose to discard them."""
        if self.undo_stack.isClean():
            return True
        answer = self.questions.ask_unsaved(reason, self.spoken_name())
        if answer == "save":
            return self.save()
        return answer == "discard"

    # -------------------------------------------------------------- opening
    def _adopt(self, document: GraphDocument, path: Path | None, suggested_name: str | None = None) -> None:
        """Make `document` the open graph, with a fresh history, saved as `path`."""
        self.replacing.emit()
        self.document.replace_with(document)
        self.undo_stack.clear()
        self.undo_stack.setClean()
        self.path = path
        self.suggested_name = path.name if path is not None else (suggested_name or "untitled.json")
        self.opened.emit()
        self.recovery.write_now()
        self.pathChanged.emit()

    def new_graph(self) -> None:
        if self.maybe_save("starting a new graph"):
            self._adopt(GraphDocument(), None)
            self.message.emit("New graph.")

    def adopt_new(self, document: GraphDocument, what: str) -> bool:
        """Open a graph made in the app (New from Expression) as an untitled graph, after
        the unsaved changes are dealt with (`what` names the reason in the question)."""
        if not self.maybe_save(what):
            return False
        self._adopt(document, None, f"{file_stem(document.name)}.json")
        return True

    def open_graph(self) -> None:
        """Ask for a file (after the unsaved changes are dealt with) and open it."""
        if not self.maybe_save("opening another graph"):
            return
        path = self.questions.choose_open_path()
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
                self.recentChanged.emit()
            self.questions.show_error(str(error))
            return False
        example = is_example(path)
        what = f"opening the example “{document.name or path.stem}”" if example else f"opening {path.name}"
        if ask and not self.maybe_save(what):
            return False
        if example:
            self._adopt(document, None, path.name)
            self.message.emit(f"Opened the example “{document.name or path.stem}” as an untitled copy.")
        else:
            self._adopt(document, path.resolve())
            self.recent.add(path)
            remember_directory(path.resolve())
            self.recentChanged.emit()
            self.message.emit(f"Opened {path.name}.")
        return True

    def adopt_opened_file(self, path: str | Path) -> None:
        """The document was read from this file before the session began (`main.py FILE`): name it."""
        path = Path(path)
        if is_example(path):
            self._belong_to(None, path.name)
            return
        self.recent.add(path)
        self.recentChanged.emit()
        self._belong_to(path.resolve(), path.name)

    def revert(self) -> None:
        """Back to the file as last saved, after asking."""
        if self.path is None or self.undo_stack.isClean():
            return
        try:
            document = GraphDocument.from_spec(read_file(self.path))
        except StudioError as error:
            self.questions.show_error(str(error), "Your graph is still open with its changes.")
            return
        if self.questions.ask_unsaved("reverting to the saved file", self.spoken_name(), offer_save=False) \
                != "discard":
            return
        self._adopt(document, self.path)
        self.message.emit(f"Reverted to the saved {self.path.name}.")

    # ------------------------------------------------------------------ recent
    def clear_recent(self) -> None:
        self.recent.clear()
        self.recentChanged.emit()

    # ------------------------------------------------------------------ saving
    def save(self) -> bool:
        if self.path is None:
            return self.save_as()
        return self.write(self.path)

    def save_as(self) -> bool:
        directory = self.path.parent if self.path is not None else last_directory()
        path = self.questions.choose_save_path(directory / self.suggested_name)
        return path is not None and self.write(path)

    def write(self, path: Path) -> bool:
        """Save the graph to `path`; on failure say so and change nothing."""
        try:
            write_json_atomic(path, self.document.to_data())
        except (OSError, ValueError) as error:
            self.questions.show_error(
                f"Cannot save {path.name}: {file_problem(error)}.",
                "Your graph is still open and nothing was lost; try Save As… to save it elsewhere.")
            return False
        self.path = path.resolve()
        self.suggested_name = path.name
        self.undo_stack.setClean()
        self.recovery.write_now()
        self.recent.add(path)
        remember_directory(self.path)
        self.recentChanged.emit()
        self.pathChanged.emit()
        self.message.emit(f"Saved {path.name}.")
        return True

    # --------------------------------------------------------- start and close
    def offer_recovery(self) -> bool:
        """At start: offer what crashed sessions left, newest first; True if one was restored."""
        for recovered in self.recovery_files.orphans():
            answer = self.questions.ask_restore(recovered)
            if answer == "discard":
                self.recovery_files.remove(recovered)
                continue
            if answer != "restore":
                continue
            try:
                document = recovered.document()
            except StudioError as error:
                self.questions.show_error(f"Cannot restore {recovered.name}: {error}.",
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
            self.message.emit(f"Restored the unsaved changes to {recovered.name}.")
            return True
        return False

    def close_requested(self) -> bool:
        """The window is about to close: True once unsaved changes are dealt with."""
        if self._closed:
            return True
        if not self.maybe_save("closing"):
            return False
        self._closed = True
        self.closed.emit()
        self.recovery.close()
        return True
