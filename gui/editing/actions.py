"""Edit and View menu actions with their standard shortcuts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from gui.qt_actions import make_action

if TYPE_CHECKING:
    from gui.canvas.presenter import CanvasPresenter
    from gui.canvas.scene import GraphScene
    from gui.canvas.view import GraphView
    from gui.editing.editor import GraphEditor


def _action(parent: QWidget, name: str, text: str, shortcuts: list, slot, tip: str = "") -> QAction:
    action = make_action(parent, name, text, slot, shortcuts, tip)
    parent.addAction(action)
    return action


class EditActions:
    """Undo/redo, clipboard, delete, select, arrange, zoom; added to the Edit and View
    menus that `menu(title)` gives, as actions of `window` (their shortcuts work anywhere in it)."""

    def __init__(self, window: QWidget, editor: GraphEditor, scene: GraphScene, view: GraphView,
                 presenter: CanvasPresenter, menu: Callable[[str], QMenu],
                 show_message: Callable[[str], object]) -> None:
        self.editor, self.scene, self.view = editor, scene, view
        self.show_message = show_message
        self.notes = None
        """The notes' clipboard and delete (gui.lens.note_editing), when the window has notes."""
        stack = editor.undo_stack
        undo = stack.createUndoAction(window, "&Undo")
        undo.setObjectName("undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = stack.createRedoAction(window, "&Redo")
        redo.setObjectName("redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        window.addAction(undo)
        window.addAction(redo)
        self.undo, self.redo = undo, redo
        self.cut = _action(window, "cut", "Cu&t", [QKeySequence.StandardKey.Cut], self._cut)
        self.copy = _action(window, "copy", "&Copy", [QKeySequence.StandardKey.Copy], self._copy,
                            "Copy the selected nodes (as graph JSON)")
        self.paste = _action(window, "paste", "&Paste", [QKeySequence.StandardKey.Paste], self._paste)
        self.duplicate = _action(window, "duplicate", "D&uplicate", ["Ctrl+D"],
                                 lambda: scene.select_nodes(editor.duplicate(scene.selected_node_ids())))
        self.delete = _action(window, "delete", "&Delete", ["Delete", "Backspace"], self._delete,
                              "Delete the selected nodes and wires")
        self.select_all = _action(window, "select_all", "Select &All", [QKeySequence.StandardKey.SelectAll],
                                  scene.select_all)
        self.add_node = _action(window, "add_node", "Add &Node…", [], view.request_quick_add,
                                "Search the operations and add one (also Tab, or double-click the canvas)")
        self.arrange = _action(window, "arrange", "&Arrange", ["Ctrl+L"], self._arrange,
                               "Lay the graph out left to right by layers")
        self.set_output = _action(window, "set_output", "Use as &Output", ["Ctrl+Shift+O"], self._set_output,
                                  "Start backward from the selected node")
        self.fit = _action(window, "fit", "&Fit Graph", ["Ctrl+0", "F"], view.fit_graph)
        self.zoom_in = _action(window, "zoom_in", "Zoom &In", [QKeySequence.StandardKey.ZoomIn, "Ctrl+="],
                               lambda: view.zoom_by(1.25))
        self.zoom_out = _action(window, "zoom_out", "Zoom &Out", [QKeySequence.StandardKey.ZoomOut],
                                lambda: view.zoom_by(0.8))
        self.show_grads = _action(window, "show_gradients", "Show &Gradients", ["G"],
                                  presenter.set_show_grads,
                                  "Hide gradients for a 'before' picture")
        self.show_grads.setCheckable(True)
        self.show_grads.setChecked(True)

        edit = menu("&Edit")
        edit.addActions([undo, redo])
        edit.addSeparator()
        edit.addActions([self.cut, self.copy, self.paste, self.duplicate, self.delete])
        edit.addSeparator()
        edit.addActions([self.select_all, self.add_node, self.set_output])
        view_menu = menu("&View")
        view_menu.addActions([self.fit, self.zoom_in, self.zoom_out])
        view_menu.addSeparator()
        view_menu.addActions([self.arrange, self.show_grads])

    def _only_notes(self) -> bool:
        """Notes selected and no cards: copy, cut and delete act on the notes."""
        return self.notes is not None and bool(self.notes.layer.selected()) and not self.scene.selected_node_ids()

    def _copy(self) -> None:
        if self._only_notes():
            self.notes.copy_selected()
            return
        self.editor.copy(self.scene.selected_node_ids())

    def _delete(self) -> None:
        if self.notes is not None:
            self.notes.delete_selected()
        self.editor.delete(self.scene.selected_node_ids(), self.scene.selected_edges())

    def _cut(self) -> None:
        if self._only_notes():
            if self.notes.copy_selected():
                self.notes.delete_selected()
            return
        chosen = self.scene.selected_node_ids()
        if self.editor.copy(chosen):
            self.editor.delete(chosen, self.scene.selected_edges())

    def _paste(self) -> None:
        if self.notes is not None and self.notes.paste():
            return
        position = self.view.cursor_scene_position()
        pasted = self.editor.paste((position.x(), position.y()))
        self.scene.select_nodes(pasted)

    def _arrange(self) -> None:
        self.editor.arrange()
        self.view.fit_graph()  # the tidy graph may be larger than the old view

    def _set_output(self) -> None:
        chosen = self.scene.selected_node_ids()
        if len(chosen) != 1:
            self.show_message("Select one node to use as the output.")
            return
        self.editor.set_output(chosen[0])
