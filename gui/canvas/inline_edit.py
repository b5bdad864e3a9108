"""Editing a card's name or value in place: a line edit over the card. Enter commits
(one undo step), Escape cancels, Tab goes from the name to the value (Shift+Tab
back); a refused entry shows the engine's one sentence and keeps the editor open.

The editor is a child of the view's viewport, not an item in the scene, so its text
stays readable at any zoom; it follows the card when the view scrolls or zooms."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit

from engine.values import value_to_json
from gui import theme
from gui.canvas.node_item import HEADER, ROW
from gui.observing import subscriptions_of

if TYPE_CHECKING:
    from gui.canvas.node_item import NodeItem
    from gui.canvas.view import GraphView
    from gui.editing.editor import GraphEditor

MIN_WIDTH = 160
MIN_HEIGHT = 26
_IGNORED_FOCUS = (Qt.FocusReason.ActiveWindowFocusReason, Qt.FocusReason.PopupFocusReason)
"""Focus lost to another window or a menu: the edit is not over."""


def field_at(item: NodeItem, local: QPointF) -> str:
    """Which field a double-click at `local` (card coordinates) edits: the header is
    the name; the body is the value of an input or constant (a computed node's body
    edits its name, as it has no value to type)."""
    if item.op.is_leaf and local.y() >= item.card.top() + HEADER:
        return "value"
    return "name"


def field_rect(item: NodeItem, field: str) -> QRectF:
    """Where the field sits on the card, in card coordinates."""
    card = item.card
    if field == "name":
        return QRectF(card.left() + 4, card.top() + 2, card.width() - 8, HEADER - 4)
    return QRectF(card.left() + 8, card.top() + HEADER + 3, card.width() - 16, ROW)


def value_text(value) -> str:
    """A value as a person types it: 2.2, or [[1.0, 2.0], [3.0, 4.0]]."""
    if value is None:
        return ""
    if np.ndim(value) == 0:
        text = repr(float(value))  # the shortest text that reads back as the same number
        return text[:-2] if text.endswith(".0") else text  # 1, as the card shows it, not 1.0
    return json.dumps(value_to_json(value))


class InlineEditor(QObject):
    def __init__(self, view: GraphView, editor: GraphEditor) -> None:
        super().__init__(view)
        self.view = view
        self.editor = editor
        self.node_id: str | None = None
        self.field = ""
        self._original = ""
        self.line = QLineEdit(view.viewport())
        self.line.setObjectName("inline_editor")
        self.line.setFont(theme.font(10.5))
        self.line.setStyleSheet(f"QLineEdit {{ border: 2px solid {theme.SELECTION.name()}; border-radius: 4px;"
                                " padding: 1px 4px; background: white; }")
        self.line.hide()
        self.line.installEventFilter(self)
        self.error = QLabel(view.viewport())
        self.error.setObjectName("inline_editor_error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"QLabel {{ color: {theme.FAILED.name()}; background: white;"
                                 f" border: 1px solid {theme.FAILED.name()}; border-radius: 4px; padding: 3px; }}")
        self.error.hide()
        document = editor.document
        # The document may outlive the window: stop observing it when the view goes.
        self._subscriptions = subscriptions_of(view)
        for event, handler in [(document.node_removed, self._on_node_removed),
                               (document.node_renamed, self._on_node_renamed),
                               (document.node_moved, self._on_node_moved), (document.reset, self.cancel)]:
            self._subscriptions.subscribe(event, handler)
        view.horizontalScrollBar().valueChanged.connect(self.place)
        view.verticalScrollBar().valueChanged.connect(self.place)
        view.zoomChanged.connect(self.place)

    def detach(self) -> None:
        """Stop observing the document (the window is closing)."""
        self._subscriptions.release()

    @property
    def is_open(self) -> bool:
        return self.node_id is not None

    # ---------------------------------------------------------------- opening
    def open(self, node_id: str, field: str = "name") -> None:
        """Open the editor on a card's name or value (a computed node has only a name)."""
        document = self.editor.document
        scene = self.view.graph_scene()
        if node_id not in document or scene is None or node_id not in scene.node_items:
            return
        if field == "value" and not document.op_of(node_id).is_leaf:
            field = "name"
        self.node_id, self.field = node_id, field
        text = document.name_of(node_id) if field == "name" else value_text(document.value_of(node_id))
        self._original = text
        self.line.setPlaceholderText("name" if field == "name" else "2.5 or [[1, 2], [3, 4]]")
        self.line.setText(text)
        self.error.hide()
        self.place()
        self.line.show()
        self.line.raise_()
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)
        self.line.selectAll()

    def place(self) -> None:
        """Over the field on the card, at least a readable size, inside the viewport."""
        if self.node_id is None:
            return
        scene = self.view.graph_scene()
        item = scene.node_items.get(self.node_id) if scene is not None else None
        if item is None:
            return  # the window is closing (the view has no scene any more)
        polygon = self.view.mapFromScene(item.mapRectToScene(field_rect(item, self.field)))
        rect = polygon.boundingRect()
        width, height = max(rect.width(), MIN_WIDTH), max(rect.height(), MIN_HEIGHT)
        area = self.view.viewport().rect()
        x = min(max(rect.center().x() - width // 2, 0), max(0, area.width() - width))
        y = min(max(rect.center().y() - height // 2, 0), max(0, area.height() - height))
        self.line.setGeometry(QRect(x, y, width, height))
        self.error.setFixedWidth(max(width, 240))
        self.error.adjustSize()
        error_y = y + height + 2
        if error_y + self.error.height() > area.height():
            error_y = max(0, y - self.error.height() - 2)
        self.error.move(min(x, max(0, area.width() - self.error.width())), error_y)

    # --------------------------------------------------------------- closing
    def commit(self) -> bool:
        """Apply what was typed; False (and the reason shown) if it was refused."""
        node_id, text = self.node_id, self.line.text()
        if node_id is None:
            return True
        if text.strip() == self._original.strip():
            return True  # unchanged: no history entry
        if self.field == "name":
            new_id = self.editor.rename(node_id, text)
            if new_id is None:
                self._show_error(self.editor.last_message)
                return False
            self.node_id = new_id
            self._original = self.editor.document.name_of(new_id)
            return True
        if not self.editor.set_value_text(node_id, text):
            self._show_error(self.editor.last_message)
            return False
        self._original = text
        return True

    def cancel(self) -> None:
        self._close()

    def _close(self) -> None:
        self.node_id = None
        self.error.hide()
        if self.line.isVisible():
            self.line.hide()
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.error.raise_()
        self.place()
        self.line.setFocus(Qt.FocusReason.OtherFocusReason)
        self.line.selectAll()

    # ----------------------------------------------------------------- events
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is not self.line:
            return False
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self._key(event)
        if event.type() == QEvent.Type.FocusOut and isinstance(event, QFocusEvent) and self.is_open \
                and event.reason() not in _IGNORED_FOCUS:
            # Clicking elsewhere keeps a good entry (the status bar says why a bad one was dropped).
            self.commit()
            self._close()
        return False

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.commit():
                self._close()
            return True
        if key == Qt.Key.Key_Escape:
            self.cancel()
            return True
        if key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            backwards = key == Qt.Key.Key_Backtab or bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            if self.commit():
                node_id = self.node_id
                other = "name" if backwards else "value"
                if node_id is not None and other != self.field and self.editor.document.op_of(node_id).is_leaf:
                    self.open(node_id, other)
                else:
                    self._close()
            return True
        return False

    def _on_node_moved(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.place()

    def _on_node_removed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self._close()

    def _on_node_renamed(self, old_id: str, new_id: str) -> None:
        if old_id == self.node_id:
            self.node_id = new_id
