"""Python Script… and PyTorch Check…: the script the graph becomes, in a short
preview, with Copy (the whole script on the clipboard, for a notebook or a slide) and
Save… (a .py file)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

PREVIEW_LINES = 24
"""How many lines the preview shows at once (it scrolls for the rest)."""


class ScriptDialog(QDialog):
    """Shows `text`; Copy puts it on the clipboard, Save… calls `save` (which asks for a
    path and writes it, True when it did; the dialog then closes)."""

    def __init__(self, title: str, about: str, text: str, save: Callable[[], bool],
                 copied: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("script_dialog")
        self.setWindowTitle(title)
        self.text = text
        self._save = save
        self._copied = copied
        lines = text.count("\n")
        about_label = QLabel(f"{about} {lines} lines.")
        about_label.setWordWrap(True)
        self.preview = QPlainTextEdit(text)
        self.preview.setObjectName("script_preview")
        self.preview.setReadOnly(True)
        self.preview.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        metrics = self.preview.fontMetrics()
        self.preview.setMinimumSize(metrics.horizontalAdvance("x" * 104), metrics.lineSpacing() * PREVIEW_LINES)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.setObjectName("copy_script")
        self.save_button = buttons.addButton("&Save…", QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.setObjectName("save_script")
        self.copy_button.setDefault(True)
        self.copy_button.clicked.connect(self.copy)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(about_label)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self.copy_button.setFocus()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
        self._copied(f"Copied the script ({self.text.count(chr(10))} lines); paste it into a file or a notebook.")

    def save(self) -> None:
        if self._save():
            self.accept()
