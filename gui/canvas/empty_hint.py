"""The sentence in the middle of an empty canvas saying how to start. It is a
label over the view's viewport, not a scene item, so exported pictures (drawn
from the scene) never show it, and it lets every click through to the canvas."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGraphicsView, QLabel

from engine.document import GraphDocument
from gui import theme
from gui.observing import subscriptions_of

EMPTY_CANVAS_TEXT = ("This graph is empty.\n"
                     "Double-click here or press Tab\n"
                     "to add an operation, or drag one in\n"
                     "from the Operations panel.")
"""Short lines: the whole sentence fits the narrowest canvas (dock_layout.CANVAS_MIN_WIDTH)."""


class EmptyCanvasHint(QLabel):
    def __init__(self, view: QGraphicsView, document: GraphDocument) -> None:
        super().__init__(EMPTY_CANVAS_TEXT, view.viewport())
        self.setObjectName("empty_canvas_hint")
        self.document = document
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setFont(theme.font(12))
        self.setStyleSheet(f"color: {theme.CARD_MUTED.name()}; background: transparent")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        view.viewport().installEventFilter(self)
        # Scrolling the view scrolls the viewport's children too: put it back in the middle.
        view.horizontalScrollBar().valueChanged.connect(self._centre)
        view.verticalScrollBar().valueChanged.connect(self._centre)
        # The document may outlive this label (tests reuse documents): stop listening with it.
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(document.changed, self.follow_document)
        self.follow_document()

    def detach(self) -> None:
        self._subscriptions.release()

    def follow_document(self) -> None:
        self.setVisible(len(self.document) == 0)
        self._centre()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._centre()
        return False

    def _centre(self) -> None:
        viewport = self.parentWidget()
        if viewport is None:
            return
        self.adjustSize()
        width = min(self.width(), viewport.width())
        self.setGeometry((viewport.width() - width) // 2, (viewport.height() - self.height()) // 2,
                         width, self.height())
