"""Subtitles for the animation: the current step's whole text in a bar along the
bottom of the canvas, in a fixed, readable font whatever the zoom (at Fit zoom the
label beside the wire is only a few pixels tall). Hidden while editing."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtGui import QMoveEvent
from PySide6.QtWidgets import QGraphicsView, QLabel

from gui import theme
from gui.animation.controller import AnimationController
from gui.export.render import step_caption

MARGIN = 10
"""Between the bar and the viewport's edges."""
FONT_POINTS = 13.0


class CaptionBar(QLabel):
    """A label over the bottom of the view's viewport.

    It is the viewport's child, not the view's: a sibling widget over the viewport
    makes Qt give up its fast scroll (it repaints the whole viewport on every scroll,
    so each frame of a follow glide cost a full repaint at 100% zoom). The viewport
    moves its children as it scrolls, so the bar moves straight back (`moveEvent`):
    that repaints only the bar's own strip."""

    def __init__(self, view: QGraphicsView, controller: AnimationController) -> None:
        super().__init__(view.viewport())
        self.setObjectName("caption_bar")
        self.view = view
        self.controller = controller
        self.setFont(theme.font(FONT_POINTS))
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setContentsMargins(14, 6, 14, 6)
        self.explain = False
        """Explain (the Lens menu): a second line names each step's pattern."""
        self._spot: QPoint | None = None
        """Where the bar belongs in the viewport; a scroll moves it from there."""
        self.hide()
        view.viewport().installEventFilter(self)
        controller.presenter.displayChanged.connect(self.refresh)
        controller.traceChanged.connect(self.refresh)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def refresh(self) -> None:
        applied = self.controller.position
        if applied is None or applied == 0:
            self.hide()
            return
        trace = self.controller.trace
        step = trace.steps[applied - 1]
        colour = theme.PHASE_COLOURS[step.phase]
        self.setStyleSheet(f"QLabel#caption_bar {{ background: rgba(255, 255, 255, 235); color: {colour.name()};"
                           f" border: 1px solid {colour.name()}; border-radius: 6px; }}")
        self.setText(step_caption(trace, applied, self.explain))
        self.setToolTip(self.text())
        self._place()
        self.show()
        self.raise_()

    def covered_height(self) -> int:
        """How much of the viewport's bottom the bar hides (0 when hidden)."""
        return self.height() + MARGIN if self.isVisible() else 0

    def moveEvent(self, event: QMoveEvent) -> None:
        super().moveEvent(event)
        if self._spot is not None and self.pos() != self._spot:
            self.move(self._spot)  # the viewport scrolled it along with the scene

    def _place(self) -> None:
        viewport = self.view.viewport().rect()
        width = max(100, viewport.width() - 2 * MARGIN)
        height = min(self.heightForWidth(width), viewport.height() // 3)
        self._spot = QPoint(viewport.left() + MARGIN, viewport.bottom() - MARGIN - height + 1)
        self.setGeometry(self._spot.x(), self._spot.y(), width, height)
