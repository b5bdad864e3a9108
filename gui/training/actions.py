"""Training in the window: the Train menu and panel, File ▸ Load Data into Input…
and the toy datasets, and the Trainable switch on an input's right-click menu.
Every change to the graph is an undo command pushed through the editor."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMainWindow, QMenu, QStyle, QWidget

from engine.document import GraphDocument
from engine.errors import StudioError
from engine.training.datasets import DATASETS, read_csv, toy_dataset
from engine.training.optimizers import OPTIMIZERS
from gui.editing.commands import CompoundCommand, add_node_command
from gui.files.dialogs import last_directory, remember_directory
from gui.observing import subscriptions_of
from gui.qt_actions import make_action
from gui.training.commands import SetTrainableCommand, SetValuesCommand
from gui.training.dock import TrainDock
from gui.training.session import TrainingSession

if TYPE_CHECKING:
    from gui.canvas.presenter import CanvasPresenter
    from gui.canvas.scene import GraphScene
    from gui.editing.context_menu import ContextMenus
    from gui.editing.editor import GraphEditor

DATA_DIRECTORY_KEY = "files/last_data_directory"
TOY_POINTS = 100
TOY_SEED = 0


def choose_csv_path(parent: QWidget) -> Path | None:
    """Ask for a CSV file (tests replace this)."""
    path, _filter = QFileDialog.getOpenFileName(parent, "Load Data into Input", str(last_directory(DATA_DIRECTORY_KEY)),
                                                "CSV files (*.csv);;All files (*)")
    return Path(path) if path else None


class TrainingActions:
    def __init__(self, window: QMainWindow, document: GraphDocument, editor: GraphEditor, scene: GraphScene,
                 presenter: CanvasPresenter, menu: Callable[[str], QMenu], context_menus: ContextMenus,
                 tab_with: QDockWidget, show_message: Callable[[str], object]) -> None:
        self.host, self.document, self.editor, self.scene = window, document, editor, scene
        self.show_message = show_message
        self.session = session = TrainingSession(document, editor.push, window)
        icon, pixmap = window.style().standardIcon, QStyle.StandardPixmap
        self._play_icon, self._pause_icon = icon(pixmap.SP_MediaPlay), icon(pixmap.SP_MediaPause)
        self.train = self._action("train_play", "&Train", session.toggle, "Ctrl+T",
                                  "Train the trainable inputs: steps of gradient descent on the output (Ctrl+T)")
        self.train.setIcon(self._play_icon)
        self.step = self._action("train_step", "&Step", session.step, "Ctrl+Shift+T", "One step of training")
        self.step.setIcon(icon(pixmap.SP_MediaSeekForward))
        self.reset = self._action("train_reset", "&Reset", session.reset, None,
                                  "Parameters back to where training started; the loss curve starts again")
        self.reset.setIcon(icon(pixmap.SP_MediaSkipBackward))
        self.trainable = self._action("toggle_trainable", "Train&able", self._toggle_selected, None,
                                      "Make the selected input a parameter that training changes, or fixed data")
        self.load_data = self._action("load_data", "Load &Data into Input…", self.load_csv, None,
                                      "Read a CSV file of numbers into the selected input")
        self.datasets = {name: self._action(f"dataset_{name}", text, lambda n=name: self.fill_dataset(n), None,
                                            f"Fill inputs X and y with {text.lower()} ({TOY_POINTS} points)")
                         for name, (text, _make) in DATASETS.items()}

        self.dock = TrainDock(session, [self.train, self.step, self.reset], window)
        self.dock.widget().setMinimumWidth(260)
        self.dock.widget().setMaximumWidth(520)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        window.tabifyDockWidget(tab_with, self.dock)
        self.dock.hide()
        tab_with.raise_()  # the tab in front stays the one it was
        show_dock = self.dock.toggleViewAction()
        show_dock.setObjectName("show_train_dock")
        show_dock.setText("Train &Panel")
        show_dock.setShortcut("Ctrl+5")
        show_dock.triggered.connect(lambda shown: self.dock.raise_() if shown else None)

        train_menu = menu("&Train")
        train_menu.addActions([self.train, self.step, self.reset])
        train_menu.addSeparator()
        train_menu.addAction(self.trainable)
        train_menu.addSeparator()
        train_menu.addAction(show_dock)
        menu("&View").addAction(show_dock)
        self._add_to_file_menu(menu("&File"))
        context_menus.card_extensions.append(self._context_items)

        session.runningChanged.connect(self._running_changed)
        session.message.connect(show_message)
        presenter.evaluated.connect(self.dock.evaluated)
        self._subscriptions = subscriptions_of(self.dock)
        self._subscriptions.subscribe(document.reset, self._document_opened)
        self._document_opened()
        self.dock.evaluated(presenter.evaluation)

    def _action(self, name: str, text: str, slot: Callable[[], object], shortcut: str | None, tip: str) -> QAction:
        action = make_action(self.host, name, text, slot, shortcut, tip)
        self.host.addAction(action)
        return action

    def _add_to_file_menu(self, file_menu: QMenu) -> None:
        """After Examples, before Save: where a file is brought in."""
        before = next((a for a in file_menu.actions() if a.objectName() == "save"), None)
        datasets = QMenu("&Toy Dataset", file_menu)
        datasets.setObjectName("dataset_menu")
        datasets.addActions(list(self.datasets.values()))
        file_menu.insertAction(before, self.load_data)
        file_menu.insertMenu(before, datasets)
        file_menu.insertSeparator(before)

    def detach(self) -> None:
        self.session.detach()
        self.dock.detach()
        self._subscriptions.release()

    # ------------------------------------------------------------- reactions
    def _running_changed(self, running: bool) -> None:
        self.train.setText("&Pause" if running else "&Train")
        self.train.setIcon(self._pause_icon if running else self._play_icon)
        if running and not self.dock.isVisible():
            self.dock.show()
            self.dock.raise_()

    def _document_opened(self) -> None:
        """A graph may suggest its settings (graph.training); one with parameters opens the panel."""
        suggested = self.document.graph_attr("training")
        if isinstance(suggested, dict):
            if suggested.get("optimizer") in OPTIMIZERS:
                self.session.set_optimizer(suggested["optimizer"])
            lr = suggested.get("lr")
            if isinstance(lr, (int, float)) and not isinstance(lr, bool) and 0 < lr <= 10:
                self.session.set_lr(float(lr))
            self.dock.show_settings()
        if any(self.document.is_trainable(node_id) for node_id in self.document.node_ids()):
            self.dock.show()
            self.dock.raise_()
            QTimer.singleShot(0, self.dock.raise_)  # at start-up, once the window has arranged its tabs

    # ------------------------------------------------------------- trainable
    def _context_items(self, menu: QMenu, node_id: str) -> None:
        if self.document.op_of(node_id).name != "input":
            return
        action = menu.addAction("Trainable")
        action.setObjectName("context_trainable")
        action.setCheckable(True)
        action.setChecked(self.document.is_trainable(node_id))
        action.setStatusTip("A trainable input is a parameter: training changes it")
        action.toggled.connect(lambda on: self.set_trainable(node_id, on))

    def set_trainable(self, node_id: str, trainable: bool) -> None:
        if self.document.is_trainable(node_id) != trainable:
            self.editor.push(SetTrainableCommand(self.document, node_id, trainable))

    def _selected_input(self, verb: str) -> str | None:
        selected = self.scene.selected_node_ids()
        inputs = [n for n in selected if self.document.op_of(n).name == "input"]
        if len(selected) != 1 or len(inputs) != 1:
            self.show_message(f"Select one input node to {verb}.")
            return None
        return inputs[0]

    def _toggle_selected(self) -> None:
        node_id = self._selected_input("make trainable or fixed")
        if node_id is not None:
            self.set_trainable(node_id, not self.document.is_trainable(node_id))

    # ------------------------------------------------------------------ data
    def load_csv(self) -> None:
        node_id = self._selected_input("load data into")
        if node_id is None:
            return
        path = choose_csv_path(self.host)
        if path is None:
            return
        try:
            data = read_csv(path)
        except StudioError as error:
            self.show_message(str(error))
            return
        remember_directory(path, DATA_DIRECTORY_KEY)
        name = self.document.name_of(node_id)
        rows, columns = data.shape
        self.editor.push(SetValuesCommand(self.document, {node_id: data},
                                          f"Load {path.name} into {name} ({rows}×{columns})"))

    def fill_dataset(self, name: str) -> None:
        """Fill the inputs named X and y with a toy dataset, adding them if missing: one undo step."""
        document = self.document
        x, y = toy_dataset(name, TOY_POINTS, TOY_SEED)
        text = f"Load {DATASETS[name][0].lower()} ({TOY_POINTS} points, seed {TOY_SEED}) into X, y"
        found = {label: next((n for n in document.node_ids() if document.name_of(n) == label), None)
                 for label in ("X", "y")}
        for label, node_id in found.items():
            if node_id is not None and document.op_of(node_id).name != "input":
                self.show_message(f"{label} is a {document.op_of(node_id).name} node; the data goes into inputs "
                                  f"named X and y.")
                return
        command = CompoundCommand(text)
        existing = {node_id: value for node_id, value in ((found["X"], x), (found["y"], y)) if node_id is not None}
        if existing:
            command.parts.append(SetValuesCommand(document, existing, text))
        xs = [document.position(n)[0] for n in document.node_ids()]
        ys = [document.position(n)[1] for n in document.node_ids()]
        left, top = (min(xs) - 240.0, min(ys)) if xs else (0.0, 0.0)
        for row, (label, value) in enumerate((("X", x), ("y", y))):
            if found[label] is None:
                add_node_command(document, "input", left, top + 110.0 * row, name=label, value=value, parent=command)
        self.editor.push(command)
        self.show_message(f"{DATASETS[name][0]}: X is {x.shape[0]}×{x.shape[1]}, y is {y.shape[0]}×1.")
