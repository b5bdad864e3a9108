"""Operation ▸ New Operation… (and Edit): name, ports and formula, checked as you type.
Shown live: the derivative derived for each port, a plot of f and f′, and the derivative
checked against central finite differences at a few points. OK is enabled only when the
whole definition is accepted; what OK gives is checked already (`definitions`, `registry`)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from engine.custom.definitions import OpFormula, is_custom
from engine.custom.derivative_check import HELD, along, check
from engine.document import GraphDocument
from engine.errors import StudioError
from engine.ops import Op, OpRegistry
from engine.values import format_value
from gui import theme
from gui.custom_ops.commands import users_of
from gui.custom_ops.plot import FunctionPlot

DELAY_MS = 250
"""Derive once typing pauses: sympy takes a few hundredths of a second per port."""
PLOT_RANGE = (-4.0, 4.0)


SUGGESTIONS = (OpFormula("softplus", ("x",), "log(1 + exp(x))"), OpFormula("swish", ("x",), "x * sigmoid(x)"),
               OpFormula("mish", ("x",), "x * tanh(log(1 + exp(x)))"))
"""What a new operation's fields start with: the first the document does not have."""


def _suggestion(document: GraphDocument) -> OpFormula:
    for suggestion in SUGGESTIONS:
        if suggestion.name not in document.registry:
            return suggestion
    number = 1
    while f"f{number}" in document.registry:
        number += 1
    return OpFormula(f"f{number}", ("x",), "x * x")


def _number(x: float) -> str:
    return format_value(np.float64(x)).replace("-", "−")


class OperationDialog(QDialog):
    def __init__(self, document: GraphDocument, editing: OpFormula | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operation_dialog")
        self.setWindowTitle(f"Edit Operation {editing.name}" if editing else "New Operation")
        self.document, self.editing = document, editing
        self.definitions: list[OpFormula] | None = None
        """Every custom op of the document as OK would leave them (None while refused)."""
        self.registry: OpRegistry | None = None
        suggestion = editing or _suggestion(document)
        self.name = self._field("operation_name", suggestion.name)
        self.ports = self._field("operation_ports", ", ".join(suggestion.ports))
        self.formula = self._field("operation_formula", suggestion.formula)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.formula.setFont(mono)
        self.status = QLabel(self)
        self.status.setObjectName("operation_status")
        self.status.setWordWrap(True)
        self.derivatives = QLabel(self)
        self.derivatives.setObjectName("operation_derivatives")
        self.derivatives.setFont(theme.font(12))
        self.derivatives.setWordWrap(True)
        self.derivatives.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plot = FunctionPlot(self)
        self.checks = QLabel(self)
        self.checks.setObjectName("operation_checks")
        self.checks.setFont(mono)
        self.checks.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Name:", self.name)
        form.addRow("&Ports:", self.ports)
        form.addRow("&Formula:", self.formula)
        hint = QLabel("Write f in the expression language with its ports, numbers and elementwise "
                      "operations (+ − * / **, exp, log, tanh, sigmoid, max, …). The derivative is derived for you.",
                      self)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.derivatives)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.checks)
        layout.addWidget(self.buttons)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.validate)
        for field in (self.name, self.ports, self.formula):
            field.textChanged.connect(self._typed)
        self.resize(640, 600)
        self.validate()

    def _field(self, name: str, text: str) -> QLineEdit:
        field = QLineEdit(text, self)
        field.setObjectName(name)
        return field

    def _typed(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        self.timer.start()

    def definition(self) -> OpFormula:
        ports = tuple(p.strip() for p in self.ports.text().split(","))
        return OpFormula(self.name.text().strip(), ports if ports != ("",) else (), self.formula.text().strip())

    def validate(self) -> None:
        """Derive and check what is typed now; show it, or the one-sentence refusal."""
        self.timer.stop()
        definition = self.definition()
        current = self.document.custom_ops()
        if self.editing is not None:
            definitions = [definition if d.name == self.editing.name else d for d in current]
        else:
            definitions = [*current, definition]
        try:
            if not definition.name:
                raise StudioError("Type a name for the operation.")
            taken = self.document.registry.get(definition.name)
            renamed = self.editing is None or self.editing.name != definition.name
            if taken is not None and is_custom(taken) and renamed:
                raise StudioError(f"an operation named {definition.name} already exists; choose another name")
            if self.editing is not None and renamed and users_of(self.document, self.editing.name):
                raise StudioError(f"nodes use {self.editing.name}, so its name stays; "
                                  "define a new operation for another name")
            if not definition.formula:
                raise StudioError("Type the formula, for example log(1 + exp(x)).")
            registry = self.document.check_custom_ops(definitions)
        except StudioError as error:
            self._refused(str(error))
            return
        self.definitions, self.registry = definitions, registry
        self._show(registry[definition.name])

    def _refused(self, message: str) -> None:
        self.definitions = self.registry = None
        message = message[:1].upper() + message[1:]
        self.status.setText(message if message.endswith(".") else message + ".")
        self.status.setStyleSheet(f"color: {theme.GRADIENT.name()};")
        self.derivatives.clear()
        self.checks.clear()
        self.plot.clear()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def _show(self, op: Op) -> None:
        self.status.setText(f"✓ {op.name}({', '.join(op.port_names)}) = {op.summary}")
        self.status.setStyleSheet(f"color: {theme.VALUE.name()};")
        self.derivatives.setText("\n".join(op.derivative_text(i) for i in range(op.arity)))
        xs = np.linspace(*PLOT_RANGE, 241)
        values, slope = along(op, 0, xs)
        port = op.port_names[0]
        held = ", ".join(f"{p} = {_number(HELD)}" for p in op.port_names[1:])
        self.plot.show_curves(xs, [(f"{op.name}({', '.join(op.port_names)})", values, theme.VALUE),
                                   (f"∂{op.name}/∂{port}", slope, theme.GRADIENT)],
                              f"along {port}" + (f", {held}" if held else ""))
        lines = ["Derivative checked against (f(x + h) − f(x − h)) / 2h:"]
        for point in check(op):
            if not point.defined:
                verdict = "not defined here"
            else:
                verdict = "✓ agrees" if point.agrees else "✗ DIFFERS"
            lines.append(f"  ∂/∂{point.port} at {point.port} = {_number(point.at):>4}:  derived "
                         f"{_number(point.derived):>10}   difference {_number(point.difference):>10}   {verdict}")
        self.checks.setText("\n".join(lines))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def accept(self) -> None:
        if self.timer.isActive():
            self.validate()  # Enter pressed before the pause: check what is typed now
        if self.definitions is not None:
            super().accept()
