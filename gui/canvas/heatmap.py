"""Arrays as pictures: a small array is a grid of coloured cells (a diverging scale
centred on 0: blue below, white at 0, red above, symmetric by the largest |v|), with
its numbers in the cells once they are big enough on screen to read; a larger one is
a thumbnail with its shape and range. Cards, wires and exported pictures all draw
arrays through here, so they look the same everywhere.

Whether a grid shows values or gradients is said by its frame, in the value (green)
or gradient (red) colour, so the cell colours can stay a plain sign scale."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPen

from engine.values import format_number, format_shape
from gui import theme

MAX_SIDE = 8
"""A matrix up to 8×8 is a grid of cells."""
MAX_VECTOR = 16
"""A vector (a row, a column or 1-D) up to this long is a grid of cells too."""
THUMB_CELLS = 48
"""A thumbnail samples at most this many rows and columns."""
READABLE_PX = 7.0
"""Cell numbers are drawn only when their text is at least this tall on screen."""

NEGATIVE = (33, 102, 172)
POSITIVE = (178, 24, 43)
ZERO = (255, 255, 255)
NAN_COLOUR = QColor("#9e9e9e")
_CELL_FONT_FAMILY = "DejaVu Sans Mono"
_CAPTION_FONT = theme.font(6.5)


class ArrayPicture:
    """What an array looks like, computed once per array and shared by every painter.
    Equal when the numbers are equal (looks compare pictures to skip repaints)."""

    __slots__ = ("_colours", "_image", "array", "grid", "high", "low", "scale", "shape_text", "small")

    def __init__(self, array: np.ndarray) -> None:
        self.array = array
        self.grid = as_grid(array)
        rows, cols = self.grid.shape
        self.small = (rows <= MAX_SIDE and cols <= MAX_SIDE) or (min(rows, cols) == 1 and max(rows, cols) <= MAX_VECTOR)
        finite = array[np.isfinite(array)]
        self.low = float(finite.min()) if finite.size else math.nan
        self.high = float(finite.max()) if finite.size else math.nan
        self.scale = float(np.abs(finite).max()) if finite.size else 0.0
        self.shape_text = format_shape(array.shape)
        self._image: QImage | None = None
        self._colours: list[list[QColor]] | None = None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArrayPicture):
            return NotImplemented
        return other.array is self.array or (other.array.shape == self.array.shape
                                             and bool(np.array_equal(other.array, self.array, equal_nan=True)))

    def __hash__(self) -> int:
        return hash(self.array.shape)

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns) of the grid as drawn."""
        return self.grid.shape  # type: ignore[return-value]

    def colours(self) -> list[list[QColor]]:
        if self._colours is None:
            self._colours = [[cell_colour(float(v), self.scale) for v in row] for row in self.grid]
        return self._colours

    def range_text(self) -> str:
        if math.isnan(self.low):
            return "no finite entry"
        return f"{format_number(self.low, 3)} … {format_number(self.high, 3)}"

    def thumbnail(self) -> QImage:
        """One pixel per sampled cell, scaled up without smoothing when drawn."""
        if self._image is None:
            rows, cols = self.grid.shape
            row_index = np.linspace(0, rows - 1, min(rows, THUMB_CELLS)).round().astype(int)
            col_index = np.linspace(0, cols - 1, min(cols, THUMB_CELLS)).round().astype(int)
            sample = self.grid[np.ix_(row_index, col_index)]
            image = QImage(len(col_index), len(row_index), QImage.Format.Format_RGB32)
            for r, row in enumerate(sample):
                for c, v in enumerate(row):
                    image.setPixelColor(c, r, cell_colour(float(v), self.scale))
            self._image = image
        return self._image


def picture_of(value) -> ArrayPicture | None:
    """The picture of an array value; None for a number or nothing (drawn as text)."""
    if isinstance(value, np.ndarray) and value.size:
        return ArrayPicture(value)
    return None


def as_grid(array: np.ndarray) -> np.ndarray:
    """The array as rows × columns: a 1-D vector is a row, [n×1] a column, and higher
    ranks are stacked (every leading index a row of the last axis)."""
    if array.ndim == 0:
        return array.reshape(1, 1)
    if array.ndim == 1:
        return array.reshape(1, -1)
    return array.reshape(-1, array.shape[-1])


def cell_colour(v: float, scale: float) -> QColor:
    """Blue for negative, white for 0, red for positive, by |v| over the largest |v|."""
    if math.isnan(v):
        return NAN_COLOUR
    if math.isinf(v):
        return QColor(*(POSITIVE if v > 0 else NEGATIVE))
    t = min(1.0, abs(v) / scale) if scale > 0 else 0.0
    end = POSITIVE if v > 0 else NEGATIVE
    return QColor(*(round(z + (e - z) * t) for z, e in zip(ZERO, end)))


