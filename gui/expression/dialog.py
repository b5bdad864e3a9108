"""File ▸ New from Expression…: a text box for statements; OK builds them into a new
graph, or shows the refusal under the box with its place selected and stays open."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QTextCursor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from engine.document import GraphDocument
from engine.errors import StudioError
from engine.expression.builder import build_document
from engine.expression.program import ExpressionError
from gui.expression.bar import offset_of
from gui.theme import FAILED

EXAMPLE = "# the founding example\na = 2.2\nb = -1.8\nc = 0.1\nd = a * (b + c)\n"


class NewFromExpressionDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, text: str = EXAMPLE) -> None:
        super().__init__(parent)
        self.setObjectName("new_from_expression")
        self.setWindowTitle("New from Expression")
        self.document: GraphDocument | None = None
        """The graph built when OK was pressed and the text was accepted."""
        self.editor = QPlainTextEdit(self)
        self.editor.setObjectName("expression_text")
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.editor.setPlainText(text)
        self.editor.selectAll()
        self.error = QLabel(self)
        self.error.setObjectName("expression_error")
        self.error.setStyleSheet(f"color: {FAILED.name()};")
        self.error.setWordWrap(True)
        self.error.hide()
        hint = QLabel("One statement per line, NAME = EXPR; the last one is the output. "
                      "Operators + - * / ** @ and every operation by name, e.g. tanh(n), mse(p, t).", self)
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(560, 320)
        self.editor.textChanged.connect(self.error.hide)

    def accept(self) -> None:
        text = self.editor.toPlainText()
        try:
            self.document = build_document(text)
        except StudioError as error:
            self.error.setText(str(error))
            self.error.show()
            if isinstance(error, ExpressionError):
                start = offset_of(text, error.place.line, error.place.column)
                end = offset_of(text, error.place.end_line, error.place.end_column)
                cursor = self.editor.textCursor()
                cursor.setPosition(start)
                cursor.setPosition(max(end, start + 1), QTextCursor.MoveMode.KeepAnchor)
                self.editor.setTextCursor(cursor)
            self.editor.setFocus()
            return
        super().accept()
