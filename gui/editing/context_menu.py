"""Right-click menus: on a card, what can be done to it; on the canvas, adding a node."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF
from PySide6.QtWidgets import QMenu, QWidget

from engine.document import GraphDocument
from gui.canvas.wire_drag import new_node_centre
from gui.panels.quick_add import Choice, QuickAddPopup

if TYPE_CHECKING:
    from gui.canvas.inline_edit import InlineEditor
    from gui.canvas.scene import GraphScene
    from gui.canvas.view import GraphView
    from gui.editing.actions import EditActions

AddChoice = Callable[[Choice, QPointF, "tuple[str, int] | None"], "str | None"]
"""Adds what a list chose at a scene point, wired to an anchor port; None, or why it was refused."""


class ContextMenus:
    def __init__(self, parent: QWidget, document: GraphDocument, scene: GraphScene, view: GraphView,
                 actions: EditActions, inline_edit: InlineEditor, quick_add: QuickAddPopup,
                 add_choice: AddChoice, open_quick_add: Callable[[QPointF, QPoint], None]) -> None:
        self.parent = parent
        self.document = document
        self.scene = scene
        self.view = view
        self.actions = actions
        self.inline_edit = inline_edit
        self.quick_add = quick_add
        self.add_choice = add_choice
        self.open_quick_add = open_quick_add
        self.card_extensions: list[Callable[[QMenu, str], object]] = []
        """Features add their own items to a card's menu: each is called with the menu and the node."""
        scene.contextMenuRequested.connect(self.open)
        scene.nodeActivated.connect(self.activate)
        scene.wireDropped.connect(self.wire_dropped)

    def build(self, node_id: str | None, scene_position: QPointF) -> QMenu:
        actions, view = self.actions, self.view
        menu = QMenu(self.parent)
        if node_id is None:
            add = menu.addAction("Add Node Here…")
            add.triggered.connect(lambda: self.open_quick_add(scene_position, view.mapToGlobal(
                view.mapFromScene(scene_position))))
            menu.addAction(actions.paste)
            menu.addSeparator()
            menu.addActions([actions.select_all, actions.arrange, actions.fit])
            return menu
        name = self.document.name_of(node_id)
        if self.document.op_of(node_id).is_leaf:
            menu.addAction(f"Edit Value of {name}…").triggered.connect(lambda: self.activate(node_id, "value"))
        menu.addAction(f"Rename {name}…").triggered.connect(lambda: self.activate(node_id, "name"))
        menu.addAction(actions.set_output)
        for extend in self.card_extensions:  # features' own items (gui/custom_ops, gui/training)
            extend(menu, node_id)
        menu.addSeparator()
        menu.addActions([actions.cut, actions.copy, actions.duplicate, actions.delete])
        return menu

    def open(self, node_id: str | None, scene_position: QPointF, global_position: QPoint) -> None:
        self.build(node_id, scene_position).popup(global_position)

    def activate(self, node_id: str, field: str = "value") -> None:
        """Double-click on a card: edit its name or value in place, on the card."""
        self.scene.select_nodes([node_id])
        self.inline_edit.open(node_id, field)

    def wire_dropped(self, anchor: tuple[str, int], scene_position: QPointF, global_position: QPoint) -> None:
        """A wire let go on empty canvas: offer the ops that can take it, and add the
        chosen one there, wired (node and wire are one undo step)."""
        document = self.document
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
            return self.add_choice(choice, centre, anchor)

        self.quick_add.open_at(global_position, ops, heading, on_choose=choose, leftward=port >= 0)
