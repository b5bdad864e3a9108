"""The operation palette: every op, grouped, with its symbol and a tooltip of what it
computes and its local derivatives; a filter box on top. Drag an op onto the canvas,
or double-click it to add it in the middle of the view."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QBrush, QDrag, QFontMetrics, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from engine.ops import Op, OpRegistry
from gui import theme
from gui.canvas.view import OP_MIME_TYPE

OP_ROLE = Qt.ItemDataRole.UserRole + 1


def op_matches(op: Op, text: str) -> bool:
    text = text.strip().lower()
    return not text or any(text in field.lower() for field in (op.name, op.symbol, op.summary, op.group))


class _OpTree(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)
        self.setRootIsDecorated(False)
        self.setIndentation(8)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setUniformRowHeights(True)

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        mime = QMimeData()
        ops = [item.data(0, OP_ROLE) for item in items if item.data(0, OP_ROLE)]
        if ops:
            mime.setData(OP_MIME_TYPE, ops[0].encode())
            mime.setText(ops[0])
        return mime

    def startDrag(self, supported_actions: Qt.DropAction) -> None:
        item = self.currentItem()
        if item is None or not item.data(0, OP_ROLE):
            return
        drag = QDrag(self)
        drag.setMimeData(self.mimeData([item]))
        drag.setPixmap(self._drag_pixmap(item))
        drag.exec(Qt.DropAction.CopyAction)

    def _drag_pixmap(self, item: QTreeWidgetItem) -> QPixmap:
        text = f" {item.text(0)}  {item.text(1)} "
        metrics = QFontMetrics(theme.font(11, bold=True))
        pixmap = QPixmap(metrics.horizontalAdvance(text) + 8, metrics.height() + 8)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(theme.CARD_BORDER)
        painter.setBrush(item.background(0))  # the op's group colour, as in the list
        painter.drawRoundedRect(pixmap.rect().adjusted(0, 0, -1, -1), 6, 6)
        painter.setPen(theme.CARD_TEXT)
        painter.setFont(theme.font(11, bold=True))
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, text)
        painter.end()
        return pixmap


class OpPalette(QWidget):
    opActivated = Signal(str)

    def __init__(self, registry: OpRegistry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter operations…")
        self.filter.setClearButtonEnabled(True)
        self.tree = _OpTree()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self._groups: list[QTreeWidgetItem] = []
        self._fill()
        self.filter.textChanged.connect(self.apply_filter)
        self.filter.returnPressed.connect(self._activate_first)
        self.tree.itemActivated.connect(self._activate)

    def set_registry(self, registry: OpRegistry) -> None:
        """Show another registry's ops (the window opened another document)."""
        if registry is not self.registry:
            self.registry = registry
            self._fill()
            self.apply_filter(self.filter.text())

    def _fill(self) -> None:
        self.tree.clear()
        self._groups = []
        for group, ops in self.registry.groups().items():
            header = QTreeWidgetItem([group])
            header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            header.setFont(0, theme.font(9, bold=True))
            header.setForeground(0, QBrush(theme.CARD_MUTED))
            self.tree.addTopLevelItem(header)
            self._groups.append(header)
            for op in ops:
                item = QTreeWidgetItem([op.symbol, op.name])
                item.setData(0, OP_ROLE, op.name)
                item.setToolTip(0, op.tooltip())
                item.setToolTip(1, op.tooltip())
                item.setFont(0, theme.font(11, bold=True))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                item.setBackground(0, QBrush(theme.GROUP_COLOURS.get(op.group, theme.CARD)))
                header.addChild(item)
            header.setFirstColumnSpanned(True)
        self.tree.expandAll()
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, max(56, self.tree.columnWidth(0) + 8))

    def apply_filter(self, text: str) -> None:
        for header in self._groups:
            shown = 0
            for index in range(header.childCount()):
                child = header.child(index)
                visible = op_matches(self.registry[child.data(0, OP_ROLE)], text)
                child.setHidden(not visible)
                shown += visible
            header.setHidden(shown == 0)

    def visible_ops(self) -> list[str]:
        return [header.child(i).data(0, OP_ROLE) for header in self._groups if not header.isHidden()
                for i in range(header.childCount()) if not header.child(i).isHidden()]

    def _activate(self, item: QTreeWidgetItem) -> None:
        op = item.data(0, OP_ROLE)
        if op:
            self.opActivated.emit(op)

    def _activate_first(self) -> None:
        ops = self.visible_ops()
        if ops:
            self.opActivated.emit(ops[0])
