"""Operation ▸ New Operation… (Ctrl+Alt+N), and Edit… / Delete on a custom op's context
menu in the palette and on its cards. Each definition, edit and deletion is one undo
step; deleting an op that nodes use asks first and takes those nodes with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QWidget

from engine.custom.definitions import is_custom
from engine.errors import StudioError
from gui.custom_ops.commands import SetCustomOpsCommand, delete_op_command, users_of
from gui.custom_ops.dialog import OperationDialog
from gui.editing.editor import sentence
from gui.observing import subscriptions_of
from gui.panels.palette import OP_ROLE
from gui.qt_actions import make_action

if TYPE_CHECKING:
    from engine.document import GraphDocument
    from gui.canvas.scene import GraphScene
    from gui.editing.context_menu import ContextMenus
    from gui.editing.editor import GraphEditor
    from gui.panels.palette import OpPalette
    from gui.panels.quick_add import QuickAddPopup


def _exec(dialog: OperationDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


class CustomOpActions(QObject):
    def __init__(self, window: QWidget, document: GraphDocument, editor: GraphEditor, scene: GraphScene,
                 palette: OpPalette, quick_add: QuickAddPopup, context_menus: ContextMenus,
                 menu: Callable[[str], QMenu], show_message: Callable[[str], object]) -> None:
        super().__init__(window)
        self.window = window
        self.document, self.editor, self.scene = document, editor, scene
        self.palette, self.quick_add = palette, quick_add
        self.show_message = show_message
        self.new_operation = make_action(window, "new_operation", "&New Operation…", self.ask_new, ["Ctrl+Alt+N"],
                                         "Define an operation by its formula; its derivative is derived for you")
        self.menu = menu("&Operation")
        self.menu.addAction(self.new_operation)
        self.confirm: Callable[[str], bool] = self._ask
        """Asks before deleting nodes with their op (tests answer for the person)."""
        self.open_dialog: Callable[[OperationDialog], bool] = _exec
        """Shows the dialog and says whether OK was pressed (tests fill it in and press OK)."""
        tree = palette.tree
        tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        tree.customContextMenuRequested.connect(self._palette_menu)
        context_menus.card_extensions.append(self._card_menu)
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(document.ops_changed, self._ops_changed)

    def detach(self) -> None:
        """Let go of the document (the window closes; it may outlive the window)."""
        self._subscriptions.release()

    # ------------------------------------------------------------------ actions
    def ask_new(self) -> None:
        self._run(OperationDialog(self.document, None, self.window), "Define")

    def edit(self, name: str) -> None:
        document = self.document
        definition = next((d for d in document.custom_ops() if d.name == name), None)
        if definition is not None:
            self._run(OperationDialog(document, definition, self.window), "Edit")

    def _run(self, dialog: OperationDialog, verb: str) -> None:
        try:
            if not self.open_dialog(dialog) or dialog.definitions is None:
                return
            name = dialog.definition().name
            command = SetCustomOpsCommand(self.document, dialog.definitions, f"{verb} operation {name}",
                                          checked=dialog.registry)
            if self.editor.push(command):
                self.show_message(f"{verb.rstrip('e')}ed the operation {name}; "
                                         "it is in the palette under Custom.")
        finally:
            dialog.deleteLater()

    def delete(self, name: str) -> None:
        document = self.document
        users = users_of(document, name)
        if users and not self.confirm(f"{len(users)} node{'s use' if len(users) != 1 else ' uses'} {name}: "
                                      f"{', '.join(document.name_of(n) for n in users[:6])}"
                                      f"{', …' if len(users) > 6 else ''}. Delete {name} and "
                                      f"{'them' if len(users) != 1 else 'it'}?"):
            return
        try:
            command = delete_op_command(document, name)
        except StudioError as error:
            self.show_message(f"{name} cannot be deleted: {sentence(error)}")
            return
        self.editor.push(command)

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self.window, "Delete Operation", text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                                      QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------- menus
    def menu_for(self, name: str, parent: QMenu | None = None) -> QMenu:
        menu = QMenu(parent or self.window)
        menu.addAction(f"Edit {name}…", lambda: self.edit(name)).setObjectName("edit_operation")
        menu.addAction(f"Delete {name}", lambda: self.delete(name)).setObjectName("delete_operation")
        return menu

    def _palette_menu(self, position: QPoint) -> None:
        tree = self.palette.tree
        item = tree.itemAt(position)
        name = item.data(0, OP_ROLE) if item is not None else None
        op = self.document.registry.get(name) if name else None
        menu = self.menu_for(name) if op is not None and is_custom(op) else QMenu(self.window)
        if op is None or not is_custom(op):
            menu.addAction(self.new_operation)
        menu.exec(tree.viewport().mapToGlobal(position))

    def _card_menu(self, menu: QMenu, node_id: str) -> None:
        op = self.document.op_of(node_id)
        if is_custom(op):
            name = op.name
            menu.addAction(f"Edit Operation {name}…", lambda: self.edit(name)).setObjectName("edit_operation")

    def _ops_changed(self) -> None:
        self.palette.set_registry(self.document.registry)
        self.quick_add.set_registry(self.document.registry)
        self.scene.rebuild()  # cards hold their op (its ports and texts)
