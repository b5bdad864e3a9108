"""Right-click menus: on a card, what can be done to it; on the canvas, adding a node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QMenu

if TYPE_CHECKING:
    from gui.main_window import MainWindow


class ContextMenus:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.scene.contextMenuRequested.connect(self.open)
        window.scene.nodeActivated.connect(self.activate)

    def build(self, node_id: str | None, scene_position: QPointF) -> QMenu:
        window, actions = self.window, self.window.edit_actions
        menu = QMenu(window)
        if node_id is None:
            add = menu.addAction("Add Node Here…")
            add.triggered.connect(lambda: window.open_quick_add(scene_position, window.view.mapToGlobal(
                window.view.mapFromScene(scene_position))))
            menu.addAction(actions.paste)
            menu.addSeparator()
            menu.addActions([actions.select_all, actions.arrange, actions.fit])
            return menu
        if window.document.op_of(node_id).is_leaf:
            menu.addAction("Edit Value…").triggered.connect(lambda: self.activate(node_id))
        menu.addAction("Rename…").triggered.connect(lambda: window.inspector.focus_label())
        menu.addAction(actions.set_output)
        menu.addSeparator()
        menu.addActions([actions.cut, actions.copy, actions.duplicate, actions.delete])
        return menu

    def open(self, node_id: str | None, scene_position: QPointF, global_position: QPoint) -> None:
        self.build(node_id, scene_position).popup(global_position)

    def activate(self, node_id: str) -> None:
        """Double-click on a card: type its value (inputs, constants) or its label."""
        window = self.window
        window.scene.select_nodes([node_id])
        window.inspector_dock.show()
        window.inspector_dock.raise_()
        if window.document.op_of(node_id).is_leaf:
            window.inspector.focus_value()
        else:
            window.inspector.focus_label()
