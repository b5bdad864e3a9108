"""Notes on the canvas, as items: a pale card that renders its Markdown with Qt's own
QTextDocument.setMarkdown, moves like a card, resizes from its corner grip, and is
edited in place (its Markdown source, double-click; Ctrl+Enter or a click elsewhere
ends, Escape cancels). The items only show `graph.notes` (engine.notes): every
change they make is a request (`changed`) that the editing side turns into an undo
command on the document, and the layer rebuilds them from the document."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QKeyEvent, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from engine.document import GraphDocument
from engine.notes import KEY, Note, parse_notes
from gui import theme
from gui.observing import subscriptions_of

PAD = 8.0
GRIP = 12.0
PAPER = QColor("#fff8d6")
EDGE = QColor("#d9b74a")
Z = 2.0
"""Over cards and wire labels (a note is put where the teacher wants it read), under
the animation's tokens and a wire being dragged."""


class NoteSource(QGraphicsTextItem):
    """The note's Markdown source, edited in place."""

    def __init__(self, note: NoteItem) -> None:
        super().__init__(note)
        self.note = note
        self.cancelled = False
        self.setPlainText(note.note.text)
        self.setFont(theme.mono_font(9))
        self.setTextWidth(note.note.width - 2 * PAD)
        self.setPos(PAD, PAD)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextEditorInteraction)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancelled = True
            self.clearFocus()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and \
                event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.clearFocus()
            return
        super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.note.finish_edit(None if self.cancelled else self.toPlainText())


class NoteItem(QGraphicsObject):
    """One note. `changed(index, Note)` asks for the note to become that Note."""

    changed = Signal(int, object)

    def __init__(self, index: int, note: Note) -> None:
        super().__init__()
        self.index = index
        self.note = note
        self.document = QTextDocument()
        self.document.setDefaultFont(theme.font(10))
        self.document.setMarkdown(note.text)
        self.document.setTextWidth(note.width - 2 * PAD)
        self.source: NoteSource | None = None
        self._resizing: tuple[QPointF, float, float] | None = None
        self._size = (note.width, note.height)
        self.presenting = False
        self.setPos(note.x, note.y)
        self.setZValue(Z)
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setToolTip("A note: double-click to edit its Markdown; drag the corner to resize")

    # --------------------------------------------------------------- drawing
    def boundingRect(self) -> QRectF:
        return QRectF(-1, -1, self._size[0] + 2, self._size[1] + 2)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        width, height = self._size
        box = QRectF(0, 0, width, height)
        selected = self.isSelected() and not self.presenting
        painter.setPen(QPen(theme.SELECTION if selected else EDGE, 2.0 if selected else 1.0))
        painter.setBrush(QBrush(PAPER))
        painter.drawRoundedRect(box, 6, 6)
        if self.source is None:
            painter.save()
            painter.translate(PAD, PAD)
            painter.setClipRect(QRectF(0, 0, width - 2 * PAD, height - 2 * PAD))
            self.document.drawContents(painter, QRectF(0, 0, width - 2 * PAD, height - 2 * PAD))
            painter.restore()
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(EDGE))
            corner = QPointF(width, height)
            painter.drawPolygon([corner, corner - QPointF(GRIP, 0), corner - QPointF(0, GRIP)])

    # ----------------------------------------------------------------- mouse
    def _in_grip(self, point: QPointF) -> bool:
        return point.x() >= self._size[0] - GRIP and point.y() >= self._size[1] - GRIP

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._in_grip(event.pos()):
            self._resizing = (event.scenePos(), *self._size)
            self.setSelected(True)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._resizing is not None:
            start, width, height = self._resizing
            delta = event.scenePos() - start
            resized = self.note.resized(width + delta.x(), height + delta.y())
            self.prepareGeometryChange()
            self._size = (resized.width, resized.height)
            self.document.setTextWidth(resized.width - 2 * PAD)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._resizing is not None:
            self._resizing = None
            if self._size != (self.note.width, self.note.height):
                self.changed.emit(self.index, self.note.resized(*self._size))
            return
        super().mouseReleaseEvent(event)
        if (self.pos().x(), self.pos().y()) != (self.note.x, self.note.y):
            self.changed.emit(self.index, self.note.moved_to(self.pos().x(), self.pos().y()))

    def mouseDoubleClickEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self.start_edit()

    # --------------------------------------------------------------- editing
    def start_edit(self) -> None:
        if self.source is not None:
            return
        self.source = NoteSource(self)
        self.update()
        self.source.setFocus(Qt.FocusReason.MouseFocusReason)
        cursor = self.source.textCursor()
        cursor.select(cursor.SelectionType.Document)
        self.source.setTextCursor(cursor)

    def finish_edit(self, text: str | None) -> None:
        """The source editor lost the focus: `text` is what it holds (None: cancelled)."""
        source, self.source = self.source, None
        if source is not None and source.scene() is not None:
            source.scene().removeItem(source)
        self.update()
        if text is not None and text != self.note.text:
            self.changed.emit(self.index, self.note.with_text(text))


class NoteLayer(QObject):
    """Keeps one NoteItem per entry of the document's `graph.notes`."""

    noteChanged = Signal(int, object)
    """A note item asks for the note at that index to become the given Note."""

    def __init__(self, document: GraphDocument, scene: QGraphicsScene, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.scene = scene
        self.items: list[NoteItem] = []
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(document.graph_changed, self.rebuild)
        self._subscriptions.subscribe(document.reset, self.rebuild)
        self.rebuild()

    def notes(self) -> list[Note]:
        # A file's notes were checked on load; the document holds only checked notes since.
        return parse_notes(self.document.graph_attr(KEY))

    def rebuild(self) -> None:
        # The scene deletes every item when a file replaces the graph: those are gone already.
        self.items = [item for item in self.items if shiboken6.isValid(item)]
        notes = self.notes()
        if [item.note for item in self.items] == notes:
            return
        selected = {item.index for item in self.items if item.isSelected()}
        for item in self.items:
            if item.source is not None:
                item.source.cancelled = True
            item.changed.disconnect()
            self.scene.removeItem(item)
        self.items = []
        for index, note in enumerate(notes):
            item = NoteItem(index, note)
            self.scene.addItem(item)
            item.changed.connect(self.noteChanged)
            item.setSelected(index in selected)
            self.items.append(item)

    def selected(self) -> list[int]:
        return [item.index for item in self.items if item.isSelected()]

    def detach(self) -> None:
        self._subscriptions.release()
