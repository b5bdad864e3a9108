"""The canvas view: wheel zoom around the cursor, pan with the middle button or
Space+drag, drops from the palette and of .json files, Tab or double-click for
the quick op list."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsTextItem, QGraphicsView, QWidget

from gui.canvas.scene import GraphScene
from gui.canvas.wire_overview import OVERVIEW_ZOOM

OP_MIME_TYPE = "application/x-backprop-studio-op"
MIN_ZOOM = 0.08
MAX_ZOOM = 4.0
FIT_MARGIN = 60.0


class GraphView(QGraphicsView):
    opDropped = Signal(str, QPointF)
    fileDropped = Signal(str)
    quickAddRequested = Signal(QPointF, QPoint)
    """Scene position for the new node, global position for the popup."""
    spaceTapped = Signal()
    """Space pressed and released without panning (play/pause)."""
    zoomChanged = Signal(float)

    def __init__(self, scene: GraphScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing
                            | QPainter.RenderHint.SmoothPixmapTransform)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setCacheMode(QGraphicsView.CacheModeFlag.CacheBackground)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setRubberBandSelectionMode(Qt.ItemSelectionMode.IntersectsItemShape)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._pan_from: QPoint | None = None
        self._space_down = False
        self._space_panned = False

    def graph_scene(self) -> GraphScene:
        return self.scene()  # type: ignore[return-value]

    # ------------------------------------------------------------------ zoom
    def zoom(self) -> float:
        return self.transform().m11()

    def set_zoom(self, factor: float) -> None:
        factor = min(MAX_ZOOM, max(MIN_ZOOM, factor))
        self.scale(factor / self.zoom(), factor / self.zoom())
        self._zoomed()

    def _zoomed(self) -> None:
        self.graph_scene().set_overview(self.zoom() < OVERVIEW_ZOOM)
        self.zoomChanged.emit(self.zoom())

    def zoom_by(self, ratio: float) -> None:
        self.set_zoom(self.zoom() * ratio)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15 ** steps)
        event.accept()

    def fit_graph(self) -> None:
        """Show the whole graph, never magnified past 1.5×."""
        scene = self.graph_scene()
        if not scene.node_items:
            return
        bounds = QRectF()
        for item in scene.node_items.values():
            bounds = bounds.united(item.sceneBoundingRect())
        bounds.adjust(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        self.fitInView(bounds, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom() > 1.5:
            self.set_zoom(1.5)
        elif self.zoom() < MIN_ZOOM:
            self.set_zoom(MIN_ZOOM)
        self.centerOn(bounds.center())
        self._zoomed()

    # ------------------------------------------------------------------- pan
    def _start_pan(self, event: QMouseEvent) -> None:
        self._pan_from = event.position().toPoint()
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.MiddleButton or (
                self._space_down and event.button() == Qt.MouseButton.LeftButton):
            self._space_panned = self._space_down
            self._start_pan(event)
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position().toPoint() - self._pan_from
            self._pan_from = event.position().toPoint()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor if self._space_down else Qt.CursorShape.ArrowCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        under = self.itemAt(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and (under is None or under is self.graph_scene().wire_overview):
            self.quickAddRequested.emit(self.mapToScene(event.position().toPoint()),
                                        event.globalPosition().toPoint())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # ------------------------------------------------------------------- keys
    def event(self, event: QEvent) -> bool:
        # Tab would move focus out of the canvas; here it opens the quick op list.
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Tab:  # type: ignore[attr-defined]
            self.request_quick_add()
            return True
        return super().event(event)

    def _cursor_in_viewport(self) -> QPoint:
        cursor = self.viewport().mapFromGlobal(self.cursor().pos())
        return cursor if self.viewport().rect().contains(cursor) else self.viewport().rect().center()

    def cursor_scene_position(self) -> QPointF:
        """Where the mouse is on the canvas, or the middle of the view if it is elsewhere."""
        return self.mapToScene(self._cursor_in_viewport())

    def request_quick_add(self) -> None:
        cursor = self._cursor_in_viewport()
        self.quickAddRequested.emit(self.mapToScene(cursor), self.viewport().mapToGlobal(cursor))

    def _typing_in_scene(self) -> bool:
        """A text item in the scene has the keys (a note being written): Space is a space."""
        scene = self.scene()
        return scene is not None and isinstance(scene.focusItem(), QGraphicsTextItem)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._typing_in_scene():
            super().keyPressEvent(event)
            return
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = True
            self._space_panned = False
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Space:
            event.accept()
            return
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if self._typing_in_scene():
            super().keyReleaseEvent(event)
            return
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space_down = False
            self.viewport().setCursor(Qt.CursorShape.ArrowCursor)
            if not self._space_panned:
                self.spaceTapped.emit()
            event.accept()
            return
        super().keyReleaseEvent(event)

    # ----------------------------------------------------------------- drops
    def _accepts(self, event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> bool:
        mime = event.mimeData()
        if mime.hasFormat(OP_MIME_TYPE):
            return True
        return mime.hasUrls() and any(url.toLocalFile().lower().endswith(".json") for url in mime.urls())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._accepts(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        # Drags never reach the scene (enter and move are handled here), so Qt's own
        # leave handler would warn of a leave without an enter.
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if mime.hasFormat(OP_MIME_TYPE):
            op = bytes(mime.data(OP_MIME_TYPE).data()).decode()
            self.opDropped.emit(op, self.mapToScene(event.position().toPoint()))
            event.acceptProposedAction()
            return
        for url in mime.urls():
            if url.toLocalFile().lower().endswith(".json"):
                self.fileDropped.emit(url.toLocalFile())
                event.acceptProposedAction()
                return
        event.ignore()
