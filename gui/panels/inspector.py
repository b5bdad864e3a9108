"""The inspector: the selected node's label, op, value (for inputs and constants),
and its current value and gradient in full."""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from engine.document import GraphDocument
from engine.values import value_to_json
from gui import theme
from gui.canvas.presenter import CanvasPresenter
from gui.canvas.scene import GraphScene
from gui.editing.editor import GraphEditor
from gui.observing import subscriptions_of
from gui.panels.value_view import ValueView


def value_text(value) -> str:
    """How a value reads in the editor: 2.2, or [[1.0, 2.0], [3.0, 4.0]]."""
    if value is None:
        return ""
    return json.dumps(value_to_json(value))


class Inspector(QWidget):
    def __init__(self, editor: GraphEditor, scene: GraphScene, presenter: CanvasPresenter,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.scene = scene
        self.presenter = presenter
        self.node_id: str | None = None

        self.heading = QLabel()
        self.heading.setFont(theme.font(11, bold=True))
        self.heading.setWordWrap(True)
        self.label_edit = QLineEdit()
        self.label_edit.setPlaceholderText("the node's name: on the card, in files and results")
        self.op_text = QLabel()
        self.op_text.setWordWrap(True)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("2.5 or [[1, 2], [3, 4]]")
        self.value_error = QLabel()
        self.value_error.setWordWrap(True)
        self.value_error.setStyleSheet(f"color: {theme.FAILED.name()}")
        self.output_box = QCheckBox("Backward starts here (output)")
        # Arrays show as a table of every entry; numbers and messages as text.
        self.current_value = ValueView(theme.VALUE)
        self.current_grad = ValueView(theme.GRADIENT)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {theme.INCOMPLETE.name()}")

        # Editable fields first, so they stay put whatever the description's length.
        self.form = QFormLayout()
        self.form.addRow("Name", self.label_edit)
        self.form.addRow("Set value", self.value_edit)
        self.form.addRow("", self.value_error)
        self.form.addRow("Value", self.current_value)
        self.form.addRow("Gradient", self.current_grad)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.output_box)
        layout.addWidget(self.problem)
        layout.addWidget(self.op_text)
        layout.addStretch(1)

        self.label_edit.editingFinished.connect(self._commit_label)
        self.value_edit.returnPressed.connect(self._commit_value)
        self.output_box.clicked.connect(self._toggle_output)
        scene.selectionChanged.connect(self._follow_selection)
        presenter.evaluated.connect(lambda _evaluation: self.refresh())
        document = editor.document
        self._subscriptions = subscriptions_of(self)
        self._detached = False
        for event, handler in [(document.node_changed, self._on_node_changed),
                               (document.node_renamed, self._on_node_renamed),
                               (document.node_removed, self._on_node_removed),
                               (document.reset, self._follow_selection)]:
            self._subscriptions.subscribe(event, handler)
        self._follow_selection()

    def detach(self) -> None:
        """Stop following the document and the scene: the window is closing, and the
        scene, deleted first, deselects on its way out."""
        if not self._detached:
            self._detached = True
            self._subscriptions.release()
            self.scene.selectionChanged.disconnect(self._follow_selection)

    @property
    def document(self) -> GraphDocument:
        return self.editor.document

    def _follow_selection(self) -> None:
        chosen = self.scene.selected_node_ids()
        self.node_id = chosen[0] if len(chosen) == 1 else None
        self.value_error.clear()
        self.refresh(selected=len(chosen))

    def _on_node_changed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.refresh()

    def _on_node_renamed(self, old_id: str, new_id: str) -> None:
        if old_id == self.node_id:
            self.node_id = new_id
            self.refresh()

    def _on_node_removed(self, node_id: str) -> None:
        if node_id == self.node_id:
            self.node_id = None
            self.refresh()

    def refresh(self, selected: int | None = None) -> None:
        node_id = self.node_id
        editing = node_id is not None and node_id in self.document
        for widget in (self.label_edit, self.value_edit, self.output_box, self.current_value, self.current_grad):
            widget.setEnabled(editing)
        if not editing:
            count = len(self.scene.selected_node_ids()) if selected is None else selected
            self.heading.setText(f"{count} nodes selected" if count > 1 else "Select a node to inspect it.")
            for widget in (self.label_edit, self.value_edit):
                widget.clear()
            for box in (self.current_value, self.current_grad):
                box.clear()
            self.op_text.clear()
            self.problem.clear()
            return
        op = self.document.op_of(node_id)
        name = self.document.name_of(node_id)
        # The id is worth showing only when it differs from the name (a file's own ids).
        self.heading.setText(name if name == node_id else f"{name}   (id {node_id})")
        if not self.label_edit.hasFocus():
            self.label_edit.setText(name)
        self.op_text.setText(op.tooltip())
        self.value_edit.setEnabled(op.is_leaf)
        if not op.is_leaf:
            self.value_edit.clear()
            self.value_edit.setPlaceholderText("computed from its inputs")
        elif not self.value_edit.hasFocus() or not self.value_error.text():
            self.value_edit.setPlaceholderText("2.5 or [[1, 2], [3, 4]]")
            self.value_edit.setText(value_text(self.document.value_of(node_id)))
        evaluation = self.presenter.evaluation
        known = node_id in evaluation.plan.index
        if known:
            self.current_value.set_value(evaluation.value(node_id))
        else:
            self.current_value.clear()
        grad = evaluation.grad(node_id) if known else None
        if grad is not None:
            self.current_grad.set_value(grad)
        else:
            self.current_grad.setPlainText(self._why_no_gradient(op))
        problem = evaluation.problem(node_id) if known else None
        self.problem.setText(problem.message if problem else "")
        self.output_box.setChecked(evaluation.output == node_id)

    def _why_no_gradient(self, op) -> str:
        evaluation = self.presenter.evaluation
        if op.name == "constant":
            return "none: constants get no gradient"
        if evaluation.output_problem:
            return f"none yet: {evaluation.output_problem}"
        return "none: the output does not depend on it"

    def _commit_label(self) -> None:
        node_id = self.node_id
        if node_id is not None and node_id in self.document and self.editor.rename(
                node_id, self.label_edit.text()) is None:
            self.label_edit.setText(self.document.name_of(node_id))  # refused: the message says why

    def _commit_value(self) -> None:
        if self.node_id is None:
            return
        text = self.value_edit.text()
        if self.editor.set_value_text(self.node_id, text):
            self.value_error.clear()
            self.refresh()  # the value as the app writes it (2.20 → 2.2), even when it did not change
        else:
            self.value_error.setText(self.editor.last_message)
            self.value_edit.selectAll()

    def _toggle_output(self, checked: bool) -> None:
        if self.node_id is not None:
            self.editor.set_output(self.node_id if checked else None)
            self.refresh()
