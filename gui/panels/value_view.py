"""A value in the inspector: a number as text, an array as a table of every entry
(coloured on the canvas's diverging scale), so nothing is cut short."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QPlainTextEdit, QStackedWidget, QTableWidget, QTableWidgetItem, QWidget

from engine.values import format_number, format_shape, format_value_full
from gui import theme
from gui.canvas.heatmap import as_grid, cell_colour

TABLE_ROWS_SHOWN = 8
"""The table grows to this many rows before it scrolls."""


class ValueView(QStackedWidget):
    """Text for a number or a message, a table for an array."""

    def __init__(self, colour: QColor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = colour
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setFont(theme.mono_font(9))
        self.text.setMaximumHeight(90)
        self.text.setStyleSheet(f"color: {colour.name()}")
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setFont(theme.mono_font(9))
        self.table.setStyleSheet(f"QTableWidget {{ border: 2px solid {colour.name()}; }}")
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.addWidget(self.text)
        self.addWidget(self.table)
        self.shape_text = ""

    def toPlainText(self) -> str:
        return self.text.toPlainText()

    def setPlainText(self, text: str) -> None:
        self.text.setPlainText(text)
        self.setCurrentWidget(self.text)
        self._fit_height()

    def clear(self) -> None:
        self.setPlainText("")

    def set_value(self, value) -> None:
        """A number (or None) as text; an array as a table, its shape in the text too."""
        self.text.setPlainText(format_value_full(value))
        if not isinstance(value, np.ndarray) or value.size == 0:
            self.setCurrentWidget(self.text)
            self._fit_height()
            return
        grid = as_grid(value)
        rows, cols = grid.shape
        finite = np.abs(value[np.isfinite(value)])
        scale = float(finite.max()) if finite.size else 0.0
        self.table.clear()
        self.table.setRowCount(rows)
        self.table.setColumnCount(cols)
        self.table.setHorizontalHeaderLabels([str(c) for c in range(cols)])
        lead = value.shape[:-1] if value.ndim > 1 else (1,)
        self.table.setVerticalHeaderLabels([", ".join(map(str, np.unravel_index(r, lead))) if value.ndim > 2
                                            else str(r) for r in range(rows)])
        for r in range(rows):
            for c in range(cols):
                number = float(grid[r, c])
                item = QTableWidgetItem(format_number(number, 6))
                item.setToolTip(repr(number))
                background = cell_colour(number, scale)
                item.setBackground(background)
                item.setForeground(QColor("white") if background.lightnessF() < 0.55 else theme.CARD_TEXT)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.shape_text = format_shape(value.shape)
        self.table.setToolTip(f"shape {self.shape_text}")
        self.setCurrentWidget(self.table)
        self._fit_height()

    def _fit_height(self) -> None:
        if self.currentWidget() is self.table:
            shown = min(self.table.rowCount(), TABLE_ROWS_SHOWN)
            height = self.table.horizontalHeader().height() + shown * 20 + 6
            if self.table.rowCount() > TABLE_ROWS_SHOWN or self.table.columnCount() > 6:
                height += self.table.horizontalScrollBar().sizeHint().height()
            self.setFixedHeight(height)
        else:
            self.setFixedHeight(min(90, max(34, self.text.sizeHint().height())) if self.text.toPlainText() else 34)
