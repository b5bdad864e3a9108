"""The cost panel under the trace: passes and operations for the full gradient in
reverse and in forward mode (engine.cost), the lesson of the two modes in one line;
and while or after "All inputs" plays, the gradient table: a row per input, filled
by its forward pass, beside what the one backward pass gives."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from engine.cost import gradient_cost
from engine.evaluate import Evaluation
from engine.notation import term
from engine.values import format_value
from gui import theme
from gui.animation.all_inputs import AllInputs
from gui.animation.controller import AnimationController

MAX_INPUTS = 64
"""Input nodes beyond which the panel does not count (one tangent trace per input)."""


class CostPanel(QLabel):
    def __init__(self, controller: AnimationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cost_panel")
        self.controller = controller
        self.setWordWrap(True)
        self.setFont(theme.font(8.5))
        self.setStyleSheet(f"color: {theme.CARD_TEXT.name()}")
        self._counted: Evaluation | None = None
        self._cost_text = ""
        self.all_inputs: AllInputs | None = None
        controller.traceChanged.connect(self.refresh)

    def follow(self, all_inputs: AllInputs) -> None:
        """Show `all_inputs`' gradient table as its passes finish."""
        self.all_inputs = all_inputs
        all_inputs.changed.connect(self._show)

    def refresh(self) -> None:
        """Count for the evaluation the canvas shows (once per evaluation; nothing while
        the panel is hidden, so edits do not pay for it)."""
        evaluation = self.controller.presenter.evaluation
        if evaluation is self._counted or not self.isVisibleTo(self.window()):
            return
        self._counted = evaluation
        if not evaluation.ok:
            self._cost_text = "Cost of the full gradient: the output has no value yet."
        elif len(self.controller.presenter.input_nodes()) > MAX_INPUTS:
            self._cost_text = f"Cost of the full gradient: not counted for more than {MAX_INPUTS} input nodes."
        else:
            self._cost_text = "Cost of the full gradient: " + gradient_cost(evaluation).text()
        self._show()
        self.setToolTip("Reverse mode: one backward pass per output entry after the forward pass. Forward mode: "
                        "one tangent pass per input entry, each beside the values. An op is one entry of a node's "
                        "value, of a wire's contribution, or of a tangent term the seed reaches.")

    def table(self) -> list[str]:
        """The gradient table's rows: `∂o/∂w1: forward pass 2 → 1, reverse → 1`."""
        runner = self.all_inputs
        if runner is None or not (runner.active or runner.results):
            return []
        evaluation = self.controller.presenter.evaluation
        plan = evaluation.plan
        output = evaluation.output
        output_name = plan.names[plan.index[output]] if output in plan.index else "output"
        rows = []
        for number, (node_id, name) in enumerate(self.controller.presenter.input_nodes(), start=1):
            found = runner.results.get(node_id)
            forward = format_value(found) if found is not None else "…"
            grad = evaluation.grad(node_id)
            reverse = format_value(grad) if grad is not None else "0 (the output does not depend on it)"
            rows.append(f"∂{term(output_name)}/∂{term(name)}: forward pass {number} → {forward}, reverse → {reverse}")
        return rows

    def _show(self) -> None:
        rows = self.table()
        heading = ["", "All inputs: one forward-mode pass per input; reverse mode has every row after one "
                       "backward pass."] if rows else []
        self.setText("\n".join([self._cost_text, *heading, *rows]))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()
