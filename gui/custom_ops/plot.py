"""A small plot of a function and its derivative over a range, drawn with QPainter (no
plotting library to import): the value in the values' colour, the derivative in the
gradients' colour, as everywhere in the app."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from gui import theme

MARGIN = 44.0


class FunctionPlot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operation_plot")
        self.setMinimumSize(QSize(320, 180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.xs = np.zeros(0)
        self.curves: list[tuple[str, np.ndarray, QColor]] = []
        self.caption = ""

    def show_curves(self, xs: np.ndarray, curves: list[tuple[str, np.ndarray, QColor]], caption: str) -> None:
        self.xs, self.curves, self.caption = xs, curves, caption
        self.update()

    def clear(self) -> None:
        self.show_curves(np.zeros(0), [], "")

    def _y_range(self) -> tuple[float, float]:
        finite = np.concatenate([ys[np.isfinite(ys)] for _, ys, _ in self.curves] or [np.zeros(0)])
        if finite.size == 0:
            return -1.0, 1.0
        low, high = np.percentile(finite, [2, 98])  # one steep end does not flatten the rest
        low, high = min(low, 0.0), max(high, 0.0)
        pad = max(high - low, 1e-9) * 0.08
        return float(low - pad), float(high + pad)

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        area = QRectF(self.rect()).adjusted(MARGIN, 10, -10, -MARGIN)
        painter.setPen(QPen(QColor("#b0b0b0"), 1))
        painter.drawRect(area)
        if self.xs.size == 0 or not self.curves:
            painter.end()
            return
        x0, x1 = float(self.xs[0]), float(self.xs[-1])
        y0, y1 = self._y_range()

        def point(x: float, y: float) -> QPointF:
            return QPointF(area.left() + (x - x0) / (x1 - x0) * area.width(),
                           area.bottom() - (y - y0) / (y1 - y0) * area.height())

        painter.setFont(theme.font(8))
        painter.setPen(QPen(QColor("#d0d0d0"), 1, Qt.PenStyle.DashLine))
        painter.drawLine(point(x0, 0.0), point(x1, 0.0))
        painter.drawLine(point(0.0, y0), point(0.0, y1))
        painter.setPen(QColor("#606060"))
        for x in (x0, 0.0, x1):
            painter.drawText(QRectF(point(x, y0).x() - 20, area.bottom() + 2, 40, 14),
                             Qt.AlignmentFlag.AlignHCenter, f"{x:g}".replace("-", "−"))
        for y in (y0, y1):
            painter.drawText(QRectF(0, point(x0, y).y() - 7, MARGIN - 3, 14),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{y:.2g}".replace("-", "−"))
        painter.setClipRect(area)
        for _, ys, colour in self.curves:
            path = QPainterPath()
            drawing = False
            for x, y in zip(self.xs, ys):
                if not math.isfinite(y):
                    drawing = False
                    continue
                if drawing:
                    path.lineTo(point(x, y))
                else:
                    path.moveTo(point(x, y))
                    drawing = True
            painter.setPen(QPen(colour, 2))
            painter.drawPath(path)
        painter.setClipping(False)
        legend = area.adjusted(8, 4, -8, 0)
        for label, _, colour in self.curves:
            painter.setPen(colour)
            painter.drawText(legend, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, label)
            legend.adjust(0, 14, 0, 0)
        if self.caption:
            painter.setPen(QColor("#606060"))
            painter.drawText(area.adjusted(0, 0, -6, -4), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                             self.caption)
        painter.end()
