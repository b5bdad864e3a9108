""""All inputs": forward mode played once per input node, each pass in turn; each
pass's output tangent fills that input's row of the gradient table, beside the
gradient reverse mode gets for every input from its one backward pass."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from engine.values import Value
from gui.animation.controller import AnimationController


class AllInputs(QObject):
    changed = Signal()
    """A pass finished (a row filled), or the run started or ended."""

    def __init__(self, controller: AnimationController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.active = False
        self.results: dict[str, Value] = {}
        """Input id → the output's tangent its pass brought (∂output/∂input · ones)."""
        self._queue: list[str] = []
        self._switching = False
        controller.changed.connect(self._check)

    def start(self) -> None:
        """Play a tangent pass per input, from the first input on."""
        inputs = [node_id for node_id, _name in self.controller.presenter.input_nodes()]
        if not inputs:
            return
        self.results, self._queue, self.active = {}, inputs, True
        self.changed.emit()
        self._next(first=True)

    def stop(self) -> None:
        if self.active:
            self.active, self._queue = False, []
            self.changed.emit()

    def _next(self, first: bool = False) -> None:
        if not self.active:
            return
        controller = self.controller
        self._switching = True
        try:
            controller.set_seed(self._queue.pop(0))
            # The values are the same in every pass: after the first, start at the tangents.
            controller.jump(0 if first else controller.trace.forward_count)
        finally:
            self._switching = False
        controller.play()

    def _check(self) -> None:
        controller = self.controller
        if not self.active or self._switching or controller.playing:
            return
        trace, position = controller.trace, controller.position
        if position is None or position < len(trace):
            self.stop()  # paused, stepped or edited: the person took over
            return
        output = controller.presenter.evaluation.output
        tangent = trace.state_at(position).node_tangents.get(output) if output is not None else None
        if tangent is not None and controller.seed is not None:
            self.results[controller.seed] = tangent
        if self._queue:
            QTimer.singleShot(0, self._next)
        else:
            self.active = False
        self.changed.emit()
