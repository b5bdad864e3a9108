"""Right-click menus: on a card, what can be done to it; on the canvas, adding a node."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QMenu

from gui.canvas.wire_drag import new_node_centre
from gui.panels.quick_add import Choice

if TYPE_CHECKING:
    from gui.main_window import MainWindow


class ContextMenus:
    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.scene.contextMenuRequested.connect(self.open)
        window.scene.nodeActivated.connect(self.activate)
        window.scene.wireDropped.connect(self.wire_dropped)

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
        name = window.document.name_of(node_id)
        if window.document.op_of(node_id).is_leaf:
            menu.addAction(f"Edit Value of {name}…").triggered.connect(lambda: self.activate(node_id, "value"))
        menu.addAction(f"Rename {name}…").triggered.connect(lambda: self.activate(node_id, "name"))
        menu.addAction(actions.set_output)
        menu.addSeparator()
        menu.addActions([actions.cut, actions.copy, actions.duplicate, actions.delete])
        return menu

    def open(self, node_id: str | None, scene_position: QPointF, global_position: QPoint) -> None:
        self.build(node_id, scene_position).popup(global_position)

    def activate(self, node_id: str, field: str = "value") -> None:
        """Double-click on a card: edit its name or value in place, on the card."""
        self.window.scene.select_nodes([node_id])
        self.window.inline_edit.open(node_id, field)

    def wire_dropped(self, anchor: tuple[str, int], scene_position: QPointF, global_position: QPoint) -> None:
        """A wire let go on empty canvas: offer the ops that can take it, and add the
        chosen one there, wired (node and wire are one undo step)."""
        window = self.window
        document = window.document
        anchor_id, port = anchor
        name = document.name_of(anchor_id)
        if port < 0:
            ops = [op.name for op in document.registry if op.arity > 0]
            heading = f"Feed {name} into…"
        else:
            # Every op and input has an output; the new node has no wires, so no cycle.
            ops = [op.name for op in document.registry]
            heading = f"Input {document.op_of(anchor_id).port_names[port]} of {name} comes from…"

        def choose(choice: Choice) -> str | None:
            arity = document.registry[choice.op].arity
            centre = new_node_centre(arity, scene_position, takes_wire=port < 0)
            return window.add_choice(choice, centre, anchor)

        window.quick_add.open_at(global_position, ops, heading, on_choose=choose, leftward=port >= 0)
