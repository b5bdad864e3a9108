"""The quick op list (Tab or double-click on the canvas): type to search, Enter adds
the node where the cursor was."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from engine.ops import OPS, OpRegistry
from gui.palette import OP_ROLE, op_matches


class QuickAddPopup(QFrame):
    opChosen = Signal(str)

    def __init__(self, registry: OpRegistry = OPS, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.registry = registry
        self.search = QLineEdit()
        self.search.setPlaceholderText("Add an operation…")
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        for op in registry:
            item = QListWidgetItem(f"{op.symbol}   {op.name} — {op.summary}")
            item.setData(OP_ROLE, op.name)
            item.setToolTip(op.tooltip())
            self.list.addItem(item)
        self.search.textChanged.connect(self._filter)
        self.search.installEventFilter(self)
        self.list.itemActivated.connect(self._choose)
        self.list.itemClicked.connect(self._choose)
        self.resize(320, 360)

    def open_at(self, global_position: QPoint) -> None:
        self.search.clear()
        self._filter("")
        self.move(global_position)
        self.show()
        self.search.setFocus()

    def _filter(self, text: str) -> None:
        first = None
        for row in range(self.list.count()):
            item = self.list.item(row)
            hidden = not op_matches(self.registry[item.data(OP_ROLE)], text)
            item.setHidden(hidden)
            if not hidden and first is None:
                first = item
        self.list.setCurrentItem(first)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self._step(1 if event.key() == Qt.Key.Key_Down else -1)
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                item = self.list.currentItem()
                if item is not None and not item.isHidden():
                    self._choose(item)
                return True
        return super().eventFilter(watched, event)

    def _step(self, direction: int) -> None:
        rows = [r for r in range(self.list.count()) if not self.list.item(r).isHidden()]
        if not rows:
            return
        current = self.list.currentRow()
        position = rows.index(current) if current in rows else -direction
        self.list.setCurrentRow(rows[max(0, min(len(rows) - 1, position + direction))])

    def _choose(self, item: QListWidgetItem) -> None:
        self.hide()
        self.opChosen.emit(item.data(OP_ROLE))
