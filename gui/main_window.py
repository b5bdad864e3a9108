"""The main window: assembles the canvas, the docks and the feature controllers.
It holds no graph state of its own; everything observes the one document."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QMenu, QUndoView, QWidget

from engine.document import GraphDocument
from engine.values import format_value
from gui.animation.actions import AnimationActions
from gui.canvas.empty_hint import EmptyCanvasHint
from gui.canvas.inline_edit import InlineEditor
from gui.canvas.presenter import CanvasPresenter
from gui.canvas.scene import GraphScene
from gui.canvas.view import GraphView
from gui.custom_ops.actions import CustomOpActions
from gui.editing.actions import EditActions
from gui.editing.context_menu import ContextMenus
from gui.editing.editor import GraphEditor
from gui.export.actions import ExportActions
from gui.expression.actions import ExpressionActions
from gui.files.dialogs import FileQuestions
from gui.files.menu import FileMenu
from gui.files.session import FileSession
from gui.lens.actions import LensActions
from gui.lens.note_editing import NoteActions
from gui.observing import subscriptions_of
from gui.panels.inspector import Inspector
from gui.panels.palette import OpPalette
from gui.panels.quick_add import Choice, QuickAddPopup
from gui.training.actions import TrainingActions
from gui.window.docks import (
    NarrowWindowDocks,
    add_dock_toggles,
    arrange_right_docks,
    limit_dock_widths,
    protect_canvas,
    start_widths,
)
from gui.window.state import save_window_state

MESSAGE_MS = 6000
HINT = "Tab adds an operation; drag from an output port to an input port to wire; double-click a card to edit."
"""Short enough for the status bar of an 800-pixel-wide window."""


class MainWindow(QMainWindow):
    def __init__(self, document: GraphDocument | None = None) -> None:
        super().__init__()
        self.setObjectName("MainWindow")
        self.document = document if document is not None else GraphDocument()
        self.editor = GraphEditor(self.document, self)
        self.scene = GraphScene(self.document, self)
        self.view = GraphView(self.scene, self)
        self.presenter = CanvasPresenter(self.document, self.scene, self)
        self.setCentralWidget(self.view)
        self._menus: dict[str, QMenu] = {}

        # The palette and quick add show the document's own ops, and follow it to the next.
        self.palette = OpPalette(self.document.registry, parent=self)
        self.inspector = Inspector(self.editor, self.scene, self.presenter, self)
        self.history = QUndoView(self.editor.undo_stack, self)
        self.history.setEmptyLabel("(opened)")
        self.palette_dock = self._dock("palette", "Operations", self.palette, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.inspector_dock = self._dock("inspector", "Inspector", self.inspector,
                                         Qt.DockWidgetArea.RightDockWidgetArea)
        self.history_dock = self._dock("history", "History", self.history, Qt.DockWidgetArea.RightDockWidgetArea)

        self.quick_add = QuickAddPopup(self.document.registry, parent=self)
        self.inline_edit = InlineEditor(self.view, self.editor)
        self.output_status = QLabel()
        self.statusBar().addPermanentWidget(self.output_status)
        self.zoom_status = QLabel()
        self.statusBar().addPermanentWidget(self.zoom_status)

        # Each controller is handed what it uses; one made from another comes after it.
        file_menu = self.menu("&File")  # first: the File menu is the leftmost
        self.files = files = FileSession(self.document, self.editor.undo_stack, FileQuestions(self), parent=self)
        self.exports = ExportActions(self, self.document, self.scene, self.presenter, self.show_message,
                                     files.suggested_stem, lambda: files.path)
        self.file_menu = FileMenu(files, self.document, self, file_menu, self.view.fileDropped, self.exports.actions)
        self.edit_actions = EditActions(self, self.editor, self.scene, self.view, self.presenter, self.menu,
                                        self.show_message)
        self.notes = NoteActions(self, self.editor, self.scene, self.view, self.menu, self.show_message)
        self.edit_actions.notes = self.notes
        self.context_menus = ContextMenus(self, self.document, self.scene, self.view, self.edit_actions,
                                          self.inline_edit, self.quick_add, self.add_choice, self.open_quick_add)
        self.animation = AnimationActions(self, self.presenter, self.view, self.history_dock, self.menu)
        self.lens = LensActions(self, self.presenter, self.animation, self.editor, self.menu)
        self.expressions = ExpressionActions(self, self.document, self.editor, self.scene, self.view, files, self.menu,
                                             self.edit_actions, self.file_menu, self.show_message)
        self.custom_ops = CustomOpActions(self, self.document, self.editor, self.scene, self.palette, self.quick_add,
                                          self.context_menus, self.menu, self.show_message)
        self.resize(1400, 900)  # before the docks get their widths, which a smaller window would squeeze
        self._arrange_docks()
        self.training = TrainingActions(self, self.document, self.editor, self.scene, self.presenter, self.menu,
                                        self.context_menus, self.inspector_dock, self.show_message)
        self._connect()
        self._update_output_status()
        self.statusBar().showMessage(HINT, MESSAGE_MS * 2)

    # -------------------------------------------------------------- building
    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}_dock")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _arrange_docks(self) -> None:
        """The canvas keeps priority: docks have width limits, the right ones share a
        column as tabs, the palette steps aside in a narrow window; View toggles each."""
        docks = [self.palette_dock, self.inspector_dock, self.history_dock, self.animation.trace_dock]
        limit_dock_widths(docks)
        arrange_right_docks(self, docks[1:], front=self.inspector_dock)
        protect_canvas(self.view)
        self.narrow_docks = NarrowWindowDocks(self, [self.palette_dock])
        start_widths(self, docks[:2])
        view_menu = self.menu("&View")
        view_menu.addSeparator()
        self.dock_toggles = add_dock_toggles(view_menu, docks)
        self.empty_hint = EmptyCanvasHint(self.view, self.document)
        self.layout().activate()  # the minimum size as arranged (Qt keeps an earlier one until shown)

    def menu(self, title: str) -> QMenu:
        """The menu of that title, created on first use (feature controllers share menus)."""
        if title not in self._menus:
            self._menus[title] = self.menuBar().addMenu(title)
        return self._menus[title]

    def _connect(self) -> None:
        editor, scene, view = self.editor, self.scene, self.view
        editor.message.connect(self.show_message)
        scene.message.connect(self.show_message)
        scene.hoverText.connect(lambda text: self.statusBar().showMessage(text, MESSAGE_MS))
        scene.connectRequested.connect(editor.apply_wire)
        scene.nodesMoved.connect(editor.move_nodes)
        view.opDropped.connect(self._add_op_at)
        view.quickAddRequested.connect(self.open_quick_add)
        view.zoomChanged.connect(lambda zoom: self.zoom_status.setText(f"{zoom * 100:.0f}%"))
        self.palette.opActivated.connect(lambda op: self._add_op_at(op, view.cursor_scene_position()))
        self.presenter.evaluated.connect(lambda _evaluation: self._update_output_status())
        files = self.files
        files.message.connect(self.show_message)
        files.replacing.connect(self.animation.controller.stop)  # tokens in flight live in the scene a reset clears
        files.opened.connect(view.fit_graph)
        files.closed.connect(lambda: save_window_state(self, self.narrow_docks))
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(self.document.reset, self._follow_registry)
        # Deleted without a close: the inspector still lets go of the scene before Qt deletes
        # the scene (which deselects on its way out). The window's destroyed comes first.
        self.destroyed.connect(partial(Inspector.detach, self.inspector))
        view.zoomChanged.emit(view.zoom())

    # --------------------------------------------------------------- helpers
    def _follow_registry(self) -> None:
        self.palette.set_registry(self.document.registry)
        self.quick_add.set_registry(self.document.registry)

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, MESSAGE_MS)

    def _add_op_at(self, op: str, position: QPointF) -> None:
        self.add_choice(Choice(op), position)

    def add_choice(self, choice: Choice, position: QPointF, anchor: tuple[str, int] | None = None) -> str | None:
        """Add what the palette or the quick list chose; None, or why it was refused."""
        node_id = self.editor.add_node(choice.op, position.x(), position.y(), name=choice.name,
                                       value_text=choice.value_text, anchor=anchor)
        if node_id is None:
            return self.editor.last_message
        self.scene.select_nodes([node_id])
        self.view.setFocus()
        if choice.name is None and self.document.op_of(node_id).is_leaf:
            # A new input starts with its name open (drop, x1, Tab, 2, Enter); a constant with its value.
            self.inline_edit.open(node_id, "name" if choice.op == "input" else "value")
        return None

    def open_quick_add(self, scene_position: QPointF, global_position: QPoint) -> None:
        self.quick_add.open_at(global_position, on_choose=lambda choice: self.add_choice(choice, scene_position))

    def _update_output_status(self) -> None:
        evaluation = self.presenter.evaluation
        if evaluation.output_problem:
            # The first node that failed says why ("m would hold a 20000×20000 array…"),
            # not the output that merely waits for it.
            self.output_status.setText(f"⚠ {evaluation.output_cause()}")
        else:
            value = format_value(evaluation.value(evaluation.output))  # type: ignore[arg-type]
            output = evaluation.output
            name = self.document.name_of(output) if output in self.document else output
            self.output_status.setText(f"output {name} = {value}")

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.close_requested():  # unsaved changes, and the person chose Cancel
            event.ignore()
            return
        self.detach()
        super().closeEvent(event)

    def detach(self) -> None:
        """Let go of the document, which may outlive this window: every observer in it
        releases its subscriptions (each also does when Qt deletes it)."""
        self._subscriptions.release()
        self.presenter.detach()
        self.training.detach()
        self.scene.detach()
        self.inspector.detach()
        self.inline_edit.detach()
        self.custom_ops.detach()
        self.empty_hint.detach()
        self.lens.detach()
        self.notes.detach()
