"""The expression bar: a field above the canvas where statements are typed (Ctrl+K),
with the history of what was built (Up/Down) and the refusal shown beside it, its
place marked in the text. It only reports what was typed; gui/expression/actions.py
builds it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QSizePolicy, QWidget

from engine.expression.program import Place
from gui.theme import FAILED

PLACEHOLDER = "Type statements and press Enter, e.g.  o = tanh(x1*w1 + x2*w2 + b)     (Ctrl+K)"


class HistoryLine(QLineEdit):
    """A line edit that walks back through what was entered with Up and Down, keeping
    the text being typed as the newest entry; Escape hands the keyboard back."""

    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history: list[str] = []
        self._at = 0
        self._draft = ""

    def remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._at = len(self.history)
        self._draft = ""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key == Qt.Key.Key_Up and self._at > 0:
            if self._at == len(self.history):
                self._draft = self.text()
            self._at -= 1
            self.setText(self.history[self._at])
        elif key == Qt.Key.Key_Down and self._at < len(self.history):
            self._at += 1
            self.setText(self.history[self._at] if self._at < len(self.history) else self._draft)
        elif key == Qt.Key.Key_Escape:
            self.escaped.emit()
        else:
            super().keyPressEvent(event)


class ExpressionBar(QWidget):
    """The field and, beside it, the last refusal (hidden while there is none)."""

    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("expression_bar")
        self.field = HistoryLine(self)
        self.field.setObjectName("expression_field")
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setClearButtonEnabled(True)
        self.field.setToolTip("Statements in the expression language: NAME = EXPR, separated by ;\n"
                              "A name a card already shows wires to that card. Up/Down: earlier lines.")
        self.error = QLabel(self)
        self.error.setObjectName("expression_error")
        self.error.setStyleSheet(f"color: {FAILED.name()};")  # a failure, not a gradient's red
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.error.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.field, 3)
        layout.addWidget(self.error, 2)
        self.field.returnPressed.connect(lambda: self.submitted.emit(self.field.text()))
        self.field.textEdited.connect(lambda _text: self.clear_error())

    def focus(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def accept(self, text: str) -> None:
        """Built: keep it in the history and clear the field for the next line."""
        self.field.remember(text)
        self.field.clear()
        self.clear_error()

    def show_error(self, message: str, place: Place | None) -> None:
        """The refusal beside the field, and its place selected in the text."""
        self.error.setText(message)
        self.error.setToolTip(message)
        self.error.show()
        if place is not None:
            start = offset_of(self.field.text(), place.line, place.column)
            end = offset_of(self.field.text(), place.end_line, place.end_column)
            self.field.setSelection(start, max(1, end - start))

    def clear_error(self) -> None:
        self.error.hide()
        self.error.clear()


def offset_of(text: str, line: int, column: int) -> int:
    """The character offset of a 1-based line and column in `text` (clamped to it)."""
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    offset = sum(len(earlier) + 1 for earlier in lines[:line - 1])
    return min(offset + max(column, 1) - 1, len(text))