def grid_size(picture: ArrayPicture, cell: QSizeF, limit: QSizeF) -> QSizeF:
    """The size a grid of `cell`-sized cells takes, shrunk to fit `limit` (a thumbnail
    takes the whole limit)."""
    if not picture.small:
        return QSizeF(limit)
    rows, cols = picture.shape
    width = min(cell.width(), limit.width() / cols)
    height = min(cell.height(), limit.height() / rows)
    return QSizeF(width * cols, height * rows)


def _lod(painter: QPainter) -> float:
    transform = painter.worldTransform()
    return math.sqrt(abs(transform.m11() * transform.m22() - transform.m12() * transform.m21())) or 1.0


def paint_picture(painter: QPainter, rect: QRectF, picture: ArrayPicture, frame: QColor) -> None:
    """A grid (or a thumbnail) filling `rect`, framed in the value or gradient colour."""
    if picture.small:
        _paint_grid(painter, rect, picture)
    else:
        _paint_thumbnail(painter, rect, picture)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(frame, 1.6))
    painter.drawRect(rect.adjusted(-0.8, -0.8, 0.8, 0.8))


def _paint_grid(painter: QPainter, rect: QRectF, picture: ArrayPicture) -> None:
    rows, cols = picture.shape
    width, height = rect.width() / cols, rect.height() / rows
    colours = picture.colours()
    painter.setPen(Qt.PenStyle.NoPen)
    for r in range(rows):
        for c in range(cols):
            painter.fillRect(QRectF(rect.left() + c * width, rect.top() + r * height, width, height), colours[r][c])
    grey = QPen(QColor(255, 255, 255, 150), 0.6)
    painter.setPen(grey)
    for c in range(1, cols):
        x = rect.left() + c * width
        painter.drawLine(QPointF(x, rect.top()), QPointF(x, rect.bottom()))
    for r in range(1, rows):
        y = rect.top() + r * height
        painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
    _mark_non_finite(painter, rect, picture, width, height)
    _paint_numbers(painter, rect, picture, width, height)


def _mark_non_finite(painter: QPainter, rect: QRectF, picture: ArrayPicture, width: float, height: float) -> None:
    """A cross over nan and ±inf cells, so they never pass for a big number."""
    grid = picture.grid
    bad = np.argwhere(~np.isfinite(grid))
    if not len(bad):
        return
    painter.setPen(QPen(QColor("#212121"), max(0.6, min(width, height) * 0.12)))
    for r, c in bad:
        cell = QRectF(rect.left() + c * width, rect.top() + r * height, width, height).adjusted(1, 1, -1, -1)
        painter.drawLine(cell.topLeft(), cell.bottomRight())
        painter.drawLine(cell.topRight(), cell.bottomLeft())


def cell_font_size(picture: ArrayPicture, width: float, height: float) -> tuple[float, list[str]]:
    """The largest font (in scene units) at which every cell's number fits its cell,
    and the texts."""
    texts = [_cell_text(float(v)) for v in picture.grid.ravel()]
    longest = max(len(t) for t in texts)
    # DejaVu Sans Mono advances 0.602 em per character.
    size = min(height * 0.7, (width - 2.0) / (0.61 * max(longest, 1)))
    return size, texts


def _paint_numbers(painter: QPainter, rect: QRectF, picture: ArrayPicture, width: float, height: float) -> None:
    size, texts = cell_font_size(picture, width, height)
    if size <= 0 or size * _lod(painter) < READABLE_PX:
        return
    # Pixel sizes are integers: lay the text out at a fixed size and scale it down.
    font = QFont(_CELL_FONT_FAMILY)
    font.setPixelSize(40)
    k = size / 40.0
    rows, cols = picture.shape
    colours = picture.colours()
    painter.save()
    painter.translate(rect.topLeft())
    painter.scale(k, k)
    painter.setFont(font)
    for r in range(rows):
        for c in range(cols):
            dark = colours[r][c].lightnessF() < 0.55
            painter.setPen(QColor("white") if dark else theme.CARD_TEXT)
            cell = QRectF(c * width / k, r * height / k, width / k, height / k)
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, texts[r * cols + c])
    painter.restore()


def _cell_text(v: float) -> str:
    return format_number(v, 3)


def _paint_thumbnail(painter: QPainter, rect: QRectF, picture: ArrayPicture) -> None:
    """The sampled picture on top, the shape and range in a line under it."""
    line = QFontMetricsF(_CAPTION_FONT).height()
    image_rect = rect.adjusted(0, 0, 0, -line) if rect.height() > 2 * line else rect
    painter.drawImage(image_rect, picture.thumbnail())
    if image_rect != rect:
        caption = QRectF(rect.left(), image_rect.bottom(), rect.width(), line)
        painter.fillRect(caption, QColor(255, 255, 255, 230))
        painter.setPen(theme.CARD_TEXT)
        painter.setFont(_CAPTION_FONT)
        text = f"{picture.shape_text}  {picture.range_text()}"
        painter.drawText(caption, Qt.AlignmentFlag.AlignCenter,
                         QFontMetricsF(_CAPTION_FONT).elidedText(text, Qt.TextElideMode.ElideRight, caption.width()))
