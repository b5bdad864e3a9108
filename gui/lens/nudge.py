"""Nudge: move the selected input by h and watch every card follow, with the output's
change Δout beside the linear prediction grad·h (the gradient is the sensitivity).

A nudge is a preview, not an edit: the document keeps its value and the canvas shows
an evaluation of the compiled plan with that one leaf moved (the presenter's
`preview`). Restoring is dropping the preview; Keep is one undo step that sets the
value. Any edit, or another selection, restores."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.evaluate import Evaluation, evaluate_plan
from engine.notation import term
from engine.values import Value, format_value
from gui.editing.commands import SetValueCommand
from gui.observing import subscriptions_of

if TYPE_CHECKING:
    from gui.canvas.presenter import CanvasPresenter
    from gui.editing.editor import GraphEditor

STEP = 0.01
"""h added by each Alt+↑ (taken away by each Alt+↓)."""


@dataclasses.dataclass(frozen=True)
class NudgeReport:
    """The output's change and the gradient's prediction of it."""

    name: str
    output: str
    h: float
    change: float
    """Σ output after − Σ output before."""
    prediction: float
    """Σ grad · h: the first-order change (every entry of the input moved by h)."""

    def text(self) -> str:
        return (f"{self.name} nudged by h = {_signed(self.h)}: Δ{term(self.output)} = {format_value(self.change)}, "
                f"grad·h = {format_value(self.prediction)}")


def _signed(h: float) -> str:
    text = format_value(np.float64(h))
    return text if text.startswith("-") else f"+{text}"


class Nudge(QObject):
    changed = Signal()
    """Nudged, moved, restored or kept (the toolbar and status bar follow)."""

    def __init__(self, presenter: CanvasPresenter, editor: GraphEditor, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.presenter = presenter
        self.editor = editor
        self.document = presenter.document
        self.node_id: str | None = None
        self.h = 0.0
        self.report: NudgeReport | None = None
        self._subscriptions = subscriptions_of(self)
        self._subscriptions.subscribe(self.document.changed, self._document_changed)
        presenter.scene.selectionChanged.connect(self._selection_changed)

    def detach(self) -> None:
        """Stop observing the document (also done when Qt deletes this)."""
        self._subscriptions.release()

    @property
    def active(self) -> bool:
        return self.node_id is not None and self.h != 0.0

    def target(self) -> str | None:
        """The one selected card, if it is an input with a value."""
        selected = self.presenter.scene.selected_node_ids()
        if len(selected) != 1:
            return None
        node_id = selected[0]
        if self.document.op_of(node_id).name != "input" or self.document.value_of(node_id) is None:
            return None
        return node_id

    def set_h(self, h: float) -> bool:
        """Nudge the selected input by h (0 restores); False when no input is selected."""
        if h == 0.0:
            self.restore()
            return True
        node_id = self.node_id if self.active else self.target()
        if node_id is None:
            return False
        self.node_id, self.h = node_id, float(h)
        self.presenter.set_preview(self._preview)
        self.changed.emit()
        return True

    def step(self, direction: int) -> bool:
        """Alt+↑ / Alt+↓: h one STEP further (to 0 restores)."""
        h = round(self.h + direction * STEP, 12) if self.active else direction * STEP
        return self.set_h(h)

    def restore(self) -> None:
        if self.node_id is None and self.presenter.preview is None:
            return
        self.node_id, self.h, self.report = None, 0.0, None
        self.presenter.set_preview(None)
        self.changed.emit()

    def keep(self) -> bool:
        """The nudged value becomes the input's value: one undo step."""
        if not self.active:
            return False
        node_id = self.node_id
        value = self.document.value_of(node_id) + self.h  # type: ignore[operator]
        self.restore()
        return self.editor.push(SetValueCommand(self.document, node_id, value))

    def _document_changed(self) -> None:
        if self.node_id is not None:  # an edit (or a file) under a nudge: the nudge goes
            self.restore()

    def _selection_changed(self) -> None:
        if self.node_id is not None and self.target() != self.node_id:
            self.restore()

    def _preview(self, base: Evaluation) -> tuple[Evaluation, dict[str, str]]:
        """The evaluation with the input moved, and a note per card whose value moved."""
        plan = base.plan
        index = plan.index[self.node_id]  # type: ignore[index]
        leaves = list(plan.leaf_values)
        leaves[index] = leaves[index] + self.h  # type: ignore[operator]
        with np.errstate(all="ignore"):
            nudged = evaluate_plan(dataclasses.replace(plan, leaf_values=leaves), base.overwrite_fanout)
        notes: dict[str, str] = {}
        for node_id, before, after in zip(plan.ids, base.values, nudged.values):
            if before is not None and after is not None and np.shape(before) == np.shape(after):
                change = np.subtract(after, before)
                if np.any(change != 0):
                    notes[node_id] = f"Δ {format_value(_as_value(change))}"
        self.report = None
        grad = base.grads[index]
        if base.ok and nudged.ok and grad is not None:
            output = plan.output
            change = float(np.sum(nudged.values[output]) - np.sum(base.values[output]))
            prediction = float(np.sum(grad)) * self.h
            self.report = NudgeReport(plan.names[index], plan.names[output], self.h, change, prediction)
            notes[plan.ids[output]] = (f"Δ {format_value(np.float64(change))}  "
                                       f"grad·h {format_value(np.float64(prediction))}")
        return nudged, notes


def _as_value(change) -> Value:
    return np.float64(change) if np.ndim(change) == 0 else np.asarray(change, dtype=np.float64)
