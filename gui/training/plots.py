"""The Train panel's two pictures, drawn with pyqtgraph (imported only when the panel
is first shown, so starting the editor does not pay for it): the loss per step,
in the value colour (the loss is the output's value), and a 2-D classifier's
output over the plane with the data on top."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QWidget

from gui import theme

CLASS_COLOURS = ("#1976d2", "#f57c00")
"""Label 0 and label 1 (neither the value green nor the gradient red)."""


def _lookup_table() -> np.ndarray:
    """Blue through white to orange, 256 entries, soft enough for the points to show."""
    low, high = np.array([144, 190, 236]), np.array([250, 196, 140])
    white = np.array([255, 255, 255])
    t = np.linspace(0.0, 1.0, 256)[:, None]
    colours = np.where(t < 0.5, low + (white - low) * (t / 0.5), white + (high - white) * ((t - 0.5) / 0.5))
    return colours.astype(np.uint8)


class LossPlot(pg.PlotWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.setObjectName("loss_plot")
        self.setMinimumHeight(150)
        item = self.getPlotItem()
        item.setLabel("bottom", "step")
        item.setLabel("left", "loss")
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setDownsampling(auto=True, mode="peak")
        item.setClipToView(True)
        item.getAxis("left").enableAutoSIPrefix(False)  # "loss (x0.001)" reads worse than 0.25
        self.curve = item.plot(pen=pg.mkPen(theme.VALUE, width=2))
        self.log = False

    def set_losses(self, losses: list[float]) -> None:
        if not losses:
            self.curve.setData([], [])
            return
        y = np.asarray(losses, dtype=np.float64)
        if self.log:
            y = np.maximum(y, 1e-300)  # a loss of exactly 0 has no logarithm
        self.curve.setData(np.arange(1, len(y) + 1), y)

    def set_log(self, log: bool) -> None:
        self.log = log
        self.getPlotItem().setLogMode(y=log)
        self.getPlotItem().enableAutoRange()


class BoundaryPlot(pg.PlotWidget):
    """The model's output over the plane (blue low, orange high) and the data points
    coloured by their label."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w")
        self.setObjectName("boundary_plot")
        self.setMinimumHeight(180)
        item = self.getPlotItem()
        item.hideButtons()
        for axis in ("left", "bottom"):
            item.getAxis(axis).enableAutoSIPrefix(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.image.setLookupTable(_lookup_table())
        item.addItem(self.image)
        self.points = pg.ScatterPlotItem(size=7, pen=pg.mkPen("w", width=1))
        item.addItem(self.points)
        self._box: tuple[float, float, float, float] | None = None
        self._labels: tuple[float, float] = (0.0, 1.0)

    def set_data(self, x: np.ndarray, y: np.ndarray | None, x_name: str) -> None:
        """The data points; labels y (one per row) colour them, split at their midpoint."""
        labels = np.zeros(len(x)) if y is None else np.asarray(y, dtype=np.float64).reshape(len(x), -1)[:, 0]
        low, high = float(labels.min()), float(labels.max())
        self._labels = (low, high if high > low else low + 1.0)
        middle = (self._labels[0] + self._labels[1]) / 2
        brushes = [pg.mkBrush(CLASS_COLOURS[int(label > middle)]) for label in labels]
        self.points.setData(x[:, 0], x[:, 1], brush=brushes)
        item = self.getPlotItem()
        item.setLabel("bottom", f"{x_name} column 1")
        item.setLabel("left", f"{x_name} column 2")

    def set_image(self, image: np.ndarray, box: tuple[float, float, float, float]) -> None:
        """The output over the grid, coloured on the scale of the labels."""
        self.image.setImage(image, levels=self._labels, autoLevels=False)
        if box != self._box:
            self._box = box
            self.image.setRect(QRectF(*box))
            self.getPlotItem().setRange(rect=QRectF(*box), padding=0)
