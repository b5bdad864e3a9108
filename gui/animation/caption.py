"""Subtitles for the animation: the current step's whole text in a bar along the
bottom of the canvas, in a fixed, readable font whatever the zoom (at Fit zoom the
label beside the wire is only a few pixels tall). Hidden while editing."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QGraphicsView, QLabel

from gui import theme
from gui.animation.controller import AnimationController
from gui.export.render import step_caption

MARGIN = 10
"""Between the bar and the viewport's edges."""
FONT_POINTS = 13.0


class CaptionBar(QLabel):
    """A label over the bottom of the view's viewport (a child of the view, not of the
    viewport, which scrolls its children with the scene)."""

    def __init__(self, view: QGraphicsView, controller: AnimationController) -> None:
        super().__init__(view)
        self.setObjectName("caption_bar")
        self.view = view
        self.controller = controller
        self.setFont(theme.font(FONT_POINTS))
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setContentsMargins(14, 6, 14, 6)
        self.hide()
        view.installEventFilter(self)
        controller.presenter.displayChanged.connect(self.refresh)
        controller.traceChanged.connect(self.refresh)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
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
        self.setText(step_caption(trace, applied))
        self.setToolTip(self.text())
        self._place()
        self.show()
        self.raise_()

    def covered_height(self) -> int:
        """How much of the viewport's bottom the bar hides (0 when hidden)."""
        return self.height() + MARGIN if self.isVisible() else 0

    def _place(self) -> None:
        viewport = self.view.viewport().geometry()
        width = max(100, viewport.width() - 2 * MARGIN)
        height = min(self.heightForWidth(width), viewport.height() // 3)
        self.setGeometry(viewport.left() + MARGIN, viewport.bottom() - MARGIN - height + 1, width, height)
