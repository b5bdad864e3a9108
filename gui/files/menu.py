"""The File menu over a FileSession: new, open, recent files, examples, save,
revert, the exports, quit; the window title with its unsaved-changes mark; and
graph files dropped on the window. What the commands do is the session's."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import shiboken6
from PySide6.QtCore import QEvent, QMimeData, QObject, QTimer, Signal, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from engine.document import GraphDocument
from engine.examples import example_files
from gui.files.dialogs import APP_NAME
from gui.files.recent import menu_labels
from gui.files.session import FileSession
from gui.observing import subscriptions_of
from gui.qt_actions import make_action


def dropped_graph(mime: QMimeData | None) -> str | None:
    """The first .json file among dropped URLs."""
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        local = url.toLocalFile()
        if local.lower().endswith(".json"):
            return local
    return None


class _FileDrops(QObject):
    """Accepts .json files dropped anywhere on the window (the canvas handles its own)."""

    dropped = Signal(str)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            path = dropped_graph(event.mimeData())  # type: ignore[attr-defined]
            if path is None:
                return False
            event.acceptProposedAction()  # type: ignore[attr-defined]
            if kind == QEvent.Type.Drop:
                self.dropped.emit(path)
            return True
        return False


class FileMenu:
    """Fills `menu` with the file commands of `session`, shows its state in `window`'s
    title, and opens graph files dropped on `window` (or reported by `file_drops`)."""

    def __init__(self, session: FileSession, document: GraphDocument, window: QWidget, menu: QMenu,
                 file_drops: SignalInstance, exports: Sequence[QAction] = ()) -> None:
        self.session = session
        self.document = document
        self.host = window
        """Parent of the actions, owner of the title; closed by Quit."""

        self.new = self._action("new", "&New", QKeySequence.StandardKey.New, session.new_graph,
                                "Start an empty graph")
        self.open = self._action("open", "&Open…", QKeySequence.StandardKey.Open, session.open_graph,
                                 "Open a graph file")
        self.save = self._action("save", "&Save", QKeySequence.StandardKey.Save, session.save,
                                 "Save the graph")
        self.save_as = self._action("save_as", "Save &As…", "Ctrl+Shift+S", session.save_as,
                                    "Save the graph to a new file")
        self.revert = self._action("revert", "Re&vert", None, session.revert,
                                   "Go back to the graph as last saved")
        self.quit = self._action("quit", "&Quit", "Ctrl+Q", window.close, "Close Backprop Studio")

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
        menu.addActions(list(exports))
        menu.addSeparator()
        menu.addAction(self.quit)
        self.refresh_recent_menu()

        session.recentChanged.connect(self.refresh_recent_menu)
        session.pathChanged.connect(self.update_title)
        session.dirtyChanged.connect(self.update_title)
        session.closed.connect(self._closed)
        # Released on close (or with the window): the document may outlive it.
        self._title_subscription = subscriptions_of(window).subscribe(document.graph_changed, self.update_title)
        file_drops.connect(self.open_dropped)
        window.setAcceptDrops(True)
        self._drops = _FileDrops(window)
        self._drops.dropped.connect(self.open_dropped)
        window.installEventFilter(self._drops)
        self.update_title()

    def _action(self, name: str, text: str, shortcut: QKeySequence.StandardKey | str | None,
                slot: Callable[[], object], tip: str) -> QAction:
        action = make_action(self.host, name, text, slot, shortcut, tip)
        self.host.addAction(action)
        return action

    def _closed(self) -> None:
        self._title_subscription.release()

    # ---------------------------------------------------------------- title
    def update_title(self, *_args: object) -> None:
        if not shiboken6.isValid(self.host):
            return  # the undo stack reports itself clean while the window is being deleted
        self.host.setWindowTitle(f"{self.session.display_name()}[*] — {APP_NAME}")
        modified = self.session.dirty
        self.host.setWindowModified(modified)
        self.revert.setEnabled(self.session.path is not None and modified)

    # ---------------------------------------------------------------- drops
    def open_dropped(self, path: str) -> None:
        # Not inside the drop event: a question asked there would stall the
        # program the file came from until it is answered.
        QTimer.singleShot(0, lambda: self.session.open_path(path))

    # ------------------------------------------------------------- examples
    def _fill_examples(self, menu: QMenu) -> None:
        for name, path in example_files():
            action = menu.addAction(name.replace("&", "&&"))
            action.setObjectName(f"example_{path.stem}")
            action.setStatusTip(f"Open the example {name} as an untitled copy")
            action.triggered.connect(lambda _checked=False, p=path: self.session.open_path(p))

    # --------------------------------------------------------------- recent
    def refresh_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        paths = self.session.recent.paths()
        for number, (path, label) in enumerate(zip(paths, menu_labels(paths)), start=1):
            label = label.replace("&", "&&")
            action = menu.addAction(f"&{number} {label}" if number < 10 else label)
            action.setObjectName(f"recent_{number}")
            action.setStatusTip(str(path))
            action.setToolTip(str(path))
            action.triggered.connect(lambda _checked=False, p=path: self.session.open_path(p))
        if not paths:
            empty = menu.addAction("No Recent Files")
            empty.setEnabled(False)
        menu.addSeparator()
        clear = menu.addAction("&Clear List")
        clear.setObjectName("clear_recent")
        clear.setEnabled(bool(paths))
        clear.triggered.connect(self.session.clear_recent)
