"""The scrubbable timeline: one bar for the whole trace, a part per segment in its
phase's colour (forward green, backward red), filled up to the current step; press
or drag to jump."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from engine.trace import Segment
from gui import theme

MARGIN = 9.0
BAR = 8.0
HANDLE = 7.0
MIN_TICK_SPACING = 5.0


class Timeline(QWidget):
    scrubbed = Signal(int)
    """A person pressed or dragged to this many applied steps."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.total = 0
        self.segments: tuple[Segment, ...] = ()
        self.position: int | None = None
        self._last_scrub: int | None = None
        self.setObjectName("timeline")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrow keys stay with the canvas
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(160)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("The trace: forward steps (green), then backward steps (red). Click or drag to jump.")

    def sizeHint(self) -> QSize:
        return QSize(420, 26)

    def set_trace_shape(self, total: int, segments: Sequence[Segment]) -> None:
        segments = tuple(segments)
        if (total, segments) != (self.total, self.segments):
            self.total, self.segments = total, segments
            self.update()

    def set_position(self, position: int | None) -> None:
        if position != self.position:
            self.position = position
            self.update()

    # -------------------------------------------------------------- geometry
    def _bar(self) -> QRectF:
        return QRectF(MARGIN, (self.height() - BAR) / 2, max(1.0, self.width() - 2 * MARGIN), BAR)

    def x_of(self, applied: int) -> float:
        """Where the handle sits after `applied` steps."""
        bar = self._bar()
        return bar.left() + bar.width() * (applied / self.total if self.total else 0.0)

    def step_at(self, x: float) -> int:
        bar = self._bar()
        fraction = (x - bar.left()) / bar.width()
        return max(0, min(self.total, round(fraction * self.total)))

    # ---------------------------------------------------------------- paint
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        bar = self._bar()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(QColor("#e3e6ea")))
        painter.drawRoundedRect(bar, BAR / 2, BAR / 2)
        if not self.total:
            return
        shown = self.total if self.position is None else self.position
        done = self.x_of(shown)
        for segment in self.segments:  # the whole trace, faint; then what is done, full
            left, right = self.x_of(segment.start), self.x_of(segment.stop)
            painter.setBrush(QBrush(_soft(theme.PHASE_COLOURS[segment.phase])))
            painter.drawRoundedRect(QRectF(left, bar.top(), right - left, BAR), BAR / 2, BAR / 2)
        for segment in self.segments:
            left, right = self.x_of(segment.start), self.x_of(segment.stop)
            if done > left or segment.start == 0:
                painter.setBrush(QBrush(theme.PHASE_COLOURS[segment.phase]))
                painter.drawRoundedRect(QRectF(left, bar.top(), min(done, right) - left, BAR), BAR / 2, BAR / 2)
        if bar.width() / self.total >= MIN_TICK_SPACING:
            painter.setPen(QPen(QColor(255, 255, 255, 170), 1.0))
            for applied in range(1, self.total):
                x = self.x_of(applied)
                painter.drawLine(QPointF(x, bar.top() + 1.5), QPointF(x, bar.bottom() - 1.5))
        painter.setPen(QPen(QColor("#37474f"), 1.5))
        for segment in self.segments[:-1] or self.segments:
            # Where each pass ends and the next begins (a forward-only trace: where backward would).
            split = self.x_of(segment.stop)
            painter.drawLine(QPointF(split, bar.top() - 4), QPointF(split, bar.bottom() + 4))
        if self.position is not None:
            phase = next((s.phase for s in self.segments if self.position <= s.stop), None)
            colour = theme.PHASE_COLOURS[phase] if phase is not None else theme.GRADIENT
            painter.setPen(QPen(QColor("white"), 2.0))
            painter.setBrush(QBrush(colour))
            painter.drawEllipse(QPointF(done, bar.center().y()), HANDLE, HANDLE)

    # ----------------------------------------------------------------- mouse
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.total:
            self._last_scrub = None
            self._scrub(event.position().x())
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton and self.total:
            self._scrub(event.position().x())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def _scrub(self, x: float) -> None:
        applied = self.step_at(x)
        if applied != self._last_scrub:
            self._last_scrub = applied
            self.scrubbed.emit(applied)


def _soft(colour: QColor) -> QColor:
    soft = QColor(colour)
    soft.setAlpha(70)
    return soft
